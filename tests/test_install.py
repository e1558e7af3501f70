# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import inspect
import unittest

from odoo.tests import tagged

from odoo.addons.partner_idic import tests as idic_tests

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestInstall(IdicCase):
    def test_module_and_dependencies_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "partner_idic")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.application)
        self.assertEqual(module.license, "LGPL-3")
        dependencies = module.dependencies_id.depend_id
        self.assertIn("membership", dependencies.mapped("name"))
        self.assertIn("loyalty", dependencies.mapped("name"))
        self.assertEqual(set(dependencies.mapped("state")), {"installed"})

    def test_privilege_holds_both_groups(self):
        privilege = self.env.ref("partner_idic.privilege_partner_idic")
        self.assertEqual(privilege.name, "Customer Relationships")
        user_group = self.env.ref("partner_idic.group_idic_user")
        manager_group = self.env.ref("partner_idic.group_idic_manager")
        self.assertEqual(privilege.group_ids, user_group | manager_group)
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertIn(self.env.ref("base.group_user"), user_group.implied_ids)

    def test_admin_is_relationship_manager(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("partner_idic.group_idic_manager"))
        self.assertTrue(admin.has_group("partner_idic.group_idic_user"))

    def test_groups_on_user_form(self):
        """The user form lists groups through the privilege hierarchy: the
        privilege shows in the Sales category with User then Administrator."""
        hierarchy = self.env["res.groups"]._get_view_group_hierarchy()
        privilege = self.env.ref("partner_idic.privilege_partner_idic")
        user_group = self.env.ref("partner_idic.group_idic_user")
        manager_group = self.env.ref("partner_idic.group_idic_manager")
        self.assertEqual(
            hierarchy["privileges"][privilege.id]["group_ids"],
            [user_group.id, manager_group.id],
        )
        sales = next(
            category
            for category in hierarchy["categories"]
            if category["id"] == self.env.ref("base.module_category_sales").id
        )
        self.assertIn(privilege.id, sales["privilege_ids"])

    def test_demo_data_loaded(self):
        demo_user = self.env.ref("partner_idic.user_idic_demo")
        self.assertTrue(demo_user.has_group("partner_idic.group_idic_user"))
        self.assertFalse(demo_user.has_group("partner_idic.group_idic_manager"))
        partner = self.env.ref("partner_idic.res_partner_demo_parsian")
        self.assertTrue(partner.is_company)

    def test_every_test_class_runs_post_install(self):
        """No test of the add-on runs at install, while the registry is still
        loading (issue #29): every test class is tagged post_install and
        -at_install."""
        modules = [
            module
            for name, module in inspect.getmembers(idic_tests, inspect.ismodule)
            if name.startswith("test_")
        ]
        self.assertGreater(len(modules), 20)
        classes = {
            f"{module.__name__}.{cls.__name__}": getattr(cls, "test_tags", set())
            for module in modules
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, unittest.TestCase)
            and cls.__module__ == module.__name__
            and any(name.startswith("test") for name in vars(cls))
        }
        self.assertTrue(classes)
        untagged = [
            name
            for name, tags in classes.items()
            if "post_install" not in tags or "at_install" in tags
        ]
        self.assertFalse(untagged, "tag these @tagged('post_install', '-at_install')")
