# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's relationship points in the portal: every contact of a
customer company sees the company's card, never another customer's."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestPointsPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"idic_points_rate": 1.0, "idic_points_validity_months": 12})
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Acme Portal Co", "is_company": True})
        cls.anna = Partner.create(
            {"name": "Anna Acme", "parent_id": cls.acme.id, "email": "anna@example.com"}
        )
        cls.rival = Partner.create({"name": "Rival Portal Co", "is_company": True})
        cls.rob = Partner.create(
            {"name": "Rob Rival", "parent_id": cls.rival.id, "email": "rob@example.com"}
        )
        cls.anna_user = new_user(
            cls.env,
            login="idic_portal_anna",
            groups="base.group_portal",
            partner_id=cls.anna.id,
            password="idic_portal_anna",
        )
        cls.rob_user = new_user(
            cls.env,
            login="idic_portal_rob",
            groups="base.group_portal",
            partner_id=cls.rob.id,
            password="idic_portal_rob",
        )
        Card = cls.env["loyalty.card"]
        today = fields.Date.context_today(cls.env.user)
        cls.acme_card = Card._idic_card(cls.anna, cls.company)
        cls.acme_card._idic_add_line(
            130.0, "earn", "Spring order", date=today - timedelta(days=300)
        )
        cls.acme_card._idic_add_line(
            40.0, "earn", "Summer order", date=today - timedelta(days=30)
        )
        cls.acme_card._idic_redeem(25.0, "Coffee mug")
        cls.rival_card = Card._idic_card(cls.rival, cls.company)
        cls.rival_card._idic_add_line(777.0, "earn", "Rival order")
        # The lot of 130 (25 of it spent) expires 65 days from now.
        cls.first_expiry = today - timedelta(days=300) + timedelta(days=365)

    def test_contact_sees_company_card(self):
        self.assertEqual(self.acme_card.partner_id, self.acme)
        self.authenticate("idic_portal_anna", "idic_portal_anna")
        response = self.url_open("/my/points")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(self.acme_card.code, page)
        self.assertIn("o_idic_portal_balance", page)
        self.assertIn(">145 Points<", page.replace("\n", "").replace("  ", ""))
        self.assertIn("Coffee mug", page)
        self.assertIn("Summer order", page)
        # What expires first is what is left of the oldest lot.
        self.assertIn("105 Points", page)
        self.assertNotIn(self.rival_card.code, page)
        self.assertNotIn("Rival order", page)

    def test_home_counter(self):
        self.authenticate("idic_portal_anna", "idic_portal_anna")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["idic_points_count"]}
        )
        self.assertEqual(counters.get("idic_points_count"), 1)
        # A contact of a customer whose card is in a relationship program of
        # no company (the program was replaced) does not count it.
        self.company.idic_loyalty_program_id = self.env["loyalty.program"].create(
            {"name": "Replacement Points", "program_type": "loyalty"}
        )
        self.authenticate("idic_portal_rob", "idic_portal_rob")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["idic_points_count"]}
        )
        self.assertEqual(counters.get("idic_points_count"), 0)

    def test_statement_only_of_own_card(self):
        self.authenticate("idic_portal_anna", "idic_portal_anna")
        own = self.url_open(f"/my/points/{self.acme_card.id}/statement")
        self.assertEqual(own.status_code, 200)
        self.assertIn("Points Statement", own.text)
        self.assertIn("Coffee mug", own.text)
        other = self.url_open(
            f"/my/points/{self.rival_card.id}/statement", allow_redirects=False
        )
        self.assertEqual(other.status_code, 404)
        self.assertNotIn("Rival order", other.text)

    def test_customer_without_card(self):
        lone = self.env["res.partner"].create(
            {"name": "Lone Portal Customer", "email": "lone@example.com"}
        )
        new_user(
            self.env,
            login="idic_portal_lone",
            groups="base.group_portal",
            partner_id=lone.id,
            password="idic_portal_lone",
        )
        self.authenticate("idic_portal_lone", "idic_portal_lone")
        response = self.url_open("/my/points")
        self.assertEqual(response.status_code, 200)
        self.assertIn("There are no loyalty points for your account yet", response.text)
        self.assertNotIn(self.acme_card.code, response.text)
