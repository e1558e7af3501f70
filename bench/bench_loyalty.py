#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the loyalty points: earning on invoices, and the expiry job.

Earning (issue #5): N draft customer invoices (a few lines each, a few hundred
customers, one in ten referred by another) are created through the ORM, then
posted and paid (``account.payment.register``) chunk by chunk, the module's
earning switched off (company ``idic_points_rate`` 0, no referral bonus: the
hooks still run but grant nothing) and on (rate 1.0, a referral bonus) in
alternate chunks, so that warm-up and cache effects weigh on both.  Printed:
seconds per variant and the ratio on / off.

Expiry: C cards of the company's relationship program with a few history
lines each (lots expired and still valid, redemptions, an adjustment without
expiry) inserted with set-based SQL, then ``loyalty.card._idic_expire_points``
over the whole id range, over the batches ``_cron_idic_points_expire`` uses
(without its commits), an idempotent re-run, and a baseline: one
``INSERT ... SELECT`` of a line per expired card plus one ``UPDATE`` of
``loyalty_card.points`` over the same cards.

Everything is rolled back at the end: the database keeps its data (only id
sequences advance, as sequences are not transactional).

    python3 bench/bench_loyalty.py -c .run/demo.conf -d partner_idic_bench5

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time

from bench_stage_advance import run_rolled_back

EARNING_TARGET = 1.10
EXPIRY_TARGET = 3.0
SAVEPOINT_START = "bench_loyalty_start"
SAVEPOINT_CARDS = "bench_loyalty_cards"

# One partner and one card per row; r1..r4 are deterministic pseudo-random
# buckets 0..99 of the row.
CARDS_SQL = """
WITH ids AS (
    SELECT g AS i,
           nextval('res_partner_id_seq')::int AS partner_id,
           nextval('loyalty_card_id_seq')::int AS card_id
      FROM generate_series(1, %(n)s) AS g
),
partners AS (
    INSERT INTO res_partner (
        id, name, complete_name, type, active, is_company, commercial_partner_id,
        lang, email, email_normalized, customer_rank, supplier_rank,
        autopost_bills, partner_share, employee, color,
        create_uid, create_date, write_uid, write_date)
    SELECT partner_id, 'Bench Card Holder ' || i, 'Bench Card Holder ' || i,
           'contact', TRUE, TRUE, partner_id, 'en_US',
           'holder' || i || '@example.com', 'holder' || i || '@example.com',
           1, 0, 'ask', TRUE, FALSE, 0,
           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
      FROM ids
    RETURNING id
)
INSERT INTO loyalty_card (
    id, program_id, company_id, partner_id, code, active, points,
    create_uid, create_date, write_uid, write_date)
SELECT ids.card_id, %(program)s, %(company)s, partners.id,
       'bench-loyalty-' || ids.card_id, TRUE, 0,
       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
  FROM ids JOIN partners ON partners.id = ids.partner_id
RETURNING id
"""

