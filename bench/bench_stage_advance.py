#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the daily IDIC stage-advance job.

Inserts N partners (and some interactions) with set-based SQL in one
transaction, times ``res.partner._idic_advance_stages`` over their id range in
batches, as ``_cron_idic_stage_advance`` does (but without committing), and
compares it with a single ``UPDATE res_partner SET idic_stage_id = ...`` over
the same rows.  Everything is rolled back at the end: the database keeps its
data (only the ``res_partner`` / ``idic_interaction`` id sequences advance, as
sequences are not transactional).

    python3 bench/bench_stage_advance.py -c .run/demo.conf -d partner_idic_demo

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import statistics
import sys
import time

TARGET_RATIO = 3.0
SAVEPOINT = "bench_stage_advance_data"

# One INSERT ... SELECT for all the partners.  Rows come in blocks of ten
# (k = i % 10): k = 9 is a company, k = 0 a person, contact of the company
# just before it (about 10% contacts), k = 5 a company without contacts, the
# others individuals.  r1..r4 are deterministic pseudo-random buckets 0..99:
# 85% have an e-mail or a phone, 30% of the commercial partners are customers,
# 10% have a preferred channel, 1% are locked.
PARTNERS_SQL = """
WITH ids AS (
    SELECT g AS i, nextval('res_partner_id_seq')::int AS id,
           abs(hashtextextended(g::text, 1) %% 100)::int AS r1,
           abs(hashtextextended(g::text, 2) %% 100)::int AS r2,
           abs(hashtextextended(g::text, 3) %% 100)::int AS r3,
           abs(hashtextextended(g::text, 4) %% 100)::int AS r4
      FROM generate_series(1, %(n)s) AS g
),
rows AS (
    SELECT ids.*, ids.i %% 10 AS k,
           CASE WHEN ids.i %% 10 = 0 AND ids.i > 1 THEN parent.id END AS parent_id
      FROM ids
      LEFT JOIN ids parent ON parent.i = ids.i - 1
)
INSERT INTO res_partner (
    id, name, complete_name, type, active, is_company, parent_id,
    commercial_partner_id, commercial_company_name, lang, tz, email,
    email_normalized, phone, customer_rank, supplier_rank, autopost_bills,
    partner_share, employee, color, idic_preferred_channel, idic_stage_locked,
    idic_dormant, idic_do_not_contact, idic_contact_frequency,
    idic_referral_count, idic_profile_completeness,
    create_uid, create_date, write_uid, write_date)
SELECT r.id,
       'Bench Partner ' || r.i,
       CASE WHEN r.parent_id IS NOT NULL
            THEN 'Bench Partner ' || (r.i - 1) || ', Bench Partner ' || r.i
            ELSE 'Bench Partner ' || r.i END,
       'contact', TRUE, r.k IN (5, 9), r.parent_id,
       COALESCE(r.parent_id, r.id),
       CASE WHEN r.k IN (5, 9) THEN 'Bench Partner ' || r.i
            WHEN r.parent_id IS NOT NULL THEN 'Bench Partner ' || (r.i - 1) END,
       'en_US', 'Europe/Brussels',
       CASE WHEN r.r1 < 70 THEN 'bench' || r.i || '@example.com' END,
       CASE WHEN r.r1 < 70 THEN 'bench' || r.i || '@example.com' END,
       CASE WHEN r.r1 >= 60 AND r.r1 < 85
            THEN '+32 2 555 ' || lpad((r.i %% 10000)::text, 4, '0') END,
       CASE WHEN r.r2 < 30 AND r.parent_id IS NULL THEN 1 + r.r2 %% 5 ELSE 0 END,
       0, 'ask', TRUE, FALSE, 0,
       CASE WHEN r.r3 < 10
            THEN (ARRAY['email', 'phone', 'meeting', 'chat', 'sms'])[1 + r.r3 %% 5] END,
       r.r4 = 99, FALSE, FALSE, 0, 0, 0,
       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
  FROM rows r
RETURNING id
"""

