#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the recurring-gift job (issue #26).

On the data set of ``bench_value_recompute.py`` (built by it when the
database has none), in transactions that are all rolled back: ``--gifts``
active monthly recurring gifts of the bench company's partners (a partner
has several when the gifts outnumber them), inserted in SQL, of which
``--due`` have their period due today (the others later in the month: the
job must find the due ones among them all).

It times

* the job (``res.partner._idic_make_recurring_gifts``, ``commit=False``: the
  recompute frame's ranges over the gifts, each making its due periods'
  invoices through the ORM, posted), from a state where no period was made;
* its second run the same day, which must make nothing;
* the least-work SQL that inserts one invoice row (``account_move``, posted,
  with the gift and its period) per due gift and moves the gifts' next dates
  on: the issue's baseline;
* the host's own work for the same invoices: ``account.move.create`` of the
  same values plus ``action_post``, batched, without the job around them.

The job creates real invoices through the accounting module (lines,
receivable line, sequence numbers, posting checks): the SQL baseline skips all
of it, the host baseline is what any correct job must pay.

    python3 bench/bench_recurring.py -c .run/bench.conf -d partner_idic_bench \\
        [--gifts 100000 --due 10000]

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_value_recompute as value_bench

TARGET_RATIO = 3.0

GIFTS_SQL = """
WITH donors AS (
    SELECT p.id, ROW_NUMBER() OVER (ORDER BY p.id) - 1 AS k, COUNT(*) OVER () AS total
      FROM res_partner p
     WHERE p.id = p.commercial_partner_id AND p.active
       AND (p.company_id IS NULL OR p.company_id = %(company)s)
)
INSERT INTO idic_recurring_gift
       (name, partner_id, commercial_partner_id, company_id, currency_id, amount,
        monthly_amount, interval, day, date_start, next_date, product_id, state,
        user_id, create_uid, create_date, write_uid, write_date)
SELECT 'RGB' || g.n, d.id, d.id, %(company)s, %(currency)s, 25, 25, 'monthly',
       %(day)s, %(start)s,
       CASE WHEN g.n <= %(due)s THEN %(today)s ELSE %(later)s END,
       %(product)s, 'active', 1, 1, now(), 1, now()
  FROM generate_series(1, %(gifts)s) AS g(n)
  JOIN donors d ON d.k = (g.n - 1) %% (SELECT MAX(total) FROM donors)
"""

