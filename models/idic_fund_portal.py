# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IdicFund(models.Model):
    """The funds donors may choose when they give online (issue #27)."""

    _inherit = "idic.fund"

    portal_published = fields.Boolean(
        string="Offered Online",
        help="Donors may choose this fund when they give in the customer portal "
        "(Giving).",
    )
