# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The BG/BB model of donors' annual giving (issue #26), pure numerics.

``models/clv_model.py``'s BG/BB functions are checked

* against the estimates published on the paper's own data: Fader, Hardie &
  Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
  Setting", Marketing Science 29(6): the 1995 cohort of 11,104 first-time
  donors to a nonprofit, 6 annual opportunities (1996-2001), given as 22
  patterns (x, t_x, n = 6) with their counts. alpha 1.204, beta 0.750, gamma
  0.657, delta 2.783, log-likelihood -33,225.6;
* against independent evaluations: the likelihood typed again with the math
  module, and P(alive) and the conditional expectation as integrals over the
  Beta mixing distributions computed with scipy.integrate (never with the
  module's closed forms);
* on a fit of simulated customers, and on its input validation.

The data are read from ``donations.csv`` of the PyPI package
``lifetimes==0.11.3`` (located, never imported), as the CDNOW tests do.
"""

import csv
import functools
import importlib.util
import math
import os

import numpy as np
from scipy import integrate

from odoo.tests import BaseCase, tagged

from odoo.addons.partner_idic.models import clv_model

DONATIONS_FILE = "donations.csv"
PUBLISHED_BGBB = (1.204, 0.750, 0.657, 2.783)
PUBLISHED_BGBB_LL = -33225.6


@functools.lru_cache(maxsize=1)
def _load_donations():
    """(x, t_x, n, count) arrays of the 1995 cohort, from the lifetimes
    package's data files (PARTNER_IDIC_TEST_DATA, or an installed copy)."""
    folders = []
    if os.environ.get("PARTNER_IDIC_TEST_DATA"):
        folders.append(os.path.join(os.environ["PARTNER_IDIC_TEST_DATA"], "lifetimes"))
    spec = importlib.util.find_spec("lifetimes")
    folders += list(spec.submodule_search_locations or []) if spec else []
    paths = [os.path.join(folder, "datasets", DONATIONS_FILE) for folder in folders]
    paths = [path for path in paths if os.path.isfile(path)]
    if not paths:
        raise LookupError(
            "The donations data set of the BG/BB tests was not found: it ships in "
            "the PyPI package lifetimes==0.11.3 (lifetimes/datasets/"
            f"{DONATIONS_FILE}). Install it with "
            "`pip install --no-deps lifetimes==0.11.3` into Odoo's Python."
        )
    with open(paths[0], newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        np.array([float(row[column]) for row in rows])
        for column in ("frequency", "recency", "periods", "weights")
    )


def _log_beta(a, b):
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _likelihood_by_formula(params, x, t_x, n):
    """Eq. 5 typed again term by term with the math module."""
    alpha, beta, gamma, delta = params
    total = math.exp(
        _log_beta(alpha + x, beta + n - x)
        - _log_beta(alpha, beta)
        + _log_beta(gamma, delta + n)
        - _log_beta(gamma, delta)
    )
    for i in range(int(n - t_x)):
        total += math.exp(
            _log_beta(alpha + x, beta + t_x - x + i)
            - _log_beta(alpha, beta)
            + _log_beta(gamma + 1, delta + t_x + i)
            - _log_beta(gamma, delta)
        )
    return total


def _beta_moment(a, b, i, j):
    """E[u^i (1 - u)^j] for u ~ Beta(a, b), by quadrature (algebraic
    weight), not by the closed form."""
    value = integrate.quad(
        lambda u: 1.0, 0.0, 1.0, weight="alg", wvar=(a - 1 + i, b - 1 + j)
    )[0]
    return value / math.exp(_log_beta(a, b))


def _likelihood_by_integration(params, x, t_x, n):
    """P(x, t_x | n) as the integral of the individual-level likelihood over
    p ~ Beta(alpha, beta) and theta ~ Beta(gamma, delta): alive through n,
    p^x (1-p)^(n-x) (1-theta)^n, or inactive from opportunity t_x + i + 1,
    p^x (1-p)^(t_x-x+i) theta (1-theta)^(t_x+i)."""
    alpha, beta, gamma, delta = params
    total = _beta_moment(alpha, beta, x, n - x) * _beta_moment(gamma, delta, 0, n)
    for i in range(int(n - t_x)):
        total += _beta_moment(alpha, beta, x, t_x - x + i) * _beta_moment(
            gamma, delta, 1, t_x + i
        )
    return total


@tagged("post_install", "-at_install")
class TestBgbbModel(BaseCase):
    def test_donations_data(self):
        x, t_x, n, count = _load_donations()
        self.assertEqual(len(x), 22)
        self.assertTrue(np.all(t_x <= n))
        self.assertEqual(int(count.sum()), 11104)
        self.assertEqual(set(n), {6.0})

    def test_published_estimates(self):
        """The maximum-likelihood estimates and log-likelihood of the 1995
        cohort are those of Fader, Hardie & Shang (2010)."""
        x, t_x, n, count = _load_donations()
        result = clv_model.bgbb_fit_result(x, t_x, n, weights=count)
        self.assertTrue(result.converged, result.message)
        self.assertEqual(result.n_customers, 11104)
        for estimate, published in zip(result.params, PUBLISHED_BGBB, strict=True):
            self.assertAlmostEqual(estimate, published, places=3)
        self.assertAlmostEqual(result.log_likelihood, PUBLISHED_BGBB_LL, places=1)
        self.assertEqual(clv_model.bgbb_fit(x, t_x, n, weights=count), result.params)
        # One row per donor gives the same fit as the patterns with counts.
        rows = np.repeat(np.arange(len(x)), count.astype(int))
        expanded = clv_model.bgbb_fit_result(x[rows], t_x[rows], n[rows])
        for a, b in zip(expanded.params, result.params, strict=True):
            self.assertAlmostEqual(a, b, places=6)
        self.assertAlmostEqual(
            float(clv_model.bgbb_log_likelihood(result.params, x, t_x, n) @ count),
            result.log_likelihood,
            places=4,
        )

    def test_likelihood_by_formula_and_integration(self):
        params = PUBLISHED_BGBB
        x, t_x, n, _count = _load_donations()
        ours = clv_model.bgbb_log_likelihood(params, x, t_x, n)
        for i in range(len(x)):
            formula = _likelihood_by_formula(params, x[i], t_x[i], n[i])
            self.assertAlmostEqual(math.exp(ours[i]) / formula, 1.0, places=12)
            integral = _likelihood_by_integration(params, x[i], t_x[i], n[i])
            self.assertAlmostEqual(math.exp(ours[i]) / integral, 1.0, places=8)
        # n == 0 (just acquired): the likelihood is 1.
        self.assertAlmostEqual(
            float(clv_model.bgbb_log_likelihood(params, [0], [0], [0])[0]), 0.0
        )

    def test_p_alive_by_integration(self):
        """P(alive at n + 1) is the share of the likelihood of the customers
        alive through n + 1: the integral of p^x (1-p)^(n-x) (1-theta)^(n+1)
        over the likelihood."""
        params = PUBLISHED_BGBB
        alpha, beta, gamma, delta = params
        x = np.array([0, 1, 1, 3, 6, 2, 0, 4])
        t_x = np.array([0, 1, 6, 4, 6, 10, 0, 9])
        n = np.array([6, 6, 6, 6, 6, 12, 0, 9])
        ours = clv_model.bgbb_p_alive(params, x, t_x, n)
        for i in range(len(x)):
            alive = _beta_moment(alpha, beta, x[i], n[i] - x[i]) * _beta_moment(
                gamma, delta, 0, n[i] + 1
            )
            expected = alive / _likelihood_by_integration(params, x[i], t_x[i], n[i])
            self.assertAlmostEqual(ours[i], expected, places=8)
        # A donor who gave at every opportunity is more likely alive than one
        # silent since the first.
        self.assertGreater(ours[4], ours[1])
        self.assertTrue(np.all((ours > 0) & (ours < 1)))

    def test_expected_transactions_by_integration(self):
        """E[X(n, n + n*)] is the integral of p sum_k (1-theta)^k over the
        customers alive through n, over the likelihood."""
        params = PUBLISHED_BGBB
        alpha, beta, gamma, delta = params
        x = np.array([0, 1, 3, 6, 2, 0])
        t_x = np.array([0, 2, 5, 6, 10, 0])
        n = np.array([6, 6, 6, 6, 12, 0])
        for horizon in (1, 5, 10):
            ours = clv_model.bgbb_expected_transactions(params, horizon, x, t_x, n)
            for i in range(len(x)):
                p_part = _beta_moment(alpha, beta, x[i] + 1, n[i] - x[i])
                theta_part = sum(
                    _beta_moment(gamma, delta, 0, n[i] + k)
                    for k in range(1, horizon + 1)
                )
                expected = (
                    p_part
                    * theta_part
                    / _likelihood_by_integration(params, x[i], t_x[i], n[i])
                )
                self.assertAlmostEqual(ours[i] / expected, 1.0, places=7)
        # More opportunities, more transactions; none in no time.
        five = clv_model.bgbb_expected_transactions(params, 5, x, t_x, n)
        ten = clv_model.bgbb_expected_transactions(params, 10, x, t_x, n)
        self.assertTrue(np.all(ten > five))
        self.assertEqual(
            list(clv_model.bgbb_expected_transactions(params, 0, x, t_x, n)),
            [0.0] * len(x),
        )

    def test_gamma_near_one(self):
        """At gamma = 1 eq. 13 is 0/0: the value is continuous through it."""
        x, t_x, n = np.array([2, 0]), np.array([4, 0]), np.array([6, 3])
        values = [
            clv_model.bgbb_expected_transactions((1.2, 0.75, g, 2.8), 5, x, t_x, n)
            for g in (1 - 1e-3, 1 - 1e-5, 1.0, 1 + 1e-5, 1 + 1e-3)
        ]
        for value in values:
            self.assertTrue(np.all(np.isfinite(value)))
        np.testing.assert_allclose(values[2], values[0], rtol=1e-2)
        np.testing.assert_allclose(values[2], values[4], rtol=1e-2)
        np.testing.assert_allclose(values[1], values[3], rtol=1e-4)

    def test_fit_recovers_simulated_parameters(self):
        rng = np.random.default_rng(26)
        truth = (1.2, 0.75, 0.66, 2.8)
        x, t_x = clv_model.bgbb_simulate(truth, 8, 60000, rng)
        result = clv_model.bgbb_fit_result(x, t_x, np.full(x.shape, 8.0))
        self.assertTrue(result.converged, result.message)
        for estimate, true, error in zip(
            result.params, truth, result.std_errors, strict=True
        ):
            self.assertLess(abs(estimate - true), 4 * error + 0.02 * true)

    def test_degenerate_data_not_converged(self):
        """Every donor gave every year: the data cannot identify the model
        (the dropout goes to 0 along a ridge); the fit says so."""
        result = clv_model.bgbb_fit_result([3, 3, 3, 3, 3], [3] * 5, [3] * 5)
        self.assertFalse(result.converged)
        with self.assertRaises(clv_model.ConvergenceError):
            clv_model.bgbb_fit([3, 3, 3, 3, 3], [3] * 5, [3] * 5)

    def test_input_validation(self):
        fit = clv_model.bgbb_fit_result
        cases = [
            ([1], [0], [3]),  # x > t_x
            ([1], [4], [3]),  # t_x > n
            ([0], [2], [3]),  # t_x without transaction
            ([1.5], [2], [3]),  # not whole
            ([-1], [0], [3]),
            ([float("nan")], [0], [3]),
        ]
        for x, t_x, n in cases:
            with self.assertRaises(ValueError, msg=(x, t_x, n)):
                clv_model.bgbb_log_likelihood(PUBLISHED_BGBB, x, t_x, n)
        with self.assertRaises(ValueError):
            fit([1, 0, 2], [1, 0, 2], [2, 2, 2])  # too few customers
        with self.assertRaises(ValueError):
            fit([0] * 5, [0] * 5, [0] * 5)  # no opportunity
        with self.assertRaises(ValueError):
            fit([0] * 5, [0] * 5, [3] * 5)  # no repeat gift
        with self.assertRaises(ValueError):
            fit([1, 1], [1, 1], [2, 2], weights=[1, -1])
        with self.assertRaises(ValueError):
            clv_model.bgbb_p_alive((1.0, 1.0, 0.0, 1.0), [1], [1], [2])
        with self.assertRaises(ValueError):
            clv_model.bgbb_expected_transactions(PUBLISHED_BGBB, [1, 2], [1], [1], [2])
