# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
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
        # Settings are Odoo's own, for administrators only.
        settings = "partner_idic.partner_idic_menu_config_settings"
        self.assertLessEqual(ours - {settings}, visible)
        self.assertNotIn(settings, visible)
        admin_visible = self._visible_menu_xmlids(self.env.ref("base.user_admin"))
        self.assertLessEqual(ours, admin_visible)

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


@tagged("post_install", "-at_install")
class TestRecordAccess(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Shared Customer"})
        cls.interaction = cls.env["idic.interaction"].create(
            {
                "partner_id": cls.partner.id,
                "subject": "Visit",
                "company_id": cls.company.id,
            }
        )

    def test_relationship_user_works_with_interactions_and_preferences(self):
        Interaction = self.env["idic.interaction"].with_user(self.idic_user)
        interaction = Interaction.create(
            {"partner_id": self.partner.id, "subject": "Call"}
        )
        interaction.summary = "<p>Talked about the new catalogue</p>"
        self.partner.with_user(self.idic_user).write(
            {"idic_preferred_channel": "sms", "idic_do_not_contact": True}
        )
        with self.assertRaises(AccessError):
            interaction.unlink()
        interaction.with_user(self.idic_manager).unlink()

    def test_only_managers_configure_stages_and_interests(self):
        stage_vals = {"name": "Advocate", "phase": "customize", "sequence": 90}
        with self.assertRaises(AccessError):
            self.env["idic.stage"].with_user(self.idic_user).create(stage_vals)
        with self.assertRaises(AccessError):
            self.stage_identified.with_user(self.idic_user).rule_domain = "[]"
        with self.assertRaises(AccessError):
            self.env["idic.interest"].with_user(self.idic_user).create({"name": "Golf"})
        stage = self.env["idic.stage"].with_user(self.idic_manager).create(stage_vals)
        self.assertEqual(stage.phase, "customize")
        self.env["idic.interest"].with_user(self.idic_manager).create({"name": "Golf"})

    def test_plain_user_has_no_relationship_data(self):
        with self.assertRaises(AccessError):
            self.env["idic.interaction"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.env["idic.stage.history"].with_user(self.plain_user).search([])
        # Stage names stay readable: partners show their stage everywhere.
        self.assertTrue(self.stage_identified.with_user(self.plain_user).name)

    def test_history_is_read_only(self):
        self.partner.idic_stage_id = self.stage_identified
        history = self.env["idic.stage.history"].search(
            [("partner_id", "=", self.partner.id)]
        )
        with self.assertRaises(AccessError):
            history.with_user(self.idic_manager).write({"cause": "rule"})
        with self.assertRaises(AccessError):
            history.with_user(self.idic_manager).unlink()

    def test_multi_company_isolation(self):
        Interaction = self.env["idic.interaction"]
        self.assertIn(
            self.interaction, Interaction.with_user(self.idic_user).search([])
        )
        self.assertNotIn(
            self.interaction, Interaction.with_user(self.other_user).search([])
        )
        other = Interaction.with_user(self.other_user).create(
            {"partner_id": self.partner.id, "subject": "Other company visit"}
        )
        self.assertEqual(other.company_id, self.other_company)
        self.assertNotIn(other, Interaction.with_user(self.idic_user).search([]))
