# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from itertools import pairwise

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_idic_followup_activity_type(self):
        return self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)

    idic_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=90,
        help="A customer with no interaction for this many days is dormant and "
        "gets a follow-up. 0 turns dormancy off.",
    )
    idic_followup_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Follow-up Activity",
        default=lambda self: self._default_idic_followup_activity_type(),
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    idic_followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        domain="[('share', '=', False)]",
        help="Who gets the follow-up of a dormant customer that has no salesperson.",
    )

    # Value engine (Differentiate)
    idic_rfm_window_months = fields.Integer(
        string="Value Window (months)",
        default=24,
        help="Invoices of the last months that count for frequency, monetary "
        "value and the predicted value.",
    )
    idic_rfm_scoring = fields.Selection(
        [("quintile", "Quintiles"), ("fixed", "Fixed thresholds")],
        string="RFM Scoring",
        default="quintile",
        required=True,
        help="Quintiles rank the customers of the company against each other "
        "(the best fifth scores 5); fixed thresholds score each customer against "
        "the limits below.",
    )
    idic_rfm_r_thresholds = fields.Char(
        string="Recency Limits (days)",
        default="30,90,180,365",
        help="Four increasing numbers of days: a last invoice at most the first "
        "number of days ago scores 5, at most the second 4, ... older than the "
        "last one scores 1.",
    )
    idic_rfm_f_thresholds = fields.Char(
        string="Frequency Limits (invoices)",
        default="2,4,8,12",
        help="Four increasing invoice counts: fewer than the first scores 1, at "
        "least the first 2, ... at least the last one 5.",
    )
    idic_rfm_m_thresholds = fields.Char(
        string="Monetary Limits",
        default="500,2000,10000,50000",
        help="Four increasing amounts in company currency: below the first "
        "scores 1, at least the first 2, ... at least the last one 5.",
    )
    idic_clv_years = fields.Float(
        string="Expected Remaining Years",
        default=3.0,
        help="Customer lifetime value = historic net revenue + average invoice "
        "value x invoices per year (both over the value window) x these years.",
    )

    @api.model
    def _idic_bounds(self):
        return dict(
            super()._idic_bounds(),
            idic_dormant_days=(0, 3650),
            idic_rfm_window_months=(1, 600),
            idic_clv_years=(0, 100),
            idic_points_rate=(0, 1e6),
            idic_points_validity_months=(0, 1200),
            idic_points_notice_days=(0, 3650),
            idic_referral_points=(0, 1e9),
        )

    @api.constrains("idic_dormant_days")
    def _check_idic_dormant_days(self):
        if any(company.idic_dormant_days < 0 for company in self):
            raise ValidationError(self.env._("The dormant delay cannot be negative."))

    @api.constrains(
        "idic_rfm_window_months",
        "idic_rfm_r_thresholds",
        "idic_rfm_f_thresholds",
        "idic_rfm_m_thresholds",
        "idic_clv_years",
    )
    def _check_idic_value_settings(self):
        for company in self:
            if company.idic_rfm_window_months < 1:
                raise ValidationError(
                    self.env._("The value window must be at least one month.")
                )
            if company.idic_clv_years < 0:
                raise ValidationError(
                    self.env._("The expected remaining years cannot be negative.")
                )
            company._idic_rfm_thresholds()

    def _idic_rfm_thresholds(self):
        """The fixed RFM limits ``{'r': [...], 'f': [...], 'm': [...]}``; raise a
        ValidationError naming the bad setting."""
        self.ensure_one()
        labels = {
            "r": self.env._("Recency limits"),
            "f": self.env._("Frequency limits"),
            "m": self.env._("Monetary limits"),
        }
        result = {}
        for key, label in labels.items():
            text = self[f"idic_rfm_{key}_thresholds"] or ""
            try:
                values = [float(part) for part in text.split(",") if part.strip()]
            except ValueError:
                values = []
            if (
                len(values) != 4
                or not all(math.isfinite(value) for value in values)
                or any(value < 0 or value > 1e12 for value in values)
                or any(b <= a for a, b in pairwise(values))
            ):
                raise ValidationError(
                    self.env._(
                        "%(setting)s must be four increasing, non-negative numbers "
                        "separated by commas, such as 30,90,180,365 (got: %(value)s).",
                        setting=label,
                        value=text or "-",
                    )
                )
            result[key] = values
        return result

    # Loyalty points
    idic_loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Relationship Loyalty Program",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', (id, False))]",
        help="The loyalty program whose cards hold the points customers earn on "
        "their invoices; created when first needed.",
    )
    idic_points_rate = fields.Float(
        string="Points per Currency Unit",
        default=0.0,
        digits=(16, 4),
        help="Points earned per 1.0 of company currency invoiced; 0 turns earning off.",
    )
    idic_points_base = fields.Selection(
        [("untaxed", "Untaxed amount"), ("total", "Total amount")],
        string="Points On",
        default="untaxed",
        required=True,
    )
    idic_points_on = fields.Selection(
        [("payment", "As the invoice is paid"), ("post", "When the invoice is posted")],
        string="Points Earned",
        default="payment",
        required=True,
    )
    idic_points_validity_months = fields.Integer(
        string="Points Valid For (months)",
        default=12,
        help="Points expire this many months after they were earned, first in "
        "first out; 0 means they never expire.",
    )
    idic_points_notice_days = fields.Integer(
        string="Expiry Notice (days)",
        default=30,
        help="Customers are reminded by e-mail this many days before points "
        "expire; 0 sends no reminder.",
    )
    idic_referral_points = fields.Float(
        string="Referral Bonus",
        default=0.0,
        help="Points a customer earns, once, when a customer it referred has its "
        "first invoice paid.",
    )

    @api.constrains(
        "idic_points_rate",
        "idic_points_validity_months",
        "idic_points_notice_days",
        "idic_referral_points",
    )
    def _check_idic_points_settings(self):
        for company in self:
            if (
                company.idic_points_rate < 0
                or company.idic_points_validity_months < 0
                or company.idic_points_notice_days < 0
                or company.idic_referral_points < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The points rate, validity, notice and referral bonus cannot "
                        "be negative."
                    )
                )

    def _idic_loyalty_program(self):
        """The relationship loyalty program of the company, created when first
        needed."""
        self.ensure_one()
        if not self.idic_loyalty_program_id:
            program = (
                self.env["loyalty.program"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Relationship Points"),
                        "program_type": "loyalty",
                        "company_id": self.id,
                        "applies_on": "both",
                        "trigger": "auto",
                        "portal_visible": True,
                        "portal_point_name": self.env._("Points"),
                        # Points are earned on invoices by this add-on, never by
                        # rules of the program (sales would earn them twice).
                        "rule_ids": [Command.clear()],
                        "reward_ids": [
                            Command.clear(),
                            Command.create({"discount": 5, "required_points": 200}),
                        ],
                        "communication_plan_ids": [Command.clear()],
                    }
                )
            )
            self.sudo().idic_loyalty_program_id = program
            self.env["idic.texts"]._idic_translate(
                [code for code, _name in self.env["res.lang"].get_installed()]
            )
        return self.idic_loyalty_program_id
