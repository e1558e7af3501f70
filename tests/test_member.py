# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Membership status, renewals, withdrawals and reminders (issue #6), on top
of OCA ``membership``.

Dates are frozen around D = 2026-03-02. Lines made by hand (``paid``, no
invoice) follow the settings of the first company (``main``: new 90 days,
grace 30 days unless a test says otherwise); invoiced lines follow their
invoice's company (company A, with a chart of accounts)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import SQL

from ..models import member_engine
from .common import IdicCase, new_user

D = date(2026, 3, 2)


def day(offset):
    return D + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestMember(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env["res.company"].search([], order="id", limit=1)
        cls.main.write(
            {
                "idic_member_new_days": 90,
                "idic_member_grace_days": 30,
                "idic_member_reminder_days": "30,7",
                "idic_member_lapse_notice": False,
            }
        )
        cls.company_a = cls.env["res.company"].create(
            {"name": "IDIC Members A", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.company_a.write(
            {
                "idic_member_new_days": 60,
                "idic_member_grace_days": 15,
                "idic_member_reminder_days": "30,7",
            }
        )
        cls.load_chart(cls.company_a)
        for user in cls.idic_user | cls.idic_manager | cls.idic_admin | cls.plain_user:
            user.company_ids = [Command.link(cls.company_a.id)]
        cls.billing_user = new_user(
            cls.env,
            login="idic_member_billing",
            groups="partner_idic.group_idic_user,account.group_account_invoice",
            name="Membership Clerk",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "IDIC Annual Membership",
                "type": "service",
                "membership": True,
                "list_price": 50.0,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
                "taxes_id": [Command.clear()],
            }
        )
        Partner = cls.env["res.partner"]
        cls.ann = Partner.create({"name": "Ann Member", "email": "ann@example.com"})
        cls.bob = Partner.create({"name": "Bob Member", "email": "bob@example.com"})
        cls.cat = Partner.create({"name": "Cat Member", "email": "cat@example.com"})
        cls.Line = cls.env["membership.membership_line"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def line(self, partner, date_from, date_to, **vals):
        return self.Line.create(
            dict(
                {
                    "partner_id": partner.id,
                    "membership_id": self.product.id,
                    "member_price": 50.0,
                    "date": date_from,
                    "date_from": date_from,
                    "date_to": date_to,
                    "state": "paid",
                },
                **vals,
            )
        )

    def refresh(self, on):
        """The daily job's status refresh as of ``on``."""
        with freeze_time(on):
            return self.env["res.partner"]._idic_member_refresh()

    def remind(self, on):
        """Run the reminders as of ``on``; the e-mails queued to this test's
        members (the database may hold other members, e.g. demo data)."""
        Log = self.env["idic.member.reminder"]
        mine = [
            ("partner_id", "in", (self.ann | self.bob | self.cat).ids),
            ("sent", "=", True),
        ]
        before = Log.search_count(mine)
        with freeze_time(on):
            self.env["res.partner"]._idic_member_send_reminders()
        return Log.search_count(mine) - before

    def status(self, partner):
        return partner.idic_member_status

    def mails(self, line):
        return self.env["mail.mail"].search(
            [("model", "=", "membership.membership_line"), ("res_id", "=", line.id)]
        )

    def invoice(self, partner, post=True, user=None):
        env = self.env(user=user) if user else self.env
        move = (
            partner.with_env(env)
            .with_company(self.company_a)
            .create_membership_invoice(self.product, 50.0)
        )
        if post:
            move.sudo().action_post()
        return move

    # ------------------------------------------------------------------
    # Statuses
    # ------------------------------------------------------------------
    def test_statuses_over_time(self):
        """new -> current -> grace -> lapsed as days pass, through the
        daily job's SQL; the ORM's own compute agrees on each day."""
        with freeze_time(D):
            line = self.line(self.ann, D, day(364))
            self.assertEqual(self.status(self.ann), "new")
            self.assertEqual(self.ann.idic_member_since, D)
            self.assertEqual(self.ann.idic_member_end, day(364))
            self.assertEqual(self.ann.idic_member_level_id, self.product)
            self.assertEqual(line.idic_join_kind, "join")
            self.assertEqual(line.idic_period_state, "active")
        for on, expected in (
            (day(89), "new"),
            (day(90), "current"),
            (day(364), "current"),
            (day(365), "grace"),
            (day(394), "grace"),
            (day(395), "lapsed"),
        ):
            self.refresh(on)
            self.assertEqual(self.status(self.ann), expected, on)
            with freeze_time(on):
                self.ann.invalidate_recordset()
                self.env.add_to_compute(
                    self.ann._fields["idic_member_status"], self.ann
                )
                self.ann.flush_recordset()
                self.assertEqual(self.status(self.ann), expected, f"ORM {on}")
        self.assertEqual(line.idic_period_state, "ended")
        self.assertFalse(self.ann.idic_member_renewal_due)

    def test_none_and_tenure(self):
        with freeze_time(D):
            self.assertEqual(self.status(self.bob), "none")
            self.line(self.bob, day(-800), day(-436))
            self.line(self.bob, day(-435), day(100), idic_join_kind="renew")
        self.refresh(D)
        self.assertEqual(self.status(self.bob), "current")
        self.assertEqual(self.bob.idic_member_since, day(-800))
        self.assertAlmostEqual(self.bob.idic_member_tenure, 2.2)
        self.assertEqual(self.bob.idic_member_period_from, day(-435))

    def test_renewal_due_window(self):
        """Due within the largest reminder offset, or in grace; not once
        renewed."""
        with freeze_time(D):
            self.line(self.ann, day(-300), day(40))
        self.refresh(day(9))
        self.assertFalse(self.ann.idic_member_renewal_due)
        self.refresh(day(10))
        self.assertTrue(self.ann.idic_member_renewal_due)
        with freeze_time(day(10)):
            self.line(self.ann, day(41), day(405))
        self.assertFalse(self.ann.idic_member_renewal_due)
        self.assertEqual(self.ann.idic_member_end, day(405))

    def test_withdrawn_sticky_until_rejoin(self):
        with freeze_time(D):
            line = self.line(self.ann, day(-200), day(165))
            wizard = (
                self.env["idic.member.withdraw"]
                .with_user(self.idic_user)
                .create(
                    {
                        "partner_id": self.ann.id,
                        "date": D,
                        "reason": "Moved abroad",
                    }
                )
            )
            wizard.action_withdraw()
            self.assertEqual(self.status(self.ann), "withdrawn")
            self.assertEqual(self.ann.idic_member_withdraw_reason, "Moved abroad")
            # The line ends the day before; OCA agrees.
            self.assertEqual(line.date_cancel, day(-1))
            self.assertEqual(line.idic_period_state, "ended")
            self.assertEqual(self.ann.membership_state, "old")
        self.refresh(day(400))
        self.assertEqual(self.status(self.ann), "withdrawn", "sticky, never lapses")
        with freeze_time(day(400)):
            with self.assertRaises(UserError):
                self.ann._idic_member_withdraw(day(400), "again")
            kind, start, _end = self.ann._idic_member_next_period(self.product)
            self.assertEqual((kind, start), ("rejoin", day(400)))
            new = self.line(self.ann, day(400), day(764))
            self.assertEqual(new.idic_join_kind, "rejoin")
            self.assertEqual(self.status(self.ann), "new")
            self.assertEqual(self.ann.idic_member_since, day(400))

    def test_withdraw_needs_reason_and_own_membership(self):
        with freeze_time(D):
            self.line(self.ann, day(-10), day(300))
            self.bob.associate_member_id = self.ann
            with self.assertRaises(UserError):
                self.ann._idic_member_withdraw(D, "  ")
            with self.assertRaises(UserError):
                self.bob.action_idic_member_withdraw()

    def test_free_and_associate_members(self):
        with freeze_time(D):
            self.line(self.ann, day(-10), day(300))
            self.bob.associate_member_id = self.ann
            self.cat.free_member = True
            self.assertEqual(self.status(self.bob), "new")
            self.assertEqual(self.bob.idic_member_end, day(300))
            self.assertEqual(self.status(self.cat), "current")
            self.assertEqual(self.cat.membership_state, "free")
        self.refresh(day(301))
        self.assertEqual(self.status(self.bob), "grace")
        self.assertEqual(self.status(self.cat), "current")
        with freeze_time(day(301)):
            # Along a chain: Dan follows Bob who follows Ann.
            dan = self.env["res.partner"].create(
                {"name": "Dan Member", "associate_member_id": self.bob.id}
            )
            self.assertEqual(self.status(dan), "grace")
            self.assertEqual(dan.idic_member_end, day(300))
            # A withdrawal of the associate reaches its associated members.
            self.ann._idic_member_withdraw(day(301), "Closed down")
            self.assertEqual(self.status(self.bob), "withdrawn")
            self.assertEqual(self.status(dan), "withdrawn")

    # ------------------------------------------------------------------
    # Future-dated lines
    # ------------------------------------------------------------------
    def test_future_line_activation(self):
        """A line paid in advance starts on its start date: the daily job
        activates it, and OCA's own status follows (OCA alone would not see
        the date come)."""
        with freeze_time(D):
            line = self.line(self.ann, day(10), day(374))
            self.assertEqual(line.idic_period_state, "scheduled")
            self.assertEqual(self.status(self.ann), "none")
            # OCA: paid lines, none running: an old member.
            self.assertEqual(self.ann.membership_state, "old")
        self.refresh(day(9))
        self.assertEqual(line.idic_period_state, "scheduled")
        self.assertEqual(self.status(self.ann), "none")
        self.refresh(day(10))
        self.assertEqual(line.idic_period_state, "active")
        self.assertEqual(self.status(self.ann), "new")
        self.assertEqual(self.ann.membership_state, "paid")
        self.refresh(day(375))
        self.assertEqual(line.idic_period_state, "ended")
        self.assertEqual(self.ann.membership_state, "old")
        # Idempotent: a second run the same day changes nothing.
        self.assertEqual(self.refresh(day(375)), 0)

    def test_cron_and_sql_agree_with_python(self):
        """The line period state of the job's SQL and of the ORM agree."""
        with freeze_time(D):
            lines = (
                self.line(self.ann, day(-30), day(30))
                | self.line(self.bob, day(5), day(40))
                | self.line(self.cat, day(-40), day(-1))
                | self.line(self.cat, day(-40), day(20), date_cancel=day(-41))
                | self.line(self.cat, day(-50), day(20), state="waiting")
            )
            python = lines.mapped("idic_period_state")
            self.env.flush_all()
            sql = dict(
                self.env.execute_query(
                    SQL(
                        "SELECT id, %s FROM membership_membership_line l WHERE id IN %s",
                        member_engine.period_state_sql(D, "l"),
                        tuple(lines.ids),
                    )
                )
            )
        self.assertEqual(
            python, ["active", "scheduled", "ended", "cancelled", "pending"]
        )
        self.assertEqual([sql[line.id] for line in lines], python)

    def test_refresh_resumes(self):
        """A run cut short resumes the same day where it stopped (here: the
        batch holding Ann was written already); a run left from another day
        is staged again, and the run's end sends the reminders once."""
        cron = self.env.ref("partner_idic.ir_cron_idic_membership_status")
        Run = self.env["idic.recompute.run"].sudo()
        with freeze_time(D):
            self.line(self.ann, day(-400), day(-1))
            self.env.flush_all()
        max_line = max(self.env["membership.membership_line"].search([]).ids)
        max_partner = max(
            self.env["res.partner"].with_context(active_test=False).search([]).ids
        )

        def run(on):
            Run.search([("job", "=", "member")]).unlink()
            if on:
                Run.create(
                    {
                        "job": "member",
                        "date": on,
                        "range_ids": [
                            Command.create(
                                {
                                    "phase": 0,
                                    "id_from": 0,
                                    "id_to": max_line + 1,
                                    "state": "done",
                                }
                            ),
                            Command.create(
                                {
                                    "phase": 1,
                                    "id_from": 0,
                                    "id_to": self.ann.id + 1,
                                    "state": "done",
                                }
                            ),
                            Command.create(
                                {
                                    "phase": 1,
                                    "id_from": self.ann.id + 1,
                                    "id_to": max_partner + 1,
                                }
                            ),
                        ],
                    }
                )
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET idic_member_status = 'none' WHERE id = %s",
                    self.ann.id,
                )
            )
            self.ann.invalidate_recordset()
            with freeze_time(D), self.enter_registry_test_mode():
                cron.method_direct_trigger()
            self.env.invalidate_all()
            self.assertRunsEnded("member")
            return self.status(self.ann)

        self.assertEqual(run(D), "none")
        self.assertEqual(run(day(-1)), "grace")
        self.assertEqual(run(False), "grace")

    def test_cron_runs(self):
        cron = self.env.ref("partner_idic.ir_cron_idic_membership_status")
        with freeze_time(D):
            self.line(self.ann, day(-400), day(-1))
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET idic_member_status = 'none' WHERE id = %s",
                self.ann.id,
            )
        )
        self.ann.invalidate_recordset()
        with freeze_time(D), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.ann.invalidate_recordset()
        self.assertEqual(self.status(self.ann), "grace")

    # ------------------------------------------------------------------
    # Renewal through OCA invoicing
    # ------------------------------------------------------------------
    def _member_until(self, partner, end):
        """A paid membership of ``partner`` until ``end`` (one year)."""
        return self.line(partner, end - timedelta(days=364), end)

    def renew(self, partner, user=None):
        user = user or self.billing_user
        wizard = Form(
            self.env["idic.member.renew"]
            .with_user(user)
            .with_company(self.company_a)
            .with_context(default_partner_id=partner.id)
        ).save()
        preview = (wizard.join_kind, wizard.date_from, wizard.date_to)
        action = wizard.action_renew()
        invoice = self.env["account.move"].browse(action["res_id"])
        return invoice, preview

    def test_renew_early_and_late_continues(self):
        """Renewed 40 days early or 10 days late (in grace): the next period
        starts the day after the end, for the product's period length."""
        end = day(40)
        with freeze_time(D):
            self._member_until(self.ann, end)
            invoice, preview = self.renew(self.ann)
        line = invoice.invoice_line_ids.membership_line_ids
        self.assertEqual(preview, ("renew", day(41), day(41) + timedelta(days=364)))
        self.assertRecordValues(
            line,
            [
                {
                    "date_from": day(41),
                    "date_to": date(2027, 4, 11),
                    "idic_join_kind": "renew",
                    "state": "waiting",
                }
            ],
        )
        self.assertEqual(self.ann.idic_member_end, end, "draft invoice: not yet")
        with freeze_time(D):
            invoice.sudo().action_post()
        self.assertEqual(self.ann.idic_member_end, date(2027, 4, 11))
        self.assertEqual(self.status(self.ann), "current")
        # Late: in grace.
        with freeze_time(D):
            self._member_until(self.bob, day(-10))
            self.refresh(D)
            self.assertEqual(self.status(self.bob), "grace")
            invoice, preview = self.renew(self.bob)
            invoice.sudo().action_post()
        self.assertEqual(preview[:2], ("renew", day(-9)))
        self.assertEqual(self.status(self.bob), "current")
        self.assertEqual(self.bob.idic_member_since, day(-374))

    def test_renew_after_lapse_is_rejoin(self):
        with freeze_time(D):
            self._member_until(self.ann, day(-100))
            self.refresh(D)
            self.assertEqual(self.status(self.ann), "lapsed")
            invoice, preview = self.renew(self.ann)
            self.assertEqual(preview[:2], ("rejoin", D))
            invoice.sudo().action_post()
            self.assertEqual(self.status(self.ann), "new")
            self.assertEqual(self.ann.idic_member_since, D)
        # A plain line created by OCA invoicing after a lapse is a re-join
        # too, a first one a join.
        with freeze_time(D):
            first = self.invoice(self.cat).invoice_line_ids.membership_line_ids
        self.assertEqual(first.idic_join_kind, "join")

    def test_renew_revokes_pending_withdrawal(self):
        end = day(40)
        with freeze_time(D):
            line = self._member_until(self.ann, end)
            self.ann._idic_member_withdraw(day(20), "Leaving at the end of the month")
            self.assertEqual(line.date_cancel, day(19))
            self.assertEqual(self.status(self.ann), "current")
            invoice, preview = self.renew(self.ann)
        self.assertEqual(preview[:2], ("renew", day(41)))
        self.assertFalse(line.date_cancel)
        self.assertFalse(self.ann.idic_member_withdrawn_date)
        self.assertEqual(
            invoice.invoice_line_ids.membership_line_ids.date_from, day(41)
        )

    def test_renew_rights(self):
        """Renewing invoices: a relationship user without invoicing rights
        cannot; a plain user cannot open the wizard."""
        with freeze_time(D):
            self._member_until(self.ann, day(40))
            with self.assertRaises(AccessError):
                self.renew(self.ann, user=self.idic_user)
            with self.assertRaises(AccessError):
                self.env["idic.member.renew"].with_user(self.plain_user).create(
                    {"partner_id": self.ann.id, "product_id": self.product.id}
                )
            self.cat.free_member = True
            with self.assertRaises(UserError):
                self.cat._idic_member_renew(self.product, 50.0)

    # ------------------------------------------------------------------
    # Credit notes
    # ------------------------------------------------------------------
    def test_credit_note_ends_membership(self):
        with freeze_time(D):
            invoice = self.invoice(self.ann)
            line = invoice.invoice_line_ids.membership_line_ids
            self.assertEqual(line.state, "invoiced")
            # OCA dates the line from the product: 2026, joined 60 days ago
            # (company A's new-member days): current.
            self.assertEqual(line.date_from, date(2026, 1, 1))
            self.assertEqual(self.status(self.ann), "current")
        with freeze_time(day(20)):
            refund = invoice._reverse_moves(
                [{"invoice_date": day(20), "date": day(20)}], cancel=True
            )
            self.assertEqual(refund.state, "posted")
            self.assertEqual(line.state, "canceled")
            self.assertEqual(line.date_cancel, day(20))
            self.assertEqual(self.status(self.ann), "lapsed", "no grace")
            self.assertEqual(self.ann.idic_member_end, day(19))
            self.assertEqual(line.idic_period_state, "cancelled")
        self.refresh(day(21))
        self.assertEqual(self.status(self.ann), "lapsed")

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    def test_reminders_once_per_offset(self):
        end = day(60)
        with freeze_time(D):
            line = self._member_until(self.ann, end)
        for on, expected in (
            (day(29), 0),
            (day(30), 1),  # 30 days before
            (day(30), 0),  # same day again
            (day(40), 0),
            (day(53), 1),  # 7 days before
            (day(54), 0),
        ):
            self.refresh(on)
            self.assertEqual(self.remind(on), expected, on)
        self.assertEqual(len(self.mails(line)), 2)
        self.assertEqual(self.mails(line).recipient_ids, self.ann)
        self.assertEqual(sorted(line.idic_reminder_ids.mapped("offset_days")), [7, 30])
        self.assertTrue(all(line.idic_reminder_ids.mapped("sent")))

    def test_reminder_missed_days_and_renewed(self):
        """A job that missed the 30-day mark sends only the nearest offset;
        a member who renewed gets none."""
        with freeze_time(D):
            late = self._member_until(self.ann, day(60))
            renewed = self._member_until(self.bob, day(60))
            self.line(self.bob, day(61), day(425))
        self.refresh(day(55))
        self.assertEqual(self.remind(day(55)), 1)
        self.assertEqual(late.idic_reminder_ids.offset_days, 7)
        self.assertFalse(renewed.idic_reminder_ids)

    def test_no_reminder_to_withdrawn_or_do_not_contact(self):
        with freeze_time(D):
            withdrawn = self._member_until(self.ann, day(60))
            quiet = self._member_until(self.bob, day(60))
            self.ann._idic_member_withdraw(D, "Left")
            self.bob.idic_do_not_contact = True
        self.refresh(day(30))
        self.assertEqual(self.remind(day(30)), 0)
        self.assertFalse(self.mails(withdrawn) | self.mails(quiet))
        self.assertFalse(withdrawn.idic_reminder_ids)
        self.assertRecordValues(
            quiet.idic_reminder_ids, [{"offset_days": 30, "sent": False}]
        )
        # Not later either, once the partner may be written to again.
        self.bob.idic_do_not_contact = False
        self.assertEqual(self.remind(day(31)), 0)

    def test_lapse_notice_optional(self):
        with freeze_time(D):
            line = self._member_until(self.ann, day(-1))
        self.refresh(day(30))
        self.assertEqual(self.status(self.ann), "lapsed")
        self.assertEqual(self.remind(day(30)), 0, "off by default")
        self.main.idic_member_lapse_notice = True
        self.assertEqual(self.remind(day(30)), 1)
        self.assertEqual(self.remind(day(31)), 0)
        self.assertEqual(line.idic_reminder_ids.kind, "lapse")

    # ------------------------------------------------------------------
    # Settings, retention, access, multi-company
    # ------------------------------------------------------------------
    def test_settings_validation(self):
        with self.assertRaises(ValidationError):
            self.main.idic_member_reminder_days = "30,x"
        with self.assertRaises(ValidationError):
            self.main.idic_member_reminder_days = "30,0"
        with self.assertRaises(ValidationError):
            self.main.idic_member_grace_days = -1
        self.main.idic_member_reminder_days = " 7, 30 ,"
        self.assertEqual(self.main._idic_member_reminder_offsets(), [30, 7])

    def test_retention_report(self):
        # The report's view reads the database's date: no frozen dates here.
        today = date.today()
        self._member_until(self.ann, today - timedelta(days=200))
        self.line(self.ann, today - timedelta(days=199), today + timedelta(days=165))
        self._member_until(self.bob, today - timedelta(days=200))
        # Still in grace: not decided yet.
        self._member_until(self.cat, today - timedelta(days=10))
        self.env.flush_all()
        rows = self.env["idic.member.retention"].search(
            [("partner_id", "in", (self.ann | self.bob | self.cat).ids)]
        )
        self.assertEqual(sorted(rows.mapped("renewed_count")), [0, 1])
        groups = self.env["idic.member.retention"]._read_group(
            [("id", "in", rows.ids)], [], ["renewal_rate:avg", "due_count:sum"]
        )
        self.assertEqual(groups, [(50.0, 2)])

    def test_access(self):
        with freeze_time(D):
            line = self._member_until(self.ann, day(30))
        self.refresh(D)
        self.remind(D)
        log = line.idic_reminder_ids
        self.assertTrue(log)
        # Relationship user: reads the log and statuses, cannot delete.
        self.assertEqual(
            log.with_user(self.idic_user).read(["kind"])[0]["kind"], "renewal"
        )
        with self.assertRaises(AccessError):
            log.with_user(self.idic_user).unlink()
        self.env["idic.member.retention"].with_user(self.idic_user).search([])
        # Plain user: neither the log nor the report nor the wizards.
        with self.assertRaises(AccessError):
            log.with_user(self.plain_user).read(["kind"])
        with self.assertRaises(AccessError):
            self.env["idic.member.retention"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.env["idic.member.withdraw"].with_user(self.plain_user).create(
                {"partner_id": self.ann.id, "reason": "x"}
            )
        # Manager: may clean the log.
        log.with_user(self.idic_manager).unlink()

    def test_multi_company(self):
        """Each company's grace applies to its members; the reminder log and
        retention rows of a company are hidden from the other's users."""
        self.other_company.write(
            {"idic_member_grace_days": 0, "idic_member_reminder_days": "10"}
        )
        self.bob.company_id = self.other_company
        with freeze_time(D):
            self._member_until(self.ann, day(-5))
            self._member_until(self.bob, day(-5))
        self.refresh(D)
        self.assertEqual(self.status(self.ann), "grace")
        self.assertEqual(self.status(self.bob), "lapsed")
        with freeze_time(D):
            a_line = self._member_until(self.cat, day(30))
            b_line = self.line(self.bob, day(-4), day(10))
        self.refresh(D)
        self.assertEqual(self.remind(D), 2)
        self.assertEqual(a_line.idic_reminder_ids.company_id, self.main)
        self.assertEqual(b_line.idic_reminder_ids.company_id, self.other_company)
        self.assertEqual(b_line.idic_reminder_ids.offset_days, 10)
        Log = self.env["idic.member.reminder"].with_user(self.other_user)
        self.assertEqual(Log.search([]), b_line.idic_reminder_ids)
        with self.assertRaises(AccessError):
            a_line.idic_reminder_ids.with_user(self.other_user).read(["kind"])
        Retention = self.env["idic.member.retention"].with_user(self.other_user)
        self.assertTrue(
            all(c == self.other_company for c in Retention.search([]).company_id)
        )


@tagged("post_install", "-at_install")
class TestMemberTour(HttpCase):
    def test_tour_member(self):
        """A relationship user finds a new member in the directory and
        withdraws it from the partner form."""
        user = new_user(
            self.env,
            login="idic_member_tour",
            groups="partner_idic.group_idic_user",
            name="Tour Membership User",
        )
        product = self.env["product.product"].create(
            {
                "name": "Tour Membership",
                "type": "service",
                "membership": True,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
            }
        )
        mia = self.env["res.partner"].create({"name": "Tour Member Mia"})
        today = fields.Date.context_today(user)
        line = self.env["membership.membership_line"].create(
            {
                "partner_id": mia.id,
                "membership_id": product.id,
                "member_price": 10.0,
                "date_from": today - timedelta(days=5),
                "date_to": today + timedelta(days=360),
                "state": "paid",
            }
        )
        self.assertEqual(mia.idic_member_status, "new")
        self.start_tour("/odoo", "partner_idic_member", login=user.login)
        self.assertEqual(mia.idic_member_status, "withdrawn")
        self.assertEqual(mia.idic_member_withdrawn_date, today)
        self.assertEqual(line.date_cancel, today - timedelta(days=1))
