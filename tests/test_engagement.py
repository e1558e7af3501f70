# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer engagement value (issue #14): predicted CLV, CRV, CIV, CKV.

Expectations are computed by hand (in the comments) or by small reference
formulas written here from the papers, never by reading the engine's own
intermediate results back.

Company R (referrals; too few repeat customers: the simple formula; value
window 12 months, 2 more years, margin 100 %; T = today)::

    A  invoice T-50 1000                    positive review reaching 200
    B  invoices T-300 400, T-100 200        referred by A (80 % known)
    C  invoice T-20 100                     referred by B; feedback
    D  invoice T-5 50                       referred by C; negative review (100)
    E  no invoice                           referred by A

Settings of R: acquisition cost 100, referral share 50 %, one point 0.5,
referral window 6 months, depth 3, attenuation 0.25, 50 per advocacy act and
0.1 per person reached, knowledge 10 / 30 / 100 per submitted / accepted /
implemented, 5 per rated interaction. A earned 40 referral points.
"""

import math
import random
from datetime import timedelta

import numpy as np
from scipy import special

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..models import clv_model
from .common import IdicCase, new_user

WEEK = 7.0
MONTH_WEEKS = 365.25 / 12 / 7


def bgnbd_p_alive(params, x, t_x, T):
    """Fader, Hardie & Lee (2005), eq. 11 (after their note)."""
    r, alpha, a, b = params
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def bgnbd_expected(params, t, x, t_x, T):
    """Fader, Hardie & Lee (2005), eq. 10, directly with scipy's 2F1."""
    r, alpha, a, b = params
    z = t / (alpha + T + t)
    growth = (
        (a + b + x - 1)
        / (a - 1)
        * (
            1
            - ((alpha + T) / (alpha + T + t)) ** (r + x)
            * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        )
    )
    return growth * bgnbd_p_alive(params, x, t_x, T)


def synthetic_customers(seed=14, count=40):
    """Purchase histories (days ago, amounts) of ``count`` customers, with
    Poisson purchases, dropouts and gamma-distributed spend."""
    rng = random.Random(seed)
    customers = []
    for _index in range(count):
        first = rng.randint(60, 700)
        rate = rng.gammavariate(1.5, 1 / 60)
        mean = rng.gammavariate(4, 50)
        days = [first]
        day = first
        while True:
            if len(days) > 1 and rng.random() < 0.3:
                break
            day -= max(1, round(rng.expovariate(rate)))
            if day <= 0:
                break
            days.append(day)
        amounts = [round(rng.gammavariate(6, mean / 6), 2) for _day in days]
        customers.append((days, amounts))
    return customers


