# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The holdout check and the spread of predicted value (``models/clv_check.py``,
issue #28), without a database.

The holdout table is checked on the CDNOW cohort of the papers (2,357
customers, weeks 1-39 calibration, 40-78 holdout, rebuilt from
``CDNOW_sample.txt``) against an independent computation from the published
parameters: BG/NBD's eq. 10 with scipy's hyp2f1, Pareto/NBD's eq. 12 in the
note's own form, the groups and means in plain Python.
"""

import itertools
import math

import numpy as np
from scipy import special

from odoo.tests import BaseCase, tagged

from odoo.addons.partner_idic.models import clv_check, clv_model

from .test_clv_pareto_nbd import (
    PUBLISHED_PARETO_NBD,
    cdnow_holdout,
    expected_by_note,
)

PUBLISHED_BGNBD = (0.243, 4.414, 0.793, 2.426)


def bgnbd_expected(params, t, x, t_x, T):
    """Fader, Hardie & Lee (2005), eq. 10, with scipy's 2F1 as printed."""
    r, alpha, a, b = params
    p_alive = 1.0
    if x > 0:
        p_alive = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
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
    return growth * p_alive


@tagged("post_install", "-at_install")
class TestClvCheck(BaseCase):
    def test_cdnow_holdout_table(self):
        """The conditional expectations of CDNOW's 39 holdout weeks by
        repeat purchases in the calibration weeks (0 to 7+), actual and
        predicted by BG/NBD, Pareto/NBD and the baseline, with the totals
        and the errors, against the same computed one customer at a time."""
        try:
            x, t_x, T, actual = cdnow_holdout()
        except LookupError as error:
            self.fail(str(error))
        predictions = {
            "model": clv_model.bgnbd_expected_purchases(PUBLISHED_BGNBD, 39, x, t_x, T),
            "pareto_nbd": clv_model.pareto_nbd_expected_purchases(
                PUBLISHED_PARETO_NBD, 39, x, t_x, T
            ),
            "baseline": clv_check.naive_expected_purchases(x, T, 39),
        }
        table = clv_check.conditional_expectations(x, actual, predictions)
        # One customer at a time, with the papers' formulas.
        groups = {}
        for i in range(len(x)):
            key = min(int(x[i]), 7)
            groups.setdefault(key, []).append(
                (
                    actual[i],
                    bgnbd_expected(PUBLISHED_BGNBD, 39, x[i], t_x[i], T[i]),
                    expected_by_note(PUBLISHED_PARETO_NBD, 39, x[i], t_x[i], T[i]),
                    x[i] / T[i] * 39 if T[i] > 0 else 0.0,
                )
            )
        self.assertEqual([row["x"] for row in table], sorted(groups))
        self.assertEqual(table[-1]["label"], "7+")
        for row in table:
            members = groups[row["x"]]
            self.assertEqual(row["customers"], len(members))
            for column, key in enumerate(("actual", "model", "pareto_nbd", "baseline")):
                expected = sum(member[column] for member in members) / len(members)
                self.assertAlmostEqual(
                    row[key], expected, delta=1e-9, msg=(row["x"], key)
                )
        self.assertEqual(sum(row["customers"] for row in table), 2357)
        # Totals and errors.
        everyone = [member for members in groups.values() for member in members]
        self.assertEqual(sum(m[0] for m in everyone), 1882)  # actual purchase days
        for column, key in ((1, "model"), (2, "pareto_nbd"), (3, "baseline")):
            errors = clv_check.holdout_errors(actual, predictions[key])
            self.assertAlmostEqual(errors["actual"], 1882.0)
            self.assertAlmostEqual(
                errors["predicted"], sum(m[column] for m in everyone), delta=1e-7
            )
            self.assertAlmostEqual(
                errors["mae"],
                sum(abs(m[0] - m[column]) for m in everyone) / len(everyone),
                delta=1e-10,
            )
        # The models track the customers who bought often (7+) far better
        # than the baseline, which assumes nobody ever stops.
        last = table[-1]
        self.assertLess(
            abs(last["model"] - last["actual"]), abs(last["baseline"] - last["actual"])
        )

    def test_naive_baseline(self):
        got = clv_check.naive_expected_purchases([0, 2, 3, 1], [10, 20, 0, 52], 26)
        np.testing.assert_allclose(got, [0.0, 2 / 20 * 26, 0.0, 0.5], rtol=1e-15)
        with self.assertRaises(ValueError):
            clv_check.naive_expected_purchases([1], [2], -1)
        with self.assertRaises(ValueError):
            clv_check.naive_expected_purchases([1, 2], [2], 3)

    def test_lorenz_and_gini(self):
        """Against the definitions: the Gini coefficient as the mean absolute
        difference of all pairs over twice the mean, the Lorenz curve as the
        cumulative share of the sorted values."""
        rng = np.random.default_rng(5)
        values = rng.gamma(0.7, 100.0, 101)
        n = len(values)
        pairs = sum(abs(a - b) for a in values for b in values)
        expected_gini = pairs / (2 * n * n * float(np.mean(values)))
        self.assertAlmostEqual(clv_check.gini(values), expected_gini, delta=1e-12)
        curve = clv_check.lorenz_curve(values)
        self.assertEqual(len(curve), 11)
        self.assertEqual(curve[0], (0.0, 0.0))
        self.assertAlmostEqual(curve[-1][1], 1.0)
        ordered = sorted(values)
        total = sum(ordered)
        # 50 % of 101 customers: the 50 lowest and half of the 51st.
        half = (sum(ordered[:50]) + 0.5 * ordered[50]) / total
        self.assertAlmostEqual(curve[5][1], half, delta=1e-12)
        # Below the diagonal, rising, and the Gini is twice the area between.
        shares = [value for _share, value in curve]
        self.assertTrue(all(b >= a for a, b in itertools.pairwise(shares)))
        self.assertTrue(all(value <= share + 1e-12 for share, value in curve))
        # Everyone equal: no inequality; one customer has it all: n-1 / n.
        self.assertEqual(clv_check.gini([5.0] * 10), 0.0)
        self.assertAlmostEqual(clv_check.gini([0.0] * 9 + [7.0]), 0.9)
        self.assertEqual(clv_check.lorenz_curve([0, 0])[3], (0.3, 0.3))
        # Negative values (a customer sold below cost) count as nothing.
        self.assertEqual(
            clv_check.gini([-5.0, 1.0, 1.0]), clv_check.gini([0.0, 1.0, 1.0])
        )
        self.assertTrue(math.isclose(clv_check.gini([0.0, 1.0, 1.0]), 1 / 3))

    def test_conditional_expectations_input(self):
        with self.assertRaises(ValueError):
            clv_check.conditional_expectations([0, 1], [1], {"m": [1, 2]})
        with self.assertRaises(ValueError):
            clv_check.conditional_expectations([0, 1], [1, math.inf], {})
        rows = clv_check.conditional_expectations(
            [0, 9, 12], [1, 4, 6], {"m": [0.5, 3, 7]}
        )
        self.assertEqual(
            rows,
            [
                {"x": 0, "label": "0", "customers": 1, "actual": 1.0, "m": 0.5},
                {"x": 7, "label": "7+", "customers": 2, "actual": 5.0, "m": 5.0},
            ],
        )
