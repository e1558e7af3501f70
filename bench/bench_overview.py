#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the Overview's data call (issue #16).

It measures on the data set of ``bench_value_recompute.py`` (built by it when
the database has none: 100,000 partners, 250,000 posted customer invoices and
credit notes with 1,000,000 product lines over three years), in one
transaction that is rolled back: the value recompute of the bench company
runs first (``commit=False``), so that every customer has its scores, its RFM
segment, its tier and its tier history, and every partner a loyalty card of
the company's programme with a line of points per invoice (about 250,000
lines); then it times ``idic.overview.get_overview`` (every figure and every
picture: the segment map, the funnel, the tier moves, the 12-month trends) as
a relationship user of the bench company, and a baseline: the least work the
segment map alone must do, one SQL ``GROUP BY`` of the company's partners by
recency score, frequency score and segment with the sum of the window amount,
read from the same company-dependent jsonb columns.

    python3 bench/bench_overview.py -c .run/bench.conf -d partner_idic_bench

Target: the data call under 2 s on 100,000 partners. This is a measurement,
not a test: it exits 0 whatever the figures are.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_value_recompute as value_bench

TARGET_SECONDS = 2.0

BASELINE_SQL = """
SELECT (p.idic_r_score->>%(key)s)::int, (p.idic_f_score->>%(key)s)::int,
       p.idic_rfm_segment->>%(key)s, COUNT(*),
       SUM((p.idic_monetary->>%(key)s)::float)
  FROM res_partner p
 WHERE p.parent_id IS NULL AND p.active
   AND p.idic_rfm_segment->>%(key)s IS NOT NULL
 GROUP BY 1, 2, 3
"""

# One points line per posted invoice of the company, on one card per customer
# of the company's programme: issued on the invoice date, a tenth of the
# amount; a line in five is spent the month after.
POINTS_SQL = """
WITH cards AS (
    INSERT INTO loyalty_card (program_id, partner_id, company_id, code, points,
                              active, create_uid, create_date, write_uid,
                              write_date)
    SELECT %(program)s, m.commercial_partner_id, %(company)s,
           'bench-' || m.commercial_partner_id, 0, TRUE, 1, now(), 1, now()
      FROM account_move m
     WHERE m.company_id = %(company)s AND m.state = 'posted'
       AND m.move_type = 'out_invoice'
     GROUP BY m.commercial_partner_id
    RETURNING id, partner_id
)
INSERT INTO loyalty_history (card_id, description, issued, used, idic_kind,
                             idic_date, idic_expiry_date, create_uid,
                             create_date, write_uid, write_date)
SELECT c.id, 'bench', ROUND(m.amount_untaxed / 10), 0, 'earn',
       m.invoice_date, m.invoice_date + 365, 1, now(), 1, now()
  FROM account_move m
  JOIN cards c ON c.partner_id = m.commercial_partner_id
 WHERE m.company_id = %(company)s AND m.state = 'posted'
   AND m.move_type = 'out_invoice'
UNION ALL
SELECT c.id, 'bench', 0, ROUND(m.amount_untaxed / 10), 'redeem',
       m.invoice_date + 30, NULL, 1, now(), 1, now()
  FROM account_move m
  JOIN cards c ON c.partner_id = m.commercial_partner_id
 WHERE m.company_id = %(company)s AND m.state = 'posted'
   AND m.move_type = 'out_invoice' AND m.id %% 5 = 0
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark idic.overview.get_overview against one SQL GROUP BY "
        "of the partners by R, F and segment."
    )
    value_bench.add_data_set_arguments(parser)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (median)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    return args


def prepare(env, company):
    """Figures, tiers and points of the bench company, in the running
    transaction (rolled back); returns the relationship user measuring."""
    from odoo.tests import new_test_user  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    value_bench.clear_figures(env, company)
    env["res.partner"]._idic_recompute_values(companies=company, commit=False)
    program = company._idic_loyalty_program()
    env.flush_all()
    env.cr.execute(SQL(POINTS_SQL, program=program.id, company=company.id))
    lines = env.cr.rowcount
    env.cr.execute("ANALYZE loyalty_history")
    env.cr.execute("ANALYZE loyalty_card")
    env.invalidate_all()
    user = new_test_user(
        env,
        login="idic_bench_overview",
        groups="partner_idic.group_idic_user",
        company_id=company.id,
        company_ids=[company.id],
    )
    return user, lines


def run(registry, args, info):
    from odoo.tools import SQL  # noqa: PLC0415

    times = {"overview": [], "baseline": []}
    facts = {}

    def body(env):
        company = env["res.company"].browse(info["company_id"])
        user, facts["points_lines"] = prepare(env, company)
        Overview = env["idic.overview"].with_user(user)
        Overview.get_overview(company_id=company.id)  # warm the caches
        statement = SQL(BASELINE_SQL, key=str(company.id))
        for _rep in range(args.repeat):
            env.invalidate_all()
            start = env.cr.sql_log_count
            seconds, data = value_bench.timed(
                lambda: Overview.get_overview(company_id=company.id)
            )
            times["overview"].append(seconds)
            facts["queries"] = env.cr.sql_log_count - start
            seconds, _rows = value_bench.timed(
                lambda: value_bench.run_sql(env, statement)
            )
            times["baseline"].append(seconds)
        sections = {s["key"]: s for s in data["sections"]}
        facts["charts"] = sum(len(s.get("charts", [])) for s in sections.values())
        facts["mapped"] = next(
            c["total"] for c in sections["value"]["charts"] if c["key"] == "rfm_map"
        )

    load = os.getloadavg()[0]
    value_bench.transaction(registry, body)
    median = {key: statistics.median(values) for key, values in times.items()}
    print(
        f"overview data call on {value_bench.fmt(info['partners'])} partners, "
        f"{value_bench.fmt(info['product_lines'])} invoice lines and "
        f"{value_bench.fmt(facts['points_lines'])} points lines "
        f"(median of {args.repeat}, load {load:.1f}):"
    )
    print(
        f"    get_overview   {median['overview']:7.2f} s  "
        f"({facts['queries']} queries, {facts['charts']} pictures, "
        f"{value_bench.fmt(facts['mapped'])} customers on the map)"
    )
    print(f"    baseline       {median['baseline']:7.2f} s  (map GROUP BY only)")
    print(
        f"    ratio get_overview / baseline: "
        f"{median['overview'] / median['baseline']:.1f}x; "
        f"target under {TARGET_SECONDS:.0f} s: "
        f"{'met' if median['overview'] < TARGET_SECONDS else 'NOT met'}"
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
