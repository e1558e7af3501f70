#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the customer engagement value (issue #14).

Two measurements:

1. **The fit alone**: BG/NBD and Gamma-Gamma fitted on 100,000 customers
   drawn from the models themselves (with the CDNOW parameters of the
   papers), then the prediction of each customer (probability of being active,
   the expected purchases of each month of a 36-month horizon, the expected
   spend).  Plain numpy, no database.  The recovered parameters are printed
   next to the true ones.

2. **The value job with engagement values** (``res.partner._idic_recompute_values``,
   which now also stages CLV, CRV, CIV and CKV) on the data set of
   ``bench_value_recompute.py`` (100,000 partners, 1,000,000 invoice lines;
   built by it when the database has none), with, in the measured transaction
   (rolled back): one commercial partner in five referred by the partner 20
   ids before it (chains many levels deep), 50,000 interactions of the new
   kinds (reviews, testimonials, feedback, ideas, complaints, rated
   conversations) and the engagement settings filled.  Against the same
   baseline as ``bench_value_recompute.py``: one SQL ``GROUP BY`` over the
   invoice lines plus one ``UPDATE res_partner`` of five jsonb figures.

    python3 bench/bench_engagement.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from unittest.mock import patch

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_value_recompute import (
    baseline_update_sql,
    build_data,
    clear_figures,
    describe,
    fmt,
    load_marker,
    run_sql,
    timed,
    transaction,
    vacuum,
)

TARGET_RATIO = 3.0
TARGET_SECONDS = 60.0
TARGET_FIT_SECONDS = 5.0
# Fader, Hardie & Lee (2005): CDNOW, weeks.
CDNOW_BGNBD = (0.243, 4.414, 0.793, 2.426)
CDNOW_GAMMA_GAMMA = (6.25, 3.74, 15.44)
HORIZON_MONTHS = 36
UNITS_PER_MONTH = 365.25 / 12 / 7

INTERACTIONS_SQL = """
WITH customers AS (
    SELECT p.id, ROW_NUMBER() OVER (ORDER BY p.id) AS n
      FROM res_partner p
     WHERE p.id BETWEEN %(lo)s AND %(hi)s AND p.parent_id IS NULL
),
g AS (
    SELECT i, (SELECT COUNT(*) FROM customers) AS total FROM generate_series(1, %(n)s) i
)
INSERT INTO idic_interaction (partner_id, commercial_partner_id, company_id, date,
                              channel, direction, subject, kind, sentiment, reach,
                              knowledge_status, satisfaction,
                              create_uid, create_date, write_uid, write_date)
SELECT c.id, c.id, %(company)s, now() - (g.i %% 700) * INTERVAL '1 day',
       'other', 'inbound', 'Bench interaction ' || g.i,
       (ARRAY['review', 'testimonial', 'feedback', 'idea', 'complaint',
              'conversation'])[1 + g.i %% 6],
       (ARRAY['positive', 'positive', 'neutral', 'negative'])[1 + g.i %% 4],
       (g.i * 37) %% 1000,
       (ARRAY['submitted', 'accepted', 'implemented'])[1 + g.i %% 3],
       CASE WHEN g.i %% 6 = 5 THEN ((g.i %% 5) + 1)::text END,
       1, now(), 1, now()
  FROM g
  JOIN customers c ON c.n = 1 + (g.i * 7919) %% g.total
"""

REFERRALS_SQL = """
UPDATE res_partner p
   SET idic_referred_by_id = r.id
  FROM res_partner r
 WHERE r.id = p.id - 20 AND p.id BETWEEN %(lo)s AND %(hi)s
   AND p.id %% 5 = 0 AND p.parent_id IS NULL AND r.parent_id IS NULL
"""

