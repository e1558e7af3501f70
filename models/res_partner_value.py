# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Differentiate: RFM scores, lifetime value and value tiers.

The figures are company-dependent fields (one value per company, stored in a
jsonb column of ``res_partner``), computed set-based in SQL from the posted
customer invoices and credit notes of each company, for the commercial partner
and copied to its contacts.
"""

import logging
import math

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.sql import drop_index, make_index_name

from .idic_context import internal, internal_value

_logger = logging.getLogger(__name__)

RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential Loyalist"),
    ("new", "New"),
    ("promising", "Promising"),
    ("need_attention", "Need Attention"),
    ("about_to_sleep", "About to Sleep"),
    ("at_risk", "At Risk"),
    ("cant_lose", "Can't Lose Them"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]

# Segment of each (recency score, frequency score) cell of the R x F grid.
RFM_SEGMENT_GRID = {
    5: ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],
    4: ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],
    3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
    2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
    1: ["lost", "hibernating", "at_risk", "at_risk", "cant_lose"],
}

# Company-dependent columns written by the engine, with the SQL type of the
# value of the staging table they come from.
# Recency is not among them: it is derived from the last invoice date when
# read (a stored count of days would change every night for every customer).
VALUE_COLUMNS = [
    "idic_frequency",
    "idic_monetary",
    "idic_first_invoice_date",
    "idic_last_invoice_date",
    "idic_lifetime_revenue",
    "idic_r_score",
    "idic_f_score",
    "idic_m_score",
    "idic_rfm_total",
    "idic_rfm_segment",
    "idic_clv",
]
TIER_COLUMNS = ["idic_value_tier_id", "idic_previous_tier_id", "idic_tier_date"]

STAGING_TABLE = "idic_value_staging"


def segment_sql(r_expr, f_expr):
    """SQL CASE giving the RFM segment of the scores ``r_expr``/``f_expr``."""
    whens = [
        SQL("WHEN %s = %s AND %s = %s THEN %s", r_expr, r, f_expr, f, segment)
        for r, row in RFM_SEGMENT_GRID.items()
        for f, segment in enumerate(row, start=1)
    ]
    return SQL("CASE %s END", SQL(" ").join(whens))


def counted_moves_sql(alias="m"):
    """The money that counts, on ``alias`` (an account_move): posted customer
    invoices and credit notes with a customer and an invoice date. The one
    filter of the value, donor and relationship health figures."""
    return SQL(
        """%(m)s.state = 'posted'
           AND %(m)s.move_type IN ('out_invoice', 'out_refund')
           AND %(m)s.commercial_partner_id IS NOT NULL
           AND %(m)s.invoice_date IS NOT NULL""",
        m=SQL.identifier(alias),
    )


def put_company_value(column, key, value):
    """SQL assignment of ``value`` (jsonb, NULL: none) as the value of
    company ``key`` in the company-dependent ``column`` of ``p`` (an UPDATE
    of res_partner aliased ``p``). The cheapest jsonb operation that gives
    the value: a new object when the column is empty, the column itself when
    the value of the company is already ``value``."""
    col = SQL.identifier("p", column)
    return SQL(
        """%(c)s = CASE WHEN %(v)s IS NULL THEN NULLIF(%(col)s - %(key)s, '{}'::jsonb)
                        WHEN %(col)s IS NULL THEN jsonb_build_object(%(key)s, %(v)s)
                        WHEN %(col)s -> %(key)s = %(v)s THEN %(col)s
                        ELSE %(col)s || jsonb_build_object(%(key)s, %(v)s)
                   END""",
        c=SQL.identifier(column),
        col=col,
        v=value,
        key=key,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_recency_days = fields.Integer(
        string="Recency (days)",
        compute="_compute_idic_recency_days",
        search="_search_idic_recency_days",
        readonly=True,
        help="Days since the last posted customer invoice.",
    )
    idic_frequency = fields.Integer(
        string="Frequency",
        company_dependent=True,
        index=False,
        readonly=True,
        help="Posted customer invoices in the value window.",
    )
    idic_monetary = fields.Float(
        string="Net Amount (window)",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        help="Untaxed amount of the posted customer invoices of the value window, "
        "net of credit notes, in company currency.",
    )
    idic_first_invoice_date = fields.Date(
        string="First Invoice", company_dependent=True, index=False, readonly=True
    )
    idic_last_invoice_date = fields.Date(
        string="Last Invoice", company_dependent=True, index=False, readonly=True
    )
    idic_lifetime_revenue = fields.Float(
        string="Lifetime Revenue",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        help="Untaxed amount of all the posted customer invoices, net of credit "
        "notes, in company currency.",
    )
    idic_r_score = fields.Integer(
        string="Recency Score", company_dependent=True, index=False, readonly=True
    )
    idic_f_score = fields.Integer(
        string="Frequency Score", company_dependent=True, index=False, readonly=True
    )
    idic_m_score = fields.Integer(
        string="Monetary Score", company_dependent=True, index=False, readonly=True
    )
    idic_rfm_total = fields.Integer(
        string="RFM Total",
        company_dependent=True,
        index=False,
        readonly=True,
        help="Sum of the recency, frequency and monetary scores (3-15).",
    )
    idic_rfm_segment = fields.Selection(
        RFM_SEGMENTS,
        string="RFM Segment",
        company_dependent=True,
        index=False,
        readonly=True,
    )
    idic_clv = fields.Float(
        string="Lifetime Value",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        help="Historic net revenue plus the predicted value: average invoice "
        "value x invoices per year over the value window x expected remaining "
        "years (Settings).",
    )
    idic_value_tier_id = fields.Many2one(
        "idic.value.tier",
        string="Value Tier",
        company_dependent=True,
        # No index (Odoo's default for a company-dependent many-to-one): an
        # indexed column that changes makes every tier move a non-HOT update,
        # with an entry in every index of res_partner (a seventh of a batch's
        # time on a run where every customer enters a tier); and as half the
        # customers have a tier, the index hardly narrows a search.
        index=False,
        tracking=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Set by the nightly value recompute from the figures of the customer; "
        "a tier chosen by hand locks it.",
    )
    idic_previous_tier_id = fields.Many2one(
        "idic.value.tier",
        string="Previous Tier",
        company_dependent=True,
        index=False,
        readonly=True,
    )
    idic_tier_date = fields.Date(
        string="In Tier Since", company_dependent=True, index=False, readonly=True
    )
    idic_tier_color = fields.Integer(related="idic_value_tier_id.color")
    idic_tier_locked = fields.Boolean(
        string="Tier Locked",
        company_dependent=True,
        tracking=True,
        help="The value recompute keeps the tier of a locked customer.",
    )
    idic_tier_lock_reason = fields.Char(
        string="Lock Reason", company_dependent=True, index=False
    )
    idic_value_digest = fields.Char(
        string="Value Figures Digest",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="A hash of the staged figures the value recompute last wrote: a "
        "night whose figures of the customer hash the same leaves the row as it "
        "is, without comparing each figure.",
    )
    idic_tier_history_ids = fields.One2many(
        "idic.tier.history",
        "partner_id",
        string="Tier History",
        groups="partner_idic.group_idic_user",
    )

    @api.depends("idic_value_tier_id", "commercial_partner_id.idic_value_tier_id")
    def _compute_product_pricelist(self):
        # The tier gives its pricelist (product.pricelist): a tier move
        # changes the pricelist a partner reads.
        return super()._compute_product_pricelist()

    @api.depends("idic_last_invoice_date")
    @api.depends_context("company")
    def _compute_idic_recency_days(self):
        # Derived when read: a stored figure that only ages would make the
        # nightly job rewrite every customer's row (see ARCHITECTURE.md).
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.idic_last_invoice_date
            partner.idic_recency_days = (today - last).days if last else 0

    def _search_idic_recency_days(self, operator, value):
        """Recency in days as a condition on the last invoice date of the
        current company: more days is an older date."""
        today = fields.Date.context_today(self)
        if operator == "in":
            days = [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
            dates = [today - relativedelta(days=v) for v in days]
            domain = Domain("idic_last_invoice_date", "in", dates)
            if False in value or None in value:
                domain |= Domain("idic_last_invoice_date", "=", False)
            return domain
        inverted = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
        if operator not in inverted or isinstance(value, bool):
            return NotImplemented
        if not isinstance(value, int | float):
            return NotImplemented
        # Whole days: "more than 2.5 days" is "at least 3 days".
        days = math.floor(value) if operator in (">", "<=") else math.ceil(value)
        return Domain(
            "idic_last_invoice_date",
            inverted[operator],
            today - relativedelta(days=days),
        )

    def init(self):
        result = super().init()
        # The figures and the tier the recompute writes carry no index (each
        # index costs every recompute an entry per partner written, and the
        # write-ahead log of its pages: the three indexes of the segments and
        # the method were a sixth of a batch's time at a million partners);
        # drop those an earlier version of the module created.
        for name, field in self._fields.items():
            if name.startswith("idic_") and field.company_dependent and not field.index:
                drop_index(self.env.cr, make_index_name(self._table, name), self._table)
        return result

    # ------------------------------------------------------------------------
    # Manual tier changes
    # ------------------------------------------------------------------------
    def write(self, vals):
        tier_keys = {"idic_value_tier_id", "idic_tier_locked", "idic_tier_lock_reason"}
        if internal_value(self.env, "idic_partner_merge"):
            # The host's merge has carried the tier over in SQL already.
            vals = {key: value for key, value in vals.items() if key not in tier_keys}
        if internal_value(self.env, "idic_tier_sync") or not (tier_keys & set(vals)):
            return super().write(vals)
        if not self.env.is_superuser() and not self.env.user.has_group(
            "partner_idic.group_idic_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only relationship managers can set or lock the value tier of "
                    "a customer."
                )
            )
        if "idic_value_tier_id" not in vals:
            return super().write(vals)
        if any(p.commercial_partner_id != p for p in self):
            raise UserError(
                self.env._(
                    "A contact has the value tier of its company: set the tier on "
                    "the company."
                )
            )
        old = {partner.id: partner.idic_value_tier_id for partner in self}
        if "idic_tier_locked" not in vals and vals["idic_value_tier_id"]:
            # A tier chosen by hand would be undone by the next recompute.
            vals = dict(vals, idic_tier_locked=True)
        result = super().write(vals)
        changed = self.filtered(lambda p: p.idic_value_tier_id != old[p.id])
        if changed:
            changed._idic_record_manual_tier_change(old)
        return result

    def _idic_tier_sync(self):
        """These partners, to write what follows a tier change (the previous
        tier, the date, the contacts' tier) as the add-on."""
        return self.sudo().with_context(idic_tier_sync=internal())

    def _idic_record_manual_tier_change(self, old):
        today = fields.Date.context_today(self)
        for partner in self:
            previous = old[partner.id]
            sync = {"idic_previous_tier_id": previous.id, "idic_tier_date": today}
            partner._idic_tier_sync().write(sync)
        moves = self._idic_record_tier_history(old)
        contacts = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", self.ids),
                    ("id", "not in", self.ids),
                ]
            )
        )
        for partner in self:
            partner_contacts = contacts.filtered(
                lambda c, p=partner: c.commercial_partner_id == p
            )
            if partner_contacts:
                partner_contacts._idic_tier_sync().write(
                    {
                        "idic_value_tier_id": partner.idic_value_tier_id.id,
                        "idic_previous_tier_id": old[partner.id].id,
                        "idic_tier_date": today,
                    }
                )
        up = [partner_id for partner_id, _tier, direction in moves if direction == "up"]
        self.browse(up)._idic_launch_tier_plans()

    def _idic_record_tier_history(self, old):
        """Record the tier changes by hand of these commercial partners (from
        ``old``: partner id -> tier) through the tier history's one writer;
        returns the moves recorded (partner, tier, direction)."""
        moved = self.filtered(lambda p: p.commercial_partner_id == p)
        if not moved:
            return []
        self.env.flush_all()
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s)",
                partner.id,
                self.env.company.id,
                old[partner.id].id or None,
                partner.idic_value_tier_id.id or None,
            )
            for partner in moved
        )
        moves = SQL(
            "SELECT v.partner_id::int, v.company_id::int, v.from_tier_id::int,"
            " v.to_tier_id::int, NULL::float8 AS figure"
            " FROM (VALUES %s) AS v(partner_id, company_id, from_tier_id, to_tier_id)",
            rows,
        )
        History = self.env["idic.tier.history"]
        rows = self.env.execute_query(
            History._record_sql(moves, "manual", user_id=self.env.uid)
        )
        History.invalidate_model()
        return rows

    # ------------------------------------------------------------------------
    # The value engine
    # ------------------------------------------------------------------------
    @api.model
    def _idic_value_moves_sql(self, company):
        """The moves that count for value (alias ``m`` on account_move): the
        posted customer invoices and credit notes of ``company``, of customers
        (:meth:`_idic_excluded_sql`). A hook for donations and membership
        fees."""
        return SQL(
            "m.company_id = %s AND %s AND %s",
            company.id,
            counted_moves_sql("m"),
            self._idic_customer_moves_sql("m"),
        )

    @api.model
    def _idic_score_sql(self, company, method, key, value, population):
        """SQL score 1-5 of ``value`` (a column of ``population`` rows), NULL
        outside the population. ``key`` is r, f or m."""
        if method == "fixed":
            limits = company._idic_rfm_thresholds()[key]
            if key == "r":
                # Fewer days is better: at most the first limit scores 5.
                return SQL(
                    "CASE WHEN %(v)s <= %(l1)s THEN 5 WHEN %(v)s <= %(l2)s THEN 4"
                    " WHEN %(v)s <= %(l3)s THEN 3 WHEN %(v)s <= %(l4)s THEN 2"
                    " ELSE 1 END",
                    v=value,
                    l1=limits[0],
                    l2=limits[1],
                    l3=limits[2],
                    l4=limits[3],
                )
            return SQL(
                "1 + (%(v)s >= %(l1)s)::int + (%(v)s >= %(l2)s)::int"
                " + (%(v)s >= %(l3)s)::int + (%(v)s >= %(l4)s)::int",
                v=value,
                l1=limits[0],
                l2=limits[1],
                l3=limits[2],
                l4=limits[3],
            )
        # Quintiles: the share of the population at or below the value, in
        # fifths; ties share a score and the best customer scores 5.
        return SQL(
            "CEIL(5 * CUME_DIST() OVER (PARTITION BY %s ORDER BY %s))::int",
            population,
            value,
        )

    @api.model
    def _idic_stage_values(self, company, today):
        """Build the staging table of ``company``: one row per commercial
        partner with posted customer moves, its figures, scores, segment, CLV,
        the tier its figures give, and its invoice days and the spend after
        the first one (for the purchase models). One sort of the company's
        moves by partner gives them all. Return the number of rows."""
        cr = self.env.cr
        table = self._idic_staging()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        window_start = today - relativedelta(months=company.idic_rfm_window_months)
        method = company.idic_rfm_scoring
        per_year = 12.0 / company.idic_rfm_window_months
        score = self._idic_score_sql
        # Recency is ranked on the last invoice date (older is worse).
        r_score = score(
            company,
            method,
            "r",
            SQL("a.recency_days") if method == "fixed" else SQL("a.last_date"),
            SQL("a.last_date IS NOT NULL"),
        )
        f_score = score(
            company, method, "f", SQL("a.frequency"), SQL("a.frequency > 0")
        )
        m_score = score(company, method, "m", SQL("a.monetary"), SQL("a.monetary > 0"))
        tiers = (
            self.env["idic.value.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], order="min_threshold desc")
        )
        # Donor levels: tiers on the lifetime net donations (donor engine).
        donations = (
            self._idic_donation_totals_sql(company)
            if tiers[:1].basis == "donation"
            else SQL("SELECT NULL::int AS partner_id, 0::numeric AS total WHERE FALSE")
        )
        bases = {
            "clv": SQL("s.clv"),
            "monetary": SQL("s.monetary"),
            "rfm": SQL("s.rfm_total"),
            "donation": SQL("s.donation"),
        }
        tier_sql = self._idic_tier_sql(company, bases)
        tier_figure = bases.get(tiers[:1].basis, SQL("NULL::numeric"))
        # The three rankings sort every customer of the company: keep them in
        # memory (until the end of the transaction). JIT compiling the
        # statement takes longer than what it saves.
        cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(
            SQL(
                """
                CREATE %(kind)s TABLE %(table)s AS
                WITH moves AS (
                    SELECT m.commercial_partner_id AS partner_id, m.move_type,
                           m.invoice_date, m.amount_untaxed_signed AS amount,
                           MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
                               OVER (PARTITION BY m.commercial_partner_id) AS first_day
                      FROM account_move m
                     WHERE %(moves)s
                ),
                agg AS (
                    SELECT m.partner_id,
                           COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                                              AND m.invoice_date >= %(start)s)
                               AS frequency,
                           COALESCE(SUM(m.amount)
                                    FILTER (WHERE m.invoice_date >= %(start)s), 0)
                               AS monetary,
                           MIN(m.first_day) AS first_date,
                           MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
                               AS last_date,
                           SUM(m.amount) AS lifetime,
                           COUNT(DISTINCT m.invoice_date)
                               FILTER (WHERE m.move_type = 'out_invoice') AS invoice_days,
                           COALESCE(SUM(m.amount) FILTER (
                               WHERE m.move_type = 'out_invoice'
                                 AND m.invoice_date > m.first_day), 0) AS repeat_spend
                      FROM moves m
                     GROUP BY m.partner_id
                ),
                dated AS (
                    SELECT agg.*, %(today)s::date - agg.last_date AS recency_days
                      FROM agg
                ),
                -- The rankings sort narrow rows (the figures they rank), which
                -- stay in memory where the whole rows would spill to disk.
                ranks AS (
                    SELECT a.partner_id,
                           CASE WHEN a.last_date IS NOT NULL THEN %(r)s END AS r_score,
                           CASE WHEN a.last_date IS NULL THEN NULL
                                WHEN a.frequency > 0 OR %(fixed)s THEN %(f)s
                                ELSE 1 END AS f_score,
                           CASE WHEN a.last_date IS NULL THEN NULL
                                WHEN a.monetary > 0 OR %(fixed)s THEN %(m)s
                                ELSE 1 END AS m_score
                      FROM dated a
                ),
                scored AS (
                    SELECT a.*, k.r_score, k.f_score, k.m_score,
                           ROUND(a.lifetime + GREATEST(a.monetary, 0)
                                 * %(per_year)s * %(years)s, 2) AS clv
                      FROM dated a
                      JOIN ranks k ON k.partner_id = a.partner_id
                ),
                s AS (
                    SELECT scored.*, r_score + f_score + m_score AS rfm_total,
                           COALESCE(d.total, 0) AS donation
                      FROM scored
                      LEFT JOIN (%(donations)s) d ON d.partner_id = scored.partner_id
                )
                SELECT s.partner_id, s.recency_days, s.frequency, s.monetary,
                       s.first_date, s.last_date, s.lifetime, s.r_score, s.f_score,
                       s.m_score, s.rfm_total, %(segment)s AS segment, s.clv,
                       %(tier)s AS tier_id, %(tier_figure)s AS tier_figure,
                       s.invoice_days, s.repeat_spend
                  FROM s
                """,
                kind=self._idic_staging_kind(),
                table=table,
                start=window_start,
                moves=self._idic_value_moves_sql(company),
                today=today,
                r=r_score,
                fixed=method == "fixed",
                f=f_score,
                m=m_score,
                per_year=per_year,
                years=company.idic_clv_years,
                segment=segment_sql(SQL("s.r_score"), SQL("s.f_score")),
                tier=tier_sql,
                tier_figure=tier_figure,
                donations=donations,
            )
        )
        rows = cr.rowcount
        cr.execute(SQL("CREATE UNIQUE INDEX ON %s (partner_id)", table))
        cr.execute(SQL("ANALYZE %s", table))
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        return rows

    @api.model
    def _idic_tier_sql(self, company, bases):
        """SQL CASE giving the tier of ``company`` of a customer, from the
        figure of the tiers' basis (``bases``: basis -> SQL expression; a
        basis missing there counts as 0)."""
        tiers = (
            self.env["idic.value.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], order="min_threshold desc")
        )
        if not tiers:
            return SQL("NULL::int")
        basis = bases.get(tiers[:1].basis, SQL("0"))
        return SQL(
            "CASE %s END",
            SQL(" ").join(
                SQL("WHEN %s >= %s THEN %s", basis, tier.min_threshold, tier.id)
                for tier in tiers
            ),
        )

    @api.model
    def _idic_staged_value_columns(self):
        """Company-dependent column -> SQL expression over the staging table
        (alias ``t``) that the apply step writes; a hook for the stages that
        add columns to the staging table."""
        return {
            "idic_frequency": SQL("t.frequency"),
            "idic_monetary": SQL("t.monetary"),
            "idic_first_invoice_date": SQL("t.first_date"),
            "idic_last_invoice_date": SQL("t.last_date"),
            "idic_lifetime_revenue": SQL("t.lifetime"),
            "idic_r_score": SQL("t.r_score"),
            "idic_f_score": SQL("t.f_score"),
            "idic_m_score": SQL("t.m_score"),
            "idic_rfm_total": SQL("t.rfm_total"),
            "idic_rfm_segment": SQL("t.segment"),
            "idic_clv": SQL("t.clv"),
        }

    @api.model
    def _idic_apply_values_sql(self, company, today, id_from, id_to):
        """One statement writing the staged figures of ``company`` to the
        partners ``id_from <= id < id_to`` (commercial partners and their
        contacts), moving tiers (locks kept), recording the
        tier history of commercial partners. Returns the history rows."""
        key = str(company.id)

        def cd(column, alias="p"):
            return SQL("%s -> %s", SQL.identifier(alias, column), key)

        def put(column, value):
            return put_company_value(column, key, value)

        staged = self._idic_staged_value_columns()
        # n.<column> holds the new value as jsonb (NULL: no value).
        new_values = SQL(", ").join(
            SQL("to_jsonb(%s) AS %s", expr, SQL.identifier(column))
            for column, expr in staged.items()
        )
        # A staged customer (and its contacts) is written when the digest of
        # its staged figures differs from the one written with its figures:
        # one comparison instead of one per figure; or when its lifetime
        # revenue, always staged, is missing (figures cleared by other means
        # than the job). A partner left out of the staging (its figures to
        # clear) is compared figure by figure.
        changed = SQL(
            """CASE WHEN n.staged_id IS NULL THEN (%s)
                    ELSE %s IS DISTINCT FROM n.digest
                         OR NOT COALESCE(p.idic_lifetime_revenue ? %s, FALSE) END""",
            SQL(" OR ").join(
                SQL(
                    "%s IS DISTINCT FROM %s",
                    cd(column, "p"),
                    SQL.identifier("n", column),
                )
                for column in staged
            ),
            cd("idic_value_digest", "p"),
            key,
        )
        # The digest of the staged figures it writes (not of the whole staged
        # row: some staged figures, as recency, move every day unwritten).
        digest = SQL(
            """CASE WHEN t.partner_id IS NOT NULL
                    THEN to_jsonb(hashtextextended(ROW(%s)::text, 0)::text) END""",
            SQL(", ").join(staged.values()),
        )
        assignments = SQL(", ").join(
            put(column, SQL.identifier("n", column)) for column in staged
        )
        return SQL(
            """
            WITH src AS (
                SELECT p.id, p.id = p.commercial_partner_id AS is_commercial,
                       t.partner_id AS staged_id, t.tier_figure, %(new_values)s,
                       %(digest)s AS digest,
                       (%(old_tier)s)::int AS old_tier,
                       CASE WHEN COALESCE((%(locked)s)::boolean, FALSE)
                                 AND NOT %(excluded)s
                            THEN (%(cp_tier)s)::int ELSE t.tier_id END AS new_tier
                  FROM res_partner p
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  LEFT JOIN %(staging)s t ON t.partner_id = p.commercial_partner_id
                 WHERE p.id >= %(id_from)s AND p.id < %(id_to)s
                   AND %(written)s
            ),
            n AS (
                SELECT src.*, src.new_tier IS DISTINCT FROM src.old_tier AS tier_moved
                  FROM src
            ),
            upd AS (
                UPDATE res_partner p
                   SET %(assignments)s,
                       %(set_digest)s,
                       %(set_tier)s,
                       %(set_previous)s,
                       %(set_tier_date)s
                  FROM n
                 WHERE p.id = n.id AND p.id >= %(id_from)s AND p.id < %(id_to)s
                   AND (n.tier_moved OR %(changed)s)
             RETURNING p.id, n.is_commercial, n.tier_moved, n.old_tier, n.new_tier,
                       n.tier_figure
            ),
            hist AS (%(history)s)
            SELECT (SELECT COUNT(*) FROM upd),
                   (SELECT COALESCE(json_agg(json_build_array(
                               partner_id, to_tier_id, direction)), '[]'::json)
                      FROM hist)
            """,
            new_values=new_values,
            digest=digest,
            old_tier=SQL("p.idic_value_tier_id ->> %s", key),
            locked=SQL("cp.idic_tier_locked ->> %s", key),
            cp_tier=SQL("cp.idic_value_tier_id ->> %s", key),
            # A lock never keeps a tier on who is not a customer.
            excluded=self._idic_excluded_sql("cp"),
            staging=self._idic_staging(),
            id_from=id_from,
            id_to=id_to,
            written=self._idic_value_written_sql(company),
            assignments=assignments,
            set_digest=put("idic_value_digest", SQL("n.digest")),
            set_tier=put("idic_value_tier_id", SQL("to_jsonb(n.new_tier)")),
            set_previous=put(
                "idic_previous_tier_id",
                SQL(
                    "CASE WHEN n.tier_moved THEN to_jsonb(n.old_tier)"
                    " ELSE p.idic_previous_tier_id -> %s END",
                    key,
                ),
            ),
            set_tier_date=put(
                "idic_tier_date",
                SQL(
                    "CASE WHEN n.tier_moved THEN to_jsonb(%s::date)"
                    " ELSE p.idic_tier_date -> %s END",
                    today,
                    key,
                ),
            ),
            changed=changed,
            history=self.env["idic.tier.history"]._record_sql(
                SQL(
                    """SELECT upd.id AS partner_id, %s AS company_id,
                              upd.old_tier AS from_tier_id, upd.new_tier AS to_tier_id,
                              upd.tier_figure AS figure
                         FROM upd WHERE upd.is_commercial AND upd.tier_moved""",
                    company.id,
                ),
                "recompute",
            ),
        )

    @api.model
    def _idic_trigger_cron_soon(self, xmlid):
        """Ask for a run of the cron ``xmlid`` a minute from now, unless one is
        already planned (a trigger whose time has come may be the one of the
        running job, which would not see this change: it does not count)."""
        cron = self.sudo().env.ref(xmlid, False)
        if not cron or not cron.active:
            return
        now = fields.Datetime.now()
        pending = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id), ("call_at", ">", now)], limit=1)
        )
        if not pending:
            cron._trigger(now + relativedelta(minutes=1))

    @api.model
    def _idic_recompute_values(
        self, companies=None, batch_size=50000, commit=True, start=True
    ):
        """Recompute the value figures and tiers of every partner of
        ``companies`` (all by default), set-based, batch by batch over partner
        ids (see ``idic.recompute.run``). Returns the number of partners
        updated."""
        return self.env["idic.recompute.run"]._idic_execute(
            "value", companies, batch_size=batch_size, commit=commit, start=start
        )

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["value"] = {
            "per_company": True,
            "stage": "_idic_job_stage_value",
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_value",
            "candidates": "_idic_value_candidates_sql",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_value_recompute",
            "helper_code": "model._cron_idic_value_recompute(helper=True)",
        }
        return specs

    @api.model
    def _idic_run_info(self, job, company):
        """Figures of the whole population kept with a run of ``job`` (for
        reading: the staging table holds what the ranges use)."""
        return {}

    @api.model
    def _idic_with_staging(self, table, temp=False):
        """These partners working on the staging table ``table`` of a
        recompute (a temporary one with ``temp``). Only the add-on's own code
        names it: a name sent by a client is never used."""
        return self.with_context(
            idic_staging_table=internal(table or None),
            idic_staging_temp=internal(temp),
        )

    @api.model
    def _idic_staging_name(self):
        """The name of the staging table of the running recompute."""
        return internal_value(self.env, "idic_staging_table") or STAGING_TABLE

    @api.model
    def _idic_staging(self):
        """The staging table of the running recompute (SQL identifier)."""
        return SQL.identifier(self._idic_staging_name())

    @api.model
    def _idic_staging_kind(self):
        """TEMP for a recompute done in one transaction, UNLOGGED for a run
        whose ranges other transactions write."""
        if internal_value(self.env, "idic_staging_temp") or not internal_value(
            self.env, "idic_staging_table"
        ):
            return SQL("TEMP")
        return SQL("UNLOGGED")

    @api.model
    def _idic_value_written_sql(self, company, staged=None, parent_tiered=None):
        """The partners (``p``) the value job of ``company`` writes: staged
        customers and their contacts (``staged``; by default the staged row
        of its commercial partner ``t``, left-joined, is there), partners with
        figures or a tier of the company, and contacts whose commercial
        partner has a tier of the company (``parent_tiered``; by default on
        the commercial partner ``cp``), to clear them."""
        key = str(company.id)
        return SQL(
            """(%(staged)s
                OR p.idic_lifetime_revenue ? %(key)s
                OR p.idic_engagement_value ? %(key)s
                OR p.idic_value_tier_id ? %(key)s
                OR %(parent_tiered)s)""",
            staged=staged or SQL("t.partner_id IS NOT NULL"),
            parent_tiered=parent_tiered or SQL("cp.idic_value_tier_id ? %s", key),
            key=key,
        )

    @api.model
    def _idic_value_candidates_sql(self, company):
        """The ids of the partners the value job of ``company`` may write,
        for cutting its ranges: those of :meth:`_idic_value_written_sql`,
        without joining res_partner to itself (1,000,000 partners: a hash join
        of a million rows with a million); the staged and the tiered
        commercial partners are sets looked up by each partner's commercial
        partner."""
        return SQL(
            "SELECT p.id FROM res_partner p WHERE %s",
            self._idic_value_written_sql(
                company,
                staged=SQL(
                    "p.commercial_partner_id IN (SELECT t.partner_id FROM %s t)",
                    self._idic_staging(),
                ),
                parent_tiered=SQL(
                    """p.commercial_partner_id IN (
                         SELECT cp.id FROM res_partner cp
                          WHERE cp.idic_value_tier_id ? %s)""",
                    str(company.id),
                ),
            ),
        )

    @api.model
    def _idic_job_stage_value(self, company, today):
        # The excluded partners gathered once, for the statements reading the
        # company's moves; a company without any reads none.
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM account_move m WHERE m.company_id = %s AND %s LIMIT 1",
                company.id,
                counted_moves_sql("m"),
            )
        )
        partners = self._idic_with_excluded_set() if self.env.cr.fetchone() else self
        staged = partners._idic_stage_values(company, today)
        _logger.info("IDIC value: %s customers staged for %s", staged, company.name)
        return staged

    @api.model
    def _idic_job_apply_value(self, company, today, phase, start, end):
        """Write the staged figures of ``company`` to the partners ``start <=
        id < end``; returns how many were updated."""
        # JIT compiling the wide statement costs more than it saves. The
        # planner misjudges the partners of a range (the range's condition
        # counted twice: 5 % of them) and hashes them to scan the whole
        # staging table at every range; looked up by their commercial
        # partner, a range of 50,000 takes half the time (1,000,000 partners).
        cr = self.env.cr
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(SQL("SET LOCAL enable_hashjoin = off"))
        cr.execute(self._idic_apply_values_sql(company, today, start, end))
        count, moves = cr.fetchone()
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        cr.execute(SQL("SET LOCAL enable_hashjoin TO DEFAULT"))
        self._idic_after_value_batch(company, moves)
        return count

    def _idic_after_value_batch(self, company, moves):
        """After a batch: drop caches, launch the welcome plans of the partners
        that moved up into a tier (``moves``: [partner, tier, direction])."""
        self.invalidate_model(
            [
                *self._idic_staged_value_columns(),
                *TIER_COLUMNS,
                "idic_value_digest",
                "property_product_pricelist",
            ]
        )
        self.env["idic.tier.history"].invalidate_model()
        planned = set(
            self.env["idic.value.tier"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("activity_plan_id", "!=", False)]
            )
            .ids
        )
        up_ids = [
            partner_id
            for partner_id, tier_id, direction in moves
            if direction == "up" and tier_id in planned
        ]
        if up_ids:
            self.browse(up_ids).with_company(company)._idic_launch_tier_plans()

    def _idic_launch_tier_plans(self):
        """Launch the welcome plan of the tier of these partners (which just
        moved up into it)."""
        for partner in self:
            plan = partner.idic_value_tier_id.activity_plan_id
            if not plan:
                continue
            fallback = (
                partner.user_id
                or self.env.company.idic_followup_user_id
                or self.env.user
            )
            for template in plan.template_ids:
                responsible = (
                    template._determine_responsible(fallback, partner)["responsible"]
                    if template.responsible_type != "on_demand"
                    else fallback
                )
                partner.activity_schedule(
                    activity_type_id=template.activity_type_id.id,
                    summary=template.summary,
                    note=template.note,
                    user_id=(responsible or fallback).id,
                    date_deadline=template._get_date_deadline(),
                )

    @api.model
    def _cron_idic_value_recompute(self, helper=False, batch_size=50000):
        """Nightly, and soon after customer invoices are posted: recompute the
        value figures and tiers of all companies. A ``helper`` action only
        takes ranges of the runs its job's own action started."""
        self.sudo()._idic_recompute_values(start=not helper, batch_size=batch_size)

    @api.model
    def _idic_trigger_value_recompute(self):
        """Ask for a value recompute a minute from now, unless one is already
        planned."""
        self._idic_trigger_cron_soon("partner_idic.ir_cron_idic_value_recompute")
