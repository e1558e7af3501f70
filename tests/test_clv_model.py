# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Predicted customer lifetime value: the BG/NBD and Gamma-Gamma models (#14).

Pure numerics, no database: ``models/clv_model.py`` is checked

* against the results published on the papers' own data set, the CDNOW
  cohort (2,357 customers, 39-week calibration period, times in weeks):
  Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way"
  (BG/NBD) and "RFM and CLV: Using Iso-Value Curves for Customer Base
  Analysis" with Fader and Hardie's note "The Gamma-Gamma Model of
  Monetary Value" (2013);
* against independent evaluations: the papers' formulas typed again with the
  math module, and the models' defining integrals computed numerically with
  scipy.integrate (never with the module's own closed forms);
* on its input validation, its convergence reports and a fit on 100,000
  simulated customers.

The CDNOW summary is read from the data files that the PyPI package
``lifetimes==0.11.3`` ships (``lifetimes/datasets/``); the package is located
with importlib and NOT imported (its import pulls pandas and autograd).  It
is a test tool: ``pip install --no-deps lifetimes==0.11.3``.
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

CDNOW_FILE = "cdnow_customers_summary_with_transactions.csv"

# Fader, Hardie & Lee (2005), BG/NBD, CDNOW, 39 weeks.
PUBLISHED_BGNBD = (0.243, 4.414, 0.793, 2.426)
PUBLISHED_BGNBD_LL = -9582.4
# Fader & Hardie, "The Gamma-Gamma Model of Monetary Value", 946 repeat buyers.
PUBLISHED_GAMMA_GAMMA = (6.25, 3.74, 15.44)


@functools.lru_cache(maxsize=1)
def _load_cdnow():
    """(x, t_x, T, m) arrays of the CDNOW cohort, from the lifetimes wheel."""
    # `make test` installs the package's files apart, in .run/test-data, and
    # names that folder in PARTNER_IDIC_TEST_DATA; elsewhere, an installed
    # lifetimes package (never imported: only its data file is read).
    folders = []
    if os.environ.get("PARTNER_IDIC_TEST_DATA"):
        folders.append(os.path.join(os.environ["PARTNER_IDIC_TEST_DATA"], "lifetimes"))
    spec = importlib.util.find_spec("lifetimes")
    folders += list(spec.submodule_search_locations or []) if spec else []
    paths = [os.path.join(folder, "datasets", CDNOW_FILE) for folder in folders]
    paths = [path for path in paths if os.path.isfile(path)]
    if not paths:
        raise LookupError(
            "The CDNOW data set of the CLV model tests was not found: it ships "
            "in the PyPI package lifetimes==0.11.3 (lifetimes/datasets/"
            f"{CDNOW_FILE}). Install it with "
            "`pip install --no-deps lifetimes==0.11.3` into Odoo's Python."
        )
    with open(paths[0], newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        np.array([float(row[column]) for row in rows])
        for column in ("x", "t_x", "T", "zbar")
    )


def _p_alive_by_formula(params, x, t_x, T):
    """The paper's P(alive) typed again with the math module."""
    r, alpha, a, b = params
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def _integrate_split(function, low, peak, high):
    """Integral of ``function`` over (low, high), split at its peak (where
    adaptive quadrature resolves a narrow peak best: as an end point)."""
    return sum(
        integrate.quad(function, start, end, epsabs=0, epsrel=1e-12, limit=200)[0]
        for start, end in ((low, peak), (peak, high))
    )


def _lambda_integral(params, x, s):
    """E[lambda^x exp(-lambda s)] for lambda ~ Gamma(r, alpha), by quadrature.

    With lambda = exp(u) the integrand is smooth on the whole real line.
    """
    r, alpha, _a, _b = params
    log_norm = r * math.log(alpha) - math.lgamma(r)

    def integrand(u):
        if u > 700:  # exp(u) would overflow; the integrand is 0 long before
            return 0.0
        return math.exp(log_norm + (x + r) * u - math.exp(u) * (s + alpha))

    peak = math.log((x + r) / (s + alpha))
    return _integrate_split(integrand, -math.inf, peak, math.inf)


def _p_integral(params, power_p, power_1_p):
    """E[p^i (1 - p)^j] for p ~ Beta(a, b), by quadrature (algebraic weight)."""
    _r, _alpha, a, b = params
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    value = integrate.quad(
        lambda p: 1.0,
        0.0,
        1.0,
        weight="alg",
        wvar=(a - 1 + power_p, b - 1 + power_1_p),
    )[0]
    return value / math.exp(log_beta)


def _bgnbd_branches(params, x, t_x, T):
    """(L alive, L dropped out after t_x) of one customer, by quadrature.

    Alive: no dropout after any of the x repeat purchases and no purchase in
    (t_x, T].  Dropped out: survived x - 1 purchases, left at the x-th.
    """
    alive = _lambda_integral(params, x, T) * _p_integral(params, 0, x)
    dead = 0.0
    if x > 0:
        dead = _lambda_integral(params, x, t_x) * _p_integral(params, 1, x - 1)
    return alive, dead


def _expected_purchases_by_integration(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T] from the model's definition, by quadrature.

    Given alive at T, lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x)
    a posteriori, and a customer alive with (lambda, p) makes on average
    (1 - exp(-lambda p t)) / p purchases in the next t.  Integrating lambda
    out gives (1 - ((alpha + T) / (alpha + T + p t))^(r + x)) / p, left to
    integrate over p numerically.
    """
    r, alpha, a, b = params
    log_beta = math.lgamma(a) + math.lgamma(b + x) - math.lgamma(a + b + x)

    def growth(p):
        if p == 0:  # the limit of (1 - exp(-lambda p t)) / p
            return (r + x) * t / (alpha + T) * math.exp(-log_beta)
        power = (r + x) * (math.log(alpha + T) - math.log(alpha + T + p * t))
        return (
            -math.expm1(power) / p * math.exp((b + x - 1) * math.log1p(-p) - log_beta)
        )

    mean = a / (a + b + x)
    edges = [mean * k for k in (0.01, 0.1, 1.0, 10.0, 100.0) if mean * k < 1.0]
    # p^(a - 1) is singular at 0: an algebraic weight on the first piece.
    total = integrate.quad(
        growth, 0.0, edges[0], weight="alg", wvar=(a - 1, 0.0), limit=200
    )[0]
    for low, high in zip(edges, [*edges[1:], 1.0], strict=True):
        total += integrate.quad(
            lambda p: growth(p) * p ** (a - 1),
            low,
            high,
            epsabs=0,
            epsrel=1e-11,
            limit=200,
        )[0]
    return _p_alive_by_formula(params, x, t_x, T) * total


@tagged("post_install", "-at_install")
class TestClvModel(BaseCase):
    def _cdnow(self):
        try:
            return _load_cdnow()
        except LookupError as error:
            self.fail(str(error))

    # ------------------------------------------------------------------
    # The CDNOW data set itself
    # ------------------------------------------------------------------

    def test_cdnow_data(self):
        x, t_x, T, m = self._cdnow()
        self.assertEqual(len(x), 2357)
        self.assertEqual(int(np.sum(x > 0)), 946)
        self.assertTrue(np.all(t_x <= T) and np.all(T <= 39))
        self.assertTrue(np.all(m[x > 0] > 0))

    # ------------------------------------------------------------------
    # BG/NBD
    # ------------------------------------------------------------------

    def test_bgnbd_cdnow_published_estimates(self):
        """The paper's MLEs, to their 3 published decimals.

        Obtained: r = 0.242593, alpha = 4.413532, a = 0.792886,
        b = 2.425753, log-likelihood -9582.4256: each within 0.0005 of the
        published value, i.e. each rounds to it.
        """
        x, t_x, T, _m = self._cdnow()
        result = clv_model.bgnbd_fit_result(x, t_x, T)
        self.assertTrue(result.converged, result.message)
        self.assertEqual(result.n_customers, 2357)
        for name, got, published in zip(
            ("r", "alpha", "a", "b"), result.params, PUBLISHED_BGNBD, strict=True
        ):
            self.assertAlmostEqual(got, published, delta=0.0005, msg=name)
        self.assertAlmostEqual(result.log_likelihood, PUBLISHED_BGNBD_LL, delta=0.05)
        # The plain function returns the same estimates.
        self.assertEqual(clv_model.bgnbd_fit(x, t_x, T), result.params)
        # A maximum: at least as likely as the published (rounded) values,
        # and the reported log-likelihood is the sum of the customers' ones.
        total = clv_model.bgnbd_log_likelihood(result.params, x, t_x, T).sum()
        self.assertAlmostEqual(total, result.log_likelihood, places=6)
        published = clv_model.bgnbd_log_likelihood(PUBLISHED_BGNBD, x, t_x, T).sum()
        self.assertGreaterEqual(result.log_likelihood, published)
        self.assertTrue(all(0 < error < 1 for error in result.std_errors))

    def test_bgnbd_fit_is_unit_free(self):
        """Times in days instead of weeks: alpha scales, nothing else moves."""
        x, t_x, T, _m = self._cdnow()
        weeks = clv_model.bgnbd_fit(x, t_x, T)
        days = clv_model.bgnbd_fit(x, 7 * t_x, 7 * T)
        np.testing.assert_allclose(days, np.multiply(weeks, [1, 7, 1, 1]), rtol=1e-6)

    def test_bgnbd_conditional_expectation_published(self):
        """The paper's worked example: customer 1 of CDNOW (x = 2,
        t_x = 30.43, T = 38.86) is expected to make 1.226 purchases in the
        next 39 weeks (obtained: 1.22591 with the fitted parameters, 1.22603
        with the published rounded ones)."""
        x, t_x, T, _m = self._cdnow()
        self.assertEqual((x[0], t_x[0], T[0]), (2, 30.43, 38.86))
        fitted = clv_model.bgnbd_fit(x, t_x, T)
        for params in (fitted, PUBLISHED_BGNBD):
            expected = clv_model.bgnbd_expected_purchases(params, 39, 2, 30.43, 38.86)
            self.assertEqual(expected.shape, (1,))
            self.assertAlmostEqual(float(expected[0]), 1.226, delta=0.0005)

    def test_bgnbd_p_alive_by_formula(self):
        """P(alive) of the first 50 CDNOW customers against the paper's
        formula typed with the math module; exactly 1 where x == 0."""
        x, t_x, T, _m = self._cdnow()
        got = clv_model.bgnbd_p_alive(PUBLISHED_BGNBD, x[:50], t_x[:50], T[:50])
        self.assertEqual(got.shape, (50,))
        for i in range(50):
            expected = _p_alive_by_formula(PUBLISHED_BGNBD, x[i], t_x[i], T[i])
            self.assertAlmostEqual(got[i], expected, delta=1e-12 * expected)
            if x[i] == 0:
                self.assertEqual(got[i], 1.0)
        # Customer 1: P(alive) = 1 / (1 + 0.793/3.426 (43.274/34.844)^2.243).
        self.assertAlmostEqual(got[0], 0.7266, delta=5e-5)

    def test_bgnbd_likelihood_and_p_alive_by_integration(self):
        """The likelihood and P(alive) against the model's definition,
        integrated numerically over lambda and p (no closed form used)."""
        params = PUBLISHED_BGNBD
        for x, t_x, T in (
            (2, 30.43, 38.86),
            (1, 1.71, 38.86),
            (0, 0.0, 38.86),
            (14, 35.0, 37.0),
        ):
            alive, dead = _bgnbd_branches(params, x, t_x, T)
            log_likelihood = clv_model.bgnbd_log_likelihood(params, x, t_x, T)[0]
            self.assertAlmostEqual(log_likelihood, math.log(alive + dead), delta=1e-9)
            p_alive = clv_model.bgnbd_p_alive(params, x, t_x, T)[0]
            self.assertAlmostEqual(p_alive, alive / (alive + dead), delta=1e-9)

    def test_bgnbd_expected_purchases_by_integration(self):
        """E[Y(t) | x, t_x, T] against the posterior expectation integrated
        numerically, including x == 0 and a horizon of 0."""
        params = PUBLISHED_BGNBD
        cases = (
            (39, 2, 30.43, 38.86),
            (39, 0, 0.0, 38.86),
            (10, 0, 0.0, 5.0),
            (52, 14, 35.0, 37.0),
            (0.5, 1, 1.71, 38.86),
        )
        for t, x, t_x, T in cases:
            got = clv_model.bgnbd_expected_purchases(params, t, x, t_x, T)[0]
            expected = _expected_purchases_by_integration(params, t, x, t_x, T)
            self.assertAlmostEqual(got, expected, delta=1e-8 * expected, msg=(t, x))
        # Vectorised, a horizon per customer; nothing expected in no time.
        got = clv_model.bgnbd_expected_purchases(
            params, [39, 0, 10], [2, 2, 0], [30.43, 30.43, 0], [38.86, 38.86, 5]
        )
        self.assertEqual(got[1], 0.0)
        self.assertAlmostEqual(
            got[0], clv_model.bgnbd_expected_purchases(params, 39, 2, 30.43, 38.86)[0]
        )
        self.assertAlmostEqual(
            got[2],
            _expected_purchases_by_integration(params, 10, 0, 0.0, 5.0),
            delta=1e-9,
        )

    def test_bgnbd_expected_purchases_large_x_and_T(self):
        """A frequent customer over ten years, in days: x = 1500 or 5000.

        In the paper's form, ((alpha + T) / (alpha + T + t))^(r + x) ~ 2^-1500
        underflows and 2F1(r + x, b + x; a + b + x - 1; ~0.5) overflows
        (scipy 1.17's hyp2f1 returns inf), so the module goes through
        Euler's transformation; checked against the integral.
        """
        r, alpha, a, b = PUBLISHED_BGNBD
        params = (r, 7 * alpha, a, b)
        cases = (
            (3650, 1500, 3640, 3650),
            (3650, 5000, 3649, 3650),
            (7300, 3000, 3650, 3650),
        )
        got = clv_model.bgnbd_expected_purchases(
            params,
            [case[0] for case in cases],
            [case[1] for case in cases],
            [case[2] for case in cases],
            [case[3] for case in cases],
        )
        self.assertTrue(np.all(np.isfinite(got)))
        for value, case in zip(got, cases, strict=True):
            expected = _expected_purchases_by_integration(params, *case)
            self.assertAlmostEqual(value, expected, delta=1e-7 * expected, msg=case)
        # Same values one customer at a time, mixed with ordinary customers.
        mixed = clv_model.bgnbd_expected_purchases(
            params, 3650, [2, 1500, 0], [300, 3640, 0], [400, 3650, 3650]
        )
        self.assertAlmostEqual(mixed[1], got[0], delta=1e-9 * got[0])
        self.assertAlmostEqual(
            mixed[0],
            _expected_purchases_by_integration(params, 3650, 2, 300, 400),
            delta=1e-8 * mixed[0],
        )
        # P(alive) stays a probability for huge x.
        p_alive = clv_model.bgnbd_p_alive(
            params, [5000, 5000], [3649, 1000], [3650, 3650]
        )
        self.assertTrue(0 < p_alive[0] <= 1 and p_alive[1] == 0)

    def test_bgnbd_expected_purchases_a_near_one(self):
        """At a = 1 the paper's first factor is 0/0: the value is continuous."""
        r, alpha, _a, b = PUBLISHED_BGNBD
        args = (39, [2, 0], [30.43, 0], [38.86, 38.86])
        below = clv_model.bgnbd_expected_purchases((r, alpha, 1 - 1e-3, b), *args)
        at_one = clv_model.bgnbd_expected_purchases((r, alpha, 1.0, b), *args)
        above = clv_model.bgnbd_expected_purchases((r, alpha, 1 + 1e-3, b), *args)
        self.assertTrue(np.all(np.isfinite(at_one)))
        np.testing.assert_allclose(at_one, (below + above) / 2, rtol=1e-6)
        for a in (1.0, 1 - 3e-5, 1 + 5e-5):
            got = clv_model.bgnbd_expected_purchases((r, alpha, a, b), *args)
            for i, (x, t_x) in enumerate(((2, 30.43), (0, 0.0))):
                expected = _expected_purchases_by_integration(
                    (r, alpha, a, b), 39, x, t_x, 38.86
                )
                self.assertAlmostEqual(got[i], expected, delta=1e-8 * expected)

    def test_bgnbd_expected_purchases_path(self):
        """The path over many horizons gives, at each horizon, the values of
        bgnbd_expected_purchases, each customer its own: customers sharing
        (x, T) with different t_x, x == 0, a horizon of 0, a huge x, a near 1.
        """
        x = [2, 2, 0, 0, 1500, 14, 2, 1]
        t_x = [30.43, 10.0, 0.0, 0.0, 3640.0, 35.0, 30.43, 1.71]
        T = [38.86, 38.86, 38.86, 5.0, 3650.0, 37.0, 52.0, 38.86]
        horizons = [0.0, 0.5, 4.35, 39.0, 3650.0]
        r, alpha, a, b = PUBLISHED_BGNBD
        for params in ((r, alpha, a, b), (r, 7 * alpha, a, b), (r, alpha, 1 + 5e-5, b)):
            path = list(
                clv_model.bgnbd_expected_purchases_path(params, horizons, x, t_x, T)
            )
            self.assertEqual(len(path), len(horizons))
            for t, got in zip(horizons, path, strict=True):
                expected = clv_model.bgnbd_expected_purchases(params, t, x, t_x, T)
                np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0.0)
            # Customers sharing (x, T) but not t_x differ; the path keeps
            # each one's value, which grows with the horizon.
            self.assertNotAlmostEqual(path[3][0], path[3][1])
            self.assertEqual(path[0].tolist(), [0.0] * len(x))
            self.assertTrue(np.all(np.diff(np.array(path), axis=0) >= 0))
        self.assertAlmostEqual(
            next(
                iter(
                    clv_model.bgnbd_expected_purchases_path(
                        PUBLISHED_BGNBD, [39], [2], [30.43], [38.86]
                    )
                )
            )[0],
            _expected_purchases_by_integration(PUBLISHED_BGNBD, 39, 2, 30.43, 38.86),
            delta=1e-8,
        )
        # Bad input is refused at the call, before any value is asked for.
        with self.assertRaises(ValueError):
            clv_model.bgnbd_expected_purchases_path(
                PUBLISHED_BGNBD, [1.0], [1], [5], [4]
            )
        with self.assertRaises(ValueError):
            clv_model.bgnbd_expected_purchases_path(
                PUBLISHED_BGNBD, [-1.0], [1], [1], [4]
            )

    def test_hyp2f1_series(self):
        """The last-resort power series of 2F1 (used where scipy's hyp2f1 is
        not finite) against closed forms: 2F1(1, 1; 2; z) = -ln(1 - z) / z
        and 2F1(a, b; b; z) = (1 - z)^-a."""
        z = np.array([0.01, 0.3, 0.9, 0.99])
        ones = np.ones_like(z)
        np.testing.assert_allclose(
            clv_model._hyp2f1_series(ones, ones, 2 * ones, z),
            -np.log1p(-z) / z,
            rtol=1e-13,
        )
        np.testing.assert_allclose(
            clv_model._hyp2f1_series(-0.207 * ones, 3.4 * ones, 3.4 * ones, z),
            (1 - z) ** 0.207,
            rtol=1e-13,
        )

    def test_bgnbd_fit_recovers_simulated_parameters(self):
        """100,000 customers simulated from the CDNOW estimates, ages of 1 to
        78 weeks: the fit recovers the parameters within 4 standard errors.
        (Its time is measured in bench/bench_clv_fit.py, not here.)"""
        rng = np.random.default_rng(14)
        x, t_x, T = clv_model.bgnbd_simulate(PUBLISHED_BGNBD, 100_000, rng, 78.0)
        result = clv_model.bgnbd_fit_result(x, t_x, T)
        self.assertTrue(result.converged, result.message)
        for got, error, true in zip(
            result.params, result.std_errors, PUBLISHED_BGNBD, strict=True
        ):
            self.assertLess(abs(got - true), 4 * error, (got, error, true))

    def test_bgnbd_degenerate_data_not_converged(self):
        """Everyone bought just now: the likelihood rises toward p = 0 (no
        dropout); the fit says so instead of returning meaningless numbers."""
        x, t_x, T = [3, 5, 2, 4, 1, 0], [39] * 5 + [0], [39] * 6
        result = clv_model.bgnbd_fit_result(x, t_x, T)
        # Where the search stops on the way (on the bound of a, or short of
        # it with a residual gradient) depends on the scipy version.
        self.assertFalse(result.converged, result.message)
        with self.assertRaises(clv_model.ConvergenceError) as caught:
            clv_model.bgnbd_fit(x, t_x, T)
        self.assertEqual(caught.exception.result.params, result.params)

    # ------------------------------------------------------------------
    # Gamma-Gamma
    # ------------------------------------------------------------------

    def test_gamma_gamma_cdnow_published_estimates(self):
        """The published estimates on the 946 repeat customers, 2 decimals.

        Obtained: p = 6.248802, q = 3.744588, gamma = 15.447748,
        log-likelihood -4055.9232.  p and q round to the published 6.25 and
        3.74 (tolerance 0.005); gamma rounds to 15.45, not 15.44: the
        likelihood is nearly flat along p, q, gamma together and the
        published search stopped a little short, so gamma has a tolerance of
        0.01 (its difference is 0.0077).  Customers with x == 0 are ignored.
        """
        x, _t_x, _T, m = self._cdnow()
        result = clv_model.gamma_gamma_fit_result(x, m)
        self.assertTrue(result.converged, result.message)
        self.assertEqual(result.n_customers, 946)
        p, q, gamma = result.params
        self.assertAlmostEqual(p, PUBLISHED_GAMMA_GAMMA[0], delta=0.005)
        self.assertAlmostEqual(q, PUBLISHED_GAMMA_GAMMA[1], delta=0.005)
        self.assertAlmostEqual(gamma, PUBLISHED_GAMMA_GAMMA[2], delta=0.01)
        self.assertEqual(clv_model.gamma_gamma_fit(x, m), result.params)
        total = clv_model.gamma_gamma_log_likelihood(result.params, x, m).sum()
        self.assertAlmostEqual(total, result.log_likelihood, places=6)
        published = clv_model.gamma_gamma_log_likelihood(
            PUBLISHED_GAMMA_GAMMA, x, m
        ).sum()
        self.assertGreaterEqual(result.log_likelihood, published)
        # Only the repeat customers count.
        repeat = x > 0
        self.assertEqual(clv_model.gamma_gamma_fit(x[repeat], m[repeat]), result.params)

    def test_gamma_gamma_likelihood_by_integration(self):
        """f(m_x | x) = integral over nu ~ Gamma(q, gamma) of the density of
        the mean of x Gamma(p, nu) values, Gamma(p x, nu x), numerically."""
        p, q, gamma = PUBLISHED_GAMMA_GAMMA
        for x, m in ((1, 20.0), (2, 22.35), (7, 35.5), (20, 5.0)):
            shape, total = p * x, x * m

            def integrand(nu, shape=shape, total=total, m=m, x=x):
                log_density = (
                    shape * math.log(nu * x)
                    + (shape - 1) * math.log(m)
                    - nu * total
                    - math.lgamma(shape)
                    + q * math.log(gamma)
                    + (q - 1) * math.log(nu)
                    - gamma * nu
                    - math.lgamma(q)
                )
                return math.exp(log_density)

            peak = (shape + q - 1) / (gamma + total)
            density = _integrate_split(integrand, 0.0, peak, math.inf)
            got = clv_model.gamma_gamma_log_likelihood(PUBLISHED_GAMMA_GAMMA, x, m)[0]
            self.assertAlmostEqual(got, math.log(density), delta=1e-9)
        self.assertEqual(
            clv_model.gamma_gamma_log_likelihood(PUBLISHED_GAMMA_GAMMA, 0, 0)[0], 0.0
        )

    def test_gamma_gamma_expected_spend(self):
        """E[M | p, q, gamma, m_x, x] = p (gamma + m_x x) / (p x + q - 1): by
        formula, as a weighted mean of the population mean p gamma / (q - 1)
        and m_x, by integration over the posterior of nu; x == 0 gives the
        population mean."""
        x, _t_x, _T, m = self._cdnow()
        p, q, gamma = params = clv_model.gamma_gamma_fit(x, m)
        got = clv_model.gamma_gamma_expected_spend(params, x[:100], m[:100])
        population = p * gamma / (q - 1)
        for i in range(100):
            if x[i] == 0:
                self.assertAlmostEqual(got[i], population, delta=1e-12)
                continue
            expected = p * (gamma + m[i] * x[i]) / (p * x[i] + q - 1)
            self.assertAlmostEqual(got[i], expected, delta=1e-12 * expected)
            weight = p * x[i] / (p * x[i] + q - 1)
            self.assertAlmostEqual(
                got[i], (1 - weight) * population + weight * m[i], delta=1e-9
            )
        # Posterior nu ~ Gamma(q + p x, rate gamma + m_x x); E[p / nu].
        shape, rate = q + p * 2, gamma + 22.35 * 2

        def integrand(nu):
            return (p / nu) * math.exp(
                shape * math.log(rate)
                + (shape - 1) * math.log(nu)
                - rate * nu
                - math.lgamma(shape)
            )

        expected = _integrate_split(integrand, 0.0, (shape - 1) / rate, math.inf)
        self.assertAlmostEqual(
            clv_model.gamma_gamma_expected_spend(params, 2, 22.35)[0],
            expected,
            delta=1e-9,
        )
        # x == 0: the population mean whatever m says.
        np.testing.assert_allclose(
            clv_model.gamma_gamma_expected_spend(params, [0, 0], [0, 99]),
            [population] * 2,
            rtol=1e-15,
        )
        with self.assertRaisesRegex(ValueError, "q > 1"):
            clv_model.gamma_gamma_expected_spend((6.25, 0.9, 15.44), [1], [10])

    def test_gamma_gamma_degenerate_data(self):
        """Every customer spends the same (fixed dues): nothing to fit.  Two
        alternating values: no strict maximum, the search says so."""
        with self.assertRaisesRegex(ValueError, "same for every customer"):
            clv_model.gamma_gamma_fit([1, 2, 3, 4, 5], [20] * 5)
        x, m = [1, 2, 3, 4, 5, 6], [20, 30, 20, 30, 20, 30]
        result = clv_model.gamma_gamma_fit_result(x, m)
        self.assertFalse(result.converged, result.message)
        with self.assertRaises(clv_model.ConvergenceError):
            clv_model.gamma_gamma_fit(x, m)

    # ------------------------------------------------------------------
    # The model-free fallback
    # ------------------------------------------------------------------

    def test_p_alive_simple(self):
        got = clv_model.p_alive_simple(
            [4, 1, 3, 0, 2, 2], [20, 10, 30, 0, 0, 0], [30, 40, 30, 25, 0, 5]
        )
        expected = [math.exp(-4 / 20 * 10), math.exp(-1 / 10 * 30), 1.0, 1.0, 1.0, 0.0]
        np.testing.assert_allclose(got, expected, rtol=1e-15)
        # x == 0 with the company's usual rate: exp(-rate T).
        got = clv_model.p_alive_simple([0, 4], [0, 20], [25, 30], zero_rate=0.05)
        np.testing.assert_allclose(
            got, [math.exp(-0.05 * 25), math.exp(-2.0)], rtol=1e-15
        )
        with self.assertRaises(ValueError):
            clv_model.p_alive_simple([0], [0], [25], zero_rate=-1)

    # ------------------------------------------------------------------
    # Input validation
    # ------------------------------------------------------------------

    def test_input_validation(self):
        params = PUBLISHED_BGNBD
        bad_inputs = (
            (([1, 2], [1, 2, 3], [4, 4, 4]), "equal lengths"),
            (([1, -2], [1, 2], [4, 4]), "x must not be negative"),
            (([1, 2], [1, 5], [4, 4]), "must not exceed T"),
            (([1, 2], [1, float("nan")], [4, 4]), "finite"),
            (([1, 2.5], [1, 2], [4, 4]), "whole numbers"),
            (([], [], []), "empty"),
            (([[1, 2]], [[1, 2]], [[4, 4]]), "one-dimensional"),
            ((["a"], [1], [4]), "numbers only"),
        )
        for arguments, message in bad_inputs:
            for function in (
                clv_model.bgnbd_fit,
                clv_model.p_alive_simple,
                functools.partial(clv_model.bgnbd_p_alive, params),
                functools.partial(clv_model.bgnbd_expected_purchases, params, 39),
                functools.partial(clv_model.bgnbd_log_likelihood, params),
            ):
                with self.assertRaisesRegex(ValueError, message):
                    function(*arguments)
        with self.assertRaisesRegex(ValueError, "at least 4 customers"):
            clv_model.bgnbd_fit([1, 0, 0], [5, 0, 0], [9, 9, 9])
        with self.assertRaisesRegex(ValueError, "repeat purchase"):
            clv_model.bgnbd_fit([0] * 5, [0] * 5, [9] * 5)
        with self.assertRaisesRegex(ValueError, "t must not be negative"):
            clv_model.bgnbd_expected_purchases(params, -1, [1], [1], [2])
        with self.assertRaisesRegex(ValueError, "equal lengths"):
            clv_model.bgnbd_expected_purchases(params, [1, 2], [1], [1], [2])
        for bad_params in (
            (0.2, 4.4, 0.8),
            (0.2, -4.4, 0.8, 2.4),
            (0.2, 4.4, 0.8, math.inf),
            None,
        ):
            with self.assertRaisesRegex(ValueError, "BG/NBD parameters"):
                clv_model.bgnbd_p_alive(bad_params, [1], [1], [2])
        # Gamma-Gamma.
        with self.assertRaisesRegex(ValueError, "at least 3 customers with x >= 1"):
            clv_model.gamma_gamma_fit([1, 2, 0, 0], [10, 20, 0, 0])
        with self.assertRaisesRegex(ValueError, "m .* must be positive"):
            clv_model.gamma_gamma_fit([1, 2, 3], [10, 0, 5])
        with self.assertRaisesRegex(ValueError, "equal lengths"):
            clv_model.gamma_gamma_expected_spend(PUBLISHED_GAMMA_GAMMA, [1, 2], [10])
        with self.assertRaisesRegex(ValueError, "m must not be negative"):
            clv_model.gamma_gamma_expected_spend(PUBLISHED_GAMMA_GAMMA, [1], [-10])
        with self.assertRaisesRegex(ValueError, "Gamma-Gamma parameters"):
            clv_model.gamma_gamma_expected_spend((6.25, 3.74), [1], [10])
