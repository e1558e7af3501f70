# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company settings of the customer engagement value (issue #14): predicted
lifetime value, referral, influence and knowledge value, and the last fit of
the lifetime value models."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER = "partner_idic.group_idic_manager"


class ResCompany(models.Model):
    _inherit = "res.company"

    # Predicted lifetime value
    idic_clv_horizon_months = fields.Integer(
        string="CLV Horizon (months)",
        default=36,
        help="Months of future purchases the predicted lifetime value counts.",
    )
    idic_clv_discount_rate = fields.Float(
        string="Annual Discount Rate (%)",
        default=10.0,
        help="Future margin is discounted month by month at this annual rate.",
    )
    idic_clv_margin_percent = fields.Float(
        string="Gross Margin (%)",
        default=100.0,
        help="Share of the untaxed revenue that is margin, unless the product "
        "category sets its own. 100 % counts revenue as value.",
    )
    idic_clv_min_repeat_customers = fields.Integer(
        string="Repeat Customers to Fit",
        default=20,
        help="The BG/NBD and Gamma-Gamma models are fitted when the company has at "
        "least this many customers who bought again; with fewer, the simple "
        "formula gives the value.",
    )
    idic_churn_threshold = fields.Float(
        string="Churn Risk Below (%)",
        default=50.0,
        help="Valued customers whose probability of being active falls below this "
        "percentage are listed as churn risks.",
    )
    # Referral value
    idic_acquisition_cost = fields.Float(
        string="Acquisition Cost",
        default=0.0,
        help="What winning a new customer costs the company; a referred customer "
        "saves it.",
    )
    idic_referral_causal_share = fields.Float(
        string="Joined Because of the Referral (%)",
        default=50.0,
        help="Share of the referred customers who would not have come without the "
        "referral; it can be set per referred customer when known.",
    )
    idic_point_value = fields.Float(
        string="Value of One Point",
        default=0.0,
        digits=(16, 4),
        help="What one loyalty point costs the company: the cost of the referral "
        "bonuses.",
    )
    idic_referral_window_months = fields.Integer(
        string="Referral Window (months)",
        default=12,
        help="Months after its first invoice in which the margin of a referred "
        "customer counts for its referrer; its predicted value counts in full.",
    )
    # Influence value
    idic_civ_depth = fields.Integer(
        string="Referral Depth",
        default=3,
        help="Levels of the referral chain that count for influence value (level 1, "
        "the direct referrals, counts in the referral value).",
    )
    idic_civ_attenuation = fields.Float(
        string="Attenuation per Level",
        default=0.25,
        digits=(16, 4),
        help="A customer referred at level 2 counts this share of its value, at "
        "level 3 this share squared, and so on.",
    )
    idic_advocacy_value = fields.Float(
        string="Value per Advocacy Act",
        default=0.0,
        help="Value of one review, testimonial, case study, social post or talk "
        "with a positive sentiment; a negative one subtracts it, a neutral one "
        "counts nothing.",
    )
    idic_advocacy_reach_value = fields.Float(
        string="Value per Person Reached",
        default=0.0,
        digits=(16, 4),
        help="Added to an advocacy act for every person it reached (subtracted for "
        "a negative act).",
    )
    # Knowledge value
    idic_ckv_submitted_value = fields.Float(
        string="Value of Submitted Feedback", default=0.0
    )
    idic_ckv_accepted_value = fields.Float(
        string="Value of Accepted Feedback", default=0.0
    )
    idic_ckv_implemented_value = fields.Float(
        string="Value of Implemented Feedback", default=0.0
    )
    idic_ckv_survey_value = fields.Float(
        string="Value per Rated Interaction",
        default=0.0,
        help="Value of each answered satisfaction survey or interaction the "
        "customer rated.",
    )
    # The last fit (written by the value recompute)
    idic_clv_run_date = fields.Datetime(
        string="Engagement Computed On", readonly=True, copy=False
    )
    idic_clv_fit_date = fields.Datetime(
        string="Fitted On", readonly=True, copy=False, groups=MANAGER
    )
    idic_clv_method = fields.Selection(
        [("model", "BG/NBD + Gamma-Gamma"), ("simple", "Simple formula")],
        string="Lifetime Value Method",
        readonly=True,
        copy=False,
        groups=MANAGER,
    )
    idic_clv_fit_converged = fields.Boolean(
        string="Fit Converged", readonly=True, copy=False, groups=MANAGER
    )
    idic_clv_fit_message = fields.Char(
        string="Fit Report", readonly=True, copy=False, groups=MANAGER
    )
    idic_clv_fit_customers = fields.Integer(
        string="Customers Fitted", readonly=True, copy=False, groups=MANAGER
    )
    idic_clv_repeat_customers = fields.Integer(
        string="Repeat Customers", readonly=True, copy=False, groups=MANAGER
    )
    idic_bgnbd_r = fields.Float(
        string="BG/NBD r", digits=(16, 6), readonly=True, copy=False, groups=MANAGER
    )
    idic_bgnbd_alpha = fields.Float(
        string="BG/NBD alpha",
        digits=(16, 6),
        readonly=True,
        copy=False,
        groups=MANAGER,
    )
    idic_bgnbd_a = fields.Float(
        string="BG/NBD a", digits=(16, 6), readonly=True, copy=False, groups=MANAGER
    )
    idic_bgnbd_b = fields.Float(
        string="BG/NBD b", digits=(16, 6), readonly=True, copy=False, groups=MANAGER
    )
    idic_gg_p = fields.Float(
        string="Gamma-Gamma p",
        digits=(16, 6),
        readonly=True,
        copy=False,
        groups=MANAGER,
    )
    idic_gg_q = fields.Float(
        string="Gamma-Gamma q",
        digits=(16, 6),
        readonly=True,
        copy=False,
        groups=MANAGER,
    )
    idic_gg_gamma = fields.Float(
        string="Gamma-Gamma gamma",
        digits=(16, 6),
        readonly=True,
        copy=False,
        groups=MANAGER,
    )

    @api.model
    def _idic_bounds(self):
        money = (0, 1e12)
        return dict(
            super()._idic_bounds(),
            idic_clv_horizon_months=(1, 600),
            idic_clv_discount_rate=(0, 100),
            idic_clv_margin_percent=(0, 100),
            idic_clv_min_repeat_customers=(4, 1e9),
            idic_churn_threshold=(0, 100),
            idic_acquisition_cost=money,
            idic_referral_causal_share=(0, 100),
            idic_point_value=money,
            idic_referral_window_months=(0, 600),
            idic_civ_depth=(1, 10),
            idic_civ_attenuation=(0, 1),
            idic_advocacy_value=money,
            idic_advocacy_reach_value=money,
            idic_ckv_submitted_value=money,
            idic_ckv_accepted_value=money,
            idic_ckv_implemented_value=money,
            idic_ckv_survey_value=money,
        )

    @api.constrains(
        "idic_clv_horizon_months",
        "idic_clv_discount_rate",
        "idic_clv_margin_percent",
        "idic_clv_min_repeat_customers",
        "idic_churn_threshold",
        "idic_acquisition_cost",
        "idic_referral_causal_share",
        "idic_point_value",
        "idic_referral_window_months",
        "idic_civ_depth",
        "idic_civ_attenuation",
        "idic_advocacy_reach_value",
    )
    def _check_idic_engagement_settings(self):
        for company in self:
            if not 1 <= company.idic_clv_horizon_months <= 600:
                raise ValidationError(
                    self.env._("The lifetime value horizon must be 1 to 600 months.")
                )
            if not 0 <= company.idic_clv_discount_rate <= 100:
                raise ValidationError(
                    self.env._("The annual discount rate must be between 0 and 100 %.")
                )
            for value in (
                company.idic_clv_margin_percent,
                company.idic_churn_threshold,
                company.idic_referral_causal_share,
            ):
                if not 0 <= value <= 100:
                    raise ValidationError(
                        self.env._(
                            "The gross margin, the churn risk limit and the share of "
                            "customers who joined because of the referral are "
                            "percentages between 0 and 100."
                        )
                    )
            if company.idic_clv_min_repeat_customers < 4:
                raise ValidationError(
                    self.env._(
                        "Fitting the lifetime value models needs at least 4 repeat "
                        "customers."
                    )
                )
            if (
                company.idic_acquisition_cost < 0
                or company.idic_point_value < 0
                or company.idic_advocacy_reach_value < 0
                or company.idic_referral_window_months < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The acquisition cost, the value of a point, the value per "
                        "person reached and the referral window cannot be negative."
                    )
                )
            if not 1 <= company.idic_civ_depth <= 10:
                raise ValidationError(
                    self.env._("The referral depth must be between 1 and 10 levels.")
                )
            if not 0 <= company.idic_civ_attenuation <= 1:
                raise ValidationError(
                    self.env._("The attenuation per level must be between 0 and 1.")
                )