# The history of each card, in the order it happened:
#   an old lot earned ~13 months ago, expired 5 to 34 days ago (every card);
#   a recent lot earned 2 to 5 months ago, valid for 7 to 10 more months (70%);
#   a redemption a month ago (50%: a part of the old lot; 10% of the cards
#     spent more than the old lot, which then has nothing left to expire);
#   an older lot already expired by an earlier run of the job (20%);
#   an adjustment that never expires (10%).
HISTORY_SQL = """
WITH cards AS (
    SELECT c.id AS card_id, c.partner_id,
           abs(hashtextextended(c.id::text, 1) %% 100)::int AS r1,
           abs(hashtextextended(c.id::text, 2) %% 100)::int AS r2,
           abs(hashtextextended(c.id::text, 3) %% 100)::int AS r3,
           abs(hashtextextended(c.id::text, 4) %% 100)::int AS r4
      FROM loyalty_card c
     WHERE c.id BETWEEN %(lo)s AND %(hi)s
),
lines AS (
    SELECT c.card_id, c.partner_id, x.*
      FROM cards c
     CROSS JOIN LATERAL (VALUES
        -- an older lot, expired (in full) by an earlier run of the job
        (1, c.r4 < 20, 'earn', 25.0, 0.0, %(today)s::date - 800,
         %(today)s::date - 435),
        (2, c.r4 < 20, 'expire', 0.0, 25.0, %(today)s::date - 435, NULL::date),
        (3, TRUE, 'earn', 10.0 + c.r1, 0.0, %(today)s::date - 370 - c.r2 %% 30,
         %(today)s::date - 5 - c.r2 %% 30),
        (4, c.r3 < 70, 'earn', 20.0 + c.r2, 0.0,
         %(today)s::date - 60 - c.r1 %% 90, %(today)s::date + 305 - c.r1 %% 90),
        (5, c.r3 %% 2 = 0, 'redeem', 0.0,
         CASE WHEN c.r4 >= 90 THEN 10.0 + c.r1 + 5 ELSE (10.0 + c.r1) / 2 END,
         %(today)s::date - 30, NULL::date),
        (6, c.r4 BETWEEN 40 AND 49, 'adjust', 5.0, 0.0, %(today)s::date - 20,
         NULL::date)
     ) AS x(seq, present, kind, issued, used, day, expiry)
     WHERE x.present
)
INSERT INTO loyalty_history (
    card_id, partner_id, description, issued, used, idic_net, idic_kind,
    idic_date, idic_expiry_date, idic_user_id,
    create_uid, create_date, write_uid, write_date)
SELECT card_id, partner_id, 'Bench ' || kind, issued, used, issued - used, kind,
       day, expiry, %(uid)s,
       %(uid)s, day::timestamp, %(uid)s, day::timestamp
  FROM lines
 ORDER BY card_id, seq
"""

# A correlated sub-select: its plan does not depend on the (stale) statistics
# of the tables the rows were just inserted in.
CARD_POINTS_SQL = """
UPDATE loyalty_card c
   SET points = (SELECT ROUND(SUM(h.issued - h.used)::numeric, 2)
                   FROM loyalty_history h
                  WHERE h.card_id = c.id)
 WHERE c.id BETWEEN %(lo)s AND %(hi)s
"""

BASELINE_LINES_SQL = """
INSERT INTO loyalty_history (
    card_id, partner_id, description, issued, used, idic_net, idic_kind,
    idic_date, idic_user_id, create_uid, create_date, write_uid, write_date)
SELECT c.id, c.partner_id, 'Points expired', 0, 1, -1, 'expire', %(today)s,
       %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
  FROM loyalty_card c
 WHERE c.id = ANY(%(ids)s)
"""

