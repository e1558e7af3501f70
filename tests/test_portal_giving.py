# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/giving (issue #27): the donor's gifts by fiscal year with their
receipts and yearly summaries, and Give paid online through the host's
payment, thanked with the receipt; another donor's receipt is never shown."""

from datetime import date

from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import PortalCase, donation_product, pay_at_desk


@tagged("post_install", "-at_install")
class TestPortalGiving(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.enable_demo_payment()
        cls.company.write({"fiscalyear_last_month": "12", "fiscalyear_last_day": 31})
        cls.product = donation_product(cls.env)
        cls.company.idic_portal_donation_product_id = cls.product
        this_year = cls.today.year
        # Acme gave twice this fiscal year (one gift refunded in part), once
        # last year and once two years ago (fully refunded: no gift).
        cls.gift_this = cls.gift(cls.anna, date(this_year, 1, 15), 100.0)
        cls.gift_this_2 = cls.gift(cls.acme, date(this_year, 1, 20), 50.0)
        cls.make_invoice(
            cls.acme,
            date(this_year, 1, 25),
            [(cls.product, 20.0)],
            cls.company,
            move_type="out_refund",
            refund_of=cls.gift_this_2,
        )
        cls.gift_last = cls.gift(cls.acme, date(this_year - 1, 6, 1), 70.0)
        cls.gift_refunded = cls.gift(cls.acme, date(this_year - 2, 6, 1), 40.0)
        cls.make_invoice(
            cls.acme,
            date(this_year - 2, 6, 2),
            [(cls.product, 40.0)],
            cls.company,
            move_type="out_refund",
            refund_of=cls.gift_refunded,
        )
        cls.gift_unpaid = cls.gift(
            cls.acme, date(this_year - 1, 7, 1), 10.0, paid=False
        )
        cls.order = cls.make_invoice(
            cls.acme, date(this_year, 1, 3), [("Order", 500.0)], cls.company
        )
        pay_at_desk(cls.env, cls.order)
        cls.rival_gift = cls.gift(cls.rob, date(this_year, 1, 10), 999.0)

    @classmethod
    def gift(cls, partner, day, amount, paid=True):
        move = cls.make_invoice(partner, day, [(cls.product, amount)], cls.company)
        return pay_at_desk(cls.env, move) if paid else move

    def test_gifts_by_fiscal_year(self):
        self.login(self.anna_user)
        page = self.url_open("/my/giving")
        self.assertEqual(page.status_code, 200)
        text = page.text
        this_year, last_year = self.today.year, self.today.year - 1
        self.assertEqual(text.count("o_idic_gift_year"), 2)
        self.assertIn(f"<span>Fiscal year</span> {this_year}", text)
        self.assertIn(f"<span>Fiscal year</span> {last_year}", text)
        # This year: 100 + (50 - 20) = 130; last year 70 + 10 (to pay).
        self.assertIn("130.00", text)
        self.assertIn("80.00", text)
        self.assertIn(self.gift_this.name, text)
        self.assertIn(self.gift_unpaid.name, text)
        self.assertNotIn(self.gift_refunded.name, text)
        self.assertNotIn(self.order.name, text)
        self.assertNotIn(self.rival_gift.name, text)
        self.assertNotIn("999.00", text)
        # Receipts for the paid gifts; the unpaid one is to pay.
        self.assertEqual(text.count("o_idic_gift_receipt"), 3)
        self.assertIn(f"/my/giving/receipt/{self.gift_this.id}", text)
        self.assertNotIn(f"/my/giving/receipt/{self.gift_unpaid.id}", text)
        self.assertIn(f"/my/giving/summary/{this_year}", text)
        self.assertIn("o_idic_give_form", text)

    def test_receipts_only_of_its_own_paid_gifts(self):
        self.login(self.anna_user)
        own = self.url_open(f"/my/giving/receipt/{self.gift_this.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn("Donation Receipt", own.text)
        self.assertIn(self.gift_this.name, own.text)
        # The host's invoice page offers the receipt too.
        page = self.url_open(f"/my/invoices/{self.gift_this.id}")
        self.assertIn("o_idic_invoice_receipt", page.text)
        for move, status in (
            (self.rival_gift, 403),  # another customer's gift
            (self.gift_unpaid, 404),  # not paid: no receipt yet
            (self.order, 404),  # not a gift
            (self.gift_refunded, 404),  # refunded: no gift
        ):
            with self.subTest(move=move.name):
                response = self.url_open(f"/my/giving/receipt/{move.id}")
                self.assertEqual(response.status_code, status)
                self.assertNotIn("Donation Receipt", response.text)
        self.assertEqual(self.url_open("/my/giving/receipt/999999999").status_code, 404)

    def test_yearly_summary(self):
        self.login(self.anna_user)
        this_year = self.today.year
        summary = self.url_open(f"/my/giving/summary/{this_year}")
        self.assertEqual(summary.status_code, 200)
        self.assertIn("Annual Donation Summary", summary.text)
        self.assertIn(self.gift_this.name, summary.text)
        self.assertNotIn(self.rival_gift.name, summary.text)
        for year in (this_year - 2, 1999, 99999):
            with self.subTest(year=year):
                self.assertEqual(
                    self.url_open(f"/my/giving/summary/{year}").status_code, 404
                )

    def test_give_and_pay_online(self):
        self.login(self.anna_user)
        response = self.post_form("/my/giving/give", "/my/giving", {"amount": "42.5"})
        self.assertEqual(response.status_code, 303)
        pay_url = self.path_of(response)
        self.assertTrue(pay_url.startswith("/payment/pay?"), pay_url)
        gift = self.env["account.move"].search(
            [("partner_id", "=", self.anna.id), ("state", "=", "draft")]
        )
        self.assertEqual(len(gift), 1)
        self.assertEqual(gift.amount_total, 42.5)
        self.assertEqual(gift.invoice_line_ids.product_id, self.product)
        # Not paid yet: no gift counted anywhere.
        self.assertFalse(
            self.env["idic.donation.report"].search([("move_id", "=", gift.id)])
        )
        landing = self.pay_with_demo(pay_url)
        self.assertEqual(landing["state"], "done")
        self.assertEqual(landing["landing_route"], f"/my/giving?paid={gift.id}")
        self.assertEqual((gift.state, gift.payment_state), ("posted", "paid"))
        self.assertEqual(gift.invoice_date, self.today)
        page = self.url_open(landing["landing_route"]).text
        self.assertIn("Thank you for your gift", page)
        self.assertIn(f"/my/giving/receipt/{gift.id}", page)
        self.assertIn(gift.name, page)
        # Thanked by e-mail with the receipt attached.
        mail = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", gift.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Thank you for your gift", mail.subject)
        self.assertTrue(mail.attachment_ids)
        self.assertEqual(
            self.url_open(f"/my/giving/receipt/{gift.id}").status_code, 200
        )

    def test_bad_amounts_are_refused(self):
        self.login(self.anna_user)
        for amount in (
            "",
            "abc",
            "nan",
            "inf",
            "-inf",
            "-5",
            "0",
            "1e9",
            "1e400",
            "0.001",
        ):
            with self.subTest(amount=amount):
                response = self.post_form(
                    "/my/giving/give", "/my/giving", {"amount": amount}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("Give an amount between", response.text)
        response = self.post_form(
            "/my/giving/give", "/my/giving", {"amount": "10", "fund_id": "1"}
        )
        self.assertIn("Choose a fund from the list.", response.text)
        self.assertFalse(
            self.env["account.move"].search(
                [("partner_id", "=", self.anna.id), ("state", "=", "draft")]
            )
        )

    def test_no_online_gift_without_its_product(self):
        self.company.idic_portal_donation_product_id = False
        self.login(self.anna_user)
        self.assertIn("Online gifts are not open.", self.url_open("/my/giving").text)
        response = self.post_form("/my/giving/give", "/my/giving", {"amount": "10"})
        self.assertIn("Online gifts are not open.", response.text)

    @mute_logger("odoo.http")
    def test_give_needs_the_csrf_token(self):
        self.login(self.anna_user)
        response = self.post_form(
            "/my/giving/give", "/my/giving", {"amount": "10"}, token=False
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(
            self.env["account.move"].search(
                [("partner_id", "=", self.anna.id), ("state", "=", "draft")]
            )
        )

    def test_thanks_only_for_its_own_gift(self):
        self.login(self.anna_user)
        page = self.url_open(f"/my/giving?paid={self.rival_gift.id}").text
        self.assertNotIn("Thank you for your gift", page)
        self.assertNotIn(self.rival_gift.name, page)

    def test_page_queries_do_not_grow_with_history(self):
        def queries():
            self.url_open("/my/giving")
            before = self.cr.sql_log_count
            self.assertEqual(self.url_open("/my/giving").status_code, 200)
            return self.cr.sql_log_count - before

        self.login(self.rob_user)
        short = queries()
        for year in range(1, 6):
            for month in (3, 9):
                self.gift(self.rob, date(self.today.year - year, month, 1), 10.0 * year)
        self.assertEqual(queries(), short)

    def test_a_donor_with_nothing(self):
        lone = self.env["res.partner"].create({"name": "Lone Donor"})
        user = self.portal_user("idic_pt_lone", lone)
        self.login(user)
        page = self.url_open("/my/giving")
        self.assertEqual(page.status_code, 200)
        self.assertIn("No gift yet.", page.text)
        self.assertEqual(
            self.url_open(f"/my/giving/summary/{self.today.year}").status_code, 404
        )
