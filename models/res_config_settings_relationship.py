# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .res_partner_relationship import COUNT_VENDORS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_count_vendors = fields.Boolean(
        string="Vendors Are Customers",
        config_parameter=COUNT_VENDORS_PARAM,
        help="Count vendors that never bought from you as customers: in the "
        "pipeline, the figures and the jobs.",
    )

    def set_values(self):
        changed = (
            self.env["res.partner"]._idic_count_vendors() != self.idic_count_vendors
        )
        result = super().set_values()
        if changed:
            self._idic_after_customers_changed()
        return result

    @api.model
    def _idic_after_customers_changed(self):
        """Who counts as a customer changed: let the nightly jobs bring the
        stages and figures to it soon."""
        Partner = self.env["res.partner"]
        Partner._idic_trigger_value_recompute()
        Partner._idic_trigger_cron_soon("partner_idic.ir_cron_idic_stage_advance")
