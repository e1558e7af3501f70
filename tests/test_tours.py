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

    def test_tour_relationships_app(self):
        """A relationship user opens the app and a partner, without errors."""
        self.start_tour(
            "/odoo", "partner_idic_relationships_app", login=self.idic_user.login
        )
