#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the donor recompute (issue #6).

It measures on the data set of ``bench_value_recompute.py`` (built by it when
the database has none: 100,000 partners, 250,000 posted customer invoices and
credit notes with 1,000,000 product lines over three years), in transactions
that are all rolled back, after marking the product of every line a donation:
so every line is a donation line, every invoice a gift.

It times ``res.partner._idic_recompute_donors`` for the bench company
(``commit=False``) from a state where no donor figure is written, its
idempotent re-run, and a baseline: one SQL ``GROUP BY`` over the donation
lines per commercial partner (count, total, first and last date) plus one
``UPDATE res_partner`` writing those four figures into the same
company-dependent jsonb columns. The engine does more (gifts netted with their
credit notes, fiscal years, statuses, thirteen figures, changed rows only):
the ratio says what that costs.

    python3 bench/bench_donor.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_value_recompute as value_bench

BASELINE_SQL = """
WITH agg AS (
    SELECT m.commercial_partner_id AS partner_id,
           COUNT(DISTINCT m.id) FILTER (WHERE m.move_type = 'out_invoice') AS gifts,
           SUM(-l.balance) AS total,
           MIN(m.invoice_date) AS first_date,
           MAX(m.invoice_date) AS last_date
      FROM account_move_line l
      JOIN account_move m ON m.id = l.move_id
      JOIN product_product pp ON pp.id = l.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE pt.idic_is_donation AND l.display_type = 'product'
       AND m.company_id = %(company)s AND m.state = 'posted'
       AND m.move_type IN ('out_invoice', 'out_refund')
       AND m.commercial_partner_id IS NOT NULL
     GROUP BY m.commercial_partner_id
)
UPDATE res_partner p
   SET idic_donation_count = COALESCE(p.idic_donation_count, '{}'::jsonb)
                             || jsonb_build_object(%(key)s, agg.gifts),
       idic_donation_total = COALESCE(p.idic_donation_total, '{}'::jsonb)
                             || jsonb_build_object(%(key)s, agg.total),
       idic_donation_first_date = COALESCE(p.idic_donation_first_date, '{}'::jsonb)
                                  || jsonb_build_object(%(key)s, agg.first_date),
       idic_donation_last_date = COALESCE(p.idic_donation_last_date, '{}'::jsonb)
                                 || jsonb_build_object(%(key)s, agg.last_date)
  FROM agg
 WHERE p.commercial_partner_id = agg.partner_id
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark res.partner._idic_recompute_donors against one SQL "
        "GROUP BY over the donation lines plus one UPDATE of the partners."
    )
    value_bench.add_data_set_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (median)"
    )
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.repeat < 1:
        parser.error("--batch-size and --repeat must be >= 1")
    return args


def mark_donations(env, company):
    """Make the product of every line of ``company`` a donation (rolled back
    with the measurement) and drop donor figures a committed run may have
    left."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(
        SQL(
            """UPDATE product_template SET idic_is_donation = TRUE
                WHERE id IN (SELECT pp.product_tmpl_id
                               FROM product_product pp
                               JOIN account_move_line l ON l.product_id = pp.id
                              WHERE l.company_id = %s)""",
            company.id,
        )
    )
    key = str(company.id)
    for column in (
        "idic_donation_count",
        "idic_donation_total",
        "idic_donation_first_date",
        "idic_donation_last_date",
    ):
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET %s = NULLIF(%s - %s, '{}'::jsonb) WHERE %s ? %s",
                SQL.identifier(column),
                SQL.identifier(column),
                key,
                SQL.identifier(column),
                key,
            )
        )
    env.invalidate_all()


def run(registry, args, info):
    from odoo.tools import SQL  # noqa: PLC0415

    times = {"engine": [], "rerun": [], "baseline": []}
    counts = {}

    def measure(func):
        def body(env):
            company = env["res.company"].browse(info["company_id"])
            mark_donations(env, company)
            return func(env, company)

        try:
            return value_bench.transaction(registry, body)
        finally:
            value_bench.vacuum(registry, ("res_partner",))

    def engine(env, company):
        Partner = env["res.partner"]
        for key in ("engine", "rerun"):
            seconds, counts[key] = value_bench.timed(
                lambda: Partner._idic_recompute_donors(
                    companies=company, batch_size=args.batch_size, commit=False
                )
            )
            times[key].append(seconds)

    def baseline(env, company):
        statement = SQL(BASELINE_SQL, company=company.id, key=str(company.id))
        seconds, counts["baseline"] = value_bench.timed(
            lambda: value_bench.run_sql(env, statement)
        )
        times["baseline"].append(seconds)

    load = os.getloadavg()[0]
    for _rep in range(args.repeat):
        measure(engine)
        measure(baseline)
    median = {key: statistics.median(values) for key, values in times.items()}
    print(
        f"donor recompute on {value_bench.fmt(info['partners'])} partners and "
        f"{value_bench.fmt(info['product_lines'])} donation lines "
        f"(median of {args.repeat}, load {load:.1f}):"
    )
    print(
        f"    engine         {median['engine']:7.2f} s  "
        f"({value_bench.fmt(counts['engine'])} partners written)"
    )
    print(
        f"    engine re-run  {median['rerun']:7.2f} s  "
        f"({value_bench.fmt(counts['rerun'])} partners written)"
    )
    print(
        f"    baseline       {median['baseline']:7.2f} s  "
        f"({value_bench.fmt(counts['baseline'])} partners written, 4 figures)"
    )
    print(f"    ratio engine / baseline: {median['engine'] / median['baseline']:.2f}x")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = value_bench.open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    run(registry, args, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
