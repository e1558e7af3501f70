# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Predictions a salesperson can act on (issue #28): when the customer is
expected to buy again and how worried to be (churn bands), from the company's
checked fit (``idic.clv.fit``), written by the value job with the other
figures; no prediction at all when the company has too little data.

The engagement stage of the value job builds each customer's figures in one
query (``_idic_engagement_base_sql``); this file adds the next purchase date
and the churn band to it, and empties the predictions of a company whose data
is below its minimums.
"""

import numpy as np

from odoo import api, fields, models
from odoo.tools import SQL

from .idic_clv_fit import CHURN_BANDS, MAX_WAIT_DAYS

INTERNAL = "base.group_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_next_purchase_date = fields.Date(
        string="Expected to Buy By",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="For a customer still likely to be active (the churn risk limit of "
        "Settings): the day by which it buys again with even odds, counted from "
        "its last purchase: that day + the median wait to its next purchase "
        "given that it is active, as the model gives it on the day of the "
        "purchase. It stays until the next purchase (whenever the recompute "
        "runs), so that a passed date means the customer did not buy when "
        "expected (overdue).",
    )
    idic_churn_band = fields.Selection(
        CHURN_BANDS,
        string="Churn Risk Band",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="Low, medium or high risk of having stopped buying, from the "
        "probability of being active and the limits of Settings.",
    )
    idic_next_purchase_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_idic_next_purchase_overdue",
        groups=INTERNAL,
        help="The day by which the customer was expected to buy has passed.",
    )
    idic_prediction_notice = fields.Char(
        string="Predictions",
        compute="_compute_idic_prediction_notice",
        groups=INTERNAL,
        help="Why the company shows no predictions, when it does not.",
    )
    # What the figures of issue #14 are now (the margin from product costs,
    # the method from the model check); redefined here, beside the code that
    # makes them so.
    idic_clv = fields.Float(
        help="Historic margin plus predicted value: the profit the customer "
        "brought (untaxed sales in company currency less the cost of the products "
        "sold, or the category's or company's margin where a product has no "
        "cost; credit notes subtract theirs) plus the margin it is expected to "
        "bring over the horizon of Settings."
    )
    idic_historic_margin = fields.Float(
        help="The profit of the customer's posted invoices net of credit notes: "
        "each line's untaxed amount in company currency less its product's cost "
        "in the company times the quantity in the product's unit; without a "
        "cost, the line's amount times its product category's margin, else the "
        "company's margin (Settings)."
    )
    idic_predicted_clv = fields.Float(
        help="The margin the customer is expected to bring over the horizon of "
        "Settings: each month's expected purchases (BG/NBD, Pareto/NBD or the "
        "customer's own rate, as the model check chose) times the expected spend "
        "(Gamma-Gamma) times the customer's margin ratio, discounted monthly at "
        "the company's annual rate."
    )
    idic_clv_method = fields.Selection(
        selection_add=[
            ("pareto_nbd", "Pareto/NBD + Gamma-Gamma"),
            ("baseline", "Own past rate"),
        ],
        ondelete={"pareto_nbd": "set null", "baseline": "set null"},
        help="What predicted the customer's value: the purchase model the company's "
        "model check chose (Reporting > Model Check), each customer's own past "
        "rate when the models did worse than it, or the simple formula when too "
        "few customers bought again. Empty: no prediction (too little data).",
    )

    def _compute_idic_next_purchase_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            date = partner.idic_next_purchase_date
            partner.idic_next_purchase_overdue = bool(date and date < today)

    def _compute_idic_prediction_notice(self):
        fit = self.env["idic.clv.fit"].sudo()._idic_latest(self.env.company)
        notice = False
        if fit.method == "insufficient":
            notice = self.env._(
                "No predictions: too little data (%(missing)s).",
                missing=(fit.missing or "").replace("\n", "; "),
            )
        self.idic_prediction_notice = notice

    # ------------------------------------------------------------------------
    # The value job
    # ------------------------------------------------------------------------
    @api.model
    def _idic_staged_value_columns(self):
        columns = super()._idic_staged_value_columns()
        columns.update(
            {
                "idic_next_purchase_date": SQL("t.next_date"),
                "idic_churn_band": SQL("t.churn_band"),
            }
        )
        return columns

    @api.model
    def _idic_run_info(self, job, company):
        info = super()._idic_run_info(job, company)
        if job == "value" and company:
            fit = company.sudo().idic_clv_fit_id
            info.update(clv_fit_id=fit.id, clv_fit_method=fit.method)
        return info

    @api.model
    def _idic_engagement_base_sql(self, company, method):
        """The engagement base query with each customer's next purchase date
        and churn band (``next_date``, ``churn_band``), from the company's
        fit of this run; without a prediction at all when the company has too
        little data (its lifetime value is then its historic margin)."""
        fit = company.sudo().idic_clv_fit_id
        hidden = fit.method == "insufficient"
        query, columns = super()._idic_engagement_base_sql(
            company, "simple" if hidden else method
        )
        if not fit or hidden:
            nulls = {
                "p_alive": SQL("NULL::float8"),
                "method": SQL("NULL::varchar"),
                "expected": SQL("NULL::numeric"),
                "predicted": SQL("NULL::numeric"),
                "clv": SQL("q.margin"),
            }
            selected = SQL(", ").join(
                SQL(
                    "%s AS %s",
                    nulls.get(name, SQL.identifier("q", name)),
                    SQL.identifier(name),
                )
                for name in ["partner_id", "value_tier_id", *columns]
            )
            return (
                SQL(
                    """SELECT %s, NULL::date AS next_date, NULL::varchar AS churn_band
                         FROM (%s) q""",
                    selected,
                    query,
                ),
                [*columns, "next_date", "churn_band"],
            )
        # The wait as the model gives it on the day of the last purchase
        # (the customer's age then, its repeat purchases), counted from that
        # day: the same date whichever day the job runs, kept until the next
        # purchase, so that a passed date means overdue.
        wait = fit._idic_wait_days_sql(
            SQL("(q.invoice_days - 1)"), SQL("(q.last_date - q.first_date)")
        )
        return (
            SQL(
                """
                SELECT q.*,
                       CASE WHEN q.p_alive IS NULL OR q.p_alive < %(limit)s THEN NULL
                            WHEN %(wait)s <= %(max_wait)s
                            THEN q.last_date + CEIL(%(wait)s)::int
                       END AS next_date,
                       %(band)s AS churn_band
                  FROM (%(query)s) q
                """,
                limit=company.idic_churn_threshold / 100.0,
                wait=wait,
                max_wait=MAX_WAIT_DAYS,
                band=fit._idic_churn_band_sql(SQL("q.p_alive")),
                query=query,
            ),
            [*columns, "next_date", "churn_band"],
        )

    @api.model
    def _idic_stage_engagement(self, company, today):
        # The fit and the next purchase dates count from the job's day.
        result = super(
            ResPartner, self.with_context(idic_clv_today=today)
        )._idic_stage_engagement(company, today)
        fit = company.sudo().idic_clv_fit_id
        if fit and fit.method != "insufficient":
            self.env.cr.execute(
                SQL(
                    "SELECT predicted::float8 FROM %s WHERE predicted IS NOT NULL",
                    self._idic_staging(),
                )
            )
            fit._idic_record_spread(
                np.array([value for (value,) in self.env.cr.fetchall()], dtype=float)
            )
        return result
