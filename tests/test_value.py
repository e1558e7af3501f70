# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Differentiate: RFM scores, lifetime value and value tiers (issue #4).

The figures are checked against expectations computed by hand (or by the
small reference functions below) from the amounts typed on the invoices, never
by reading the accounting amounts back.

Company A is created here, with a chart of accounts and no other invoice, so
that the population-dependent scores (quintiles) are known exactly. Its value
window is 12 months and it expects 2 more years of business.

Posted moves of company A (T = today, company currency USD, CHF at 2.5 CHF
for 1 USD, so 1000 CHF = 400 USD)::

    Alpha   invoice    T-10    500 USD
            invoice    T-40   1000 CHF = 400 USD  (on its contact Alice)
            refund     T-5     100 USD
            invoice    T-400   300 USD            (outside the window)
            draft      T-3    9999 USD            (ignored)
            cancelled  T-2    8888 USD            (ignored)
    Beta    invoice    T-10    200 USD            (same last date as Alpha)
    Gamma   invoice    T-100    50 USD
            refund     T-90    200 CHF = 80 USD
    Delta   invoice    T-500  1000 USD            (outside the window)
    Epsilon refund     T-20     60 USD            (no invoice at all)
    Zeta    draft and cancelled invoices only

Alpha also has one invoice of 7000 in company B (``other_company``) at T-1.
"""

import math
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import FiguresMixin, IdicCase, new_user

# CHF for one unit of company currency, in company A.
RATE = 2.5

FIGURES = [
    "idic_recency_days",
    "idic_frequency",
    "idic_monetary",
    "idic_first_invoice_date",
    "idic_last_invoice_date",
    "idic_lifetime_revenue",
    "idic_r_score",
    "idic_f_score",
    "idic_m_score",
    "idic_rfm_total",
    "idic_rfm_segment",
    "idic_clv",
]
NO_FIGURES = {
    "idic_recency_days": 0,
    "idic_frequency": 0,
    "idic_monetary": 0.0,
    "idic_first_invoice_date": False,
    "idic_last_invoice_date": False,
    "idic_lifetime_revenue": 0.0,
    "idic_r_score": 0,
    "idic_f_score": 0,
    "idic_m_score": 0,
    "idic_rfm_total": 0,
    "idic_rfm_segment": False,
    "idic_clv": 0.0,
}


def quintile(values, value):
    """Reference quintile score: the share of ``values`` at or below
    ``value``, in fifths, rounded up."""
    share = sum(1 for other in values if other <= value) / len(values)
    return math.ceil(5 * share)


def clv(lifetime, monetary, window_months, years):
    return round(lifetime + max(monetary, 0.0) * 12.0 / window_months * years, 2)


@tagged("post_install", "-at_install")
class TestValue(FiguresMixin, IdicCase):
    FIGURES = FIGURES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        usd = cls.env.ref("base.USD")
        cls.company_a = cls.env["res.company"].create(
            {"name": "IDIC Value A", "currency_id": usd.id}
        )
        cls.company_b = cls.other_company
        cls.load_chart(cls.company_a | cls.company_b)
        cls.company_a.write(
            {
                "idic_rfm_window_months": 12,
                "idic_clv_years": 2.0,
                "idic_rfm_scoring": "quintile",
            }
        )
        cls.chf = cls.env.ref("base.CHF")
        cls.chf.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": cls.today - timedelta(days=2000),
                "rate": RATE,
                "currency_id": cls.chf.id,
                "company_id": cls.company_a.id,
            }
        )
        # Managers work in the value companies too.
        for user in cls.idic_manager | cls.idic_admin:
            user.company_ids = [
                Command.link(cls.company_a.id),
                Command.link(cls.company_b.id),
            ]

        def company(name):
            return Partner.create({"name": name, "is_company": True})

        cls.alpha = company("Alpha Value Co")
        cls.alice = Partner.create(
            {"name": "Alice Alpha", "parent_id": cls.alpha.id, "type": "contact"}
        )
        cls.beta = company("Beta Value Co")
        cls.gamma = company("Gamma Value Co")
        cls.delta = company("Delta Value Co")
        cls.epsilon = company("Epsilon Value Co")
        cls.zeta = company("Zeta Value Co")
        cls.customers = (
            cls.alpha | cls.alice | cls.beta | cls.gamma | cls.delta | cls.epsilon
        )

        # Tiers of company A, on lifetime value.
        Pricelist = cls.env["product.pricelist"]
        cls.pl_silver = Pricelist.create(
            {"name": "Silver prices", "company_id": cls.company_a.id}
        )
        cls.pl_gold = Pricelist.create(
            {"name": "Gold prices", "company_id": cls.company_a.id}
        )
        cls.pl_manual = Pricelist.create(
            {"name": "Negotiated prices", "company_id": cls.company_a.id}
        )
        todo = cls.env.ref("mail.mail_activity_data_todo")

        def plan(summary):
            return cls.env["mail.activity.plan"].create(
                {
                    "name": summary,
                    "res_model": "res.partner",
                    "company_id": cls.company_a.id,
                    "template_ids": [
                        Command.create(
                            {
                                "activity_type_id": todo.id,
                                "summary": summary,
                                "responsible_type": "other",
                                "responsible_id": cls.idic_user.id,
                            }
                        )
                    ],
                }
            )

        Tier = cls.env["idic.value.tier"]
        cls.bronze = Tier.create(
            {
                "name": "Bronze",
                "company_id": cls.company_a.id,
                "basis": "clv",
                "min_threshold": 0.0,
                "activity_plan_id": plan("Welcome to Bronze").id,
            }
        )
        cls.silver = Tier.create(
            {
                "name": "Silver",
                "company_id": cls.company_a.id,
                "basis": "clv",
                "min_threshold": 500.0,
                "pricelist_id": cls.pl_silver.id,
            }
        )
        cls.gold = Tier.create(
            {
                "name": "Gold",
                "company_id": cls.company_a.id,
                "basis": "clv",
                "min_threshold": 2000.0,
                "pricelist_id": cls.pl_gold.id,
                "activity_plan_id": plan("Welcome to Gold").id,
            }
        )
        # Set by hand before any recompute: must be kept.
        cls.delta.with_company(
            cls.company_a
        ).specific_property_product_pricelist = cls.pl_manual

        inv = cls._invoice
        inv(cls.alpha, 10, 500)
        inv(cls.alice, 40, 1000, currency=cls.chf)
        inv(cls.alpha, 5, 100, move_type="out_refund")
        inv(cls.alpha, 400, 300)
        inv(cls.alpha, 3, 9999, state="draft")
        inv(cls.alpha, 2, 8888, state="cancel")
        inv(cls.beta, 10, 200)
        inv(cls.gamma, 100, 50)
        inv(cls.gamma, 90, 200, move_type="out_refund", currency=cls.chf)
        inv(cls.delta, 500, 1000)
        inv(cls.epsilon, 20, 60, move_type="out_refund")
        inv(cls.zeta, 4, 700, state="draft")
        inv(cls.zeta, 6, 800, state="cancel")
        inv(cls.alpha, 1, 7000, company=cls.company_b)

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    @classmethod
    def _invoice(
        cls,
        partner,
        days_ago,
        amount,
        move_type="out_invoice",
        currency=None,
        company=None,
        state="posted",
    ):
        """A customer invoice (or credit note) of one untaxed line of
        ``amount``, dated ``days_ago`` days before today."""
        return cls.make_invoice(
            partner,
            cls.today - timedelta(days=days_ago),
            [("Consulting", amount)],
            company or cls.company_a,
            move_type=move_type,
            currency=currency,
            state=state,
        )

    def recompute(self, companies=None):
        companies = companies or (self.company_a | self.company_b)
        count = self.env["res.partner"]._idic_recompute_values(
            companies=companies, commit=False
        )
        self.env.invalidate_all()
        return count

    def days(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def history(self, partner=None, company=None):
        domain = [("company_id", "=", (company or self.company_a).id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["idic.tier.history"].search(domain)

    def welcome_activities(self, partner, tier):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("summary", "=", f"Welcome to {tier}"),
            ]
        )

    def expected_a(self):
        """The figures of company A, computed by hand from the table of the
        module docstring (window 12 months, 2 years, quintiles)."""
        chf_invoice = 1000 / RATE  # 400.0
        chf_refund = 200 / RATE  # 80.0
        alpha_monetary = 500 + chf_invoice - 100  # 800
        alpha_lifetime = alpha_monetary + 300  # 1100
        gamma_net = 50 - chf_refund  # -30
        return {
            # R: 4 invoiced customers by last date: Delta 1/4, Gamma 2/4,
            # Alpha and Beta (tie) 4/4 -> ceil(5 x share) = 2, 3, 5, 5.
            # F: frequency > 0: Beta, Gamma (tie, 2/3) 4, Alpha 5; Delta 1.
            # M: monetary > 0: Beta 1/2 -> 3, Alpha 5; Gamma, Delta 1.
            self.alpha: {
                "idic_recency_days": 10,
                "idic_frequency": 2,
                "idic_monetary": alpha_monetary,
                "idic_first_invoice_date": self.days(400),
                "idic_last_invoice_date": self.days(10),
                "idic_lifetime_revenue": alpha_lifetime,
                "idic_r_score": 5,
                "idic_f_score": 5,
                "idic_m_score": 5,
                "idic_rfm_total": 15,
                "idic_rfm_segment": "champions",
                "idic_clv": clv(alpha_lifetime, alpha_monetary, 12, 2),  # 2700
            },
            self.beta: {
                "idic_recency_days": 10,
                "idic_frequency": 1,
                "idic_monetary": 200.0,
                "idic_first_invoice_date": self.days(10),
                "idic_last_invoice_date": self.days(10),
                "idic_lifetime_revenue": 200.0,
                "idic_r_score": 5,
                "idic_f_score": 4,
                "idic_m_score": 3,
                "idic_rfm_total": 12,
                "idic_rfm_segment": "champions",
                "idic_clv": clv(200, 200, 12, 2),  # 600
            },
            self.gamma: {
                "idic_recency_days": 100,
                "idic_frequency": 1,
                "idic_monetary": gamma_net,
                "idic_first_invoice_date": self.days(100),
                "idic_last_invoice_date": self.days(100),
                "idic_lifetime_revenue": gamma_net,
                "idic_r_score": 3,
                "idic_f_score": 4,
                "idic_m_score": 1,
                "idic_rfm_total": 8,
                "idic_rfm_segment": "loyal",
                "idic_clv": clv(gamma_net, gamma_net, 12, 2),  # -30
            },
            self.delta: {
                "idic_recency_days": 500,
                "idic_frequency": 0,
                "idic_monetary": 0.0,
                "idic_first_invoice_date": self.days(500),
                "idic_last_invoice_date": self.days(500),
                "idic_lifetime_revenue": 1000.0,
                "idic_r_score": 2,
                "idic_f_score": 1,
                "idic_m_score": 1,
                "idic_rfm_total": 4,
                "idic_rfm_segment": "hibernating",
                "idic_clv": clv(1000, 0, 12, 2),  # 1000
            },
            self.epsilon: dict(
                NO_FIGURES,
                idic_monetary=-60.0,
                idic_lifetime_revenue=-60.0,
                idic_clv=-60.0,
            ),
            self.zeta: dict(NO_FIGURES),
        }

    # ------------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------------
    def test_figures_match_invoices(self):
        """Every stored figure of company A equals the hand computation:
        currencies converted, credit notes deducted, drafts and cancelled
        invoices ignored, the window applied, quintiles with ties and fewer
        than five customers, no score nor segment without an invoice."""
        for partner in self.customers | self.zeta:
            self.assertEqual(self.figures(partner), NO_FIGURES, partner.name)
        self.assertEqual(self.recompute(self.company_a), 6)
        for partner, expected in self.expected_a().items():
            self.assertFigures(partner, expected)
        self.assertEqual(self.alpha.with_company(self.company_a).idic_clv, 2700.0)
        self.assertEqual(self.beta.with_company(self.company_a).idic_clv, 600.0)

    def test_credit_notes_reduce_value(self):
        self.recompute()
        before = self.figures(self.beta)
        self._invoice(self.beta, 1, 150, move_type="out_refund", currency=self.chf)
        self.recompute()
        after = self.figures(self.beta)
        refund = 150 / RATE  # 60.0
        self.assertAlmostEqual(after["idic_monetary"], 200 - refund)
        self.assertAlmostEqual(after["idic_lifetime_revenue"], 200 - refund)
        self.assertAlmostEqual(
            after["idic_clv"], clv(200 - refund, 200 - refund, 12, 2)
        )
        self.assertLess(after["idic_clv"], before["idic_clv"])
        # A credit note is no invoice: the dates and the count stay.
        self.assertEqual(after["idic_frequency"], 1)
        self.assertEqual(after["idic_last_invoice_date"], self.days(10))
        self.assertEqual(after["idic_recency_days"], 10)

    def test_draft_and_cancelled_moves_ignored(self):
        self.recompute()
        expected = self.expected_a()
        self.assertFigures(self.alpha, expected[self.alpha])
        self.assertEqual(self.figures(self.zeta), NO_FIGURES)
        # Cancelling a posted move takes it out at the next recompute, also
        # for a partner that has no tier (a credit note only).
        move = self._invoice(self.zeta, 8, 40, move_type="out_refund")
        self.recompute()
        zeta = self.zeta.with_company(self.company_a)
        self.assertEqual(zeta.idic_lifetime_revenue, -40.0)
        self.assertFalse(zeta.idic_value_tier_id)
        move.button_draft()
        move.button_cancel()
        self.recompute()
        self.assertEqual(self.figures(self.zeta), NO_FIGURES)
        # And for one in a tier: 400 + 2 x 400 = 1200, Silver, then nothing.
        move = self._invoice(self.zeta, 8, 400)
        self.recompute()
        self.assertEqual(zeta.idic_value_tier_id, self.silver)
        move.button_draft()
        self.recompute()
        self.assertEqual(self.figures(self.zeta), NO_FIGURES)
        self.assertFalse(zeta.idic_value_tier_id)
        # Back to draft counts no more either.
        move = self._invoice(self.beta, 2, 1000)
        move.button_draft()
        self.recompute()
        self.assertFigures(self.beta, expected[self.beta])

    def test_contacts_carry_company_figures(self):
        self.recompute()
        self.assertEqual(self.figures(self.alice), self.figures(self.alpha))
        self.assertEqual(
            self.figures(self.alice, self.company_b),
            self.figures(self.alpha, self.company_b),
        )
        self.assertEqual(
            self.alice.with_company(self.company_a).idic_value_tier_id, self.gold
        )
        # A contact added later gets the figures at the next recompute.
        bob = self.env["res.partner"].create(
            {"name": "Bob Alpha", "parent_id": self.alpha.id}
        )
        self.assertEqual(self.figures(bob), NO_FIGURES)
        self.recompute()
        self.assertEqual(self.figures(bob), self.figures(self.alpha))
        # Contacts get no tier history of their own.
        self.assertFalse(self.history(self.alice) | self.history(bob))

    def test_multi_company(self):
        """Each company has its own figures: company B only sees the invoice
        of company B, and a company that was not recomputed sees nothing."""
        self.recompute()
        b = self.company_b
        self.assertFigures(
            self.alpha,
            {
                "idic_recency_days": 1,
                "idic_frequency": 1,
                "idic_monetary": 7000.0,
                "idic_first_invoice_date": self.days(1),
                "idic_last_invoice_date": self.days(1),
                "idic_lifetime_revenue": 7000.0,
                # Alone in its company: the best of it.
                "idic_r_score": 5,
                "idic_f_score": 5,
                "idic_m_score": 5,
                "idic_rfm_total": 15,
                "idic_rfm_segment": "champions",
                "idic_clv": clv(7000, 7000, b.idic_rfm_window_months, b.idic_clv_years),
            },
            company=b,
        )
        self.assertFigures(self.alpha, self.expected_a()[self.alpha])
        for partner in self.beta | self.gamma | self.delta | self.epsilon:
            self.assertEqual(self.figures(partner, b), NO_FIGURES, partner.name)
        for partner in self.customers:
            self.assertEqual(
                self.figures(partner, self.company), NO_FIGURES, partner.name
            )
        # Company B has no tier: its customers get none.
        self.assertFalse(self.alpha.with_company(b).idic_value_tier_id)
        self.assertEqual(
            self.alpha.with_company(self.company_a).idic_value_tier_id, self.gold
        )
        # Recomputing only company A leaves company B alone.
        self._invoice(self.alpha, 1, 3000, company=b)
        self.recompute(self.company_a)
        self.assertEqual(self.alpha.with_company(b).idic_lifetime_revenue, 7000.0)

    def test_quintiles_ten_customers(self):
        """Ten customers in company B (Alpha and nine new ones): the scores
        spread from 1 to 5, ties share a score."""
        Partner = self.env["res.partner"]
        amounts = [100, 100, 200, 300, 400, 500, 600, 700, 800]
        news = Partner
        for index, amount in enumerate(amounts, start=1):
            partner = Partner.create({"name": f"Quintile {index}", "is_company": True})
            self._invoice(partner, 10 * index, amount, company=self.company_b)
            news |= partner
        self.recompute(self.company_b)
        population = news | self.alpha
        last_dates = [self.days(10 * i) for i in range(1, 10)] + [self.days(1)]
        monetary = [*amounts, 7000]
        expected_m = [quintile(monetary, m) for m in monetary]
        expected_r = [quintile(last_dates, d) for d in last_dates]
        # Independent of the reference function, by hand:
        self.assertEqual(expected_m, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        self.assertEqual(expected_r, [5, 4, 4, 3, 3, 2, 2, 1, 1, 5])
        b = self.company_b
        for partner, r, m in zip(population, expected_r, expected_m, strict=True):
            partner = partner.with_company(b)
            self.assertEqual(partner.idic_r_score, r, partner.name)
            self.assertEqual(partner.idic_m_score, m, partner.name)
            # One invoice each: all tied on frequency, all score 5.
            self.assertEqual(partner.idic_f_score, 5, partner.name)
            self.assertEqual(partner.idic_rfm_total, r + 5 + m, partner.name)

    def test_fixed_thresholds(self):
        self.company_a.write(
            {
                "idic_rfm_scoring": "fixed",
                "idic_rfm_r_thresholds": "5,20,120,400",
                "idic_rfm_f_thresholds": "1,2,3,4",
                "idic_rfm_m_thresholds": "100,500,1000,5000",
            }
        )
        self.recompute(self.company_a)
        expected = {
            # recency 10 -> 4; frequency 2 -> 3; monetary 800 -> 3
            self.alpha: (4, 3, 3, "potential_loyalist"),
            # recency 10 -> 4; frequency 1 -> 2; monetary 200 -> 2
            self.beta: (4, 2, 2, "potential_loyalist"),
            # recency 100 -> 3; frequency 1 -> 2; monetary -30 -> 1
            self.gamma: (3, 2, 1, "about_to_sleep"),
            # recency 500 -> 1; frequency 0 -> 1; monetary 0 -> 1
            self.delta: (1, 1, 1, "lost"),
        }
        for partner, (r, f, m, segment) in expected.items():
            partner = partner.with_company(self.company_a)
            self.assertEqual(
                (
                    partner.idic_r_score,
                    partner.idic_f_score,
                    partner.idic_m_score,
                    partner.idic_rfm_total,
                    partner.idic_rfm_segment,
                ),
                (r, f, m, r + f + m, segment),
                partner.name,
            )
        # Limits are inclusive: Beta's 10 days and 200 reach the limits.
        self.company_a.write(
            {
                "idic_rfm_r_thresholds": "5,10,120,400",
                "idic_rfm_m_thresholds": "100,200,1000,5000",
            }
        )
        self.recompute(self.company_a)
        beta = self.beta.with_company(self.company_a)
        self.assertEqual((beta.idic_r_score, beta.idic_m_score), (4, 3))
        # Still no score without an invoice.
        self.assertEqual(self.figures(self.epsilon)["idic_r_score"], 0)
        self.assertFalse(self.figures(self.epsilon)["idic_rfm_segment"])

    def test_bad_value_settings(self):
        bad = {
            "idic_rfm_r_thresholds": [
                "90,30,180,365",
                "30,30,180,365",
                "30,90,180",
                "30,90,180,365,400",
                "30,ninety,180,365",
                "-1,90,180,365",
                "",
            ],
            "idic_rfm_f_thresholds": ["4,2,8,12"],
            "idic_rfm_m_thresholds": ["500,2000,2000,50000"],
            "idic_rfm_window_months": [0],
            "idic_clv_years": [-1.0],
        }
        for field, values in bad.items():
            for value in values:
                with self.subTest(field=field, value=value):
                    with self.assertRaises(ValidationError):
                        self.company_a.write({field: value})
        # Good ones pass, spaces allowed.
        self.company_a.write({"idic_rfm_r_thresholds": "7, 30, 90, 365"})
        self.assertEqual(
            self.company_a._idic_rfm_thresholds()["r"], [7.0, 30.0, 90.0, 365.0]
        )

    def test_rerun_changes_nothing(self):
        # Company A: Alpha, Alice, Beta, Gamma, Delta, Epsilon; B: Alpha, Alice.
        self.assertEqual(self.recompute(), 8)
        figures = {p: self.figures(p) for p in self.customers | self.zeta}
        figures_b = {p: self.figures(p, self.company_b) for p in self.customers}
        history = self.env["idic.tier.history"].search([])
        activities = self.env["mail.activity"].search([])
        self.assertEqual(self.recompute(), 0)
        self.assertEqual({p: self.figures(p) for p in figures}, figures)
        self.assertEqual(
            {p: self.figures(p, self.company_b) for p in figures_b}, figures_b
        )
        self.assertEqual(self.env["idic.tier.history"].search([]), history)
        self.assertEqual(self.env["mail.activity"].search([]), activities)

    # ------------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------------
    def test_tiers_assigned_with_history_and_pricelists(self):
        self.recompute()
        tiers = {
            p: p.with_company(self.company_a).idic_value_tier_id
            for p in self.customers | self.zeta
        }
        self.assertEqual(
            tiers,
            {
                self.alpha: self.gold,  # 2700
                self.alice: self.gold,  # its company's
                self.beta: self.silver,  # 600
                self.gamma: self.env["idic.value.tier"],  # -30: below Bronze
                self.delta: self.silver,  # 1000
                self.epsilon: self.env["idic.value.tier"],  # -60
                self.zeta: self.env["idic.value.tier"],  # no posted move
            },
        )
        # No tier for anyone else of company A (Bronze starts at 0).
        self.assertEqual(
            self.env["res.partner"]
            .with_company(self.company_a)
            .search([("idic_value_tier_id", "!=", False)]),
            self.alpha | self.alice | self.beta | self.delta,
        )
        history = self.history()
        self.assertEqual(history.partner_id, self.alpha | self.beta | self.delta)
        for row in history:
            self.assertEqual(row.cause, "recompute")
            self.assertEqual(row.direction, "up")
            self.assertFalse(row.from_tier_id)
            self.assertEqual(row.to_tier_id, tiers[row.partner_id])
        alpha = self.alpha.with_company(self.company_a)
        self.assertEqual(alpha.idic_tier_date, self.today)
        self.assertFalse(alpha.idic_previous_tier_id)
        # Pricelists: the tier's, except the one Delta was given by hand; the
        # tier's is resolved when needed, never written on the partner.
        pricelist = {
            p: p.with_company(self.company_a).property_product_pricelist
            for p in (self.alpha, self.alice, self.beta, self.delta)
        }
        self.assertEqual(pricelist[self.alpha], self.pl_gold)
        self.assertEqual(pricelist[self.alice], self.pl_gold)  # its company's
        self.assertEqual(pricelist[self.beta], self.pl_silver)
        self.assertEqual(pricelist[self.delta], self.pl_manual)
        self.assertFalse(alpha.specific_property_product_pricelist)
        # The pricelists are company A's only.
        self.assertNotIn(
            self.alpha.with_company(self.company_b).property_product_pricelist,
            self.pl_gold | self.pl_silver,
        )
        # Welcome plan of Gold for Alpha, who moved up into it.
        activity = self.welcome_activities(self.alpha, "Gold")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.idic_user)
        self.assertFalse(self.welcome_activities(self.beta, "Gold"))

    def test_moving_up_and_down(self):
        self.recompute()
        history = self.history()
        # Beta buys a lot: 200 + 2000, CLV 2200 + 2 x 2200 = 6600 -> Gold.
        self._invoice(self.beta, 1, 2000)
        # Alpha gets a credit note of 1000: CLV 100 + 0 -> Bronze.
        self._invoice(self.alpha, 1, 1000, move_type="out_refund")
        self.recompute()
        beta = self.beta.with_company(self.company_a)
        alpha = self.alpha.with_company(self.company_a)
        self.assertAlmostEqual(beta.idic_clv, clv(2200, 2200, 12, 2))
        self.assertAlmostEqual(alpha.idic_clv, clv(100, -200, 12, 2))
        self.assertEqual(beta.idic_value_tier_id, self.gold)
        self.assertEqual(beta.idic_previous_tier_id, self.silver)
        self.assertEqual(alpha.idic_value_tier_id, self.bronze)
        self.assertEqual(alpha.idic_previous_tier_id, self.gold)
        self.assertEqual(
            self.alice.with_company(self.company_a).idic_value_tier_id, self.bronze
        )
        new = self.history() - history
        self.assertEqual(len(new), 2)
        by_partner = {row.partner_id: row for row in new}
        self.assertEqual(
            (
                by_partner[self.beta].from_tier_id,
                by_partner[self.beta].to_tier_id,
                by_partner[self.beta].direction,
                by_partner[self.beta].cause,
            ),
            (self.silver, self.gold, "up", "recompute"),
        )
        self.assertEqual(
            (
                by_partner[self.alpha].from_tier_id,
                by_partner[self.alpha].to_tier_id,
                by_partner[self.alpha].direction,
            ),
            (self.gold, self.bronze, "down"),
        )
        # The tier pricelist follows the tier (Bronze has none).
        self.assertEqual(beta.property_product_pricelist, self.pl_gold)
        self.assertNotIn(
            alpha.property_product_pricelist, self.pl_gold | self.pl_silver
        )
        self.assertFalse(beta.specific_property_product_pricelist)
        # The welcome plan only when moving up.
        self.assertEqual(len(self.welcome_activities(self.beta, "Gold")), 1)
        self.assertFalse(self.welcome_activities(self.alpha, "Bronze"))

    def test_history_only_on_change(self):
        self.recompute()
        history = self.history()
        self.assertEqual(len(history), 3)
        # New figures that keep every tier: no history.
        self._invoice(self.beta, 1, 10)
        self.assertGreater(self.recompute(self.company_a), 0)
        self.assertAlmostEqual(
            self.beta.with_company(self.company_a).idic_lifetime_revenue, 210.0
        )
        self.assertEqual(self.history(), history)
        self.assertEqual(self.recompute(self.company_a), 0)
        self.assertEqual(self.history(), history)

    def test_lock_respected(self):
        self.recompute()
        history = self.history()
        self.beta.with_user(self.idic_manager).with_company(
            self.company_a
        ).idic_tier_locked = True
        self._invoice(self.beta, 1, 2000)
        self.recompute()
        beta = self.beta.with_company(self.company_a)
        # The figures move, the tier stays.
        self.assertAlmostEqual(beta.idic_lifetime_revenue, 2200.0)
        self.assertGreaterEqual(beta.idic_clv, self.gold.min_threshold)
        self.assertEqual(beta.idic_value_tier_id, self.silver)
        self.assertEqual(beta.property_product_pricelist, self.pl_silver)
        self.assertEqual(self.history(), history)
        self.assertFalse(self.welcome_activities(self.beta, "Gold"))
        # The lock is per company.
        self.assertFalse(self.beta.with_company(self.company_b).idic_tier_locked)
        # Unlocked, it moves.
        self.beta.with_user(self.idic_manager).with_company(
            self.company_a
        ).idic_tier_locked = False
        self.recompute()
        self.assertEqual(beta.idic_value_tier_id, self.gold)

    def test_tier_date_in_user_time_zone(self):
        """A tier set by hand is dated on the day of the user who set it, in
        that user's time zone: managers 25 hours apart date the same instant
        on different days."""
        self.recompute()
        ahead, behind = (
            new_user(
                self.env,
                login=f"idic_manager_{name}",
                groups="partner_idic.group_idic_manager",
                company_ids=[Command.set([self.company.id, self.company_a.id])],
                tz=tz,
            )
            for name, tz in (
                ("ahead", "Pacific/Kiritimati"),
                ("behind", "Pacific/Pago_Pago"),
            )
        )
        days = []
        for user, tier in ((ahead, self.gold), (behind, self.silver)):
            delta = self.delta.with_user(user).with_company(self.company_a)
            delta.idic_value_tier_id = tier
            self.env.invalidate_all()
            self.assertEqual(delta.idic_value_tier_id, tier)
            days.append(delta.idic_tier_date)
            self.assertEqual(delta.idic_tier_date, fields.Date.context_today(delta))
        self.assertGreater(days[0], days[1])

    def test_manual_tier_change(self):
        self.recompute()
        delta = self.delta.with_user(self.idic_manager).with_company(self.company_a)
        self.assertEqual(delta.idic_value_tier_id, self.silver)
        self.assertFalse(delta.idic_tier_locked)
        delta.idic_value_tier_id = self.gold
        self.env.invalidate_all()
        delta = self.delta.with_company(self.company_a)
        self.assertTrue(delta.idic_tier_locked)
        self.assertEqual(delta.idic_previous_tier_id, self.silver)
        self.assertEqual(delta.idic_tier_date, self.today)
        manual = self.history(self.delta).filtered(lambda h: h.cause == "manual")
        self.assertEqual(len(manual), 1)
        self.assertEqual(
            (
                manual.from_tier_id,
                manual.to_tier_id,
                manual.direction,
                manual.user_id,
                manual.company_id,
            ),
            (self.silver, self.gold, "up", self.idic_manager, self.company_a),
        )
        # Moving up by hand launches the welcome plan too.
        self.assertEqual(len(self.welcome_activities(self.delta, "Gold")), 1)
        # The next recompute keeps it: Delta's CLV 1000 only gives Silver.
        history = self.history()
        self.recompute()
        self.assertEqual(delta.idic_value_tier_id, self.gold)
        self.assertEqual(self.history(), history)
        # A tier set by hand on a company reaches its contacts, with history
        # for the commercial partner only.
        alpha = self.alpha.with_user(self.idic_manager).with_company(self.company_a)
        alpha.idic_value_tier_id = self.silver
        self.env.invalidate_all()
        self.assertEqual(
            self.alice.with_company(self.company_a).idic_value_tier_id, self.silver
        )
        down = self.history(self.alpha).filtered(lambda h: h.cause == "manual")
        self.assertEqual(down.direction, "down")
        self.assertFalse(self.history(self.alice))
        # Entering a tier by hand gives its pricelist too, unless the pricelist
        # was set by hand.
        self.assertEqual(
            self.alpha.with_company(self.company_a).property_product_pricelist,
            self.pl_silver,
        )
        self.assertEqual(
            self.alice.with_company(self.company_a).property_product_pricelist,
            self.pl_silver,
        )
        self.assertEqual(
            self.delta.with_company(self.company_a).property_product_pricelist,
            self.pl_manual,
        )
        # A contact has its company's tier: it cannot get one of its own.
        alice = self.alice.with_user(self.idic_manager).with_company(self.company_a)
        with self.assertRaises(UserError):
            alice.idic_value_tier_id = self.gold

    def test_tier_thresholds_validation(self):
        Tier = self.env["idic.value.tier"]
        base = {"company_id": self.company_a.id, "basis": "clv"}
        with self.assertRaises(ValidationError):
            Tier.create(dict(base, name="Silver bis", min_threshold=500.0))
        with self.assertRaises(ValidationError):
            self.gold.min_threshold = 500.0
        with self.assertRaises(ValidationError):
            Tier.create(
                dict(base, name="Window", basis="monetary", min_threshold=100.0)
            )
        with self.assertRaises(ValidationError):
            self.silver.basis = "rfm"
        # An RFM total lies between 3 and 15.
        rfm = {"company_id": self.company_b.id, "basis": "rfm"}
        with self.assertRaises(ValidationError):
            Tier.create(dict(rfm, name="Too high", min_threshold=20.0))
        # Created in any order, the minimums just need to differ.
        Tier.create(dict(rfm, name="High", min_threshold=12.0))
        Tier.create(dict(rfm, name="Low", min_threshold=3.0))
        self.assertEqual(
            Tier.search([("company_id", "=", self.company_b.id)]).mapped(
                "max_threshold"
            ),
            [12.0, 0.0],
        )
        # Company B's RFM tiers live next to company A's tiers on CLV.
        self.assertEqual(self.silver.basis, "clv")

    def test_tiers_on_rfm_total(self):
        (self.bronze | self.silver | self.gold).unlink()
        Tier = self.env["idic.value.tier"]
        low = Tier.create(
            {
                "name": "Low",
                "company_id": self.company_a.id,
                "basis": "rfm",
                "min_threshold": 3,
            }
        )
        high = Tier.create(
            {
                "name": "High",
                "company_id": self.company_a.id,
                "basis": "rfm",
                "min_threshold": 12,
            }
        )
        self.recompute(self.company_a)
        tiers = {
            p: p.with_company(self.company_a).idic_value_tier_id
            for p in (self.alpha, self.beta, self.gamma, self.delta, self.epsilon)
        }
        self.assertEqual(
            tiers,
            {
                self.alpha: high,  # 15
                self.beta: high,  # 12
                self.gamma: low,  # 8
                self.delta: low,  # 4
                self.epsilon: Tier,  # no score
            },
        )

    # ------------------------------------------------------------------------
    # Triggers and cron
    # ------------------------------------------------------------------------
    def _triggers(self):
        cron = self.env.ref("partner_idic.ir_cron_idic_value_recompute")
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def test_posting_triggers_the_cron(self):
        self.recompute()
        self._triggers().unlink()
        before = self.figures(self.beta)
        start = fields.Datetime.now()
        move = self._invoice(self.beta, 1, 5000)
        self.env.invalidate_all()
        self.assertEqual(self.figures(self.beta), before)
        self.assertEqual(
            self.beta.with_company(self.company_a).idic_value_tier_id, self.silver
        )
        triggers = self._triggers()
        self.assertEqual(len(triggers), 1)
        self.assertGreaterEqual(triggers.call_at, start)
        self.assertLessEqual(triggers.call_at, start + timedelta(minutes=2))
        # Another posting while one is due adds none.
        self._invoice(self.gamma, 1, 5)
        self.assertEqual(self._triggers(), triggers)
        # Resetting a posted invoice to draft asks again.
        triggers.unlink()
        move.button_draft()
        self.assertEqual(len(self._triggers()), 1)
        # A vendor bill asks nothing.
        self._triggers().unlink()
        bill = self._invoice(self.beta, 1, 50, move_type="in_invoice")
        self.assertEqual(bill.state, "posted")
        self.assertFalse(self._triggers())

    def test_billing_user_posts_invoice(self):
        """An invoicing user (no technical rights) posts and resets invoices:
        the recompute is still asked for."""
        biller = new_user(
            self.env,
            login="idic_biller",
            groups="account.group_account_invoice",
            name="Biller",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        self._triggers().unlink()
        move = self._invoice(self.beta, 1, 5000, state="draft")
        move.with_user(biller).action_post()
        self.assertEqual(move.state, "posted")
        self.assertEqual(len(self._triggers()), 1)
        self._triggers().unlink()
        move.with_user(biller).button_draft()
        self.assertEqual(len(self._triggers()), 1)
        self._triggers().unlink()
        move.with_user(biller).button_cancel()
        self.assertEqual(move.state, "cancel")
        self.assertFalse(self._triggers())  # a draft was not counted anyway

    def test_deleting_a_tier(self):
        self.recompute()
        self.gold.unlink()
        alpha = self.alpha.with_company(self.company_a)
        self.assertFalse(alpha.idic_value_tier_id)
        history = self.history()
        self.recompute()
        self.assertEqual(alpha.idic_value_tier_id, self.silver)
        self.assertEqual(alpha.property_product_pricelist, self.pl_silver)
        new = self.history() - history
        self.assertEqual(new.partner_id, self.alpha)
        self.assertEqual(new.to_tier_id, self.silver)

    def test_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref(
                "partner_idic.ir_cron_idic_value_recompute"
            ).method_direct_trigger()
        self.env.invalidate_all()
        for partner, expected in self.expected_a().items():
            self.assertFigures(partner, expected)
        self.assertEqual(
            self.alpha.with_company(self.company_b).idic_lifetime_revenue, 7000.0
        )
        self.assertEqual(
            self.alpha.with_company(self.company_a).idic_value_tier_id, self.gold
        )
        self.assertEqual(len(self.welcome_activities(self.alpha, "Gold")), 1)
        self.assertRunsEnded("value")

    # ------------------------------------------------------------------------
    # Access, stages
    # ------------------------------------------------------------------------
    def test_access(self):
        Tier = self.env["idic.value.tier"]
        vals = {"name": "Club", "basis": "clv", "min_threshold": 100.0}
        # Managers configure the tiers of their company.
        club = Tier.with_user(self.idic_manager).create(vals)
        self.assertEqual(club.company_id, self.company)
        club.with_user(self.idic_manager).min_threshold = 150.0
        # Users read them, cannot change them.
        for user in self.idic_user | self.plain_user:
            self.assertIn(club, Tier.with_user(user).search([]))
        with self.assertRaises(AccessError):
            Tier.with_user(self.idic_user).create(dict(vals, min_threshold=300.0))
        with self.assertRaises(AccessError):
            club.with_user(self.idic_user).write({"min_threshold": 200.0})
        with self.assertRaises(AccessError):
            club.with_user(self.idic_user).unlink()
        # Nor set or lock a customer's tier.
        customer = self.env["res.partner"].create({"name": "Club Customer"})
        with self.assertRaises(AccessError):
            customer.with_user(self.idic_user).idic_value_tier_id = club
        with self.assertRaises(AccessError):
            customer.with_user(self.idic_user).idic_tier_locked = True
        customer.with_user(self.idic_manager).idic_value_tier_id = club
        # Tier history: users read it, nobody edits it.
        row = self.env["idic.tier.history"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(row), 1)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual(
            self.env["idic.tier.history"]
            .with_user(self.idic_user)
            .search([("partner_id", "=", customer.id)]),
            row,
        )
        with self.assertRaises(AccessError):
            row.with_user(self.idic_manager).write({"cause": "recompute"})
        with self.assertRaises(AccessError):
            self.env["idic.tier.history"].with_user(self.plain_user).search([])
        # Another company sees neither the tiers nor the history.
        self.assertNotIn(club, Tier.with_user(self.other_user).search([]))
        with self.assertRaises(AccessError):
            club.with_user(self.other_user).read(["name"])
        self.assertFalse(
            self.env["idic.tier.history"]
            .with_user(self.other_user)
            .search([("partner_id", "=", customer.id)])
        )
        # Company A's tiers stay out of reach of the main company's users.
        self.assertNotIn(self.gold, Tier.with_user(self.idic_user).search([]))

    def test_recompute_action(self):
        Tier = self.env["idic.value.tier"]
        for user in self.idic_user | self.plain_user:
            with self.assertRaises(AccessError):
                Tier.with_user(user).action_idic_recompute()
        self.assertEqual(self.figures(self.alpha), NO_FIGURES)
        action = (
            Tier.with_user(self.idic_manager)
            .with_context(allowed_company_ids=[self.company_a.id])
            .action_idic_recompute()
        )
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertIn("6 partners", action["params"]["message"])
        self.env.invalidate_all()
        self.assertFigures(self.alpha, self.expected_a()[self.alpha])
        # Only the selected companies.
        self.assertEqual(self.figures(self.alpha, self.company_b), NO_FIGURES)

    def test_differentiated_stage(self):
        """An invoiced customer reaches the Differentiated stage once its
        value is computed."""
        # The furthest matching stage wins: a tier above the company's lowest
        # is a tailored offer (Customized, tested with the actions), which
        # the demo's tiers of a database may give this customer.
        self.stage_customized.rule_domain = "[('id', '=', 0)]"
        customer = self.env["res.partner"].create(
            {"name": "Staged Value Co", "is_company": True}
        )
        self._invoice(customer, 3, 120, company=self.company)
        self.advance()
        self.assertNotEqual(customer.idic_stage_id, self.stage_differentiated)
        self.recompute(self.company)
        self.assertEqual(customer.with_company(self.company).idic_frequency, 1)
        self.assertTrue(customer.with_company(self.company).idic_rfm_segment)
        self.advance()
        self.assertEqual(customer.idic_stage_id, self.stage_differentiated)
        # A customer not invoiced stays where it was.
        self.assertNotEqual(self.zeta.idic_stage_id, self.stage_differentiated)
