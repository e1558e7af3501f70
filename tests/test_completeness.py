# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestCompleteness(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["utm.source"].create({"name": "Trade Fair"})
        cls.tag = cls.env["res.partner.category"].create({"name": "VIP"})
        cls.interest = cls.env["idic.interest"].create({"name": "Organic Food"})

    def test_person_weights(self):
        Partner = self.env["res.partner"]
        empty = Partner.create({"name": "Nobody"})
        self.assertEqual(empty.idic_profile_completeness, 0)
        person = Partner.create({"name": "Somebody", "email": "s@example.com"})
        self.assertEqual(person.idic_profile_completeness, 20)
        person.write(
            {
                "phone": "+98 912 000 0000",
                "street": "Valiasr St.",
                "city": "Tehran",
                "country_id": self.env.ref("base.ir").id,
            }
        )
        self.assertEqual(person.idic_profile_completeness, 60)
        person.write(
            {
                "idic_birthdate": "1990-03-21",
                "category_id": [(4, self.tag.id)],
                "idic_source_id": self.source.id,
                "idic_interest_ids": [(4, self.interest.id)],
            }
        )
        self.assertEqual(person.idic_profile_completeness, 100)
        # An address needs street, city and country.
        person.street = False
        self.assertEqual(person.idic_profile_completeness, 80)

    def test_company_has_no_birthday(self):
        company = self.env["res.partner"].create(
            {"name": "Co", "is_company": True, "email": "co@example.com"}
        )
        # 20 of the 90 points that apply to companies: 22.2 -> 22
        self.assertEqual(company.idic_profile_completeness, 22)

    def test_weights_from_settings_and_sql_recompute(self):
        Partner = self.env["res.partner"]
        partners = Partner.create(
            [
                {"name": "A", "email": "a@example.com"},
                {"name": "B", "phone": "123", "idic_preferred_channel": "sms"},
                {"name": "C Co", "is_company": True, "category_id": [(4, self.tag.id)]},
                {
                    "name": "D",
                    "idic_birthdate": "2000-01-01",
                    "idic_source_id": self.source.id,
                },
            ]
        )
        with Form(self.env["res.config.settings"].with_user(self.idic_admin)) as form:
            form.idic_weight_email = 50
            form.idic_weight_birthdate = 0
            form.idic_weight_tags = 5
        form.record.execute()
        # The settings recomputed every partner in SQL; the Python compute
        # must agree with it, partner by partner.
        stored = {p.id: p.idic_profile_completeness for p in partners}
        self.assertEqual(stored[partners[0].id], 43)  # 50 / 115
        partners.invalidate_recordset()
        self.env.add_to_compute(Partner._fields["idic_profile_completeness"], partners)
        partners._recompute_recordset(["idic_profile_completeness"])
        self.assertEqual({p.id: p.idic_profile_completeness for p in partners}, stored)

    def test_settings_refuse_bad_weights(self):
        with self.assertRaises(ValidationError):
            with Form(self.env["res.config.settings"]) as form:
                form.idic_weight_email = -1
        settings = self.env["res.config.settings"]
        values = dict.fromkeys(settings.browse()._idic_weight_fields(), 0)
        with self.assertRaises(ValidationError):
            settings.create(values)

    def test_birthday_in_future_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {"name": "Future", "idic_birthdate": "2999-01-01"}
            )

    def test_referrals(self):
        Partner = self.env["res.partner"]
        referrer = Partner.create({"name": "Referrer", "is_company": True})
        Partner.create(
            [
                {"name": "New 1", "idic_referred_by_id": referrer.id},
                {"name": "New 2", "idic_referred_by_id": referrer.id},
            ]
        )
        self.assertEqual(referrer.idic_referral_count, 2)
        with self.assertRaises(ValidationError):
            referrer.idic_referred_by_id = referrer
        contact = Partner.create({"name": "Own Contact", "parent_id": referrer.id})
        with self.assertRaises(ValidationError):
            contact.idic_referred_by_id = referrer
