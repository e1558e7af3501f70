from . import idic_points_wizard
from . import loyalty_host_wizards
from . import idic_donation_summary_wizard
from . import idic_member_wizard
from . import base_partner_merge
from . import loyalty_generate_wizard
from . import idic_segment_action
