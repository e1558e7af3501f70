# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

MANAGER = "partner_idic.group_idic_manager"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_clv_model_choice = fields.Selection(
        related="company_id.idic_clv_model_choice", readonly=False
    )
    idic_clv_holdout_weeks = fields.Integer(
        related="company_id.idic_clv_holdout_weeks", readonly=False
    )
    idic_clv_refit_days = fields.Integer(
        related="company_id.idic_clv_refit_days", readonly=False
    )
    idic_churn_low_threshold = fields.Float(
        related="company_id.idic_churn_low_threshold", readonly=False
    )
    idic_churn_high_threshold = fields.Float(
        related="company_id.idic_churn_high_threshold", readonly=False
    )
    idic_clv_min_customers = fields.Integer(
        related="company_id.idic_clv_min_customers", readonly=False
    )
    idic_clv_min_span_weeks = fields.Integer(
        related="company_id.idic_clv_min_span_weeks", readonly=False
    )
    idic_clv_min_recent_purchases = fields.Integer(
        related="company_id.idic_clv_min_recent_purchases", readonly=False
    )
    idic_clv_fit_id = fields.Many2one(
        related="company_id.idic_clv_fit_id", groups=MANAGER
    )
    idic_clv_check_method = fields.Selection(
        related="company_id.idic_clv_fit_id.method", groups=MANAGER
    )
    idic_clv_check_reason = fields.Text(
        related="company_id.idic_clv_fit_id.reason", groups=MANAGER
    )
    idic_clv_check_bgnbd_mae = fields.Float(
        related="company_id.idic_clv_fit_id.bgnbd_mae", groups=MANAGER
    )
    idic_clv_check_pareto_nbd_mae = fields.Float(
        related="company_id.idic_clv_fit_id.pareto_nbd_mae", groups=MANAGER
    )
    idic_clv_check_baseline_mae = fields.Float(
        related="company_id.idic_clv_fit_id.baseline_mae", groups=MANAGER
    )
    idic_clv_check_holdout_message = fields.Text(
        related="company_id.idic_clv_fit_id.holdout_message", groups=MANAGER
    )

    def action_idic_open_model_check(self):
        """The Model Check report of the current company."""
        return self.env["ir.actions.actions"]._for_xml_id(
            "partner_idic.idic_model_check_action"
        )
