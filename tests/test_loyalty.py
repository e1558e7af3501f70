# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Loyalty points on the host's loyalty cards (issue #5).

Company A is created here with a chart of accounts; earning is off until a test
turns it on (``enable``). Expected points are computed by hand from the
amounts typed on the invoices: base (untaxed or total, company currency) x
rate x tier multiplier x paid share.

The concurrent redemption test needs committed data and two real database
cursors: it lives in its own class (``TestLoyaltyConcurrency``), which commits
a small program, card and customer and deletes them afterwards.
"""

import threading
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from psycopg2.errors import LockNotAvailable, NotNullViolation, SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import Form, tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from .common import IdicCase, new_user

# CHF for one unit of company currency (USD), in company A.
RATE = 2.5
VALIDITY = 12  # months


@tagged("post_install", "-at_install")
class TestLoyalty(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        usd = cls.env.ref("base.USD")
        cls.company_a = cls.env["res.company"].create(
            {"name": "IDIC Points A", "currency_id": usd.id}
        )
        cls.load_chart(cls.company_a | cls.other_company)
        cls.chf = cls.env.ref("base.CHF")
        cls.chf.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": cls.today - timedelta(days=2000),
                "rate": RATE,
                "currency_id": cls.chf.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "IDIC VAT 10%",
                "amount_type": "percent",
                "amount": 10.0,
                "type_tax_use": "sale",
                "company_id": cls.company_a.id,
            }
        )
        # Relationship users of company A (other_user stays in its company).
        for user in cls.idic_user | cls.idic_manager | cls.idic_admin:
            user.company_ids = [Command.link(cls.company_a.id)]
        cls.other_manager = new_user(
            cls.env,
            login="idic_other_manager",
            groups="partner_idic.group_idic_manager",
            name="Other Company Manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

        Partner = cls.env["res.partner"]

        def customer(name, **vals):
            return Partner.create(
                dict(
                    {
                        "name": name,
                        "is_company": True,
                        "email": f"{name.split()[0].lower()}@example.com",
                    },
                    **vals,
                )
            )

        cls.alpha = customer("Alpha Points Co")
        cls.alice = Partner.create(
            {"name": "Alice Alpha", "parent_id": cls.alpha.id, "type": "contact"}
        )
        cls.beta = customer("Beta Points Co")
        cls.gamma = customer("Gamma Points Co")
        cls.referrer = customer("Rita Referrer")
        cls.Card = cls.env["loyalty.card"]
        cls.History = cls.env["loyalty.history"]

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    def enable(self, rate=1.0, **settings):
        self.company_a.write(
            dict(
                {
                    "idic_points_rate": rate,
                    "idic_points_base": "untaxed",
                    "idic_points_on": "payment",
                    "idic_points_validity_months": VALIDITY,
                    "idic_points_notice_days": 30,
                    "idic_referral_points": 0.0,
                },
                **settings,
            )
        )

    def _invoice(
        self,
        partner,
        amount,
        move_type="out_invoice",
        tax=None,
        currency=None,
        post=True,
        reversed_entry=None,
        company=None,
    ):
        """A customer invoice (or credit note) of company A (or ``company``) of
        one line of ``amount`` (untaxed unless ``tax``), dated today."""
        return self.make_invoice(
            partner,
            self.today,
            [("Consulting", amount)],
            company or self.company_a,
            move_type=move_type,
            currency=currency,
            state="posted" if post else "draft",
            refund_of=reversed_entry,
            tax=tax,
        )

    def pay(self, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount})
            ._create_payments()
        )

    def card(self, partner, company=None):
        return self.Card._idic_card(partner, company or self.company_a, create=False)

    def balance(self, partner, company=None):
        card = self.card(partner, company)
        card.invalidate_recordset(["points"])
        return card.points if card else 0.0

    def lines(self, partner, kind=None, company=None):
        domain = [("card_id", "=", self.card(partner, company).id)]
        if kind:
            domain.append(("idic_kind", "=", kind))
        return self.History.search(domain, order="id")

    def net(self, lines):
        return round(sum(lines.mapped("issued")) - sum(lines.mapped("used")), 2)

    def invoice_points(self, move, kind="earn"):
        """Net points of the ``kind`` lines of ``move``."""
        return self.net(move._idic_points_lines([kind]))

    def new_card(self, partner, *lots):
        """The card of ``partner`` in company A, with lots ``(points, days
        ago[, expiry date])`` (positive: earned)."""
        card = self.Card._idic_card(partner, self.company_a)
        result = []
        for lot in lots:
            points, days_ago = lot[:2]
            kwargs = {"date": self.today - timedelta(days=days_ago)}
            if len(lot) > 2:
                kwargs["expiry_date"] = lot[2]
            result.append(card._idic_add_line(points, "earn", "Lot", **kwargs))
        return card, result

    def assertCardConsistent(self, partner):
        """The card balance is the sum of its history lines."""
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertAlmostEqual(
            self.balance(partner), self.net(self.lines(partner)), places=2
        )

    # ------------------------------------------------------------------------
    # Earning
    # ------------------------------------------------------------------------
    def test_earning_off_by_default(self):
        """A new company has rate 0: a paid invoice creates no program, no
        card and no line."""
        fresh = self.env["res.company"].create({"name": "IDIC Fresh Co"})
        self.assertEqual(fresh.idic_points_rate, 0.0)
        self.assertEqual(self.company_a.idic_points_rate, 0.0)
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(self.company_a.idic_loyalty_program_id)
        self.assertFalse(self.Card.search_count([("partner_id", "in", self.alpha.ids)]))
        self.assertFalse(invoice._idic_points_lines(["earn"]))

    def test_earn_on_full_payment(self):
        """Posting earns nothing (earned as paid); the full payment earns base x
        rate, on the card of the commercial partner, in one dated lot that
        expires after the validity."""
        self.enable(rate=2.0)
        invoice = self._invoice(self.alice, 100)
        self.assertEqual(self.balance(self.alpha), 0.0)
        self.assertFalse(invoice._idic_points_lines(["earn"]))
        self.pay(invoice, 100)
        self.assertEqual(invoice.payment_state, "paid")
        line = invoice._idic_points_lines(["earn"])
        self.assertEqual(len(line), 1)
        self.assertRecordValues(
            line,
            [
                {
                    "issued": 200.0,
                    "used": 0.0,
                    "idic_kind": "earn",
                    "idic_rate": 2.0,
                    "idic_multiplier": 1.0,
                    "idic_date": self.today,
                    "idic_expiry_date": self.today + relativedelta(months=VALIDITY),
                    "partner_id": self.alpha.id,
                    "order_model": "account.move",
                    "order_id": invoice.id,
                }
            ],
        )
        # The customer's statement links the invoice in the portal.
        self.assertEqual(line._get_order_portal_url(), invoice.get_portal_url())
        self.assertEqual(
            line.card_id.program_id, self.company_a.idic_loyalty_program_id
        )
        self.assertEqual(self.balance(self.alpha), 200.0)
        self.assertFalse(self.card(self.alice) - self.card(self.alpha))
        # The contact and its company show the company's balance.
        for partner in self.alpha | self.alice:
            self.env.invalidate_all()
            # Alone in its recordset: computed for itself only.
            partner = (
                self.env["res.partner"].with_company(self.company_a).browse(partner.id)
            )
            self.assertEqual(partner.idic_points_balance, 200.0)
            self.assertEqual(partner.idic_loyalty_card_id, line.card_id)
        self.assertCardConsistent(self.alpha)

    def test_earn_on_partial_payments(self):
        """Each payment earns its share; a tax is paid in proportion too."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100, tax=self.tax)
        self.assertAlmostEqual(invoice.amount_total, 110.0)
        self.pay(invoice, 44)  # 40 % of 110
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(self.invoice_points(invoice), 40.0)
        self.pay(invoice, 33)  # 30 % more
        self.assertEqual(self.invoice_points(invoice), 70.0)
        self.pay(invoice, 33)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.invoice_points(invoice), 100.0)
        self.assertEqual(
            invoice._idic_points_lines(["earn"]).mapped("issued"), [40.0, 30.0, 30.0]
        )
        self.assertEqual(self.balance(self.alpha), 100.0)
        self.assertCardConsistent(self.alpha)

    def test_untaxed_vs_total(self):
        """Points are earned on the untaxed amount, or on the total with the
        setting."""
        self.enable(rate=1.0)
        untaxed = self._invoice(self.alpha, 100, tax=self.tax)
        self.pay(untaxed, 110)
        self.assertEqual(self.invoice_points(untaxed), 100.0)
        self.company_a.idic_points_base = "total"
        total = self._invoice(self.beta, 100, tax=self.tax)
        self.pay(total, 110)
        self.assertEqual(self.invoice_points(total), 110.0)
        self.assertEqual(self.balance(self.alpha), 100.0)
        self.assertEqual(self.balance(self.beta), 110.0)

    def test_points_in_company_currency(self):
        """An invoice in a foreign currency earns on its company-currency
        amount: 250 CHF = 100 USD."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 250, currency=self.chf)
        self.pay(invoice, 250)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.invoice_points(invoice), 100.0)

    def test_earn_on_post(self):
        """With 'when posted', posting earns everything and payments add
        nothing."""
        self.enable(rate=1.0, idic_points_on="post")
        invoice = self._invoice(self.alpha, 100)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.invoice_points(invoice), 100.0)
        self.pay(invoice, 50)
        self.pay(invoice, 50)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(invoice._idic_points_lines(["earn"])), 1)
        self.assertEqual(self.balance(self.alpha), 100.0)
        # Reset to draft and post again: taken back, then given again, once.
        invoice.button_draft()
        self.assertEqual(self.invoice_points(invoice), 0.0)
        invoice.action_post()
        self.assertEqual(self.invoice_points(invoice), 100.0)
        self.assertEqual(self.balance(self.alpha), 100.0)
        self.assertCardConsistent(self.alpha)

    def test_tier_multiplier(self):
        """The tier multiplier of the customer applies, and is fixed by the
        first points of the invoice: a later tier change does not alter it."""
        self.enable(rate=1.0)
        tier = self.env["idic.value.tier"].create(
            {
                "name": "Triple",
                "company_id": self.company_a.id,
                "basis": "clv",
                "min_threshold": 0.0,
                "points_multiplier": 3.0,
            }
        )
        self.alpha.with_user(self.idic_manager).with_company(
            self.company_a
        ).idic_value_tier_id = tier
        self.assertEqual(
            self.alpha.with_company(self.company_a).idic_value_tier_id, tier
        )
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 50)
        self.assertEqual(self.invoice_points(invoice), 150.0)
        line = invoice._idic_points_lines(["earn"])
        self.assertEqual((line.idic_rate, line.idic_multiplier), (3.0, 3.0))
        # Out of the tier: the invoice keeps its multiplier, a new one does not.
        self.alpha.with_user(self.idic_manager).with_company(
            self.company_a
        ).idic_value_tier_id = False
        self.pay(invoice, 50)
        self.assertEqual(self.invoice_points(invoice), 300.0)
        other = self._invoice(self.alpha, 100)
        self.pay(other, 100)
        self.assertEqual(self.invoice_points(other), 100.0)
        self.assertEqual(self.balance(self.alpha), 400.0)

    def test_cards_per_company(self):
        """Each company earns on its own invoices, on its own program's card;
        a company with earning off gives nothing."""
        self.enable(rate=1.0)
        in_b = self._invoice(self.alpha, 300, company=self.other_company)
        self.pay(in_b, 300)
        self.assertFalse(self.other_company.idic_loyalty_program_id)
        self.assertFalse(in_b._idic_points_lines(["earn"]))
        self.other_company.idic_points_rate = 2.0
        in_b2 = self._invoice(self.alpha, 100, company=self.other_company)
        self.pay(in_b2, 100)
        in_a = self._invoice(self.alpha, 100)
        self.pay(in_a, 100)
        card_a = self.card(self.alpha)
        card_b = self.card(self.alpha, self.other_company)
        self.assertTrue(card_a and card_b)
        self.assertNotEqual(card_a, card_b)
        self.assertEqual(card_b.company_id, self.other_company)
        self.assertEqual(card_b.program_id, self.other_company.idic_loyalty_program_id)
        self.assertEqual(self.balance(self.alpha), 100.0)
        self.assertEqual(self.balance(self.alpha, self.other_company), 200.0)
        self.assertEqual(
            self.alpha.with_company(self.other_company).idic_points_balance, 200.0
        )

    def test_tier_multiplier_in_its_company_only(self):
        """The tier of the customer in another company does not multiply the
        points of company A."""
        self.enable(rate=1.0)
        tier_b = self.env["idic.value.tier"].create(
            {
                "name": "Other company x5",
                "company_id": self.other_company.id,
                "basis": "clv",
                "min_threshold": 0.0,
                "points_multiplier": 5.0,
            }
        )
        self.alpha.with_company(self.other_company).idic_value_tier_id = tier_b
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        self.assertEqual(self.invoice_points(invoice), 100.0)

    def test_rate_change_after_earning(self):
        """A rate change does not alter the points of an invoice that already
        earned; new invoices use the new rate."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 50)
        self.assertEqual(self.invoice_points(invoice), 50.0)
        self.company_a.idic_points_rate = 5.0
        invoice._idic_sync_points()
        self.assertEqual(self.invoice_points(invoice), 50.0)
        self.pay(invoice, 50)
        self.assertEqual(self.invoice_points(invoice), 100.0)
        other = self._invoice(self.alpha, 100)
        self.pay(other, 100)
        self.assertEqual(self.invoice_points(other), 500.0)
        self.assertEqual(self.balance(self.alpha), 600.0)

    # ------------------------------------------------------------------------
    # Never twice
    # ------------------------------------------------------------------------
    def test_payment_removed_and_reset_never_double(self):
        """Payments removed and added again, reset to draft, posted again,
        synchronised again: the points of the invoice are always what it is
        due, never more."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100)
        first = self.pay(invoice, 40)
        second = self.pay(invoice, 60)
        self.assertEqual(self.invoice_points(invoice), 100.0)
        # Re-running the synchronisation adds nothing.
        invoice._idic_sync_points()
        invoice._idic_sync_points()
        self.assertEqual(self.invoice_points(invoice), 100.0)
        self.assertEqual(len(invoice._idic_points_lines(["earn"])), 2)

        # The second payment is deleted: its share is taken back.
        second.action_draft()
        second.unlink()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(self.invoice_points(invoice), 40.0)
        # Every payment unreconciled.
        invoice.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.invoice_points(invoice), 0.0)
        self.assertEqual(self.balance(self.alpha), 0.0)

        # Reset to draft, amount lowered, posted again and paid: 80.
        invoice.button_draft()
        self.assertEqual(self.invoice_points(invoice), 0.0)
        invoice.invoice_line_ids.price_unit = 80
        invoice.action_post()
        self.assertEqual(self.invoice_points(invoice), 0.0)
        self.pay(invoice, 80)
        self.assertEqual(self.invoice_points(invoice), 80.0)
        # The first payment, still posted but free, pays nothing twice.
        self.assertFalse(first.move_id.line_ids.matched_debit_ids)
        invoice._idic_sync_points()
        self.assertEqual(self.invoice_points(invoice), 80.0)
        self.assertEqual(self.balance(self.alpha), 80.0)
        self.assertCardConsistent(self.alpha)

    def test_reset_paid_invoice_to_draft(self):
        """Resetting a paid invoice takes its points back (it keeps its
        payments in Odoo 19); posting it again gives them back, once."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        self.assertEqual(self.balance(self.alpha), 100.0)
        for __ in range(2):
            invoice.button_draft()
            self.assertEqual(invoice.state, "draft")
            self.assertEqual(self.invoice_points(invoice), 0.0)
            self.assertEqual(self.balance(self.alpha), 0.0)
            invoice.action_post()
            self.assertEqual(invoice.payment_state, "paid")
            self.assertEqual(self.invoice_points(invoice), 100.0)
            self.assertEqual(self.balance(self.alpha), 100.0)
        invoice._idic_sync_points()
        self.assertEqual(
            invoice._idic_points_lines(["earn"]).mapped("idic_net"),
            [100.0, -100.0, 100.0, -100.0, 100.0],
        )
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertEqual(self.invoice_points(invoice), 0.0)
        self.assertEqual(self.balance(self.alpha), 0.0)
        self.assertCardConsistent(self.alpha)

    # ------------------------------------------------------------------------
    # Referral
    # ------------------------------------------------------------------------
    def test_referral_bonus_once(self):
        """The referrer earns the bonus once, when the first invoice of the
        customer it referred is fully paid; not on posting, not on a partial
        payment, not on a second invoice."""
        self.enable(rate=1.0, idic_referral_points=50.0)
        self.gamma.idic_referred_by_id = self.referrer
        invoice = self._invoice(self.gamma, 100)
        self.assertFalse(self.card(self.referrer))
        self.pay(invoice, 30)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(self.balance(self.referrer), 0.0)
        self.assertFalse(self.lines(self.referrer, "referral"))
        self.pay(invoice, 70)
        self.assertEqual(invoice.payment_state, "paid")
        bonus = self.lines(self.referrer, "referral")
        self.assertRecordValues(
            bonus,
            [
                {
                    "issued": 50.0,
                    "order_model": "res.partner",
                    "order_id": self.gamma.id,
                    "idic_expiry_date": self.today + relativedelta(months=VALIDITY),
                }
            ],
        )
        self.assertEqual(self.balance(self.referrer), 50.0)
        # The referred customer earns its own points, no bonus.
        self.assertEqual(self.balance(self.gamma), 100.0)
        self.assertFalse(self.lines(self.gamma, "referral"))
        second = self._invoice(self.gamma, 200)
        self.pay(second, 200)
        invoice._idic_sync_points()
        second._idic_sync_points()
        self.assertEqual(len(self.lines(self.referrer, "referral")), 1)
        self.assertEqual(self.balance(self.referrer), 50.0)
        self.assertEqual(self.balance(self.gamma), 300.0)

    # ------------------------------------------------------------------------
    # Credit notes
    # ------------------------------------------------------------------------
    def test_credit_note_clawback(self):
        """A credit note takes back the points of what it refunds when posted
        (its share for a partial one), gives them back when reset, never
        twice."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        reversal = (
            self.env["account.move.reversal"]
            .with_company(self.company_a)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "reason": "Returned",
                    "journal_id": invoice.journal_id.id,
                    "date": self.today,
                }
            )
        )
        reversal.refund_moves()
        refund = reversal.new_move_ids
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.state, "draft")
        self.assertEqual(self.balance(self.alpha), 100.0)
        refund.action_post()
        clawback = refund._idic_points_lines(["clawback"])
        self.assertRecordValues(
            clawback,
            [
                {
                    "issued": 0.0,
                    "used": 100.0,
                    "idic_kind": "clawback",
                    "idic_expiry_date": False,
                }
            ],
        )
        self.assertEqual(self.balance(self.alpha), 0.0)
        refund._idic_sync_points()
        self.assertEqual(len(refund._idic_points_lines(["clawback"])), 1)

        # A partial credit note of 50 on a paid 200 invoice: 50 points.
        invoice2 = self._invoice(self.alpha, 200)
        self.pay(invoice2, 200)
        self.assertEqual(self.balance(self.alpha), 200.0)
        partial = self._invoice(
            self.alpha, 50, move_type="out_refund", reversed_entry=invoice2
        )
        self.assertEqual(self.invoice_points(partial, "clawback"), -50.0)
        self.assertEqual(self.balance(self.alpha), 150.0)
        # Reset: given back; posted again: taken again, once.
        partial.button_draft()
        self.assertEqual(self.invoice_points(partial, "clawback"), 0.0)
        self.assertEqual(self.balance(self.alpha), 200.0)
        partial.action_post()
        self.assertEqual(self.invoice_points(partial, "clawback"), -50.0)
        self.assertEqual(self.balance(self.alpha), 150.0)
        # A credit note of no invoice takes nothing back.
        alone = self._invoice(self.alpha, 30, move_type="out_refund")
        self.assertFalse(alone._idic_points_lines(["clawback"]))
        self.assertEqual(self.balance(self.alpha), 150.0)
        self.assertCardConsistent(self.alpha)

    def test_credit_note_of_tier_invoice_takes_back_multiplied_points(self):
        """A credit note takes back at the invoice's own rate and
        multiplier."""
        self.enable(rate=1.0)
        tier = self.env["idic.value.tier"].create(
            {
                "name": "Double",
                "company_id": self.company_a.id,
                "min_threshold": 0.0,
                "points_multiplier": 2.0,
            }
        )
        self.alpha.with_company(self.company_a).idic_value_tier_id = tier
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        self.assertEqual(self.balance(self.alpha), 200.0)
        self.company_a.idic_points_rate = 7.0
        self._invoice(self.alpha, 40, move_type="out_refund", reversed_entry=invoice)
        self.assertEqual(self.balance(self.alpha), 120.0)

    def test_credit_note_of_invoice_that_earned_nothing(self):
        """An invoice paid while earning was off earned nothing: its credit
        note, once earning is on, has nothing to take back."""
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        self.enable(rate=1.0)
        other = self._invoice(self.alpha, 100)
        self.pay(other, 100)
        self.assertEqual(self.balance(self.alpha), 100.0)
        self._invoice(self.alpha, 100, move_type="out_refund", reversed_entry=invoice)
        self.assertEqual(self.invoice_points(invoice), 0.0)
        self.assertEqual(self.balance(self.alpha), 100.0)

    def test_credit_note_cancelling_unpaid_invoice_nets_zero(self):
        """A credit note reconciled with an unpaid invoice (full refund,
        cancel) leaves the customer with no points from them."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100)
        refund = invoice._reverse_moves(
            [{"invoice_date": self.today, "date": self.today}], cancel=True
        )
        self.assertEqual(refund.state, "posted")
        self.assertIn(invoice.payment_state, ("reversed", "paid"))
        self.assertEqual(
            self.invoice_points(invoice) + self.invoice_points(refund, "clawback"),
            0.0,
        )
        self.assertEqual(self.balance(self.alpha), 0.0)

    def test_negative_card_cannot_redeem_until_positive(self):
        """Points spent then taken back by a credit note leave the card below
        zero: nothing can be redeemed until it is positive again."""
        self.enable(rate=1.0)
        invoice = self._invoice(self.alpha, 100)
        self.pay(invoice, 100)
        card = self.card(self.alpha)
        card._idic_redeem(80, "Gift")
        self.assertEqual(self.balance(self.alpha), 20.0)
        self._invoice(self.alpha, 100, move_type="out_refund", reversed_entry=invoice)
        self.assertEqual(self.balance(self.alpha), -80.0)
        with self.assertRaises(UserError):
            card._idic_redeem(1, "Pen")
        wizard = (
            self.env["idic.points.redeem"]
            .with_user(self.idic_user)
            .with_company(self.company_a)
            .create({"card_id": card.id, "points": 1, "description": "Pen"})
        )
        with self.assertRaises(UserError):
            wizard.action_redeem()
        self.assertEqual(self.balance(self.alpha), -80.0)
        # Earned again: positive, can spend what it holds.
        other = self._invoice(self.alpha, 100)
        self.pay(other, 100)
        self.assertEqual(self.balance(self.alpha), 20.0)
        with self.assertRaises(UserError):
            card._idic_redeem(21, "Too much")
        card._idic_redeem(20, "Pen")
        self.assertEqual(self.balance(self.alpha), 0.0)
        self.assertCardConsistent(self.alpha)

    # ------------------------------------------------------------------------
    # Redemption
    # ------------------------------------------------------------------------
    def test_redemption_limits(self):
        """Only positive points, never more than the balance; a redemption
        is one 'redeem' line."""
        self.enable()
        card, __ = self.new_card(self.alpha, (100, 1))
        for points in (0, -5, 0.001):
            with self.assertRaises(UserError):
                card._idic_redeem(points, "Nothing")
        with self.assertRaises(UserError):
            card._idic_redeem(100.01, "Too much")
        self.assertEqual(self.balance(self.alpha), 100.0)
        self.assertFalse(self.lines(self.alpha, "redeem"))
        line = card._idic_redeem(100, "Everything")
        self.assertRecordValues(
            line,
            [
                {
                    "idic_kind": "redeem",
                    "issued": 0.0,
                    "used": 100.0,
                    "idic_expiry_date": False,
                    "description": "Everything",
                }
            ],
        )
        self.assertEqual(self.balance(self.alpha), 0.0)
        self.assertEqual(
            self.lines(self.alpha).mapped("idic_running_balance"), [100.0, 0.0]
        )
        with self.assertRaises(UserError):
            card._idic_redeem(0.01, "Nothing left")

    def test_redeem_wizard(self):
        """Relationship users of the company redeem through the wizard; a
        reward fills points and description; plain users and users of another
        company cannot."""
        self.enable()
        card, __ = self.new_card(self.alpha, (250, 1))
        Wizard = (
            self.env["idic.points.redeem"]
            .with_user(self.idic_user)
            .with_company(self.company_a)
        )
        wizard = Wizard.create({"card_id": card.id, "points": 30, "description": "Mug"})
        self.assertEqual(wizard.balance, 250.0)
        wizard.action_redeem()
        redeem = self.lines(self.alpha, "redeem")
        self.assertRecordValues(
            redeem,
            [
                {
                    "used": 30.0,
                    "description": "Mug",
                    "idic_user_id": self.idic_user.id,
                }
            ],
        )
        self.assertEqual(self.balance(self.alpha), 220.0)
        # A reward of the program.
        reward = self.company_a.idic_loyalty_program_id.reward_ids[:1]
        self.assertEqual(reward.required_points, 200)
        with Form(Wizard.with_context(default_card_id=card.id)) as form:
            form.reward_id = reward
            self.assertEqual(form.points, 200)
            self.assertEqual(form.description, reward.description)
        wizard = form.record
        wizard.action_redeem()
        self.assertEqual(self.balance(self.alpha), 20.0)
        # More than the balance.
        wizard = Wizard.create({"card_id": card.id, "points": 21, "description": "X"})
        with self.assertRaises(UserError):
            wizard.action_redeem()
        # A plain internal user cannot even open the wizard.
        with self.assertRaises(AccessError):
            self.env["idic.points.redeem"].with_user(self.plain_user).create(
                {"card_id": card.id, "points": 1, "description": "X"}
            )
        # A relationship user of another company cannot spend A's card.
        wizard = (
            self.env["idic.points.redeem"]
            .with_user(self.other_user)
            .create({"card_id": card.id, "points": 1, "description": "X"})
        )
        with self.assertRaises(AccessError):
            wizard.action_redeem()
        self.assertEqual(self.balance(self.alpha), 20.0)

    # ------------------------------------------------------------------------
    # Adjustments and the append-only history
    # ------------------------------------------------------------------------
    def test_adjust_wizard_managers_only(self):
        """Managers adjust, with a reason, writing an 'adjust' line (a lot
        when positive); relationship users cannot."""
        self.enable()
        card, __ = self.new_card(self.alpha, (100, 1))
        with self.assertRaises(AccessError):
            self.env["idic.points.adjust"].with_user(self.idic_user).with_company(
                self.company_a
            ).create({"card_id": card.id, "points": 10, "reason": "Mine"})
        Adjust = (
            self.env["idic.points.adjust"]
            .with_user(self.idic_manager)
            .with_company(self.company_a)
        )
        Adjust.create(
            {"card_id": card.id, "points": 25, "reason": "Goodwill"}
        ).action_adjust()
        Adjust.create(
            {"card_id": card.id, "points": -10, "reason": "Duplicate"}
        ).action_adjust()
        self.assertRecordValues(
            self.lines(self.alpha, "adjust"),
            [
                {
                    "issued": 25.0,
                    "used": 0.0,
                    "idic_user_id": self.idic_manager.id,
                    "idic_expiry_date": self.today + relativedelta(months=VALIDITY),
                },
                {
                    "issued": 0.0,
                    "used": 10.0,
                    "idic_user_id": self.idic_manager.id,
                    "idic_expiry_date": False,
                },
            ],
        )
        descriptions = self.lines(self.alpha, "adjust").mapped("description")
        self.assertIn("Goodwill", descriptions[0])
        self.assertIn("Duplicate", descriptions[1])
        self.assertEqual(self.balance(self.alpha), 115.0)
        with self.assertRaises(UserError):
            Adjust.create(
                {"card_id": card.id, "points": 0, "reason": "Nothing"}
            ).action_adjust()
        with self.assertRaises(NotNullViolation), mute_logger("odoo.sql_db"):
            Adjust.create({"card_id": card.id, "points": 5})
        self.assertEqual(self.balance(self.alpha), 115.0)

    def test_adjust_wizard_other_company_manager(self):
        """A manager of another company cannot adjust a card of company A."""
        self.enable()
        card, __ = self.new_card(self.alpha, (100, 1))
        with self.assertRaises(AccessError):
            card.with_user(self.other_manager).check_access("read")
        with self.assertRaises(AccessError):
            self.env["idic.points.adjust"].with_user(self.other_manager).create(
                {"card_id": card.id, "points": 1000, "reason": "Not mine"}
            ).action_adjust()
        self.assertEqual(self.balance(self.alpha), 100.0)

    def test_history_append_only(self):
        """Points lines cannot be changed nor deleted, even by the superuser or
        an administrator; only the reminder flag moves."""
        self.enable()
        __, (lot,) = self.new_card(self.alpha, (100, 1))
        admin = self.env.ref("base.user_admin")
        for user in admin | self.idic_admin:
            line = lot.with_user(user).with_company(self.company_a)
            with self.assertRaises(UserError, msg=user.name):
                line.write({"issued": 1000.0})
            with self.assertRaises(UserError, msg=user.name):
                line.unlink()
        sudo_line = lot.sudo()
        with self.assertRaises(UserError):
            sudo_line.write({"issued": 1000.0})
        with self.assertRaises(UserError):
            sudo_line.write({"idic_expiry_date": self.today + timedelta(days=9999)})
        with self.assertRaises(UserError):
            sudo_line.unlink()
        sudo_line.write({"idic_reminded": True})
        self.assertTrue(lot.idic_reminded)
        self.assertEqual(lot.issued, 100.0)
        self.assertEqual(self.balance(self.alpha), 100.0)
        # A relationship user reads them; the access rights alone refuse any
        # change too.
        as_user = lot.with_user(self.idic_user).with_company(self.company_a)
        self.assertEqual(as_user.read(["issued"])[0]["issued"], 100.0)
        for operation in ("write", "create", "unlink"):
            with self.assertRaises(AccessError, msg=operation):
                as_user.check_access(operation)
        with self.assertRaises(UserError):
            as_user.write({"description": "Changed"})

    # ------------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------------
    def test_fifo_expiry(self):
        """Every point used is taken from the oldest lot first (by date, not by
        creation order): only what remains of expired lots expires, once."""
        self.enable()
        T = self.today
        # Created out of date order.
        card, (lot2, lot3, lot1) = self.new_card(
            self.alpha, (50, 380), (80, 100), (100, 400)
        )
        self.assertEqual(
            lot1.idic_expiry_date,
            T - timedelta(days=400) + relativedelta(months=VALIDITY),
        )
        self.assertLess(lot2.idic_expiry_date, T)
        self.assertGreater(lot3.idic_expiry_date, T)
        card._idic_redeem(120, "Spent")  # all of lot 1, 20 of lot 2
        self.new_card(self.beta, (40, 400))  # nothing spent
        gamma_card, __ = self.new_card(self.gamma, (40, 400))
        gamma_card._idic_redeem(40, "All")  # nothing left to expire

        Card = self.Card
        self.assertEqual(Card._idic_expire_points(0, 2**31 - 1, today=T), 2)
        expired = self.lines(self.alpha, "expire")
        self.assertRecordValues(
            expired, [{"used": 30.0, "issued": 0.0, "idic_date": T}]
        )
        self.assertEqual(self.balance(self.alpha), 80.0)
        self.assertEqual(self.balance(self.beta), 0.0)
        self.assertEqual(self.balance(self.gamma), 0.0)
        self.assertFalse(self.lines(self.gamma, "expire"))
        # Idempotent.
        self.assertEqual(Card._idic_expire_points(0, 2**31 - 1, today=T), 0)
        self.assertEqual(len(self.lines(self.alpha, "expire")), 1)
        self.assertEqual(self.balance(self.alpha), 80.0)
        # The day before lot 3 expires, nothing; on the day, all of it.
        Card._idic_expire_points(
            0, 2**31 - 1, today=lot3.idic_expiry_date - timedelta(days=1)
        )
        self.assertEqual(self.balance(self.alpha), 80.0)
        Card._idic_expire_points(0, 2**31 - 1, today=lot3.idic_expiry_date)
        self.assertEqual(self.balance(self.alpha), 0.0)
        self.assertEqual(self.lines(self.alpha, "expire").mapped("used"), [30.0, 80.0])
        self.assertCardConsistent(self.alpha)
        self.assertCardConsistent(self.beta)

    def test_expiry_respects_card_range_and_other_spending(self):
        """Only cards of the id range expire; a credit note and an expiry
        count as used points."""
        self.enable()
        T = self.today
        card, __ = self.new_card(self.alpha, (100, 400), (50, 10))
        beta_card, __ = self.new_card(self.beta, (100, 400))
        card._idic_add_line(-60, "clawback", "Refund", expiry_date=False)
        Card = self.Card
        self.assertEqual(Card._idic_expire_points(card.id, card.id + 1, today=T), 1)
        self.assertEqual(self.balance(self.alpha), 50.0)  # 40 of lot 1 expired
        self.assertEqual(self.balance(self.beta), 100.0)
        self.assertEqual(
            Card._idic_expire_points(beta_card.id, beta_card.id + 1, today=T), 1
        )
        self.assertEqual(self.balance(self.beta), 0.0)

    def test_expired_lines_count_in_statement_totals(self):
        """The net points of the lines (the measure of the points statement)
        sum to the balance, expired lines included."""
        self.enable()
        card, __ = self.new_card(self.alpha, (100, 400), (50, 1))
        card._idic_redeem(20, "Spent")
        self.Card._idic_expire_points(card.id, card.id + 1, today=self.today)
        self.assertEqual(self.balance(self.alpha), 50.0)
        expired = self.lines(self.alpha, "expire")
        self.assertEqual(expired.used, 80.0)
        self.assertEqual(expired.idic_net, -80.0)
        [(net,)] = self.History._read_group(
            [("card_id", "=", card.id)], [], ["idic_net:sum"]
        )
        self.assertEqual(net, 50.0)

    def test_expiry_with_frozen_time(self):
        """Without ``today``, the expiry takes the current day."""
        self.enable()
        card, (lot,) = self.new_card(self.alpha, (100, 0))
        with freeze_time(lot.idic_expiry_date - timedelta(days=1)):
            self.assertEqual(self.Card._idic_expire_points(card.id, card.id + 1), 0)
        self.assertEqual(self.balance(self.alpha), 100.0)
        with freeze_time(lot.idic_expiry_date):
            self.assertEqual(self.Card._idic_expire_points(card.id, card.id + 1), 1)
        self.assertEqual(self.balance(self.alpha), 0.0)

    def test_no_expiry_without_validity(self):
        """With a validity of 0 months, lots never expire."""
        self.enable(idic_points_validity_months=0)
        card, (lot,) = self.new_card(self.alpha, (100, 4000))
        self.assertFalse(lot.idic_expiry_date)
        self.Card._idic_expire_points(card.id, card.id + 1, today=self.today)
        self.assertEqual(self.balance(self.alpha), 100.0)

    def test_expiry_cron(self):
        """The daily job expires the lots whose validity ended and reminds the
        customers of lots about to expire."""
        self.enable()
        T = self.today
        # Lot dates: the old one expires before T+300, the recent one within
        # the 30 notice days after it.
        card, (old, recent) = self.new_card(self.alpha, (100, 100), (40, 50))
        later = T + timedelta(days=300)
        self.assertLess(old.idic_expiry_date, later)
        self.assertGreater(recent.idic_expiry_date, later)
        self.assertLessEqual(recent.idic_expiry_date, later + timedelta(days=30))
        cron = self.env.ref("partner_idic.ir_cron_idic_points_expire")
        with freeze_time(later), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertRecordValues(
            self.lines(self.alpha, "expire"), [{"used": 100.0, "idic_date": later}]
        )
        self.assertEqual(self.balance(self.alpha), 40.0)
        self.assertTrue(recent.idic_reminded)
        self.assertFalse(old.idic_reminded)
        mails = self.env["mail.mail"].search(
            [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
        )
        self.assertEqual(len(mails), 1)
        # The next day: nothing new.
        with freeze_time(later + timedelta(days=1)), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(len(self.lines(self.alpha, "expire")), 1)
        self.assertEqual(self.balance(self.alpha), 40.0)
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
            ),
            1,
        )

    # ------------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------------
    def reminder_mails(self, card):
        return self.env["mail.mail"].search(
            [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
        )

    def test_reminder_once_per_lot(self):
        """One e-mail per lot entering the notice days, never twice; not for
        spent lots; not to do-not-contact, blacklisted or address-less
        customers, whose lots are flagged anyway."""
        self.enable()
        # Lots of other data (the demo's) are reminded first.
        self.Card._idic_send_expiry_reminders()
        T = self.today
        card, (soon, far) = self.new_card(
            self.alpha,
            (100, 300, T + timedelta(days=10)),
            (50, 200, T + timedelta(days=60)),
        )
        Card = self.Card
        self.assertEqual(card._idic_upcoming_expiry(), [(soon.idic_expiry_date, 100.0)])
        self.assertEqual(Card._idic_send_expiry_reminders(), 1)
        mails = self.reminder_mails(card)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.alpha)
        self.assertIn("100", str(mails.body_html))
        self.assertTrue(soon.idic_reminded)
        self.assertFalse(far.idic_reminded)
        self.assertEqual(card._idic_upcoming_expiry(), [])
        # Again: nothing.
        self.assertEqual(Card._idic_send_expiry_reminders(), 0)
        self.assertEqual(len(self.reminder_mails(card)), 1)
        # A new lot about to expire: one more e-mail, for it only.
        __, (new,) = self.new_card(self.alpha, (20, 340, T + timedelta(days=20)))
        self.assertEqual(Card._idic_send_expiry_reminders(), 1)
        self.assertEqual(len(self.reminder_mails(card)), 2)
        self.assertTrue(new.idic_reminded)
        # 40 days later, the far lot enters the notice days.
        self.assertEqual(
            Card._idic_send_expiry_reminders(today=T + timedelta(days=40)), 1
        )
        self.assertTrue(far.idic_reminded)
        self.assertEqual(len(self.reminder_mails(card)), 3)

        # A spent lot is not reminded.
        beta_card, __ = self.new_card(self.beta, (30, 300, T + timedelta(days=10)))
        beta_card._idic_redeem(30, "All")
        self.assertEqual(Card._idic_send_expiry_reminders(), 0)
        self.assertFalse(self.reminder_mails(beta_card))

        # Do not contact, blacklisted, no e-mail: no mail, flagged once.
        self.gamma.idic_do_not_contact = True
        self.env["mail.blacklist"].sudo()._add(self.referrer.email)
        self.assertTrue(self.referrer.is_blacklisted)
        nobody = self.env["res.partner"].create({"name": "No Mail Co"})
        quiet = []
        for partner in self.gamma | self.referrer | nobody:
            quiet_card, (lot,) = self.new_card(
                partner, (30, 300, T + timedelta(days=10))
            )
            quiet.append((quiet_card, lot))
        self.assertEqual(Card._idic_send_expiry_reminders(), 0)
        for quiet_card, lot in quiet:
            self.assertFalse(self.reminder_mails(quiet_card))
            self.assertTrue(lot.idic_reminded)

    def test_no_reminder_without_notice(self):
        self.enable(idic_points_notice_days=0)
        card, (lot,) = self.new_card(
            self.alpha, (100, 300, self.today + timedelta(days=1))
        )
        self.Card._idic_send_expiry_reminders()
        self.assertFalse(self.reminder_mails(card))
        self.assertFalse(lot.idic_reminded)

    # ------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------
    def test_access(self):
        """Relationship users read the cards and history of their companies;
        plain internal users read none; another company's users do not see
        company A's cards."""
        self.enable()
        card, (lot,) = self.new_card(self.alpha, (100, 1))
        as_user = card.with_user(self.idic_user).with_company(self.company_a)
        self.assertEqual(as_user.read(["points"])[0]["points"], 100.0)
        self.assertEqual(
            self.env["loyalty.history"]
            .with_user(self.idic_user)
            .with_company(self.company_a)
            .search([("card_id", "=", card.id)]),
            lot,
        )
        self.assertEqual(
            self.alpha.with_user(self.idic_user)
            .with_company(self.company_a)
            .idic_points_balance,
            100.0,
        )
        # Plain internal users.
        with self.assertRaises(AccessError):
            card.with_user(self.plain_user).with_company(self.company_a).read(
                ["points"]
            )
        with self.assertRaises(AccessError):
            lot.with_user(self.plain_user).with_company(self.company_a).read(["issued"])
        # Another company.
        Other = self.env["loyalty.card"].with_user(self.other_user)
        self.assertFalse(Other.search([("partner_id", "=", self.alpha.id)]))
        with self.assertRaises(AccessError):
            Other.browse(card.id).read(["points"])
        self.assertFalse(
            self.env["loyalty.history"]
            .with_user(self.other_user)
            .search([("card_id", "=", card.id)])
        )
        self.assertEqual(self.alpha.with_user(self.other_user).idic_points_balance, 0.0)
        # Nobody but the add-on writes a card.
        with self.assertRaises(AccessError):
            as_user.write({"points": 1000.0})

    # ------------------------------------------------------------------------
    # The host's wizards on relationship cards
    # ------------------------------------------------------------------------
    def test_host_update_balance_is_an_adjustment(self):
        """The host's "Update Balance" on a relationship card appends an
        adjustment line (manager only): balance and history stay equal and the
        points taken away come from the oldest lot."""
        card, (old_lot, _new_lot) = self.new_card(self.beta, (50, 100), (30, 10))
        Wizard = self.env["loyalty.card.update.balance"]
        # Host rights to the wizard come with the host's sales apps: sudo()
        # stands for them; the user stays who they are.
        wizard = (
            Wizard.with_user(self.idic_user)
            .sudo()
            .create(
                {"card_id": card.id, "new_balance": 60.0, "description": "Goodwill"}
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_update_card_point()
        wizard = (
            Wizard.with_user(self.idic_manager)
            .with_company(self.company_a)
            .sudo()
            .create({"card_id": card.id, "new_balance": 60.0, "description": "Damaged"})
        )
        wizard.action_update_card_point()
        line = self.lines(self.beta, "adjust")
        self.assertRecordValues(
            line,
            [
                {
                    "used": 20.0,
                    "issued": 0.0,
                    "description": "Adjustment: Damaged",
                    "idic_user_id": self.idic_manager.id,
                }
            ],
        )
        self.assertEqual(self.balance(self.beta), 60.0)
        self.assertCardConsistent(self.beta)
        # The 20 points came from the oldest lot: 30 of it expire.
        expiry = old_lot.idic_expiry_date
        self.Card._idic_expire_points(card.id, card.id + 1, today=expiry)
        self.assertEqual(self.balance(self.beta), 30.0)
        with self.assertRaises(ValidationError):
            Wizard.with_user(self.idic_manager).sudo().create(
                {"card_id": card.id, "new_balance": -5.0, "description": "No"}
            ).action_update_card_point()
        # Cards of other programs keep the host's behaviour.
        program = self.env["loyalty.program"].create(
            {
                "name": "Host Loyalty",
                "program_type": "loyalty",
                "company_id": self.company_a.id,
            }
        )
        host_card = self.Card.create(
            {"program_id": program.id, "partner_id": self.beta.id}
        )
        Wizard.create(
            {"card_id": host_card.id, "new_balance": 9.0, "description": "Gift"}
        ).action_update_card_point()
        self.assertEqual(host_card.points, 9.0)
        self.assertFalse(host_card.history_ids.idic_kind)

    def test_merge_partners_moves_the_lots(self):
        """Merging two customers keeps their points and their lots on the
        surviving card: what was earned first still expires first, nothing
        expires on the card left behind."""
        card_b, (lot_b,) = self.new_card(self.beta, (40, 200))
        card_g, (lot_g,) = self.new_card(self.gamma, (25, 100))
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.beta | self.gamma).ids, self.gamma
        )
        self.assertFalse(self.beta.exists())
        self.env.invalidate_all()
        self.assertEqual(card_g.points, 65.0)
        self.assertEqual(card_g.history_ids, lot_b | lot_g)
        self.assertFalse(card_b.history_ids)
        self.assertEqual(lot_b.partner_id, self.gamma)
        self.assertCardConsistent(self.gamma)
        self.Card._idic_expire_points(
            card_b.id, max(card_b.id, card_g.id) + 1, today=lot_b.idic_expiry_date
        )
        self.env.invalidate_all()
        self.assertEqual(card_g.points, 25.0)
        self.assertEqual(card_b.points, 0.0)
        self.assertCardConsistent(self.gamma)


