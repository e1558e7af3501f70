#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the value job's figures are written: the question issue #17 left
open for the job's first run, from cleared figures (its 3x target against the
least-work SQL is met by the nightly runs, not by the first run while every
figure is a company-dependent jsonb column of ``res_partner``; see
``bench_scaling.py --states``).

On the data set of ``bench_value_recompute.py`` (``-d``; the million-partner
set of ``bench_scaling.py`` is the one that matters), from the figures cleared
and committed as ``bench_scaling.py`` starts (``VACUUM`` between the
measurements), each measurement in a transaction of its own, rolled back:

1. **In the partners' columns (the add-on today):** the job's staging
   (``_idic_stage_values``), then its statement of each range of 50,000 ids
   (``_idic_apply_values_sql``: the figures, tiers, pricelists and tier
   history of commercial partners and their contacts).
2. **In a table of their own:** the same staging, then, range by range, one
   row per staged commercial partner and company in a table keyed by
   (partner, company) with its foreign keys (partner, company, tier;
   fillfactor 70), the same tier history rows, and the pricelists the tiers
   give written to the partners and their contacts, as the job does.
   Contacts get no row: they would read their commercial partner's.
3. **The least-work SQL** of ``bench_scaling.py`` (one ``GROUP BY`` over the
   invoice lines plus one ``UPDATE`` of five jsonb columns).

Printed: the time of each, the rows each wrote, and the ratios to the least
work (issue #17's target: at most 3x).

    python3 bench/bench_figures_table.py -c .run/bench.conf -d partner_idic_bench_1m

This is a measurement, not a test: it exits 0 whatever the figures are. Like
``bench_scaling.py``, it commits the cleared figures into the database.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_scaling import ENGINE_WORK_MEM, TARGET_BASELINE_RATIO, baseline, reset
from bench_value_recompute import (
    add_data_set_arguments,
    fmt,
    open_data_set,
    timed,
    transaction,
    vacuum,
)

STAGE = "bench_figures_stage"
TABLE = "bench_figures"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="The value job's figures written into the partners' "
        "company-dependent columns and into a table of their own, against the "
        "least-work SQL."
    )
    add_data_set_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--without-pricelists",
        action="store_true",
        help="the tiers give no pricelist (in each measured transaction): what "
        "giving them costs",
    )
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.repeat < 1:
        parser.error("--batch-size and --repeat must be >= 1")
    return args


def staged(env, company, pricelists):
    """Stage the company's figures in a temporary table, as the job does
    (``pricelists`` false: its tiers give none). Returns (seconds, today, the
    partner model on it)."""
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    if not pricelists:
        env.cr.execute(
            SQL(
                "UPDATE idic_value_tier SET pricelist_id = NULL WHERE company_id = %s",
                company.id,
            )
        )
    partners = env["res.partner"]._idic_with_staging(STAGE, temp=True)
    today = fields.Date.context_today(partners)
    env.cr.execute(SQL("SET LOCAL work_mem = %s", ENGINE_WORK_MEM))
    seconds, _count = timed(lambda: partners._idic_stage_values(company, today))
    return seconds, today, partners


def id_ranges(env, table, column, batch_size):
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(
        SQL("SELECT MIN(%s), MAX(%s) FROM %s", column, column, SQL.identifier(table))
    )
    low, high = env.cr.fetchone()
    return [(start, start + batch_size) for start in range(low, high + 1, batch_size)]


def in_columns(env, company, batch_size, pricelists):
    """The job's staging and ranges (its own range call,
    ``_idic_job_apply_value``). Returns (staging s, ranges s, rows)."""
    from odoo.tools import SQL  # noqa: PLC0415

    stage_s, today, partners = staged(env, company, pricelists)
    spent = written = 0
    for start, end in id_ranges(env, "res_partner", SQL("id"), batch_size):
        seconds, count = timed(
            lambda start=start, end=end: partners._idic_job_apply_value(
                company, today, 0, start, end
            )
        )
        spent += seconds
        written += count
    return stage_s, spent, written


RANGE_SQL = """
WITH ins AS (
    INSERT INTO %(table)s
    SELECT t.*, %(company)s, NULL::int, %(today)s::date
      FROM %(stage)s t
     WHERE t.partner_id >= %(start)s AND t.partner_id < %(end)s
    RETURNING partner_id, tier_id
),
hist AS (
    INSERT INTO idic_tier_history
           (partner_id, company_id, date, from_tier_id, to_tier_id,
            direction, cause, create_uid, create_date, write_uid, write_date)
    SELECT ins.partner_id, %(company)s, %(now)s, NULL, ins.tier_id, 'up',
           'recompute', %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM ins
     WHERE ins.tier_id IS NOT NULL
    RETURNING 1
),
priced AS (
    UPDATE res_partner p
       SET %(set_pricelist)s
      FROM ins
      JOIN idic_value_tier tier ON tier.id = ins.tier_id
     WHERE tier.pricelist_id IS NOT NULL
       AND p.commercial_partner_id = ins.partner_id
       AND (p.specific_property_product_pricelist -> %(key)s) IS NULL
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM ins), (SELECT COUNT(*) FROM hist),
       (SELECT COUNT(*) FROM priced)
"""