# Interactions: about 20% of the commercial partners talked with us in the
# last 90 days (some of them through one of their contacts), 5% only long ago.
INTERACTIONS_SQL = """
INSERT INTO idic_interaction (
    partner_id, commercial_partner_id, date, channel, direction, subject,
    company_id, user_id, response_hours,
    create_uid, create_date, write_uid, write_date)
SELECT COALESCE(c.id, p.id), p.id,
       (now() AT TIME ZONE 'UTC')
         - make_interval(days => CASE WHEN b.r < 20 THEN 1 + b.r * 4
                                      ELSE 120 + b.r * 8 END),
       (ARRAY['email', 'phone', 'meeting', 'visit'])[1 + p.id %% 4],
       CASE WHEN p.id %% 2 = 0 THEN 'inbound' ELSE 'outbound' END,
       'Bench interaction', %(company)s, %(uid)s, 0,
       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
  FROM res_partner p
 CROSS JOIN LATERAL (
       SELECT abs(hashtextextended((p.id - %(lo)s + 1)::text, 5) %% 100)::int AS r) b
  LEFT JOIN res_partner c ON c.parent_id = p.id AND c.id %% 3 = 0
 WHERE p.id BETWEEN %(lo)s AND %(hi)s
   AND p.parent_id IS NULL
   AND b.r < 25
"""

LAST_INTERACTION_SQL = """
INSERT INTO idic_partner_activity (partner_id, last_date)
SELECT commercial_partner_id, MAX(date)
  FROM idic_interaction
 WHERE commercial_partner_id BETWEEN %(lo)s AND %(hi)s
 GROUP BY commercial_partner_id
    ON CONFLICT (partner_id) DO UPDATE SET last_date = EXCLUDED.last_date
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark res.partner._idic_advance_stages against a single "
        "SQL UPDATE over the same partners (everything is rolled back)."
    )
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument("--partners", type=int, default=100000)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (median)"
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE the tables after inserting the partners, as a database "
        "that really holds them would be; the planner statistics are rolled "
        "back, but PostgreSQL keeps the new row-count estimate of the tables",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print EXPLAIN ANALYZE of the statements of the first batch",
    )
    args = parser.parse_args(argv)
    if args.partners < 10 or args.batch_size < 1 or args.repeat < 1:
        parser.error("--partners must be >= 10, --batch-size and --repeat >= 1")
    return args


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def insert_data(env, n):
    cr = env.cr
    cr.execute(PARTNERS_SQL, {"n": n, "uid": env.uid})
    ids = [row[0] for row in cr.fetchall()]
    lo, hi = min(ids), max(ids)
    if hi - lo + 1 != n:
        # Another session took ids of the sequence meanwhile: its partners are
        # in the range too, which is fine, but say so.
        print(f"note: id range {lo}-{hi} also holds {hi - lo + 1 - n} other partners")
    params = {"lo": lo, "hi": hi, "uid": env.uid, "company": env.company.id}
    cr.execute(INTERACTIONS_SQL, params)
    interactions = cr.rowcount
    cr.execute(LAST_INTERACTION_SQL, params)
    env.invalidate_all()
    return lo, hi, interactions


def stage_counts(env, lo, hi):
    env.cr.execute(
        """SELECT s.id, s.name->>'en_US', COUNT(p.id)
             FROM idic_stage s
             LEFT JOIN res_partner p
                    ON p.idic_stage_id = s.id AND p.id BETWEEN %s AND %s
            GROUP BY s.id ORDER BY s.sequence, s.id""",
        (lo, hi),
    )
    return env.cr.fetchall()


def batches(lo, hi, batch_size):
    """The id ranges [start, end) of the cron's batches over lo..hi."""
    start = lo
    while start <= hi:
        end = min(start + batch_size, hi + 1)
        yield start, end
        start = end


def advance(env, lo, hi, batch_size):
    Partner = env["res.partner"]
    return sum(
        Partner._idic_advance_stages(a, b) for a, b in batches(lo, hi, batch_size)
    )


def baseline(env, lo, hi, stage_id):
    env.cr.execute(
        "UPDATE res_partner SET idic_stage_id = %s WHERE id BETWEEN %s AND %s",
        (stage_id, lo, hi),
    )
    return env.cr.rowcount


def reset(env):
    env.cr.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
    env.invalidate_all()


