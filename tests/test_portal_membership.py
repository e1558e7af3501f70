# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/membership (issue #27): the member's status, periods and card, and
Renew paid online with the host's payment, the membership continuing
without a gap exactly as a renewal paid at the desk."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.idic_context import grant
from .portal_common import PortalCase, pay_at_desk


@tagged("post_install", "-at_install")
class TestPortalMembership(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.enable_demo_payment()
        cls.company.write({"idic_member_grace_days": 30, "idic_member_new_days": 0})
        cls.annual = cls.env["product.product"].create(
            {
                "name": "Portal Annual Membership",
                "type": "service",
                "membership": True,
                "list_price": 75.0,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
                "taxes_id": [Command.clear()],
            }
        )
        Partner = cls.env["res.partner"]
        cls.mia = Partner.create({"name": "Mia Member", "email": "mia@example.com"})
        cls.mia_user = cls.portal_user("idic_pt_mia", cls.mia)
        cls.max = Partner.create({"name": "Max Member", "email": "max@example.com"})
        cls.max_user = cls.portal_user("idic_pt_max", cls.max)
        cls.end = cls.today + timedelta(days=10)
        cls.mia_line = cls.member_line(
            cls.mia, cls.today - timedelta(days=355), cls.end
        )
        cls.max_line = cls.member_line(
            cls.max, cls.today - timedelta(days=380), cls.today - timedelta(days=15)
        )

    @classmethod
    def member_line(cls, partner, date_from, date_to, state="paid"):
        line = grant(cls.env["membership.membership_line"], "idic_join_kind").create(
            {
                "partner_id": partner.id,
                "membership_id": cls.annual.id,
                "member_price": 75.0,
                "date": date_from,
                "date_from": date_from,
                "date_to": date_to,
                "state": state,
            }
        )
        cls.env["res.partner"]._idic_member_refresh()
        return line

    def renew(self, user, product=None):
        self.login(user)
        return self.post_form(
            "/my/membership/renew",
            "/my/membership",
            {"product_id": str((product or self.annual).id)},
        )

    def test_page_shows_status_period_history_and_grace(self):
        self.login(self.mia_user)
        page = self.url_open("/my/membership")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Current Member", page.text)
        self.assertIn("Portal Annual Membership", page.text)
        self.assertEqual(page.text.count("o_idic_member_line"), 1)
        self.assertIn("o_idic_member_card", page.text)
        self.assertNotIn("Max Member", page.text)
        # Max ended 15 days ago: in grace, renewing without a break until the
        # end of its grace period.
        self.assertEqual(self.max.idic_member_status, "grace")
        self.login(self.max_user)
        page = self.url_open("/my/membership").text
        self.assertIn("In Grace Period", page)
        self.assertIn("Renew without a break until", page)

    def test_renew_and_pay_online_continues_without_a_gap(self):
        response = self.renew(self.mia_user)
        self.assertEqual(response.status_code, 303)
        pay_url = self.path_of(response)
        self.assertTrue(pay_url.startswith("/payment/pay?"), pay_url)
        invoice = self.mia.member_line_ids.account_invoice_id
        self.assertEqual(len(invoice), 1)
        self.assertEqual((invoice.state, invoice.amount_total), ("draft", 75.0))
        line = invoice.invoice_line_ids.membership_line_ids
        self.assertEqual(line.date_from, self.end + timedelta(days=1))
        # Unpaid, the draft renews nothing yet.
        self.assertEqual(self.mia.idic_member_end, self.end)
        # Renew again before paying: the same invoice, not a second one.
        self.assertEqual(self.path_of(self.renew(self.mia_user)), pay_url)
        self.assertEqual(len(self.mia.member_line_ids.account_invoice_id), 1)
        page = self.url_open("/my/membership").text
        self.assertIn("Pay my renewal", page)

        landing = self.pay_with_demo(pay_url)
        self.assertEqual(landing["state"], "done")
        self.assertEqual(landing["landing_route"], f"/my/membership?paid={invoice.id}")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.idic_join_kind, "renew")
        self.assertEqual(line.date_from, self.mia_line.date_to + timedelta(days=1))
        self.assertEqual(self.mia.idic_member_end, self.end + relativedelta(years=1))
        self.assertEqual(self.mia.idic_member_status, "current")
        page = self.url_open(landing["landing_route"]).text
        self.assertIn("Thank you: your payment is received", page)

    def test_same_renewal_as_at_the_desk(self):
        """A member in grace renewing online gets the period, join kind and
        status a renewal invoiced and paid at the desk gives."""
        desk_member = self.env["res.partner"].create({"name": "Desk Member"})
        self.member_line(desk_member, self.max_line.date_from, self.max_line.date_to)
        wizard = (
            self.env["idic.member.renew"]
            .with_user(self.env.ref("base.user_admin"))
            .create({"partner_id": desk_member.id, "product_id": self.annual.id})
        )
        desk_invoice = self.env["account.move"].browse(wizard.action_renew()["res_id"])
        desk_invoice.action_post()
        pay_at_desk(self.env, desk_invoice)

        response = self.renew(self.max_user)
        self.pay_with_demo(self.path_of(response))
        online_invoice = self.max.member_line_ids.account_invoice_id
        online = online_invoice.invoice_line_ids.membership_line_ids
        desk = desk_invoice.invoice_line_ids.membership_line_ids
        self.assertEqual(
            (online.date_from, online.date_to, online.idic_join_kind, online.state),
            (desk.date_from, desk.date_to, desk.idic_join_kind, desk.state),
        )
        self.assertEqual(online.date_from, self.max_line.date_to + timedelta(days=1))
        self.assertEqual(
            (
                self.max.idic_member_status,
                self.max.idic_member_end,
                self.max.idic_member_since,
            ),
            (
                desk_member.idic_member_status,
                desk_member.idic_member_end,
                desk_member.idic_member_since,
            ),
        )
        self.assertEqual(online_invoice.amount_total, desk_invoice.amount_total)

    def test_a_failed_payment_renews_nothing(self):
        response = self.renew(self.mia_user)
        landing = self.pay_with_demo(self.path_of(response), state="error")
        self.assertEqual(landing["state"], "error")
        invoice = self.mia.member_line_ids.account_invoice_id
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(self.mia.idic_member_end, self.end)

    def test_what_cannot_be_renewed_online(self):
        other = self.env["product.product"].create(
            {
                "name": "Portal Gold Membership",
                "membership": True,
                "list_price": 1.0,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
            }
        )
        for product_id in (other.id, "abc", "", "-1", "99999999999"):
            with self.subTest(product=product_id):
                self.login(self.mia_user)
                response = self.post_form(
                    "/my/membership/renew",
                    "/my/membership",
                    {"product_id": str(product_id)},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("Choose a membership from the list.", response.text)
        self.assertFalse(self.mia.member_line_ids.account_invoice_id)
        # A free member, a withdrawn one and a customer who is no member.
        self.max.free_member = True
        self.env["res.partner"]._idic_member_refresh()
        for user, message in (
            (self.max_user, "You are a free member"),
            (self.anna_user, "You are not a member yet."),
        ):
            with self.subTest(user=user.login):
                response = self.renew(user)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.max.free_member = False
        self.max._idic_member_withdraw(self.today, "Moved away")
        self.env["res.partner"]._idic_member_refresh()
        response = self.renew(self.max_user)
        self.assertIn("You withdrew from the membership", response.text)
        self.assertFalse(self.max.member_line_ids.account_invoice_id)

    @mute_logger("odoo.http")
    def test_renew_needs_the_csrf_token(self):
        self.login(self.mia_user)
        response = self.post_form(
            "/my/membership/renew",
            "/my/membership",
            {"product_id": str(self.annual.id)},
            token=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.mia.member_line_ids.account_invoice_id)

    def test_membership_card(self):
        self.login(self.mia_user)
        card = self.url_open("/my/membership/card")
        self.assertEqual(card.status_code, 200)
        self.assertIn("Membership Card", card.text)
        self.assertIn("Mia Member", card.text)
        self.assertIn("Portal Annual Membership", card.text)
        self.assertNotIn("Max Member", card.text)
        # No card for who is no member; nobody else's card can be asked for.
        self.login(self.anna_user)
        self.assertEqual(self.url_open("/my/membership/card").status_code, 404)
        self.assertEqual(
            self.url_open(f"/my/membership/card?partner_id={self.mia.id}").status_code,
            404,
        )

    def test_thanks_only_for_its_own_paid_invoice(self):
        """The landing page's id is looked for among the member's own
        invoices: another member's paid renewal thanks nobody."""
        response = self.renew(self.mia_user)
        self.pay_with_demo(self.path_of(response))
        invoice = self.mia.member_line_ids.account_invoice_id
        self.login(self.max_user)
        page = self.url_open(f"/my/membership?paid={invoice.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Thank you: your payment is received", page.text)
        self.assertNotIn("Mia Member", page.text)
        # The host's record rules keep Mia's invoice from Max.
        self.assertNotEqual(
            self.url_open(
                f"/my/invoices/{invoice.id}", allow_redirects=False
            ).status_code,
            200,
        )

    def test_page_queries_do_not_grow_with_history(self):
        def queries():
            self.url_open("/my/membership")
            before = self.cr.sql_log_count
            self.assertEqual(self.url_open("/my/membership").status_code, 200)
            return self.cr.sql_log_count - before

        self.login(self.max_user)
        short = queries()
        start = self.max_line.date_from
        for year in range(1, 6):
            self.member_line(
                self.max,
                start - timedelta(days=365 * year),
                start - timedelta(days=365 * (year - 1) + 1),
            )
        self.assertEqual(len(self.max.member_line_ids), 6)
        self.assertEqual(queries(), short)