def in_table(env, company, batch_size, pricelists):
    """The same staging, then the figures in a table of their own, with the
    same tier history and pricelists. Returns (staging s, ranges s, rows,
    history rows, partners given a pricelist)."""
    from odoo.tools import SQL  # noqa: PLC0415

    from odoo.addons.partner_idic.models.res_partner_value import (  # noqa: PLC0415
        put_company_value,
    )

    stage_s, today, _partners = staged(env, company, pricelists)
    env.cr.execute(
        SQL(
            """CREATE TABLE %(table)s AS
               SELECT t.*, 0 AS company_id, NULL::int AS previous_tier_id,
                      NULL::date AS tier_date
                 FROM %(stage)s t WITH NO DATA;
               ALTER TABLE %(table)s SET (fillfactor = 70),
                 ALTER partner_id SET NOT NULL,
                 ADD PRIMARY KEY (partner_id, company_id),
                 ADD FOREIGN KEY (partner_id) REFERENCES res_partner ON DELETE CASCADE,
                 ADD FOREIGN KEY (company_id) REFERENCES res_company ON DELETE CASCADE,
                 ADD FOREIGN KEY (tier_id) REFERENCES idic_value_tier ON DELETE SET NULL""",
            table=SQL.identifier(TABLE),
            stage=SQL.identifier(STAGE),
        )
    )
    key = str(company.id)
    spent = rows = history = priced = 0
    for start, end in id_ranges(env, STAGE, SQL("partner_id"), batch_size):
        query = SQL(
            RANGE_SQL,
            table=SQL.identifier(TABLE),
            stage=SQL.identifier(STAGE),
            company=company.id,
            today=today,
            start=start,
            end=end,
            now=SQL("(now() AT TIME ZONE 'UTC')"),
            uid=env.uid,
            key=key,
            set_pricelist=put_company_value(
                "specific_property_product_pricelist",
                key,
                SQL("to_jsonb(tier.pricelist_id)"),
            ),
        )
        seconds, _ = timed(lambda q=query: env.cr.execute(q))
        spent += seconds
        counts = env.cr.fetchone()
        rows, history, priced = (
            rows + counts[0],
            history + counts[1],
            priced + counts[2],
        )
    return stage_s, spent, rows, history, priced


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    company_id = info["company_id"]
    print(
        f"data set: {fmt(info['partners'])} partners, {fmt(info['moves'])} moves; "
        f"clearing the figures (committed), as bench_scaling.py does"
    )
    reset(registry)

    def company_of(env):
        return env["res.company"].browse(company_id)

    runs = []
    for index in range(args.repeat):
        base_s, base_rows, _hot = baseline(registry, company_id)
        col = transaction(
            registry,
            lambda env: in_columns(
                env, company_of(env), args.batch_size, not args.without_pricelists
            ),
        )
        vacuum(registry, ("res_partner", "idic_tier_history"))
        tab = transaction(
            registry,
            lambda env: in_table(
                env, company_of(env), args.batch_size, not args.without_pricelists
            ),
        )
        vacuum(registry, ("res_partner", "idic_tier_history"))
        run = {
            "baseline": base_s,
            "columns": col[0] + col[1],
            "table": tab[0] + tab[1],
            "columns_writes": col[1],
            "table_writes": tab[1],
        }
        runs.append(run)
        print(
            f"run {index + 1}: least-work SQL {base_s:.1f} s ({fmt(base_rows)} rows); "
            f"in the columns: staging {col[0]:.1f} s + ranges {col[1]:.1f} s "
            f"({fmt(col[2])} partners written); in a table: staging {tab[0]:.1f} s "
            f"+ ranges {tab[1]:.1f} s ({fmt(tab[2])} rows, {fmt(tab[3])} tier "
            f"history rows, {fmt(tab[4])} partners given a pricelist)",
            flush=True,
        )

    def median(key):
        return statistics.median(run[key] for run in runs)

    base = median("baseline")
    print(
        f"median of {len(runs)}: least-work SQL {base:.1f} s; figures in the "
        f"partners' columns {median('columns'):.1f} s = "
        f"{median('columns') / base:.1f}x; in a table of their own "
        f"{median('table'):.1f} s = {median('table') / base:.1f}x "
        f"(target: at most {TARGET_BASELINE_RATIO:.0f}x); the writes alone "
        f"{median('columns_writes') / median('table_writes'):.1f}x faster in a table"
    )


if __name__ == "__main__":
    main()
