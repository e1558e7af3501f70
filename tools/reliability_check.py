#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Killed jobs and jobs under concurrent use give a clean run's tables (#13).

Works on scratch copies (``CREATE DATABASE ... TEMPLATE``) of a database with
the add-on installed, never on that database itself:

1. *seed*: a copy where the main company (or, without a chart of accounts,
   a company of its own) gets customers, posted invoices (some with
   donations), membership lines ending soon, loyalty lots about to expire or
   expired, open invoices to pay, and real users (billing clerks,
   relationship users, relationship managers). Each job's cron record is set
   to run its ``_cron_*`` entry point with a small batch size, so that one
   run commits many batches.

2. *Killed process*: two copies of the seed, ``clean`` and ``killed``. For each
   job (value, donor, membership, stage, expiry), in this order, a separate
   OS process runs the job through Odoo's scheduler code path
   (``ir.cron._acquire_one_job`` + ``_process_job``, until the scheduler has
   nothing left to run for it) on ``clean``; it counts the batches it commits
   (``n``). On ``killed`` a process runs the same job and kills itself with
   SIGKILL right after its ``n // 2``-th committed batch; a new process runs
   the job again to the end. The whole tables the jobs write (every ``idic_``
   / membership column of the partners, membership lines, stage and tier
   histories, reminders, loyalty cards and ledger, activities, e-mails) must
   then be equal in both databases, and nothing sent or granted twice.

