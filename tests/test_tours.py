# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idic_user = new_user(
            cls.env,
            login="idic_tour_user",
            groups="partner_idic.group_idic_user",
            name="Tour Relationship User",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Customer Co",
                "is_company": True,
                "email": "tour@customer.example.com",
                "idic_stage_id": cls.env.ref("partner_idic.idic_stage_identified").id,
            }
        )

    def test_tour_relationships_app(self):
        """A relationship user opens the app, moves a customer to the next
        stage in the pipeline and logs an interaction, without errors."""
        self.start_tour(
            "/odoo", "partner_idic_relationships_app", login=self.idic_user.login
        )
        self.assertEqual(
            self.customer.idic_stage_id,
            self.env.ref("partner_idic.idic_stage_differentiated"),
        )
        history = self.customer.idic_stage_history_ids.sorted("id")
        self.assertEqual(history[-1].cause, "manual")
        self.assertEqual(history[-1].user_id, self.idic_user)
        interaction = self.env["idic.interaction"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(interaction.subject, "Asked for the catalogue")
        self.assertEqual(interaction.user_id, self.idic_user)

    def test_tour_value(self):
        """A relationship manager recomputes customer value, reads the R x F
        matrix and the value by tier, and finds the tier on the customer."""
        manager = new_user(
            self.env,
            login="idic_tour_manager",
            groups="partner_idic.group_idic_manager",
            name="Tour Relationship Manager",
        )
        company = self.env.company
        company.idic_rfm_scoring = "fixed"
        Tier = self.env["idic.value.tier"]
        Tier.search([("company_id", "=", company.id)]).active = False
        gold = Tier.create(
            {"name": "Tour Gold", "basis": "monetary", "min_threshold": 1000.0}
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Value Co", "is_company": True}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": fields.Date.context_today(self.env.user),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 1,
                            "price_unit": 2000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self.assertFalse(customer.idic_value_tier_id, "posting computes nothing")
        self.start_tour("/odoo", "partner_idic_value", login=manager.login)
        self.assertEqual(customer.idic_value_tier_id, gold)
        self.assertEqual(customer.idic_rfm_segment, "new")

    def _overview_data(self):
        company = self.env.company
        Tier = self.env["idic.value.tier"]
        Tier.search([("company_id", "=", company.id)]).active = False
        tier = Tier.create(
            {"name": "Tour Overview Gold", "basis": "monetary", "min_threshold": 1e9}
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Overview Co", "is_company": True}
        )
        customer.idic_value_tier_id = tier
        self.assertEqual(customer.idic_value_tier_id, tier)
        card = self.env["loyalty.card"]._idic_card(customer, company)
        card._idic_add_line(250.0, "earn", "Tour points")

    def test_tour_overview(self):
        """A relationship user opens the overview, a tier's customers and the
        cards behind the points liability, without errors."""
        self._overview_data()
        self.start_tour("/odoo", "partner_idic_overview", login=self.idic_user.login)

    def test_tour_persian(self):
        """The admin in Persian (fa_IR, right to left) finds Persian labels on
        the overview, the Relationship tab and the loyalty statement."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        self.env.ref("base.user_admin").lang = "fa_IR"
        self._overview_data()
        self.start_tour("/odoo", "partner_idic_persian", login="admin")