BASELINE_POINTS_SQL = """
UPDATE loyalty_card SET points = points - 1, write_uid = %(uid)s,
       write_date = now() AT TIME ZONE 'UTC'
 WHERE id = ANY(%(ids)s)
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the loyalty points: posting and paying invoices "
        "with earning on against off, and the expiry job against a single "
        "INSERT and UPDATE (everything is rolled back)."
    )
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument(
        "--only", choices=("earning", "expiry"), help="run one part of the benchmark"
    )
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument(
        "--chunk", type=int, default=250, help="invoices posted and paid at a time"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="invoices posted and paid each way before the measurement (not counted)",
    )
    parser.add_argument(
        "--bypass",
        action="store_true",
        help="a third variant, alternating with the two others: earning off and "
        "account.move._idic_sync_points replaced by a no-op in this process (what "
        "the points hook costs even when it grants nothing)",
    )
    parser.add_argument(
        "--points-on",
        choices=("payment", "post"),
        default="payment",
        help="when invoices earn their points (the company setting)",
    )
    parser.add_argument("--cards", type=int, default=100000)
    parser.add_argument(
        "--batch-size", type=int, default=20000, help="the expiry cron's batch size"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each expiry measurement (median)"
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="do not ANALYZE loyalty_card and loyalty_history after inserting the "
        "cards (by default they are, as a database that really holds them would "
        "be: the statistics are rolled back, but PostgreSQL keeps the new row-count "
        "estimate of the tables); beware: with the statistics of nearly empty "
        "tables the expiry statement may run for hours",
    )
    parser.add_argument(
        "--company-id", type=int, help="company to invoice in (default: the user's)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the posting and payment chunks with cProfile and print where "
        "the time goes in each variant (the profiler slows everything down: the "
        "figures of such a run are not the measurement)",
    )
    args = parser.parse_args(argv)
    if (
        args.invoices < 2
        or args.customers < 2
        or args.chunk < 1
        or args.warmup < 0
        or args.cards < 10
        or args.batch_size < 1
        or args.repeat < 1
    ):
        parser.error(
            "--invoices and --customers must be >= 2, --cards >= 10, "
            "--chunk, --batch-size and --repeat >= 1, --warmup >= 0"
        )
    return args


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def today_of(env):
    from odoo import fields  # noqa: PLC0415

    return fields.Date.context_today(env["res.partner"])


def rollback_to(env, savepoint):
    env.cr.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
    env.invalidate_all()


def ensure_chart(env, company):
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        print(f"note: loaded the generic chart of accounts in {company.name}")


# ----------------------------------------------------------------------------
# Earning
# ----------------------------------------------------------------------------
def create_invoices(env, company, n, ncustomers):
    Partner = env["res.partner"].with_company(company)
    customers = Partner.create(
        [
            {
                "name": f"Bench Loyalty Customer {i}",
                "is_company": True,
                "email": f"loyalty{i}@example.com",
                "company_id": False,
            }
            for i in range(ncustomers)
        ]
    )
    # One customer in ten was referred by the customer before it.
    for i in range(10, ncustomers, 10):
        customers[i].idic_referred_by_id = customers[i - 1]
    tax = company.account_sale_tax_id
    today = today_of(env)
    vals_list = []
    for i in range(n):
        lines = [
            {
                "name": f"Bench service {i}-{k}",
                "quantity": 1 + (i + k) % 3,
                "price_unit": 10.0 + (i * 7 + k * 13) % 190,
                "tax_ids": [(6, 0, tax.ids)],
            }
            for k in range(1 + i % 4)
        ]
        vals_list.append(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": customers[i % ncustomers].id,
                "invoice_date": today,
                "invoice_line_ids": [(0, 0, line) for line in lines],
            }
        )
    Move = env["account.move"].with_company(company)
    moves = Move.browse()
    for start in range(0, n, 250):
        moves |= Move.create(vals_list[start : start + 250])
    env.flush_all()
    return customers, moves


VARIANTS = {
    "off": "earning off (rate 0, program kept)",
    "on": "earning on (rate 1.0, referral bonus 50)",
    "nosync": "off and _idic_sync_points bypassed",
}


def set_earning(env, company, variant):
    on = variant == "on"
    company.write(
        {
            "idic_points_rate": 1.0 if on else 0.0,
            "idic_referral_points": 50.0 if on else 0.0,
        }
    )
    env.flush_all()


class bypass_sync:
    """Replace ``account.move._idic_sync_points`` by a no-op in this process's
    registry while the block runs (the add-on's other hooks still run)."""

    def __init__(self, env, active):
        self.cls = type(env["account.move"])
        self.active = active

    def __enter__(self):
        if self.active:
            self.cls._idic_sync_points = lambda records: None

    def __exit__(self, *exc):
        if self.active:
            del self.cls._idic_sync_points


def post_and_pay(env, moves):
    """Post ``moves`` and register their payment; return (post seconds, pay
    seconds, payments)."""

    def post():
        moves.action_post()
        env.flush_all()

    def pay():
        payments = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({})
            ._create_payments()
        )
        env.flush_all()
        return payments

    post_time, _none = timed(post)
    pay_time, payments = timed(pay)
    return post_time, pay_time, payments


def points_of(env, moves):
    env.flush_all()
    env.cr.execute(
        """SELECT COUNT(*), COALESCE(SUM(issued - used), 0) FROM loyalty_history
            WHERE order_model = 'account.move' AND order_id = ANY(%s)""",
        (moves.ids,),
    )
    return env.cr.fetchone()


