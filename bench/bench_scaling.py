#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the value recompute grows with the data and spreads over cron workers
(issue #17).

Three measurements, on the data set of ``bench_value_recompute.py`` (built by
it when a database has none; ``--partners`` / ``--moves`` and
``--large-partners`` / ``--large-moves`` only apply when building):

1. **The value job as the scheduler runs it**, on ``-d`` (100,000 partners,
   1,000,000 invoice lines by default) and on ``--large-database`` (1,000,000
   partners, 10,000,000 invoice lines): the real scheduled action
   ``partner_idic.ir_cron_idic_value_recompute`` is acquired and processed by
   Odoo's own scheduler code (``ir.cron._acquire_one_job`` and
   ``_process_job``, which calls the job's callback again and again, each
   call within the 10-second slice of ``cron_end_time``, and reschedules the
   job as soon as possible while it reports work left), once per scheduler
   wake-up, until the job reports it is done, each batch committed. From two
   states (``--states``, both by default), each prepared before each run:

   - **first**: the figures of every partner and the tier history cleared and
     committed (the data set as built, the first run after installing), then
     ``VACUUM ANALYZE``;
   - **nightly**: the same, then the job run for every company with the clock
     a day back (``freezegun``, one committed transaction), then ``VACUUM
     ANALYZE``: the figures, tiers, pricelists and history of last night,
     which tonight's run updates (a quiet night: no new invoice);
   - **nightly-new**: the nightly state plus one new posted invoice dated
     today for 1 % of the bench company's customers (a copy of each one's
     last invoice, committed; deleted again after the measurement).

   Measured for each state, for the run and for the least-work SQL: the time,
   the rows written (``n_tup_upd`` + ``n_tup_ins`` of ``pg_stat_user_tables``,
   all tables and res_partner alone) and the WAL written
   (``pg_wal_lsn_diff`` of ``pg_current_wal_lsn()`` before and after).

   The job last ran a day before (``--never-ran``: never, as on a new
   database). Against the least work any implementation must do on the same
   rows, measured on the same state (rolled back): the baseline of
   ``bench_value_recompute.py``, one SQL ``GROUP BY`` over the invoice lines
   plus one ``UPDATE res_partner`` of five of the same company-dependent
   jsonb columns, with the share of its row updates that were HOT (no new
   index entry). Printed for each state: the time, the scheduler wake-ups,
   the calls of the job's callback, the ratio of the two sizes (target: at
   most 11x, linear) and the ratio to the baseline on the large set (target:
   at most 3x).

