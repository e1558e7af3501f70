# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user


class IdicCase(TransactionCase):
    """Real users with real groups, shared by the module's tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_user = new_test_user(
            cls.env, login="idic_plain", groups="base.group_user", name="Plain User"
        )
        cls.idic_user = new_test_user(
            cls.env,
            login="idic_user",
            groups="partner_idic.group_idic_user",
            name="Relationship User",
        )
        cls.idic_manager = new_test_user(
            cls.env,
            login="idic_manager",
            groups="partner_idic.group_idic_manager",
            name="Relationship Manager",
        )
