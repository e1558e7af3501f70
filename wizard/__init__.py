from . import idic_points_wizard
from . import idic_member_wizard
