# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal in the browser (issue #27), in English and Persian:
editing preferences, renewing and paying a membership with the demo payment
provider, giving once, following a referral link to sign up."""

from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from ..models.idic_context import grant
from .portal_common import PortalCase, donation_product


@tagged("post_install", "-at_install")
class TestPortalTours(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enable_demo_payment()

    def persian(self, user):
        """``user`` reads the portal in Persian (right to left)."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        user.lang = "fa_IR"

    def test_tour_preferences_in_persian(self):
        books = self.env["idic.interest"].create({"name": "Tour Books"})
        self.persian(self.anna_user)
        self.start_tour(
            "/my/relationship",
            "partner_idic_portal_preferences",
            login=self.anna_user.login,
        )
        self.assertEqual(self.acme.idic_preferred_channel, "sms")
        self.assertEqual(self.acme.idic_contact_frequency, 90)
        self.assertEqual(self.acme.idic_interest_ids, books)
        interaction = self.env["idic.interaction"].search(
            [("commercial_partner_id", "=", self.acme.id)]
        )
        self.assertEqual(
            (interaction.channel, interaction.direction), ("web_form", "inbound")
        )

    def test_tour_renew_and_pay(self):
        product = self.env["product.product"].create(
            {
                "name": "Tour Annual Membership",
                "type": "service",
                "membership": True,
                "list_price": 40.0,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
                "taxes_id": [Command.clear()],
            }
        )
        today = self.today
        end = today + timedelta(days=5)
        grant(self.env["membership.membership_line"], "idic_join_kind").create(
            {
                "partner_id": self.anna.id,
                "membership_id": product.id,
                "member_price": 40.0,
                "date": today - timedelta(days=360),
                "date_from": today - timedelta(days=360),
                "date_to": end,
                "state": "paid",
            }
        )
        self.env["res.partner"]._idic_member_refresh()
        self.start_tour(
            "/my/membership", "partner_idic_portal_renew", login=self.anna_user.login
        )
        invoice = self.anna.member_line_ids.account_invoice_id
        self.assertEqual((invoice.state, invoice.payment_state), ("posted", "paid"))
        self.assertEqual(
            invoice.invoice_line_ids.membership_line_ids.date_from,
            end + timedelta(days=1),
        )
        self.assertGreater(self.anna.idic_member_end, end)

    def test_tour_give_in_persian(self):
        self.company.idic_portal_donation_product_id = donation_product(self.env)
        self.persian(self.anna_user)
        self.start_tour(
            "/my/giving", "partner_idic_portal_give", login=self.anna_user.login
        )
        gift = self.env["account.move"].search(
            [("partner_id", "=", self.anna.id), ("move_type", "=", "out_invoice")]
        )
        self.assertEqual((gift.amount_total, gift.payment_state), (25.0, "paid"))

    def test_tour_referral_signup(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        referrer = self.env["res.partner"].create(
            {"name": "Tour Referrer Co", "is_company": True}
        )
        self.start_tour(
            f"/r/{referrer.idic_referral_code}",
            "partner_idic_portal_referral",
            login=None,
        )
        user = self.env["res.users"].search(
            [("login", "=", "tina.tourist@example.com")]
        )
        self.assertTrue(user.share)
        self.assertEqual(user.partner_id.idic_referred_by_id, referrer)
