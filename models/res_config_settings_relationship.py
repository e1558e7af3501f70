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

    idic_clv_fit_summary = fields.Char(
        string="Fit Summary",
        compute="_compute_idic_clv_fit_summary",
        groups="partner_idic.group_idic_manager",
    )

    @api.depends(
        "idic_clv_fit_date",
        "idic_clv_fit_converged",
        "idic_clv_method",
        "idic_clv_fit_customers",
        "idic_clv_repeat_customers",
    )
    def _compute_idic_clv_fit_summary(self):
        """The last fit of the lifetime value models in a sentence (the
        optimizer's own report is for developers)."""
        for settings in self:
            method = settings.idic_clv_method
            if not settings.idic_clv_fit_date:
                settings.idic_clv_fit_summary = False
            elif method in ("model", "pareto_nbd") and settings.idic_clv_fit_converged:
                settings.idic_clv_fit_summary = self.env._(
                    "The purchase model (%(model)s) and the spending model were "
                    "fitted on %(customers)s customers, %(repeat)s of whom bought "
                    "more than once: they predict the lifetime values.",
                    model="BG/NBD" if method == "model" else "Pareto/NBD",
                    customers=settings.idic_clv_fit_customers,
                    repeat=settings.idic_clv_repeat_customers,
                )
            elif method == "baseline":
                settings.idic_clv_fit_summary = self.env._(
                    "On the holdout check of %(customers)s customers, the models "
                    "did worse than each customer's own past rate: the lifetime "
                    "values use the own rate.",
                    customers=settings.idic_clv_fit_customers,
                )
            elif method == "insufficient":
                settings.idic_clv_fit_summary = self.env._(
                    "Too little data for predictions (%(customers)s customers): "
                    "the lifetime values are the historic margin.",
                    customers=settings.idic_clv_fit_customers,
                )
            else:
                settings.idic_clv_fit_summary = self.env._(
                    "The models could not be fitted reliably on %(customers)s "
                    "customers: the lifetime values use the simple formula.",
                    customers=settings.idic_clv_fit_customers,
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
