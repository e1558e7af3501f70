#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the predictions users can trust (issue #28).

Three measurements:

1. **The Pareto/NBD fit** (``clv_model.pareto_nbd_fit_result``) on 100,000
   customers simulated from Fader & Hardie's CDNOW estimates (r = 0.5533,
   alpha = 10.5776, s = 0.6061, beta = 11.6650, ages of 1 to 78 weeks), with
   their times in whole days as the value job has them (invoice dates) and in
   continuous time; cold (the first fit of a company) and started from the
   previous fit (the nightly refit); median of 3, against a baseline of the
   same run: one evaluation of the log-likelihood. Target: under 10 s.

2. **The holdout check's share of the value job's staging**, on the data set
   of ``bench_value_recompute.py`` (100,000 partners, 1,000,000 invoice
   lines; built by it when the database has none): the time of
   ``idic.clv.fit._idic_holdout_check`` (the second pass over the moves, the
   models fitted again on the calibration period, their predictions and the
   baseline's) against the rest of the staging (``_idic_stage_values`` with
   the engagement stage, which fits BG/NBD, Pareto/NBD and Gamma-Gamma).
   Target: at most +50 %.

3. **The value job with both models** (``_idic_recompute_values``, rolled
   back) against the least-work SQL of ``bench_value_recompute.py`` (one
   GROUP BY over the invoice lines + one UPDATE of five jsonb figures), with
   the product of the data set's lines given a cost (so that the margin comes
   from costs, a pass over the lines), and again without costs. The first run
   starts cold (no fit of the company); the re-run in the same transaction
   (the nightly case: the company's fit kept, predictions as of its day) is
   printed beside it. Target: at most 3x.

    python3 bench/bench_clv_check.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from unittest.mock import patch

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_value_recompute import (
    add_data_set_arguments,
    baseline_update_sql,
    clear_figures,
    describe,
    fmt,
    open_data_set,
    run_sql,
    transaction,
    vacuum,
)

PARETO_NBD = (0.5533, 10.5776, 0.6061, 11.6650)
TARGET_FIT_SECONDS = 10.0
TARGET_HOLDOUT_SHARE = 0.5
TARGET_RATIO = 3.0


def load_model():
    path = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "models", "clv_model.py"
    )
    spec = importlib.util.spec_from_file_location("clv_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_time(function, runs=3):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# ----------------------------------------------------------------------------
# 1. The Pareto/NBD fit
# ----------------------------------------------------------------------------
def bench_fit(args):
    model = load_model()
    rng = np.random.default_rng(28)
    x, t_x, T = model.pareto_nbd_simulate(PARETO_NBD, args.customers, rng, 78.0)
    # In whole days, as the value job counts them from invoice dates.
    days_T = np.round(T * 7) / 7
    days_t_x = np.minimum(np.round(t_x * 7) / 7, days_T)
    print(
        f"Pareto/NBD fit: {fmt(len(x))} simulated customers "
        f"({fmt(int(np.sum(x > 0)))} repeat, {fmt(int(x.sum()))} repeat purchases, "
        f"at most {int(x.max())}); load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    results = {}
    for label, data in (("days", (x, days_t_x, days_T)), ("continuous", (x, t_x, T))):
        base, _ = median_time(
            lambda data=data: model.pareto_nbd_log_likelihood(PARETO_NBD, *data).sum()
        )
        cold, fit = median_time(lambda data=data: model.pareto_nbd_fit_result(*data))
        warm, refit = median_time(
            lambda data=data, fit=fit: model.pareto_nbd_fit_result(
                *data, start=fit.params
            )
        )
        bg, _ = median_time(lambda data=data: model.bgnbd_fit_result(*data))
        results[label] = cold
        print(
            f"    times in {label}: cold {cold:.2f} s ({fit.n_evaluations} evaluations, "
            f"converged {fit.converged}: "
            + ", ".join(f"{v:.4f}" for v in fit.params)
            + f"); from the last fit {warm:.2f} s ({refit.n_evaluations} evaluations); "
            f"one likelihood evaluation {base:.3f} s (cold fit {cold / base:.0f}x); "
            f"BG/NBD on the same data {bg:.2f} s"
        )
    print(
        f"pareto/nbd fit of {fmt(len(x))} customers: {results['days']:.2f} s in days, "
        f"{results['continuous']:.2f} s in continuous time "
        f"(target < {TARGET_FIT_SECONDS:g} s)"
    )


# ----------------------------------------------------------------------------
# 2 and 3. The value job
# ----------------------------------------------------------------------------
PARTS = {
    "res.partner": ("_idic_stage_values", "_idic_stage_engagement"),
    "idic.clv.fit": ("_idic_fit_company", "_idic_holdout_check", "_idic_predict"),
}


@contextmanager
def parts_timer(env, spent):
    with ExitStack() as stack:
        for model, names in PARTS.items():
            cls = type(env[model])
            for name in names:
                original = getattr(cls, name)

                def wrapper(self, *a, _original=original, _name=name, **kw):
                    start = time.perf_counter()
                    try:
                        return _original(self, *a, **kw)
                    finally:
                        spent[_name] = (
                            spent.get(_name, 0.0) + time.perf_counter() - start
                        )

                stack.enter_context(patch.object(cls, name, wrapper))
        yield


def give_costs(env, company):
    """A cost for the products of the data set's lines (a third of their
    mean unit price), in the measured transaction."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(
        SQL(
            """SELECT l.product_id, AVG(l.price_unit) FROM account_move_line l
                WHERE l.company_id = %s AND l.display_type = 'product'
                  AND l.product_id IS NOT NULL GROUP BY 1""",
            company.id,
        )
    )
    rows = env.cr.fetchall()
    for product_id, price in rows:
        env["product.product"].browse(product_id).with_company(
            company
        ).standard_price = float(price) / 3
    env.flush_all()
    return len(rows)


def bench_job(registry, args, info):
    company_id, start, must_clear, _work_mem = transaction(
        registry, lambda env: describe(env, info)
    )
    runs = {"costs": [], "no costs": []}
    reruns = {"costs": [], "no costs": []}
    parts = {"costs": [], "no costs": []}
    baselines = []
    facts = {}

    def measure(func):
        def body(env):
            company = env["res.company"].browse(company_id)
            if must_clear:
                clear_figures(env, company)
            # No fit to keep: the first run fits the models (the job keeps a
            # company's fit for days, its refit interval).
            env.cr.execute(
                "UPDATE res_company SET idic_clv_fit_id = NULL WHERE id = %s",
                [company.id],
            )
            env.invalidate_all()
            return func(env, company)

        try:
            return transaction(registry, body)
        finally:
            vacuum(registry, ("res_partner", "idic_tier_history", "idic_clv_fit"))

    def engine(variant):
        def body(env, company):
            if variant == "costs":
                facts["products"] = give_costs(env, company)
            Partner = env["res.partner"]
            spent = {}
            with parts_timer(env, spent):
                started = time.perf_counter()
                updated = Partner._idic_recompute_values(
                    companies=company, batch_size=args.batch_size, commit=False
                )
                runs[variant].append(time.perf_counter() - started)
                parts[variant].append(dict(spent))
                spent.clear()
                started = time.perf_counter()
                Partner._idic_recompute_values(
                    companies=company, batch_size=args.batch_size, commit=False
                )
                reruns[variant].append(time.perf_counter() - started)
            fit = company.idic_clv_fit_id
            facts[variant] = {
                "updated": updated,
                "method": fit.method,
                "reason": fit.reason,
                "customers": fit.customers,
                "repeat": fit.repeat_customers,
                "holdout": fit.holdout_customers,
                "maes": (fit.bgnbd_mae, fit.pareto_nbd_mae, fit.baseline_mae),
                "converged": (
                    fit.bgnbd_converged,
                    fit.pareto_nbd_converged,
                    fit.gg_converged,
                ),
                "gini": fit.gini,
                "rerun_fit": spent.get("_idic_fit_company", 0.0),
            }

        return body

    def baseline(env, company):
        env.cr.execute("SET LOCAL work_mem = '64MB'")
        started = time.perf_counter()
        rows = run_sql(env, baseline_update_sql("lines", company, start))
        baselines.append(time.perf_counter() - started)
        facts["baseline_rows"] = rows

    load = [os.getloadavg()[0]]
    for _rep in range(args.repeat):
        measure(engine("costs"))
        measure(baseline)
        measure(engine("no costs"))
    load.append(os.getloadavg()[0])
    base = statistics.median(baselines)
    for variant in ("costs", "no costs"):
        f = facts[variant]
        part = {
            name: statistics.median(p.get(name, 0.0) for p in parts[variant])
            for name in (
                "_idic_stage_values",
                "_idic_fit_company",
                "_idic_holdout_check",
                "_idic_predict",
            )
        }
        staging = part["_idic_stage_values"]
        holdout = part["_idic_holdout_check"]
        engine_s = statistics.median(runs[variant])
        print(
            f"value job ({variant}): {fmt(f['updated'])} partners updated in "
            + ", ".join(f"{t:.2f}" for t in runs[variant])
            + " s; re-run "
            + ", ".join(f"{t:.2f}" for t in reruns[variant])
            + f" s (its fit from the last one: {f['rerun_fit']:.2f} s)"
        )
        print(
            f"    fit: {f['customers']:,} customers, {f['repeat']:,} repeat, "
            f"{f['holdout']:,} in the holdout check; converged BG/NBD, Pareto/NBD, "
            f"Gamma-Gamma {f['converged']}; holdout errors BG/NBD {f['maes'][0]:.4f}, "
            f"Pareto/NBD {f['maes'][1]:.4f}, baseline {f['maes'][2]:.4f}; figures "
            f"from {f['method']} ({f['reason']}); Gini {f['gini']:.3f}"
        )
        print(
            f"    staging {staging:.2f} s (median), of which fits and check "
            f"{part['_idic_fit_company']:.2f} s, holdout check {holdout:.2f} s, "
            f"predictions {part['_idic_predict']:.2f} s: the holdout check adds "
            f"{100 * holdout / (staging - holdout):.0f} % to the rest of the staging "
            f"(target <= {100 * TARGET_HOLDOUT_SHARE:.0f} %)"
        )
        print(
            f"    ratio to the least-work SQL ({base:.2f} s, median of "
            + ", ".join(f"{t:.2f}" for t in baselines)
            + f"; {fmt(facts['baseline_rows'])} rows): {engine_s / base:.1f}x "
            f"(target <= {TARGET_RATIO:g}x)"
        )
    if "products" in facts:
        print(f"    ({facts['products']} products given a cost in the 'costs' runs)")
    print(f"load average {load[0]:.1f} before, {load[1]:.1f} after")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_set_arguments(parser)
    parser.add_argument("--customers", type=int, default=100_000, help="of the fit")
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("fit", "job"))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.only != "job":
        bench_fit(args)
    if args.only != "fit":
        registry, info = open_data_set(
            args.config, args.database, args.partners, args.moves
        )
        bench_job(registry, args, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
