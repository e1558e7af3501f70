# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Appeals (issue #26): per appeal (``utm.campaign``) and company, the donors
and gifts it raised and what it cost.

A gift to an appeal is a posted customer invoice with donation lines of the
appeal (net of their credit notes, counted when positive, as the donor
figures count gifts). A donor of an appeal is new, retained or recaptured by
the fiscal year F of its first gift to the appeal, as the donor statuses
read a fiscal year: new when it gave in no fiscal year before F, retained
when it gave in F - 1, recaptured when it gave before F - 1 but not in it.
The response rate divides the appeal's donors by the people it solicited:
the target group of the campaign's segment actions (never its control
group) and the recipients of its mailings, each person once (the sources of
``_idic_solicitation_sources``), plus those the campaign says it solicited
otherwise.
The appeal's cost counts on the row of the appeal's company (on each
company's row when it names none).
"""

from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner_donor import donation_lines_sql, fiscal_year_sql


class IdicAppealReport(models.Model):
    _name = "idic.appeal.report"
    _description = "Appeal Analysis"
    _auto = False
    _rec_name = "appeal_id"
    _order = "amount desc, appeal_id"

    appeal_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    donor_count = fields.Integer(string="Donors", readonly=True)
    gift_count = fields.Integer(string="Gifts", readonly=True)
    amount = fields.Monetary(string="Raised", readonly=True)
    average_gift = fields.Monetary(readonly=True, aggregator=None)
    new_donor_count = fields.Integer(string="New Donors", readonly=True)
    retained_donor_count = fields.Integer(string="Retained Donors", readonly=True)
    recaptured_donor_count = fields.Integer(string="Recaptured Donors", readonly=True)
    cost = fields.Monetary(readonly=True)
    net_amount = fields.Monetary(
        string="Net Raised", readonly=True, help="Raised minus cost."
    )
    cost_per_unit = fields.Float(
        string="Cost per Unit Raised",
        readonly=True,
        aggregator=None,
        digits=(16, 4),
        help="The cost of the appeal divided by the amount it raised.",
    )
    solicited_count = fields.Integer(
        string="Solicited",
        readonly=True,
        aggregator=None,
        help="Recipients of the campaign's mailings and segment actions, and "
        "people solicited otherwise.",
    )
    response_rate = fields.Float(
        string="Response Rate (%)",
        readonly=True,
        aggregator=None,
        digits=(16, 2),
        help="Donors of the appeal over the people solicited.",
    )

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "commercial_partner_id",
            "invoice_date",
            "reversed_entry_id",
            "company_id",
        ],
        "account.move.line": [
            "balance",
            "display_type",
            "product_id",
            "idic_appeal_id",
        ],
        "product.template": ["idic_is_donation"],
        "idic.campaign.member": ["campaign_id", "partner_id", "group"],
        "utm.campaign": [
            "idic_appeal_cost",
            "idic_appeal_company_id",
            "idic_appeal_solicited",
        ],
    }

    @api.model
    def _idic_solicitation_sources(self):
        """SQL queries of (campaign_id, recipient) rows, one per person a
        campaign solicited (a hook for other sources); the recipients are
        counted once per campaign, whatever their source.

        - The target group of the campaign's segment actions (the control
          group got nothing: it is never solicited), as ``res.partner,<id>``.
        - The recipients of the campaign's mailings (traces not cancelled nor
          failed), as ``<model>,<id>``; a mailing contact whose address is
          that of a target member of the same campaign (the segment action's
          own mailing list) is that member, so it is counted once."""
        sources = [
            SQL(
                """SELECT m.campaign_id, 'res.partner,' || m.partner_id AS recipient
                     FROM idic_campaign_member m
                    WHERE m."group" = 'target'"""
            )
        ]
        if "mailing.trace" in self.env:
            sources.append(
                SQL(
                    """SELECT t.campaign_id,
                              COALESCE('res.partner,' || tm.partner_id,
                                       t.model || ',' || t.res_id) AS recipient
                         FROM mailing_trace t
                         LEFT JOIN LATERAL (
                             SELECT m.partner_id
                               FROM idic_campaign_member m
                               JOIN res_partner p ON p.id = m.partner_id
                              WHERE m.campaign_id = t.campaign_id
                                AND m."group" = 'target'
                                AND t.model != 'res.partner'
                                AND t.email IS NOT NULL
                                AND p.email_normalized = t.email
                              ORDER BY m.partner_id
                              LIMIT 1
                         ) tm ON TRUE
                        WHERE t.campaign_id IS NOT NULL
                          AND t.trace_status NOT IN ('cancel', 'error')"""
                )
            )
        return sources

    @property
    def _table_query(self):
        month = SQL("c.fiscalyear_last_month::int")
        day = SQL("c.fiscalyear_last_day")
        sources = self._idic_solicitation_sources()
        solicited = (
            SQL(
                """SELECT s.campaign_id, COUNT(DISTINCT s.recipient) AS solicited
                     FROM (%s) s GROUP BY s.campaign_id""",
                SQL(" UNION ALL ").join(sources),
            )
            if sources
            else SQL("SELECT NULL::int AS campaign_id, 0 AS solicited WHERE FALSE")
        )
        return SQL(
            """
            WITH lines AS (
                SELECT d.*, l.idic_appeal_id AS appeal_id
                  FROM (%(lines)s) d
                  JOIN account_move_line l ON l.id = d.id
            ),
            gifts AS (
                SELECT x.company_id, x.partner_id, x.gift_move_id, MIN(x.date) AS date
                  FROM lines x
                 GROUP BY x.company_id, x.partner_id, x.gift_move_id
                HAVING BOOL_OR(x.move_type = 'out_invoice') AND SUM(x.amount) > 0
            ),
            donor_years AS (
                SELECT DISTINCT g.company_id, g.partner_id, %(gift_fy)s AS fy
                  FROM gifts g
                  JOIN res_company c ON c.id = g.company_id
            ),
            appeal_gifts AS (
                SELECT x.company_id, x.appeal_id, x.partner_id, x.gift_move_id,
                       MIN(x.date) AS date, SUM(x.amount) AS amount,
                       BOOL_OR(x.move_type = 'out_invoice') AND SUM(x.amount) > 0
                           AS counts
                  FROM lines x
                 WHERE x.appeal_id IS NOT NULL
                 GROUP BY x.company_id, x.appeal_id, x.partner_id, x.gift_move_id
            ),
            appeal_donors AS (
                SELECT a.company_id, a.appeal_id, a.partner_id,
                       COUNT(*) FILTER (WHERE a.counts) AS gifts,
                       SUM(a.amount) AS amount,
                       MIN(a.date) FILTER (WHERE a.counts) AS first_date
                  FROM appeal_gifts a
                 GROUP BY a.company_id, a.appeal_id, a.partner_id
            ),
            kinds AS (
                SELECT ad.*,
                       EXISTS (SELECT 1 FROM donor_years y
                                WHERE y.company_id = ad.company_id
                                  AND y.partner_id = ad.partner_id
                                  AND y.fy < %(first_fy)s) AS gave_before,
                       EXISTS (SELECT 1 FROM donor_years y
                                WHERE y.company_id = ad.company_id
                                  AND y.partner_id = ad.partner_id
                                  AND y.fy = %(first_fy)s - 1) AS gave_last
                  FROM appeal_donors ad
                  JOIN res_company c ON c.id = ad.company_id
            ),
            per_appeal AS (
                SELECT k.appeal_id, k.company_id,
                       COUNT(*) FILTER (WHERE k.gifts > 0) AS donors,
                       COALESCE(SUM(k.gifts), 0) AS gifts,
                       COALESCE(SUM(k.amount), 0) AS amount,
                       COUNT(*) FILTER (WHERE k.gifts > 0 AND NOT k.gave_before) AS new,
                       COUNT(*) FILTER (WHERE k.gifts > 0 AND k.gave_last) AS retained,
                       COUNT(*) FILTER (WHERE k.gifts > 0 AND k.gave_before
                                          AND NOT k.gave_last) AS recaptured
                  FROM kinds k
                 GROUP BY k.appeal_id, k.company_id
            ),
            rows AS (
                SELECT COALESCE(p.appeal_id, u.id) AS appeal_id,
                       COALESCE(p.company_id, u.idic_appeal_company_id) AS company_id,
                       p.donors, p.gifts, p.amount, p.new, p.retained, p.recaptured
                  FROM per_appeal p
                  FULL JOIN (SELECT * FROM utm_campaign
                              WHERE idic_appeal_cost > 0
                                AND idic_appeal_company_id IS NOT NULL) u
                         ON u.id = p.appeal_id AND u.idic_appeal_company_id = p.company_id
            ),
            solicited AS (%(solicited)s)
            SELECT r.appeal_id::bigint * 100000 + r.company_id AS id,
                   r.appeal_id, r.company_id, c.currency_id,
                   COALESCE(r.donors, 0) AS donor_count,
                   COALESCE(r.gifts, 0) AS gift_count,
                   COALESCE(r.amount, 0) AS amount,
                   ROUND(r.amount / NULLIF(r.gifts, 0), 2) AS average_gift,
                   COALESCE(r.new, 0) AS new_donor_count,
                   COALESCE(r.retained, 0) AS retained_donor_count,
                   COALESCE(r.recaptured, 0) AS recaptured_donor_count,
                   COALESCE(cost.cost, 0) AS cost,
                   COALESCE(r.amount, 0) - COALESCE(cost.cost, 0) AS net_amount,
                   ROUND(cost.cost / NULLIF(r.amount, 0), 4) AS cost_per_unit,
                   s.solicited AS solicited_count,
                   ROUND(100.0 * COALESCE(r.donors, 0) / NULLIF(s.solicited, 0), 2)
                       AS response_rate
              FROM rows r
              JOIN res_company c ON c.id = r.company_id
              JOIN utm_campaign u ON u.id = r.appeal_id
              LEFT JOIN LATERAL (
                  SELECT u.idic_appeal_cost AS cost
                   WHERE COALESCE(u.idic_appeal_company_id, r.company_id) = r.company_id
              ) cost ON TRUE
              LEFT JOIN LATERAL (
                  SELECT NULLIF(COALESCE(so.solicited, 0)
                                + COALESCE(u.idic_appeal_solicited, 0), 0) AS solicited
                    FROM (SELECT 1) one
                    LEFT JOIN solicited so ON so.campaign_id = u.id
              ) s ON TRUE
            """,
            lines=donation_lines_sql(),
            gift_fy=fiscal_year_sql(SQL("g.date"), month, day),
            first_fy=fiscal_year_sql(SQL("ad.first_date"), month, day),
            solicited=solicited,
        )
