# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import COMPLETENESS_CRITERIA


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_dormant_days = fields.Integer(
        related="company_id.idic_dormant_days", readonly=False
    )
    idic_followup_activity_type_id = fields.Many2one(
        related="company_id.idic_followup_activity_type_id", readonly=False
    )
    idic_followup_user_id = fields.Many2one(
        related="company_id.idic_followup_user_id", readonly=False
    )
    idic_rfm_window_months = fields.Integer(
        related="company_id.idic_rfm_window_months", readonly=False
    )
    idic_rfm_scoring = fields.Selection(
        related="company_id.idic_rfm_scoring", readonly=False
    )
    idic_rfm_r_thresholds = fields.Char(
        related="company_id.idic_rfm_r_thresholds", readonly=False
    )
    idic_rfm_f_thresholds = fields.Char(
        related="company_id.idic_rfm_f_thresholds", readonly=False
    )
    idic_rfm_m_thresholds = fields.Char(
        related="company_id.idic_rfm_m_thresholds", readonly=False
    )
    idic_clv_years = fields.Float(related="company_id.idic_clv_years", readonly=False)
    idic_loyalty_program_id = fields.Many2one(
        related="company_id.idic_loyalty_program_id", readonly=False
    )
    idic_points_rate = fields.Float(
        related="company_id.idic_points_rate", readonly=False
    )
    idic_points_base = fields.Selection(
        related="company_id.idic_points_base", readonly=False
    )
    idic_points_on = fields.Selection(
        related="company_id.idic_points_on", readonly=False
    )
    idic_points_validity_months = fields.Integer(
        related="company_id.idic_points_validity_months", readonly=False
    )
    idic_points_notice_days = fields.Integer(
        related="company_id.idic_points_notice_days", readonly=False
    )
    idic_referral_points = fields.Float(
        related="company_id.idic_referral_points", readonly=False
    )
    idic_stage_allow_backward = fields.Boolean(
        string="Rules May Move Partners Back",
        config_parameter="partner_idic.stage_allow_backward",
    )
    idic_stage_follow_commercial = fields.Boolean(
        string="Contacts Follow Their Company",
        config_parameter="partner_idic.stage_follow_commercial",
    )
    idic_weight_email = fields.Integer(
        string="Weight of E-mail",
        default=COMPLETENESS_CRITERIA["email"],
    )
    idic_weight_phone = fields.Integer(
        string="Weight of Phone",
        default=COMPLETENESS_CRITERIA["phone"],
    )
    idic_weight_address = fields.Integer(
        string="Weight of Address",
        default=COMPLETENESS_CRITERIA["address"],
    )
    idic_weight_birthdate = fields.Integer(
        string="Weight of Birthday",
        default=COMPLETENESS_CRITERIA["birthdate"],
    )
    idic_weight_tags = fields.Integer(
        string="Weight of Tags",
        default=COMPLETENESS_CRITERIA["tags"],
    )
    idic_weight_source = fields.Integer(
        string="Weight of Source",
        default=COMPLETENESS_CRITERIA["source"],
    )
    idic_weight_preferences = fields.Integer(
        string="Weight of Preferences",
        default=COMPLETENESS_CRITERIA["preferences"],
    )

    def _idic_weight_fields(self):
        return [f"idic_weight_{key}" for key in COMPLETENESS_CRITERIA]

    @api.model
    def _idic_bounds(self):
        weights = dict.fromkeys(self._idic_weight_fields(), (0, 1000))
        return dict(super()._idic_bounds(), **weights)

    @api.constrains(
        "idic_dormant_days",
        "idic_weight_email",
        "idic_weight_phone",
        "idic_weight_address",
        "idic_weight_birthdate",
        "idic_weight_tags",
        "idic_weight_source",
        "idic_weight_preferences",
    )
    def _check_idic_values(self):
        for settings in self:
            if settings.idic_dormant_days < 0:
                raise ValidationError(
                    self.env._("The dormant delay cannot be negative.")
                )
            weights = [settings[name] for name in settings._idic_weight_fields()]
            if any(weight < 0 for weight in weights):
                raise ValidationError(
                    self.env._("Profile completeness weights cannot be negative.")
                )
            if not any(weights):
                raise ValidationError(
                    self.env._(
                        "At least one profile completeness weight must be positive."
                    )
                )

    @api.model
    def get_values(self):
        values = super().get_values()
        weights = self.env["res.partner"]._idic_completeness_weights()
        values.update({f"idic_weight_{key}": weight for key, weight in weights.items()})
        return values

    def set_values(self):
        # Weights are kept as parameters; written by hand because a zero
        # weight must be kept as "0", not removed like a false value.
        result = super().set_values()
        Partner = self.env["res.partner"]
        old_weights = Partner._idic_completeness_weights()
        params = self.env["ir.config_parameter"].sudo()
        for key in COMPLETENESS_CRITERIA:
            params.set_param(
                f"partner_idic.completeness_weight_{key}",
                str(self[f"idic_weight_{key}"]),
            )
        if Partner._idic_completeness_weights() != old_weights:
            Partner.sudo()._idic_recompute_completeness_sql()
        return result

    def action_idic_recompute_values(self):
        self.execute()
        return self.env["idic.value.tier"].action_idic_recompute()
