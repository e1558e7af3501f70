from . import idic_points_wizard
from . import idic_donation_summary_wizard
