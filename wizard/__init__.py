from . import idic_points_wizard
