# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Predictions users can trust (issue #28), through the value job: the
holdout check of each company's fit against a naive baseline, the choice of
the model, the next purchase date, the churn bands, lifetime value as profit
from product costs, the spread of the predicted value and the minimum data.

Expectations come from the invoices the tests create, computed here (the
calibration and holdout summaries of each customer from its purchase days,
the papers' formulas typed again), never read back from the engine.
"""

import math
import random
from datetime import timedelta

import numpy as np

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import SQL

from ..models import clv_check, clv_model
from .common import IdicCase, new_user
from .test_clv_check import bgnbd_expected

WEEK = 7.0


def churning_customers(seed, count, churn):
    """Purchase days (days ago, first first) of ``count`` customers buying
    at Poisson rates, each dropping out after a purchase with ``churn``."""
    rng = random.Random(seed)
    customers = []
    for _index in range(count):
        first = rng.randint(200, 700)
        rate = rng.gammavariate(1.5, 1 / 45)
        days = [first]
        day = first
        while True:
            if len(days) > 1 and rng.random() < churn:
                break
            day -= max(1, round(rng.expovariate(rate)))
            if day <= 0:
                break
            days.append(day)
        customers.append(days)
    return customers


def regular_customers(seed, count, churn):
    """Purchase days of customers buying like clockwork, every 20 to 60
    days, a few of them stopping: each customer's own past rate is hard to
    beat."""
    rng = random.Random(seed)
    customers = []
    for _index in range(count):
        first = rng.randint(250, 600)
        gap = rng.randint(20, 60)
        days = [first]
        day = first
        while True:
            if len(days) > 1 and rng.random() < churn:
                break
            day -= gap
            if day <= 0:
                break
            days.append(day)
        customers.append(days)
    return customers


def holdout_summary(customers, cutoff_days):
    """(x, t_x, T, actual) in weeks at the cut-off ``cutoff_days`` ago of the
    customers who bought by then, and their purchases after it."""
    rows = []
    for days in customers:
        calibration = [day for day in days if day >= cutoff_days]
        if not calibration:
            continue
        rows.append(
            (
                len(calibration) - 1,
                (days[0] - calibration[-1]) / WEEK,
                (days[0] - cutoff_days) / WEEK,
                len([day for day in days if day < cutoff_days]),
            )
        )
    return tuple(np.array(column, dtype=float) for column in zip(*rows, strict=True))


@tagged("post_install", "-at_install")
class TestClvFit(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_p = cls.env["res.company"].create({"name": "IDIC Predictions P"})
        cls.load_chart(cls.company_p)
        for user in cls.idic_user | cls.idic_manager | cls.idic_admin:
            user.company_ids = [Command.link(cls.company_p.id)]

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    def new_company(self, name, **vals):
        company = self.env["res.company"].create({"name": name})
        self.load_chart(company)
        company.write(vals)
        return company

    def invoices(self, company, histories, amount=100.0, spread=False):
        """Customers of ``company`` with a posted invoice of ``amount`` on
        each day of their history (days ago), + 10 every second and third
        invoice; with ``spread``, amounts drawn around a mean of its own per
        customer (Gamma-Gamma's story). Returns the partners; the amounts
        are in ``self.amounts``, per customer."""
        rng = random.Random(len(histories))
        self.amounts = []
        for days in histories:
            mean = rng.gammavariate(4, amount / 4)
            self.amounts.append(
                [
                    round(rng.gammavariate(6, mean / 6), 2)
                    if spread
                    else amount + 10 * (number % 3)
                    for number in range(len(days))
                ]
            )
        partners = self.env["res.partner"].create(
            [
                {"name": f"{company.name} {index:02d}", "is_company": True}
                for index in range(len(histories))
            ]
        )
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        moves = (
            self.env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": self.today - timedelta(days=day),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Service",
                                    "quantity": 1,
                                    "price_unit": self.amounts[index][number],
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for index, (partner, days) in enumerate(
                        zip(partners, histories, strict=True)
                    )
                    for number, day in enumerate(days)
                ]
            )
        )
        moves.action_post()
        return partners

    def recompute(self, company):
        count = self.env["res.partner"]._idic_recompute_values(
            companies=company, commit=False
        )
        self.env.invalidate_all()
        return count

    def value(self, partner, name, company):
        return partner.with_company(company)[name]

    def expected_choice(self, errors, choice="auto"):
        """The rule of the issue, from the errors computed here."""
        models = [name for name in ("model", "pareto_nbd") if name in errors]
        wanted = {"bgnbd": "model", "pareto_nbd": "pareto_nbd"}.get(choice)
        method = wanted or min(models, key=lambda name: errors[name])
        if errors[method] > errors["baseline"]:
            return "baseline"
        return method

    # ------------------------------------------------------------------------
    # The holdout check and the choice of the model
    # ------------------------------------------------------------------------
    def test_holdout_check(self):
        """40 customers of Poisson rates who drop out: the models are fitted
        on the history up to 26 weeks ago and their predictions of the 26
        weeks after, and the baseline's, compared with the purchases made."""
        company = self.new_company(
            "IDIC Predictions H", idic_clv_min_repeat_customers=4
        )
        customers = churning_customers(9, 40, 0.3)
        partners = self.invoices(company, customers, spread=True)
        self.recompute(company)
        fit = company.idic_clv_fit_id
        self.assertEqual(fit, self.env["idic.clv.fit"]._idic_latest(company))
        x, t_x, T, actual = holdout_summary(customers, 182)
        self.assertEqual(fit.cutoff, self.today - timedelta(days=182))
        self.assertEqual(fit.holdout_weeks, 26)
        self.assertEqual(fit.holdout_customers, len(x))
        self.assertEqual(fit.actual_purchases, float(actual.sum()))
        baseline = np.where(T > 0, x / np.where(T > 0, T, 1) * 26, 0.0)
        self.assertAlmostEqual(fit.baseline_purchases, float(baseline.sum()), 6)
        errors = {"baseline": float(np.mean(np.abs(actual - baseline)))}
        self.assertAlmostEqual(fit.baseline_mae, errors["baseline"], 6)
        # BG/NBD fitted on the calibration summaries made here, its
        # predictions by the paper's eq. 10 typed again.
        self.assertTrue(
            fit.bgnbd_converged and fit.pareto_nbd_converged, fit.fit_message
        )
        params = clv_model.bgnbd_fit(x, t_x, T)
        np.testing.assert_allclose(fit.holdout_params["model"], params, rtol=1e-6)
        predicted = np.array(
            [
                bgnbd_expected(params, 26, *customer)
                for customer in zip(x, t_x, T, strict=True)
            ]
        )
        errors["model"] = float(np.mean(np.abs(actual - predicted)))
        self.assertAlmostEqual(fit.bgnbd_mae, errors["model"], 6)
        self.assertAlmostEqual(fit.bgnbd_purchases, float(predicted.sum()), 6)
        pareto = clv_model.pareto_nbd_expected_purchases(
            fit.holdout_params["pareto_nbd"], 26, x, t_x, T
        )
        errors["pareto_nbd"] = float(np.mean(np.abs(actual - pareto)))
        self.assertAlmostEqual(fit.pareto_nbd_mae, errors["pareto_nbd"], 6)
        # The table: per repeat purchases before the cut-off.
        groups = np.minimum(x, 7)
        self.assertEqual(
            [row["x"] for row in fit.holdout_table], sorted(set(groups.astype(int)))
        )
        for row in fit.holdout_table:
            members = groups == row["x"]
            self.assertEqual(row["customers"], int(members.sum()))
            self.assertAlmostEqual(row["actual"], float(actual[members].mean()), 9)
            self.assertAlmostEqual(row["model"], float(predicted[members].mean()), 7)
            self.assertAlmostEqual(row["baseline"], float(baseline[members].mean()), 9)
        # The choice: the lower error, the baseline if both models lose.
        method = self.expected_choice(errors)
        self.assertEqual(fit.method, method)
        self.assertEqual(method, "model")
        self.assertIn("BG/NBD had the lower holdout error", fit.reason)
        self.assertEqual(company.idic_clv_method, "model")
        self.assertEqual(self.value(partners[0], "idic_clv_method", company), "model")
        # The figures: BG/NBD fitted on every customer's whole history.
        full = (
            fit.bgnbd_r,
            fit.bgnbd_alpha,
            fit.bgnbd_a,
            fit.bgnbd_b,
        )
        days = customers[3]
        x3, t_x3, T3 = len(days) - 1, (days[0] - days[-1]) / WEEK, days[0] / WEEK
        expected_p = (
            1.0
            if x3 == 0
            else 1
            / (
                1
                + full[2]
                / (full[3] + x3 - 1)
                * ((full[1] + T3) / (full[1] + t_x3)) ** (full[0] + x3)
            )
        )
        self.assertAlmostEqual(
            self.value(partners[3], "idic_p_alive", company), expected_p, 5
        )
        # Fixed in Settings: Pareto/NBD, unless it loses to the baseline.
        company.idic_clv_model_choice = "pareto_nbd"
        self.recompute(company)
        fit = company.idic_clv_fit_id
        self.assertEqual(fit.method, self.expected_choice(errors, "pareto_nbd"))
        self.assertEqual(fit.method, "pareto_nbd")
        self.assertIn("as fixed in Settings", fit.reason)
        params = (
            fit.pareto_nbd_r,
            fit.pareto_nbd_alpha,
            fit.pareto_nbd_s,
            fit.pareto_nbd_beta,
        )
        self.assertAlmostEqual(
            self.value(partners[3], "idic_p_alive", company),
            clv_model.pareto_nbd_p_alive(params, x3, t_x3, T3)[0],
            5,
        )
        self.assertEqual(
            self.value(partners[3], "idic_clv_method", company), "pareto_nbd"
        )
        # One check a day per company: the second replaced the first.
        self.assertEqual(
            self.env["idic.clv.fit"].search_count([("company_id", "=", company.id)]), 1
        )
        # The spread of the predicted value, from the customers' figures.
        predicted_values = [
            self.value(partner, "idic_predicted_clv", company) for partner in partners
        ]
        self.assertAlmostEqual(fit.gini, clv_check.gini(predicted_values), 2)
        self.assertEqual(fit.predicted_customers, len(partners))
        self.assertEqual(len(fit.lorenz), 11)

    def test_baseline_wins(self):
        """16 customers buying like clockwork, few stopping: BG/NBD predicts
        the held-out weeks worse than each customer's own past rate, so the
        company's figures use that rate, and the check says why."""
        company = self.new_company(
            "IDIC Predictions B", idic_clv_min_repeat_customers=4
        )
        customers = regular_customers(247, 16, 0.04)
        partners = self.invoices(company, customers, spread=True)
        self.recompute(company)
        fit = company.idic_clv_fit_id
        x, t_x, T, actual = holdout_summary(customers, 182)
        baseline = x / T * 26
        errors = {"baseline": float(np.mean(np.abs(actual - baseline)))}
        if fit.bgnbd_mae:
            params = clv_model.bgnbd_fit(x, t_x, T)
            predicted = [
                bgnbd_expected(params, 26, *c) for c in zip(x, t_x, T, strict=True)
            ]
            errors["model"] = float(np.mean(np.abs(actual - np.array(predicted))))
        if fit.pareto_nbd_mae:
            errors["pareto_nbd"] = fit.pareto_nbd_mae
        self.assertIn("model", errors, fit.holdout_message)
        self.assertGreater(errors["model"], errors["baseline"])
        self.assertEqual(fit.method, self.expected_choice(errors))
        self.assertEqual(fit.method, "baseline")
        self.assertIn("worse than each customer's own past rate", fit.reason)
        self.assertEqual(company.idic_clv_method, "baseline")
        # Each customer goes on at its own rate: x / T purchases a week, its
        # own average repeat purchase, the company's margin (100 %),
        # discounted monthly at 10 % a year over 36 months.
        index = 5
        days = customers[index]
        x5, T5 = len(days) - 1, days[0] / WEEK
        amounts = self.amounts[index]
        spend = sum(amounts[1:]) / x5
        month = 365.25 / 12 / WEEK
        monthly = 1.1 ** (-1 / 12)
        predicted = sum(x5 / T5 * month * monthly**k for k in range(1, 37)) * spend
        partner = partners[index]
        self.assertEqual(self.value(partner, "idic_clv_method", company), "baseline")
        self.assertAlmostEqual(
            self.value(partner, "idic_predicted_clv", company), predicted, 1
        )
        self.assertAlmostEqual(
            self.value(partner, "idic_expected_purchases", company),
            x5 / T5 * 36 * month,
            3,
        )
        silence = (days[-1]) / WEEK
        self.assertAlmostEqual(
            self.value(partner, "idic_p_alive", company),
            math.exp(-x5 / ((days[0] - days[-1]) / WEEK) * silence),
            5,
        )
        # The Model Check shows it to a relationship user.
        data = (
            self.env["idic.clv.fit"]
            .with_user(self.idic_user)
            .get_model_check(company_id=self.company_p.id)
        )
        self.assertEqual(data["company_id"], self.company_p.id)
        self.idic_user.company_ids = [Command.link(company.id)]
        data = (
            self.env["idic.clv.fit"]
            .with_user(self.idic_user)
            .get_model_check(company_id=company.id)
        )
        sections = {section["key"]: section for section in data["sections"]}
        tiles = {tile["key"]: tile for tile in sections["clv_check"]["tiles"]}
        self.assertEqual(tiles["clv_method"]["display"], "Own past rate")
        self.assertEqual(tiles["clv_method"]["tone"], "warning")
        chart = sections["clv_check"]["charts"][0]
        self.assertEqual(chart["key"], "model_check")
        self.assertEqual(
            [d["label"] for d in chart["datasets"]],
            [
                "Actual",
                "BG/NBD",
                *(["Pareto/NBD"] if "pareto_nbd" in errors else []),
                "Own past rate (baseline)",
            ],
        )
        self.assertEqual(
            chart["datasets"][0]["data"],
            [round(r["actual"], 3) for r in fit.holdout_table],
        )
        self.assertTrue(chart["x_title"] and chart["y_title"])
        self.assertIn(
            "o_idic_holdout_table", fit.with_user(self.idic_user).holdout_html
        )

    def test_choice_rule(self):
        """The rule alone, for the company's settings and errors."""
        Fit = self.env["idic.clv.fit"]
        company = self.company_p
        both = {"model": (1, 1, 1, 1), "pareto_nbd": (1, 1, 1, 1)}

        def choose(candidates, errors, choice="auto"):
            company.idic_clv_model_choice = choice
            return Fit._idic_choose(
                company, candidates, {k: {"mae": v} for k, v in errors.items()}, {}
            )["method"]

        self.assertEqual(
            choose(both, {"model": 0.5, "pareto_nbd": 0.4, "baseline": 0.9}),
            "pareto_nbd",
        )
        self.assertEqual(
            choose(both, {"model": 0.5, "pareto_nbd": 0.6, "baseline": 0.9}), "model"
        )
        self.assertEqual(
            choose(both, {"model": 0.5, "pareto_nbd": 0.6, "baseline": 0.45}),
            "baseline",
        )
        self.assertEqual(
            choose(both, {"model": 0.5, "pareto_nbd": 0.4, "baseline": 0.9}, "bgnbd"),
            "model",
        )
        self.assertEqual(
            choose(both, {"model": 0.5, "pareto_nbd": 0.4, "baseline": 0.45}, "bgnbd"),
            "baseline",
        )
        # A fixed model that did not converge gives way to the other.
        self.assertEqual(
            choose({"pareto_nbd": (1, 1, 1, 1)}, {}, "bgnbd"), "pareto_nbd"
        )
        # No check possible: BG/NBD, as before the check existed.
        self.assertEqual(choose(both, {}), "model")

    # ------------------------------------------------------------------------
    # Minimum data
    # ------------------------------------------------------------------------
    def test_too_little_data(self):
        """Below the company's minimums no prediction is shown, the screens
        say what is missing; the lifetime value is the historic margin."""
        company = self.new_company(
            "IDIC Predictions G",
            idic_clv_min_customers=10,
            idic_clv_min_span_weeks=8,
            idic_clv_min_recent_purchases=3,
            idic_clv_margin_percent=40.0,
        )
        # Five customers over 30 days (4 weeks), 7 purchases in 90 days.
        partners = self.invoices(
            company, [[30, 10], [25], [20, 5], [15], [2]], amount=200.0
        )
        self.recompute(company)
        fit = company.idic_clv_fit_id
        self.assertEqual(fit.method, "insufficient")
        self.assertEqual(fit.customers, 5)
        self.assertEqual(fit.recent_purchases, 7)
        self.assertEqual(
            fit.missing.split("\n"),
            ["5 customers, fewer than 10", "4 weeks of history, fewer than 8"],
        )
        for partner in partners:
            for name in (
                "idic_p_alive",
                "idic_predicted_clv",
                "idic_expected_purchases",
                "idic_clv_method",
                "idic_churn_band",
                "idic_next_purchase_date",
            ):
                self.assertFalse(self.value(partner, name, company), name)
            # Not churn risks either.
            self.assertFalse(self.value(partner, "idic_churn_risk", company))
        # 200 + 210 of revenue x 40 %.
        self.assertAlmostEqual(self.value(partners[0], "idic_clv", company), 164.0, 2)
        self.assertAlmostEqual(
            self.value(partners[0], "idic_historic_margin", company), 164.0, 2
        )
        notice = partners[0].with_company(company).idic_prediction_notice
        self.assertIn("5 customers, fewer than 10", notice)
        # The Overview says so instead of showing numbers.
        self.idic_user.company_ids = [Command.link(company.id)]
        overview = (
            self.env["idic.overview"]
            .with_user(self.idic_user)
            .get_overview(company_id=company.id)
        )
        section = next(s for s in overview["sections"] if s["key"] == "engagement")
        tiles = {tile["key"]: tile for tile in section["tiles"]}
        self.assertIn("4 weeks of history, fewer than 8", tiles["clv_hidden"]["hint"])
        self.assertFalse([c for c in section.get("charts", []) if c["key"] == "lorenz"])
        data = (
            self.env["idic.clv.fit"]
            .with_user(self.idic_user)
            .get_model_check(company_id=company.id)
        )
        sections = {s["key"]: s for s in data["sections"]}
        self.assertNotIn("clv_spread", sections)
        data_tiles = {t["key"]: t for t in sections["clv_data"]["tiles"]}
        self.assertEqual(data_tiles["clv_data_customers"]["tone"], "danger")
        self.assertEqual(data_tiles["clv_data_recent"]["tone"], "")
        # Lower minimums: the predictions come back.
        company.write({"idic_clv_min_customers": 5, "idic_clv_min_span_weeks": 4})
        self.recompute(company)
        self.assertEqual(company.idic_clv_fit_id.method, "simple")
        self.assertTrue(self.value(partners[0], "idic_p_alive", company))
        self.assertEqual(self.value(partners[0], "idic_clv_method", company), "simple")
        self.assertFalse(partners[0].with_company(company).idic_prediction_notice)

    def test_fit_kept_between_refits(self):
        """Between two fits (every 7 days by default) the models are not
        fitted again and the predictions are as of the fit's day: nights
        without new invoices leave the customers' predictions, and their
        rows, as they were. The 7th day, a changed purchase model or a
        customer base moved by more than 5 % fits again."""
        company = self.new_company(
            "IDIC Predictions K", idic_clv_min_repeat_customers=4
        )
        partners = self.invoices(company, churning_customers(9, 40, 0.3), spread=True)
        self.recompute(company)
        fit = company.idic_clv_fit_id
        self.assertIn(fit.method, ("model", "pareto_nbd"), fit.reason)
        self.assertEqual(company.idic_clv_refit_days, 7)
        names = (
            "idic_p_alive",
            "idic_expected_purchases",
            "idic_predicted_clv",
            "idic_clv",
            "idic_churn_band",
            "idic_next_purchase_date",
        )

        def predictions():
            return [[self.value(p, name, company) for name in names] for p in partners]

        def versions():
            # An UPDATE gives a row a new version (ctid), even when it
            # writes the same values.
            self.env.cr.execute(
                SQL(
                    "SELECT id, ctid::text FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                    partners.ids,
                )
            )
            return self.env.cr.fetchall()

        before, rows = predictions(), versions()
        for days in (1, 6):
            with freeze_time(self.today + timedelta(days=days)):
                self.recompute(company)
            self.assertEqual(
                company.idic_clv_fit_id, fit, f"fitted again on day {days}"
            )
            self.assertEqual(predictions(), before, f"predictions moved on day {days}")
        self.assertEqual(versions(), rows, "a night without invoices rewrote partners")
        # The 7th day: fitted again, as of that day.
        later = self.today + timedelta(days=7)
        with freeze_time(later):
            self.recompute(company)
            refit = company.idic_clv_fit_id
            self.assertNotEqual(refit, fit)
            self.assertEqual(refit.today, later)
            self.assertNotEqual(predictions(), before)
            # The purchase model changed in Settings: fitted again the same day
            # (the day's last fit replaces the others).
            company.idic_clv_model_choice = "bgnbd"
            self.recompute(company)
            self.assertNotEqual(company.idic_clv_fit_id, refit)
            self.assertEqual(company.idic_clv_fit_id.choice, "bgnbd")
            kept = company.idic_clv_fit_id
            # Three new customers (40 to 43, more than 5 %): fitted again.
            self.invoices(company, [[3], [2], [1]])
            self.recompute(company)
            self.assertNotEqual(company.idic_clv_fit_id, kept)
            self.assertEqual(company.idic_clv_fit_id.customers, 43)
        with self.assertRaises(ValidationError):
            company.idic_clv_refit_days = 0

    # ------------------------------------------------------------------------
    # Next purchase date and churn bands
    # ------------------------------------------------------------------------
    def test_next_purchase_and_churn_bands(self):
        """Too few repeat customers for the models: each customer's own
        rhythm gives its probability of being active, its band and the day
        it is expected to buy by, counted from its last purchase with its
        rhythm as of that day; the date stays until it buys again."""
        company = self.new_company("IDIC Predictions N", idic_churn_threshold=20.0)
        # A: every 20 days, last 5 days ago; B: 3 purchases 100 days apart,
        # silent 100 days; C: once, 10 days ago; D: twice, 300 and 280 days ago.
        a, b, c, d = self.invoices(
            company, [[65, 45, 25, 5], [300, 200, 100], [10], [300, 280]]
        )
        self.recompute(company)
        fit = company.idic_clv_fit_id
        self.assertEqual(fit.method, "simple")
        # Repeat purchase rate of a one-time buyer: 3 + 2 + 1 repeat
        # purchases over 65 + 300 + 10 + 300 days of age.
        zero_rate = 6 / 675
        # (probability of being active, days ago of the last purchase, the
        # median wait from it: ln 2 x age / repeat purchases as of that day)
        expected = {
            a: (math.exp(-3 / 60 * 5), 5, math.log(2) * 60 / 3),
            b: (math.exp(-2 / 200 * 100), 100, math.log(2) * 200 / 2),
            c: (math.exp(-zero_rate * 10), 10, math.log(2) / zero_rate),
            d: (math.exp(-1 / 20 * 280), 280, math.log(2) * 20 / 1),
        }
        bands = {}
        for partner, (p_alive, last, wait) in expected.items():
            self.assertAlmostEqual(
                self.value(partner, "idic_p_alive", company), p_alive, 5
            )
            band = "low" if p_alive >= 0.7 else "high" if p_alive < 0.3 else "medium"
            bands[partner] = band
            self.assertEqual(self.value(partner, "idic_churn_band", company), band)
            date = self.value(partner, "idic_next_purchase_date", company)
            if p_alive < 0.2:  # the company's churn risk limit
                self.assertFalse(date, partner.name)
            else:
                self.assertEqual(
                    date,
                    self.today + timedelta(days=math.ceil(wait) - last),
                    partner.name,
                )
        self.assertEqual(list(bands.values()), ["low", "medium", "low", "high"])
        a_date = self.value(a, "idic_next_purchase_date", company)
        # Filters and the Overview's tiles, as a relationship user.
        self.idic_user.company_ids = [Command.link(company.id)]
        Partner = (
            self.env["res.partner"].with_user(self.idic_user).with_company(company)
        )
        everyone = a | b | c | d
        self.assertEqual(
            Partner.search(
                [("idic_churn_band", "=", "high"), ("id", "in", everyone.ids)]
            ),
            d,
        )
        # A is expected within 30 days (5 days ago + ln 2 x 60 / 3 = 13.9
        # days); B was expected 30 days ago (100 days ago + 69.3 days), C in
        # 68 days.
        self.assertLessEqual(a_date, self.today + timedelta(days=30))
        week = Partner.search(
            [
                ("idic_next_purchase_date", ">=", self.today),
                ("idic_next_purchase_date", "<=", self.today + timedelta(days=30)),
                ("id", "in", everyone.ids),
            ]
        )
        self.assertEqual(week, a)
        self.assertTrue(b.with_company(company).idic_next_purchase_overdue)
        self.assertFalse(a.with_company(company).idic_next_purchase_overdue)
        # Days later, no purchase: A's date is kept (its probability of being
        # active is down to exp(-0.85), still above the limit), and once
        # passed, A is overdue, on the Overview too.
        with freeze_time(a_date + timedelta(days=3)):
            self.recompute(company)
            self.assertEqual(self.value(a, "idic_next_purchase_date", company), a_date)
            self.assertTrue(a.with_company(company).idic_next_purchase_overdue)
            overdue = Partner.search(
                [
                    ("idic_next_purchase_date", "<", a_date + timedelta(days=3)),
                    ("id", "in", everyone.ids),
                ]
            )
            self.assertEqual(overdue, a | b)
            overview = (
                self.env["idic.overview"]
                .with_user(self.idic_user)
                .get_overview(company_id=company.id)
            )
            section = next(s for s in overview["sections"] if s["key"] == "engagement")
            tiles = {tile["key"]: tile for tile in section["tiles"]}
            self.assertGreaterEqual(tiles["engagement_overdue"]["value"], 1)
            self.assertIn(
                a, Partner.search(tiles["engagement_overdue"]["action"]["domain"])
            )
            chart = next(ch for ch in section["charts"] if ch["key"] == "churn_bands")
            self.assertEqual(chart["labels"], ["Low risk", "Medium risk", "High risk"])
            customers = chart["datasets"][0]["data"]
            self.assertGreaterEqual(customers[2], 1)
            self.assertEqual(chart["datasets"][1]["axis"], "y1")
            self.assertIn(d, Partner.search(chart["actions"][2]["domain"]))
        # A buys again: a new date from the new purchase.
        self.invoices_for(company, a, [0])
        self.recompute(company)
        new_date = self.value(a, "idic_next_purchase_date", company)
        self.assertEqual(
            new_date, self.today + timedelta(days=math.ceil(math.log(2) * 65 / 4))
        )

    def invoices_for(self, company, partner, days):
        for day in days:
            self.make_invoice(
                partner, self.today - timedelta(days=day), [("Service", 100.0)], company
            )

    # ------------------------------------------------------------------------
    # Lifetime value as profit
    # ------------------------------------------------------------------------
    def test_margin_from_product_costs(self):
        """The margin of a line is its amount less its product's cost times
        the quantity in the product's unit; else the category's margin, else
        the company's; a credit note gives its margin back."""
        company = self.new_company(
            "IDIC Predictions M",
            idic_clv_margin_percent=50.0,
            idic_rfm_window_months=12,
            idic_clv_years=2.0,
        )
        Product = self.env["product.product"].with_company(company)
        unit = self.env.ref("uom.product_uom_unit")
        dozen = self.env.ref("uom.product_uom_dozen")
        category = self.env["product.category"].create(
            {"name": "Twenty percent", "idic_margin_percent": 20.0}
        )
        costed = Product.create(
            {"name": "Costed", "standard_price": 6.0, "uom_id": unit.id}
        )
        by_category = Product.create({"name": "Category", "categ_id": category.id})
        plain = Product.create({"name": "Plain"})
        partner = self.env["res.partner"].create(
            {"name": "M Customer", "is_company": True}
        )
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )

        def move(move_type, day, lines):
            record = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": move_type,
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": self.today - timedelta(days=day),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": product.name,
                                    "quantity": quantity,
                                    "product_uom_id": uom.id,
                                    "price_unit": price,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                            for product, quantity, uom, price in lines
                        ],
                    }
                )
            )
            record.action_post()

        # 2 dozen of the costed product at 100 a dozen: 200 - 24 x 6 = 56;
        # 300 of the category's product: 60; 100 of the plain one: 50; two
        # lines of 3 and 1 units of the costed one at 12 (summed before they
        # are costed): 36 - 18 and 12 - 6.
        move(
            "out_invoice",
            100,
            [
                (costed, 2, dozen, 100.0),
                (by_category, 1, unit, 300.0),
                (plain, 1, unit, 100.0),
                (costed, 3, unit, 12.0),
                (costed, 1, unit, 12.0),
            ],
        )
        # A credit note of 5 units of the costed product at 10: -(50 - 30).
        move("out_refund", 50, [(costed, 5, unit, 10.0)])
        self.recompute(company)
        revenue = 200 + 300 + 100 + 36 + 12 - 50
        margin = 56 + 60 + 50 + 18 + 6 - 20
        self.assertAlmostEqual(
            self.value(partner, "idic_historic_margin", company), margin, 2
        )
        # The simple formula on margin: the window's net amount x the ratio
        # x 1 a year x 2 years.
        ratio = margin / revenue
        predicted = revenue * ratio * 2
        self.assertAlmostEqual(
            self.value(partner, "idic_predicted_clv", company), predicted, 2
        )
        self.assertAlmostEqual(
            self.value(partner, "idic_clv", company), margin + predicted, 2
        )
        self.assertIn("cost", self.env["res.partner"]._fields["idic_clv"].help)

    # ------------------------------------------------------------------------
    # Settings and access
    # ------------------------------------------------------------------------
    def test_bad_settings(self):
        for vals in (
            {"idic_clv_holdout_weeks": 2},
            {"idic_clv_holdout_weeks": 1000},
            {"idic_churn_low_threshold": 20.0, "idic_churn_high_threshold": 30.0},
            {"idic_churn_low_threshold": math.nan},
            {"idic_churn_high_threshold": -1.0},
            {"idic_churn_low_threshold": math.inf},
            {"idic_clv_min_customers": -1},
            {"idic_clv_min_span_weeks": 5000},
            {"idic_clv_min_recent_purchases": -3},
        ):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.company_p.write(vals)
        # Relationship managers (Settings) set them.
        settings = (
            self.env["res.config.settings"]
            .with_user(self.idic_admin)
            .with_context(allowed_company_ids=[self.company_p.id])
            .create({"idic_clv_holdout_weeks": 13, "idic_churn_low_threshold": 80.0})
        )
        settings.execute()
        self.assertEqual(self.company_p.idic_clv_holdout_weeks, 13)
        self.assertEqual(
            settings.action_idic_open_model_check()["tag"], "partner_idic.model_check"
        )

    def test_access(self):
        company = self.new_company(
            "IDIC Predictions A", idic_clv_min_repeat_customers=4
        )
        partners = self.invoices(company, churning_customers(5, 12, 0.3), spread=True)
        self.recompute(company)
        fit = company.idic_clv_fit_id
        self.idic_user.company_ids = [Command.link(company.id)]
        as_user = fit.with_user(self.idic_user)
        as_user.read(["method", "reason", "holdout_table", "lorenz"])
        with self.assertRaises(AccessError):
            as_user.write({"method": "baseline"})
        with self.assertRaises(AccessError):
            as_user.unlink()
        with self.assertRaises(AccessError):
            self.env["idic.clv.fit"].with_user(self.idic_user).create(
                {"company_id": company.id, "date": fit.date, "method": "model"}
            )
        # Not the fits of another company's users.
        with self.assertRaises(AccessError):
            fit.with_user(self.other_user).read(["method"])
        # Users outside the add-on get nothing from the Model Check.
        self.assertEqual(
            self.env["idic.clv.fit"].with_user(self.plain_user).get_model_check(),
            {"sections": []},
        )
        # Portal users cannot read the predictions of a partner.
        portal = new_user(self.env, login="idic_clv_portal", groups="base.group_portal")
        for name in ("idic_next_purchase_date", "idic_churn_band"):
            with self.assertRaises(AccessError):
                partners[0].with_user(portal).read([name])
        # The company's latest check is for managers.
        with self.assertRaises(AccessError):
            company.with_user(self.idic_user).read(["idic_clv_fit_id"])
        self.idic_manager.company_ids = [Command.link(company.id)]
        company.with_user(self.idic_manager).read(["idic_clv_fit_id"])