@tagged("post_install", "-at_install")
class TestLoyaltyConcurrency(BaseCase):
    """Two sessions redeem from the same card at the same moment, each in its
    own database transaction: the card never goes below zero, and the second
    waits for the first (the card row is locked before its balance is read).

    The card is committed (other cursors must see it) and deleted after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls._cleanup)
        cls.ids = {}
        ids = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            program = env["loyalty.program"].create(
                {
                    "name": "IDIC concurrency test",
                    "program_type": "loyalty",
                    "company_id": company.id,
                    "trigger": "auto",
                    "applies_on": "both",
                    "rule_ids": [Command.clear()],
                    "communication_plan_ids": [Command.clear()],
                }
            )
            ids["program"] = program.id
            ids["products"] = program.reward_ids.discount_line_product_id.ids
            partner = env["res.partner"].create({"name": "IDIC Concurrent Customer"})
            ids["partner"] = partner.id
            card = (
                env["loyalty.card"]
                .with_context(loyalty_no_mail=True)
                .create({"program_id": program.id, "partner_id": partner.id})
            )
            ids["card"] = card.id
            card._idic_add_line(100, "adjust", "Opening", expiry_date=False)
        # Committed: to be deleted after.
        cls.ids = ids

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            if cls.ids.get("card"):
                cr.execute(
                    "DELETE FROM loyalty_history WHERE card_id = %s", [cls.ids["card"]]
                )
                cr.execute("DELETE FROM loyalty_card WHERE id = %s", [cls.ids["card"]])
            env = api.Environment(cr, SUPERUSER_ID, {})
            if cls.ids.get("program"):
                program = env["loyalty.program"].browse(cls.ids["program"]).exists()
                program.active = False
                program.unlink()
            products = env["product.product"].browse(cls.ids.get("products", []))
            products.exists().product_tmpl_id.unlink()
            env["res.partner"].browse(cls.ids.get("partner", [])).exists().unlink()

    def _state(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT points FROM loyalty_card WHERE id = %s", [self.ids["card"]]
            )
            points = cr.fetchone()[0]
            cr.execute(
                """SELECT COUNT(*), COALESCE(SUM(issued - used), 0)
                     FROM loyalty_history
                    WHERE card_id = %s AND idic_kind = 'redeem'""",
                [self.ids["card"]],
            )
            count, redeemed = cr.fetchone()
        return points, count, redeemed

    @mute_logger("odoo.sql_db")
    def test_concurrent_redemptions_never_overdraw(self):
        """A redeems 70 and holds its transaction open; B, started meanwhile,
        tries to redeem 70 too: B must wait for A inside the redemption (the
        card row is locked), then finds 30 points (after the serialization
        retry every request gets) and is refused. The card ends at 30."""
        a_redeemed = threading.Event()
        release_a = threading.Event()
        b_started = threading.Event()
        b_returned = threading.Event()
        results = {"b_retries": 0}

        def env_of(cr):
            # Give the cursor its transaction on this registry: looking the
            # registry up by name waits for the registry lock, which Odoo's
            # test runner holds while it runs the tests.
            cr.transaction = Transaction(self.registry)
            return api.Environment(cr, SUPERUSER_ID, {})

        def redeem_a():
            try:
                with self.registry.cursor() as cr:
                    card = env_of(cr)["loyalty.card"].browse(self.ids["card"])
                    card._idic_redeem(70, "A")
                    cr.flush()
                    a_redeemed.set()
                    release_a.wait(20)
                results["a"] = "ok"
            except Exception as error:
                results["a"] = error
            finally:
                a_redeemed.set()

        def redeem_b():
            try:
                with self.registry.cursor() as cr:
                    env = env_of(cr)
                    card = env["loyalty.card"].browse(self.ids["card"])
                    # Read before A commits: B's snapshot still holds 100.
                    results["b_seen"] = card.points
                    for __ in range(3):
                        try:
                            b_started.set()
                            card._idic_redeem(70, "B")
                            b_returned.set()
                            cr.flush()
                            results["b"] = "ok"
                            break
                        except (SerializationFailure, LockNotAvailable):
                            results["b_retries"] += 1
                            cr.rollback()  # clears the cache too
                        except UserError as error:
                            results["b"] = error
                            break
            except Exception as error:
                results["b"] = error
            finally:
                b_started.set()

        thread_a = threading.Thread(target=redeem_a)
        thread_b = threading.Thread(target=redeem_b)
        try:
            thread_a.start()
            self.assertTrue(a_redeemed.wait(20), "A never redeemed")
            self.assertEqual(results.get("a"), None, results.get("a"))
            thread_b.start()
            self.assertTrue(b_started.wait(20), "B never started")
            # A holds the card: B cannot come back from its redemption.
            waited = not b_returned.wait(1.5)
        finally:
            release_a.set()
            thread_a.join(30)
            thread_b.join(30)
        self.assertFalse(thread_a.is_alive() or thread_b.is_alive(), "deadlock")
        self.assertEqual(results["a"], "ok")
        self.assertEqual(results["b_seen"], 100.0)
        self.assertIsInstance(results.get("b"), UserError, results)
        self.assertEqual(self._state(), (30.0, 1, -70.0))
        self.assertTrue(
            waited,
            "B redeemed without waiting for A's transaction: the card row is not "
            "locked before its balance is read",
        )
