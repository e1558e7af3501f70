# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recurring gifts (issue #26): each period's gift made exactly once by the
job (run twice, interrupted, by the scheduled action or a button), charged to
the donor's payment token through the host's payment module (the
``payment_demo`` provider, installed in the test database by ``make test``),
a failed charge retried the next day, lapsing after the company's number of
missed periods with an activity for the donor's salesperson, and the
sustainer and monthly recurring revenue figures.

Company "IDIC Recurring" (USD, calendar fiscal years); today is frozen on
15 March 2026 unless a test moves it.
"""

from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from odoo.addons.partner_idic.models.idic_recurring_gift import (
    first_period,
    next_period,
)

from .common import IdicCase, new_user

NOW = datetime(2026, 3, 15, 10, 0)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestRecurringGift(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_r = cls.env["res.company"].create(
            {"name": "IDIC Recurring", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_r)
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": date(2020, 1, 1),
                "rate": 0.5,  # 1 USD = 0.5 EUR: 1 EUR = 2 USD
                "currency_id": cls.eur.id,
                "company_id": cls.company_r.id,
            }
        )
        cls.donor_user = new_user(
            cls.env,
            login="idic_recurring_fundraiser",
            groups="partner_idic.group_idic_donor_data,account.group_account_invoice",
            name="Fundraiser",
            company_id=cls.company_r.id,
            company_ids=[cls.company_r.id],
        )
        cls.salesperson = new_user(
            cls.env,
            login="idic_recurring_sales",
            groups="partner_idic.group_idic_user",
            name="Donor Salesperson",
            company_id=cls.company_r.id,
            company_ids=[cls.company_r.id],
        )
        cls.idic_user.company_ids = [Command.link(cls.company_r.id)]
        cls.product = cls.env["product.product"].create(
            {"name": "Monthly Gift", "type": "service", "idic_is_donation": True}
        )
        cls.fund = cls.env["idic.fund"].create(
            {"name": "Scholarships", "code": "SCH", "company_id": cls.company_r.id}
        )
        cls.appeal = cls.env["utm.campaign"].create({"title": "Sustainer Drive"})
        Partner = cls.env["res.partner"]
        cls.ann = Partner.create({"name": "Ann Monthly", "user_id": cls.salesperson.id})
        cls.ben = Partner.create({"name": "Ben Monthly"})
        cls.cara = Partner.create({"name": "Cara Yearly"})
        # The demo payment provider of the company, in test mode.
        cls.provider = (
            cls.env["payment.provider"]
            .sudo()
            .search(
                [("code", "=", "demo"), ("company_id", "=", cls.company_r.id)], limit=1
            )
        )
        cls.provider.write({"state": "test"})
        cls.provider.journal_id = cls.env["account.journal"].search(
            [("company_id", "=", cls.company_r.id), ("type", "=", "bank")], limit=1
        )
        method = cls.env.ref("payment_demo.payment_method_demo")
        Token = cls.env["payment.token"].sudo()
        cls.token_ok = Token.create(
            {
                "provider_id": cls.provider.id,
                "payment_method_id": method.id,
                "partner_id": cls.ann.id,
                "provider_ref": "demo-ann",
                "payment_details": "4242",
                "demo_simulated_state": "done",
            }
        )
        cls.token_fail = Token.create(
            {
                "provider_id": cls.provider.id,
                "payment_method_id": method.id,
                "partner_id": cls.ben.id,
                "provider_ref": "demo-ben",
                "payment_details": "0002",
                "demo_simulated_state": "error",
            }
        )

    def gift(self, partner, amount=30.0, **values):
        vals = {
            "partner_id": partner.id,
            "company_id": self.company_r.id,
            "amount": amount,
            "interval": "monthly",
            "day": 10,
            "date_start": date(2026, 1, 10),
            "product_id": self.product.id,
            "fund_id": self.fund.id,
            "appeal_id": self.appeal.id,
        }
        vals.update(values)
        return (
            self.env["idic.recurring.gift"]
            .with_user(self.donor_user)
            .with_company(self.company_r)
            .create(vals)
        )

    def run_job(self):
        """The job for the company in this transaction (as a button does),
        then the charges."""
        made = self.env["res.partner"]._idic_make_recurring_gifts(
            companies=self.company_r, batch_size=2, commit=False
        )
        self.env.invalidate_all()
        return made

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    def test_period_dates(self):
        self.assertEqual(first_period(date(2026, 1, 10), 10), date(2026, 1, 10))
        self.assertEqual(first_period(date(2026, 1, 11), 10), date(2026, 2, 10))
        self.assertEqual(first_period(date(2026, 2, 1), 31), date(2026, 2, 28))
        self.assertEqual(
            next_period(date(2026, 1, 31), 31, "monthly"), date(2026, 2, 28)
        )
        self.assertEqual(
            next_period(date(2026, 2, 28), 31, "monthly"), date(2026, 3, 31)
        )
        self.assertEqual(
            next_period(date(2024, 2, 29), 29, "yearly"), date(2025, 2, 28)
        )
        self.assertEqual(
            next_period(date(2026, 11, 15), 15, "quarterly"), date(2027, 2, 15)
        )

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    def test_each_period_once(self):
        """From 10 January to 15 March: the gifts of 10 January, February and
        March, posted, on the donation product with the fund and appeal; a
        second run makes nothing; the next period comes with its day."""
        self.company_r.idic_recurring_lapse_periods = 12
        gift = self.gift(self.cara)
        self.assertEqual(gift.next_date, date(2026, 1, 10))
        self.assertEqual(self.run_job(), 3)
        invoices = gift.invoice_ids.sorted("idic_recurring_period")
        self.assertEqual(
            invoices.mapped("idic_recurring_period"),
            [date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)],
        )
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(
            invoices.mapped("invoice_date"), invoices.mapped("idic_recurring_period")
        )
        lines = invoices.invoice_line_ids
        self.assertEqual(lines.product_id, self.product)
        self.assertEqual(lines.idic_fund_id, self.fund)
        self.assertEqual(lines.idic_appeal_id, self.appeal)
        self.assertEqual(set(lines.mapped("price_subtotal")), {30.0})
        self.assertEqual(gift.next_date, date(2026, 4, 10))
        self.assertEqual(self.run_job(), 0)
        with freeze_time(datetime(2026, 4, 10, 8, 0)):
            self.assertEqual(self.run_job(), 1)
            self.assertEqual(self.run_job(), 0)
        self.assertEqual(len(gift.invoice_ids), 4)

    def test_interrupted_range_makes_nothing_twice(self):
        """A range that fails before its commit leaves nothing behind: the
        next run makes every period once. The database refuses a second
        invoice of a period whatever writes it."""
        gifts = self.gift(self.cara) | self.gift(self.ann, amount=10.0)
        Partner = self.env["res.partner"]
        today = date(2026, 3, 15)
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            Partner._idic_job_apply_recurring(self.company_r, today, 0, 0, 10**9)
            self.assertEqual(len(gifts.invoice_ids), 6)
            raise RuntimeError("worker killed before its commit")
        self.env.invalidate_all()
        self.assertFalse(gifts.invoice_ids)
        self.assertEqual(set(gifts.mapped("next_date")), {date(2026, 1, 10)})
        self.assertEqual(self.run_job(), 6)
        invoice = gifts[0].invoice_ids[0]
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            # Even a flow that skips every check (sudo) cannot make it.
            invoice.sudo().copy(
                {
                    "idic_recurring_gift_id": invoice.idic_recurring_gift_id.id,
                    "idic_recurring_period": invoice.idic_recurring_period,
                }
            )
            self.env.flush_all()

    def test_scheduled_action_twice(self):
        """The scheduled action (the recompute frame, committing each range)
        run twice makes each period once; its run ends and the charge step
        paid Ann's gifts with her token."""
        gifts = self.gift(self.cara) | self.gift(
            self.ann, payment_token_id=self.token_ok.id
        )
        cron = self.env.ref("partner_idic.ir_cron_idic_recurring_gifts")
        charge = self.env.ref("partner_idic.ir_cron_idic_recurring_charge")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
            charge.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(len(gifts[0].invoice_ids), 3)
        self.assertEqual(len(gifts[1].invoice_ids), 3)
        self.assertRunsEnded("recurring")
        self.assertTrue(
            all(m.payment_state in ("paid", "in_payment") for m in gifts[1].invoice_ids)
        )
        self.assertTrue(
            all(m.payment_state == "not_paid" for m in gifts[0].invoice_ids)
        )

    # ------------------------------------------------------------------
    # Payment tokens
    # ------------------------------------------------------------------
    def test_token_charged(self):
        """Ann's token is charged for each period: a confirmed transaction, a
        posted payment reconciled with the invoice (paid)."""
        gift = self.gift(self.ann, payment_token_id=self.token_ok.id)
        self.run_job()
        for invoice in gift.invoice_ids:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), invoice.name)
            self.assertEqual(invoice.transaction_ids.state, "done")
            self.assertEqual(invoice.transaction_ids.token_id, self.token_ok)
            self.assertEqual(invoice.transaction_ids.amount, 30.0)
            self.assertEqual(invoice.idic_charge_date, date(2026, 3, 15))
        self.assertEqual(gift.missed_periods, 0)
        # Nothing left to charge.
        self.assertEqual(
            self.env["account.move"]._idic_charge_recurring(commit=False), 0
        )

    def test_failed_charge_retried_next_day_then_lapse(self):
        """Ben's token is refused: each invoice is tried once a day; when the
        next period comes with as many unpaid periods as the company allows
        (2 here), the gift lapses and a salesperson gets an activity."""
        self.company_r.idic_recurring_lapse_periods = 2
        gift = self.gift(
            self.ben, payment_token_id=self.token_fail.id, user_id=self.salesperson.id
        )
        self.run_job()
        invoices = gift.invoice_ids
        self.assertEqual(len(invoices), 3)
        self.assertEqual(set(invoices.mapped("idic_charge_failures")), {1})
        self.assertEqual(set(invoices.transaction_ids.mapped("state")), {"error"})
        Move = self.env["account.move"]
        # Not again the same day.
        self.assertEqual(Move._idic_charge_recurring(commit=False), 0)
        with freeze_time(datetime(2026, 3, 16, 9, 0)):
            self.assertEqual(Move._idic_charge_recurring(commit=False), 3)
        self.env.invalidate_all()
        self.assertEqual(set(invoices.mapped("idic_charge_failures")), {2})
        self.assertEqual(gift.state, "active")
        self.assertEqual(gift.missed_periods, 3)
        with freeze_time(datetime(2026, 4, 10, 9, 0)):
            self.assertEqual(self.run_job(), 0)
        self.assertEqual(gift.state, "lapsed")
        self.assertEqual(gift.stopped_date, date(2026, 4, 10))
        activity = gift.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        # A lapsed gift is neither invoiced nor charged.
        with freeze_time(datetime(2026, 5, 11, 9, 0)):
            self.assertEqual(self.run_job(), 0)
            self.assertEqual(Move._idic_charge_recurring(commit=False), 0)
        # Resumed, it goes on from the next period (the missed ones are not made).
        with freeze_time(datetime(2026, 5, 11, 9, 0)):
            gift.with_user(self.donor_user).action_resume()
            self.assertEqual(gift.next_date, date(2026, 6, 10))

    def test_lapse_activity_for_donors_salesperson(self):
        """Without a token: the unpaid invoices count as missed periods; the
        donor's own salesperson gets the activity."""
        self.company_r.idic_recurring_lapse_periods = 3
        gift = self.gift(self.ann)
        self.run_job()
        with freeze_time(datetime(2026, 4, 10, 9, 0)):
            self.run_job()
        self.assertEqual(gift.state, "lapsed")
        self.assertEqual(gift.activity_ids.user_id, self.salesperson)
        self.assertEqual(len(gift.invoice_ids), 3)

    # ------------------------------------------------------------------
    # States, end, buttons, access
    # ------------------------------------------------------------------
    def test_pause_cancel_and_end(self):
        paused = self.gift(self.cara)
        paused.with_user(self.donor_user).action_pause()
        ending = self.gift(self.ben, date_end=date(2026, 2, 20))
        self.run_job()
        self.assertFalse(paused.invoice_ids)
        self.assertEqual(len(ending.invoice_ids), 2)
        self.assertEqual(ending.state, "ended")
        paused.with_user(self.donor_user).action_cancel()
        self.assertEqual(paused.state, "cancelled")
        self.assertEqual(paused.stopped_date, date(2026, 3, 15))

    def test_invoice_now_button(self):
        gift = self.gift(self.ann, payment_token_id=self.token_ok.id)
        gift.with_user(self.donor_user).action_invoice_now()
        self.assertEqual(len(gift.invoice_ids), 3)
        self.assertTrue(
            all(m.payment_state in ("paid", "in_payment") for m in gift.invoice_ids)
        )

    def test_access_and_protected_fields(self):
        gift = self.gift(self.cara)
        # A relationship user without donor data reads no recurring gift.
        with self.assertRaises(AccessError):
            gift.with_user(self.idic_user).read(["amount"])
        # Nobody writes the state or the next date but the job and the buttons.
        for field, value in (("state", "lapsed"), ("next_date", date(2027, 1, 1))):
            with self.assertRaises(AccessError):
                gift.with_user(self.donor_user).write({field: value})
        with self.assertRaises(AccessError):
            gift.with_user(self.donor_user).create(
                {
                    "partner_id": self.ann.id,
                    "amount": 5.0,
                    "product_id": self.product.id,
                    "state": "lapsed",
                }
            )
        # Billing users do not rewrite an invoice's period or its charges.
        self.run_job()
        invoice = gift.invoice_ids[:1].with_user(self.donor_user)
        for field, value in (
            ("idic_recurring_period", date(2030, 1, 1)),
            ("idic_charge_date", date(2030, 1, 1)),
            ("idic_recurring_gift_id", False),
        ):
            with self.assertRaises(AccessError):
                invoice.write({field: value})
        # Only donor-data readers manage them.
        with self.assertRaises(AccessError):
            gift.with_user(self.idic_user).action_pause()
        # Users of another company do not see them.
        with self.assertRaises(AccessError):
            gift.with_user(self.other_user).read(["amount"])
        # Bad amounts and days are refused.
        for values in ({"amount": float("nan")}, {"amount": -5.0}, {"day": 32}):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                gift.with_user(self.donor_user).write(values)
        # The token must be the donor's.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            gift.with_user(self.donor_user).write(
                {"payment_token_id": self.token_ok.id}
            )

    # ------------------------------------------------------------------
    # Donor figures
    # ------------------------------------------------------------------
    def test_sustainers_and_monthly_revenue(self):
        """Sustainers have an active recurring gift; their monthly recurring
        revenue is in company currency: Ann 30 a month + 120 EUR a year
        (= 240 USD / 12 = 20) = 50; Ben paused: no sustainer."""
        self.gift(self.ann)
        self.gift(self.ann, amount=120.0, interval="yearly", currency_id=self.eur.id)
        self.gift(self.ben).with_user(self.donor_user).action_pause()
        self.run_job()
        self.env["res.partner"]._idic_recompute_donors(
            companies=self.company_r, commit=False
        )
        self.env.invalidate_all()
        ann = self.ann.with_company(self.company_r)
        ben = self.ben.with_company(self.company_r)
        self.assertTrue(ann.idic_donor_sustainer)
        self.assertAlmostEqual(ann.idic_donor_mrr, 50.0, places=2)
        self.assertFalse(ben.idic_donor_sustainer)
        self.assertEqual(ben.idic_donor_mrr, 0.0)
        # The amounts stay behind the donor-data group.
        with self.assertRaises(AccessError):
            self.ann.with_user(self.idic_user).with_company(self.company_r).read(
                ["idic_donor_mrr"]
            )
        self.assertTrue(
            self.ann.with_user(self.idic_user)
            .with_company(self.company_r)
            .idic_donor_sustainer
        )
        # The Overview's donor section shows them, with the retention of the
        # recurring donors of a year ago (none yet).
        overview = (
            self.env["idic.overview"]
            .with_user(self.donor_user)
            .with_company(self.company_r)
            .with_context(allowed_company_ids=[self.company_r.id])
        )
        section = overview._section_donors()
        tiles = {tile["key"]: tile for tile in section["tiles"]}
        self.assertEqual(tiles["sustainers"]["value"], 1)
        self.assertIn("50.00", tiles["sustainers"]["hint"])
        self.assertNotIn("recurring_retention", tiles)

    def test_recurring_retention(self):
        """Of the recurring donors of a year ago (Ann, Ben), Ben stopped:
        50 %."""
        with freeze_time(datetime(2025, 1, 15, 9, 0)):
            ann = self.gift(self.ann, date_start=date(2025, 1, 10))
            ben = self.gift(self.ben, date_start=date(2025, 1, 10))
        self.gift(self.cara)
        ben.with_user(self.donor_user).action_cancel()
        self.assertEqual(ann.state, "active")
        base, retained = self.env["idic.overview"]._idic_recurring_retention(
            self.company_r, date(2026, 3, 15)
        )
        self.assertEqual((base, retained), (2, 1))