def explain(env, lo, hi, batch_size):
    """EXPLAIN ANALYZE the statements of the first batch (then roll back)."""
    from odoo.tools import SQL  # noqa: PLC0415

    Partner = env["res.partner"]
    History = env["idic.stage.history"]
    start, end = next(batches(lo, hi, batch_size))
    statements = []
    moves = Partner._idic_rule_moves_sql(start, end)
    if moves is not None:
        statements.append(("rule moves", History._history_sql(moves, "rule", True)))
    if Partner._idic_contacts_follow():
        moves = Partner._idic_contact_moves_sql(
            SQL("cp.id >= %s AND cp.id < %s", start, end)
        )
        statements.append(
            ("contact moves", History._history_sql(moves, "contact", True))
        )
    for label, statement in statements:
        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", statement))
        plan = "\n".join(f"    {row[0]}" for row in env.cr.fetchall())
        print(f"\n--- EXPLAIN ANALYZE, {label}, ids {start}-{end - 1}:\n{plan}")
    reset(env)


def run(env, args):
    cr = env.cr
    n = args.partners
    insert_time, (lo, hi, interactions) = timed(lambda: insert_data(env, n))
    if args.analyze:
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE idic_interaction")
    print(
        f"setup: {n} partners (ids {lo}-{hi}) and {interactions} interactions "
        f"inserted in {insert_time:.2f} s{', then analyzed' if args.analyze else ''}"
    )
    stages = env["idic.stage"].search([])  # pylint: disable=no-search-all
    if not stages:
        raise RuntimeError("no IDIC stage: nothing to benchmark")
    cr.execute(f"SAVEPOINT {SAVEPOINT}")

    if args.explain:
        explain(env, lo, hi, args.batch_size)

    advance_times, rerun_times, baseline_times = [], [], []
    moved = rerun_moved = updated = 0
    counts = history = None
    for _rep in range(args.repeat):
        # Alternate the two measurements, so that the dead row versions each
        # one leaves behind weigh the same on both.
        seconds, moved = timed(lambda: advance(env, lo, hi, args.batch_size))
        advance_times.append(seconds)
        if counts is None:
            counts = stage_counts(env, lo, hi)
            cr.execute(
                "SELECT cause, COUNT(*) FROM idic_stage_history"
                " WHERE partner_id BETWEEN %s AND %s GROUP BY cause ORDER BY cause",
                (lo, hi),
            )
            history = cr.fetchall()
        seconds, rerun_moved = timed(lambda: advance(env, lo, hi, args.batch_size))
        rerun_times.append(seconds)
        reset(env)
        seconds, updated = timed(lambda: baseline(env, lo, hi, stages[0].id))
        baseline_times.append(seconds)
        reset(env)

    adv = statistics.median(advance_times)
    rerun = statistics.median(rerun_times)
    base = statistics.median(baseline_times)
    nbatches = len(list(batches(lo, hi, args.batch_size)))

    def runs(times):
        return ", ".join(f"{t:.2f}" for t in times)

    print(f"batches: {nbatches} of up to {args.batch_size} ids; runs: {args.repeat}")
    print("partners per stage after the advance (inserted range):")
    for _sid, name, count in counts:
        print(f"    {name:<20} {count:>8}")
    print("stage history rows written: " + ", ".join(f"{c} {k}" for k, c in history))
    print(f"advance runs (s):   {runs(advance_times)}")
    print(f"re-run runs (s):    {runs(rerun_times)}  ({rerun_moved} moved)")
    print(f"baseline runs (s):  {runs(baseline_times)}  ({updated} rows updated)")
    ratio = adv / base if base else float("inf")
    print(
        f"stage advance: {n} partners, {moved} moved in {adv:.2f} s; "
        f"idempotent re-run: {rerun:.2f} s; baseline single UPDATE: {base:.2f} s; "
        f"ratio {ratio:.1f}x (target <= {TARGET_RATIO:g}x)"
    )
    if not moved:
        raise RuntimeError("no partner moved: the measurement means nothing")
    if rerun_moved:
        print(f"warning: the second run moved {rerun_moved} partners again")


def run_rolled_back(args, run):
    """Open the database of ``args`` (``-c``, ``-d``) and call ``run(env,
    args)`` as the superuser in one transaction, rolled back at the end (the
    benchmarks that build their data in the run share this frame)."""
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        try:
            env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
            run(env, args)
        finally:
            # Never commit: leave the database as it was.
            cr.rollback()
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run_rolled_back(args, run)


if __name__ == "__main__":
    sys.exit(main())