@tagged("post_install", "-at_install")
class TestEngagement(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        usd = cls.env.ref("base.USD")
        cls.company_r = cls.env["res.company"].create(
            {"name": "IDIC Engagement R", "currency_id": usd.id}
        )
        cls.load_chart(cls.company_r | cls.other_company)
        cls.company_r.write(
            {
                "idic_rfm_window_months": 12,
                "idic_clv_years": 2.0,
                "idic_acquisition_cost": 100.0,
                "idic_referral_causal_share": 50.0,
                "idic_point_value": 0.5,
                "idic_referral_window_months": 6,
                "idic_civ_depth": 3,
                "idic_civ_attenuation": 0.25,
                "idic_advocacy_value": 50.0,
                "idic_advocacy_reach_value": 0.1,
                "idic_ckv_submitted_value": 10.0,
                "idic_ckv_accepted_value": 30.0,
                "idic_ckv_implemented_value": 100.0,
                "idic_ckv_survey_value": 5.0,
            }
        )
        for user in cls.idic_user | cls.idic_manager | cls.idic_admin:
            user.company_ids = [Command.link(cls.company_r.id)]

        def company(name, **vals):
            return Partner.create(dict(vals, name=name, is_company=True))

        cls.a = company("A Engagement")
        cls.b = company(
            "B Engagement", idic_referred_by_id=cls.a.id, idic_referral_causal_share=80
        )
        cls.c = company("C Engagement", idic_referred_by_id=cls.b.id)
        cls.d = company("D Engagement", idic_referred_by_id=cls.c.id)
        cls.e = company("E Engagement", idic_referred_by_id=cls.a.id)
        cls.by_key = {"a": cls.a, "b": cls.b, "c": cls.c, "d": cls.d}
        inv = cls._invoice
        inv(cls.a, 50, 1000)
        inv(cls.b, 300, 400)
        inv(cls.b, 100, 200)
        inv(cls.c, 20, 100)
        inv(cls.d, 5, 50)
        inv(cls.a, 30, 700, company=cls.other_company)
        act = cls._interaction
        act(cls.a, "review", sentiment="positive", reach=200)
        act(cls.d, "review", sentiment="negative", reach=100)
        act(cls.c, "feedback", knowledge_status="implemented")
        act(cls.c, "idea", knowledge_status="submitted")
        act(cls.c, "complaint", knowledge_status="accepted")
        act(cls.c, "conversation", satisfaction="4")
        # Another company's advocacy never counts in R.
        act(cls.b, "testimonial", sentiment="positive", company=cls.other_company)
        card = cls.env["loyalty.card"]._idic_card(cls.a, cls.company_r)
        card._idic_add_line(40.0, "referral", "Referral of B", document=cls.b)

    @classmethod
    def _invoice(cls, partner, days_ago, amount, company=None, product=None):
        return cls.make_invoice(
            partner,
            cls.today - timedelta(days=days_ago),
            [(product or "Service", amount)],
            company or cls.company_r,
        )

    @classmethod
    def _interaction(cls, partner, kind, company=None, **vals):
        return cls.env["idic.interaction"].create(
            dict(
                vals,
                partner_id=partner.id,
                subject=f"{kind} of {partner.name}",
                kind=kind,
                company_id=(company or cls.company_r).id,
            )
        )

    def recompute(self, companies=None):
        count = self.env["res.partner"]._idic_recompute_values(
            companies=companies or self.company_r, commit=False
        )
        self.env.invalidate_all()
        return count

    def value(self, partner, name, company=None):
        return partner.with_company(company or self.company_r)[name]

    # ------------------------------------------------------------------------
    # Referral, influence and knowledge value
    # ------------------------------------------------------------------------
    def expected_r(self):
        # Simple formula (ratio 1): CLV = lifetime + window amount x 1 x 2.
        clv = {"a": 3000.0, "b": 1800.0, "c": 300.0, "d": 150.0}
        # Contribution of a referred customer: share x (margin in the 6
        # months after its first invoice + predicted value) + 100.
        contrib_b = 0.8 * (400 + 1200) + 100  # 1380
        contrib_c = 0.5 * (100 + 200) + 100  # 250
        contrib_d = 0.5 * (50 + 100) + 100  # 175
        crv = {"a": contrib_b - 40 * 0.5, "b": contrib_c, "c": contrib_d, "d": 0.0}
        civ = {
            "a": round(0.25 * contrib_c + 0.0625 * contrib_d + (50 + 200 * 0.1), 2),
            "b": 0.25 * contrib_d,
            "c": 0.0,
            "d": -(50 + 100 * 0.1),
        }
        ckv = {"a": 0.0, "b": 0.0, "c": 100 + 10 + 30 + 5, "d": 0.0}
        return clv, crv, civ, ckv

    def test_referral_influence_knowledge(self):
        self.recompute()
        clv, crv, civ, ckv = self.expected_r()
        for key in "abcd":
            partner = self.by_key[key]
            for name, expected in (
                ("idic_clv", clv[key]),
                ("idic_crv", crv[key]),
                ("idic_civ", civ[key]),
                ("idic_ckv", ckv[key]),
                (
                    "idic_engagement_value",
                    clv[key] + crv[key] + civ[key] + ckv[key],
                ),
            ):
                self.assertAlmostEqual(
                    self.value(partner, name), expected, 2, f"{key}: {name}"
                )
            self.assertEqual(self.value(partner, "idic_clv_method"), "simple")
        # A negative review makes a negative influence value.
        self.assertLess(self.value(self.d, "idic_civ"), 0)
        self.assertEqual(self.value(self.a, "idic_referred_customer_count"), 1)
        self.assertAlmostEqual(self.value(self.a, "idic_referred_revenue"), 600.0, 2)
        # E never bought: it has no value and counts for nobody.
        self.assertFalse(self.value(self.e, "idic_engagement_value"))
        # The referred customers show on the referrer's form, with their action.
        self.assertEqual(self.a.idic_referral_ids, self.b | self.e)
        action = self.a.with_company(self.company_r).action_idic_open_referred()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.b | self.e
        )
        advocacy = self.a.with_company(self.company_r).action_idic_open_advocacy()
        self.assertEqual(
            self.env["idic.interaction"].search(advocacy["domain"]).mapped("kind"),
            ["review"],
        )
        knowledge = self.c.with_company(self.company_r).action_idic_open_knowledge()
        self.assertEqual(
            len(self.env["idic.interaction"].search(knowledge["domain"])), 4
        )

    def test_quadrants_and_churn(self):
        self.company_r.idic_churn_threshold = 70.0
        self.recompute()
        # CLV 3000, 1800, 300, 150: median 1050. Indirect value A 1503.44,
        # B 293.75, C 320, D -60: median 306.875.
        segments = {
            key: self.value(self.by_key[key], "idic_engagement_segment")
            for key in "abcd"
        }
        self.assertEqual(
            segments,
            {"a": "champions", "b": "affluents", "c": "advocates", "d": "misers"},
        )
        # p_alive: B bought again after 200 days, silent 100 since: exp(-0.5);
        # the others bought once: the company's rate 1 purchase per 375/7
        # weeks of exposure over their own age.
        rate = 7 / 375
        expected = {
            "a": math.exp(-rate * 50 / WEEK),
            "b": math.exp(-1 / (200 / WEEK) * (100 / WEEK)),
            "c": math.exp(-rate * 20 / WEEK),
            "d": math.exp(-rate * 5 / WEEK),
        }
        for key, p_alive in expected.items():
            self.assertAlmostEqual(
                self.value(self.by_key[key], "idic_p_alive"), p_alive, 5, key
            )
        Partner = self.env["res.partner"].with_user(self.idic_user)
        Partner = Partner.with_company(self.company_r)
        everyone = self.a | self.b | self.c | self.d | self.e
        # The churn list: valued customers below 70 %.
        self.assertEqual(
            Partner.search(
                [("idic_churn_risk", "=", True), ("id", "in", everyone.ids)]
            ),
            self.b,
        )
        self.assertTrue(self.b.with_company(self.company_r).idic_churn_risk)
        # Stage rules may use the probability (a partner without a value
        # reads 0: a rule names the customers with a method).
        self.assertEqual(
            Partner.search(
                [
                    ("idic_p_alive", "<", 0.7),
                    ("idic_clv_method", "!=", False),
                    ("id", "in", everyone.ids),
                ]
            ),
            self.b,
        )
        undervalued = self.env.ref("partner_idic.res_partner_action_idic_undervalued")
        self.assertEqual(
            Partner.search(
                [*safe_eval(undervalued.domain), ("id", "in", everyone.ids)]
            ),
            self.c,
        )

    def test_quadrant_median_edges(self):
        """Odd population: the customer exactly at the median is low."""
        company = self.env["res.company"].create({"name": "IDIC Engagement Q"})
        self.load_chart(company)
        company.write({"idic_rfm_window_months": 12, "idic_clv_years": 2.0})
        Partner = self.env["res.partner"]
        low, mid, high = (
            Partner.create({"name": f"Q{amount}", "is_company": True})
            for amount in (100, 200, 300)
        )
        for partner, amount in ((low, 100), (mid, 200), (high, 300)):
            self._invoice(partner, 10, amount, company=company)
        self._interaction(low, "idea", company=company, knowledge_status="implemented")
        company.idic_ckv_implemented_value = 100.0
        self.recompute(company)
        # CLV 300, 600, 900 (median 600); indirect 100, 0, 0 (median 0).
        self.assertEqual(
            [
                self.value(p, "idic_engagement_segment", company)
                for p in (low, mid, high)
            ],
            ["advocates", "misers", "affluents"],
        )

    def test_two_companies(self):
        self.other_company.idic_advocacy_value = 50.0
        self.recompute(self.company_r | self.other_company)
        other = self.other_company
        # In the other company A bought 700 30 days ago (window 24 months,
        # 3 years by default): 700 + 700 x 0.5 x 3; no referral value there.
        self.assertAlmostEqual(self.value(self.a, "idic_clv", other), 1750.0, 2)
        self.assertFalse(self.value(self.a, "idic_crv", other))
        self.assertFalse(self.value(self.a, "idic_civ", other))
        self.assertAlmostEqual(self.value(self.a, "idic_crv"), 1360.0, 2)
        # B's testimonial counts in the other company only (B never bought
        # there: a row of indirect value alone).
        self.assertAlmostEqual(self.value(self.b, "idic_civ", other), 50.0, 2)
        self.assertAlmostEqual(self.value(self.b, "idic_civ"), 43.75, 2)

    def test_rerun_changes_nothing(self):
        self.assertTrue(self.recompute())
        self.assertEqual(self.recompute(), 0)

    def test_engagement_tiers(self):
        Tier = self.env["idic.value.tier"]
        tiers = {
            name: Tier.create(
                {
                    "name": name,
                    "company_id": self.company_r.id,
                    "basis": "engagement",
                    "min_threshold": minimum,
                }
            )
            for name, minimum in (("Bronze", 0), ("Silver", 1000), ("Gold", 4000))
        }
        self.recompute()
        # Engagement values 4503.44, 2093.75, 620, 90.
        for key, tier in (
            ("a", "Gold"),
            ("b", "Silver"),
            ("c", "Bronze"),
            ("d", "Bronze"),
        ):
            self.assertEqual(
                self.value(self.by_key[key], "idic_value_tier_id"), tiers[tier], key
            )
        # On predicted CLV: 2000, 1200, 200, 100.
        Tier.browse([tier.id for tier in tiers.values()]).basis = "predicted_clv"
        self.recompute()
        for key, tier in (
            ("a", "Silver"),
            ("b", "Silver"),
            ("c", "Bronze"),
            ("d", "Bronze"),
        ):
            self.assertEqual(
                self.value(self.by_key[key], "idic_value_tier_id"), tiers[tier], key
            )

    # ------------------------------------------------------------------------
    # Predicted lifetime value
    # ------------------------------------------------------------------------
    def test_fallback_margin_and_category(self):
        """Too few repeat customers: the simple formula on margin, and the
        probability of being active from each customer's own rhythm."""
        company = self.env["res.company"].create({"name": "IDIC Engagement F"})
        self.load_chart(company)
        company.write(
            {
                "idic_rfm_window_months": 12,
                "idic_clv_years": 2.0,
                "idic_clv_margin_percent": 40.0,
            }
        )
        category = self.env["product.category"].create(
            {"name": "Low margin", "idic_margin_percent": 25.0}
        )
        product = self.env["product.product"].create(
            {"name": "Low margin product", "categ_id": category.id}
        )
        Partner = self.env["res.partner"]
        alpha, beta, gamma = (
            Partner.create({"name": name, "is_company": True})
            for name in ("F Alpha", "F Beta", "F Gamma")
        )
        self._invoice(alpha, 300, 1000, company=company, product=product)
        self._invoice(alpha, 100, 500, company=company)
        self._invoice(alpha, 10, 500, company=company)
        self._invoice(beta, 70, 300, company=company)
        self._invoice(gamma, 400, 200, company=company)
        self._invoice(gamma, 380, 100, company=company)
        self.recompute(company)
        value = self.value
        # Alpha: margin 1000 x 25 % + 1000 x 40 % = 650 of 2000 (ratio
        # 0.325); all in the window: predicted 2000 x 0.325 x 2 = 1300.
        self.assertAlmostEqual(value(alpha, "idic_historic_margin", company), 650.0, 2)
        self.assertAlmostEqual(value(alpha, "idic_predicted_clv", company), 1300.0, 2)
        self.assertAlmostEqual(value(alpha, "idic_clv", company), 1950.0, 2)
        self.assertAlmostEqual(value(alpha, "idic_expected_purchases", company), 6.0, 2)
        # Gamma: 300 x 40 %, nothing in the window.
        self.assertAlmostEqual(value(gamma, "idic_clv", company), 120.0, 2)
        self.assertAlmostEqual(value(gamma, "idic_predicted_clv", company), 0.0, 2)
        # p_alive: Alpha 2 repeat purchases in 290 days, silent 10 days;
        # Gamma 1 in 20 days, silent 380; Beta one purchase 70 days ago at
        # the company's rate: 3 repeat purchases over 770 days of exposure.
        self.assertAlmostEqual(
            value(alpha, "idic_p_alive", company), math.exp(-2 / 290 * 10), 5
        )
        self.assertAlmostEqual(
            value(gamma, "idic_p_alive", company), math.exp(-1 / 20 * 380), 5
        )
        self.assertAlmostEqual(
            value(beta, "idic_p_alive", company), math.exp(-3 / 770 * 70), 5
        )
        for partner in alpha | beta | gamma:
            self.assertEqual(value(partner, "idic_clv_method", company), "simple")
        self.assertEqual(company.idic_clv_method, "simple")
        self.assertEqual(company.idic_clv_repeat_customers, 2)

    def test_model_fit(self):
        """Enough repeat customers: BG/NBD and Gamma-Gamma fitted on the
        company's invoices, the value of each customer predicted from them."""
        company = self.env["res.company"].create({"name": "IDIC Engagement M"})
        self.load_chart(company)
        company.write(
            {
                "idic_clv_margin_percent": 30.0,
                "idic_clv_horizon_months": 24,
                "idic_clv_discount_rate": 12.0,
            }
        )
        customers = synthetic_customers()
        Partner = self.env["res.partner"]
        partners = Partner.create(
            [
                {"name": f"M{index:02d}", "is_company": True}
                for index in range(len(customers))
            ]
        )
        for partner, (days, amounts) in zip(partners, customers, strict=True):
            for day, amount in zip(days, amounts, strict=True):
                self._invoice(partner, day, amount, company=company)
        self.recompute(company)
        # The data as the papers define it, from the generated histories.
        x = np.array([len(days) - 1 for days, _a in customers], dtype=float)
        t_x = np.array([(days[0] - days[-1]) / WEEK for days, _a in customers])
        T = np.array([days[0] / WEEK for days, _a in customers])
        m = np.array(
            [
                np.mean(amounts[1:]) if len(amounts) > 1 else 0.0
                for _d, amounts in customers
            ]
        )
        self.assertEqual(company.idic_clv_method, "model")
        self.assertTrue(company.idic_clv_fit_converged)
        self.assertEqual(company.idic_clv_repeat_customers, int(np.sum(x > 0)))
        bgnbd = clv_model.bgnbd_fit(x, t_x, T)
        gamma_gamma = clv_model.gamma_gamma_fit(x[x > 0], m[x > 0])
        stored = (
            company.idic_bgnbd_r,
            company.idic_bgnbd_alpha,
            company.idic_bgnbd_a,
            company.idic_bgnbd_b,
        )
        for ours, theirs in zip(stored, bgnbd, strict=True):
            self.assertAlmostEqual(ours, theirs, 4)
        self.assertAlmostEqual(company.idic_gg_q, gamma_gamma[1], 4)
        p, q, gamma = gamma_gamma
        monthly = 1.12 ** (-1 / 12)
        for index in (0, 1, 5, 17, 33):
            partner = partners[index]
            args = (x[index], t_x[index], T[index])
            self.assertAlmostEqual(
                self.value(partner, "idic_p_alive", company),
                bgnbd_p_alive(bgnbd, *args),
                5,
            )
            self.assertAlmostEqual(
                self.value(partner, "idic_expected_purchases", company),
                bgnbd_expected(bgnbd, 24 * MONTH_WEEKS, *args),
                3,
            )
            spend = p * (gamma + m[index] * x[index]) / (p * x[index] + q - 1)
            purchases = [
                bgnbd_expected(bgnbd, k * MONTH_WEEKS, *args) for k in range(25)
            ]
            discounted = sum(
                (purchases[k] - purchases[k - 1]) * monthly**k for k in range(1, 25)
            )
            predicted = round(discounted * spend * 0.3, 2)
            self.assertAlmostEqual(
                self.value(partner, "idic_predicted_clv", company), predicted, 1
            )
            lifetime = sum(customers[index][1])
            self.assertAlmostEqual(
                self.value(partner, "idic_clv", company),
                lifetime * 0.3 + predicted,
                1,
            )
            self.assertEqual(self.value(partner, "idic_clv_method", company), "model")
        # A customer silent for long has a lower probability than one that
        # bought lately at the same rate: p_alive is not 1 for everybody.
        values = [self.value(partner, "idic_p_alive", company) for partner in partners]
        self.assertLess(min(values), 0.5)

    # ------------------------------------------------------------------------
    # Settings and access
    # ------------------------------------------------------------------------
    def test_bad_settings(self):
        for vals in (
            {"idic_clv_discount_rate": 150.0},
            {"idic_clv_margin_percent": -1.0},
            {"idic_clv_horizon_months": 0},
            {"idic_clv_min_repeat_customers": 2},
            {"idic_civ_attenuation": 1.5},
            {"idic_civ_depth": 0},
            {"idic_acquisition_cost": -5.0},
        ):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.company_r.write(vals)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["product.category"].create(
                {"name": "X", "idic_margin_percent": 120}
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._interaction(self.a, "review", sentiment="positive", reach=-1)

    def test_access(self):
        self.recompute()
        # Relationship users read the values of their company's customers.
        a = self.a.with_user(self.idic_user).with_company(self.company_r)
        self.assertAlmostEqual(a.idic_crv, 1360.0, 2)
        self.assertEqual(a.idic_engagement_segment, "champions")
        a.read(["idic_engagement_value", "idic_p_alive", "idic_clv_method"])
        # ... and log advocacy and feedback.
        self.env["idic.interaction"].with_user(self.idic_user).with_company(
            self.company_r
        ).create(
            {
                "partner_id": self.a.id,
                "subject": "Case study",
                "kind": "case_study",
                "sentiment": "positive",
                "company_id": self.company_r.id,
            }
        )
        # Not the fit nor the settings.
        company = self.company_r.with_user(self.idic_user)
        with self.assertRaises(AccessError):
            company.read(["idic_bgnbd_r"])
        with self.assertRaises(AccessError):
            company.write({"idic_acquisition_cost": 1.0})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.idic_user).create(
                {}
            ).action_idic_refit_clv()
        # Managers read the fit; with Settings access they refit.
        self.company_r.with_user(self.idic_manager).read(["idic_bgnbd_r"])
        settings = (
            self.env["res.config.settings"]
            .with_user(self.idic_admin)
            .with_context(allowed_company_ids=[self.company_r.id])
            .create({"idic_acquisition_cost": 200.0})
        )
        action = settings.action_idic_refit_clv()
        self.assertEqual(action["tag"], "display_notification")
        self.env.invalidate_all()
        # A saves the acquisition cost of B, 100 more.
        self.assertAlmostEqual(self.value(self.a, "idic_crv"), 1460.0, 2)
        # A user without the add-on still reads partners.
        self.a.with_user(self.plain_user).read(["name", "email"])

    def test_overview_section(self):
        self.company_r.idic_churn_threshold = 70.0
        Tier = self.env["idic.value.tier"]
        gold = Tier.create(
            {"name": "R Gold", "company_id": self.company_r.id, "min_threshold": 1500}
        )
        Tier.create({"name": "R Base", "company_id": self.company_r.id})
        self.recompute()
        data = (
            self.env["idic.overview"]
            .with_user(self.idic_user)
            .with_company(self.company_r)
            .get_overview()
        )
        keys = [section["key"] for section in data["sections"]]
        self.assertEqual(keys[keys.index("value") + 1], "engagement")
        section = data["sections"][keys.index("engagement")]
        tiles = {tile["key"]: tile for tile in section["tiles"] + section["rows"]}
        # One customer per quadrant (see test_quadrants_and_churn).
        for segment in ("champions", "affluents", "advocates", "misers"):
            self.assertEqual(tiles[f"engagement_{segment}"]["value"], 1, segment)
        self.assertAlmostEqual(
            tiles["engagement_total"]["value"], 4503.44 + 2093.75 + 620 + 90, 2
        )
        self.assertIn("Not additive", tiles["engagement_total"]["hint"])
        Partner = self.env["res.partner"].with_user(self.idic_user)
        Partner = Partner.with_company(self.company_r)

        def shown(key):
            return Partner.search(tiles[key]["action"]["domain"])

        # B (CLV 1800 >= 1500: the top tier) is at risk; C is undervalued.
        self.assertEqual(self.value(self.b, "idic_value_tier_id"), gold)
        self.assertEqual(tiles["engagement_top_churn"]["value"], 1)
        self.assertEqual(shown("engagement_top_churn"), self.b)
        self.assertEqual(shown("engagement_undervalued"), self.c)
        self.assertEqual(shown("engagement_champions"), self.a)

    def test_tiers_on_p_alive(self):
        Tier = self.env["idic.value.tier"]
        vals = {"company_id": self.company_r.id, "basis": "p_alive"}
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Tier.create(dict(vals, name="Too high", min_threshold=2.0))
        low = Tier.create(dict(vals, name="Fading", min_threshold=0.0))
        high = Tier.create(dict(vals, name="Active", min_threshold=0.7))
        self.recompute()
        # p_alive: A 0.875, B 0.607, C 0.948, D 0.987 (test_quadrants_and_churn).
        for key, tier in (("a", high), ("b", low), ("c", high), ("d", high)):
            self.assertEqual(self.value(self.by_key[key], "idic_value_tier_id"), tier)

    def test_settings_for_an_administrator_outside_the_add_on(self):
        """An Odoo administrator who is no relationship manager opens and
        saves Settings without meeting the restricted fit fields."""
        admin = new_user(
            self.env, login="idic_sys_only", groups="base.group_system,base.group_user"
        )
        settings = self.env["res.config.settings"].with_user(admin).create({})
        settings.execute()
        self.company.with_user(admin).read(["name", "idic_clv_horizon_months"])

    def test_fit_not_converged(self):
        """Each customer always spends the same amount: Gamma-Gamma cannot be
        fitted (no spread within customers); the fit is recorded with its
        report, and the simple formula gives the values."""
        company = self.env["res.company"].create({"name": "IDIC Engagement N"})
        self.load_chart(company)
        company.idic_clv_min_repeat_customers = 4
        Partner = self.env["res.partner"]
        partners = Partner.create(
            [{"name": f"N{index}", "is_company": True} for index in range(6)]
        )
        for index, partner in enumerate(partners):
            for number in range(2 + index % 3):
                self._invoice(
                    partner,
                    400 - 60 * number - 7 * index,
                    100.0 * (index + 1),
                    company=company,
                )
        self.recompute(company)
        self.assertEqual(company.idic_clv_repeat_customers, 6)
        self.assertTrue(company.idic_clv_fit_date)
        self.assertFalse(company.idic_clv_fit_converged)
        self.assertTrue(company.idic_clv_fit_message)
        self.assertEqual(company.idic_clv_method, "simple")
        self.assertEqual(self.value(partners[0], "idic_clv_method", company), "simple")

    def test_value_invoices_action(self):
        self.recompute()
        action = self.b.with_company(self.company_r).action_idic_open_value_invoices()
        moves = self.env["account.move"].search(action["domain"])
        self.assertEqual(len(moves), 2)
        self.assertEqual(sorted(moves.mapped("amount_untaxed")), [200.0, 400.0])
        # The button shows only to users who may read invoices.
        arch = (
            self.env["res.partner"]
            .with_user(self.idic_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("action_idic_open_value_invoices", arch)
        self.assertIn("action_idic_open_referred", arch)
