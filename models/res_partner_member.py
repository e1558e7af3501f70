# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Membership status of partners on top of OCA ``membership`` (issue #6).

The status and its figures are stored columns computed by one SQL query
(:func:`member_engine.status_sql`): for the partners the ORM recomputes when
their lines, invoices, associate or withdrawal change, and for all partners,
batch by batch, by the daily job as time passes."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import member_engine as engine
from .idic_context import grant

_logger = logging.getLogger(__name__)


OCA_MEMBERSHIP_FIELDS = (
    "membership_state",
    "membership_category_ids",
    "membership_start",
    "membership_last_start",
    "membership_stop",
    "membership_cancel",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_member_status = fields.Selection(
        engine.MEMBER_STATUSES,
        string="Member Status",
        compute="_compute_idic_member",
        store=True,
        index=True,
        recursive=True,
        group_expand=True,
        help="New: joined or re-joined recently. Current: membership running. "
        "Grace: ended, may still renew without a break. Lapsed: ended for good. "
        "Withdrawn: left on its own decision, until it re-joins. Free and "
        "associate members follow their own or their associate's membership.",
    )
    idic_member_since = fields.Date(
        string="Member Since",
        compute="_compute_idic_member",
        store=True,
        recursive=True,
        help="Start of the membership that runs without a break since the last "
        "join or re-join.",
    )
    idic_member_level_id = fields.Many2one(
        "product.product",
        string="Membership Level",
        compute="_compute_idic_member",
        store=True,
        recursive=True,
        help="The membership product of the current (or last) period.",
    )
    idic_member_period_from = fields.Date(
        string="Period From", compute="_compute_idic_member", store=True, recursive=True
    )
    idic_member_period_to = fields.Date(
        string="Period To", compute="_compute_idic_member", store=True, recursive=True
    )
    idic_member_end = fields.Date(
        string="Member Until",
        compute="_compute_idic_member",
        store=True,
        recursive=True,
        help="Last day of membership, renewals already made included.",
    )
    idic_member_tenure = fields.Float(
        string="Tenure (years)",
        digits=(16, 1),
        compute="_compute_idic_member",
        store=True,
        recursive=True,
        aggregator="avg",
    )
    idic_member_renewal_due = fields.Boolean(
        string="Renewal Due",
        compute="_compute_idic_member",
        store=True,
        recursive=True,
        help="The membership ends within the renewal reminder window (the "
        "largest reminder offset) without a renewal yet, or is in grace.",
    )
    idic_member_withdrawn_date = fields.Date(
        string="Withdrawn On",
        tracking=True,
        copy=False,
        help="From this day the member is withdrawn, until it re-joins.",
    )
    idic_member_withdraw_reason = fields.Text(
        string="Withdrawal Reason", tracking=True, copy=False
    )

    @api.depends(
        "free_member",
        "company_id",
        "idic_member_withdrawn_date",
        "member_line_ids",
        "member_line_ids.state",
        "member_line_ids.date_from",
        "member_line_ids.date_to",
        "member_line_ids.date_cancel",
        "member_line_ids.membership_id",
        "member_line_ids.company_id",
        "member_line_ids.idic_join_kind",
        "member_line_ids.account_invoice_id.state",
        "associate_member_id",
        "associate_member_id.idic_member_status",
        "associate_member_id.idic_member_end",
        "associate_member_id.idic_member_since",
        "associate_member_id.idic_member_level_id",
    )
    def _compute_idic_member(self):
        """Through the same SQL as the daily job, for these partners."""
        saved = self.filtered("id")
        rows = {}
        if saved:
            self._idic_member_flush()
            query = engine.status_sql(
                fields.Date.context_today(self),
                SQL("p.id IN %s", tuple(saved.ids)),
                self._idic_member_fallback_company_id(),
            )
            rows = {row["id"]: row for row in self.env.execute_query_dict(query)}
        for partner in self:
            row = rows.get(partner.id)
            if row is None:
                origin = partner._origin
                row = {col: origin[col] for col in engine.STATUS_COLUMNS}
                row["idic_member_level_id"] = origin.idic_member_level_id.id
            for col in engine.STATUS_COLUMNS:
                partner[col] = row[col] or (
                    "none" if col == "idic_member_status" else False
                )

    def _idic_member_flush(self):
        """Write pending changes of everything the status SQL reads."""
        self.env["membership.membership_line"].flush_model(
            [
                "partner_id",
                "membership_id",
                "state",
                "date_from",
                "date_to",
                "date_cancel",
                "company_id",
                "idic_join_kind",
                "account_invoice_line_id",
            ]
        )
        self.env["account.move"].flush_model(["state"])
        self.env["res.company"].flush_model(
            [
                "idic_member_new_days",
                "idic_member_grace_days",
                "idic_member_reminder_days",
            ]
        )
        self.flush_model(
            [
                "free_member",
                "company_id",
                "associate_member_id",
                "idic_member_withdrawn_date",
            ]
        )

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------
    @api.model
    def _cron_idic_membership_status(self, helper=False, batch_size=50000):
        """Daily: start and end membership periods as their dates come,
        recompute member statuses, then (when the run ends) send renewal
        reminders and lapse notices. A ``helper`` action only takes ranges of
        the run the job's own action started."""
        self.sudo()._idic_member_refresh(
            batch_size=batch_size, commit=True, start=not helper
        )

    @api.model
    def _idic_member_refresh(self, batch_size=50000, commit=False, start=True):
        """Set-based over all membership lines then all partners, batch by
        batch over ids (see ``idic.recompute.run``): period states of lines
        (OCA's own partner figures are recomputed for the partners whose lines
        started or ended), then the member status columns. Idempotent: only
        changed rows are written. With ``commit`` (the job), each batch is
        committed, an interrupted run resumes where it stopped, and the
        reminders are sent when the run ends. Returns the number of partners
        whose status changed (by this call)."""
        return self.env["idic.recompute.run"]._idic_execute(
            "member", batch_size=batch_size, commit=commit, start=start
        )

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["member"] = {
            "per_company": False,
            "stage": None,
            "tables": ["membership_membership_line", "res_partner"],
            "apply": "_idic_job_apply_member",
            "finish": "_idic_job_finish_member",
            "cron": "partner_idic.ir_cron_idic_membership_status",
            "helper_code": "model._cron_idic_membership_status(helper=True)",
        }
        return specs

    @api.model
    def _idic_job_apply_member(self, company, today, phase, start, end):
        if phase == 0:
            self._idic_member_refresh_lines(today, start, end)
            return 0
        return self._idic_member_refresh_partners(today, start, end)

    @api.model
    def _idic_job_finish_member(self, company, today):
        self._idic_member_send_reminders(today)

    def _idic_member_refresh_lines(self, today, id_from, id_to):
        self.env.cr.execute(
            SQL(
                """
                UPDATE membership_membership_line l
                   SET idic_period_state = %(state)s
                 WHERE l.id >= %(id_from)s AND l.id < %(id_to)s
                   AND l.idic_period_state IS DISTINCT FROM %(state)s
                RETURNING l.partner_id
                """,
                state=engine.period_state_sql(today, "l"),
                id_from=id_from,
                id_to=id_to,
            )
        )
        partner_ids = {pid for (pid,) in self.env.cr.fetchall() if pid}
        self.env["membership.membership_line"].invalidate_model(["idic_period_state"])
        if partner_ids:
            self._idic_recompute_oca_membership(self.browse(partner_ids))
        return len(partner_ids)

    def _idic_member_refresh_partners(self, today, id_from, id_to):
        self.env.cr.execute(
            engine.update_status_sql(
                today,
                SQL(
                    """p.id >= %s AND p.id < %s
                       AND (p.idic_member_status IS DISTINCT FROM 'none'
                            OR p.free_member OR p.associate_member_id IS NOT NULL
                            OR p.idic_member_withdrawn_date IS NOT NULL
                            OR EXISTS (SELECT 1 FROM membership_membership_line m
                                        WHERE m.partner_id = p.id))""",
                    id_from,
                    id_to,
                ),
                self._idic_member_fallback_company_id(),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(list(engine.STATUS_COLUMNS))
        return count

    @api.model
    def _idic_recompute_oca_membership(self, partners):
        """OCA recomputes a partner's membership state only when its lines
        change and, daily, for expired members; a line whose start date comes
        would stay unseen. Recompute these partners and their associates."""
        todo = partners
        while partners:
            partners = (
                self.with_context(active_test=False).search(
                    [("associate_member_id", "in", partners.ids)]
                )
                - todo
            )
            todo |= partners
        for fname in OCA_MEMBERSHIP_FIELDS:
            self.env.add_to_compute(self._fields[fname], todo)
        todo.flush_recordset(list(OCA_MEMBERSHIP_FIELDS))

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _idic_member_send_reminders(self, today=None):
        """Renewal reminders at each company's offsets before the end of a
        membership not renewed yet, once per line and offset (the smallest
        offset reached, when the job missed days); and, where switched on, one
        lapse notice per membership that lapsed. Never to withdrawn, free,
        do-not-contact or blacklisted members. Returns the e-mails queued."""
        today = today or fields.Date.context_today(self)
        sent = 0
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            offsets = company._idic_member_reminder_offsets()
            if offsets:
                sent += self._idic_member_remind(
                    company,
                    "renewal",
                    self._idic_member_renewal_due_sql(company, offsets, today),
                )
            if company.idic_member_lapse_notice:
                sent += self._idic_member_remind(
                    company, "lapse", self._idic_member_lapsed_sql(company, today)
                )
        return sent

    @api.model
    def _idic_member_fallback_company_id(self):
        """The company whose membership settings apply to lines and partners
        that have none (membership lines made by hand, shared partners)."""
        return self.env["res.company"].sudo().search([], order="id", limit=1).id

    def _idic_member_company_sql(self):
        return SQL(
            "COALESCE(l.company_id, p.company_id, %s)",
            self._idic_member_fallback_company_id(),
        )

    def _idic_member_renewal_due_sql(self, company, offsets, today):
        """(line id, offset, end) of the lines of ``company`` whose reminder
        for the smallest offset reached today has not gone out."""
        return SQL(
            """
            SELECT l.id, o.offset_days, l.date_end
              FROM (%(valid)s) l
              JOIN res_partner p ON p.id = l.partner_id
              CROSS JOIN LATERAL (
                  SELECT MIN(x) AS offset_days FROM unnest(%(offsets)s::int[]) x
                   WHERE l.date_end - x <= %(today)s) o
             WHERE %(company)s = %(company_id)s
               AND l.natural_end AND l.date_end >= %(today)s
               AND o.offset_days IS NOT NULL
               AND p.idic_member_status IN ('new', 'current')
               AND NOT COALESCE(p.free_member, FALSE)
               AND NOT EXISTS (
                   SELECT 1 FROM membership_membership_line n
                    WHERE n.partner_id = l.partner_id AND n.id <> l.id
                      AND n.date_from > l.date_from AND n.state <> 'canceled')
               AND NOT EXISTS (
                   SELECT 1 FROM idic_member_reminder r
                    WHERE r.line_id = l.id AND r.kind = 'renewal'
                      AND r.offset_days = o.offset_days)
            """,
            valid=engine.valid_lines_sql(),
            offsets=offsets,
            today=today,
            company=self._idic_member_company_sql(),
            company_id=company.id,
        )

    def _idic_member_lapsed_sql(self, company, today):
        """(line id, 0, end) of the last lines of lapsed members of
        ``company`` whose grace period ended lately, without a notice yet."""
        return SQL(
            """
            SELECT l.id, 0, l.date_end
              FROM (%(valid)s) l
              JOIN res_partner p ON p.id = l.partner_id
              JOIN res_company c ON c.id = %(company)s
             WHERE c.id = %(company_id)s
               AND p.idic_member_status = 'lapsed' AND l.natural_end
               AND l.date_end + c.idic_member_grace_days < %(today)s
               AND l.date_end + c.idic_member_grace_days + %(window)s >= %(today)s
               AND NOT EXISTS (
                   SELECT 1 FROM membership_membership_line n
                    WHERE n.partner_id = l.partner_id AND n.id <> l.id
                      AND n.date_from > l.date_from AND n.state <> 'canceled')
               AND NOT EXISTS (
                   SELECT 1 FROM idic_member_reminder r
                    WHERE r.line_id = l.id AND r.kind = 'lapse')
            """,
            valid=engine.valid_lines_sql(),
            company=self._idic_member_company_sql(),
            company_id=company.id,
            today=today,
            window=engine.LAPSE_NOTICE_WINDOW,
        )

    def _idic_member_remind(self, company, kind, query):
        """E-mail the members of the lines ``query`` returns and log each line
        (also when the member may not be written to: skipped for good)."""
        template = self.env.ref(
            f"partner_idic.mail_template_idic_member_{kind}", raise_if_not_found=False
        )
        self.env.flush_all()
        rows = self.env.execute_query(query)
        if not template or not rows:
            return 0
        lines = (
            self.env["membership.membership_line"]
            .sudo()
            .browse([row[0] for row in rows])
        )
        logs, sent = [], 0
        for line, (_line_id, offset, date_end) in zip(lines, rows, strict=True):
            partner = line.partner_id
            ok = partner._idic_member_may_contact()
            if ok:
                template.send_mail(line.id, force_send=False)
                sent += 1
            logs.append(
                {
                    "line_id": line.id,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "kind": kind,
                    "offset_days": offset,
                    "date_end": date_end,
                    "sent": ok,
                }
            )
        self.env["idic.member.reminder"].sudo().create(logs)
        return sent

    def _idic_member_may_contact(self):
        """Whether membership e-mails may go to this partner."""
        self.ensure_one()
        return self._idic_may_email() and self.idic_member_status != "withdrawn"

    # ------------------------------------------------------------------
    # Renewal and withdrawal
    # ------------------------------------------------------------------
    def _idic_member_check_own(self):
        self.ensure_one()
        if self.associate_member_id:
            raise UserError(
                self.env._(
                    "%(partner)s follows the membership of %(associate)s: renew or "
                    "withdraw that membership instead.",
                    partner=self.display_name,
                    associate=self.associate_member_id.display_name,
                )
            )

    def _idic_member_next_period(self, product, today=None):
        """(join kind, date_from, date_to) of the next membership period of
        this partner: a renewal continues the day after its membership ends
        (whether renewed early or in grace); after a lapse or withdrawal the
        partner re-joins from today."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        status, end = self.idic_member_status, self.idic_member_end
        withdrawn = self.idic_member_withdrawn_date
        if withdrawn and withdrawn > today:
            # A withdrawal not in force yet is revoked by the renewal: the
            # periods it cut short count to their own end again.
            ends = self._idic_member_withdrawn_lines(withdrawn).mapped("date_to")
            end = max([end, *ends]) if end else max(ends, default=False)
        if end and (
            status in ("new", "current", "grace")
            or (status != "withdrawn" and end >= today)
        ):
            kind, start = "renew", end + relativedelta(days=1)
        elif end or status in ("lapsed", "withdrawn"):
            kind, start = "rejoin", today
        else:
            kind, start = "join", today
        return (kind, *engine.next_period(product, start))

    def _idic_member_renew(self, product, amount):
        """Invoice the next period through OCA's membership invoicing and date
        its membership line; returns the draft invoice. A withdrawal not in
        force yet is revoked; one in force ends with this re-join."""
        self._idic_member_check_own()
        if self.free_member:
            raise UserError(
                self.env._("%s is a free member: there is nothing to renew.", self.name)
            )
        if not product.membership:
            raise UserError(
                self.env._("%s is not a membership product.", product.display_name)
            )
        today = fields.Date.context_today(self)
        kind, date_from, date_to = self._idic_member_next_period(product, today)
        withdrawn = self.idic_member_withdrawn_date
        if withdrawn:
            if withdrawn > today:
                self._idic_member_withdrawn_lines(withdrawn).write(
                    {"date_cancel": False}
                )
            self._idic_member_withdrawal().write(
                {
                    "idic_member_withdrawn_date": False,
                    "idic_member_withdraw_reason": False,
                }
            )
        invoice = self.create_membership_invoice(product, amount)
        lines = invoice.invoice_line_ids.membership_line_ids
        grant(lines, "idic_join_kind").write(
            {
                "date": today,
                "date_from": date_from,
                "date_to": date_to,
                "idic_join_kind": kind,
            }
        )
        return invoice

    def _idic_member_withdrawal(self):
        """These members, to write their withdrawal (only the withdrawal and
        the renewal do, after their checks)."""
        return grant(self, "idic_member_withdrawn_date", "idic_member_withdraw_reason")

    def _idic_member_withdrawn_lines(self, withdrawn):
        """The lines a withdrawal on ``withdrawn`` cut short."""
        last_day = withdrawn - relativedelta(days=1)
        return self.member_line_ids.filtered(
            lambda line: line.date_cancel == last_day and line.state != "canceled"
        )

    def _idic_member_withdraw(self, date, reason):
        """Withdraw this member from ``date`` (its first day out): its
        membership lines end the day before (their cancel date, so OCA
        agrees), later ones never start, and no reminder goes out."""
        self._idic_member_check_own()
        if not reason or not reason.strip():
            raise UserError(self.env._("Give the reason of the withdrawal."))
        if self.idic_member_status == "withdrawn":
            raise UserError(self.env._("%s has already withdrawn.", self.display_name))
        lines = self.member_line_ids.filtered(
            lambda line: line.state != "canceled" and line.date_from
        )
        if not lines and not self.free_member:
            raise UserError(self.env._("%s is not a member.", self.display_name))
        start = min(lines.mapped("date_from"), default=None)
        if start and date < start:
            raise UserError(
                self.env._(
                    "The withdrawal date of %(partner)s cannot be before the "
                    "membership started (%(start)s).",
                    partner=self.display_name,
                    start=start,
                )
            )
        self._idic_member_withdrawal().write(
            {"idic_member_withdrawn_date": date, "idic_member_withdraw_reason": reason}
        )
        last_day = date - relativedelta(days=1)
        self.member_line_ids.filtered(
            lambda line: (
                line.state != "canceled"
                and line.date_to
                and line.date_to > last_day
                and (not line.date_cancel or line.date_cancel > last_day)
            )
        ).write({"date_cancel": last_day})

    def _idic_member_wizard(self, model, name):
        self._idic_member_check_own()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_idic_member_renew(self):
        return self._idic_member_wizard(
            "idic.member.renew", self.env._("Renew Membership")
        )

    def action_idic_member_withdraw(self):
        return self._idic_member_wizard(
            "idic.member.withdraw", self.env._("Withdraw Membership")
        )

    def action_idic_member_lines(self):
        self.ensure_one()
        partner = self.associate_member_id or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Membership Periods"),
            "res_model": "membership.membership_line",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", partner.id)],
            "context": {"default_partner_id": partner.id},
        }
