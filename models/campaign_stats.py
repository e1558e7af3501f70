# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Effect of a campaign against its control group (issue #25).

Plain Python and scipy; nothing here imports Odoo. Both functions take the
summary figures of the two groups (what one SQL aggregate gives), never the
rows, so a campaign of a million members costs the same as one of ten.

* :func:`two_proportion_interval`: the difference of two shares (the target's
  conversion minus the control's) with its Wald confidence interval (the
  "simple asymptotic" method 1 of R. G. Newcombe (1998), "Interval estimation
  for the difference between independent proportions: comparison of eleven
  methods", Statistics in Medicine 17, 873-890) and the two-sided p-value of
  the pooled two-proportion z-test.
* :func:`welch_interval`: the difference of two means (revenue per member)
  with Welch's t interval, the Welch-Satterthwaite degrees of freedom and the
  two-sided p-value of Welch's t-test (B. L. Welch (1947), "The
  generalization of 'Student's' problem when several different population
  variances are involved", Biometrika 34, 28-35).

Each returns an :class:`Interval`, or None when a group is too small to say
anything (no member; fewer than two for a variance).
"""

import math
from collections import namedtuple

from scipy import stats

__all__ = ["Interval", "two_proportion_interval", "welch_interval"]

Interval = namedtuple("Interval", "estimate low high statistic df p_value")
Interval.__doc__ = """``estimate`` (first group minus second), the ``low`` and
``high`` ends of its confidence interval, the test ``statistic`` (z or t),
its degrees of freedom ``df`` (None for z) and the two-sided ``p_value``
(None when the statistic is undefined: no spread in either group)."""


def _check_confidence(confidence):
    if not (isinstance(confidence, float | int) and 0 < confidence < 1):
        raise ValueError("confidence must be between 0 and 1")


def two_proportion_interval(x1, n1, x2, n2, confidence=0.95):
    """``x1`` successes of ``n1`` against ``x2`` of ``n2``: the difference
    of the shares ``x1/n1 - x2/n2`` with its Wald interval (unpooled standard
    error) and the p-value of the pooled z-test of equal shares."""
    _check_confidence(confidence)
    for x, n in ((x1, n1), (x2, n2)):
        if n < 0 or x < 0 or x > n:
            raise ValueError("successes must lie between 0 and the group size")
    if not n1 or not n2:
        return None
    p1, p2 = x1 / n1, x2 / n2
    diff = p1 - p2
    z_crit = float(stats.norm.ppf(0.5 + confidence / 2))
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se0 == 0:
        statistic = p_value = None
    else:
        statistic = diff / se0
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    return Interval(
        diff, diff - z_crit * se, diff + z_crit * se, statistic, None, p_value
    )


def welch_interval(mean1, var1, n1, mean2, var2, n2, confidence=0.95):
    """Two groups by their mean, sample variance (``n - 1`` in the
    denominator) and size: the difference of the means with Welch's t
    interval and the p-value of Welch's t-test."""
    _check_confidence(confidence)
    if n1 < 2 or n2 < 2:
        return None
    if var1 < 0 or var2 < 0:
        raise ValueError("a variance cannot be negative")
    diff = mean1 - mean2
    a, b = var1 / n1, var2 / n2
    se = math.sqrt(a + b)
    if se == 0:
        return Interval(diff, diff, diff, None, None, None)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    t_crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    statistic = diff / se
    p_value = float(2 * stats.t.sf(abs(statistic), df))
    return Interval(
        diff, diff - t_crit * se, diff + t_crit * se, statistic, df, p_value
    )
