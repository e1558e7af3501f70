# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IdicValueTier(models.Model):
    _inherit = "idic.value.tier"

    basis = fields.Selection(
        selection_add=[
            ("engagement", "Customer engagement value"),
            ("predicted_clv", "Predicted lifetime value"),
            ("p_alive", "Probability of being active (0-1)"),
        ],
        ondelete={
            "engagement": "set default",
            "predicted_clv": "set default",
            "p_alive": "set default",
        },
    )

    @api.constrains("basis", "min_threshold")
    def _check_p_alive_thresholds(self):
        for tier in self:
            if tier.basis == "p_alive" and not 0 <= tier.min_threshold <= 1:
                raise ValidationError(
                    self.env._(
                        "A probability of being active lies between 0 and 1: tier "
                        "minimums must be between 0 and 1."
                    )
                )