2. **The same run with 1 and with 2 cron workers**, on ``--workers-database``
   (``-d`` by default): a real Odoo server (threaded, ``--max-cron-threads=N``,
   a free HTTP port, every other scheduled action paused meanwhile, stopped by
   the script) with N scheduled actions of the value job, from the company
   setting ``idic_recompute_workers``. Checked afterwards: no range of a run
   processed twice, and the company-dependent ``idic_*`` columns of
   ``res_partner`` and ``idic_tier_history`` (without ids and dates)
   identical between 1 and 2 workers. Where the setting does not exist
   (before the recorded runs of issue #17), one worker only, with a message.
   The server runs with ``ODOO_NOTIFY_CRON_CHANGES`` set, so that a job left
   partially done wakes a worker at once instead of at the next minute's
   poll. The setting is put back to 1 afterwards.

3. **The data sets**: their build time (from their markers), the size of each
   database and of the cluster's data folder, the load of the machine.

    python3 bench/bench_scaling.py -c .run/bench.conf -d partner_idic_bench \\
        --large-database partner_idic_bench_1m [--only scheduler|workers|data] \\
        [--states first,nightly,nightly-new] [--without-models]

Building the large set (once; see bench/README.md for its time and disk):

    python3 bench/bench_scaling.py -c .run/bench.conf -d partner_idic_bench \\
        --large-database partner_idic_bench_1m --only data

This is a measurement, not a test: it exits 0 whatever the figures are. It
commits into the bench databases (the figures and the tier history the job
writes, cleared again at the start of the next run).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_value_recompute import (
    CHECK_SQL,
    add_data_set_arguments,
    agg_sql,
    clear_sql,
    copy_columns,
    engine_columns,
    fmt,
    open_data_set,
    timed,
    transaction,
    vacuum,
    window_start,
)
from load_concurrency import free_port, stop_server

TARGET_SIZE_RATIO = 11.0
TARGET_BASELINE_RATIO = 3.0
CRON_XMLID = "partner_idic.ir_cron_idic_value_recompute"
# What the scheduler measurement starts from (see last_night(), new_invoices()).
STATES = ("first", "nightly", "nightly-new")
STATE_NAMES = {
    "first": "from cleared figures (the first run)",
    "nightly": "from last night's figures, no new invoice (a quiet night)",
    "nightly-new": "from last night's figures, new invoices for 1% of the customers",
}
# Targets of issue #29 per state: the ratio to the least-work SQL, and for a
# quiet night the share of the customers' rows written.
TARGET_STATE_RATIO = {"first": 3.0, "nightly": 1.5, "nightly-new": 2.0}
TARGET_QUIET_SHARE = 0.05
# One customer in NEW_INVOICE_MODULO gets a new invoice (state nightly-new).
NEW_INVOICE_MODULO = 100
# The least-work SQL: the line-level GROUP BY and one UPDATE of five
# company-dependent jsonb columns of the rows whose values change (a row
# whose figures are already those is not written, as any implementation may
# skip it).
BASELINE_GUARDED_SQL = """
WITH agg AS (%(agg)s)
UPDATE res_partner p
   SET idic_frequency = COALESCE(p.idic_frequency, '{}'::jsonb)
                        || jsonb_build_object(%(key)s, a.frequency),
       idic_monetary = COALESCE(p.idic_monetary, '{}'::jsonb)
                       || jsonb_build_object(%(key)s, a.monetary),
       idic_first_invoice_date = COALESCE(p.idic_first_invoice_date, '{}'::jsonb)
                                 || jsonb_build_object(%(key)s, a.first_date),
       idic_last_invoice_date = COALESCE(p.idic_last_invoice_date, '{}'::jsonb)
                                || jsonb_build_object(%(key)s, a.last_date),
       idic_lifetime_revenue = COALESCE(p.idic_lifetime_revenue, '{}'::jsonb)
                               || jsonb_build_object(%(key)s, a.lifetime)
  FROM agg a
 WHERE p.commercial_partner_id = a.partner_id
   AND (p.idic_frequency -> %(key)s, p.idic_monetary -> %(key)s,
        p.idic_first_invoice_date -> %(key)s, p.idic_last_invoice_date -> %(key)s,
        p.idic_lifetime_revenue -> %(key)s)
       IS DISTINCT FROM
       (to_jsonb(a.frequency), to_jsonb(a.monetary), to_jsonb(a.first_date),
        to_jsonb(a.last_date), to_jsonb(a.lifetime))
"""
CRON_METHOD = "_cron_idic_value_recompute"
WORKERS_FIELD = "idic_recompute_workers"
# The engine sets this work_mem for its transaction; the baseline gets the same.
ENGINE_WORK_MEM = "64MB"
# Tables of the recompute frame of issue #17 (run, claimed ranges), when present.
RUN_TABLE = "idic_recompute_run"
RANGE_TABLE = "idic_recompute_range"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="The value recompute run by Odoo's scheduler at two sizes of "
        "the data set and with 1 and 2 cron workers, against the least-work SQL."
    )
    add_data_set_arguments(parser)
    parser.add_argument(
        "--large-database",
        help="the database of the large data set (none: only -d is measured)",
    )
    parser.add_argument(
        "--large-partners",
        type=int,
        default=1000000,
        help="partners of the large data set (only when building it)",
    )
    parser.add_argument(
        "--large-moves",
        type=int,
        default=2500000,
        help="moves of the large data set (only when building it)",
    )
    parser.add_argument(
        "--workers-database",
        help="the database of the 1-and-2-workers measurement (default: -d)",
    )
    parser.add_argument(
        "--only",
        choices=("scheduler", "workers", "data"),
        help="one measurement only (data: build the data sets if missing and "
        "describe them)",
    )
    parser.add_argument(
        "--sizes",
        default="small,large",
        help="which data sets the scheduler measurement runs on: small, large or "
        "small,large (the default)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each measurement (median)"
    )
    parser.add_argument(
        "--max-wakeups",
        type=int,
        default=100000,
        help="stop a scheduler run after this many wake-ups (a safety net)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=7200,
        help="seconds a server run of the workers measurement may take",
    )
    parser.add_argument(
        "--states",
        default="first,nightly,nightly-new",
        help="the states the scheduler measurement starts from, comma-separated: "
        "first (the figures cleared, as on the first run after installing), "
        "nightly (the figures of the job's run of the night before, no new "
        "invoice), nightly-new (the same, with new invoices for 1%% of the "
        "customers); all three by default",
    )
    parser.add_argument(
        "--without-models",
        action="store_true",
        help="measure with the purchase models off for the bench company (its "
        "least number of customers for a prediction set out of reach, put back "
        "afterwards): no prediction, whose figures move every day",
    )
    parser.add_argument(
        "--never-ran",
        action="store_true",
        help="measure as on a database where the job never ran (no lastcall); "
        "by default it last ran a day ago",
    )
    parser.add_argument(
        "--json", help="also write the figures to this file (JSON), for comparisons"
    )
    parser.add_argument("--label", default="", help="a label stored in the JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    sizes = {s.strip() for s in args.sizes.split(",") if s.strip()}
    if not sizes or sizes - {"small", "large"}:
        parser.error("--sizes: small, large or small,large")
    args.sizes = sizes
    states = [s.strip() for s in args.states.split(",") if s.strip()]
    if not states or set(states) - set(STATES):
        parser.error("--states: first, nightly, nightly-new (comma-separated)")
    args.states = [state for state in STATES if state in states]
    return args


def load():
    return os.getloadavg()[0]


def now_utc():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def say(message):
    print(f"[{datetime.now(timezone.utc).strftime('%H:%M:%S')}] {message}", flush=True)


# ----------------------------------------------------------------------------
# The state every run starts from: the data set as built
# ----------------------------------------------------------------------------
def table_exists(cr, table):
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(SQL("SELECT to_regclass(%s) IS NOT NULL", table))
    return cr.fetchone()[0]


def value_crons(env):
    """The scheduled actions of the value job (the one of the add-on and, with
    several workers, its copies)."""
    return (
        env["ir.cron"]
        .with_context(active_test=False)
        .search([("code", "like", CRON_METHOD)], order="id")
    )


def reset(registry, never_ran=False):
    """Clear (and commit) every figure the value job wrote, its tier history,
    the model fits, its resume cursor and its runs, and make its scheduled actions idle, last
    run a day ago (``never_ran``: never, as on a new database); then VACUUM
    ANALYZE. The partners get back the state of the data set as built."""
    import odoo  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    from odoo.addons.partner_idic.models import res_partner_value  # noqa: PLC0415

    # The resume cursor of the value job before the recompute runs of #17.
    cursor_param = getattr(res_partner_value, "CURSOR_PARAM", None)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        keys = [str(cid) for cid in env["res.company"].search([]).ids]  # pylint: disable=no-search-all
        cr.execute(clear_sql(engine_columns(env), keys))
        cleared = cr.rowcount
        cr.execute(SQL("DELETE FROM idic_tier_history"))
        if table_exists(cr, "idic_clv_fit"):
            # The model fits too: a first run fits the models (the value job
            # keeps a company's fit for days, issue #28's refit interval).
            cr.execute(SQL("UPDATE res_company SET idic_clv_fit_id = NULL"))
            cr.execute(SQL("DELETE FROM idic_clv_fit"))
        if cursor_param:
            env["ir.config_parameter"].set_param(cursor_param, "0,0")
        if table_exists(cr, RUN_TABLE):
            # Runs (and their ranges) of the value job, with the staging
            # tables of those left unfinished.
            cr.execute(
                SQL(
                    "SELECT staging_table FROM idic_recompute_run"
                    " WHERE job = 'value' AND staging_table IS NOT NULL"
                )
            )
            for (table,) in cr.fetchall():
                cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
            cr.execute(SQL("DELETE FROM idic_recompute_run WHERE job = 'value'"))
        crons = value_crons(env)
        cr.execute(
            SQL(
                "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC')"
                " + INTERVAL '1 day', lastcall = %s, failure_count = 0,"
                " first_failure_date = NULL WHERE id IN %s",
                SQL("NULL")
                if never_ran
                else SQL(
                    "date_trunc('second', now() AT TIME ZONE 'UTC') - INTERVAL '1 day'"
                ),
                tuple(crons.ids),
            )
        )
        cr.execute(
            SQL("DELETE FROM ir_cron_trigger WHERE cron_id IN %s", tuple(crons.ids))
        )
        cr.commit()  # pylint: disable=invalid-commit
    seconds, _ = timed(
        lambda: vacuum(registry, ("res_partner", "idic_tier_history"), True)
    )
    return cleared, seconds


# ----------------------------------------------------------------------------
# 1. The scheduler's run
# ----------------------------------------------------------------------------
def baseline(registry, company_id):
    """The least-work SQL on the current state, rolled back, then VACUUM.
    Returns (seconds, rows, the share of its row updates that were HOT, WAL
    bytes)."""
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    def body(env):
        company = env["res.company"].browse(company_id)
        start = window_start(company, fields.Date.context_today(env["res.partner"]))
        env.cr.execute(SQL("SET LOCAL work_mem = %s", ENGINE_WORK_MEM))
        statement = SQL(
            BASELINE_GUARDED_SQL,
            agg=agg_sql("lines", company, start),
            key=str(company.id),
        )
        env.cr.execute(SQL("SELECT pg_current_wal_lsn()::text"))
        lsn = env.cr.fetchone()[0]
        seconds, _ = timed(lambda: env.cr.execute(statement))
        rows = env.cr.rowcount
        env.cr.execute(
            SQL("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint", lsn)
        )
        wal = env.cr.fetchone()[0]
        return seconds, rows, hot_share(env.cr), wal

    try:
        return transaction(registry, body)
    finally:
        vacuum(registry, ("res_partner",))


def counters(registry, settle=False):
    """(WAL position, rows written to all tables, to res_partner) of the
    database so far: ``n_tup_upd + n_tup_ins`` of ``pg_stat_user_tables``.
    With ``settle``, first wait for the backends' statistics to be flushed
    (an idle backend reports its counts within a second)."""
    from odoo.tools import SQL  # noqa: PLC0415

    if settle:
        time.sleep(2.5)
    with registry.cursor() as cr:
        cr.execute(
            SQL(
                """SELECT pg_current_wal_lsn()::text,
                          COALESCE(SUM(n_tup_upd + n_tup_ins), 0)::bigint,
                          COALESCE(SUM(n_tup_upd + n_tup_ins)
                                   FILTER (WHERE relname = 'res_partner'), 0)::bigint
                     FROM pg_stat_user_tables"""
            )
        )
        return cr.fetchone()


def written_since(registry, before):
    """(rows written to all tables, to res_partner, WAL bytes) since
    ``before`` (a result of counters())."""
    from odoo.tools import SQL  # noqa: PLC0415

    lsn, rows, partner_rows = counters(registry, settle=True)
    with registry.cursor() as cr:
        cr.execute(
            SQL(
                "SELECT pg_wal_lsn_diff(%s::pg_lsn, %s::pg_lsn)::bigint", lsn, before[0]
            )
        )
        wal = cr.fetchone()[0]
    return rows - before[1], partner_rows - before[2], wal


def new_invoices(registry, company_id):
    """Give 1 % of the bench company's customers a new posted invoice dated
    today: a copy of each one's last invoice (moves and lines in SQL, as the
    data set was built), committed. Returns the ids of the new moves."""
    import odoo  # noqa: PLC0415
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        today = fields.Date.context_today(env["res.partner"])
        cr.execute(
            SQL(
                """CREATE TEMP TABLE bench_new_plan AS
                   SELECT nextval('account_move_id_seq')::int AS id, s.id AS src_id,
                          s.name || '-N' AS name
                     FROM (SELECT DISTINCT ON (m.commercial_partner_id) m.id, m.name
                             FROM account_move m
                            WHERE m.company_id = %s AND m.state = 'posted'
                              AND m.move_type = 'out_invoice'
                              AND abs(hashtext(m.commercial_partner_id::text)) %% %s = 0
                            ORDER BY m.commercial_partner_id, m.invoice_date DESC,
                                     m.id DESC) s""",
                company_id,
                NEW_INVOICE_MODULO,
            )
        )
        now = SQL("(now() AT TIME ZONE 'UTC')")
        target, source = copy_columns(
            cr,
            "account_move",
            {
                "id": SQL("p.id"),
                "name": SQL("p.name"),
                "date": SQL("%s::date", today),
                "invoice_date": SQL("%s::date", today),
                "invoice_date_due": SQL("%s::date + 30", today),
                "create_date": now,
                "write_date": now,
            },
        )
        cr.execute(
            SQL(
                "INSERT INTO account_move (%s) SELECT %s FROM bench_new_plan p"
                " JOIN account_move t ON t.id = p.src_id",
                target,
                source,
            )
        )
        target, source = copy_columns(
            cr,
            "account_move_line",
            {
                "move_id": SQL("p.id"),
                "move_name": SQL("p.name"),
                "date": SQL("%s::date", today),
                "invoice_date": SQL("%s::date", today),
                "date_maturity": SQL(
                    "CASE WHEN t.date_maturity IS NOT NULL THEN %s::date + 30 END",
                    today,
                ),
                "create_date": now,
                "write_date": now,
            },
            skip=("id",),
        )
        cr.execute(
            SQL(
                "INSERT INTO account_move_line (%s) SELECT %s FROM bench_new_plan p"
                " JOIN account_move_line t ON t.move_id = p.src_id",
                target,
                source,
            )
        )
        cr.execute(SQL("SELECT id FROM bench_new_plan"))
        ids = [row[0] for row in cr.fetchall()]
        cr.execute(SQL("DROP TABLE bench_new_plan"))
        cr.commit()  # pylint: disable=invalid-commit
    vacuum(registry, ("account_move", "account_move_line"), True)
    return ids


def drop_new_invoices(registry, ids):
    """Delete (and commit) the moves new_invoices() added."""
    from odoo.tools import SQL  # noqa: PLC0415

    if not ids:
        return
    with registry.cursor() as cr:
        cr.execute(SQL("DELETE FROM account_move_line WHERE move_id IN %s", tuple(ids)))
        cr.execute(SQL("DELETE FROM account_move WHERE id IN %s", tuple(ids)))
        cr.commit()  # pylint: disable=invalid-commit


def hot_share(cr):
    """The share of this transaction's updates of res_partner that were HOT
    (no new index entry), or None when it updated none."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(
        SQL(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
            " WHERE relid = 'res_partner'::regclass"
        )
    )
    updated, hot = cr.fetchone()
    return round(hot / updated, 3) if updated else None


def last_night(registry):
    """Run the value job of every company as it ran the night before (the
    clock a day back, in one committed transaction), then VACUUM ANALYZE: the
    figures, tiers, pricelists and tier history of yesterday, which tonight's
    run updates. Returns (partners written, seconds)."""
    from freezegun import freeze_time  # noqa: PLC0415

    import odoo  # noqa: PLC0415

    def night():
        yesterday = datetime.now(timezone.utc) - timedelta(days=1)
        with freeze_time(yesterday), registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
            written = env["res.partner"]._idic_recompute_values(commit=False)
            cr.commit()  # pylint: disable=invalid-commit
        return written

    seconds, written = timed(night)
    vacuum(registry, ("res_partner", "idic_tier_history"), True)
    return written, seconds


def make_due(registry, cron_ids, activate=False):
    """Make the scheduled actions ``cron_ids`` due now, as at night when their
    time has come (and active, with ``activate``), and commit. Returns (the
    last ``ir_cron_progress`` id before, the time they were made due, to the
    second)."""
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM ir_cron_progress"))
        progress_before = cr.fetchone()[0]
        cr.execute(
            SQL(
                "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC')"
                " - INTERVAL '1 minute', active = active OR %s WHERE id IN %s"
                " RETURNING date_trunc('second', now() AT TIME ZONE 'UTC')",
                activate,
                tuple(cron_ids),
            )
        )
        since = cr.fetchone()[0]
        cr.commit()  # pylint: disable=invalid-commit
    return progress_before, since


def scheduler_run(registry, cron_id, max_wakeups):
    """Run the scheduled action ``cron_id`` through Odoo's scheduler code, one
    wake-up after the other, until it is no longer ready (fully done or
    failed). Returns (seconds, wake-ups, callback calls, failure count)."""
    import odoo  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    from odoo.addons.base.models.ir_cron import IrCron  # noqa: PLC0415

    progress_before, _since = make_due(registry, [cron_id], activate=True)
    CronModel = registry["ir.cron"]
    thread = threading.current_thread()
    thread.dbname = registry.db_name
    wakeups = 0
    start = time.perf_counter()
    try:
        while wakeups < max_wakeups:
            # One wake-up of a cron worker (IrCron._process_jobs_loop).
            with registry.cursor() as cron_cr:
                job = IrCron._acquire_one_job(cron_cr, cron_id)
                if not job:
                    break
                CronModel._process_job(cron_cr, job)
                cron_cr.commit()  # pylint: disable=invalid-commit
            wakeups += 1
    finally:
        del thread.dbname
    seconds = time.perf_counter() - start
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        cr.execute(
            SQL(
                "SELECT COUNT(*) FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
                cron_id,
                progress_before,
            )
        )
        calls = cr.fetchone()[0]
        failures = env["ir.cron"].browse(cron_id).failure_count
    runs = run_report(registry, [cron_id], progress_before)
    return seconds, wakeups, calls, failures, runs


def check_figures(registry, company_id):
    """The committed figures of every partner of the bench company's customers
    against the line-level GROUP BY: (partners checked, differing, tiered)."""
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    def body(env):
        company = env["res.company"].browse(company_id)
        start = window_start(company, fields.Date.context_today(env["res.partner"]))
        env.cr.execute(
            SQL(CHECK_SQL, agg=agg_sql("lines", company, start), key=str(company.id))
        )
        return env.cr.fetchone()

    return transaction(registry, body)


def set_min_customers(registry, company_id, value):
    """Set (and commit) the least number of customers for a prediction of
    the bench company; returns the former value."""
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        cr.execute(
            SQL(
                "SELECT idic_clv_min_customers FROM res_company WHERE id = %s",
                company_id,
            )
        )
        former = cr.fetchone()[0]
        cr.execute(
            SQL(
                "UPDATE res_company SET idic_clv_min_customers = %s WHERE id = %s",
                value,
                company_id,
            )
        )
        cr.commit()  # pylint: disable=invalid-commit
    registry.clear_cache()
    return former


def measure_scheduler(registry, info, args, label, state):
    """The scheduler's run from ``state`` (first: the figures cleared;
    nightly: the figures of the night before) against the baseline on the
    same state, ``args.repeat`` times."""
    if args.without_models:
        former = set_min_customers(registry, info["company_id"], 2**31 - 1)
        try:
            return _measure_scheduler(registry, info, args, label, state)
        finally:
            set_min_customers(registry, info["company_id"], former)
    return _measure_scheduler(registry, info, args, label, state)


def _measure_scheduler(registry, info, args, label, state):
    import odoo  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        cron = env.ref(CRON_XMLID)
        cron_id = cron.id
        others = value_crons(env) - cron
        if others:
            # The copies of the action (several workers) stay idle here: one
            # worker, as before.
            others.write({"active": False})
            cr.commit()  # pylint: disable=invalid-commit
    runs = []
    for rep in range(args.repeat):
        say(f"{label}: clearing the figures (committed) and VACUUM ANALYZE")
        reset_s, (cleared, vacuum_s) = timed(lambda: reset(registry, args.never_ran))
        say(
            f"{label}: {fmt(cleared)} partners cleared in {reset_s:.1f} s "
            f"(VACUUM ANALYZE {vacuum_s:.1f} s)"
        )
        if state in ("nightly", "nightly-new"):
            written, night_s = last_night(registry)
            say(
                f"{label}: last night's run (committed): {fmt(written)} partners "
                f"written in {night_s:.1f} s, then VACUUM ANALYZE"
            )
        added = []
        if state == "nightly-new":
            added = new_invoices(registry, info["company_id"])
            say(f"{label}: {fmt(len(added))} new invoices dated today (committed)")
        try:
            load_before = load()
            base_s, base_rows, base_hot, base_wal = baseline(
                registry, info["company_id"]
            )
            say(
                f"{label}: baseline {base_s:.2f} s ({fmt(base_rows)} rows, "
                f"{percent(base_hot)} HOT updates, WAL {mb(base_wal)}); scheduler run"
            )
            before = counters(registry, settle=True)
            seconds, wakeups, calls, failures, recorded = scheduler_run(
                registry, cron_id, args.max_wakeups
            )
            rows, partner_rows, wal = written_since(registry, before)
            checked, differ, tiered = check_figures(registry, info["company_id"])
        finally:
            drop_new_invoices(registry, added)
        # The customers' rows: the bench company's customers and their contacts.
        customers = checked
        run = {
            "seconds": round(seconds, 2),
            "wakeups": wakeups,
            "callback_calls": calls,
            "failures": failures,
            "rows_written": rows,
            "partner_rows_written": partner_rows,
            "wal_bytes": wal,
            "customers": customers,
            "new_invoices": len(added),
            "baseline_seconds": round(base_s, 2),
            "baseline_rows": base_rows,
            "baseline_hot_share": base_hot,
            "baseline_wal_bytes": base_wal,
            "checked": checked,
            "differ": differ,
            "tiered": tiered,
            "load_before": round(load_before, 2),
            "load_after": round(load(), 2),
            "runs": recorded,
        }
        say(
            f"{label}: run {rep + 1}: {seconds:.1f} s, {wakeups} scheduler wake-ups, "
            f"{calls} callback calls, failures {failures}; rows written "
            f"{fmt(rows)} ({fmt(partner_rows)} of res_partner, "
            f"{partner_rows / max(customers, 1):.1%} of {fmt(customers)} customers' rows), "
            f"WAL {mb(wal)}; figures of "
            f"{fmt(checked)} partners checked against the line-level GROUP BY: "
            f"{fmt(differ)} differ, {fmt(tiered)} tiered; baseline {base_s:.2f} s; "
            f"load {load_before:.1f} -> {run['load_after']:.1f}; "
            + describe_runs(recorded)
        )
        runs.append(run)
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "baseline_seconds": statistics.median(r["baseline_seconds"] for r in runs),
        "runs": runs,
    }


def mb(number):
    return f"{number / 1e6:,.1f} MB" if number is not None else "?"


def percent(share):
    return "no" if share is None else f"{share:.0%}"


# ----------------------------------------------------------------------------
# 2. One and two cron workers on a real server
# ----------------------------------------------------------------------------
def start_server(config, dbname, threads, logfile):
    port = free_port()
    cmd = [
        sys.executable, "-m", "odoo", "-c", config, "-d", dbname,
        "--db-filter", f"^{dbname}$", "--workers=0",
        f"--max-cron-threads={threads}", "--http-port", str(port),
        "--logfile", logfile, "--log-level=info",
    ]  # fmt: skip
    environ = dict(os.environ, ODOO_NOTIFY_CRON_CHANGES="1")
    proc = subprocess.Popen(cmd, start_new_session=True, env=environ)
    for _ in range(480):
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/web/health", timeout=5
            ):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"the server stopped, see {logfile}") from None
            time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"the server did not answer, see {logfile}")


def notify_cron_threads(dbname):
    """Wake the cron threads up for ``dbname``, as ``ir.cron._notifydb`` does:
    they listen on the database ``postgres``."""
    from odoo import sql_db  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    with sql_db.db_connect("postgres").cursor() as cr:
        cr.execute(SQL("SELECT pg_notify('cron_trigger', %s)", dbname))


def snapshot(registry):
    """Fingerprints of what the value job wrote: one per company-dependent
    idic_* column of res_partner (ids and values), and one of the tier history
    without its ids and dates."""
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        cr.execute(
            SQL(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = 'res_partner'"
                " AND data_type = 'jsonb' AND (column_name LIKE 'idic\\_%%'"
                " OR column_name = 'specific_property_product_pricelist')"
                " ORDER BY column_name"
            )
        )
        columns = [name for (name,) in cr.fetchall()]
        prints = {}
        for column in columns:
            cr.execute(
                SQL(
                    "SELECT COUNT(*), md5(string_agg(id || ':' || %(c)s::text, ','"
                    " ORDER BY id)) FROM res_partner WHERE %(c)s IS NOT NULL",
                    c=SQL.identifier(column),
                )
            )
            prints[f"res_partner.{column}"] = list(cr.fetchone())
        cr.execute(
            SQL(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
                " AND table_name = 'idic_tier_history'"
                " AND column_name NOT IN ('id', 'create_uid', 'write_uid')"
                " AND data_type NOT LIKE 'timestamp%%' AND data_type <> 'date'"
                " ORDER BY column_name"
            )
        )
        history = [name for (name,) in cr.fetchall()]
        cr.execute(
            SQL(
                "SELECT COUNT(*), md5(string_agg(r, ',' ORDER BY r)) FROM"
                " (SELECT ROW(%s)::text AS r FROM idic_tier_history) h",
                SQL(", ").join(SQL.identifier(c) for c in history),
            )
        )
        prints["idic_tier_history"] = list(cr.fetchone())
    return prints


def run_report(registry, cron_ids, progress_before):
    """What the runs of the value job recorded (the recompute frame of issue
    #17; None before it): runs, their stagings, their ranges, the ranges not
    done, and the ranges written according to the scheduler's progress
    records of ``cron_ids`` since ``progress_before`` (each range written is
    reported done once: more writes than ranges means a range written
    twice), per scheduled action."""
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        if not (table_exists(cr, RUN_TABLE) and table_exists(cr, RANGE_TABLE)):
            return None
        cr.execute(
            SQL(
                """SELECT COUNT(*), COUNT(*) FILTER (WHERE state <> 'done'),
                          COALESCE(SUM(stage_count), 0),
                          COALESCE(SUM(staging_seconds), 0)
                     FROM idic_recompute_run WHERE job = 'value'"""
            )
        )
        runs, open_runs, stagings, staging_s = cr.fetchone()
        cr.execute(
            SQL(
                """SELECT COUNT(*), COUNT(*) FILTER (WHERE g.state <> 'done'),
                          COUNT(DISTINCT g.worker)
                     FROM idic_recompute_range g
                     JOIN idic_recompute_run r ON r.id = g.run_id
                    WHERE r.job = 'value'"""
            )
        )
        ranges, open_ranges, workers = cr.fetchone()
        cr.execute(
            SQL(
                "SELECT cron_id, COALESCE(SUM(done), 0) FROM ir_cron_progress"
                " WHERE cron_id IN %s AND id > %s GROUP BY cron_id ORDER BY cron_id",
                tuple(cron_ids),
                progress_before,
            )
        )
        written = dict(cr.fetchall())
    return {
        "runs": runs,
        "runs_not_done": open_runs,
        "stagings": stagings,
        "staging_seconds": round(staging_s, 1),
        "ranges": ranges,
        "ranges_not_done": open_ranges,
        "range_workers": workers,
        "ranges_written": sum(written.values()),
        "ranges_written_by_action": written,
    }


def describe_runs(report):
    if not report:
        return "no recorded runs (the recompute frame of issue #17 is not there)"
    twice = report["ranges_written"] - report["ranges"]
    return (
        f"{report['runs']} runs ({report['runs_not_done']} not done), staged "
        f"{report['stagings']} times ({report['staging_seconds']:.1f} s), "
        f"{report['ranges']} ranges ({report['ranges_not_done']} not done), "
        f"{report['ranges_written']} range writes reported to the scheduler "
        f"(by action: {report['ranges_written_by_action']}): "
        + ("no range written twice" if twice <= 0 else f"{twice} ranges written twice")
    )


def measure_workers(args, threads):
    """One server run with ``threads`` cron workers and as many scheduled
    actions of the value job."""
    import odoo  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    from odoo.addons.base.models.ir_cron import IrCron  # noqa: PLC0415

    dbname = args.workers_database or args.database
    registry, info = open_data_set(args.config, dbname, args.partners, args.moves)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        if WORKERS_FIELD in env["res.company"]._fields:
            env["res.company"].search([]).write({WORKERS_FIELD: threads})  # pylint: disable=no-search-all
            env.flush_all()
        elif threads > 1:
            return None
        crons = value_crons(env).filtered("active")
        ids = tuple(crons.ids)
        # Every other scheduled action waits meanwhile (restored below).
        cr.execute(
            SQL(
                "UPDATE ir_cron SET active = FALSE WHERE active AND id NOT IN %s"
                " RETURNING id",
                ids,
            )
        )
        paused = [row[0] for row in cr.fetchall()]
        cr.commit()  # pylint: disable=invalid-commit
    say(
        f"workers {threads}: {len(ids)} scheduled actions of the value job "
        f"({WORKERS_FIELD} = {threads}); {len(paused)} other actions paused; "
        "clearing the figures"
    )
    try:
        reset(registry, args.never_ran)
        logfile = os.path.abspath(
            os.path.join(
                os.path.dirname(args.config), f"bench-scaling-workers-{threads}.log"
            )
        )
        proc = start_server(args.config, dbname, threads, logfile)
        try:
            progress_before, since = make_due(registry, ids)
            load_before = load()
            waited = time.perf_counter()
            start = None
            say(f"workers {threads}: server started, actions due; waiting")
            while True:
                time.sleep(0.25)
                if proc.poll() is not None:
                    raise SystemExit(f"the server stopped, see {logfile}")
                if time.perf_counter() - waited > args.timeout:
                    raise SystemExit(f"not done after {args.timeout} s, see {logfile}")
                with registry.cursor() as cr:
                    cr.execute(
                        SQL(
                            "SELECT COUNT(DISTINCT cron_id) FROM ir_cron_progress"
                            " WHERE cron_id IN %s AND id > %s",
                            ids,
                            progress_before,
                        )
                    )
                    started = cr.fetchone()[0]
                    if started and start is None:
                        # The clock runs from the first call of the job: the
                        # cron threads start after the server answers.
                        start = time.perf_counter()
                    if started < len(ids):
                        # Wake the cron threads up (again: a thread not
                        # listening yet misses it), until every action started.
                        notify_cron_threads(dbname)
                        continue
                    cr.execute(
                        SQL(
                            "SELECT COUNT(*) FILTER (WHERE lastcall IS NULL"
                            " OR lastcall < %s OR %s) FROM ir_cron WHERE id IN %s",
                            since,
                            IrCron._get_ready_sql_condition(cr),
                            ids,
                        )
                    )
                    if cr.fetchone()[0]:
                        continue
                    if table_exists(cr, RUN_TABLE):
                        # A helper may still write the last range of the run
                        # while its action is no longer due.
                        cr.execute(
                            SQL(
                                "SELECT COUNT(*) FROM idic_recompute_run"
                                " WHERE job = 'value' AND state = 'running'"
                            )
                        )
                        if cr.fetchone()[0]:
                            continue
                    break
            seconds = time.perf_counter() - start
        finally:
            stop_server(proc)
        with registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT COUNT(*), COALESCE(SUM(done), 0) FROM ir_cron_progress"
                    " WHERE cron_id IN %s AND id > %s",
                    ids,
                    progress_before,
                )
            )
            calls, done = cr.fetchone()
            cr.execute(
                SQL(
                    "SELECT COALESCE(SUM(failure_count), 0) FROM ir_cron WHERE id IN %s",
                    ids,
                )
            )
            failures = cr.fetchone()[0]
    finally:
        with registry.cursor() as cr:
            if paused:
                cr.execute(
                    SQL(
                        "UPDATE ir_cron SET active = TRUE WHERE id IN %s", tuple(paused)
                    )
                )
                cr.commit()  # pylint: disable=invalid-commit
            env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
            if WORKERS_FIELD in env["res.company"]._fields:
                # Back to the default: one action, the helpers archived.
                env["res.company"].search([]).write({WORKERS_FIELD: 1})  # pylint: disable=no-search-all
                cr.commit()  # pylint: disable=invalid-commit
    checked, differ, tiered = check_figures(registry, info["company_id"])
    result = {
        "threads": threads,
        "actions": len(ids),
        "seconds": round(seconds, 2),
        "callback_calls": calls,
        "done": done,
        "failures": failures,
        "checked": checked,
        "differ": differ,
        "tiered": tiered,
        "runs": run_report(registry, ids, progress_before),
        "snapshot": snapshot(registry),
        "load_before": round(load_before, 2),
        "load_after": round(load(), 2),
        "log": logfile,
    }
    say(
        f"workers {threads}: {seconds:.1f} s, {calls} callback calls over "
        f"{len(ids)} actions, failures {failures}; {fmt(differ)} of "
        f"{fmt(checked)} partners differ from the line-level GROUP BY"
    )
    return result


# ----------------------------------------------------------------------------
# 3. The data sets
# ----------------------------------------------------------------------------
def describe_data(registry, info):
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        cr.execute(SQL("SELECT pg_database_size(current_database())"))
        size = cr.fetchone()[0]
        cr.execute(
            SQL(
                "SELECT COUNT(*) FROM res_partner UNION ALL"
                " SELECT COUNT(*) FROM account_move_line"
            )
        )
        partners, lines = (row[0] for row in cr.fetchall())
        try:
            cr.execute(SQL("SHOW data_directory"))
            data_dir = cr.fetchone()[0]
        except Exception:  # pylint: disable=broad-except (not a superuser)
            cr.rollback()
            data_dir = None
    return {
        "database": registry.db_name,
        "partners": info["partners"],
        "moves": info["moves"],
        "product_lines": info["product_lines"],
        "lines": info["lines"],
        "all_partners": partners,
        "all_lines": lines,
        "built": info["built"],
        "setup_seconds": info.get("setup_seconds"),
        "database_bytes": size,
        "data_directory": data_dir,
    }


def directory_bytes(path):
    if not path or not os.path.isdir(path):
        return None
    try:
        out = subprocess.run(
            ["du", "-sb", path], capture_output=True, text=True, check=True
        ).stdout
        return int(out.split()[0])
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def gb(number):
    return f"{number / 1e9:.1f} GB" if number is not None else "?"


# ----------------------------------------------------------------------------
def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    results = {"label": args.label, "date": now_utc(), "cpus": os.cpu_count()}
    sets = {"small": (args.database, args.partners, args.moves)}
    if args.large_database:
        sets["large"] = (args.large_database, args.large_partners, args.large_moves)
    opened = {}

    def data_set(size):
        if size not in opened:
            dbname, partners, moves = sets[size]
            opened[size] = open_data_set(args.config, dbname, partners, moves)
        return opened[size]

    # 3. The data sets (built here when missing).
    results["data"] = {}
    for size in sets:
        registry, info = data_set(size)
        results["data"][size] = describe_data(registry, info)
    data_dir = next(
        (d["data_directory"] for d in results["data"].values() if d["data_directory"]),
        None,
    )
    results["cluster_bytes"] = directory_bytes(data_dir)
    free = shutil.disk_usage(data_dir or "/").free
    results["free_disk_bytes"] = free
    for size, data in results["data"].items():
        print(
            f"data set {size}: {data['database']}: {fmt(data['partners'])} partners "
            f"({fmt(data['all_partners'])} in the database), {fmt(data['moves'])} "
            f"moves, {fmt(data['product_lines'])} product lines "
            f"({fmt(data['all_lines'])} lines in all); built {data['built']} in "
            f"{data['setup_seconds'] or 0:,.0f} s; database {gb(data['database_bytes'])}"
        )
    print(
        f"cluster {data_dir}: {gb(results['cluster_bytes'])}; free disk "
        f"{gb(free)}; load average {load():.1f}, {os.cpu_count()} CPUs"
    )

    # 1. The scheduler's run at each size.
    if args.only in (None, "scheduler"):
        results["scheduler"] = {}
        for state in args.states:
            results["scheduler"][state] = {}
            for size in ("small", "large"):
                if size in sets and size in args.sizes:
                    registry, info = data_set(size)
                    results["scheduler"][state][size] = measure_scheduler(
                        registry, info, args, f"scheduler {size} {state}", state
                    )
        for state in args.states:
            report_scheduler(results, state)

    # 2. One and two cron workers.
    if args.only in (None, "workers"):
        one = measure_workers(args, 1)
        two = measure_workers(args, 2)
        results["workers"] = {"1": one, "2": two}
        if two is None:
            report_workers(one, None)
            print(
                f"workers: 2 workers skipped, res.company has no field "
                f"{WORKERS_FIELD} (the number of scheduled actions of a recompute) "
                "in this version: one scheduled action, one worker only"
            )
        else:
            report_workers(one, two)

    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=1, default=str)
    return 0


def report_scheduler(results, state):
    sched = results["scheduler"][state]
    start = STATE_NAMES[state]
    for size, figures in sched.items():
        runs = figures["runs"]
        ratio = figures["seconds"] / max(figures["baseline_seconds"], 0.01)
        print(
            f"scheduler {size}, {start}: "
            + "; ".join(
                f"{r['seconds']:.1f} s ({r['wakeups']} wake-ups, "
                f"{r['callback_calls']} callback calls), rows written "
                f"{fmt(r['rows_written'])} ({fmt(r['partner_rows_written'])} of "
                f"res_partner: {r['partner_rows_written'] / max(r['customers'], 1):.1%}"
                f" of {fmt(r['customers'])} customers' rows), WAL {mb(r['wal_bytes'])}"
                for r in runs
            )
            + "; least-work SQL "
            + "; ".join(
                f"{r['baseline_seconds']} s, {fmt(r['baseline_rows'])} rows, WAL "
                f"{mb(r['baseline_wal_bytes'])} ({percent(r['baseline_hot_share'])} HOT)"
                for r in runs
            )
            + f"; ratio to the least-work SQL {ratio:.1f}x (target <= "
            f"{TARGET_STATE_RATIO[state]:g}x at 1,000,000 partners)"
        )
        if state == "nightly":
            share = max(
                r["partner_rows_written"] / max(r["customers"], 1) for r in runs
            )
            print(
                f"scheduler {size}, quiet night: {share:.1%} of the customers' rows "
                f"written (target <= {TARGET_QUIET_SHARE:.0%})"
            )
        if any(r["differ"] or r["failures"] for r in runs):
            print(
                f"warning: scheduler {size}: the job failed or its figures differ "
                "from the line-level GROUP BY"
            )
    if "small" in sched and "large" in sched:
        small, large = sched["small"], sched["large"]
        data = results["data"]
        growth = data["large"]["product_lines"] / data["small"]["product_lines"]
        size_ratio = large["seconds"] / small["seconds"]
        base_ratio = large["seconds"] / large["baseline_seconds"]
        results.setdefault("size_ratio", {})[state] = round(size_ratio, 2)
        results.setdefault("large_baseline_ratio", {})[state] = round(base_ratio, 2)
        print(
            f"value job through the scheduler, {start}: {small['seconds']:.1f} s at "
            f"{fmt(data['small']['partners'])} partners, {large['seconds']:.1f} s at "
            f"{fmt(data['large']['partners'])} partners ({growth:.0f}x the lines): "
            f"ratio {size_ratio:.1f}x (target <= {TARGET_SIZE_RATIO:g}x); against the "
            f"least-work SQL at the large size ({large['baseline_seconds']:.1f} s): "
            f"{base_ratio:.1f}x (target <= {TARGET_BASELINE_RATIO:g}x)"
        )


def report_workers(one, two):
    if two is None:
        two = {"snapshot": one["snapshot"]}
        runs = (one,)
    else:
        runs = (one, two)
    differ = sorted(
        key
        for key in one["snapshot"]
        if one["snapshot"][key] != two["snapshot"].get(key)
    )
    for result in runs:
        print(
            f"workers {result['threads']}: {result['actions']} scheduled actions, "
            f"{result['seconds']:.1f} s, {result['callback_calls']} callback calls, "
            f"failures {result['failures']}; "
            + describe_runs(result["runs"])
            + f"; load {result['load_before']:.1f} -> {result['load_after']:.1f}"
        )
    if len(runs) < 2:
        return
    print(
        f"1 worker {one['seconds']:.1f} s, 2 workers {two['seconds']:.1f} s: "
        f"speed-up {one['seconds'] / two['seconds']:.2f}x; final tables "
        + ("identical" if not differ else f"DIFFER in {', '.join(differ)}")
        + f" ({len(one['snapshot'])} fingerprints: the company-dependent idic_* "
        "columns of res_partner, idic_tier_history without ids and dates)"
    )


if __name__ == "__main__":
    sys.exit(main())
