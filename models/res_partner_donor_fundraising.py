# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Donor figures of fundraising (issue #26), written by the donor job with
the others: one more stage step rewrites the donor staging table once with

* **soft credits** per fiscal year beside the hard gifts (a soft credit
  counts when its gift is posted and its net amount positive, capped at that
  amount; a partner soft-credited on its own gift, or on one of its
  household's, counts nothing: the gift is its hard credit already); the
  statuses, LYBUNT and SYBUNT count them when the company says so;
* **sustainers** (an active recurring gift) and their **monthly recurring
  revenue** in company currency;
* each donor's **predicted value** from its fiscal-year giving (a fiscal year
  with a gift is a transaction): the BG/BB model (Fader, Hardie & Shang
  2010) fitted on the company's donors observed over at least one complete
  fiscal year after the one of their first gift, the probability of being
  active next year, the fiscal years with a gift expected in the next five,
  and their value at the donor's average giving per year, discounted yearly
  at the company's rate. Too few donors, or a fit that does not converge:
  the simple formula (the donor's own rhythm of giving); donors whose first
  gift is of this fiscal year: as a donor just acquired.

Only complete fiscal years are observed (this one is still running): n is
the number of complete fiscal years since the one of the first gift, x those
with a gift, t_x the last of them (counted from the first gift's year).
"""

import logging

import numpy as np

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from . import clv_model
from .res_partner_donor import (
    DONOR_DATA_GROUP,
    donation_lines_sql,
    donor_status_sql,
    fiscal_year_sql,
)

_logger = logging.getLogger(__name__)

#: Fiscal years of the predicted donor value.
DONOR_HORIZON_YEARS = 5
LTV_METHODS = [
    ("model", "BG/BB model"),
    ("simple", "Simple formula"),
    ("young", "New donor"),
]
SOFT_TABLE = "idic_donor_soft"
RECURRING_TABLE = "idic_donor_recurring"
YEARS_TABLE = "idic_donor_years"
PATTERNS_TABLE = "idic_donor_patterns"

FUNDRAISING_COLUMNS = {
    "idic_donation_soft_total": "soft_total",
    "idic_donation_soft_fy_total": "soft_fy_total",
    "idic_donation_soft_last_fy_total": "soft_last_fy_total",
    "idic_donor_sustainer": "sustainer",
    "idic_donor_mrr": "mrr",
    "idic_donor_p_active": "p_active",
    "idic_donor_expected_gifts": "expected_gifts",
    "idic_donor_ltv": "ltv",
    "idic_donor_ltv_method": "ltv_method",
}


def _amount_field(string, help_text):
    return fields.Float(
        string=string,
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        help=help_text,
    )


def _pg_array(values):
    return "{" + ",".join(map(repr, np.asarray(values, dtype=float).tolist())) + "}"


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_is_household = fields.Boolean(
        string="Household",
        groups="base.group_user",
        copy=False,
        help="A household: its contacts are its members; their gifts and soft "
        "credits are its giving.",
    )
    idic_household_receipts = fields.Boolean(
        string="Receipts to the Household",
        groups="base.group_user",
        copy=False,
        help="Donation receipts of its members' gifts are addressed to the household.",
    )
    idic_donation_soft_total = _amount_field(
        "Soft Credits",
        "Gifts of others credited to this donor (household member, solicitor, "
        "matching gift, in honour or memory), net, in company currency.",
    )
    idic_donation_soft_fy_total = _amount_field(
        "Soft Credits This Fiscal Year",
        "Soft credits of gifts of the current fiscal year (or later).",
    )
    idic_donation_soft_last_fy_total = _amount_field(
        "Soft Credits Last Fiscal Year",
        "Soft credits of gifts of the previous fiscal year.",
    )
    idic_donor_sustainer = fields.Boolean(
        string="Sustainer",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Gives through an active recurring gift.",
    )
    idic_donor_mrr = _amount_field(
        "Monthly Recurring Revenue",
        "The active recurring gifts of the donor per month, in company currency.",
    )
    idic_donor_p_active = fields.Float(
        string="Probability to Give Again",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        digits=(16, 4),
        groups="base.group_user",
        help="Probability that the donor is still active next fiscal year (BG/BB "
        "model, or the simple formula).",
    )
    idic_donor_expected_gifts = fields.Float(
        string="Expected Giving Years",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        digits=(16, 2),
        groups="base.group_user",
        help="Fiscal years with a gift expected over the next five.",
    )
    idic_donor_ltv = _amount_field(
        "Predicted Donor Value",
        "Expected giving years of the next five x the donor's average giving "
        "per year, each year discounted at the company's annual rate.",
    )
    idic_donor_ltv_method = fields.Selection(
        LTV_METHODS,
        string="Donor Value Method",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="BG/BB model: fitted on the company's donors. Simple formula: the "
        "company has too few donors observed over a complete fiscal year to fit "
        "the model. New donor: the first gift is of this fiscal year.",
    )

    def write(self, vals):
        if not self.env.su and set(vals) & set(FUNDRAISING_COLUMNS):
            raise AccessError(
                self.env._(
                    "Soft credit totals, sustainers, monthly recurring revenue and "
                    "predicted donor values are computed by the donor job: nobody "
                    "writes them."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # The donor job
    # ------------------------------------------------------------------
    @api.model
    def _idic_donor_columns(self):
        columns = super()._idic_donor_columns()
        columns.update(FUNDRAISING_COLUMNS)
        return columns

    @api.model
    def _idic_donor_written_sql(self, company):
        key = str(company.id)
        return SQL(
            """(%s OR p.idic_donation_soft_total ? %s OR p.idic_donor_sustainer ? %s
                OR p.idic_donor_ltv_method ? %s)""",
            super()._idic_donor_written_sql(company),
            key,
            key,
            key,
        )

    @api.model
    def _idic_stage_donors(self, company, today):
        super()._idic_stage_donors(company, today)
        return self._idic_stage_fundraising(company, today)

    @api.model
    def _idic_stage_fundraising(self, company, today):
        """Rewrite the donor staging table of ``company`` with the soft
        credits, the sustainers and the predicted donor value (partners with
        soft credits or a recurring gift but no gift get a row of their own).
        Returns its rows."""
        cr = self.env.cr
        month, day = int(company.fiscalyear_last_month), company.fiscalyear_last_day
        this_fy = fiscal_year_sql(SQL("%s::date", today), month, day)
        # The planner overestimates the rows of these statements by orders of
        # magnitude: JIT compiling the soft credits' one took 14 s at 100,000
        # partners for a 1 s query.
        cr.execute(SQL("SET LOCAL jit = off"))
        self._idic_stage_soft_credits(company, this_fy, month, day)
        self._idic_stage_sustainers(company, today)
        self._idic_stage_donor_value(company)
        name = self._idic_staging_name()
        table = self._idic_staging()
        rebuilt = SQL.identifier(f"{name}_next")
        cr.execute(
            SQL(
                """SELECT attname FROM pg_attribute
                    WHERE attrelid = %s::regclass AND attnum > 0
                      AND NOT attisdropped ORDER BY attnum""",
                name,
            )
        )
        kept = [
            column
            for (column,) in cr.fetchall()
            if column not in ("partner_id", "status", "lybunt", "sybunt")
        ]
        if company.idic_donor_count_soft:
            statuses = donor_status_sql(
                SQL("(COALESCE(t.gave_this, FALSE) OR COALESCE(s.soft_this, FALSE))"),
                SQL("(COALESCE(t.gave_last, FALSE) OR COALESCE(s.soft_last, FALSE))"),
                SQL(
                    "(COALESCE(t.gave_before, FALSE) OR COALESCE(s.soft_before, FALSE))"
                ),
            )
        else:
            statuses = SQL("t.status, t.lybunt, t.sybunt")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", rebuilt))
        cr.execute(
            SQL(
                """
                CREATE %(kind)s TABLE %(rebuilt)s AS
                SELECT COALESCE(t.partner_id, s.partner_id, r.partner_id) AS partner_id,
                       %(kept)s, %(statuses)s,
                       NULLIF(s.soft_total, 0) AS soft_total,
                       NULLIF(s.soft_fy_total, 0) AS soft_fy_total,
                       NULLIF(s.soft_last_fy_total, 0) AS soft_last_fy_total,
                       r.sustainer, r.mrr,
                       ROUND(b.p_active::numeric, 4)::float8 AS p_active,
                       ROUND(b.expected::numeric, 2)::float8 AS expected_gifts,
                       ROUND((b.factor * y.per_year)::numeric, 2)::float8 AS ltv,
                       b.method::varchar AS ltv_method
                  FROM %(table)s t
                  FULL JOIN %(soft)s s ON s.partner_id = t.partner_id
                  FULL JOIN %(recurring)s r
                         ON r.partner_id = COALESCE(t.partner_id, s.partner_id)
                  LEFT JOIN %(years)s y ON y.partner_id = t.partner_id
                  LEFT JOIN %(patterns)s b
                         ON b.x = y.x AND b.t_x = y.t_x AND b.n = y.n
                 ORDER BY 1
                """,
                kind=self._idic_staging_kind(),
                rebuilt=rebuilt,
                kept=SQL(", ").join(SQL.identifier("t", column) for column in kept),
                statuses=statuses,
                table=table,
                soft=SQL.identifier(SOFT_TABLE),
                recurring=SQL.identifier(RECURRING_TABLE),
                years=SQL.identifier(YEARS_TABLE),
                patterns=SQL.identifier(PATTERNS_TABLE),
            )
        )
        rows = cr.rowcount
        cr.execute(SQL("DROP TABLE %s", table))
        cr.execute(SQL("ALTER TABLE %s RENAME TO %s", rebuilt, table))
        cr.execute(SQL("CREATE UNIQUE INDEX ON %s (partner_id)", table))
        cr.execute(SQL("ANALYZE %s", table))
        cr.execute(
            SQL(
                "DROP TABLE IF EXISTS %s, %s, %s, %s",
                SQL.identifier(SOFT_TABLE),
                SQL.identifier(RECURRING_TABLE),
                SQL.identifier(YEARS_TABLE),
                SQL.identifier(PATTERNS_TABLE),
            )
        )
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        return rows

    @api.model
    def _idic_soft_credits_sql(self, company, this_fy, month, day):
        """SQL rows per credited commercial partner of ``company``: soft
        totals (lifetime, this and last fiscal year) and whether it was
        soft-credited this fiscal year, last one and in an earlier one."""
        credited = SQL(
            "SELECT sc.move_id FROM idic_soft_credit sc WHERE sc.company_id = %s",
            company.id,
        )
        return SQL(
            """
            WITH credited AS (
                SELECT sc.move_id, cp.commercial_partner_id AS partner_id,
                       SUM(sc.amount) AS amount
                  FROM idic_soft_credit sc
                  JOIN res_partner cp ON cp.id = sc.partner_id
                 WHERE sc.company_id = %(company)s
                 GROUP BY sc.move_id, cp.commercial_partner_id
            ),
            gifts AS (
                SELECT d.gift_move_id, d.partner_id AS donor_id, MIN(d.date) AS date,
                       SUM(d.amount) AS net,
                       BOOL_OR(d.move_type = 'out_invoice') AS has_invoice
                  FROM (%(lines)s) d
                 GROUP BY d.gift_move_id, d.partner_id
            ),
            s AS (
                SELECT c.partner_id, LEAST(c.amount, g.net) AS amount,
                       %(fy)s AS fy, %(this_fy)s AS this_fy
                  FROM credited c
                  JOIN gifts g ON g.gift_move_id = c.move_id
                 WHERE g.has_invoice AND g.net > 0 AND c.partner_id <> g.donor_id
            )
            SELECT s.partner_id, SUM(s.amount) AS soft_total,
                   COALESCE(SUM(s.amount) FILTER (WHERE s.fy >= s.this_fy), 0)
                       AS soft_fy_total,
                   COALESCE(SUM(s.amount) FILTER (WHERE s.fy = s.this_fy - 1), 0)
                       AS soft_last_fy_total,
                   BOOL_OR(s.fy >= s.this_fy) AS soft_this,
                   BOOL_OR(s.fy = s.this_fy - 1) AS soft_last,
                   BOOL_OR(s.fy < s.this_fy) AS soft_before
              FROM s
             GROUP BY s.partner_id
            """,
            company=company.id,
            lines=donation_lines_sql(
                SQL(
                    """m.company_id = %(company)s
                       AND (m.id IN (%(credited)s)
                            OR m.reversed_entry_id IN (%(credited)s))""",
                    company=company.id,
                    credited=credited,
                )
            ),
            fy=fiscal_year_sql(SQL("g.date"), month, day),
            this_fy=this_fy,
        )

    @api.model
    def _idic_stage_soft_credits(self, company, this_fy, month, day):
        cr = self.env.cr
        soft = SQL.identifier(SOFT_TABLE)
        self.env["idic.soft.credit"].flush_model()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", soft))
        cr.execute(
            SQL(
                "CREATE TEMP TABLE %s AS %s",
                soft,
                self._idic_soft_credits_sql(company, this_fy, month, day),
            )
        )
        cr.execute(SQL("CREATE UNIQUE INDEX ON %s (partner_id)", soft))

    @api.model
    def _idic_stage_sustainers(self, company, today):
        """The donors of ``company`` with an active recurring gift and their
        monthly recurring revenue in company currency (at today's rates), in
        a temporary table."""
        cr = self.env.cr
        self.env["idic.recurring.gift"].flush_model()
        cr.execute(
            SQL(
                """SELECT DISTINCT currency_id FROM idic_recurring_gift
                    WHERE company_id = %s AND state = 'active'""",
                company.id,
            )
        )
        currencies = self.env["res.currency"].browse([row[0] for row in cr.fetchall()])
        factors = {
            currency.id: currency._convert(
                1.0, company.currency_id, company, today, round=False
            )
            for currency in currencies
        }
        recurring = SQL.identifier(RECURRING_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", recurring))
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE %(recurring)s AS
                SELECT g.commercial_partner_id AS partner_id, TRUE AS sustainer,
                       ROUND(SUM(g.monthly_amount * COALESCE(fx.factor, 1))::numeric, 2)
                           AS mrr
                  FROM idic_recurring_gift g
                  LEFT JOIN unnest(%(ids)s::int[], %(factors)s::float8[])
                            AS fx(currency_id, factor) ON fx.currency_id = g.currency_id
                 WHERE g.company_id = %(company)s AND g.state = 'active'
                 GROUP BY g.commercial_partner_id;
                CREATE UNIQUE INDEX ON %(recurring)s (partner_id)
                """,
                recurring=recurring,
                ids=list(factors),
                factors=list(factors.values()),
                company=company.id,
            )
        )

    @api.model
    def _idic_stage_donor_value(self, company):
        """Each staged donor's (x, t_x, n) of complete fiscal years and
        average giving per year with a gift, in a temporary table; the BG/BB
        fit on the patterns of the donors observed over a year at least (or
        not: too few); the prediction of each distinct pattern in another
        temporary table (the rebuild joins them)."""
        cr = self.env.cr
        years = SQL.identifier(YEARS_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", years))
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE %(years)s AS
                SELECT t.partner_id, (t.this_fy - 1 - t.first_fy)::int AS n,
                       COALESCE(y.x, 0)::int AS x,
                       COALESCE(y.last - t.first_fy, 0)::int AS t_x,
                       (t.average * t.gift_count
                        / GREATEST(cardinality(t.gift_years), 1))::float8 AS per_year
                  FROM %(table)s t
                  LEFT JOIN LATERAL (
                      SELECT COUNT(*) AS x, MAX(v) AS last
                        FROM unnest(t.gift_years) v
                       WHERE v > t.first_fy AND v < t.this_fy
                  ) y ON TRUE
                 WHERE t.first_fy IS NOT NULL;
                CREATE UNIQUE INDEX ON %(years)s (partner_id)
                """,
                years=years,
                table=self._idic_staging(),
            )
        )
        cr.execute(
            SQL(
                "SELECT x, t_x, n, COUNT(*) FROM %s GROUP BY x, t_x, n ORDER BY n, x, t_x",
                years,
            )
        )
        patterns = np.array(cr.fetchall(), dtype=float).reshape(-1, 4)
        x, t_x, n, count = (patterns[:, i] for i in range(4))
        observed = n >= 1
        params = self._idic_fit_bgbb(
            company, x[observed], t_x[observed], n[observed], count[observed]
        )
        p_active, expected, factor, method = self._idic_predict_donors(
            company, params, x, t_x, n, count
        )
        table = SQL.identifier(PATTERNS_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE %(table)s AS
                SELECT v.x::int AS x, v.t_x::int AS t_x, v.n::int AS n,
                       v.p_active, v.expected, v.factor, v.method
                  FROM unnest(%(x)s::float8[], %(t_x)s::float8[], %(n)s::float8[],
                              %(p)s::float8[], %(e)s::float8[], %(f)s::float8[],
                              %(m)s::text[])
                       AS v(x, t_x, n, p_active, expected, factor, method)
                """,
                table=table,
                x=_pg_array(x),
                t_x=_pg_array(t_x),
                n=_pg_array(n),
                p=_pg_array(p_active),
                e=_pg_array(expected),
                f=_pg_array(factor),
                m=list(method),
            )
        )

    @api.model
    def _idic_fit_bgbb(self, company, x, t_x, n, count):
        """Fit BG/BB on the patterns of the donors of ``company`` observed
        over a complete fiscal year at least, when they are enough; record
        the fit on the company. Returns the parameters, or None (the simple
        formula applies)."""
        donors = int(count.sum())
        vals = {
            "idic_bgbb_fit_donors": donors,
            "idic_bgbb_method": "simple",
            "idic_bgbb_fit_converged": False,
            "idic_bgbb_fit_message": False,
            "idic_bgbb_fit_date": fields.Datetime.now(),
        }
        params = None
        if donors >= max(company.idic_bgbb_min_donors, clv_model.BGBB_MIN_CUSTOMERS):
            try:
                result = clv_model.bgbb_fit_result(x, t_x, n, weights=count)
            except (ValueError, ArithmeticError) as error:
                vals["idic_bgbb_fit_message"] = str(error)
            else:
                vals.update(
                    idic_bgbb_fit_converged=result.converged,
                    idic_bgbb_fit_message=result.message,
                    idic_bgbb_alpha=result.params[0],
                    idic_bgbb_beta=result.params[1],
                    idic_bgbb_gamma=result.params[2],
                    idic_bgbb_delta=result.params[3],
                    idic_bgbb_log_likelihood=result.log_likelihood,
                )
                if result.converged:
                    vals["idic_bgbb_method"] = "model"
                    params = result.params
        else:
            vals["idic_bgbb_fit_message"] = self.env._(
                "%(donors)s donors observed over a complete fiscal year; the model "
                "needs %(needed)s.",
                donors=donors,
                needed=company.idic_bgbb_min_donors,
            )
        company.sudo().write(vals)
        return params

    @api.model
    def _idic_predict_donors(self, company, params, x, t_x, n, count):
        """(P(active next year), expected giving years over the horizon,
        discounted value factor per unit of yearly giving, method) of each
        pattern (x, t_x, n): with the BG/BB ``params``, or else the simple
        formula (the donor's share of years with a gift, and the chance of
        its silence since the last one at that rate). Patterns of new donors
        (n < 0: first gift this fiscal year) are predicted as just acquired
        (n = 0): by the model, or at the company's pooled rate."""
        discount = 1.0 / (1.0 + company.idic_clv_discount_rate / 100.0)
        years = np.arange(1, DONOR_HORIZON_YEARS + 1)
        weights = discount**years
        young = n < 0
        n0, x0, t0 = (
            np.where(young, 0, n),
            np.where(young, 0, x),
            np.where(young, 0, t_x),
        )
        size = len(x)
        if params is not None and size:
            p_active = clv_model.bgbb_p_alive(params, x0, t0, n0)
            cumulative = np.array(
                [
                    clv_model.bgbb_expected_transactions(params, k, x0, t0, n0)
                    for k in years
                ]
            )
            yearly = np.diff(cumulative, axis=0, prepend=np.zeros((1, size)))
            expected = cumulative[-1]
            factor = weights @ yearly
            method = np.where(young, "young", "model")
        else:
            observed = n >= 1
            exposure = float(np.sum(n[observed] * count[observed]))
            pooled = (
                float(np.sum(x[observed] * count[observed])) / exposure
                if exposure
                else 1.0
            )
            rate = np.where(n >= 1, (x + 1) / np.maximum(n + 1, 1), pooled)
            silence = np.maximum(n0 - t0, 0)
            p_active = np.where(silence > 0, (1.0 - rate) ** silence, 1.0)
            expected = DONOR_HORIZON_YEARS * rate * p_active
            factor = rate * p_active * weights.sum()
            method = np.where(young, "young", "simple")
        return p_active, expected, factor, method

    # ------------------------------------------------------------------
    # Donor tiers
    # ------------------------------------------------------------------
    @api.model
    def _idic_donation_totals_sql(self, company):
        """Donor tiers count the soft credits too when the company says so."""
        hard = super()._idic_donation_totals_sql(company)
        if not company.idic_donor_count_soft:
            return hard
        month, day = int(company.fiscalyear_last_month), company.fiscalyear_last_day
        this_fy = fiscal_year_sql(
            SQL("%s::date", fields.Date.context_today(self)), month, day
        )
        return SQL(
            """SELECT u.partner_id, SUM(u.total) AS total
                 FROM (%s UNION ALL
                       SELECT s.partner_id, s.soft_total AS total FROM (%s) s) u
                GROUP BY u.partner_id""",
            hard,
            self._idic_soft_credits_sql(company, this_fy, month, day),
        )

    @api.model
    def _idic_tier_sql(self, company, bases):
        """Donor tiers may use the predicted donor value (written by the
        donor job) of the staged customer ``s``."""
        bases = dict(bases)
        bases.setdefault(
            "donor_ltv",
            SQL(
                """COALESCE((SELECT (dp.idic_donor_ltv ->> %s)::numeric
                               FROM res_partner dp WHERE dp.id = s.partner_id), 0)""",
                str(company.id),
            ),
        )
        return super()._idic_tier_sql(company, bases)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_idic_open_soft_credits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_soft_credit_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_idic_open_recurring_gifts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_recurring_gift_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_idic_open_pledges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_pledge_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