BASELINE_SQL = """
WITH due AS (
    SELECT g.id, g.partner_id, g.company_id, g.currency_id, g.amount, g.next_date
      FROM idic_recurring_gift g
     WHERE g.company_id = %(company)s AND g.state = 'active'
       AND g.next_date <= %(today)s
),
made AS (
    INSERT INTO account_move
           (journal_id, company_id, currency_id, date, invoice_date, state, move_type,
            partner_id, commercial_partner_id, auto_post, amount_total,
            amount_total_signed, amount_residual, amount_residual_signed,
            idic_recurring_gift_id, idic_recurring_period,
            create_uid, create_date, write_uid, write_date)
    SELECT %(journal)s, due.company_id, due.currency_id, due.next_date, due.next_date,
           'posted', 'out_invoice', due.partner_id, due.partner_id, 'no', due.amount,
           due.amount, due.amount, due.amount, due.id, due.next_date,
           1, now(), 1, now()
      FROM due
    RETURNING idic_recurring_gift_id
)
UPDATE idic_recurring_gift g
   SET next_date = (g.next_date + INTERVAL '1 month')::date
  FROM made
 WHERE g.id = made.idic_recurring_gift_id
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the recurring-gift job against the SQL inserting one "
        "invoice row per due gift, and against the host's own invoice creation."
    )
    value_bench.add_data_set_arguments(parser)
    parser.add_argument("--gifts", type=int, default=100000)
    parser.add_argument("--due", type=int, default=None, help="default: --gifts")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the job once under cProfile and print where its time goes "
        "(per invoice), instead of the measurement",
    )
    parser.add_argument(
        "--skip-host",
        action="store_true",
        help="do not measure the host's own invoice creation",
    )
    args = parser.parse_args(argv)
    args.due = args.gifts if args.due is None else args.due
    if args.gifts < 1 or not 0 < args.due <= args.gifts or args.repeat < 1:
        parser.error("--gifts >= 1, 0 < --due <= --gifts, --repeat >= 1")
    return args


def setup(env, company, args, today):
    """The donation product and the recurring gifts (rolled back with the
    measurement). Returns (product, journal, gifts inserted)."""
    from odoo import Command  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    product = env["product.product"].create(
        {
            "name": "Bench Monthly Gift",
            "type": "service",
            "idic_is_donation": True,
            "taxes_id": [Command.clear()],
        }
    )
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    env.cr.execute(
        SQL(
            GIFTS_SQL,
            company=company.id,
            currency=company.currency_id.id,
            due=args.due,
            day=min(today.day, 28),
            start=today.replace(day=1),
            today=today,
            later=today + timedelta(days=14),
            product=product.id,
            gifts=args.gifts,
        )
    )
    gifts = env.cr.rowcount
    env.cr.execute(SQL("ANALYZE idic_recurring_gift"))
    env.invalidate_all()
    return product, journal, gifts


def run(registry, args, info):
    from odoo.tools import SQL  # noqa: PLC0415

    times = {"engine": [], "rerun": [], "baseline": [], "host": []}
    cpu = {key: [] for key in times}
    counts = {}

    def timed(key, func):
        """Wall time (the figure) and this process's CPU time (the ORM's
        share, steadier than wall time on a machine shared with others)."""
        start = time.process_time()
        seconds, result = value_bench.timed(func)
        cpu[key].append(time.process_time() - start)
        times[key].append(seconds)
        return result

    today = date.today()

    def measure(func):
        def body(env):
            company = env["res.company"].browse(info["company_id"])
            _product, journal, gifts = setup(env, company, args, today)
            counts["gifts"] = gifts
            return func(env, company, journal)

        try:
            return value_bench.transaction(registry, body)
        finally:
            value_bench.vacuum(registry, ("idic_recurring_gift", "account_move"))

    def engine(env, company, _journal):
        Partner = env["res.partner"]
        for key in ("engine", "rerun"):
            counts[key] = timed(
                key,
                lambda: Partner._idic_make_recurring_gifts(
                    companies=company, batch_size=args.batch_size, commit=False
                ),
            )

    def baseline(env, company, journal):
        statement = SQL(
            BASELINE_SQL, company=company.id, today=today, journal=journal.id
        )
        counts["baseline"] = timed(
            "baseline", lambda: value_bench.run_sql(env, statement)
        )

    def host(env, company, journal):
        """The same invoices made by the host alone: the gifts' invoice
        values, created and posted in batches of --batch-size."""
        Gift = env["idic.recurring.gift"]

        def make():
            gifts = Gift.search(
                [("company_id", "=", company.id), ("next_date", "<=", today)],
                order="id",
            )
            made = 0
            Move = env["account.move"].with_context(
                tracking_disable=True, mail_create_nolog=True, mail_notrack=True
            )
            for start in range(0, len(gifts), args.batch_size):
                batch = gifts[start : start + args.batch_size]
                moves = Move.create(
                    [gift._idic_invoice_vals(gift.next_date, journal) for gift in batch]
                )
                moves.action_post()
                made += len(moves)
                env.invalidate_all()
            return made

        counts["host"] = timed("host", make)

    load = os.getloadavg()[0]
    for _rep in range(args.repeat):
        measure(engine)
        measure(baseline)
        if not args.skip_host:
            measure(host)
    median = {key: statistics.median(values) for key, values in times.items() if values}
    median_cpu = {
        key: statistics.median(values) for key, values in cpu.items() if values
    }
    print(
        f"recurring-gift job on {value_bench.fmt(counts['gifts'])} active monthly "
        f"gifts, {value_bench.fmt(args.due)} due today (median of {args.repeat}, "
        f"load {load:.1f}):"
    )
    print(
        f"    job            {median['engine']:8.2f} s  "
        f"({value_bench.fmt(counts['engine'])} invoices made and posted, "
        f"{1000 * median['engine'] / max(counts['engine'], 1):.1f} ms each)"
    )
    print(
        f"    job re-run     {median['rerun']:8.2f} s  "
        f"({value_bench.fmt(counts['rerun'])} invoices made)"
    )
    print(
        f"    SQL baseline   {median['baseline']:8.2f} s  "
        f"({value_bench.fmt(counts['baseline'])} invoice rows inserted)"
    )
    if "host" in median:
        print(
            f"    host invoices  {median['host']:8.2f} s  "
            f"({value_bench.fmt(counts['host'])} invoices created and posted by "
            "account alone)"
        )
    ratio = median["engine"] / median["baseline"]
    print(f"    ratio job / SQL baseline: {ratio:.1f}x (target {TARGET_RATIO:g}x)")
    if "host" in median:
        print(
            f"    ratio job / host invoices: {median['engine'] / median['host']:.2f}x "
            f"(Python CPU: job {median_cpu['engine']:.1f} s, host "
            f"{median_cpu['host']:.1f} s, "
            f"{median_cpu['engine'] / max(median_cpu['host'], 1e-9):.2f}x)"
        )
    print(
        f"    ratio re-run / SQL baseline: {median['rerun'] / median['baseline']:.2f}x"
    )


# Where a job's invoice costs: label -> (file part, function name) of the
# functions whose cumulative time is reported (calls nest: the shares do not
# add up).
PROFILE_STEPS = [
    ("the job (all)", "res_partner_recurring.py", "_idic_make_recurring_gifts"),
    ("finding the due gifts, locking them", "idic_recurring_gift.py", "_idic_lock"),
    ("invoice values (per gift)", "idic_recurring_gift.py", "_idic_invoice_vals"),
    ("lapsing gifts (one query a range)", "idic_recurring_gift.py", "_idic_lapsing"),
    ("account.move.create", "account/models/account_move.py", "create"),
    ("  of which line creation", "account/models/account_move_line.py", "create"),
    ("account.move.action_post", "account/models/account_move.py", "action_post"),
    ("  _post (checks, posting)", "account/models/account_move.py", "_post"),
    ("  sequence numbers", "account/models/sequence_mixin.py", "_set_next_sequence"),
    ("ORM flush (SQL writes)", "odoo/orm/models.py", "flush_model"),
    ("computed fields (recompute)", "odoo/orm/environments.py", "_recompute_all"),
    ("SQL execute (all queries)", "odoo/sql_db.py", "execute"),
    (
        "the charge step (no tokens)",
        "account_move_fundraising.py",
        "_idic_charge_recurring",
    ),
]


def warm_up(registry, args, info):
    """The job once on a few gifts, rolled back: a fresh process computes the
    ORM's field-trigger trees of account.move on first use (tens of seconds
    on this machine), which a cron worker has long done; without this, the
    first measurement (the job) would pay it alone."""
    today = date.today()
    small = argparse.Namespace(**{**vars(args), "gifts": 20, "due": 20})

    def body(env):
        company = env["res.company"].browse(info["company_id"])
        setup(env, company, small, today)
        env["res.partner"]._idic_make_recurring_gifts(
            companies=company, batch_size=args.batch_size, commit=False
        )

    seconds, _none = value_bench.timed(lambda: value_bench.transaction(registry, body))
    print(f"warm-up (20 invoices in a fresh process): {seconds:.1f} s")


def profile(registry, args, info):
    """The job once under cProfile (rolled back): the cumulative time of its
    main steps, per invoice made."""
    today = date.today()
    profiler = cProfile.Profile()
    made = {}

    def body(env):
        company = env["res.company"].browse(info["company_id"])
        setup(env, company, args, today)
        Partner = env["res.partner"]
        profiler.enable()
        made["n"] = Partner._idic_make_recurring_gifts(
            companies=company, batch_size=args.batch_size, commit=False
        )
        profiler.disable()

    value_bench.transaction(registry, body)
    stats = pstats.Stats(profiler)
    rows = stats.stats  # (file, line, func) -> (cc, nc, tt, ct, callers)
    count = max(made["n"], 1)
    print(
        f"profile of the job: {value_bench.fmt(made['n'])} invoices made "
        f"(cumulative time of each step, ms per invoice; steps nest)"
    )
    for label, path, name in PROFILE_STEPS:
        calls = seconds = 0
        for (file, _line, func), (_cc, nc, _tt, ct, _callers) in rows.items():
            if func == name and path in file.replace(os.sep, "/"):
                calls += nc
                seconds += ct
        if calls:
            print(
                f"    {label:40s} {1000 * seconds / count:8.2f} ms  "
                f"({value_bench.fmt(calls)} calls)"
            )
    print("    top functions by own time:")
    stats.sort_stats("tottime").print_stats(12)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = value_bench.open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    warm_up(registry, args, info)
    if args.profile:
        profile(registry, args, info)
    else:
        run(registry, args, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
