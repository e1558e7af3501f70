# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Donors: gifts, totals, LYBUNT / SYBUNT and donor status per company.

Definitions (the tests check them against hand computations):

* A donation line is a product line, on a product marked as a donation, of a
  posted customer invoice or credit note; its amount is its untaxed amount in
  company currency (credit notes negative).
* A gift is one posted customer invoice with donation lines: its amount is the
  sum of its donation lines net of the donation lines of its posted credit
  notes (whatever their date), its date is the invoice date and it belongs to
  the commercial partner of the invoice. A gift whose net amount is not
  positive (fully refunded) is no gift: it is neither counted nor first, last
  or largest.
* A credit note without an origin invoice is no gift either: it reduces the
  lifetime total and the total of the fiscal year of its own date.
* Fiscal years are those of the company (``fiscalyear_last_day`` and
  ``fiscalyear_last_month`` of account), computed in SQL as Odoo does (a year
  ending on 28 February ends on the 29th in leap years). "This fiscal year" is
  the one holding today; gifts dated later count as this year's.

The figures are company-dependent fields (one value per company in a jsonb
column of ``res_partner``), computed set-based like the value engine: one
staging statement per company, then batched UPDATEs writing the commercial
partners and their contacts only where a figure changed.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .res_partner_value import counted_moves_sql, put_company_value

_logger = logging.getLogger(__name__)

DONOR_STATUSES = [
    ("new", "New"),
    ("active", "Active"),
    ("recaptured", "Recaptured"),
    ("lapsed", "Lapsed"),
]

# Company-dependent column -> column of the staging table it comes from.
DONOR_COLUMNS = {
    "idic_donation_count": "gift_count",
    "idic_donation_first_date": "first_date",
    "idic_donation_first_amount": "first_amount",
    "idic_donation_last_date": "last_date",
    "idic_donation_last_amount": "last_amount",
    "idic_donation_largest": "largest",
    "idic_donation_total": "total",
    "idic_donation_fy_total": "fy_total",
    "idic_donation_last_fy_total": "last_fy_total",
    "idic_donation_average": "average",
    "idic_donor_status": "status",
    "idic_lybunt": "lybunt",
    "idic_sybunt": "sybunt",
}

DONOR_DATA_GROUP = "partner_idic.group_idic_donor_data"


def fiscal_year_sql(date, month, day):
    """SQL integer: the calendar year in which ends the fiscal year holding
    ``date``, for fiscal years ending on ``day``/``month`` (SQL expressions or
    integers), as ``odoo.tools.date_utils.get_fiscal_year``."""
    year = SQL("EXTRACT(YEAR FROM %s)::int", date)
    month_start = SQL("make_date(%s, %s, 1)", year, month)
    year_end = SQL(
        """LEAST(%(start)s + (CASE WHEN %(month)s = 2 AND %(day)s >= 28 THEN 31
                                   ELSE %(day)s END - 1),
                 (%(start)s + INTERVAL '1 month')::date - 1)""",
        start=month_start,
        month=month,
        day=day,
    )
    return SQL("(%s + CASE WHEN %s <= %s THEN 0 ELSE 1 END)", year, date, year_end)


def donor_status_sql(gave_this, gave_last, gave_before):
    """SQL columns ``status``, ``lybunt`` and ``sybunt`` of a donor who gave
    this fiscal year (or since), last fiscal year and in some earlier fiscal
    year (three SQL booleans): the one rule of the donor statuses."""
    return SQL(
        """CASE WHEN %(this)s AND NOT %(before)s THEN 'new'
                WHEN %(this)s AND %(last)s THEN 'active'
                WHEN %(this)s THEN 'recaptured'
                WHEN %(before)s THEN 'lapsed'
           END AS status,
           NULLIF(%(last)s AND NOT %(this)s, FALSE) AS lybunt,
           NULLIF(%(before)s AND NOT %(this)s, FALSE) AS sybunt""",
        this=gave_this,
        last=gave_last,
        before=gave_before,
    )


def fiscal_year_label_sql(fiscal_year, month, day):
    """SQL text naming a fiscal year: ``2026`` for a calendar year, else
    ``2025-2026`` (the years it starts and ends in)."""
    return SQL(
        """CASE WHEN %(month)s = 12 AND %(day)s = 31 THEN (%(fy)s)::text
                ELSE (%(fy)s - 1)::text || '-' || (%(fy)s)::text END""",
        month=month,
        day=day,
        fy=fiscal_year,
    )