def print_profile(label, profile, limit=25):
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats("cumulative").print_stats(r"partner_idic", limit)
    stats.sort_stats("tottime").print_stats(limit)
    print(f"\n--- cProfile, earning {label}:\n{stream.getvalue()}")


def run_earning(env, args):
    cr = env.cr
    company = (
        env["res.company"].browse(args.company_id) if args.company_id else env.company
    )
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    ensure_chart(env, company)
    company.idic_points_on = args.points_on
    warmup = 2 * args.warmup
    total = args.invoices + warmup
    setup_time, (customers, moves) = timed(
        lambda: create_invoices(env, company, total, args.customers)
    )
    print(
        f"earning setup: {len(customers)} customers, {total} draft invoices "
        f"({len(moves.invoice_line_ids)} lines) created in {setup_time:.1f} s "
        f"in {company.name}; points earned on {args.points_on}"
    )
    warm, moves = moves[:warmup], moves[warmup:]

    # Warm-up (not counted): a few invoices each way; earning on creates the
    # relationship program, so that "off" is earning switched off after having
    # been on (with no program and a rate of 0, the hooks return at once).
    for variant, part in (("off", warm[: args.warmup]), ("on", warm[args.warmup :])):
        if part:
            set_earning(env, company, variant)
            post_and_pay(env, part)

    variants = ["off", "on"] + (["nosync"] if args.bypass else [])
    chunks = [moves[i : i + args.chunk] for i in range(0, len(moves), args.chunk)]
    times = {v: [0.0, 0.0] for v in variants}
    counts = dict.fromkeys(variants, 0)
    payments = dict.fromkeys(variants, 0)
    done = dict.fromkeys(variants, env["account.move"])
    profiles = {v: cProfile.Profile() for v in variants}
    nvar = len(variants)
    for index, chunk in enumerate(chunks):
        # Each round of chunks starts with another variant: off, on | on, off |
        # ... (off, on, nosync | on, nosync, off | ... with --bypass).
        rnd, pos = divmod(index, nvar)
        variant = variants[(pos + rnd) % nvar]
        set_earning(env, company, variant)
        env.invalidate_all()
        chunk = chunk.with_env(env)
        with bypass_sync(env, variant == "nosync"):
            if args.profile:
                profiles[variant].enable()
            post_time, pay_time, pays = post_and_pay(env, chunk)
            if args.profile:
                profiles[variant].disable()
        times[variant][0] += post_time
        times[variant][1] += pay_time
        counts[variant] += len(chunk)
        payments[variant] += len(pays)
        done[variant] |= chunk

    points = {v: points_of(env, done[v]) for v in variants}
    cr.execute(
        """SELECT COUNT(*), COALESCE(SUM(issued), 0) FROM loyalty_history
            WHERE idic_kind = 'referral' AND order_model = 'res.partner'
              AND order_id = ANY(%s)""",
        (customers.ids,),
    )
    referrals, referral_points = cr.fetchone()
    expected_on = sum(abs(m.amount_untaxed_signed) for m in done["on"])
    unpaid = sum(
        len(done[v].filtered(lambda m: m.payment_state not in ("paid", "in_payment")))
        for v in variants
    )

    def per_invoice(variant, part=None):
        seconds = sum(times[variant]) if part is None else times[variant][part]
        return seconds / counts[variant] if counts[variant] else float("nan")

    print(
        f"chunks: {len(chunks)} of up to {args.chunk} invoices, alternating "
        + ", ".join(f"{counts[v]} {v}" for v in variants)
        + f"; warm-up {args.warmup} invoices each way, not counted"
    )
    for v in variants:
        post_time, pay_time = times[v]
        print(
            f"{v:<6}: post {post_time:.2f} s + pay {pay_time:.2f} s "
            f"({payments[v]} payments) = {post_time + pay_time:.2f} s, "
            f"{1000.0 * per_invoice(v):.1f} ms per invoice  [{VARIANTS[v]}]"
        )
    print(
        "points lines / points: "
        + "; ".join(f"{v} {points[v][0]} / {points[v][1]:.2f}" for v in variants)
        + f" (expected with earning on: {expected_on:.2f}); "
        f"referral bonuses: {referrals} ({referral_points:.2f} points)"
    )
    if unpaid:
        print(f"warning: {unpaid} invoices are not paid after the payment")

    def ratio(a, b, part=None):
        return per_invoice(a, part) / per_invoice(b, part)

    print(
        f"earning overhead: {args.invoices} invoices posted and paid, "
        f"{1000.0 * per_invoice('on'):.1f} ms per invoice on, "
        f"{1000.0 * per_invoice('off'):.1f} off; post {ratio('on', 'off', 0):.2f}x, "
        f"pay {ratio('on', 'off', 1):.2f}x; "
        f"ratio on/off {ratio('on', 'off'):.2f}x (target <= {EARNING_TARGET:.2f}x)"
    )
    if args.bypass:
        print(
            f"sync hook: off / nosync {ratio('off', 'nosync'):.2f}x, "
            f"on / nosync {ratio('on', 'nosync'):.2f}x "
            f"(post {ratio('on', 'nosync', 0):.2f}x, pay {ratio('on', 'nosync', 1):.2f}x)"
        )
    if args.profile:
        for v in variants:
            print_profile(v, profiles[v])
    if not points["on"][0] or not points["on"][1]:
        raise RuntimeError("no points earned with earning on: it means nothing")
    for v in variants:
        if v != "on" and points[v][0]:
            raise RuntimeError(f"{points[v][0]} points lines written with {v}")


