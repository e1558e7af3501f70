#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the donor recompute with soft credits and the BG/BB fit
(issue #26).

On the data set of ``bench_value_recompute.py`` (built by it when the
database has none: 100,000 partners, 1,000,000 product lines over three
years), in transactions that are all rolled back, after marking the product
of every line a donation (``bench_donor.py``'s set-up) and soft-crediting one
gift in ten to another partner (``--soft-pct``), with the company counting
soft credits in its statuses: every figure of issue #26 is computed (soft
totals, statuses with soft credits, sustainers, the BG/BB fit on the donors'
fiscal years and each donor's prediction).

It times the donor recompute (``commit=False``), its parts (the donor
staging of issue #6, the fundraising stage, the donor-value step, the fit
itself), its idempotent re-run, and the least-work SQL of ``bench_donor.py``
(one GROUP BY over the donation lines and one UPDATE of four figures). Then,
without the database, the BG/BB fit alone on ``--fit-donors`` donors
simulated from the published estimates (Fader, Hardie & Shang 2010; six
annual opportunities), one row per donor.

    python3 bench/bench_donor_fundraising.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from unittest.mock import patch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_donor
import bench_value_recompute as value_bench

TARGET_RATIO = 3.0
TARGET_FIT_SECONDS = 5.0
PUBLISHED = (1.204, 0.750, 0.657, 2.783)
PARTS = (
    "_idic_stage_donors",
    "_idic_stage_fundraising",
    "_idic_stage_donor_value",
    "_idic_fit_bgbb",
)

SOFT_SQL = """
INSERT INTO idic_soft_credit
       (line_id, move_id, company_id, donor_id, date, partner_id, role, amount,
        create_uid, create_date, write_uid, write_date)
SELECT l.id, m.id, m.company_id, m.commercial_partner_id, m.invoice_date,
       (SELECT p.id FROM res_partner p
         WHERE p.id > m.commercial_partner_id AND p.id = p.commercial_partner_id
         ORDER BY p.id LIMIT 1),
       'household', -l.balance, 1, now(), 1, now()
  FROM account_move m
  JOIN LATERAL (SELECT l.id, l.balance FROM account_move_line l
                 WHERE l.move_id = m.id AND l.display_type = 'product'
                 ORDER BY l.id LIMIT 1) l ON TRUE
 WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice'
   AND m.state = 'posted' AND m.id %% 100 < %(pct)s AND -l.balance > 0
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the donor recompute with soft credits and the BG/BB "
        "fit against the least-work SQL of bench_donor.py."
    )
    value_bench.add_data_set_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--soft-pct", type=int, default=10)
    parser.add_argument("--fit-donors", type=int, default=100000)
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.repeat < 1 or not 0 <= args.soft_pct <= 100:
        parser.error("--batch-size, --repeat >= 1; 0 <= --soft-pct <= 100")
    return args


def soft_credits(env, company, pct):
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(SQL(SOFT_SQL, company=company.id, pct=pct))
    count = env.cr.rowcount
    env.cr.execute(SQL("ANALYZE idic_soft_credit"))
    company.idic_donor_count_soft = True
    return count


def fit_alone(donors, repeat):
    """Seconds of the BG/BB fit of ``donors`` simulated donors (median of
    ``repeat``), and its result."""
    import numpy as np  # noqa: PLC0415

    from odoo.addons.partner_idic.models import clv_model  # noqa: PLC0415

    rng = np.random.default_rng(26)
    x, t_x = clv_model.bgbb_simulate(PUBLISHED, 6, donors, rng)
    n = np.full(x.shape, 6.0)
    seconds = []
    result = None
    for _rep in range(repeat):
        start = time.perf_counter()
        result = clv_model.bgbb_fit_result(x, t_x, n)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def run(registry, args, info):
    from odoo.tools import SQL  # noqa: PLC0415

    times = {"engine": [], "rerun": [], "baseline": []}
    parts = {name: [] for name in PARTS}
    counts = {}
    facts = {}

    def measure(func):
        def body(env):
            company = env["res.company"].browse(info["company_id"])
            bench_donor.mark_donations(env, company)
            counts["soft"] = soft_credits(env, company, args.soft_pct)
            return func(env, company)

        try:
            return value_bench.transaction(registry, body)
        finally:
            value_bench.vacuum(registry, ("res_partner",))

    def engine(env, company):
        Partner = env["res.partner"]
        for key in ("engine", "rerun"):
            spent = {}
            cls = type(Partner)
            with ExitStack() as stack:
                for name in PARTS:
                    wrapper = value_bench.timing(getattr(cls, name), name, spent)
                    stack.enter_context(patch.object(cls, name, wrapper))
                seconds, counts[key] = value_bench.timed(
                    lambda: Partner._idic_recompute_donors(
                        companies=company, batch_size=args.batch_size, commit=False
                    )
                )
            times[key].append(seconds)
            if key == "engine":
                for name in PARTS:
                    parts[name].append(spent.get(name, 0.0))
        company.invalidate_recordset()
        facts.update(
            method=company.idic_bgbb_method,
            donors=company.idic_bgbb_fit_donors,
            converged=company.idic_bgbb_fit_converged,
            params=(
                company.idic_bgbb_alpha,
                company.idic_bgbb_beta,
                company.idic_bgbb_gamma,
                company.idic_bgbb_delta,
            ),
        )
        env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM res_partner WHERE idic_donor_ltv_method ? %s",
                str(company.id),
            )
        )
        facts["predicted"] = env.cr.fetchone()[0]

    def baseline(env, company):
        statement = SQL(
            bench_donor.BASELINE_SQL, company=company.id, key=str(company.id)
        )
        seconds, counts["baseline"] = value_bench.timed(
            lambda: value_bench.run_sql(env, statement)
        )
        times["baseline"].append(seconds)

    load = os.getloadavg()[0]
    for _rep in range(args.repeat):
        measure(engine)
        measure(baseline)
    median = {key: statistics.median(values) for key, values in times.items()}
    fmt = value_bench.fmt
    print(
        f"donor recompute with soft credits and BG/BB on {fmt(info['partners'])} "
        f"partners, {fmt(info['product_lines'])} donation lines and "
        f"{fmt(counts['soft'])} soft credits (median of {args.repeat}, load {load:.1f}):"
    )
    print(
        f"    engine         {median['engine']:7.2f} s  "
        f"({fmt(counts['engine'])} partners written)"
    )
    # The parts nest: the donor staging holds the fundraising stage, which
    # holds the donor-value step, which holds the fit.
    for name in PARTS:
        print(f"      {name:26s} {statistics.median(parts[name]):7.2f} s")
    print(
        f"    engine re-run  {median['rerun']:7.2f} s  "
        f"({fmt(counts['rerun'])} partners written)"
    )
    print(
        f"    baseline       {median['baseline']:7.2f} s  "
        f"({fmt(counts['baseline'])} partners written, 4 figures)"
    )
    print(
        f"    ratio engine / baseline: {median['engine'] / median['baseline']:.2f}x "
        f"(target {TARGET_RATIO:g}x)"
    )
    print(
        f"    BG/BB of the company: {facts['method']}, {fmt(facts['donors'])} donors "
        f"fitted (converged: {facts['converged']}), params "
        + ", ".join(f"{p:.3f}" for p in facts["params"])
        + f"; {fmt(facts['predicted'])} partners predicted"
    )
    seconds, result = fit_alone(args.fit_donors, args.repeat)
    print(
        f"    BG/BB fit alone on {fmt(args.fit_donors)} simulated donors (n = 6): "
        f"{seconds:.3f} s (target {TARGET_FIT_SECONDS:g} s), converged "
        f"{result.converged}, params "
        + ", ".join(f"{p:.3f}" for p in result.params)
        + f" against the published {PUBLISHED}"
    )


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = value_bench.open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    run(registry, args, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
