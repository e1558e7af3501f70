# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The donors trend of the Overview: donors, LYBUNT and SYBUNT per fiscal
year, by hand on gifts across a fiscal-year edge (years ending 31 March)."""

from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import IdicCase, new_user

TODAY = date(2026, 5, 15)  # fiscal year 2026-2027, "2027"


@freeze_time(datetime(2026, 5, 15, 10, 0))
@tagged("post_install", "-at_install")
class TestOverviewDonors(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create(
            {
                "name": "IDIC Charts Donors",
                "currency_id": cls.env.ref("base.USD").id,
                "fiscalyear_last_month": "3",
                "fiscalyear_last_day": 31,
            }
        )
        cls.load_chart(cls.company_a)
        cls.idic_user.company_ids = [Command.link(cls.company_a.id)]
        cls.donor_user = new_user(
            cls.env,
            login="idic_charts_donor",
            groups="partner_idic.group_idic_donor_data",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.gift = cls.env["product.product"].create(
            {"name": "Gift", "type": "service", "idic_is_donation": True}
        )
        Partner = cls.env["res.partner"]
        ann, ben, cara, eve = (
            Partner.create({"name": name})
            for name in ("Ann Giver", "Ben Giver", "Cara Giver", "Eve Giver")
        )
        inv = cls._invoice
        inv(ann, "2024-06-01", 100)  # FY 2025
        inv(ann, "2025-04-01", 300)  # FY 2026: first day
        inv(ann, "2026-04-01", 50)  # FY 2027: first day
        inv(ben, "2025-03-31", 500)  # FY 2025: last day
        inv(ben, "2026-03-31", 80)  # FY 2026: last day
        cara_gift = inv(cara, "2024-05-01", 400)  # FY 2025
        # A credit note of this year on the gift of FY 2025: still FY 2025.
        inv(cara, "2026-04-10", 150, "out_refund", cara_gift)
        inv(cara, "2026-05-01", 60)  # FY 2027
        eve_gift = inv(eve, "2025-06-01", 200)
        inv(eve, "2025-06-05", 200, "out_refund", eve_gift)  # refunded: no gift

    @classmethod
    def _invoice(cls, partner, day, amount, move_type="out_invoice", refund_of=None):
        return cls.make_invoice(
            partner,
            date.fromisoformat(day),
            [(cls.gift, amount)],
            cls.company_a,
            move_type=move_type,
            refund_of=refund_of,
        )

    def trend(self, user):
        return (
            self.env["idic.overview"]
            .with_user(user)
            .with_context(allowed_company_ids=[self.company_a.id])
            ._donors_trend(TODAY)
        )

    def test_donors_per_fiscal_year(self):
        trend = self.trend(self.idic_user)
        # Each fiscal year by its last day (named by its year in the user's
        # calendar by the web client).
        self.assertEqual(
            trend["labels"],
            ["2023-03-31", "2024-03-31", "2025-03-31", "2026-03-31", "2027-03-31"],
        )
        donors, lybunt, sybunt = (s["data"] for s in trend["datasets"])
        # 2025: Ann, Ben, Cara; 2026: Ann, Ben; 2027: Ann, Cara.
        self.assertEqual(donors, [0, 0, 3, 2, 2])
        # 2026: Cara gave in 2025, not in 2026; 2027: Ben.
        self.assertEqual(lybunt, [0, 0, 0, 1, 1])
        self.assertEqual(sybunt, [0, 0, 0, 1, 1])
        # The amounts behind it only for donor-data readers.
        self.assertIsNone(trend["action"])
        trend = self.trend(self.donor_user)
        self.assertEqual(trend["action"]["res_model"], "idic.donation.report")
        # The figures of this year agree with the donor recompute.
        self.env["res.partner"]._idic_recompute_donors(
            companies=self.company_a, commit=False
        )
        self.env.invalidate_all()
        Partner = self.env["res.partner"].with_company(self.company_a)
        self.assertEqual(Partner.search_count([("idic_lybunt", "=", True)]), lybunt[-1])
        self.assertEqual(Partner.search_count([("idic_sybunt", "=", True)]), sybunt[-1])

    def test_other_company(self):
        """A user of another company sees none of these gifts."""
        trend = (
            self.env["idic.overview"]
            .with_user(self.other_user)
            .with_context(allowed_company_ids=[self.other_company.id])
            ._donors_trend(TODAY)
        )
        self.assertIsNone(trend)
