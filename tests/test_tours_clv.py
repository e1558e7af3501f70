# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reporting > Model Check in a browser (issue #28): the method and its
reason, the holdout check, the Lorenz curve and the churn bands drawn with
Chart.js, and the earlier checks."""

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestToursClv(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idic_user = new_user(
            cls.env,
            login="idic_tour_clv_user",
            groups="partner_idic.group_idic_user",
            name="Tour Model Check User",
        )
        company = cls.env.company
        # A check as the value job records it, the baseline having won.
        cls.env["idic.clv.fit"].sudo().create(
            {
                "company_id": company.id,
                "date": fields.Datetime.now(),
                "today": fields.Date.context_today(cls.idic_user),
                "method": "baseline",
                "reason": "BG/NBD predicted the holdout weeks worse than each "
                "customer's own past rate.",
                "customers": 40,
                "repeat_customers": 30,
                "span_weeks": 90.0,
                "recent_purchases": 25,
                "holdout_weeks": 26,
                "cutoff": fields.Date.context_today(cls.idic_user),
                "bgnbd_mae": 1.2,
                "baseline_mae": 0.9,
                "holdout_table": [
                    {
                        "x": 0,
                        "label": "0",
                        "customers": 10,
                        "actual": 0.4,
                        "model": 0.5,
                        "baseline": 0.0,
                    },
                    {
                        "x": 1,
                        "label": "1",
                        "customers": 8,
                        "actual": 1.1,
                        "model": 0.9,
                        "baseline": 1.2,
                    },
                ],
                "lorenz": [[k / 10, (k / 10) ** 2] for k in range(11)],
                "gini": 0.42,
                "predicted_customers": 40,
            }
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Churn Co", "is_company": True}
        )
        customer.with_company(company).write(
            {"idic_churn_band": "high", "idic_predicted_clv": 1200.0}
        )

    def test_tour_model_check(self):
        self.start_tour(
            "/odoo/action-partner_idic.idic_model_check_action",
            "partner_idic_model_check",
            login=self.idic_user.login,
        )
