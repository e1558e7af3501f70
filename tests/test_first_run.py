# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Overview of a database without customers: the first steps instead of
a wall of zeros, each done once its place is filled."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import IdicCase, new_user


class FirstRunMixin:
    @classmethod
    def empty_database(cls):
        """No customer left (archived) and a company without invoices."""
        Partner = cls.env["res.partner"]
        customers = Partner.search(Partner._idic_counted_domain())
        # Archived as they are (the host refuses to archive some through the
        # form, e.g. partners of portal users).
        cls.env.cr.execute(
            "UPDATE res_partner SET active = FALSE WHERE id = ANY(%s)", [customers.ids]
        )
        Partner.invalidate_model(["active"])
        cls.company_f = cls.env["res.company"].create({"name": "IDIC First Run Co"})
        cls.env.ref("base.user_admin").company_ids = [Command.link(cls.company_f.id)]


class TestFirstRun(FirstRunMixin, IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.empty_database()
        for user in cls.idic_user | cls.idic_manager | cls.idic_admin:
            user.company_ids = [Command.link(cls.company_f.id)]
        cls.idic_admin.group_ids = [
            Command.link(cls.env.ref("account.group_account_invoice").id)
        ]

    def overview(self, user):
        return (
            self.env["idic.overview"]
            .with_user(user)
            .get_overview(company_id=self.company_f.id)
        )

    def test_first_steps(self):
        data = self.overview(self.idic_admin)
        self.assertFalse(data["sections"], "no wall of zeros")
        steps = {step["key"]: step for step in data["first_steps"]}
        self.assertEqual(
            list(steps),
            ["tiers", "points", "customers", "invoices", "recompute", "persian"],
        )
        self.assertFalse(
            any(step["done"] for step in steps.values() if step["key"] != "persian")
        )
        # Each step opens its place.
        self.assertEqual(steps["tiers"]["action"]["res_model"], "idic.value.tier")
        self.assertEqual(steps["points"]["action"]["res_model"], "res.config.settings")
        self.assertEqual(steps["customers"]["action"]["tag"], "import")
        self.assertEqual(steps["invoices"]["action"]["res_model"], "account.move")
        self.assertEqual(steps["recompute"]["method"], "action_first_run_recompute")
        self.assertEqual(steps["persian"]["action"]["res_model"], "res.lang")
        # A relationship user is shown the steps, not the doors it cannot open.
        steps = {s["key"]: s for s in self.overview(self.idic_user)["first_steps"]}
        self.assertFalse(steps["tiers"]["action"])
        self.assertFalse(steps["points"]["action"])
        self.assertFalse(steps["recompute"]["method"])
        self.assertTrue(steps["customers"]["action"])
        self.assertFalse(steps["invoices"]["action"], "not an invoicing user")
        # Steps are done as their places fill.
        self.make_tiers(self.company_f, "F")
        self.company_f.idic_points_rate = 1.0
        steps = {s["key"]: s for s in self.overview(self.idic_admin)["first_steps"]}
        self.assertTrue(steps["tiers"]["done"])
        self.assertTrue(steps["points"]["done"])
        # The first customer: the Overview counts again.
        self.env["res.partner"].create({"name": "First Customer", "is_company": True})
        data = self.overview(self.idic_admin)
        self.assertNotIn("first_steps", data)
        self.assertTrue(data["sections"])

    def test_recompute_now(self):
        result = (
            self.env["idic.overview"]
            .with_user(self.idic_manager)
            .action_first_run_recompute(company_id=self.company_f.id)
        )
        self.assertEqual(result["params"]["type"], "success")
        with self.assertRaises(AccessError):
            self.env["idic.overview"].with_user(
                self.idic_user
            ).action_first_run_recompute()


@tagged("post_install", "-at_install")
class TestFirstRunTour(FirstRunMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.empty_database()
        cls.admin = new_user(
            cls.env,
            login="idic_first_run_admin",
            groups="partner_idic.group_idic_manager,base.group_system",
            company_id=cls.company_f.id,
            company_ids=[cls.company_f.id],
        )

    def test_tour_first_run(self):
        self.start_tour("/odoo", "partner_idic_first_run", login=self.admin.login)
