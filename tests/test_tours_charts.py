# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Overview's RFM segment map in a browser: a click on a segment lands on
its customers, in English and in Persian (right to left); the health
figures' sparklines are drawn with Chart.js."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestToursCharts(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idic_user = new_user(
            cls.env,
            login="idic_tour_map_user",
            groups="partner_idic.group_idic_user",
            name="Tour Map User",
        )
        company = cls.env.company
        Tier = cls.env["idic.value.tier"]
        Tier.search([("company_id", "=", company.id)]).active = False
        tier = Tier.create(
            {"name": "Tour Map Gold", "basis": "monetary", "min_threshold": 1e9}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Map Co", "is_company": True}
        )
        cls.customer.with_company(company).write(
            {
                "idic_r_score": 5,
                "idic_f_score": 5,
                "idic_rfm_segment": "champions",
                "idic_monetary": 5000.0,
                "idic_value_tier_id": tier.id,
            }
        )

        # Two months of one health figure: its sparkline on the overview.
        this_month = fields.Date.context_today(cls.customer).replace(day=1)
        months = [this_month - relativedelta(months=1), this_month]
        Snapshot = cls.env["idic.health.snapshot"].sudo()
        # They replace what the monthly job measured (a database in use).
        Snapshot.search(
            [
                ("company_id", "=", company.id),
                ("figure", "=", "centricity_revenue"),
                ("month", "in", months),
            ]
        ).unlink()
        Snapshot.create(
            [
                {
                    "company_id": company.id,
                    "month": month,
                    "figure": "centricity_revenue",
                    "value": value,
                    "target": 50.0,
                    "status": "near",
                }
                for month, value in zip(months, [40.0, 45.0], strict=True)
            ]
        )

    def test_tour_rfm_map(self):
        self.start_tour("/odoo", "partner_idic_rfm_map", login=self.idic_user.login)

    def test_tour_rfm_map_persian(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        self.env.ref("base.user_admin").lang = "fa_IR"
        self.start_tour("/odoo", "partner_idic_rfm_map_persian", login="admin")