SETTINGS = {
    "idic_acquisition_cost": 150.0,
    "idic_point_value": 0.01,
    "idic_advocacy_value": 40.0,
    "idic_advocacy_reach_value": 0.05,
    "idic_ckv_submitted_value": 10.0,
    "idic_ckv_accepted_value": 50.0,
    "idic_ckv_implemented_value": 200.0,
    "idic_ckv_survey_value": 5.0,
}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the engagement value: the model fit alone, and the "
        "value job with engagement values against one GROUP BY + UPDATE."
    )
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument("--partners", type=int, default=100000)
    parser.add_argument("--moves", type=int, default=250000)
    parser.add_argument("--customers", type=int, default=100000, help="of the fit")
    parser.add_argument("--interactions", type=int, default=50000)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("fit", "job"))
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------
# 1. The fit alone
# ----------------------------------------------------------------------------
def simulate(n, seed=14):
    """(x, t_x, T, m) of ``n`` customers drawn from BG/NBD and Gamma-Gamma
    with the CDNOW parameters, observed 27 to 39 weeks after their first
    purchase, as in the papers."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = CDNOW_BGNBD
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout = rng.beta(a, b, n)
    T = rng.uniform(27, 39, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        index = np.flatnonzero(active)
        now[index] += rng.exponential(1.0 / rate[index])
        bought = now[index] <= T[index]
        buyers = index[bought]
        x[buyers] += 1
        t_x[buyers] = now[buyers]
        active[index[~bought]] = False
        active[buyers[rng.random(len(buyers)) < dropout[buyers]]] = False
    p, q, gamma = CDNOW_GAMMA_GAMMA
    nu = rng.gamma(q, 1.0 / gamma, n)
    m = np.where(
        x > 0, rng.gamma(np.maximum(p * x, 1e-9), 1.0 / (nu * np.maximum(x, 1))), 0.0
    )
    return x, t_x, T, m


def bench_fit(args):
    from odoo.addons.partner_idic.models import clv_model  # noqa: PLC0415

    x, t_x, T, m = simulate(args.customers)
    cpu = time.process_time()
    repeat = x > 0
    fit_s, bg = timed(lambda: clv_model.bgnbd_fit_result(x, t_x, T))
    gg_s, gg = timed(lambda: clv_model.gamma_gamma_fit_result(x[repeat], m[repeat]))

    def predict():
        p_alive = clv_model.bgnbd_p_alive(bg.params, x, t_x, T)
        previous = np.zeros(len(x))
        discounted = np.zeros(len(x))
        for month in range(1, HORIZON_MONTHS + 1):
            upto = clv_model.bgnbd_expected_purchases(
                bg.params, month * UNITS_PER_MONTH, x, t_x, T
            )
            discounted += (upto - previous) * 1.1 ** (-month / 12)
            previous = upto
        spend = clv_model.gamma_gamma_expected_spend(gg.params, x, m)
        return p_alive, discounted * spend

    predict_s, _ = timed(predict)
    cpu = time.process_time() - cpu
    print(
        f"fit: {fmt(len(x))} simulated customers ({fmt(int(repeat.sum()))} repeat, "
        f"{fmt(int(x.sum()))} repeat purchases)"
    )
    print(
        f"    BG/NBD {fit_s:.2f} s, converged {bg.converged}: "
        + ", ".join(f"{v:.3f}" for v in bg.params)
        + " (true "
        + ", ".join(f"{v:g}" for v in CDNOW_BGNBD)
        + ")"
    )
    print(
        f"    Gamma-Gamma {gg_s:.2f} s, converged {gg.converged}: "
        + ", ".join(f"{v:.3f}" for v in gg.params)
        + " (true "
        + ", ".join(f"{v:g}" for v in CDNOW_GAMMA_GAMMA)
        + ")"
    )
    print(
        f"    prediction ({HORIZON_MONTHS} months, discounted monthly) {predict_s:.2f} s"
    )
    print(
        f"engagement fit: {fmt(len(x))} customers fitted in {fit_s + gg_s:.2f} s "
        f"(target < {TARGET_FIT_SECONDS:g} s); with the prediction "
        f"{fit_s + gg_s + predict_s:.2f} s (CPU time of this process {cpu:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )


# ----------------------------------------------------------------------------
# 2. The value job with engagement values
# ----------------------------------------------------------------------------
PARTS = (
    "_idic_stage_values",
    "_idic_stage_engagement",
    "_idic_fit_clv_models",
    "_idic_predict_clv",
    "_idic_stage_indirect_value",
    "_idic_stage_margin",
    "_idic_purchase_rows",
    "_idic_stage_predicted_clv",
    "_idic_stage_engagement_totals",
)


@contextmanager
def parts_timer(env, spent):
    cls = type(env["res.partner"])
    with ExitStack() as stack:
        for name in PARTS:
            original = getattr(cls, name)

            def wrapper(self, *a, _original=original, _name=name, **kw):
                start = time.perf_counter()
                try:
                    return _original(self, *a, **kw)
                finally:
                    spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - start

            stack.enter_context(patch.object(cls, name, wrapper))
        yield


def prepare(env, company, info, args):
    """Referrals, interactions and settings of the measured transaction."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(SQL(REFERRALS_SQL, lo=info["lo"], hi=info["hi"]))
    referred = env.cr.rowcount
    env.cr.execute(
        SQL(
            INTERACTIONS_SQL,
            lo=info["lo"],
            hi=info["hi"],
            n=args.interactions,
            company=company.id,
        )
    )
    interactions = env.cr.rowcount
    env.cr.execute("ANALYZE idic_interaction")
    company.write(SETTINGS)
    env.flush_all()
    return referred, interactions