# ----------------------------------------------------------------------------
# Expiry
# ----------------------------------------------------------------------------
def insert_cards(env, program, n):
    cr = env.cr
    params = {
        "n": n,
        "uid": env.uid,
        "program": program.id,
        "company": program.company_id.id or env.company.id,
        "today": today_of(env),
    }
    cr.execute(CARDS_SQL, params)
    ids = [row[0] for row in cr.fetchall()]
    lo, hi = min(ids), max(ids)
    if hi - lo + 1 != n:
        print(f"note: card id range {lo}-{hi} also holds {hi - lo + 1 - n} other cards")
    params.update(lo=lo, hi=hi)
    cr.execute(HISTORY_SQL, params)
    lines = cr.rowcount
    cr.execute(CARD_POINTS_SQL, params)
    env.invalidate_all()
    return lo, hi, lines


def max_card_id(env):
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM loyalty_card")
    return env.cr.fetchone()[0]


def expire_once(env):
    return env["loyalty.card"]._idic_expire_points(0, max_card_id(env) + 1)


def expire_cron(env, batch_size):
    """What ``_cron_idic_points_expire`` does, minus commits and reminders."""
    Card = env["loyalty.card"]
    max_id = max_card_id(env)
    count, start, batches = 0, 0, 0
    while start <= max_id:
        end = start + batch_size
        count += Card._idic_expire_points(start, end)
        start = end
        batches += 1
    return count, batches


def expired_cards(env, lo, hi):
    env.cr.execute(
        """SELECT card_id, used FROM loyalty_history
            WHERE idic_kind = 'expire' AND card_id BETWEEN %s AND %s
              AND idic_date = %s""",
        (lo, hi, today_of(env)),
    )
    return env.cr.fetchall()


def baseline(env, card_ids):
    params = {
        "ids": card_ids,
        "uid": env.uid,
        "today": today_of(env),
    }
    env.cr.execute(BASELINE_LINES_SQL, params)
    lines = env.cr.rowcount
    env.cr.execute(BASELINE_POINTS_SQL, params)
    return lines


