# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks of the purchase models against what the customers did, and the
spread of predicted value (issue #28).

Plain numpy, no Odoo, like ``clv_model``: arrays in, plain Python values out
(lists, dicts, floats), ready to be stored as JSON.

The holdout check follows Fader, Hardie & Lee (2005), "Counting Your
Customers the Easy Way", section 4: the models are fitted on the customers'
history up to a cut-off (the calibration period) and predict the repeat
purchases of each customer in the weeks after it (the holdout period); the
predictions are compared with what the customers bought, per number of
repeat purchases in the calibration period ("conditional expectations",
their Figure 4), in total, and as the mean absolute error per customer.  A
model is worth its complexity only when it beats a naive baseline: each
customer goes on buying at its own past rate.
"""

import math

import numpy as np

#: The last group of the conditional expectations: this many repeat
#: purchases or more in the calibration period.
MAX_GROUP = 7


def _vector(name, values):
    array = np.asarray(values, dtype=float).reshape(-1)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain finite numbers only.")
    return array


def naive_expected_purchases(x, T, t):
    """The baseline: each customer makes ``x / T * t`` repeat purchases in
    the next ``t`` time units, its own rate of repeat purchases over its age
    ``T`` (0 for a customer of age 0).  Returns an array."""
    x = _vector("x", x)
    T = _vector("T", T)
    if len(x) != len(T):
        raise ValueError("x and T must have equal lengths.")
    if np.any(x < 0) or np.any(T < 0) or not math.isfinite(t) or t < 0:
        raise ValueError("x, T and t must not be negative.")
    rate = np.divide(x, T, out=np.zeros_like(x), where=T > 0)
    return rate * t


def conditional_expectations(x, actual, predicted, max_group=MAX_GROUP):
    """Per number of repeat purchases in the calibration period (0, 1, ...,
    ``max_group`` or more): the customers, their mean actual repeat
    purchases in the holdout period and the mean of each prediction.

    ``predicted`` maps a name (e.g. ``bgnbd``) to one prediction per
    customer.  Returns a list of dicts ``{"x": k, "label": "k" or "k+",
    "customers": n, "actual": mean, name: mean, ...}``, one per group with
    customers.
    """
    x = _vector("x", x)
    actual = _vector("actual", actual)
    predicted = {name: _vector(name, values) for name, values in predicted.items()}
    if any(len(v) != len(x) for v in [actual, *predicted.values()]):
        raise ValueError("Every array must have one value per customer.")
    group = np.minimum(x, max_group).astype(int)
    rows = []
    for k in range(max_group + 1):
        members = group == k
        count = int(np.count_nonzero(members))
        if not count:
            continue
        row = {
            "x": k,
            "label": f"{k}+" if k == max_group else str(k),
            "customers": count,
            "actual": float(np.mean(actual[members])),
        }
        for name, values in predicted.items():
            row[name] = float(np.mean(values[members]))
        rows.append(row)
    return rows


def holdout_errors(actual, predicted):
    """Total actual and predicted repeat purchases over the customers, and
    the mean absolute error per customer: a dict."""
    actual = _vector("actual", actual)
    predicted = _vector("predicted", predicted)
    if len(actual) != len(predicted) or not len(actual):
        raise ValueError("actual and predicted must have equal, non-zero lengths.")
    return {
        "actual": float(np.sum(actual)),
        "predicted": float(np.sum(predicted)),
        "mae": float(np.mean(np.abs(actual - predicted))),
    }


def lorenz_curve(values, points=10):
    """The Lorenz curve of ``values`` (negative values count as 0): for
    each share of customers 0, 1/points, ..., 1, ranked from the lowest
    value, the share of the total value they hold, interpolated linearly
    within a customer.  Returns a list of (customer share, value share);
    the diagonal when the total is 0."""
    values = np.sort(np.maximum(_vector("values", values), 0.0))
    shares = [k / points for k in range(points + 1)]
    total = float(np.sum(values))
    if not len(values) or total <= 0:
        return [(share, share) for share in shares]
    cumulative = np.concatenate([[0.0], np.cumsum(values)]) / total
    positions = np.arange(len(values) + 1) / len(values)
    return [(share, float(np.interp(share, positions, cumulative))) for share in shares]


def gini(values):
    """The Gini coefficient of ``values`` (negative values count as 0): the
    mean absolute difference between two customers over twice the mean,
    (2 sum_i i v_(i)) / (n sum v) - (n + 1) / n with the values sorted
    ascending.  0: everyone has the same value; near 1: one customer has
    it all.  0 when there is no value."""
    values = np.sort(np.maximum(_vector("values", values), 0.0))
    n = len(values)
    total = float(np.sum(values))
    if not n or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.sum(ranks * values) / (n * total) - (n + 1.0) / n)