3. *Concurrent use*: the jobs run once on the seed (but the points expiry,
   which the users' redemptions race with), as every night before the users
   come; then on a copy ``concurrent`` one process runs the five jobs round
   after round through the scheduler's code path while threads act as real
   users through the ORM (each request retried on serialization failures
   and deadlocks as Odoo's RPC layer does, ``odoo.service.model.retrying``):
   clerks post invoices and register payments, relationship users log
   interactions, managers set tiers by hand, stages by hand (locked),
   withdraw members and redeem points, holding their transaction open a
   moment as a slow request does. When the users are done, the jobs run
   their next round (what the scheduler runs next). Then: user-written
   values must have survived (no lost update); nothing granted or sent twice
   and ledgers equal to balances; a clean re-run of the jobs changes
   nothing; and the partners' figures, statuses and points equal those of a
   copy ``reference`` where the same requests ran first, one after the
   other, and the jobs after them. Printed: requests answered, refused,
   failed, retried; job runs, batches, failed runs (run again), deadlocks,
   serialization failures; and the differences (all must be 0).

Prints the figures and exits non-zero when a difference is found. The scratch
databases are dropped at the end (``--keep`` keeps them).

    python3 tools/reliability_check.py -c .run/demo.conf -d partner_idic_demo
"""

import argparse
import json
import logging
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from functools import partial

JOBS = (
    ("value", "partner_idic.ir_cron_idic_value_recompute", "_cron_idic_value_recompute"),
    ("donor", "partner_idic.ir_cron_idic_donor_recompute", "_cron_idic_donor_recompute"),
    (
        "membership",
        "partner_idic.ir_cron_idic_membership_status",
        "_cron_idic_membership_status",
    ),
    ("stage", "partner_idic.ir_cron_idic_stage_advance", "_cron_idic_stage_advance"),
    ("expiry", "partner_idic.ir_cron_idic_points_expire", "_cron_idic_points_expire"),
)  # fmt: skip
CUSTOMERS = 30
PASSWORD = "reliability-pass-1"
# Tables whose rows the jobs create: their ids (and links to other created
# rows) come from sequences that a killed run advanced too.
CREATED_ROWS = {
    "idic_stage_history",
    "idic_tier_history",
    "idic_member_reminder",
    "loyalty_history",
    "mail_activity",
}
TABLES = (
    "res_partner",
    "membership_membership_line",
    "idic_stage_history",
    "idic_tier_history",
    "idic_member_reminder",
    "loyalty_history",
    "loyalty_card",
    "mail_activity",
)
LEFT_OUT = {
    "create_date",
    "write_date",
    "write_uid",
    "create_uid",
    "message_main_attachment_id",
    # derived from now(): the clock of the run, not its result
    "duration_days",
}
_logger = logging.getLogger("reliability")
# The columns of each table's rows in the last snapshot, to name what differs.
COLUMNS = {}


# ----------------------------------------------------------------------
# Databases
# ----------------------------------------------------------------------
def odoo_setup(config, dbname=None):
    from odoo.tools import config as odoo_config  # noqa: PLC0415

    args = ["-c", config, "--log-level", "error"]
    if dbname:
        args += ["-d", dbname]
    odoo_config.parse_config(args)
    # A statement that fails on a concurrent update is logged by the cursor
    # before it is retried: the retries are counted, not shown.
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)


def pg(dbname="postgres"):
    from odoo import sql_db  # noqa: PLC0415

    return sql_db.db_connect(dbname).cursor()


def release(dbname):
    """Close this process's connections to ``dbname``."""
    from odoo import sql_db  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    Registry.delete(dbname)
    sql_db.close_db(dbname)


def copy_database(source, target):
    """``target`` made as a copy of ``source``; other sessions on ``source``
    (a server left running on it) are closed first, as Odoo's own database
    duplication does."""
    drop_database(target)
    with pg() as cr:
        cr._cnx.autocommit = True
        for attempt in range(5):
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [source],
            )
            try:
                cr.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
                return
            except Exception:
                if attempt == 4:
                    raise
                time.sleep(1)


def drop_database(name):
    release(name)
    with pg() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------
# The seed
# ----------------------------------------------------------------------
def seed(dbname):
    """The data of the run, committed; returns what the checks need."""
    from odoo import Command, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    today = date.today()
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        # The main company when it has its accounts (a database with demo
        # data), else a company of its own (loading a chart costs a minute).
        company = env.ref("base.main_company")
        if not company.chart_template:
            company = env["res.company"].create(
                {"name": "IDIC Reliability", "currency_id": env.ref("base.USD").id}
            )
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        company.write(
            {
                "idic_points_rate": 1.0,
                "idic_points_on": "payment",
                "idic_points_validity_months": 12,
                "idic_points_notice_days": 60,
                "idic_member_reminder_days": "30,7",
                "idic_member_grace_days": 30,
            }
        )
        tiers = env["idic.value.tier"].search(
            [("company_id", "=", company.id)], order="min_threshold"
        )
        if not tiers:
            for name, minimum in (
                ("R Bronze", 0.0),
                ("R Silver", 300.0),
                ("R Gold", 900.0),
            ):
                tiers |= tiers.create(
                    {
                        "name": name,
                        "company_id": company.id,
                        "basis": "clv",
                        "min_threshold": minimum,
                    }
                )
        # Amounts that move customers across the tiers.
        scale = max((tiers[1:2].min_threshold or 300.0) / 300.0, 1.0)

        def user(login, groups):
            return env["res.users"].create(
                {
                    "name": login,
                    "login": login,
                    "password": PASSWORD,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "group_ids": [Command.set([env.ref(g).id for g in groups])],
                }
            )

        users = {
            f"clerk_{index}": user(
                f"rel_clerk_{index}",
                ["account.group_account_invoice", "partner_idic.group_idic_user"],
            )
            for index in range(2)
        }
        for index in range(2):
            users[f"manager_{index}"] = user(
                f"rel_manager_{index}", ["partner_idic.group_idic_manager"]
            )
        for index in range(3):
            users[f"logger_{index}"] = user(
                f"rel_logger_{index}", ["partner_idic.group_idic_user"]
            )
        product = env["product.product"].create(
            {"name": "R Service", "type": "service", "taxes_id": [Command.clear()]}
        )
        gift = env["product.product"].create(
            {
                "name": "R Gift",
                "type": "service",
                "idic_is_donation": True,
                "taxes_id": [Command.clear()],
            }
        )
        start = today - timedelta(days=350)
        membership = env["product.product"].create(
            {
                "name": "R Membership",
                "type": "service",
                "membership": True,
                "list_price": 20.0,
                "membership_date_from": start,
                "membership_date_to": start + timedelta(days=364),
            }
        )
        Partner = env["res.partner"].with_company(company)
        Move = env["account.move"].with_company(company)
        customers = Partner.create(
            [
                {
                    "name": f"R Customer {index}",
                    "email": f"r{index}@example.com",
                    "company_id": company.id,
                    "is_company": True,
                }
                for index in range(CUSTOMERS)
            ]
        )
        Partner.create(
            [
                {"name": f"R Contact {index}", "parent_id": customer.id}
                for index, customer in enumerate(customers[::4])
            ]
        )

        def invoice(customer, when, lines):
            return {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": when,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": p.id,
                            "price_unit": price * scale,
                            "quantity": 1.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for p, price in lines
                ],
            }

        history = []
        opened = []
        for index, customer in enumerate(customers):
            for days_ago in range(10, 400 * (1 + index % 3), 200):
                lines = [(product, 50.0 * (index + 1))]
                if index % 2:
                    lines.append((gift, 10.0 * index))
                history.append(
                    invoice(customer, today - timedelta(days_ago + index), lines)
                )
            opened.append(
                invoice(customer, today - timedelta(days=5), [(product, 40.0)])
            )
            if index % 3 == 0:
                env["membership.membership_line"].create(
                    {
                        "partner_id": customer.id,
                        "membership_id": membership.id,
                        "member_price": 20.0,
                        "date": start,
                        "date_from": start,
                        "date_to": today + timedelta(days=index - 5),
                        "state": "paid",
                    }
                )
        open_invoices = Move.create(opened)
        (Move.create(history) | open_invoices).action_post()
        Card = env["loyalty.card"]
        cards = {}
        for index, customer in enumerate(customers):
            card = Card._idic_card(customer, company)
            cards[customer.id] = card.id
            card._idic_add_line(
                10.0 + index, "earn", "R old lot", date=today - timedelta(days=400)
            )
            card._idic_add_line(
                5.0, "earn", "R older lot", date=today - timedelta(days=330)
            )
            card._idic_add_line(5.0, "earn", "R new lot")
        # Small batches: a run commits many of them.
        cr.execute("SELECT MAX(id) FROM res_partner")
        partner_batch = max(cr.fetchone()[0] // 8, 1)
        cr.execute("SELECT MAX(id) FROM loyalty_card")
        card_batch = max(cr.fetchone()[0] // 4, 1)
        for _name, xmlid, method in JOBS:
            size = card_batch if method == "_cron_idic_points_expire" else partner_batch
            env.ref(xmlid).sudo().write({"code": f"model.{method}(batch_size={size})"})
        stages = env["idic.stage"].search([], order="sequence, id")
        cr.commit()
        return {
            "company": company.id,
            "customers": customers.ids,
            "cards": cards,
            "open_invoices": open_invoices.ids,
            "tiers": tiers.ids,
            "stages": stages.ids,
            "products": {"service": product.id, "gift": gift.id},
            "users": {key: u.id for key, u in users.items()},
            "members": customers[::3].ids,
            "batch": {"partners": partner_batch, "cards": card_batch},
        }


# ----------------------------------------------------------------------
# Running jobs in a process of their own, as the scheduler does
# ----------------------------------------------------------------------
class CronLog(logging.Handler):
    """Collects what the scheduler logs of each job run: its completion
    status and the exceptions it caught."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.statuses = []
        self.errors = []

    def emit(self, record):
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith("Job %r (%s) %s (#loop"):
            self.statuses.append(str(record.args[2]))
        elif record.exc_info:
            self.errors.append(
                f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}".strip()[
                    :300
                ]
            )


def child(spec):
    """Entry point of a job process (``--child``)."""
    odoo_setup(spec["config"], spec["db"])
    from odoo import api, sql_db  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    from odoo.addons.base.models.ir_cron import IrCron  # noqa: PLC0415

    log = CronLog()
    cron_logger = logging.getLogger("odoo.addons.base.models.ir_cron")
    cron_logger.addHandler(log)
    cron_logger.setLevel(logging.INFO)
    cron_logger.propagate = False
    registry = Registry(spec["db"])
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        cron_ids = {name: env.ref(xmlid).id for name, xmlid, _m in JOBS}
    commits = Counter()
    current = [None]
    kill_after = {}
    Cron = registry["ir.cron"]
    commit_progress = Cron._commit_progress

    def counting(self, *args, **kwargs):
        result = commit_progress(self, *args, **kwargs)
        if self.env.context.get("ir_cron_progress_id"):
            commits[current[0]] += 1
            if commits[current[0]] == kill_after.get(current[0]):
                print(json.dumps({"killed_after": commits[current[0]]}), flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        return result

    Cron._commit_progress = counting
    runs = Counter()
    failures = Counter()
    db = sql_db.db_connect(spec["db"])

    def run(name):
        """Run the job until the scheduler would have nothing left of it:
        'partially done' is run again at once; 'failed' (an exception the
        scheduler caught: a deadlock...) is run again, as its next run would
        be, up to 5 times."""
        current[0] = name
        failed = 0
        for _attempt in range(100):
            registry.check_signaling()  # as the scheduler's loop does
            with db.cursor() as cron_cr:
                job = IrCron._acquire_one_job(
                    cron_cr, cron_ids[name], include_not_ready=True
                )
                if not job:
                    time.sleep(0.2)  # another worker holds it
                    continue
                before = len(log.statuses)
                registry["ir.cron"]._process_job(cron_cr, job)
                cron_cr.commit()
            runs[name] += 1
            status = log.statuses[-1] if len(log.statuses) > before else "?"
            if status == "fully done":
                return True
            if status == "failed":
                failed += 1
                failures[name] += 1
                if failed > 5:
                    return False
        return False

    if spec["steps"] is None:
        # Started ahead (its registry loaded): the steps come when it is time.
        spec["steps"] = json.loads(sys.stdin.readline())
    finished = True
    rounds = 0
    stop = spec.get("stop_file")
    while True:
        for name, kill, save in spec["steps"]:
            kill_after[name] = kill
            commits[name] = 0 if kill else commits[name]
            finished &= run(name)
            if save:
                with open(f"{save}.part", "wb") as file:
                    pickle.dump(
                        (
                            snapshot(spec["db"]),
                            duplicates(spec["db"]),
                            dict(commits),
                            dict(runs),
                        ),
                        file,
                    )
                os.replace(f"{save}.part", save)
        rounds += 1
        if not stop or os.path.exists(stop):
            break
        time.sleep(0.5)  # a scheduler polls; the users get the machine a moment
    if stop:
        # The users are done: the scheduler's next run of each job.
        for name, _kill, _save in spec["steps"]:
            finished &= run(name)
        rounds += 1
    print(
        json.dumps(
            {
                "finished": finished,
                "rounds": rounds,
                "runs": runs,
                "failures": failures,
                "commits": commits,
                "statuses": Counter(log.statuses),
                "errors": log.errors[:20],
                "deadlocks": sum("deadlock" in e.lower() for e in log.errors),
                "serialization": sum(
                    "serializ" in e.lower() or "concurrent update" in e.lower()
                    for e in log.errors
                ),
            }
        ),
        flush=True,
    )


def spawn(args, db, steps=None, stop_file=None):
    """A process running the jobs of ``steps`` ([job, kill after this many
    committed batches or None, file to save a snapshot to after it or
    None]) on ``db``, once, or round after round until ``stop_file``
    exists. Without ``steps``, it loads Odoo and waits for them (``go``)."""
    spec = {"config": args.config, "db": db, "steps": steps, "stop_file": stop_file}
    return subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def go(proc, steps):
    proc.stdin.write(json.dumps(steps) + "\n")
    proc.stdin.flush()


def wait(proc):
    out, _err = proc.communicate()
    result = {}
    for line in out.splitlines():
        if line.startswith("{"):
            result.update(json.loads(line))
    result["returncode"] = proc.returncode
    return result


# ----------------------------------------------------------------------
# What the jobs leave
# ----------------------------------------------------------------------
def snapshot(dbname, left_out=()):
    """The whole tables the jobs write, as multisets of rows of text (without
    the columns ``left_out``)."""
    state = {}
    with pg(dbname) as cr:
        for table in TABLES:
            cr.execute(
                """SELECT column_name, data_type FROM information_schema.columns
                    WHERE table_name = %s ORDER BY column_name""",
                [table],
            )
            columns = []
            for column, kind in cr.fetchall():
                if (
                    column in LEFT_OUT
                    or column in left_out
                    or kind.startswith("timestamp")
                ):
                    continue
                if table in CREATED_ROWS and (column == "id" or column == "mail_id"):
                    continue
                if table == "res_partner" and not (
                    column.startswith(("idic", "membership"))
                    or column
                    in ("id", "free_member", "specific_property_product_pricelist")
                ):
                    continue
                columns.append(column)
            select = ", ".join(f'"{c}"::text' for c in columns)
            cr.execute(f'SELECT {select} FROM "{table}"')
            state[table] = Counter(tuple(row) for row in cr.fetchall())
            COLUMNS[table] = columns
        cr.execute(
            """SELECT msg.model, msg.res_id::text, msg.subject, m.email_to, m.state
                 FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id"""
        )
        state["mail_mail"] = Counter(tuple(row) for row in cr.fetchall())
    return state


def differences(first, second):
    """{table: (rows only in first, rows only in second)} where they differ."""
    found = {}
    for table in first:
        extra = first[table] - second[table]
        missing = second[table] - first[table]
        if extra or missing:
            found[table] = (extra, missing)
    return found


def duplicates(dbname):
    """Things sent or granted twice, and ledgers that disagree with balances."""
    checks = {
        "reminders sent twice (line, kind, offset)": """
            SELECT COUNT(*) FROM (SELECT 1 FROM idic_member_reminder
             GROUP BY line_id, kind, offset_days HAVING COUNT(*) > 1) d""",
        "e-mails queued twice (record, subject, recipient)": """
            SELECT COUNT(*) FROM (SELECT 1 FROM mail_mail m
              JOIN mail_message msg ON msg.id = m.mail_message_id
             GROUP BY msg.model, msg.res_id, msg.subject, m.email_to
            HAVING COUNT(*) > 1) d""",
        "documents earning points in more than one line": """
            SELECT COUNT(*) FROM (SELECT 1 FROM loyalty_history
             WHERE idic_kind = 'earn' AND order_id IS NOT NULL
             GROUP BY card_id, order_model, order_id HAVING SUM(issued - used) > 0
                AND COUNT(*) FILTER (WHERE issued > 0) > 1
                AND COUNT(*) FILTER (WHERE used > 0) = 0) d""",
        "points expired twice the same day": """
            SELECT COUNT(*) FROM (SELECT 1 FROM loyalty_history
             WHERE idic_kind = 'expire'
             GROUP BY card_id, idic_date HAVING COUNT(*) > 1) d""",
        "cards whose balance differs from their ledger": """
            SELECT COUNT(*) FROM loyalty_card c
             WHERE ROUND(c.points::numeric, 2) <> ROUND(COALESCE((
                   SELECT SUM(h.issued - h.used) FROM loyalty_history h
                    WHERE h.card_id = c.id), 0)::numeric, 2)
               AND EXISTS (SELECT 1 FROM loyalty_history h WHERE h.card_id = c.id)""",
        "overdrawn cards": "SELECT COUNT(*) FROM loyalty_card WHERE points < -0.005",
        "partners with two open stage stays": """
            SELECT COUNT(*) FROM (SELECT 1 FROM idic_stage_history
             WHERE date_out IS NULL GROUP BY partner_id HAVING COUNT(*) > 1) d""",
        "partners whose open stage stay is not their stage": """
            SELECT COUNT(*) FROM res_partner p
              JOIN idic_stage_history h ON h.partner_id = p.id AND h.date_out IS NULL
             WHERE h.stage_id IS DISTINCT FROM p.idic_stage_id""",
    }
    found = {}
    with pg(dbname) as cr:
        for label, query in checks.items():
            cr.execute(query)
            found[label] = cr.fetchone()[0]
    return found


def show(found, indent="      "):
    for table, (extra, missing) in sorted(found.items()):
        print(
            f"{indent}{table}: {sum(extra.values())} rows only in the first, "
            f"{sum(missing.values())} only in the second"
        )
        columns = COLUMNS.get(table, [])
        key = columns.index("id") if "id" in columns else None
        seconds = {row[key]: row for row in missing} if key is not None else {}
        for row in list(extra)[:2]:
            other = seconds.get(row[key]) if key is not None else None
            if other is None:
                print(f"{indent}  first : {row}"[:400])
                continue
            # The same row in both: only the columns that differ.
            changed = [
                f"{name}: {a} / {b}"
                for name, a, b in zip(columns, row, other, strict=True)
                if a != b
            ]
            print(f"{indent}  id {row[key]}: " + "; ".join(changed)[:600])
        for row in list(missing)[:2]:
            if key is None or row[key] not in {r[key] for r in extra}:
                print(f"{indent}  second: {row}"[:400])


# ----------------------------------------------------------------------
# Part 1: a killed process, then the job again
# ----------------------------------------------------------------------
def killed_jobs(args, clean, killed):
    """Each job on ``clean`` to the end, and on ``killed`` killed in the
    middle then run again: the tables after each job must be equal."""
    names = [name for name, _x, _m in JOBS]
    folder = tempfile.mkdtemp(prefix="reliability-")
    ok = True
    started = []
    print("Killed process (SIGKILL after half of the committed batches), run again:")
    try:
        start = (snapshot(clean), duplicates(clean))
        # Uninterrupted: one process runs each job to the end, a snapshot
        # after each.
        clean_run = spawn(
            args, clean, [[n, None, f"{folder}/clean-{n}"] for n in names]
        )
        started.append(clean_run)
        # Killed: process i runs job i-1 again to the end (snapshot), then
        # job i, which kills it after half of the batches of its
        # uninterrupted run. Each process is started (Odoo loaded) while the
        # one before works.
        kill_at = {}
        exits = {}
        ahead = spawn(args, killed)
        started.append(ahead)
        for index in range(len(names) + 1):
            current, ahead = ahead, None
            if index < len(names):
                ahead = spawn(args, killed)
                started.append(ahead)
            steps = []
            if index:
                steps.append(
                    [names[index - 1], None, f"{folder}/killed-{names[index - 1]}"]
                )
            if index < len(names):
                state = await_file(f"{folder}/clean-{names[index]}", clean_run)
                batches = state[2].get(names[index], 0) if state else 0
                kill_at[names[index]] = max(batches // 2, 1)
                steps.append([names[index], kill_at[names[index]], None])
            go(current, steps)
            result = wait(current)
            if index < len(names):
                exits[names[index]] = result["returncode"]
            elif result["returncode"]:
                exits["last"] = result["returncode"]
        uninterrupted = wait(clean_run)
        clean_states = {n: load(f"{folder}/clean-{n}") for n in names}
        previous = start
        for name in names:
            state, counts, commits, _runs = clean_states[name]
            batches = commits.get(name, 0)
            killed_state, killed_counts, _c, killed_runs = load(
                f"{folder}/killed-{name}"
            )
            found = differences(state, killed_state)
            twice = {
                label: killed_counts[label] - count
                for label, count in counts.items()
                if killed_counts[label] != count
            }
            problems = []
            if batches < 3:
                problems.append(f"only {batches} committed batches: nothing to cut")
            if not differences(previous[0], state):
                problems.append("the job had nothing to do")
            if exits[name] != -signal.SIGKILL:
                problems.append(f"the process was not killed (exit {exits[name]})")
            previous = (state, counts)
            print(
                f"  {name:<10} batches {batches:>3}, killed after {kill_at[name]:>3}"
                f" (exit {exits[name]}), then run again: {killed_runs.get(name, 0)}"
                f" scheduler run(s); tables differing from the uninterrupted run:"
                f" {len(found)}; sent or granted twice: {sum(twice.values())}"
            )
            show(found)
            for label, count in twice.items():
                print(f"      {label}: {count:+d} against the uninterrupted run")
            for problem in problems:
                print(f"      ERROR: {problem}"[:600])
            ok &= not found and not twice and not problems
        if not uninterrupted.get("finished") or exits.get("last"):
            print(f"      ERROR: a job did not end: {uninterrupted}, {exits}"[:600])
            ok = False
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep:
            drop_database(clean)
            drop_database(killed)
    return ok


def await_file(path, proc):
    """The snapshot ``proc`` saves to ``path``, when it is there (None if the
    process ended without it)."""
    while not os.path.exists(path):
        if proc.poll() is not None:
            return None
        time.sleep(0.2)
    return load(path)


def load(path):
    with open(path, "rb") as file:
        return pickle.load(file)


# ----------------------------------------------------------------------
# Part 2: jobs while users work
# ----------------------------------------------------------------------
def plan(data):
    """The users' operations: {user key: [(kind, args), ...]}. Each partner
    gets at most one hand-made change, and the invoices paid (whose points
    depend on the customer's tier at that moment) are of customers whose tier
    nothing else changes: the result is then the same in whatever order the
    requests and the jobs come."""
    rng = random.Random(13)
    customers = list(data["customers"])
    rng.shuffle(customers)
    paying, manual_tier = customers[:8], customers[12:18]
    manual_stage, redeem = customers[18:24], customers[24:28]
    members = [c for c in data["members"] if c in customers[18:]][:3]
    others = [c for c in customers if c not in paying and c not in manual_tier]
    # (An interaction moves the engagement figures, hence maybe the tier.)
    unpaid = [c for c in customers if c not in paying]
    invoices = dict(zip(data["customers"], data["open_invoices"], strict=True))
    ops = defaultdict(list)
    clerk = [("pay", (invoices[c],)) for c in paying]
    clerk += [("post", (rng.choice(others), 30.0 + i, i % 3 == 0)) for i in range(8)]
    rng.shuffle(clerk)
    ops["clerk_0"], ops["clerk_1"] = clerk[::2], clerk[1::2]
    for index in range(3):
        for i in range(10):
            ops[f"logger_{index}"].append(("log", (rng.choice(unpaid), i)))
    manager_ops = (
        [("tier", (c, rng.choice(data["tiers"]))) for c in manual_tier]
        + [("stage", (c, rng.choice(data["stages"]))) for c in manual_stage]
        + [("withdraw", (c,)) for c in members]
        + [("redeem", (data["cards"][c], c)) for c in redeem]
    )
    rng.shuffle(manager_ops)
    ops["manager_0"] = manager_ops[::2]
    ops["manager_1"] = manager_ops[1::2]
    return ops


def operation(env, data, kind, params, hold=0.0):
    """One user request, as the web client would make it."""
    from odoo import Command, fields  # noqa: PLC0415

    company = env["res.company"].browse(data["company"])
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    if kind == "post":
        customer, price, donation = params
        lines = [(data["products"]["service"], price)]
        if donation:
            lines.append((data["products"]["gift"], 15.0))
        env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer,
                "invoice_date": fields.Date.context_today(env.user),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product,
                            "price_unit": amount,
                            "quantity": 1.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for product, amount in lines
                ],
            }
        ).action_post()
    elif kind == "pay":
        context = dict(
            env.context, active_model="account.move", active_ids=list(params)
        )
        wizard = env["account.payment.register"].with_context(context).create({})
        wizard.action_create_payments()
    elif kind == "log":
        customer, i = params
        env["idic.interaction"].create(
            {"partner_id": customer, "channel": "phone", "subject": f"R call {i}"}
        )
    elif kind == "tier":
        customer, tier = params
        env["res.partner"].browse(customer).write({"idic_value_tier_id": tier})
    elif kind == "stage":
        customer, stage = params
        env["res.partner"].browse(customer).write(
            {"idic_stage_id": stage, "idic_stage_locked": True}
        )
    elif kind == "withdraw":
        (customer,) = params
        env["idic.member.withdraw"].create(
            {"partner_id": customer, "reason": "Leaving (reliability check)"}
        ).action_withdraw()
    elif kind == "redeem":
        card, _customer = params
        # All but the new lot: the old lots, which the expiry job takes too.
        points = env["loyalty.card"].browse(card).points - 5.0
        env["idic.points.redeem"].create(
            {"card_id": card, "points": points, "description": "R redemption"}
        ).action_redeem()
    env.flush_all()
    if hold:
        # A slow request: its rows stay locked a moment before it commits.
        time.sleep(hold)


class RetryLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.retries = Counter()

    def emit(self, record):
        message = record.getMessage()
        if "tries left" in message or "maximum number of tries" in message:
            self.retries[message.split(",")[0]] += 1


def run_users(dbname, data, ops, concurrent):
    """Run the users' operations (in threads when ``concurrent``); returns
    {outcome: count} and the retries seen."""
    from odoo import api  # noqa: PLC0415
    from odoo.exceptions import UserError  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.service.model import retrying  # noqa: PLC0415

    registry = Registry(dbname)
    retry_log = RetryLog()
    service_logger = logging.getLogger("odoo.service.model")
    service_logger.addHandler(retry_log)
    service_logger.setLevel(logging.INFO)
    service_logger.propagate = False
    outcomes = Counter()
    timings = {}
    failures = []
    lock = threading.Lock()

    def work(key, todo, seed_value):
        began = time.time()
        rng = random.Random(seed_value)
        uid = data["users"][key]
        for kind, params in todo:
            op_began = time.time()
            hold = (
                rng.uniform(0.2, 1.0) if concurrent and key.startswith("manager") else 0
            )
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, {"lang": "en_US"})
                    retrying(partial(operation, env, data, kind, params, hold), env)
                outcome = "answered"
            except UserError as error:
                outcome = "refused"
                with lock:
                    failures.append(f"{kind} refused: {error}"[:200])
            except Exception as error:
                outcome = "failed"
                with lock:
                    failures.append(f"{kind} failed: {error!r}"[:300])
            with lock:
                outcomes[(kind, outcome)] += 1
                if os.environ.get("RELIABILITY_DEBUG"):
                    print(
                        f"    {key} {kind} {outcome} {time.time() - op_began:.1f}s",
                        flush=True,
                    )
            if concurrent:
                time.sleep(rng.uniform(0.0, 0.05))
        timings[key] = round(time.time() - began)

    if concurrent:
        threads = [
            threading.Thread(target=work, args=(key, todo, i))
            for i, (key, todo) in enumerate(sorted(ops.items()))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for i, (key, todo) in enumerate(sorted(ops.items())):
            work(key, todo, i)
    service_logger.removeHandler(retry_log)
    release(dbname)
    if os.environ.get("RELIABILITY_DEBUG"):
        print(f"  user threads' seconds: {timings}")
    return outcomes, retry_log.retries, failures


def user_values(dbname, data, ops):
    """The hand-made values that must have survived the jobs: a list of
    (what, expected, found) that differ."""
    company = str(data["company"])
    lost = []
    with pg(dbname) as cr:
        for kind, params in (op for todo in ops.values() for op in todo):
            if kind == "tier":
                customer, tier = params
                cr.execute(
                    """SELECT (idic_value_tier_id ->> %s)::int,
                              COALESCE((idic_tier_locked ->> %s)::boolean, FALSE)
                         FROM res_partner WHERE id = %s""",
                    [company, company, customer],
                )
                found = cr.fetchone()
                if found != (tier, True):
                    lost.append((f"tier of partner {customer}", (tier, True), found))
            elif kind == "stage":
                customer, stage = params
                cr.execute(
                    "SELECT idic_stage_id, idic_stage_locked FROM res_partner WHERE id = %s",
                    [customer],
                )
                found = cr.fetchone()
                if found != (stage, True):
                    lost.append((f"stage of partner {customer}", (stage, True), found))
            elif kind == "withdraw":
                (customer,) = params
                cr.execute(
                    """SELECT idic_member_status, idic_member_withdrawn_date IS NOT NULL
                         FROM res_partner WHERE id = %s""",
                    [customer],
                )
                found = cr.fetchone()
                if found != ("withdrawn", True):
                    lost.append(
                        (f"withdrawal of {customer}", ("withdrawn", True), found)
                    )
    return lost


def final_state(dbname, left_out_cards):
    """What must not depend on how the users' requests and the jobs
    interleaved: the partners' figures, tiers, stages and statuses, the
    membership lines and reminders, each card's balance and ledger totals by
    kind (but the cards ``left_out_cards``, whose redemptions race with the
    expiry by design), the e-mails queued. The moves in between (previous
    tier, history rows) are the interleaving's own."""
    state = snapshot(dbname, {"idic_previous_tier_id"})
    keep = ("res_partner", "membership_membership_line", "idic_member_reminder")
    result = {table: state[table] for table in keep}
    with pg(dbname) as cr:
        cr.execute(
            """SELECT c.id, ROUND(c.points::numeric, 2)::text, h.idic_kind,
                      ROUND(SUM(h.issued)::numeric, 2)::text,
                      ROUND(SUM(h.used)::numeric, 2)::text
                 FROM loyalty_card c JOIN loyalty_history h ON h.card_id = c.id
                WHERE NOT c.id = ANY(%s)
                GROUP BY c.id, h.idic_kind""",
            [list(left_out_cards) or [0]],
        )
        result["loyalty ledger by card and kind"] = Counter(cr.fetchall())
        cr.execute(
            """SELECT msg.model, msg.res_id, msg.subject, m.email_to
                 FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
                WHERE NOT (msg.model = 'loyalty.card' AND msg.res_id = ANY(%s))""",
            [list(left_out_cards) or [0]],
        )
        result["mail_mail"] = Counter(cr.fetchall())
    return result


def concurrent_use(args, seed_db, data, warm):
    from odoo.modules.registry import Registry  # noqa: PLC0415

    concurrent, reference = f"{seed_db}_concurrent", f"{seed_db}_reference"
    names = [name for name, _x, _m in JOBS]
    if not warm.get("finished"):
        print(f"  ERROR: the jobs did not run on the seed: {warm}"[:600])
        return False
    copy_database(seed_db, concurrent)
    copy_database(seed_db, reference)
    ops = plan(data)
    steps = [[n, None, None] for n in names]
    ok = True
    stop_file = os.path.abspath(f".reliability-stop-{os.getpid()}")
    if os.path.exists(stop_file):
        os.unlink(stop_file)
    # The job processes load Odoo now, and start when told.
    jobs = spawn(args, concurrent, stop_file=stop_file)
    rerunning = spawn(args, concurrent)
    ref_run = spawn(args, reference)
    try:
        Registry(concurrent)  # the users' server, loaded
        started = time.time()
        go(jobs, steps)
        time.sleep(0.5)
        try:
            outcomes, retries, refusals = run_users(concurrent, data, ops, True)
        finally:
            with open(stop_file, "w", encoding="utf-8"):
                pass
            job_result = wait(jobs)
            os.unlink(stop_file)
        elapsed = time.time() - started
        after = snapshot(concurrent)
        lost = user_values(concurrent, data, ops)
        counts = duplicates(concurrent)
        # A clean re-run of the jobs, while on the reference the same requests
        # run one after the other; then the jobs on the reference.
        go(rerunning, steps)
        ref_outcomes, _r, _f = run_users(reference, data, ops, False)
        rerun = wait(rerunning)
        found = differences(after, snapshot(concurrent))
        go(ref_run, steps)
        ref_jobs = wait(ref_run)
        ref_counts = duplicates(reference)
        twice = {
            label: count - ref_counts[label]
            for label, count in counts.items()
            if count != ref_counts[label]
        }
        redeemed = {
            params[0]
            for todo in ops.values()
            for kind, params in todo
            if kind == "redeem"
        }
        mine = final_state(concurrent, redeemed)
        theirs = final_state(reference, redeemed)
        versus = differences(mine, theirs)
        user_ops = sum(outcomes.values())
        failed = sum(n for (_k, outcome), n in outcomes.items() if outcome == "failed")
        refused = sum(
            n for (_k, outcome), n in outcomes.items() if outcome == "refused"
        )
        print(
            f"Jobs while users work ({elapsed:.0f} s; with the checks and the"
            f" reference {time.time() - started:.0f} s):"
        )
        for kind in sorted({k for k, _o in outcomes}):
            counts = {o: n for (k, o), n in outcomes.items() if k == kind}
            print(
                f"  user requests {kind:<9} answered {counts.get('answered', 0):>3},"
                f" refused {counts.get('refused', 0):>2}, failed {counts.get('failed', 0)}"
            )
        for line in refusals[:6]:
            print(f"      {line}")
        print(
            f"  user requests: {user_ops}, answered {user_ops - failed - refused},"
            f" refused {refused}, failed {failed};"
            f" retried by the ORM: {sum(retries.values())} {dict(retries)}"
        )
        print(
            f"  job rounds {job_result.get('rounds')}, job runs"
            f" {sum(job_result.get('runs', {}).values())}"
            f" {dict(job_result.get('runs', {}))}, batches committed"
            f" {sum(job_result.get('commits', {}).values())}, failed runs (run again)"
            f" {sum(job_result.get('failures', {}).values())}"
            f" {dict(job_result.get('failures', {}))}, runs that met deadlocks"
            f" {job_result.get('deadlocks')}, serialization failures"
            f" {job_result.get('serialization')}; all jobs ended:"
            f" {job_result.get('finished')}"
        )
        for error in job_result.get("errors", [])[:5]:
            print(f"      job error (handled, run again): {error}"[:300])
        print(f"  user-written values lost (lost updates): {len(lost)}")
        for what, expected, got in lost[:10]:
            print(f"      {what}: written {expected}, found {got}")
        print(
            "  sent or granted twice, ledgers or stage stays wrong (against the"
            f" reference): {len(twice)}"
        )
        for label, count in twice.items():
            print(f"      {label}: {count:+d}")
        print(f"  tables changed by a clean re-run of the jobs: {len(found)}")
        show(found)
        print(
            "  figures, statuses and points differing from the same requests"
            f" run one after the other: {len(versus)}"
            f" (reference: {sum(ref_outcomes.values())} requests,"
            f" jobs ended: {ref_jobs.get('finished')})"
        )
        show(versus)
        # A job called by the scheduler after users changed its data must
        # work (write at least one batch), not skip the call.
        idle = [
            f"{name} ({where})"
            for where, result in (("re-run", rerun), ("reference", ref_jobs))
            for name in names
            if not result.get("commits", {}).get(name)
        ]
        print(f"  jobs that did nothing when the scheduler called them: {len(idle)}")
        if idle:
            print(f"      {', '.join(idle)}")
        planned = sum(len(todo) for todo in ops.values())
        if user_ops != planned or sum(ref_outcomes.values()) != planned:
            print(f"  ERROR: {planned} requests planned, {user_ops} made")
        ok = bool(
            user_ops == planned == sum(ref_outcomes.values())
            and not failed
            and job_result.get("finished")
            and job_result.get("returncode") == 0
            and rerun.get("finished")
            and ref_jobs.get("finished")
            and not lost
            and not twice
            and not found
            and not versus
            and not idle
        )
    finally:
        for proc in (jobs, rerunning, ref_run):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if not args.keep:
            drop_database(concurrent)
            drop_database(reference)
    return ok


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(json.loads(sys.argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch databases"
    )
    parser.add_argument(
        "--part", choices=("all", "killed", "concurrent"), default="all"
    )
    args = parser.parse_args()
    odoo_setup(args.config)
    started = time.time()
    seed_db = f"{args.database}_reliability"
    copy_database(args.database, seed_db)
    ok = True
    try:
        data = seed(seed_db)
        release(seed_db)
        print(
            f"seed: {CUSTOMERS} customers with invoices, donations, memberships and"
            f" points, {len(data['users'])} users; batches of"
            f" {data['batch']['partners']} partner ids / {data['batch']['cards']} card ids"
            f" ({time.time() - started:.0f} s)"
        )
        names = [name for name, _x, _m in JOBS]
        if args.part in ("all", "killed"):
            clean, killed = f"{seed_db}_clean", f"{seed_db}_killed"
            copy_database(seed_db, clean)
            copy_database(seed_db, killed)
        if args.part in ("all", "concurrent"):
            # As in life, the jobs have run before the users come (but the
            # expiry: the users' redemptions take the lots it expires); on
            # the seed, while the killed jobs run on its copies.
            warm = spawn(args, seed_db, [[n, None, None] for n in names[:-1]])
        if args.part in ("all", "killed"):
            ok &= killed_jobs(args, clean, killed)
            print(f"  ({time.time() - started:.0f} s)")
        if args.part in ("all", "concurrent"):
            ok &= concurrent_use(args, seed_db, data, wait(warm))
    finally:
        if not args.keep:
            drop_database(seed_db)
    print(
        f"reliability: {'OK' if ok else 'DIFFERENCES FOUND'}"
        f" ({time.time() - started:.0f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
