#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the Overview's members trend by status (issue #16).

In one transaction that is rolled back, it inserts (not timed) ``--members``
member companies of the current company with one yearly membership line each
from mid-2024 (start days spread over the year) and a renewal line for three
in four of them; then it times
``idic.overview._members_trend`` (members new, current, in grace, lapsed and
withdrawn at each of the 12 month ends, and the renewal rate) against a
baseline: the statement the trend used before, counting only the members and
those in grace at each month end over the same lines.

    python3 bench/bench_members_trend.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are; it
fails only when the trend and the baseline disagree on the members (new and
current against covered) or on those in grace (then the ratio means nothing).
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_value_recompute as value_bench

MEMBERS_SQL = """
WITH p AS (
    INSERT INTO res_partner (name, company_id, active, is_company, type,
                             autopost_bills,
                             create_uid, write_uid, create_date, write_date)
    SELECT 'Bench Member ' || g, %(company)s, TRUE, TRUE, 'contact', 'ask',
           1, 1, now(), now()
      FROM generate_series(1, %(n)s) g
    RETURNING id
)
INSERT INTO membership_membership_line (partner_id, membership_id, member_price,
                                        date, date_from, date_to, state,
                                        company_id, create_uid, write_uid,
                                        create_date, write_date)
SELECT p.id, %(product)s, 10, y.d, y.d,
       (y.d + INTERVAL '1 year' - INTERVAL '1 day')::date, 'paid', %(company)s,
       1, 1, now(), now()
  FROM p
  CROSS JOIN LATERAL (SELECT DATE '2024-06-01' + (p.id %% 365) AS d0) s
  CROSS JOIN LATERAL (SELECT s.d0 AS d
                      UNION ALL
                      SELECT (s.d0 + INTERVAL '1 year')::date WHERE p.id %% 4 <> 0) y
"""

# The trend's statement before it gave the statuses: members (a line covering
# the month end) and in grace (none covering it, one ended within the grace
# days) per month end.
BASELINE_SQL = """
WITH months AS (
    SELECT m::date AS month,
           (m + INTERVAL '1 month' - INTERVAL '1 day')::date AS day
      FROM generate_series(%(first)s::date, %(last)s::date, INTERVAL '1 month') m
),
lines AS (
    SELECT l.partner_id, l.date_from, l.date_to
      FROM membership_membership_line l
      JOIN res_partner p ON p.id = l.partner_id
     WHERE l.state IN ('invoiced', 'paid', 'free')
       AND l.date_from IS NOT NULL AND l.date_to IS NOT NULL
       AND COALESCE(l.company_id, p.company_id,
                    (SELECT MIN(id) FROM res_company)) = %(company)s
),
status AS (
    SELECT m.month, l.partner_id,
           BOOL_OR(l.date_from <= m.day AND l.date_to >= m.day) AS covered
      FROM months m
      JOIN lines l ON l.date_from <= m.day AND l.date_to + %(grace)s >= m.day
     GROUP BY m.month, l.partner_id
)
SELECT m.month,
       COUNT(s.partner_id) FILTER (WHERE s.covered),
       COUNT(s.partner_id) FILTER (WHERE NOT s.covered)
  FROM months m
  LEFT JOIN status s ON s.month = m.month
 GROUP BY m.month
 ORDER BY m.month
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the members trend by status against the statement "
        "counting members and members in grace only."
    )
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each measurement (median)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.members < 1:
        parser.error("--repeat and --members must be >= 1")
    return args


def run(registry, args):
    from datetime import date  # noqa: PLC0415

    from odoo.tools import SQL  # noqa: PLC0415

    def measure(env):
        company = env.company
        product = env["product.product"].create(
            {
                "name": "Bench Membership",
                "type": "service",
                "membership": True,
                "membership_date_from": date(2024, 1, 1),
                "membership_date_to": date(2026, 12, 31),
            }
        )
        env.flush_all()
        env.cr.execute(
            SQL(MEMBERS_SQL, company=company.id, n=args.members, product=product.id)
        )
        env.cr.execute("ANALYZE membership_membership_line")
        env.cr.execute("SELECT COUNT(*) FROM membership_membership_line")
        lines = env.cr.fetchone()[0]
        today = date(2026, 3, 15)
        Overview = env["idic.overview"]
        months = Overview._months(today)
        baseline = SQL(
            BASELINE_SQL,
            first=months[0],
            last=months[-1],
            company=company.id,
            grace=company.idic_member_grace_days or 0,
        )
        times = {"trend": [], "baseline": []}
        for _rep in range(args.repeat):
            env.invalidate_all()
            seconds, trend = value_bench.timed(lambda: Overview._members_trend(today))
            times["trend"].append(seconds)
            seconds, rows = value_bench.timed(lambda: env.execute_query(baseline))
            times["baseline"].append(seconds)
        new, current, grace, lapsed, withdrawn = (
            trend["datasets"][i]["data"] for i in range(5)
        )
        members = [n + c for n, c in zip(new, current, strict=True)]
        if members != [row[1] for row in rows] or grace != [row[2] for row in rows]:
            raise SystemExit(f"trend {members} {grace} != baseline {rows}")
        return lines, times, (new, current, grace, lapsed, withdrawn)

    load = os.getloadavg()[0]
    lines, times, data = value_bench.transaction(registry, measure)
    median = {key: statistics.median(values) for key, values in times.items()}
    print(
        f"members trend on {value_bench.fmt(args.members)} members and "
        f"{value_bench.fmt(lines)} membership lines "
        f"(median of {args.repeat}, load {load:.1f}):"
    )
    for label, values in zip(
        ["new", "current", "grace", "lapsed", "withdrawn"], data, strict=True
    ):
        print(f"    {label:10} {values}")
    print(f"    trend by status    {median['trend']:7.3f} s")
    print(f"    baseline (2 counts) {median['baseline']:6.3f} s")
    print(f"    ratio trend / baseline: {median['trend'] / median['baseline']:.2f}x")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"],
        setup_logging=True,
    )
    run(Registry(args.database), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
