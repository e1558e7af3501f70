#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the recommended products (issue #25).

On the data set of ``bench_value_recompute.py`` (100,000 partners, 250,000
moves, 1,000,000 product lines; built by it when the database has none),
whose lines are given, once and committed (marker
``partner_idic.bench_recommend_products``), one of PRODUCTS products each,
skewed (the product at u**2 of the catalogue: a few best sellers, a long
tail), as a real catalogue sells.

Each measurement runs in a transaction of its own, rolled back:

* the job: ``_idic_execute("recommend", commit=False)``: the item-to-item
  similarities staged once (distinct purchases, co-occurrence, cosine, the
  NEIGHBOURS closest of each product), then each range of partners scored
  and written (the top five per customer, never what it already buys);
* its idempotent re-run (nothing changed, nothing rewritten);
* the baseline: a plain co-occurrence ``GROUP BY`` (customers who bought X
  also bought Y, counted per pair) over the same distinct purchases, into a
  temporary table.

    python3 bench/bench_recommendation.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_value_recompute import (
    add_data_set_arguments,
    fmt,
    open_data_set,
    timed,
    transaction,
    vacuum,
)

TARGET_RATIO = 3.0
TARGET_SECONDS = 60.0
PRODUCTS = 1000
MARKER = "partner_idic.bench_recommend_products"

PRODUCT_LINES_SQL = """
WITH catalogue AS (
    SELECT ROW_NUMBER() OVER (ORDER BY id) AS n, id FROM product_product
     WHERE id = ANY(%(products)s)
)
UPDATE account_move_line l
   SET product_id = c.id
  FROM catalogue c
 WHERE l.display_type = 'product' AND l.company_id = %(company)s
   AND c.n = 1 + floor(%(count)s * power(
           abs(hashtextextended(l.id::text, 77) %% 1000000) / 1000000.0, 2))::int
"""

BASELINE_SQL = """
CREATE TEMP TABLE bench_cooccurrence AS
WITH bought AS MATERIALIZED (%(bought)s)
SELECT a.product_id AS x, b.product_id AS y, COUNT(*) AS c
  FROM bought a
  JOIN bought b ON b.cp = a.cp AND b.product_id <> a.product_id
 GROUP BY a.product_id, b.product_id
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the recommended products job on 1,000,000 invoice "
        "lines against a plain co-occurrence GROUP BY."
    )
    add_data_set_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--batch-size", type=int, default=10000, help="partners per range (the job's)"
    )
    return parser.parse_args(argv)


def ensure_products(registry, info):
    """PRODUCTS products spread over the lines of the bench company (once)."""
    import odoo  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        if env["ir.config_parameter"].get_param(MARKER):
            return
        products = env["product.product"].create(
            [
                {"name": f"Bench Product {n:04d}", "type": "consu"}
                for n in range(PRODUCTS)
            ]
        )
        env.flush_all()
        seconds, _ = timed(
            lambda: cr.execute(
                SQL(
                    PRODUCT_LINES_SQL,
                    products=products.ids,
                    company=info["company_id"],
                    count=PRODUCTS,
                )
            )
        )
        lines = cr.rowcount
        env["ir.config_parameter"].set_param(MARKER, str(PRODUCTS))
        cr.commit()  # pylint: disable=invalid-commit
    vacuum(registry, ("account_move_line",), analyze=True)
    print(
        f"setup: {fmt(lines)} lines spread over {fmt(PRODUCTS)} products in "
        f"{seconds:.1f} s (committed)"
    )


def measure(registry, info, kind, batch_size):
    from odoo.tools import SQL  # noqa: PLC0415

    def body(env):
        company = env["res.company"].browse(info["company_id"])
        Run = env["idic.recompute.run"]

        def job():
            return Run._idic_execute(
                "recommend", company, batch_size=batch_size, commit=False
            )

        if kind == "baseline":
            statement = SQL(
                BASELINE_SQL, bought=env["res.partner"]._idic_purchases_sql(company)
            )
            env.cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
            return timed(lambda: env.cr.execute(statement) or env.cr.rowcount)
        if kind == "rerun":
            job()
        return timed(job)

    result = transaction(registry, body)
    vacuum(registry, ("idic_recommendation",))
    return result


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    ensure_products(registry, info)
    times = {"job": [], "rerun": [], "baseline": []}
    counts = {}
    for _run in range(args.repeat):
        for kind in ("baseline", "job", "rerun"):
            seconds, count = measure(registry, info, kind, args.batch_size)
            times[kind].append(seconds)
            counts[kind] = count
    median = {kind: statistics.median(values) for kind, values in times.items()}
    ratio = median["job"] / median["baseline"]
    print(
        f"recommendations over {fmt(info['product_lines'])} invoice lines, "
        f"{fmt(PRODUCTS)} products"
    )
    print(f"    job      {median['job']:7.2f} s  ({fmt(counts['job'])} customers)")
    print(f"    re-run   {median['rerun']:7.2f} s  ({fmt(counts['rerun'])} customers)")
    print(
        f"    baseline {median['baseline']:7.2f} s  ({fmt(counts['baseline'])} "
        "product pairs, one GROUP BY)"
    )
    met = ratio <= TARGET_RATIO and median["job"] < TARGET_SECONDS
    print(
        f"ratio {ratio:.2f}x (target at most {TARGET_RATIO:.0f}x and under "
        f"{TARGET_SECONDS:.0f} s): {'met' if met else 'MISSED'}; median of {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
