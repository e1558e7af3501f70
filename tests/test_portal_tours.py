# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal in the browser (issue #27), each flow in English and
in Persian: editing preferences, renewing and paying a membership with the
demo payment provider, giving once, following a referral link to sign up.

The tours (static/tests/tours/partner_idic_portal_tour.js) run the same steps
in both languages (``<tour>_en``, ``<tour>_fa``) and first check that the
page is in the tour's language and direction; the records they make are
checked here, the same for both languages."""

from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from ..models.idic_context import grant
from .portal_common import PortalCase, donation_product

PERSIAN = "fa_IR"


@tagged("post_install", "-at_install")
class TestPortalTours(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enable_demo_payment()
        # Persian with the add-on's terms, loaded once for every tour.
        cls.env["res.lang"]._activate_lang(PERSIAN)
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], [PERSIAN], overwrite=True
        )
        cls.books = cls.env["idic.interest"].create({"name": "Tour Books"})
        cls.membership_product = cls.env["product.product"].create(
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
        cls.env.company.idic_portal_donation_product_id = donation_product(cls.env)
        cls.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        cls.referrer = cls.env["res.partner"].create(
            {"name": "Tour Referrer Co", "is_company": True}
        )

    def in_language(self, lang):
        """Anna reads the portal in ``lang`` (``en`` or ``fa``); returns the
        suffix of the tours of that language."""
        self.anna_user.lang = PERSIAN if lang == "fa" else "en_US"
        return lang

    # Editing preferences ----------------------------------------------------

    def run_preferences(self, lang):
        self.start_tour(
            "/my/relationship",
            f"partner_idic_portal_preferences_{self.in_language(lang)}",
            login=self.anna_user.login,
        )
        self.assertEqual(self.acme.idic_preferred_channel, "sms")
        self.assertEqual(self.acme.idic_contact_frequency, 90)
        self.assertEqual(self.acme.idic_interest_ids, self.books)
        interaction = self.env["idic.interaction"].search(
            [("commercial_partner_id", "=", self.acme.id)]
        )
        self.assertEqual(
            (interaction.channel, interaction.direction), ("web_form", "inbound")
        )

    def test_tour_preferences_en(self):
        self.run_preferences("en")

    def test_tour_preferences_fa(self):
        self.run_preferences("fa")

    # Renewing and paying a membership ----------------------------------------

    def run_renew(self, lang):
        end = self.today + timedelta(days=5)
        grant(self.env["membership.membership_line"], "idic_join_kind").create(
            {
                "partner_id": self.anna.id,
                "membership_id": self.membership_product.id,
                "member_price": 40.0,
                "date": self.today - timedelta(days=360),
                "date_from": self.today - timedelta(days=360),
                "date_to": end,
                "state": "paid",
            }
        )
        self.env["res.partner"]._idic_member_refresh()
        self.start_tour(
            "/my/membership",
            f"partner_idic_portal_renew_{self.in_language(lang)}",
            login=self.anna_user.login,
        )
        invoice = self.anna.member_line_ids.account_invoice_id
        self.assertEqual((invoice.state, invoice.payment_state), ("posted", "paid"))
        self.assertEqual(
            invoice.invoice_line_ids.membership_line_ids.date_from,
            end + timedelta(days=1),
        )
        self.assertGreater(self.anna.idic_member_end, end)

    def test_tour_renew_and_pay_en(self):
        self.run_renew("en")

    def test_tour_renew_and_pay_fa(self):
        self.run_renew("fa")

    # Giving once --------------------------------------------------------------

    def run_give(self, lang):
        self.start_tour(
            "/my/giving",
            f"partner_idic_portal_give_{self.in_language(lang)}",
            login=self.anna_user.login,
        )
        gift = self.env["account.move"].search(
            [("partner_id", "=", self.anna.id), ("move_type", "=", "out_invoice")]
        )
        self.assertEqual((gift.amount_total, gift.payment_state), (25.0, "paid"))

    def test_tour_give_en(self):
        self.run_give("en")

    def test_tour_give_fa(self):
        self.run_give("fa")

    # Following a referral link to sign up -------------------------------------

    def run_referral(self, lang):
        # A visitor has no user: its language is the one it chose on the
        # site (the host's frontend_lang cookie).
        self.start_tour(
            f"/ref/{self.referrer.idic_referral_code}",
            f"partner_idic_portal_referral_{lang}",
            login=None,
            cookies={"frontend_lang": PERSIAN if lang == "fa" else "en_US"},
        )
        user = self.env["res.users"].search(
            [("login", "=", "tina.tourist@example.com")]
        )
        self.assertTrue(user.share)
        self.assertEqual(user.partner_id.idic_referred_by_id, self.referrer)
        self.assertEqual(user.lang, PERSIAN if lang == "fa" else "en_US")

    def test_tour_referral_signup_en(self):
        self.run_referral("en")

    def test_tour_referral_signup_fa(self):
        self.run_referral("fa")
