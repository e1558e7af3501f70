# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestDormantFollowup(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company.idic_dormant_days = 30
        cls.followup_type = cls.env.ref("mail.mail_activity_data_call")
        cls.company.idic_followup_activity_type_id = cls.followup_type
        cls.company.idic_followup_user_id = cls.idic_user
        old = fields.Datetime.now() - timedelta(days=45)
        cls.quiet = Partner.create(
            {"name": "Quiet Co", "is_company": True, "customer_rank": 1}
        )
        cls.with_salesperson = Partner.create(
            {
                "name": "Sold Co",
                "is_company": True,
                "customer_rank": 1,
                "user_id": cls.idic_manager.id,
            }
        )
        cls.do_not_contact = Partner.create(
            {
                "name": "Leave Me Co",
                "is_company": True,
                "customer_rank": 1,
                "idic_do_not_contact": True,
            }
        )
        cls.blacklisted = Partner.create(
            {
                "name": "Blacklisted Co",
                "is_company": True,
                "customer_rank": 1,
                "email": "no@black.example.com",
            }
        )
        cls.env["mail.blacklist"].create({"email": "no@black.example.com"})
        cls.recent = Partner.create(
            {"name": "Recent Co", "is_company": True, "customer_rank": 1}
        )
        cls.not_customer = Partner.create({"name": "Vendor Co", "is_company": True})
        partners = (
            cls.quiet
            | cls.with_salesperson
            | cls.do_not_contact
            | cls.blacklisted
            | cls.recent
            | cls.not_customer
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE res_partner SET create_date = %s WHERE id IN %s",
                old,
                tuple(partners.ids),
            )
        )
        partners.invalidate_recordset()
        cls.env["idic.interaction"].create(
            {
                "partner_id": cls.recent.id,
                "subject": "Chat",
                "date": old + timedelta(days=40),
            }
        )
        cls.partners = partners

    def _followups(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.partners.ids),
                ("activity_type_id", "=", self.followup_type.id),
            ]
        )

    def _run_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref(
                "partner_idic.ir_cron_idic_dormant_followup"
            ).method_direct_trigger()
        self.env.invalidate_all()

    def test_dormant_flags(self):
        self.env["res.partner"]._idic_refresh_dormant(SQL("TRUE"))
        self.assertTrue(self.quiet.idic_dormant)
        self.assertTrue(self.do_not_contact.idic_dormant)
        self.assertFalse(self.recent.idic_dormant)
        self.assertFalse(self.not_customer.idic_dormant)

    def test_cron_schedules_once_and_respects_do_not_contact(self):
        self._run_cron()
        followups = self._followups()
        self.assertEqual(
            set(followups.mapped("res_id")), {self.quiet.id, self.with_salesperson.id}
        )
        by_partner = {a.res_id: a for a in followups}
        self.assertEqual(by_partner[self.quiet.id].user_id, self.idic_user)
        self.assertEqual(
            by_partner[self.with_salesperson.id].user_id, self.idic_manager
        )
        # Running it twice creates nothing new.
        self._run_cron()
        self.assertEqual(self._followups(), followups)

    def test_logging_an_interaction_ends_dormancy(self):
        self._run_cron()
        self.assertTrue(self.quiet.idic_dormant)
        self.env["idic.interaction"].create(
            {"partner_id": self.quiet.id, "subject": "Hi again"}
        )
        self.assertFalse(self.quiet.idic_dormant)

    def test_dormant_days_per_company(self):
        self.quiet.company_id = self.other_company
        self.other_company.idic_dormant_days = 60
        self.env["res.partner"]._idic_refresh_dormant(SQL("TRUE"))
        self.assertFalse(self.quiet.idic_dormant)
        self.assertTrue(self.with_salesperson.idic_dormant)

    def test_zero_days_turns_dormancy_off(self):
        self.company.idic_dormant_days = 0
        self._run_cron()
        self.assertFalse(self.with_salesperson.idic_dormant)
        self.assertFalse(self._followups())
