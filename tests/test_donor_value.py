# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each donor's predicted value (issue #26): the BG/BB model fitted by the
donor job on the company's fiscal-year giving, each donor's probability to
give again, expected giving years and discounted value, the fallbacks, the
donor list by predicted value and donor tiers on it.

Company "IDIC Donor Value" (USD, calendar fiscal years; 10 % discount rate);
today is frozen on 15 May 2026: the last complete fiscal year is 2025. Its
donors are the 1995 cohort of Fader, Hardie & Shang (2010) in small: the 22
patterns of ``donations.csv`` with their counts divided by 100 (111 donors),
each a first gift of 100 in 2019 and, for a pattern (x, t_x), gifts of 100 in
the x fiscal years up to 2019 + t_x; so n = 6 for all. Plus a new donor
whose first gift is of this fiscal year.
"""

from datetime import date, datetime

import numpy as np

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools.safe_eval import safe_eval

from odoo.addons.partner_idic.models import clv_model

from .common import IdicCase, new_user
from .test_bgbb_model import _load_donations

NOW = datetime(2026, 5, 15, 10, 0)
COHORT = 2019
DISCOUNT = 1 / 1.1


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestDonorValue(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_v = cls.env["res.company"].create(
            {
                "name": "IDIC Donor Value",
                "currency_id": cls.env.ref("base.USD").id,
                "idic_clv_discount_rate": 10.0,
                "idic_bgbb_min_donors": 30,
            }
        )
        cls.load_chart(cls.company_v)
        cls.donor_user = new_user(
            cls.env,
            login="idic_value_donor_user",
            groups="partner_idic.group_idic_donor_data",
            company_id=cls.company_v.id,
            company_ids=[cls.company_v.id],
        )
        cls.idic_user.company_ids = [Command.link(cls.company_v.id)]
        cls.product = cls.env["product.product"].create(
            {"name": "Annual Gift", "type": "service", "idic_is_donation": True}
        )
        x, t_x, n, count = _load_donations()
        cls.counts = np.round(count / 100)
        cls.patterns = (x, t_x, n)
        Partner = cls.env["res.partner"]
        cls.donors = {}
        vals_list = []
        for i in range(len(x)):
            for copy in range(int(cls.counts[i])):
                partner = Partner.create(
                    {"name": f"Donor {int(x[i])}-{int(t_x[i])}-{copy}"}
                )
                cls.donors.setdefault((int(x[i]), int(t_x[i])), partner)
                years = [COHORT] + [
                    COHORT + year
                    for year in range(int(t_x[i] - x[i]) + 1, int(t_x[i]) + 1)
                ]
                vals_list += [cls.gift_vals(partner, year) for year in years]
        cls.new_donor = Partner.create({"name": "Donor New"})
        vals_list.append(cls.gift_vals(cls.new_donor, 2026, month=2))
        moves = cls.env["account.move"].with_company(cls.company_v).create(vals_list)
        moves.action_post()

    @classmethod
    def gift_vals(cls, partner, year, month=6):
        journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company_v.id), ("type", "=", "sale")], limit=1
        )
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "journal_id": journal.id,
            "invoice_date": date(year, month, 1),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "quantity": 1,
                        "price_unit": 100.0,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def recompute(self):
        self.env["res.partner"]._idic_recompute_donors(
            companies=self.company_v, commit=False
        )
        self.env.invalidate_all()

    def donor(self, x, t_x):
        return self.donors[(x, t_x)].with_company(self.company_v)

    def test_model_fitted_and_each_donor_predicted(self):
        """The job fits BG/BB on exactly the patterns of the data (x, t_x, n
        read from the fiscal years of the gifts) and predicts each donor with
        the paper's formulas: P(active next year), the giving years expected
        in the next five and their value at 100 a year, discounted at 10 %."""
        self.recompute()
        company = self.company_v
        x, t_x, n = self.patterns
        used = self.counts > 0
        expected_params = clv_model.bgbb_fit(
            x[used], t_x[used], n[used], weights=self.counts[used]
        )
        params = (
            company.idic_bgbb_alpha,
            company.idic_bgbb_beta,
            company.idic_bgbb_gamma,
            company.idic_bgbb_delta,
        )
        self.assertEqual(company.idic_bgbb_method, "model")
        self.assertTrue(company.idic_bgbb_fit_converged)
        self.assertEqual(company.idic_bgbb_fit_donors, 111)
        for ours, theirs in zip(params, expected_params, strict=True):
            self.assertAlmostEqual(ours, theirs, places=5)
        # Close to the published estimates, the counts being rounded.
        for ours, published in zip(params, (1.204, 0.750, 0.657, 2.783), strict=True):
            self.assertAlmostEqual(ours, published, delta=0.35 * published)
        for pattern in ((0, 0), (1, 1), (3, 5), (6, 6), (2, 6)):
            donor = self.donor(*pattern)
            args = ([pattern[0]], [pattern[1]], [6])
            p_active = clv_model.bgbb_p_alive(params, *args)[0]
            cumulative = [0.0] + [
                clv_model.bgbb_expected_transactions(params, k, *args)[0]
                for k in range(1, 6)
            ]
            value = sum(
                (cumulative[k] - cumulative[k - 1]) * DISCOUNT**k * 100.0
                for k in range(1, 6)
            )
            self.assertEqual(donor.idic_donor_ltv_method, "model", pattern)
            self.assertAlmostEqual(donor.idic_donor_p_active, p_active, places=4)
            self.assertAlmostEqual(
                donor.idic_donor_expected_gifts, cumulative[5], places=2
            )
            self.assertAlmostEqual(donor.idic_donor_ltv, value, places=2)
        # Who gave every year is worth more than who never came back.
        self.assertGreater(
            self.donor(6, 6).idic_donor_ltv, self.donor(0, 0).idic_donor_ltv
        )
        # A donor of this fiscal year: as one just acquired (n = 0).
        new = self.new_donor.with_company(company)
        self.assertEqual(new.idic_donor_ltv_method, "young")
        self.assertAlmostEqual(
            new.idic_donor_p_active,
            clv_model.bgbb_p_alive(params, [0], [0], [0])[0],
            places=4,
        )
        # The donor list by predicted value, best first, for donor-data readers.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.res_partner_action_idic_donor_value"
        )
        Partner = (
            self.env["res.partner"].with_user(self.donor_user).with_company(company)
        )
        ranked = Partner.search(
            [*safe_eval(action["domain"]), ("idic_donor_ltv_method", "!=", False)],
            order="idic_donor_ltv desc",
            limit=5,
        )
        values = ranked.mapped("idic_donor_ltv")
        self.assertEqual(values, sorted(values, reverse=True))
        self.assertEqual(
            values[0], max(self.donor(*p).idic_donor_ltv for p in self.donors)
        )
        # The value is an amount: behind the donor-data group; the probability is not.
        donor = self.donor(3, 5).with_user(self.idic_user)
        self.assertTrue(donor.idic_donor_p_active)
        with self.assertRaises(AccessError):
            donor.read(["idic_donor_ltv"])
        # A rerun changes nothing.
        self.assertEqual(
            self.env["res.partner"]._idic_recompute_donors(
                companies=company, commit=False
            ),
            0,
        )

    def test_simple_formula_with_too_few_donors(self):
        """Asking more donors than the company has: the simple formula, the
        donor's own share of years with a gift and the chance of its
        silence since; the form says why."""
        self.company_v.idic_bgbb_min_donors = 1000
        self.recompute()
        self.assertEqual(self.company_v.idic_bgbb_method, "simple")
        self.assertIn("111", self.company_v.idic_bgbb_fit_message)
        weights = sum(DISCOUNT**k for k in range(1, 6))
        for x, t_x in ((0, 0), (3, 5), (6, 6), (2, 6)):
            donor = self.donor(x, t_x)
            rate = (x + 1) / 7
            p_active = (1 - rate) ** (6 - t_x)
            self.assertEqual(donor.idic_donor_ltv_method, "simple")
            self.assertAlmostEqual(donor.idic_donor_p_active, p_active, places=4)
            self.assertAlmostEqual(
                donor.idic_donor_expected_gifts, 5 * rate * p_active, places=2
            )
            self.assertAlmostEqual(
                donor.idic_donor_ltv, rate * p_active * weights * 100, places=2
            )
        # The new donor gives at the company's pooled rate: repeat years over
        # years observed.
        x, t_x, n = self.patterns
        pooled = float(np.sum(x * self.counts)) / float(np.sum(n * self.counts))
        new = self.new_donor.with_company(self.company_v)
        self.assertEqual(new.idic_donor_ltv_method, "young")
        self.assertAlmostEqual(new.idic_donor_expected_gifts, 5 * pooled, places=2)

    def test_donor_tiers_on_predicted_value(self):
        self.recompute()
        Tier = self.env["idic.value.tier"]
        low, high = Tier.create(
            [
                {
                    "name": "Friend",
                    "company_id": self.company_v.id,
                    "basis": "donor_ltv",
                    "min_threshold": 0.0,
                },
                {
                    "name": "Champion",
                    "company_id": self.company_v.id,
                    "basis": "donor_ltv",
                    "min_threshold": 250.0,
                },
            ]
        )
        self.env["res.partner"]._idic_recompute_values(
            companies=self.company_v, commit=False
        )
        self.env.invalidate_all()
        best, worst = self.donor(6, 6), self.donor(0, 0)
        self.assertGreaterEqual(best.idic_donor_ltv, 250.0)
        self.assertLess(worst.idic_donor_ltv, 250.0)
        self.assertEqual(best.idic_value_tier_id, high)
        self.assertEqual(worst.idic_value_tier_id, low)
