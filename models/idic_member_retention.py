# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .member_engine import JOIN_KINDS, MEMBER_LINE_STATES


class IdicMemberRetention(models.Model):
    """One row per membership period that came up for renewal: whether the
    member renewed it (a next period starting at most the grace period after
    its end). Periods ended by a credit note are left out; periods cut short
    by a withdrawal count as not renewed."""

    _name = "idic.member.retention"
    _description = "Member Retention"
    _auto = False
    _order = "date_end desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    product_id = fields.Many2one("product.product", string="Level", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    join_kind = fields.Selection(JOIN_KINDS, readonly=True)
    date_from = fields.Date(string="Period From", readonly=True)
    date_end = fields.Date(string="Period End", readonly=True)
    due_count = fields.Integer(string="Up for Renewal", readonly=True, aggregator="sum")
    renewed_count = fields.Integer(string="Renewed", readonly=True, aggregator="sum")
    lapsed_count = fields.Integer(string="Not Renewed", readonly=True, aggregator="sum")
    renewal_rate = fields.Float(
        string="Renewal Rate (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT l.id, l.partner_id, l.membership_id AS product_id,
                           c.id AS company_id, l.idic_join_kind AS join_kind,
                           l.date_from, l.date_to AS date_end, 1 AS due_count,
                           r.renewed::int AS renewed_count,
                           (NOT r.renewed)::int AS lapsed_count,
                           CASE WHEN r.renewed THEN 100.0 ELSE 0.0 END AS renewal_rate
                      FROM membership_membership_line l
                      JOIN res_partner p ON p.id = l.partner_id
                      JOIN res_company c ON c.id = COALESCE(
                          l.company_id, p.company_id,
                          (SELECT MIN(id) FROM res_company))
                      CROSS JOIN LATERAL (
                          SELECT EXISTS (
                              SELECT 1 FROM membership_membership_line n
                               WHERE n.partner_id = l.partner_id AND n.id <> l.id
                                 AND n.state IN %(member)s
                                 AND n.date_from > l.date_from
                                 AND n.date_from <= l.date_to + 1
                                     + COALESCE(c.idic_member_grace_days, 0)
                          ) AS renewed) r
                     WHERE l.state IN %(member)s
                       AND l.date_from IS NOT NULL AND l.date_to IS NOT NULL
                       AND (r.renewed OR l.date_to
                            + COALESCE(c.idic_member_grace_days, 0) < CURRENT_DATE)
                )
                """,
                table=SQL.identifier(self._table),
                member=MEMBER_LINE_STATES,
            )
        )
