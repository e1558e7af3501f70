# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_recompute_workers = fields.Integer(
        related="company_id.idic_recompute_workers", readonly=False
    )

    def action_idic_open_recompute_runs(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_recompute_run_action"
        )
