# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The statistics of the campaign results (``models/campaign_stats.py``),
against published results and computations by hand."""

import math
import statistics

from odoo.tests import BaseCase, tagged

from odoo.addons.partner_idic.models import campaign_stats

# B. L. Welch's test as Wikipedia's article "Welch's t-test" works it out
# (example 1): t = -2.46, df = 24.99, p = 0.021.
A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0,
      21.7, 21.4]  # fmt: skip
A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9,
      20.5, 24.4]  # fmt: skip


@tagged("post_install", "-at_install")
class TestCampaignStats(BaseCase):
    def test_newcombe_wald_interval(self):
        """Newcombe (1998), Statistics in Medicine 17, table II, example (a):
        56/70 against 48/80, method 1 (simple asymptotic): 0.0575 to 0.3425."""
        result = campaign_stats.two_proportion_interval(56, 70, 48, 80)
        self.assertAlmostEqual(result.estimate, 0.2, places=12)
        self.assertAlmostEqual(result.low, 0.0575, places=4)
        self.assertAlmostEqual(result.high, 0.3425, places=4)

    def test_two_proportion_by_hand(self):
        """The interval and the pooled z-test worked out by hand, with the
        1.959964 of a normal table."""
        x1, n1, x2, n2 = 30, 200, 12, 150
        p1, p2 = x1 / n1, x2 / n2
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        pooled = (x1 + x2) / (n1 + n2)
        z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        result = campaign_stats.two_proportion_interval(x1, n1, x2, n2)
        self.assertAlmostEqual(result.low, p1 - p2 - 1.959964 * se, places=5)
        self.assertAlmostEqual(result.high, p1 - p2 + 1.959964 * se, places=5)
        self.assertAlmostEqual(result.statistic, z, places=10)
        # Two-sided p of |z| = 2.2223: 2 * (1 - Phi(z)) by the normal series.
        phi = 0.5 * (1 + math.erf(abs(z) / math.sqrt(2)))
        self.assertAlmostEqual(result.p_value, 2 * (1 - phi), places=10)

    def test_two_proportion_edges(self):
        self.assertIsNone(campaign_stats.two_proportion_interval(3, 10, 0, 0))
        same = campaign_stats.two_proportion_interval(0, 10, 0, 20)
        self.assertEqual((same.estimate, same.low, same.high), (0.0, 0.0, 0.0))
        self.assertIsNone(same.p_value)
        with self.assertRaises(ValueError):
            campaign_stats.two_proportion_interval(11, 10, 0, 5)
        with self.assertRaises(ValueError):
            campaign_stats.two_proportion_interval(1, 10, 0, 5, confidence=1.5)

    def test_welch_published_example(self):
        result = campaign_stats.welch_interval(
            statistics.mean(A1), statistics.variance(A1), len(A1),
            statistics.mean(A2), statistics.variance(A2), len(A2),
        )  # fmt: skip
        self.assertAlmostEqual(result.statistic, -2.46, places=2)
        self.assertAlmostEqual(result.df, 24.99, places=2)
        self.assertAlmostEqual(result.p_value, 0.021, places=3)

    def test_welch_by_hand(self):
        """Means 10 and 8, variances 4 and 9, sizes 11 and 11: se = sqrt(13/11),
        df = (13/11)^2 / ((4/11)^2/10 + (9/11)^2/10) = 17.4227..., and the
        interval with the t quantile of a table (t(0.975, 10) = 2.228 for the
        check of the quantile, by equal variances and sizes below)."""
        result = campaign_stats.welch_interval(10.0, 4.0, 11, 8.0, 9.0, 11)
        se = math.sqrt(13 / 11)
        df = (13 / 11) ** 2 / ((4 / 11) ** 2 / 10 + (9 / 11) ** 2 / 10)
        self.assertAlmostEqual(result.df, df, places=10)
        self.assertAlmostEqual(result.df, 17.4227, places=4)
        self.assertAlmostEqual(result.statistic, 2 / se, places=10)
        # Equal variances and sizes 6 and 6: df = 10 exactly, and the
        # interval's half width is 2.228 (a t table) times the standard error.
        equal = campaign_stats.welch_interval(5.0, 2.0, 6, 3.0, 2.0, 6)
        self.assertAlmostEqual(equal.df, 10.0, places=10)
        half = (equal.high - equal.low) / 2
        self.assertAlmostEqual(half / math.sqrt(4 / 6), 2.228, places=3)

    def test_welch_edges(self):
        self.assertIsNone(campaign_stats.welch_interval(1.0, 0.0, 1, 0.0, 0.0, 5))
        flat = campaign_stats.welch_interval(3.0, 0.0, 4, 1.0, 0.0, 4)
        self.assertEqual((flat.estimate, flat.low, flat.high), (2.0, 2.0, 2.0))
        with self.assertRaises(ValueError):
            campaign_stats.welch_interval(1.0, -1.0, 4, 1.0, 0.0, 4)
