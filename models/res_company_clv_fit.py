# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company settings of the predictions users can trust (issue #28): which
purchase model, the holdout check, the churn bands and the least data the
predictions need; and the latest fit of the company."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER = "partner_idic.group_idic_manager"
MODEL_CHOICES = [
    ("auto", "The one with the lower holdout error"),
    ("bgnbd", "BG/NBD"),
    ("pareto_nbd", "Pareto/NBD"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_clv_model_choice = fields.Selection(
        MODEL_CHOICES,
        string="Purchase Model",
        default="auto",
        required=True,
        help="The model that predicts the customers' purchases: by default the "
        "one whose predictions came closer to what the customers bought in the "
        "holdout check. Either way, a model that does worse than each customer's "
        "own past rate gives way to that rate.",
    )
    idic_clv_holdout_weeks = fields.Integer(
        string="Holdout (weeks)",
        default=26,
        help="At each fit the models are also fitted on the history up to this "
        "many weeks ago, and their predictions for these weeks compared with "
        "what the customers bought.",
    )
    idic_clv_refit_days = fields.Integer(
        string="Fit Again Every (days)",
        default=7,
        help="How often the purchase models are fitted and checked again. "
        "Between two fits the customers' predictions are as of the day of the "
        "last fit (their age that day): they change only when their own "
        "purchases do, so a night without new invoices rewrites none of them. "
        "Changing the purchase model or the holdout fits again at the next "
        "recompute. 1: every day.",
    )
    idic_churn_low_threshold = fields.Float(
        string="Low Risk From (%)",
        default=70.0,
        help="Customers at least this likely to be active are a low churn risk.",
    )
    idic_churn_high_threshold = fields.Float(
        string="High Risk Below (%)",
        default=30.0,
        help="Customers less likely than this to be active are a high churn risk; "
        "in between, a medium risk.",
    )
    idic_clv_min_customers = fields.Integer(
        string="Least Customers",
        default=10,
        help="With fewer customers the add-on shows no prediction (probability "
        "of being active, predicted value, next purchase, churn risk).",
    )
    idic_clv_min_span_weeks = fields.Integer(
        string="Least History (weeks)",
        default=8,
        help="With a shorter history (from the first invoice to today) the "
        "add-on shows no prediction.",
    )
    idic_clv_min_recent_purchases = fields.Integer(
        string="Least Purchases in 90 Days",
        default=3,
        help="With fewer purchases (invoice days of a customer) in the last 90 "
        "days, the history is not current: the add-on shows no prediction.",
    )
    # What the settings of issue #14 mean now that the margin comes from the
    # products' costs and the next purchase from the churn risk limit.
    idic_clv_margin_percent = fields.Float(
        help="Margin of the invoice lines whose product has no cost and whose "
        "category sets no margin, as a share of their untaxed amount. 100 % "
        "counts such lines' revenue as profit: give the products a cost, or set "
        "this, for a lifetime value that is profit."
    )
    idic_churn_threshold = fields.Float(
        help="Valued customers whose probability of being active falls below this "
        "percentage are listed as churn risks; below it, no customer gets a date "
        "by which it is expected to buy again."
    )
    idic_clv_method = fields.Selection(
        selection_add=[
            ("pareto_nbd", "Pareto/NBD + Gamma-Gamma"),
            ("baseline", "Own past rate"),
            ("insufficient", "Too little data"),
        ],
        ondelete={
            "pareto_nbd": "set null",
            "baseline": "set null",
            "insufficient": "set null",
        },
    )
    idic_clv_fit_id = fields.Many2one(
        "idic.clv.fit",
        string="Latest Model Check",
        readonly=True,
        copy=False,
        groups=MANAGER,
    )

    @api.constrains(
        "idic_clv_holdout_weeks",
        "idic_clv_refit_days",
        "idic_churn_low_threshold",
        "idic_churn_high_threshold",
        "idic_clv_min_customers",
        "idic_clv_min_span_weeks",
        "idic_clv_min_recent_purchases",
    )
    def _check_idic_clv_fit_settings(self):
        for company in self:
            if not 4 <= company.idic_clv_holdout_weeks <= 260:
                raise ValidationError(
                    self.env._("The holdout period must be 4 to 260 weeks.")
                )
            if not 1 <= company.idic_clv_refit_days <= 366:
                raise ValidationError(
                    self.env._("The models are fitted again every 1 to 366 days.")
                )
            low = company.idic_churn_low_threshold
            high = company.idic_churn_high_threshold
            if not (
                math.isfinite(low) and math.isfinite(high) and 0 <= high <= low <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "The churn risk limits are percentages between 0 and 100, "
                        "the high risk limit at most the low risk one."
                    )
                )
            if not (
                0 <= company.idic_clv_min_customers <= 1_000_000
                and 0 <= company.idic_clv_min_span_weeks <= 1040
                and 0 <= company.idic_clv_min_recent_purchases <= 1_000_000
            ):
                raise ValidationError(
                    self.env._(
                        "The least customers (up to 1,000,000), weeks of history "
                        "(up to 1,040) and purchases in 90 days (up to 1,000,000) "
                        "the predictions need cannot be negative."
                    )
                )
