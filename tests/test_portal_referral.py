# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Referral codes and links (issue #27): every customer has a code, its link
leads to the host's sign-up, and "Who referred you?" records a referral once,
never by itself, never in a circle, never after the window."""

import re
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.res_partner_referral import CODE_ALPHABET, CODE_LENGTH
from .portal_common import PortalCase


@tagged("post_install", "-at_install")
class TestReferralCodes(PortalCase):
    def test_every_customer_has_its_own_code(self):
        Partner = self.env["res.partner"]
        people = Partner.create([{"name": f"Code Person {i}"} for i in range(30)])
        company = Partner.create({"name": "Code Co", "is_company": True})
        contact = Partner.create({"name": "Code Contact", "parent_id": company.id})
        codes = (people | company).mapped("idic_referral_code")
        self.assertEqual(len(set(codes)), 31)
        for code in codes:
            self.assertEqual(len(code), CODE_LENGTH)
            self.assertTrue(set(code) <= set(CODE_ALPHABET), code)
        # Not derived from ids: two partners created one after the other share
        # no prefix or pattern a visitor could walk through.
        self.assertFalse(contact.idic_referral_code)
        self.assertEqual(contact._idic_referral_code_get(), company.idic_referral_code)
        # A duplicate is a new customer with a new code.
        copy = company.copy()
        self.assertTrue(copy.idic_referral_code)
        self.assertNotEqual(copy.idic_referral_code, company.idic_referral_code)
        # A contact that leaves its company gets one when it is asked for.
        contact.parent_id = False
        self.assertNotEqual(
            contact._idic_referral_code_get(), company.idic_referral_code
        )
        self.assertTrue(contact.idic_referral_code)

    def test_codes_given_to_the_customers_without_one(self):
        """Installing or upgrading gives every customer without a code one,
        set-based; codes drawn twice are drawn again."""
        Partner = self.env["res.partner"]
        people = Partner.create([{"name": f"Fill {i}"} for i in range(20)])
        self.env.cr.execute(
            "UPDATE res_partner SET idic_referral_code = NULL WHERE id IN %s",
            [tuple(people.ids)],
        )
        # Three customers holding the same code (as collisions would leave).
        self.env.cr.execute("DROP INDEX res_partner_idic_referral_code_uniq")
        self.env.cr.execute(
            "UPDATE res_partner SET idic_referral_code = 'DUPLICATE1' WHERE id IN %s",
            [tuple(people[:3].ids)],
        )
        people.invalidate_recordset(["idic_referral_code"])
        self.assertEqual(Partner._idic_referral_fill_codes(), 17)
        codes = people.mapped("idic_referral_code")
        self.assertTrue(all(codes))
        self.assertEqual(len(set(codes)), 20)
        self.assertEqual(Partner._idic_referral_fill_codes(), 0)

    def test_nobody_writes_a_code_by_hand(self):
        manager = self.env.ref("base.user_admin")
        for user in (manager, self.anna_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.acme.with_user(user).write(
                        {"idic_referral_code": "MINE123456"}
                    )
        self.assertNotEqual(self.acme.idic_referral_code, "MINE123456")


@tagged("post_install", "-at_install")
class TestReferralClaims(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.idic_referral_claim_days = 30
        cls.company.idic_referral_points = 25.0

    def claim(self, user, code):
        self.login(user)
        return self.post_form(
            "/my/relationship/referral", "/my/relationship", {"code": code}
        )

    def assertRefused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_idic_portal_error", response.text)
        self.assertIn(message, response.text)

    def test_who_referred_you(self):
        code = self.rival.idic_referral_code
        # Typed by hand: lower case, spaces and dashes are forgiven.
        typed = f" {code[:4].lower()}-{code[4:]} "
        response = self.claim(self.anna_user, typed)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.path_of(response), "/my/relationship?referred=1")
        self.assertEqual(self.acme.idic_referred_by_id, self.rival)
        self.assertIn(
            "referral code entered in the customer portal",
            self.acme.message_ids[0].body,
        )
        page = self.url_open("/my/relationship").text
        self.assertIn("You were referred by Rival Portal Co", page)
        self.assertNotIn("o_idic_referral_claim", page)
        # The referrer sees it brought one customer; once Acme's first
        # invoice is paid, the points it earned.
        self.login(self.rob_user)
        page = self.url_open("/my/relationship").text
        self.assertIn('o_idic_referral_brought">1<', page)
        self.assertIn('o_idic_referral_points">0<', page)
        invoice = self.make_invoice(
            self.acme, self.today, [("Order", 100.0)], self.company
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({}).action_create_payments()
        page = self.url_open("/my/relationship").text
        self.assertIn('o_idic_referral_points">25 Points<', page)

    def test_own_code_unknown_code_and_reuse_are_refused(self):
        self.assertRefused(
            self.claim(self.anna_user, self.acme.idic_referral_code),
            "This is your own referral code",
        )
        self.assertRefused(
            self.claim(self.anna_user, "NOSUCHCODE"),
            "No customer has the referral code",
        )
        self.assertRefused(
            self.claim(self.anna_user, "<script>"), "No customer has the referral code"
        )
        self.assertFalse(self.acme.idic_referred_by_id)
        self.claim(self.anna_user, self.rival.idic_referral_code)
        self.assertEqual(self.acme.idic_referred_by_id, self.rival)
        third = self.env["res.partner"].create({"name": "Third Co", "is_company": True})
        response = self.claim(self.anna_user, third.idic_referral_code)
        self.assertRefused(response, "Your referral is recorded already")
        self.assertEqual(self.acme.idic_referred_by_id, self.rival)

    def test_never_a_circle(self):
        # Rival was referred by Acme: Acme cannot be referred by Rival.
        self.rival.idic_referred_by_id = self.anna
        response = self.claim(self.anna_user, self.rival.idic_referral_code)
        self.assertRefused(response, "go round in a circle")
        self.assertFalse(self.acme.idic_referred_by_id)
        # A code of its own company's contact is its own code.
        self.assertRefused(
            self.claim(self.anna_user, self.anna._idic_referral_code_get()),
            "This is your own referral code",
        )

    def test_within_the_window_after_the_first_invoice(self):
        self.make_invoice(
            self.acme, self.today - timedelta(days=31), [("Order", 50.0)], self.company
        )
        self.assertRefused(
            self.claim(self.anna_user, self.rival.idic_referral_code),
            "until 30 days after your first invoice",
        )
        page = self.url_open("/my/relationship").text
        self.assertNotIn("o_idic_referral_claim", page)
        self.company.idic_referral_claim_days = 31
        response = self.claim(self.anna_user, self.rival.idic_referral_code)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.acme.idic_referred_by_id, self.rival)

    @mute_logger("odoo.http")
    def test_claim_needs_the_csrf_token(self):
        self.login(self.anna_user)
        response = self.post_form(
            "/my/relationship/referral",
            "/my/relationship",
            {"code": self.rival.idic_referral_code},
            token=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.acme.idic_referred_by_id)

    def test_link_of_a_logged_in_customer(self):
        """A customer following a link lands on "Who referred you?" with the
        code filled in."""
        self.login(self.anna_user)
        code = self.rival.idic_referral_code
        response = self.url_open(f"/r/{code}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith("/my/relationship#idic_referral")
        )
        page = self.url_open("/my/relationship").text
        self.assertIn(
            f'name="code" class="form-control" maxlength="32" autocomplete="off" value="{code}"',
            page,
        )


@tagged("post_install", "-at_install")
class TestReferralSignup(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )

    def signup(self, name, login):
        page = self.url_open("/web/signup")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/web/signup",
            data={
                "csrf_token": token,
                "name": name,
                "login": login,
                "password": "portal-pass-1234",
                "confirm_password": "portal-pass-1234",
            },
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (200, 303), response.text[:300])
        return self.env["res.users"].search([("login", "=", login)])

    def test_sign_up_through_a_referral_link(self):
        code = self.acme.idic_referral_code
        response = self.url_open(f"/r/{code.lower()}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            self.path_of(response), "/web/signup?redirect=/my/relationship"
        )
        page = self.url_open("/web/signup").text
        self.assertIn("o_idic_signup_referral", page)
        self.assertIn(code, page)
        user = self.signup("Nora Newcomer", "nora@example.com")
        self.assertTrue(user)
        self.assertEqual(user.partner_id.idic_referred_by_id, self.acme)
        self.assertTrue(user.partner_id.idic_referral_code)
        self.assertNotEqual(user.partner_id.idic_referral_code, code)

    def test_unknown_code_and_no_link(self):
        response = self.url_open("/r/NOSUCHCODE", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("o_idic_signup_referral", self.url_open("/web/signup").text)
        user = self.signup("Otto Outsider", "otto@example.com")
        self.assertTrue(user)
        self.assertFalse(user.partner_id.idic_referred_by_id)

    def test_signup_closed_leads_to_login(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2b"
        )
        response = self.url_open(
            f"/r/{self.acme.idic_referral_code}", allow_redirects=False
        )
        self.assertEqual(self.path_of(response), "/web/login?redirect=/my/relationship")
