# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IdicRecomputeRun(models.Model):
    _inherit = "idic.recompute.run"

    job = fields.Selection(
        selection_add=[
            ("cadence", "Contact cadence"),
            ("next_action", "Next best actions"),
            ("recommend", "Recommended products"),
        ],
        ondelete={
            "cadence": "cascade",
            "next_action": "cascade",
            "recommend": "cascade",
        },
    )
