# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import AccessError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_clv_horizon_months = fields.Integer(
        related="company_id.idic_clv_horizon_months", readonly=False
    )
    idic_clv_discount_rate = fields.Float(
        related="company_id.idic_clv_discount_rate", readonly=False
    )
    idic_clv_margin_percent = fields.Float(
        related="company_id.idic_clv_margin_percent", readonly=False
    )
    idic_clv_min_repeat_customers = fields.Integer(
        related="company_id.idic_clv_min_repeat_customers", readonly=False
    )
    idic_churn_threshold = fields.Float(
        related="company_id.idic_churn_threshold", readonly=False
    )
    idic_acquisition_cost = fields.Float(
        related="company_id.idic_acquisition_cost", readonly=False
    )
    idic_referral_causal_share = fields.Float(
        related="company_id.idic_referral_causal_share", readonly=False
    )
    idic_point_value = fields.Float(
        related="company_id.idic_point_value", readonly=False
    )
    idic_referral_window_months = fields.Integer(
        related="company_id.idic_referral_window_months", readonly=False
    )
    idic_civ_depth = fields.Integer(related="company_id.idic_civ_depth", readonly=False)
    idic_civ_attenuation = fields.Float(
        related="company_id.idic_civ_attenuation", readonly=False
    )
    idic_advocacy_value = fields.Float(
        related="company_id.idic_advocacy_value", readonly=False
    )
    idic_advocacy_reach_value = fields.Float(
        related="company_id.idic_advocacy_reach_value", readonly=False
    )
    idic_ckv_submitted_value = fields.Float(
        related="company_id.idic_ckv_submitted_value", readonly=False
    )
    idic_ckv_accepted_value = fields.Float(
        related="company_id.idic_ckv_accepted_value", readonly=False
    )
    idic_ckv_implemented_value = fields.Float(
        related="company_id.idic_ckv_implemented_value", readonly=False
    )
    idic_ckv_survey_value = fields.Float(
        related="company_id.idic_ckv_survey_value", readonly=False
    )
    idic_clv_fit_date = fields.Datetime(
        related="company_id.idic_clv_fit_date", groups="partner_idic.group_idic_manager"
    )
    idic_clv_method = fields.Selection(
        related="company_id.idic_clv_method", groups="partner_idic.group_idic_manager"
    )
    idic_clv_fit_converged = fields.Boolean(
        related="company_id.idic_clv_fit_converged",
        groups="partner_idic.group_idic_manager",
    )
    idic_clv_fit_message = fields.Char(
        related="company_id.idic_clv_fit_message",
        groups="partner_idic.group_idic_manager",
    )
    idic_clv_fit_customers = fields.Integer(
        related="company_id.idic_clv_fit_customers",
        groups="partner_idic.group_idic_manager",
    )
    idic_clv_repeat_customers = fields.Integer(
        related="company_id.idic_clv_repeat_customers",
        groups="partner_idic.group_idic_manager",
    )
    idic_bgnbd_r = fields.Float(
        related="company_id.idic_bgnbd_r", groups="partner_idic.group_idic_manager"
    )
    idic_bgnbd_alpha = fields.Float(
        related="company_id.idic_bgnbd_alpha", groups="partner_idic.group_idic_manager"
    )
    idic_bgnbd_a = fields.Float(
        related="company_id.idic_bgnbd_a", groups="partner_idic.group_idic_manager"
    )
    idic_bgnbd_b = fields.Float(
        related="company_id.idic_bgnbd_b", groups="partner_idic.group_idic_manager"
    )
    idic_gg_p = fields.Float(
        related="company_id.idic_gg_p", groups="partner_idic.group_idic_manager"
    )
    idic_gg_q = fields.Float(
        related="company_id.idic_gg_q", groups="partner_idic.group_idic_manager"
    )
    idic_gg_gamma = fields.Float(
        related="company_id.idic_gg_gamma", groups="partner_idic.group_idic_manager"
    )

    def action_idic_refit_clv(self):
        """Managers: save the settings, fit the lifetime value models of the
        current company again and recompute its customers' values."""
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers can refit the value models.")
            )
        self.execute()
        return (
            self.env["idic.value.tier"]
            .with_context(allowed_company_ids=[self.env.company.id])
            .action_idic_recompute()
        )