def facts_of(env, company):
    from odoo.tools import SQL  # noqa: PLC0415

    key = str(company.id)
    env.cr.execute(
        SQL(
            """SELECT COUNT(*) FILTER (WHERE idic_engagement_value ? %(k)s),
                      COUNT(*) FILTER (WHERE idic_crv ? %(k)s),
                      COUNT(*) FILTER (WHERE idic_civ ? %(k)s),
                      COUNT(*) FILTER (WHERE (idic_civ ->> %(k)s)::numeric < 0),
                      COUNT(*) FILTER (WHERE idic_ckv ? %(k)s),
                      COUNT(*) FILTER (WHERE (idic_p_alive ->> %(k)s)::float < 0.5)
                 FROM res_partner WHERE id = commercial_partner_id""",
            k=key,
        )
    )
    engaged, crv, civ, negative, ckv, churn = env.cr.fetchone()
    env.cr.execute(
        SQL(
            """SELECT idic_engagement_segment ->> %(k)s, COUNT(*)
                 FROM res_partner WHERE id = commercial_partner_id
                  AND idic_engagement_segment ? %(k)s GROUP BY 1 ORDER BY 1""",
            k=key,
        )
    )
    segments = env.cr.fetchall()
    company.invalidate_recordset()
    return {
        "engaged": engaged,
        "crv": crv,
        "civ": civ,
        "negative": negative,
        "ckv": ckv,
        "churn": churn,
        "segments": segments,
        "method": company.idic_clv_method,
        "converged": company.idic_clv_fit_converged,
        "message": company.idic_clv_fit_message,
        "repeat": company.idic_clv_repeat_customers,
        "params": (
            company.idic_bgnbd_r,
            company.idic_bgnbd_alpha,
            company.idic_bgnbd_a,
            company.idic_bgnbd_b,
            company.idic_gg_p,
            company.idic_gg_q,
            company.idic_gg_gamma,
        ),
    }


