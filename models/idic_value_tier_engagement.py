# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IdicValueTier(models.Model):
    _inherit = "idic.value.tier"

    basis = fields.Selection(
        selection_add=[
            ("engagement", "Customer engagement value"),
            ("predicted_clv", "Predicted lifetime value"),
        ],
        ondelete={"engagement": "set default", "predicted_clv": "set default"},
    )