def donation_lines_sql(where=None):
    """SQL rows of the donation lines of posted customer invoices and credit
    notes: line ``id``, ``move_id``, ``move_type``, ``company_id``,
    ``product_id``, ``gift_move_id`` (the invoice a credit note refunds, else
    the move itself), ``partner_id`` (commercial partner of the gift), ``date``
    (of the gift) and ``amount`` (untaxed, company currency, credit notes
    negative). ``where``: an extra condition on ``m`` (account_move)."""
    return SQL(
        """
        SELECT l.id, l.move_id, m.move_type, m.company_id, l.product_id,
               COALESCE(o.id, m.id) AS gift_move_id,
               COALESCE(o.commercial_partner_id, m.commercial_partner_id)
                   AS partner_id,
               COALESCE(o.invoice_date, m.invoice_date) AS date,
               -l.balance AS amount
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          LEFT JOIN account_move o
                 ON m.move_type = 'out_refund' AND o.id = m.reversed_entry_id
                AND o.state = 'posted' AND o.move_type = 'out_invoice'
                AND o.invoice_date IS NOT NULL
                AND o.commercial_partner_id IS NOT NULL
         WHERE pt.idic_is_donation
           AND l.display_type = 'product'
           AND %s
           AND %s
        """,
        counted_moves_sql("m"),
        where or SQL("TRUE"),
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_donation_count = fields.Integer(
        string="Gifts",
        company_dependent=True,
        index=False,
        readonly=True,
        help="Number of gifts: posted customer invoices with donation lines whose "
        "amount, net of their credit notes, is positive.",
    )
    idic_donation_first_date = fields.Date(
        string="First Gift", company_dependent=True, index=False, readonly=True
    )
    idic_donation_first_amount = fields.Float(
        string="First Gift Amount",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
    )
    idic_donation_last_date = fields.Date(
        string="Last Gift", company_dependent=True, index=False, readonly=True
    )
    idic_donation_last_amount = fields.Float(
        string="Last Gift Amount",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
    )
    idic_donation_largest = fields.Float(
        string="Largest Gift",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
    )
    idic_donation_total = fields.Float(
        string="Lifetime Donations",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
        help="All the donation lines of the posted customer invoices, net of "
        "credit notes, untaxed, in company currency.",
    )
    idic_donation_fy_total = fields.Float(
        string="Donations This Fiscal Year",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
        help="Gifts dated in the current fiscal year of the company (or later), "
        "net of their credit notes.",
    )
    idic_donation_last_fy_total = fields.Float(
        string="Donations Last Fiscal Year",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
        help="Gifts dated in the previous fiscal year of the company, net of their "
        "credit notes.",
    )
    idic_donation_average = fields.Float(
        string="Average Gift",
        company_dependent=True,
        index=False,
        readonly=True,
        digits="Account",
        groups=DONOR_DATA_GROUP,
        copy=False,
        help="Total of the gifts divided by their number.",
    )
    idic_donor_status = fields.Selection(
        DONOR_STATUSES,
        string="Donor Status",
        company_dependent=True,
        index=False,
        readonly=True,
        help="New: the first gift is in this fiscal year. Active: gave this fiscal "
        "year (or since) and last fiscal year. Recaptured: gave this fiscal year, "
        "not last fiscal year, but in an earlier one. Lapsed: no gift this fiscal "
        "year but gave before. Fiscal years are those of the company.",
    )
    idic_lybunt = fields.Boolean(
        string="LYBUNT",
        company_dependent=True,
        index=False,
        readonly=True,
        help="Last Year But Unfortunately Not This: gave in the last fiscal year, "
        "not in this one.",
    )
    idic_sybunt = fields.Boolean(
        string="SYBUNT",
        company_dependent=True,
        index=False,
        readonly=True,
        help="Some Year But Unfortunately Not This: gave in some earlier fiscal "
        "year, not in this one (LYBUNT donors are SYBUNT too).",
    )

    # ------------------------------------------------------------------------
    # The donor engine
    # ------------------------------------------------------------------------
    @api.model
    def _idic_donation_totals_sql(self, company):
        """SQL rows (``partner_id``, ``total``): the lifetime net donations of
        the commercial partners of ``company`` (the basis of donor tiers)."""
        return SQL(
            """SELECT d.partner_id, SUM(d.amount) AS total
                 FROM (%s) d
                GROUP BY d.partner_id""",
            donation_lines_sql(
                SQL(
                    "m.company_id = %s AND %s",
                    company.id,
                    self._idic_customer_moves_sql("m"),
                )
            ),
        )

    @api.model
    def _idic_stage_donors(self, company, today):
        """Build the staging table of ``company``: one row per commercial
        partner with donation lines, and its donor figures. Returns the number
        of rows."""
        cr = self.env.cr
        table = self._idic_staging()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        month, day = int(company.fiscalyear_last_month), company.fiscalyear_last_day
        cr.execute(
            SQL(
                """
                CREATE %(kind)s TABLE %(table)s AS
                WITH gifts AS (
                    SELECT d.partner_id, d.gift_move_id, MIN(d.date) AS date,
                           SUM(d.amount) AS amount,
                           BOOL_OR(d.move_type = 'out_invoice') AS has_invoice
                      FROM (%(lines)s) d
                     GROUP BY d.partner_id, d.gift_move_id
                ),
                g AS (
                    SELECT gifts.*, gifts.has_invoice AND gifts.amount > 0 AS counts,
                           %(fy)s AS fy, %(this_fy)s AS this_fy
                      FROM gifts
                ),
                agg AS (
                    SELECT g.partner_id,
                           COUNT(*) FILTER (WHERE g.counts) AS gift_count,
                           MIN(g.date) FILTER (WHERE g.counts) AS first_date,
                           (ARRAY_AGG(g.amount ORDER BY g.date, g.gift_move_id)
                                FILTER (WHERE g.counts))[1] AS first_amount,
                           MAX(g.date) FILTER (WHERE g.counts) AS last_date,
                           (ARRAY_AGG(g.amount ORDER BY g.date DESC, g.gift_move_id DESC)
                                FILTER (WHERE g.counts))[1] AS last_amount,
                           MAX(g.amount) FILTER (WHERE g.counts) AS largest,
                           SUM(g.amount) AS total,
                           COALESCE(SUM(g.amount) FILTER (WHERE g.fy >= g.this_fy), 0)
                               AS fy_total,
                           COALESCE(SUM(g.amount) FILTER (WHERE g.fy = g.this_fy - 1), 0)
                               AS last_fy_total,
                           ROUND(SUM(g.amount) FILTER (WHERE g.counts)
                                 / NULLIF(COUNT(*) FILTER (WHERE g.counts), 0), 2)
                               AS average,
                           COALESCE(BOOL_OR(g.fy >= g.this_fy)
                                    FILTER (WHERE g.counts), FALSE) AS gave_this,
                           COALESCE(BOOL_OR(g.fy = g.this_fy - 1)
                                    FILTER (WHERE g.counts), FALSE) AS gave_last,
                           COALESCE(BOOL_OR(g.fy < g.this_fy)
                                    FILTER (WHERE g.counts), FALSE) AS gave_before,
                           MIN(g.fy) FILTER (WHERE g.counts) AS first_fy,
                           ARRAY_AGG(DISTINCT g.fy) FILTER (WHERE g.counts)
                               AS gift_years,
                           MIN(g.this_fy) AS this_fy
                      FROM g
                     GROUP BY g.partner_id
                )
                SELECT agg.partner_id, agg.gift_count, agg.first_date,
                       agg.first_amount, agg.last_date, agg.last_amount, agg.largest,
                       agg.total, agg.fy_total, agg.last_fy_total, agg.average,
                       %(statuses)s,
                       agg.gave_this, agg.gave_last, agg.gave_before,
                       agg.first_fy, agg.gift_years, agg.this_fy
                  FROM agg
                """,
                kind=self._idic_staging_kind(),
                table=table,
                lines=donation_lines_sql(
                    SQL(
                        "m.company_id = %s AND %s",
                        company.id,
                        self._idic_customer_moves_sql("m"),
                    )
                ),
                fy=fiscal_year_sql(SQL("gifts.date"), month, day),
                this_fy=fiscal_year_sql(SQL("%s::date", today), month, day),
                statuses=donor_status_sql(
                    SQL("agg.gave_this"), SQL("agg.gave_last"), SQL("agg.gave_before")
                ),
            )
        )
        rows = cr.rowcount
        cr.execute(SQL("CREATE UNIQUE INDEX ON %s (partner_id)", table))
        cr.execute(SQL("ANALYZE %s", table))
        return rows

    @api.model
    def _idic_apply_donors_sql(self, company, id_from, id_to):
        """One statement writing the staged donor figures of ``company`` to
        the partners ``id_from <= id < id_to`` (commercial partners and their
        contacts) where they changed, and clearing those of partners that are
        no longer donors. Returns the number of partners updated."""
        key = str(company.id)
        donor_columns = self._idic_donor_columns()
        new_values = SQL(", ").join(
            SQL("to_jsonb(t.%s) AS %s", SQL.identifier(source), SQL.identifier(column))
            for column, source in donor_columns.items()
        )
        changed = SQL(" OR ").join(
            SQL(
                "%s -> %s IS DISTINCT FROM %s",
                SQL.identifier("p", column),
                key,
                SQL.identifier("n", column),
            )
            for column in donor_columns
        )
        assignments = SQL(", ").join(
            put_company_value(column, key, SQL.identifier("n", column))
            for column in donor_columns
        )
        return SQL(
            """
            WITH n AS (
                SELECT p.id, %(new_values)s
                  FROM res_partner p
                  LEFT JOIN %(staging)s t ON t.partner_id = p.commercial_partner_id
                 WHERE p.id >= %(id_from)s AND p.id < %(id_to)s
                   AND %(written)s
            ),
            upd AS (
                UPDATE res_partner p
                   SET %(assignments)s
                  FROM n
                 WHERE p.id = n.id AND (%(changed)s)
             RETURNING p.id
            )
            SELECT COUNT(*) FROM upd
            """,
            new_values=new_values,
            staging=self._idic_staging(),
            written=self._idic_donor_written_sql(company),
            id_from=id_from,
            id_to=id_to,
            assignments=assignments,
            changed=changed,
        )

    @api.model
    def _idic_donor_columns(self):
        """Company-dependent column -> column of the staging table the donor
        job writes it from (a hook for the stages that add columns)."""
        return dict(DONOR_COLUMNS)

    @api.model
    def _idic_recompute_donors(
        self, companies=None, batch_size=50000, commit=True, start=True
    ):
        """Recompute the donor figures of every partner of ``companies`` (all
        by default), set-based, batch by batch over partner ids (see
        ``idic.recompute.run``). Returns the number of partners updated."""
        return self.env["idic.recompute.run"]._idic_execute(
            "donor", companies, batch_size=batch_size, commit=commit, start=start
        )

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["donor"] = {
            "per_company": True,
            "stage": "_idic_job_stage_donor",
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_donor",
            "candidates": "_idic_donor_candidates_sql",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_donor_recompute",
            "helper_code": "model._cron_idic_donor_recompute(helper=True)",
        }
        return specs

    @api.model
    def _idic_donor_written_sql(self, company):
        """The partners (``p``, the staged row ``t`` of its commercial
        partner, left-joined) the donor job of ``company`` writes: staged
        donors and their contacts, and partners with donor figures of the
        company (to clear them)."""
        return SQL(
            "(t.partner_id IS NOT NULL OR p.idic_donation_total ? %s)",
            str(company.id),
        )

    @api.model
    def _idic_donor_candidates_sql(self, company):
        """The ids of the partners the donor job of ``company`` may write,
        for cutting its ranges."""
        return SQL(
            """SELECT p.id FROM res_partner p
                 LEFT JOIN %s t ON t.partner_id = p.commercial_partner_id
                WHERE %s""",
            self._idic_staging(),
            self._idic_donor_written_sql(company),
        )

    @api.model
    def _idic_job_stage_donor(self, company, today):
        staged = self._idic_stage_donors(company, today)
        _logger.info("IDIC donors: %s donors staged for %s", staged, company.name)
        return staged

    @api.model
    def _idic_job_apply_donor(self, company, today, phase, start, end):
        self.env.cr.execute(self._idic_apply_donors_sql(company, start, end))
        count = self.env.cr.fetchone()[0]
        self.invalidate_model(list(self._idic_donor_columns()))
        return count

    @api.model
    def _cron_idic_donor_recompute(self, helper=False, batch_size=50000):
        """Nightly (a new fiscal year changes statuses), and soon after
        donation invoices are posted, reset or cancelled: recompute the donor
        figures of all companies. A ``helper`` action only takes ranges of
        the runs its job's own action started."""
        self.sudo()._idic_recompute_donors(start=not helper, batch_size=batch_size)

    @api.model
    def _idic_trigger_donor_recompute(self):
        """Ask for a donor recompute a minute from now, unless one is already
        planned."""
        self._idic_trigger_cron_soon("partner_idic.ir_cron_idic_donor_recompute")

    def action_idic_recompute_donors(self):
        """Managers: recompute the donor figures of the selected companies
        now."""
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers can recompute donor figures.")
            )
        changed = self.sudo()._idic_recompute_donors(self.env.companies, commit=False)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Donor figures recomputed: %(count)s partners updated.",
                    count=changed,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_idic_open_donations(self):
        """The donation lines of this donor (donor-data readers only)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_donation_report_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_fiscal_year": 1}
        action["view_mode"] = "list,pivot,graph"
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        action["name"] = self.env._(
            "Donations of %(donor)s", donor=self.commercial_partner_id.display_name
        )
        return action

    def action_idic_donation_summary(self):
        """Open the wizard printing the annual donation summary of these
        donors."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Annual Donation Summary"),
            "res_model": "idic.donation.summary.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }
