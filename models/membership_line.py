# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .member_engine import JOIN_KINDS, PERIOD_STATES, period_state, valid_lines_sql


class MembershipLine(models.Model):
    _inherit = "membership.membership_line"

    idic_join_kind = fields.Selection(
        JOIN_KINDS,
        string="Join Kind",
        readonly=True,
        index="btree_not_null",
        help="Join: the partner's first membership. Renewal: continues a "
        "membership that was still running or in its grace period. Re-join: "
        "starts again after a lapse or a withdrawal.",
    )
    idic_period_state = fields.Selection(
        PERIOD_STATES,
        string="Period",
        compute="_compute_idic_period_state",
        store=True,
        index=True,
        help="Scheduled: paid or invoiced, starts later. Active: running today. "
        "Ended: its end date (or credit note) has passed. Kept current by the "
        "daily membership job.",
    )
    idic_reminder_ids = fields.One2many(
        "idic.member.reminder",
        "line_id",
        string="Reminders Sent",
        readonly=True,
        groups="partner_idic.group_idic_user",
    )

    @api.depends("state", "date_from", "date_to", "date_cancel")
    def _compute_idic_period_state(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.idic_period_state = period_state(line, today)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(lambda line: not line.idic_join_kind)._idic_set_join_kind()
        return lines

    def _idic_set_join_kind(self):
        """Record whether each line is a first join, a renewal (it starts at
        most the grace period after the partner's previous membership ended)
        or a re-join (after a lapse or a withdrawal)."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE membership_membership_line t SET idic_join_kind = k.kind
                  FROM (
                    SELECT l.id,
                           CASE WHEN p.idic_member_withdrawn_date <= l.date_from
                                     AND (prev.last_start IS NULL
                                          OR prev.last_start < p.idic_member_withdrawn_date)
                                     AND prev.last_end IS NOT NULL THEN 'rejoin'
                                WHEN prev.last_end IS NULL THEN 'join'
                                WHEN prev.last_end + 1
                                     + COALESCE(c.idic_member_grace_days, 0)
                                     >= l.date_from THEN 'renew'
                                ELSE 'rejoin' END AS kind
                      FROM membership_membership_line l
                      JOIN res_partner p ON p.id = l.partner_id
                      LEFT JOIN res_company c
                             ON c.id = COALESCE(l.company_id, p.company_id, %(fallback)s)
                      CROSS JOIN LATERAL (
                          SELECT MAX(v.date_end) AS last_end, MAX(v.date_from) AS last_start
                            FROM (%(valid)s) v
                           WHERE v.partner_id = l.partner_id AND v.id <> l.id
                             AND v.date_from < l.date_from) prev
                     WHERE l.id IN %(ids)s AND l.date_from IS NOT NULL
                  ) k
                 WHERE t.id = k.id
                """,
                fallback=self.env["res.partner"]._idic_member_fallback_company_id(),
                valid=valid_lines_sql(),
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(["idic_join_kind"])
        self.modified(["idic_join_kind"])
