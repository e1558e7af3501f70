#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the lifetime-value model fits (issue #14, models/clv_model.py).

On 100,000 customers simulated from the published CDNOW estimates (BG/NBD:
r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, ages of 1 to 78 weeks; spend
per repeat purchase from the Gamma-Gamma model with p = 6.25, q = 3.74,
gamma = 15.44), it times the maximum-likelihood fits ``bgnbd_fit_result`` and
``gamma_gamma_fit_result``, median of 3, against a baseline measured on the
same arrays in the same run: one evaluation of each model's log-likelihood
(the least any fit must do). The ratio says how many likelihood evaluations a
fit costs; the target of issue #14 is the absolute one, under 5 s for the fit.

    python3 bench/bench_clv_fit.py [-c CONFIG -d DB]   (no database is used)

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import importlib.util
import os
import statistics
import time

import numpy as np

BGNBD = (0.243, 4.414, 0.793, 2.426)
GAMMA_GAMMA = (6.25, 3.74, 15.44)


def load_model():
    path = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "models", "clv_model.py"
    )
    spec = importlib.util.spec_from_file_location("clv_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def simulate_spend(x, rng):
    """Average value of each customer's repeat purchases (Gamma-Gamma)."""
    p, q, gamma = GAMMA_GAMMA
    repeat = x[x >= 1]
    nu = rng.gamma(q, 1.0 / gamma, len(repeat))
    m = rng.gamma(p * repeat, 1.0 / nu) / repeat
    return repeat, m


def median_time(function, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", help="ignored: no database is used")
    parser.add_argument("-d", "--database", help="ignored: no database is used")
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    model = load_model()
    rng = np.random.default_rng(14)
    x, t_x, T = model.bgnbd_simulate(BGNBD, args.customers, rng, 78.0)
    repeat, m = simulate_spend(x, rng)

    fit_time, fit = median_time(lambda: model.bgnbd_fit_result(x, t_x, T))
    base_time, _ = median_time(
        lambda: model.bgnbd_log_likelihood(BGNBD, x, t_x, T).sum()
    )
    gg_time, gg = median_time(lambda: model.gamma_gamma_fit_result(repeat, m))
    gg_base, _ = median_time(
        lambda: model.gamma_gamma_log_likelihood(GAMMA_GAMMA, repeat, m).sum()
    )

    print(f"customers: {len(x):,} ({len(repeat):,} repeat customers)")
    r, alpha, a, b = fit.params
    print(
        f"BG/NBD fit: {fit_time:.3f} s (converged: {fit.converged}, r={r:.3f} "
        f"alpha={alpha:.3f} a={a:.3f} b={b:.3f}); one likelihood evaluation "
        f"{base_time:.4f} s; ratio {fit_time / base_time:.0f}x"
    )
    p, q, gamma = gg.params
    print(
        f"Gamma-Gamma fit: {gg_time:.3f} s (converged: {gg.converged}, p={p:.2f} "
        f"q={q:.2f} gamma={gamma:.2f}); one likelihood evaluation {gg_base:.4f} s; "
        f"ratio {gg_time / gg_base:.0f}x"
    )
    print(f"both fits: {fit_time + gg_time:.3f} s (issue #14 target: under 5 s)")


if __name__ == "__main__":
    main()
