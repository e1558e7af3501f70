# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IdicValueTier(models.Model):
    _inherit = "idic.value.tier"

    basis = fields.Selection(
        selection_add=[("donor_ltv", "Predicted donor value")],
        ondelete={"donor_ltv": "set default"},
    )
