# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Differentiate: the customer engagement value (issue #14).

Per company, on the partner (company-dependent, like the value figures):

* **CLV**: historic margin + predicted value. With enough repeat customers,
  the BG/NBD model (probability of being active, expected purchases over the
  horizon) and the Gamma-Gamma model (expected spend) are fitted on the
  company's customers (``clv_model``); the expected margin of each future
  month is discounted at the company's annual rate. Otherwise the simple
  formula of the value engine gives the predicted value, and the probability
  of being active comes from the customer's own purchase rhythm.
* **CRV** (Kumar, Petersen & Leone 2010): over the customers it referred that
  became customers, the share who came because of the referral times their
  margin in the referral window plus their predicted value, plus the
  acquisition cost saved on each, minus the referral bonuses paid.
* **CIV** (a measured proxy): the same value of the customers referred beyond
  the first level, attenuated per level, plus the advocacy acts (reviews,
  testimonials...) valued by sentiment and reach.
* **CKV** (a measured proxy): the feedback, ideas and complaints by status,
  plus each rated interaction.

All of it is computed in the value job: one more stage step
(``_idic_stage_engagement``) adds columns to the value staging table, set-based
in SQL and numpy for the models, and the value apply step writes them with the
other figures (``_idic_staged_value_columns``).
"""

import logging

import numpy as np

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from . import clv_model
from .idic_interaction_engagement import ADVOCACY_KINDS, KNOWLEDGE_KINDS

_logger = logging.getLogger(__name__)

ENGAGEMENT_SEGMENTS = [
    ("champions", "Champions"),
    ("affluents", "Affluents"),
    ("advocates", "Advocates"),
    ("misers", "Misers"),
]
CLV_METHODS = [("model", "BG/NBD + Gamma-Gamma"), ("simple", "Simple formula")]
# The models count time in weeks.
DAYS_PER_UNIT = 7.0
UNITS_PER_MONTH = 365.25 / 12 / DAYS_PER_UNIT
INDIRECT_TABLE = "idic_engagement_indirect"
RATIO_TABLE = "idic_engagement_ratio"
PREDICTED_TABLE = "idic_engagement_predicted"
EDGES_TABLE = "idic_engagement_edges"


def _pg_array(values):
    """A PostgreSQL array literal of ``values`` (numbers), as one string."""
    return "{" + ",".join(map(repr, np.asarray(values).tolist())) + "}"


def _value_field(string, help_text=None, **kwargs):
    return fields.Float(
        string=string,
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help=help_text,
        **kwargs,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_p_alive = _value_field(
        "Probability Active",
        "Probability that the customer still buys from the company (BG/NBD "
        "model, or the chance of so long a silence at its usual rhythm).",
        digits=(16, 4),
    )
    idic_expected_purchases = _value_field(
        "Expected Purchases",
        "Purchases expected over the lifetime value horizon (Settings).",
        digits=(16, 2),
    )
    idic_predicted_clv = _value_field(
        "Predicted Lifetime Value",
        "Expected purchases x expected spend x margin, each month discounted "
        "at the company's annual rate over the horizon.",
        digits="Account",
    )
    idic_historic_margin = _value_field(
        "Historic Margin",
        "Lifetime net revenue x gross margin (company or product category).",
        digits="Account",
    )
    idic_clv_method = fields.Selection(
        CLV_METHODS,
        string="Lifetime Value Method",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="BG/NBD + Gamma-Gamma when the company has enough repeat customers to "
        "fit them; otherwise the simple formula.",
    )
    idic_crv = _value_field(
        "Referral Value (CRV)",
        "Over the referred customers: margin of those who came because of the "
        "referral (in the referral window, plus their predicted value), plus the "
        "acquisition cost saved on all of them, minus the referral bonuses.",
        digits="Account",
    )
    idic_referred_revenue = _value_field(
        "Referred Revenue",
        "What the customers it referred bought (lifetime net revenue).",
        digits="Account",
    )
    idic_referred_customer_count = fields.Integer(
        string="Referred Customers",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="Referred partners that became customers of the company.",
    )
    idic_civ = _value_field(
        "Influence Value (CIV)",
        "A measured proxy, no standard formula: the value of the customers "
        "referred beyond the first level (attenuated per level) plus the "
        "advocacy acts (reviews, testimonials...) by sentiment and reach; "
        "negative acts subtract.",
        digits="Account",
    )
    idic_ckv = _value_field(
        "Knowledge Value (CKV)",
        "A measured proxy, no standard formula: the feedback, ideas and "
        "complaints the customer gave, valued by status, plus each rated "
        "interaction.",
        digits="Account",
    )
    idic_engagement_value = _value_field(
        "Engagement Value",
        "CLV + CRV + CIV + CKV. Not additive over customers: the margin of a "
        "referred customer is in its own CLV and in its referrer's CRV.",
        digits="Account",
    )
    idic_engagement_segment = fields.Selection(
        ENGAGEMENT_SEGMENTS,
        string="Engagement Quadrant",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="Median split of the company's customers on lifetime value and on "
        "indirect value (CRV + CIV + CKV): Champions high/high, Affluents high "
        "CLV only, Advocates high indirect value only (undervalued), Misers "
        "low/low.",
    )
    idic_referral_causal_share = fields.Float(
        string="Came Because of the Referral (%)",
        copy=False,
        help="For a referred customer, when known: the chance (%) that it came "
        "only because of the referral. Empty: the company's share.",
    )
    idic_churn_risk = fields.Boolean(
        string="Churn Risk",
        compute="_compute_idic_churn_risk",
        search="_search_idic_churn_risk",
        help="A valued customer (high lifetime value) whose probability of being "
        "active is below the company's limit.",
    )
    idic_engagement_computed_on = fields.Datetime(
        string="Computed On", compute="_compute_idic_engagement_computed_on"
    )

    def _compute_idic_churn_risk(self):
        limit = self.env.company.idic_churn_threshold / 100.0
        for partner in self:
            partner.idic_churn_risk = bool(
                partner.idic_engagement_segment in ("champions", "affluents")
                and partner.idic_clv_method
                and partner.idic_p_alive < limit
            )

    def _search_idic_churn_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain(
            [
                ("idic_engagement_segment", "in", ["champions", "affluents"]),
                ("idic_clv_method", "!=", False),
                ("idic_p_alive", "<", self.env.company.idic_churn_threshold / 100.0),
            ]
        )
        return domain if (operator == "=") == value else ~domain

    def _compute_idic_engagement_computed_on(self):
        self.idic_engagement_computed_on = self.env.company.idic_clv_run_date

    # ------------------------------------------------------------------------
    # Actions: what each value is made of
    # ------------------------------------------------------------------------
    def action_idic_open_value_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            domain=[
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            context={"create": False},
            display_name=self.env._(
                "Invoices: %s", self.commercial_partner_id.display_name
            ),
        )
        return action

    def action_idic_open_referred(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.res_partner_action_idic_engagement"
        )
        commercial = self.commercial_partner_id
        action.update(
            domain=[
                ("idic_referred_by_id.commercial_partner_id", "=", commercial.id),
                ("commercial_partner_id", "!=", commercial.id),
            ],
            context={"create": False},
            display_name=self.env._("Referred by %s", commercial.display_name),
        )
        return action

    def _idic_open_engagement_interactions(self, kind_domain, title):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_interaction_action"
        )
        commercial = self.commercial_partner_id
        action["domain"] = Domain.AND(
            [
                [("commercial_partner_id", "=", commercial.id)],
                [("company_id", "=", self.env.company.id)],
                kind_domain,
            ]
        )
        action["context"] = {"default_partner_id": self.id}
        action["display_name"] = self.env._(
            "%(what)s: %(customer)s", what=title, customer=commercial.display_name
        )
        return action

    def action_idic_open_advocacy(self):
        self.ensure_one()
        return self._idic_open_engagement_interactions(
            [("kind", "in", ADVOCACY_KINDS)], self.env._("Advocacy")
        )

    def action_idic_open_knowledge(self):
        self.ensure_one()
        return self._idic_open_engagement_interactions(
            Domain("kind", "in", KNOWLEDGE_KINDS) | Domain("satisfaction", "!=", False),
            self.env._("Feedback"),
        )

    # ------------------------------------------------------------------------
    # The engine: stage step (staging table columns) and apply columns
    # ------------------------------------------------------------------------
    @api.model
    def _idic_staged_value_columns(self):
        columns = super()._idic_staged_value_columns()
        columns.update(
            {
                "idic_p_alive": SQL("t.p_alive"),
                "idic_expected_purchases": SQL("t.expected"),
                "idic_predicted_clv": SQL("t.predicted"),
                "idic_historic_margin": SQL("t.margin"),
                "idic_clv_method": SQL("t.method"),
                "idic_crv": SQL("t.crv"),
                "idic_referred_revenue": SQL("t.referred_revenue"),
                "idic_referred_customer_count": SQL("t.referred_count"),
                "idic_civ": SQL("t.civ"),
                "idic_ckv": SQL("t.ckv"),
                "idic_engagement_value": SQL("t.engagement"),
                "idic_engagement_segment": SQL("t.eng_segment"),
            }
        )
        return columns

    @api.model
    def _idic_run_info(self, job, company):
        info = super()._idic_run_info(job, company)
        if job == "value" and company:
            company = company.sudo()
            info["clv_method"] = company.idic_clv_method
            info["fit_customers"] = company.idic_clv_fit_customers
            if company.idic_clv_method == "model":
                info["bgnbd"] = [
                    company.idic_bgnbd_r,
                    company.idic_bgnbd_alpha,
                    company.idic_bgnbd_a,
                    company.idic_bgnbd_b,
                ]
                info["gamma_gamma"] = [
                    company.idic_gg_p,
                    company.idic_gg_q,
                    company.idic_gg_gamma,
                ]
        return info

    @api.model
    def _idic_stage_values(self, company, today):
        rows = super()._idic_stage_values(company, today)
        self._idic_stage_engagement(company, today)
        return rows

    @api.model
    def _idic_stage_engagement(self, company, today):
        """Add the engagement columns to the staging table of ``company``:
        margin, predicted value, referral, influence and knowledge value,
        their total, the quadrant, and the tier again when the tiers' basis
        is one of them. The figures are gathered in temporary tables, then
        the staging table is written again once, with them all, in partner
        order (the ranges of the run read it in that order)."""
        cr = self.env.cr
        # The planner overestimates the rows of the CTEs of these statements
        # (referral chain, unnest) by orders of magnitude: JIT compiling them
        # took longer than running them (seconds on 100,000 partners).
        cr.execute(SQL("SET LOCAL jit = off"))
        self._idic_stage_margin(company)
        method = self._idic_stage_predicted_clv(company, today)
        customers, columns = self._idic_engagement_base_sql(company, method)
        self._idic_stage_indirect_value(company, customers)
        self._idic_stage_engagement_totals(company, customers, columns)
        cr.execute(
            SQL(
                "DROP TABLE IF EXISTS %s, %s",
                SQL.identifier(RATIO_TABLE),
                SQL.identifier(PREDICTED_TABLE),
            )
        )
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        company.sudo().idic_clv_run_date = fields.Datetime.now()

    @api.model
    def _idic_stage_margin(self, company):
        """The margin ratio of the staged customers (their lines' margin over
        their revenue), in a temporary table; the others get the company's
        (``_idic_engagement_base_sql``). The margin of an invoice line is its
        untaxed amount in company currency less its product's cost in the
        company times the quantity in the product's unit, when the product
        has a cost; else the amount times the category's margin, else the
        company's. Credit notes subtract theirs (their cost comes back)."""
        cr = self.env.cr
        ratios = SQL.identifier(RATIO_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", ratios))
        products = self.env["product.product"].sudo().with_company(company)
        cost = SQL("(%s)::numeric", products._field_to_sql("pp", "standard_price"))
        cr.execute(SQL("SELECT 1 FROM product_product pp WHERE %s > 0 LIMIT 1", cost))
        costs = bool(cr.fetchone())
        if costs or (
            self.env["product.category"]
            .sudo()
            .search_count([("idic_margin_percent", ">", 0)], limit=1)
        ):
            # A line's margin is linear in its amount and quantity: the lines
            # are summed per customer, product, unit and kind of move first
            # (plain sums), then each sum gets its product's cost, category
            # margin and unit once; float8, for a ratio, is fast enough. Half
            # the time of costing each line (100,000 partners, 1,000,000
            # lines: 1.2 s against 2.6 s).
            cr.execute(
                SQL(
                    """
                    CREATE TEMP TABLE %(ratios)s AS
                    WITH products AS (
                        SELECT pp.id, COALESCE(%(cost)s, 0)::float8 AS cost,
                               (NULLIF(c.idic_margin_percent, 0) / 100.0)::float8 AS share,
                               pu.factor::float8 AS unit
                          FROM product_product pp
                          JOIN product_template pt ON pt.id = pp.product_tmpl_id
                          LEFT JOIN product_category c ON c.id = pt.categ_id
                          LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
                    ),
                    sums AS (
                        SELECT m.commercial_partner_id AS partner_id, l.product_id,
                               l.product_uom_id, m.move_type = 'out_refund' AS refund,
                               SUM(l.balance) AS balance, SUM(l.quantity) AS quantity
                          FROM account_move_line l
                          JOIN account_move m ON m.id = l.move_id
                         WHERE %(moves)s AND l.display_type = 'product'
                         GROUP BY 1, 2, 3, 4
                    )
                    SELECT l.partner_id,
                           LEAST(GREATEST(l.margin / l.revenue, 0), 1)::numeric AS ratio
                      FROM (
                        SELECT g.partner_id,
                               SUM(-g.balance::float8) AS revenue,
                               SUM(CASE WHEN p.cost > 0
                                        THEN -g.balance::float8
                                             - CASE WHEN g.refund THEN -1 ELSE 1 END
                                             * p.cost * g.quantity::float8
                                             * COALESCE(lu.factor::float8
                                                        / NULLIF(p.unit, 0), 1)
                                        ELSE -g.balance::float8
                                             * COALESCE(p.share, %(default)s)
                                   END) AS margin
                          FROM sums g
                          LEFT JOIN products p ON p.id = g.product_id
                          LEFT JOIN uom_uom lu ON lu.id = g.product_uom_id
                         GROUP BY g.partner_id
                      ) l
                     WHERE l.revenue <> 0
                    """,
                    ratios=ratios,
                    cost=cost if costs else SQL("0"),
                    default=company.idic_clv_margin_percent / 100.0,
                    moves=self._idic_value_moves_sql(company),
                )
            )
            cr.execute(SQL("CREATE UNIQUE INDEX ON %s (partner_id)", ratios))
        else:
            cr.execute(
                SQL(
                    "CREATE TEMP TABLE %s (partner_id int PRIMARY KEY, ratio numeric)",
                    ratios,
                )
            )

    @api.model
    def _idic_purchase_rows(self, company, today):
        """(partner, x, t_x, T, m, ratio) of each staged customer with a
        posted invoice: repeat purchases (invoice days after the first one),
        the last one and the age in days since the first, the average value
        of the repeat purchases, the margin ratio; from the figures the value
        stage gathered in its pass over the moves."""
        self.env.cr.execute(
            SQL(
                """
                SELECT s.partner_id, s.invoice_days - 1,
                       s.last_date - s.first_date,
                       GREATEST(%(today)s::date - s.first_date,
                                s.last_date - s.first_date),
                       (s.repeat_spend / GREATEST(s.invoice_days - 1, 1))::float8,
                       COALESCE(r.ratio, %(default)s)::float8
                  FROM %(table)s s
                  LEFT JOIN %(ratios)s r ON r.partner_id = s.partner_id
                 WHERE s.first_date IS NOT NULL
                 ORDER BY s.partner_id
                """,
                today=today,
                table=self._idic_staging(),
                ratios=SQL.identifier(RATIO_TABLE),
                default=company.idic_clv_margin_percent / 100.0,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _idic_fit_clv_models(self, company, x, t_x, T, m):
        """Fit and check the purchase and spend models of ``company``
        (``idic.clv.fit``, issue #28). Returns the fit that predicts the
        figures, or an empty recordset when the simple formula applies (or
        the company has too little data for predictions)."""
        today = self.env.context.get("idic_clv_today") or fields.Date.context_today(
            self
        )
        return self.env["idic.clv.fit"]._idic_fit_company(company, today, x, t_x, T, m)

    @api.model
    def _idic_predict_clv(self, company, fitted, x, t_x, T, m, ratio):
        """(p_alive, expected purchases, discounted predicted margin) of each
        customer with the ``fitted`` method of the company (``idic.clv.fit``)."""
        return fitted._idic_predict(x, t_x, T, m, ratio)

    @api.model
    def _idic_stage_predicted_clv(self, company, today):
        """Fit the purchase models (or not: too few repeat customers), or
        keep the company's last fit while it holds (``_idic_reusable_fit``:
        the predictions are then as of its day), and put the probability of
        being active, expected purchases and predicted value of each staged
        customer with an invoice in a temporary table. Returns the method:
        model or simple."""
        cr = self.env.cr
        rows = self._idic_purchase_rows(company, today)
        if rows:
            data = np.array(rows, dtype=float)
            ids = data[:, 0].astype(int).tolist()
            x, t_x, T, m, ratio = (data[:, col] for col in range(1, 6))
            t_x, T = t_x / DAYS_PER_UNIT, T / DAYS_PER_UNIT
            fitted = self.env["idic.clv.fit"]._idic_reusable_fit(company, today, x)
            if fitted:
                # Predictions as of the fit's day: each customer's age then
                # (or at its last purchase, when it bought since).
                T = np.maximum(T - (today - fitted.today).days / DAYS_PER_UNIT, t_x)
                _logger.info(
                    "IDIC value: %s predicts with its fit of %s",
                    company.name,
                    fitted.today,
                )
            else:
                fitted = self._idic_fit_clv_models(company, x, t_x, T, m)
        else:
            ids, fitted = [], self._idic_fit_clv_models(company, *[np.zeros(0)] * 4)
        if fitted:
            p_alive, expected, predicted = self._idic_predict_clv(
                company, fitted, x, t_x, T, m, ratio
            )
        elif rows:
            # The company's repeat purchase rate for those with one purchase.
            exposure = float(np.sum(T))
            zero_rate = float(np.sum(x)) / exposure if exposure > 0 else None
            p_alive = clv_model.p_alive_simple(x, t_x, T, zero_rate=zero_rate)
            expected = predicted = np.full(len(ids), np.nan)
        else:
            p_alive = expected = predicted = np.zeros(0)
        # The predictions travel as one text literal per array (fast to
        # parse) into a temporary table; the totals step joins it.
        predictions = SQL.identifier(PREDICTED_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", predictions))
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE %(predictions)s AS
                SELECT * FROM unnest(%(ids)s::int[], %(p_alive)s::float8[],
                                     %(expected)s::float8[], %(predicted)s::float8[])
                       AS v(partner_id, p_alive, expected, predicted);
                CREATE UNIQUE INDEX ON %(predictions)s (partner_id);
                ANALYZE %(predictions)s
                """,
                predictions=predictions,
                ids=_pg_array(ids),
                p_alive=_pg_array(p_alive),
                expected=_pg_array(np.nan_to_num(expected)),
                predicted=_pg_array(np.nan_to_num(predicted)),
            )
        )
        return fitted.method if fitted else "simple"

    @api.model
    def _idic_engagement_base_sql(self, company, method):
        """Each staged customer (the staging table's columns but the lifetime
        value and the tier) with its margin ratio, historic margin,
        probability of being active, expected purchases, predicted value,
        method and lifetime value: (SQL query, the names of the columns it
        gives but the partner and the value stage's tier). ``method`` is the
        one the predictions were made with. Customers without an invoice
        (credit notes only) have no prediction: with the models, their margin
        and nothing ahead."""
        table = self._idic_staging()
        self.env.cr.execute(
            SQL(
                """SELECT attname FROM pg_attribute
                    WHERE attrelid = %s::regclass AND attnum > 0
                      AND NOT attisdropped ORDER BY attnum""",
                self._idic_staging_name(),
            )
        )
        # The lifetime value and the tier are computed again.
        kept = [
            name for (name,) in self.env.cr.fetchall() if name not in ("clv", "tier_id")
        ]
        ratio = SQL("COALESCE(r.ratio, %s)", company.idic_clv_margin_percent / 100.0)
        if method != "simple":
            figures = SQL(
                """COALESCE(ROUND(v.expected::numeric, 4), 0) AS expected,
                   COALESCE(ROUND(v.predicted::numeric, 2), 0) AS predicted,
                   ROUND(s.lifetime * %(ratio)s
                         + COALESCE(v.predicted::numeric, 0), 2) AS clv""",
                ratio=ratio,
            )
        else:
            # The simple formula of the value engine, on margin.
            per_year = 12.0 / company.idic_rfm_window_months
            years = company.idic_clv_years
            figures = SQL(
                """ROUND(s.frequency * %(per_year)s * %(years)s, 4) AS expected,
                   ROUND(GREATEST(s.monetary * %(ratio)s, 0)
                         * %(per_year)s * %(years)s, 2) AS predicted,
                   ROUND(s.lifetime * %(ratio)s
                         + GREATEST(s.monetary * %(ratio)s, 0)
                         * %(per_year)s * %(years)s, 2) AS clv""",
                ratio=ratio,
                per_year=per_year,
                years=years,
            )
        # The probability of being active stays float8, rounded to six
        # decimals: the queries around it read it several times, and each
        # read of a float8 rounded as numeric converted it twice through text
        # (2 s of a statement of 5 s at 1,000,000 partners).
        query = SQL(
            """
            SELECT %(kept)s, s.tier_id AS value_tier_id, %(ratio)s AS ratio,
                   ROUND(s.lifetime * %(ratio)s, 2) AS margin,
                   ROUND(v.p_alive * 1e6) / 1e6 AS p_alive,
                   (CASE WHEN v.partner_id IS NOT NULL THEN %(method)s END)::varchar
                       AS method,
                   %(figures)s
              FROM %(table)s s
              LEFT JOIN %(ratios)s r ON r.partner_id = s.partner_id
              LEFT JOIN %(predictions)s v ON v.partner_id = s.partner_id
            """,
            kept=SQL(", ").join(SQL.identifier("s", name) for name in kept),
            ratio=ratio,
            method=method,
            figures=figures,
            table=table,
            ratios=SQL.identifier(RATIO_TABLE),
            predictions=SQL.identifier(PREDICTED_TABLE),
        )
        # What the query gives after the kept columns (its aliases above).
        computed = [
            "ratio",
            "margin",
            "p_alive",
            "method",
            "expected",
            "predicted",
            "clv",
        ]
        return query, [name for name in kept if name != "partner_id"] + computed

    @api.model
    def _idic_indirect_value_sql(self, company, customers):
        """Per partner: referral value, referred revenue and customers,
        influence value and knowledge value of ``company`` (SQL query;
        ``customers``: the query of ``_idic_engagement_base_sql``)."""
        program = company.idic_loyalty_program_id
        return SQL(
            """
            WITH RECURSIVE window_revenue AS (
                SELECT m.commercial_partner_id AS partner_id,
                       SUM(m.amount_untaxed_signed) AS amount
                  FROM account_move m
                  JOIN %(table)s s ON s.partner_id = m.commercial_partner_id
                 WHERE %(moves)s
                   AND m.commercial_partner_id IN (SELECT referred FROM %(edges)s)
                   AND m.invoice_date < s.first_date + %(window)s * INTERVAL '1 month'
                 GROUP BY m.commercial_partner_id
            ),
            contrib AS (
                SELECT s.partner_id, s.lifetime,
                       COALESCE(cp.idic_referral_causal_share::numeric, %(share)s) / 100.0
                           * (s.ratio * COALESCE(w.amount, 0) + COALESCE(s.predicted, 0))
                           + %(cac)s AS value
                  FROM (%(customers)s) s
                  JOIN res_partner cp ON cp.id = s.partner_id
                  LEFT JOIN window_revenue w ON w.partner_id = s.partner_id
                 WHERE s.first_date IS NOT NULL
                   AND s.partner_id IN (SELECT referred FROM %(edges)s)
            ),
            referral AS (
                SELECT e.referrer AS partner_id, SUM(c.value) AS value,
                       SUM(c.lifetime) AS revenue, COUNT(*) AS customers
                  FROM %(edges)s e
                  JOIN contrib c ON c.partner_id = e.referred
                 GROUP BY e.referrer
            ),
            bonus AS (
                SELECT card.partner_id, SUM(h.issued)::numeric * %(point_value)s AS cost
                  FROM loyalty_history h
                  JOIN loyalty_card card ON card.id = h.card_id
                 WHERE h.idic_kind = 'referral' AND card.program_id = %(program)s
                 GROUP BY card.partner_id
            ),
            chain(root, node, level, path) AS (
                SELECT referrer, referred, 1, ARRAY[referrer, referred] FROM %(edges)s
                UNION ALL
                SELECT chain.root, e.referred, chain.level + 1, chain.path || e.referred
                  FROM chain
                  JOIN %(edges)s e ON e.referrer = chain.node
                 WHERE chain.level < %(depth)s AND e.referred <> ALL(chain.path)
            ),
            reached AS (
                SELECT root, node, MIN(level) AS level FROM chain GROUP BY root, node
            ),
            network AS (
                SELECT r.root AS partner_id,
                       SUM(c.value * POWER(%(attenuation)s::numeric, r.level - 1)) AS value
                  FROM reached r
                  JOIN contrib c ON c.partner_id = r.node
                 WHERE r.level >= 2
                 GROUP BY r.root
            ),
            acts AS (
                SELECT i.commercial_partner_id AS partner_id,
                       SUM(CASE WHEN i.kind IN %(advocacy)s THEN
                               CASE i.sentiment WHEN 'positive' THEN 1
                                                WHEN 'negative' THEN -1 ELSE 0 END
                               * (%(act_value)s + COALESCE(i.reach, 0) * %(reach_value)s)
                               ELSE 0 END) AS advocacy,
                       SUM(CASE WHEN i.kind IN %(knowledge)s THEN
                               CASE i.knowledge_status
                                    WHEN 'submitted' THEN %(submitted)s
                                    WHEN 'accepted' THEN %(accepted)s
                                    WHEN 'implemented' THEN %(implemented)s
                                    ELSE 0 END
                               ELSE 0 END
                           + CASE WHEN i.satisfaction IS NOT NULL THEN %(survey)s
                                  ELSE 0 END) AS knowledge
                  FROM idic_interaction i
                 WHERE i.company_id = %(company)s
                   AND (i.kind IN %(advocacy)s OR i.kind IN %(knowledge)s
                        OR i.satisfaction IS NOT NULL)
                 GROUP BY i.commercial_partner_id
            ),
            ids AS (
                SELECT partner_id FROM referral UNION SELECT partner_id FROM bonus
                UNION SELECT partner_id FROM network UNION SELECT partner_id FROM acts
            )
            SELECT ids.partner_id,
                   ROUND(COALESCE(referral.value, 0) - COALESCE(bonus.cost, 0), 2) AS crv,
                   ROUND(referral.revenue, 2) AS revenue, referral.customers,
                   ROUND(COALESCE(network.value, 0) + COALESCE(acts.advocacy, 0), 2) AS civ,
                   ROUND(COALESCE(acts.knowledge, 0), 2) AS ckv
              FROM ids
              LEFT JOIN referral ON referral.partner_id = ids.partner_id
              LEFT JOIN bonus ON bonus.partner_id = ids.partner_id
              LEFT JOIN network ON network.partner_id = ids.partner_id
              LEFT JOIN acts ON acts.partner_id = ids.partner_id
            """,
            table=self._idic_staging(),
            customers=customers,
            edges=SQL.identifier(EDGES_TABLE),
            moves=self._idic_value_moves_sql(company),
            window=company.idic_referral_window_months,
            share=company.idic_referral_causal_share,
            cac=company.idic_acquisition_cost,
            point_value=company.idic_point_value,
            program=program.id or 0,
            depth=company.idic_civ_depth,
            attenuation=company.idic_civ_attenuation,
            advocacy=tuple(ADVOCACY_KINDS),
            knowledge=tuple(KNOWLEDGE_KINDS),
            act_value=company.idic_advocacy_value,
            reach_value=company.idic_advocacy_reach_value,
            submitted=company.idic_ckv_submitted_value,
            accepted=company.idic_ckv_accepted_value,
            implemented=company.idic_ckv_implemented_value,
            survey=company.idic_ckv_survey_value,
            company=company.id,
        )

    @api.model
    def _idic_stage_indirect_value(self, company, customers):
        """Referral, influence and knowledge value of each partner that has
        some, in a temporary table (``customers``: the query of
        ``_idic_engagement_base_sql``)."""
        cr = self.env.cr
        indirect = SQL.identifier(INDIRECT_TABLE)
        edges = SQL.identifier(EDGES_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s, %s", indirect, edges))
        # The referral links between commercial partners, indexed both ways
        # for the walk down the chain.
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE %(edges)s AS
                SELECT DISTINCT rb.commercial_partner_id AS referrer,
                       r.commercial_partner_id AS referred
                  FROM res_partner r
                  JOIN res_partner rb ON rb.id = r.idic_referred_by_id
                 WHERE r.idic_referred_by_id IS NOT NULL
                   AND rb.commercial_partner_id <> r.commercial_partner_id;
                CREATE INDEX ON %(edges)s (referrer);
                CREATE INDEX ON %(edges)s (referred);
                ANALYZE %(edges)s
                """,
                edges=edges,
            )
        )
        cr.execute(
            SQL(
                """CREATE TEMP TABLE %(indirect)s AS %(query)s;
                   CREATE UNIQUE INDEX ON %(indirect)s (partner_id);
                   ANALYZE %(indirect)s;
                   DROP TABLE %(edges)s""",
                indirect=indirect,
                query=self._idic_indirect_value_sql(company, customers),
                edges=edges,
            )
        )

    @api.model
    def _idic_stage_engagement_totals(self, company, customers, columns):
        """Write the staging table again, in partner order, with every
        engagement figure: the customers' margin and predicted value
        (``customers`` and its ``columns``, from
        ``_idic_engagement_base_sql``), referral, influence and knowledge value
        (the table of ``_idic_stage_indirect_value``; partners with such value
        but no invoice get a row of their own), engagement value,
        Kumar's quadrant (strictly above the company's median is high) and,
        for tiers on a value of this stage, the tier."""
        cr = self.env.cr
        name = self._idic_staging_name()
        table = self._idic_staging()
        rebuilt = SQL.identifier(f"{name}_next")
        indirect_table = SQL.identifier(INDIRECT_TABLE)
        clv = SQL("COALESCE(s.clv, 0)")
        indirect = SQL("(COALESCE(i.crv, 0) + COALESCE(i.civ, 0) + COALESCE(i.ckv, 0))")
        basis = (
            self.env["idic.value.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], limit=1)
            .basis
        )
        tier = SQL("s.value_tier_id")
        tier_figure = SQL("s.tier_figure")
        if basis in ("clv", "engagement", "predicted_clv", "p_alive"):
            bases = {
                "clv": SQL("s.clv"),
                "engagement": SQL("(%s + %s)", clv, indirect),
                "predicted_clv": SQL("s.predicted"),
                "p_alive": SQL("s.p_alive"),
            }
            tier = self._idic_tier_sql(company, bases)
            tier_figure = bases[basis]
        # The medians first: the quadrant of a row needs them.
        cr.execute(
            SQL(
                """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY %(clv)s),
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY %(indirect)s)
                     FROM (%(customers)s) s
                     FULL JOIN %(indirect_table)s i ON i.partner_id = s.partner_id""",
                clv=clv,
                indirect=indirect,
                customers=customers,
                indirect_table=indirect_table,
            )
        )
        median_clv, median_indirect = cr.fetchone()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", rebuilt))
        cr.execute(
            SQL(
                """
                CREATE %(kind)s TABLE %(rebuilt)s AS
                SELECT COALESCE(s.partner_id, i.partner_id) AS partner_id,
                       %(columns)s,
                       NULLIF(i.crv, 0) AS crv, i.revenue AS referred_revenue,
                       i.customers::int AS referred_count, NULLIF(i.civ, 0) AS civ,
                       NULLIF(i.ckv, 0) AS ckv,
                       %(clv)s + %(indirect)s AS engagement,
                       (CASE WHEN %(clv)s::float8 > %(median_clv)s::float8
                             THEN CASE WHEN %(indirect)s::float8 > %(median_indirect)s::float8
                                       THEN 'champions' ELSE 'affluents' END
                             ELSE CASE WHEN %(indirect)s::float8 > %(median_indirect)s::float8
                                       THEN 'advocates' ELSE 'misers' END
                        END)::varchar AS eng_segment,
                       %(tier)s AS tier_id, %(tier_figure)s AS tier_figure
                  FROM (%(customers)s) s
                  FULL JOIN %(indirect_table)s i ON i.partner_id = s.partner_id
                 ORDER BY 1
                """,
                kind=self._idic_staging_kind(),
                rebuilt=rebuilt,
                columns=SQL(", ").join(
                    SQL.identifier("s", column)
                    for column in columns
                    if column != "tier_figure"
                ),
                clv=clv,
                indirect=indirect,
                median_clv=median_clv,
                median_indirect=median_indirect,
                tier=tier,
                tier_figure=tier_figure,
                customers=customers,
                indirect_table=indirect_table,
            )
        )
        cr.execute(
            SQL(
                """DROP TABLE %(table)s, %(indirect_table)s;
                   ALTER TABLE %(rebuilt)s RENAME TO %(table)s;
                   CREATE UNIQUE INDEX ON %(table)s (partner_id);
                   ANALYZE %(table)s""",
                table=table,
                indirect_table=indirect_table,
                rebuilt=rebuilt,
            )
        )
