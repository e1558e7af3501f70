# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idic_user = new_test_user(
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
