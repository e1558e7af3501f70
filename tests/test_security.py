# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestMenuAccess(IdicCase):
    def _visible_menu_xmlids(self, user):
        """The menu tree the web client receives for ``user``."""
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {
            menu["xmlid"]
            for key, menu in menus.items()
            if key != "root" and menu.get("xmlid")
        }

    def test_plain_user_does_not_see_relationships(self):
        visible = self._visible_menu_xmlids(self.plain_user)
        self.assertIn("contacts.menu_contacts", visible)
        self.assertNotIn("partner_idic.partner_idic_menu_root", visible)
        self.assertFalse({x for x in visible if x.startswith("partner_idic.")})

    def test_relationship_user_sees_app_but_not_configuration(self):
        visible = self._visible_menu_xmlids(self.idic_user)
        for xmlid in (
            "partner_idic.partner_idic_menu_root",
            "partner_idic.partner_idic_menu_customers",
            "partner_idic.partner_idic_menu_loyalty",
            "partner_idic.partner_idic_menu_members",
            "partner_idic.partner_idic_menu_reporting",
        ):
            self.assertIn(xmlid, visible)
        self.assertNotIn("partner_idic.partner_idic_menu_config", visible)
        self.assertNotIn("partner_idic.partner_idic_menu_config_tags", visible)

    def test_manager_sees_everything(self):
        visible = self._visible_menu_xmlids(self.idic_manager)
        ours = set(
            self.env["ir.model.data"]
            .search([("module", "=", "partner_idic"), ("model", "=", "ir.ui.menu")])
            .mapped(lambda d: f"{d.module}.{d.name}")
        )
        self.assertIn("partner_idic.partner_idic_menu_config", ours)
        self.assertLessEqual(ours, visible)

    def test_root_menu_opens_for_relationship_user(self):
        """The app's first action is readable by a relationship user."""
        action = (
            self.env["ir.actions.actions"]
            .with_user(self.idic_user)
            ._for_xml_id("partner_idic.res_partner_action_idic_customers")
        )
        self.assertEqual(action["path"], "relationships")
        partners = self.env[action["res_model"]].with_user(self.idic_user).search([])
        self.assertIn(self.env.ref("partner_idic.res_partner_demo_parsian"), partners)
