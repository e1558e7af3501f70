#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the relationship-health snapshot job (issue #15).

It measures on the data set of ``bench_value_recompute.py`` (built by it when
the database has none: 100,000 partners, 250,000 posted customer invoices and
credit notes with 1,000,000 product lines over three years), in transactions
that are all rolled back, after adding (not timed) 300,000 interactions over
the last 120 days (a third inbound, most answered), 20,000 tier moves, and a
value tier and a preferred channel on a third of the partners.

It times ``idic.health.snapshot._measure_company`` for the bench company (the
current month: eleven figures, targets, the month's rows replaced), its
idempotent re-run and the 12-month back-fill, against a baseline: one SQL
query computing the same eleven figures, written independently of the job's
(and checked to give the same values), and twelve of them for the back-fill.

    python3 bench/bench_health.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are; it
fails only when the job and the baseline disagree (then the ratio means
nothing).
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_value_recompute as value_bench

INTERACTIONS_SQL = """
INSERT INTO idic_interaction (partner_id, commercial_partner_id, date, channel,
                              direction, subject, outcome, user_id,
                              response_date, response_hours, company_id,
                              create_uid, write_uid, create_date, write_date)
SELECT p.id, p.id, t.date, 'phone',
       CASE WHEN g %% 3 = 0 THEN 'inbound' ELSE 'outbound' END,
       'Bench interaction',
       CASE WHEN g %% 4 = 0 THEN NULL ELSE 'positive' END,
       (%(users)s)[1 + g %% 3],
       CASE WHEN g %% 3 = 0 AND g %% 10 <> 0
            THEN t.date + make_interval(hours => g %% 97) END,
       CASE WHEN g %% 3 = 0 AND g %% 10 <> 0 THEN g %% 97 ELSE 0 END,
       %(company)s, 1, 1, now(), now()
  FROM generate_series(1, %(n)s) g
  JOIN LATERAL (SELECT (now() AT TIME ZONE 'UTC') - make_interval(
                           mins => ((g::bigint * 7919) %% (120 * 24 * 60))::int
                       ) AS date) t ON TRUE
  JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn
          FROM res_partner WHERE parent_id IS NULL AND id >= %(lo)s) p
    ON p.rn = 1 + (g::bigint * 31) %% %(partners)s
"""

TIERS_SQL = """
UPDATE res_partner
   SET idic_value_tier_id = COALESCE(idic_value_tier_id, '{}'::jsonb)
                            || jsonb_build_object(%(key)s, %(tier)s),
       idic_preferred_channel = 'email'
 WHERE parent_id IS NULL AND id >= %(lo)s AND id %% 3 = 0
"""

TIER_MOVES_SQL = """
INSERT INTO idic_tier_history (partner_id, company_id, date, direction, cause,
                               create_uid, write_uid, create_date, write_date)
SELECT %(lo)s + g, %(company)s,
       (now() AT TIME ZONE 'UTC') - make_interval(hours => g %% (24 * 360)),
       CASE WHEN g %% 3 = 0 THEN 'down' ELSE 'up' END, 'recompute',
       1, 1, now(), now()
  FROM generate_series(1, 20000) g
 WHERE EXISTS (SELECT 1 FROM res_partner WHERE id = %(lo)s + g)
"""

# The figures, one query written without the job's structure: one pass over
# the moves and one over the interactions, grouped per customer.
BASELINE_SQL = """
WITH cust AS (
    SELECT m.commercial_partner_id AS pid,
           bool_or(m.move_type = 'out_invoice'
                   AND m.invoice_date >= %(day_end)s - interval '12 months') AS active,
           bool_or(m.move_type = 'out_invoice'
                   AND m.invoice_date < %(day_end)s - interval '12 months') AS prior,
           SUM(m.amount_untaxed_signed) FILTER (
               WHERE m.invoice_date >= %(day_end)s - interval '12 months') AS revenue
      FROM account_move m
     WHERE m.company_id = %(company)s AND m.state = 'posted'
       AND m.move_type IN ('out_invoice', 'out_refund')
       AND m.invoice_date >= %(day_end)s - interval '24 months'
       AND m.invoice_date < %(day_end)s
     GROUP BY m.commercial_partner_id
),
contact AS (
    SELECT commercial_partner_id AS pid,
           bool_or(direction = 'outbound') AS outbound,
           COUNT(DISTINCT user_id) AS users
      FROM idic_interaction
     WHERE company_id = %(company)s
       AND date >= %(end)s::timestamp - make_interval(days => %(days)s)
       AND date < %(end)s
     GROUP BY commercial_partner_id
)
SELECT
 100.0 * SUM(c.revenue) FILTER (WHERE p.idic_value_tier_id ->> %(key)s IS NOT NULL
                                  AND p.idic_preferred_channel IS NOT NULL)
       / NULLIF(SUM(c.revenue), 0),
 AVG(p.idic_profile_completeness) FILTER (WHERE c.active),
 100.0 * COUNT(*) FILTER (WHERE c.active AND k.outbound)
       / NULLIF(COUNT(*) FILTER (WHERE c.active), 0),
 MIN(r.median), MIN(r.p90), MIN(r.within),
 100.0 * COUNT(*) FILTER (WHERE c.prior AND c.active)
       / NULLIF(COUNT(*) FILTER (WHERE c.prior), 0),
 MIN(t.moves),
 MIN(a.multi),
 MIN(o.outcome)
FROM cust c
JOIN res_partner p ON p.id = c.pid
LEFT JOIN contact k ON k.pid = c.pid
CROSS JOIN (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_hours)
               FILTER (WHERE response_date IS NOT NULL) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY response_hours)
               FILTER (WHERE response_date IS NOT NULL) AS p90,
           100.0 * COUNT(*) FILTER (WHERE response_date IS NOT NULL
                                      AND response_hours <= %(hours)s)
               / NULLIF(COUNT(*), 0) AS within
      FROM idic_interaction
     WHERE company_id = %(company)s AND direction = 'inbound'
       AND date >= %(start)s AND date < %(end)s) r
CROSS JOIN (
    SELECT SUM(CASE direction WHEN 'up' THEN 1 ELSE -1 END) AS moves
      FROM idic_tier_history
     WHERE company_id = %(company)s AND date >= %(start)s AND date < %(end)s) t
CROSS JOIN (
    SELECT 100.0 * COUNT(*) FILTER (WHERE users >= 2) / NULLIF(COUNT(*), 0) AS multi
      FROM contact) a
CROSS JOIN (
    SELECT 100.0 * COUNT(outcome) / NULLIF(COUNT(*), 0) AS outcome
      FROM idic_interaction
     WHERE company_id = %(company)s AND date >= %(start)s AND date < %(end)s) o
"""
FIGURES = [
    "centricity_revenue",
    "understanding_completeness",
    "communication_outbound",
    "response_median",
    "response_p90",
    "response_within_target",
    "improvement_retention",
    "improvement_tier_moves",
    "alignment_multi_user",
    "alignment_outcome",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the relationship-health snapshot job against one "
        "SQL query computing the same figures."
    )
    value_bench.add_data_set_arguments(parser)
    parser.add_argument("--interactions", type=int, default=300000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (median)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.interactions < 1:
        parser.error("--repeat and --interactions must be >= 1")
    return args


def add_activity(env, company, info, interactions):
    """Interactions, tier moves, tiers and channels (rolled back)."""
    from odoo.tools import SQL  # noqa: PLC0415

    lo = info["lo"]
    partners = env["res.partner"].search_count(
        [("parent_id", "=", False), ("id", ">=", lo)]
    )
    users = env["res.users"].search([("share", "=", False)], limit=3)
    users |= env["res.users"].create(
        [
            {"name": f"Bench User {n}", "login": f"bench_health_{n}"}
            for n in range(3 - len(users))
        ]
    )
    users = users.ids
    tier = env["idic.value.tier"].search([("company_id", "=", company.id)], limit=1)
    params = {"company": company.id, "lo": lo, "key": str(company.id)}
    env.cr.execute(
        SQL(
            INTERACTIONS_SQL,
            users=users,
            n=interactions,
            partners=partners,
            **params,
        )
    )
    env.cr.execute(SQL(TIERS_SQL, tier=tier.id or 0, **params))
    env.cr.execute(SQL(TIER_MOVES_SQL, **params))
    env.cr.execute("ANALYZE idic_interaction")
    env.invalidate_all()


def baseline_sql(env, company, start, end, hours):
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(
        BASELINE_SQL,
        company=company.id,
        key=str(company.id),
        start=start,
        end=end,
        day_end=(end - relativedelta(microseconds=1)).date() + relativedelta(days=1),
        hours=hours,
        days=90,
    )


def run(registry, args, info):
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    from odoo import fields  # noqa: PLC0415

    times = {"job": [], "rerun": [], "backfill": [], "baseline": [], "baseline12": []}
    checked = {}

    def measure(env):
        company = env["res.company"].browse(info["company_id"])
        add_activity(env, company, info, args.interactions)
        Snapshot = env["idic.health.snapshot"]
        hours = (
            env["idic.health.target"]
            ._for_company(company)["response_within_target"]
            .hours
        )
        now = fields.Datetime.now()
        first = fields.Datetime.to_datetime(now.date().replace(day=1))
        for key in ("job", "rerun"):
            seconds, rows = value_bench.timed(
                lambda: Snapshot._measure_company(company, months=1, now=now)
            )
            times[key].append(seconds)
        job = {row.figure: row.value for row in rows}
        seconds, baseline = value_bench.timed(
            lambda: env.execute_query(baseline_sql(env, company, first, now, hours))[0]
        )
        times["baseline"].append(seconds)
        checked["rows"] = len(rows)
        for figure, value in zip(FIGURES, baseline, strict=True):
            mine = job.get(figure)
            if (mine is None) != (value is None) or (
                value is not None and abs(float(value) - mine) > 1e-6
            ):
                raise SystemExit(f"{figure}: job {mine} != baseline {value}")
        seconds, _rows = value_bench.timed(
            lambda: Snapshot._measure_company(company, months=12, now=now)
        )
        times["backfill"].append(seconds)

        def twelve():
            for back in range(12):
                start = first - relativedelta(months=back)
                end = min(start + relativedelta(months=1), now)
                env.execute_query(baseline_sql(env, company, start, end, hours))

        seconds, _none = value_bench.timed(twelve)
        times["baseline12"].append(seconds)

    load = os.getloadavg()[0]
    for _rep in range(args.repeat):
        value_bench.transaction(registry, measure)
    median = {key: statistics.median(values) for key, values in times.items()}
    print(
        f"relationship health on {value_bench.fmt(info['partners'])} partners, "
        f"{value_bench.fmt(info['product_lines'])} invoice lines and "
        f"{value_bench.fmt(args.interactions)} interactions "
        f"(median of {args.repeat}, load {load:.1f}):"
    )
    print(f"    job (this month)   {median['job']:7.2f} s  ({checked['rows']} figures)")
    print(f"    job re-run         {median['rerun']:7.2f} s")
    print(f"    baseline query     {median['baseline']:7.2f} s  (same values)")
    print(f"    back-fill 12 months {median['backfill']:6.2f} s")
    print(f"    12 baseline queries {median['baseline12']:6.2f} s")
    print(f"    ratio job / baseline: {median['job'] / median['baseline']:.2f}x")
    print(
        f"    ratio back-fill / 12 baselines: "
        f"{median['backfill'] / median['baseline12']:.2f}x"
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