def bench_job(registry, args):
    info = transaction(registry, load_marker)
    if info is None:
        info = build_data(registry, args)
    company_id, start, must_clear, _work_mem = transaction(
        registry, lambda env: describe(env, info)
    )
    times = {"engine": [], "rerun": [], "baseline": []}
    parts = {name: [] for name in PARTS}
    counts = {}
    facts = {}

    def measure(func):
        def body(env):
            company = env["res.company"].browse(company_id)
            if must_clear:
                # Figures committed by another bench (bench_scaling.py): the
                # job and the baseline start from the data set as built.
                clear_figures(env, company)
            return func(env, company)

        try:
            return transaction(registry, body)
        finally:
            vacuum(registry, ("res_partner", "idic_tier_history", "idic_interaction"))

    def engine_runs(env, company):
        referred, interactions = prepare(env, company, info, args)
        counts["referred"], counts["interactions"] = referred, interactions
        spent = {}
        with parts_timer(env, spent):
            seconds, counts["engine"] = timed(
                lambda: env["res.partner"]._idic_recompute_values(
                    companies=company, batch_size=args.batch_size, commit=False
                )
            )
        times["engine"].append(seconds)
        for name in PARTS:
            parts[name].append(spent.get(name, 0.0))
        if not facts:
            facts.update(facts_of(env, company))
        seconds, counts["rerun"] = timed(
            lambda: env["res.partner"]._idic_recompute_values(
                companies=company, batch_size=args.batch_size, commit=False
            )
        )
        times["rerun"].append(seconds)

    def baseline(env, company):
        env.cr.execute("SET LOCAL work_mem = '64MB'")
        seconds, counts["baseline"] = timed(
            lambda: run_sql(env, baseline_update_sql("lines", company, start))
        )
        times["baseline"].append(seconds)

    load = [os.getloadavg()[0]]
    for _rep in range(args.repeat):
        measure(engine_runs)
        measure(baseline)
    load.append(os.getloadavg()[0])
    med = {key: statistics.median(values) for key, values in times.items()}
    part = {name: statistics.median(values) for name, values in parts.items()}
    print(
        f"job data: {fmt(counts['referred'])} partners referred (chains of partners "
        f"20 ids apart), {fmt(counts['interactions'])} interactions; load average "
        f"{load[0]:.1f} before, {load[1]:.1f} after, {os.cpu_count()} CPUs"
    )
    print(
        f"    method {facts['method']} (converged {facts['converged']}, "
        f"{fmt(facts['repeat'] or 0)} repeat customers): "
        + ", ".join(f"{v:.4g}" for v in facts["params"])
    )
    print(f"    fit report: {facts['message']}")
    print(
        f"    {fmt(facts['engaged'])} customers with an engagement value; CRV "
        f"{fmt(facts['crv'])}, CIV {fmt(facts['civ'])} ({fmt(facts['negative'])} "
        f"negative), CKV {fmt(facts['ckv'])}; p_alive < 50 %: {fmt(facts['churn'])}; "
        "quadrants: " + ", ".join(f"{s} {fmt(c)}" for s, c in facts["segments"])
    )
    print(
        "engine runs (s): "
        + ", ".join(f"{t:.2f}" for t in times["engine"])
        + f" ({fmt(counts['engine'])} partners updated); re-run "
        + ", ".join(f"{t:.2f}" for t in times["rerun"])
        + f" ({fmt(counts['rerun'])} updated)"
    )
    print(
        "    of which (median): value staging "
        f"{part['_idic_stage_values'] - part['_idic_stage_engagement']:.2f} s, "
        f"engagement staging {part['_idic_stage_engagement']:.2f} s (fit "
        f"{part['_idic_fit_clv_models']:.2f} s, prediction "
        f"{part['_idic_predict_clv']:.2f} s, referral/influence/knowledge SQL "
        f"{part['_idic_stage_indirect_value']:.2f} s)"
    )
    print(
        "baseline runs (s): "
        + ", ".join(f"{t:.2f}" for t in times["baseline"])
        + f" ({fmt(counts['baseline'])} rows: GROUP BY over the invoice lines + "
        "UPDATE of the jsonb columns)"
    )
    ratio = med["engine"] / med["baseline"] if med["baseline"] else float("inf")
    print(
        f"engagement value job: {fmt(info['partners'])} partners, "
        f"{fmt(info['product_lines'])} invoice lines: {fmt(counts['engine'])} updated "
        f"in {med['engine']:.2f} s (target < {TARGET_SECONDS:g} s); idempotent re-run "
        f"{med['rerun']:.2f} s; baseline {med['baseline']:.2f} s; ratio {ratio:.1f}x "
        f"(target <= {TARGET_RATIO:g}x)"
    )
    if not counts["engine"]:
        raise RuntimeError(
            "the engine updated no partner: the measurement means nothing"
        )
    if counts["rerun"]:
        print(f"warning: the re-run updated {fmt(counts['rerun'])} partners again")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"],
        setup_logging=True,
    )
    if args.only != "job":
        bench_fit(args)
    if args.only != "fit":
        bench_job(Registry(args.database), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