def run_expiry(env, args):
    cr = env.cr
    company = (
        env["res.company"].browse(args.company_id) if args.company_id else env.company
    )
    program = company._idic_loyalty_program()
    env.flush_all()
    insert_time, (lo, hi, nlines) = timed(
        lambda: insert_cards(env, program, args.cards)
    )
    if not args.no_analyze:
        cr.execute("ANALYZE loyalty_card")
        cr.execute("ANALYZE loyalty_history")
    cr.execute(
        "SELECT COUNT(*) FROM loyalty_card c"
        " WHERE c.program_id IN %s AND NOT (c.id BETWEEN %s AND %s)",
        (tuple(env["loyalty.card"]._idic_programs().ids) or (0,), lo, hi),
    )
    others = cr.fetchone()[0]
    print(
        f"\nexpiry setup: {args.cards} cards (ids {lo}-{hi}) with {nlines} history "
        f"lines inserted in {insert_time:.1f} s in program {program.name!r}"
        f"{'' if args.no_analyze else ', then analyzed'}; "
        f"{others} other cards in relationship programs"
    )
    cr.execute(f"SAVEPOINT {SAVEPOINT_CARDS}")

    once_times, rerun_times, cron_times, base_times = [], [], [], []
    result = {"card_ids": None}

    def measure_once():
        seconds, result["expired"] = timed(lambda: expire_once(env))
        once_times.append(seconds)
        if result["card_ids"] is None:
            rows = expired_cards(env, lo, hi)
            result["card_ids"] = [row[0] for row in rows]
            result["points"] = sum(row[1] for row in rows)
        seconds, result["rerun_expired"] = timed(lambda: expire_once(env))
        rerun_times.append(seconds)

    def measure_cron():
        seconds, (result["cron_expired"], result["batches"]) = timed(
            lambda: expire_cron(env, args.batch_size)
        )
        cron_times.append(seconds)

    def measure_baseline():
        ids = result["card_ids"]
        seconds, result["based"] = timed(lambda: baseline(env, ids))
        base_times.append(seconds)

    # Each run of the three measurements starts with a different one, so that
    # the dead row versions the earlier ones leave behind weigh on all of them.
    steps = [measure_once, measure_cron, measure_baseline]
    for rep in range(args.repeat):
        for step in steps[rep % 3 :] + steps[: rep % 3]:
            step()
            rollback_to(env, SAVEPOINT_CARDS)
    expired, rerun_expired = result["expired"], result["rerun_expired"]
    cron_expired, batches = result["cron_expired"], result["batches"]
    card_ids, points, based = result["card_ids"], result["points"], result["based"]

    def runs(times):
        return ", ".join(f"{t:.2f}" for t in times)

    once = statistics.median(once_times)
    rerun = statistics.median(rerun_times)
    cron = statistics.median(cron_times)
    base = statistics.median(base_times)
    print(f"runs: {args.repeat}; cron batches: {batches} of {args.batch_size} card ids")
    print(
        f"expired: {expired} cards in the single pass ({len(card_ids)} of the "
        f"inserted ones, {points:.2f} points), {cron_expired} by the cron batches"
    )
    print(f"single pass runs (s):  {runs(once_times)}")
    print(f"re-run runs (s):       {runs(rerun_times)}  ({rerun_expired} expired)")
    print(f"cron batch runs (s):   {runs(cron_times)}")
    print(f"baseline runs (s):     {runs(base_times)}  ({based} lines + cards)")
    ratio = cron / base if base else float("inf")
    print(
        f"points expiry: {args.cards} cards, {cron_expired} expired by the cron "
        f"batches in {cron:.2f} s (single pass {once:.2f} s, idempotent re-run "
        f"{rerun:.2f} s); baseline INSERT + UPDATE: {base:.2f} s; ratio {ratio:.1f}x "
        f"(single pass {once / base if base else float('inf'):.1f}x; "
        f"target <= {EXPIRY_TARGET:g}x)"
    )
    if not expired or not card_ids:
        raise RuntimeError("no card expired: the measurement means nothing")
    if cron_expired != expired:
        print(f"warning: the cron batches expired {cron_expired}, the pass {expired}")
    if rerun_expired:
        print(f"warning: the second run expired {rerun_expired} cards again")


def run(env, args):
    env.cr.execute(f"SAVEPOINT {SAVEPOINT_START}")
    if args.only != "expiry":
        run_earning(env, args)
        rollback_to(env, SAVEPOINT_START)
    if args.only != "earning":
        run_expiry(env, args)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run_rolled_back(args, run)


if __name__ == "__main__":
    sys.exit(main())
