#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Concurrent use on a real multi-process server (issue #13).

Prepares, in the database (committed, with a run tag in every name): a company
earning points on payment, a relationship user, a billing clerk and a few
relationship users logging interactions, one card whose balance covers only
some of the redemptions, and posted invoices of distinct customers. Then
starts Odoo with ``--workers=N`` (no cron) on a free port and sends at once,
through the external API (XML-RPC ``execute_kw``), from as many threads:

- 20 redemptions of the same card (each 1/20 of twice its balance: about half
  must be refused),
- 200 payments of distinct invoices, each earning points,
- interactions logged by several users.

Printed: requests sent, answered, refused with a clear error (a UserError /
ValidationError the user reads), failed (anything else); the card's balance
against the sum of its history, overdrafts (cards below zero after
redemptions: must be 0), and the serialization retries in the server's log.
The server is stopped by the script. Exits non-zero when a figure that must
hold does not (balance = history, no overdraft, no failed request).

    python3 bench/load_concurrency.py -c .run/demo.conf -d partner_idic_demo --workers=4
"""

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

REDEMPTIONS = 20
EARNINGS = 200
INTERACTION_USERS = 5
INTERACTIONS_PER_USER = 10
PASSWORD = "load-pass-1"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(config, dbname, tag):
    """Create the run's data and commit it; return what the requests need."""
    from odoo import api, fields  # noqa: PLC0415 (Odoo is loaded here only)
    from odoo.fields import Command  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config as odoo_config  # noqa: PLC0415

    odoo_config.parse_config(["-c", config, "-d", dbname])
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        company = env["res.company"].create(
            {"name": f"Load {tag}", "currency_id": env.ref("base.USD").id}
        )
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        company.write(
            {
                "idic_points_rate": 1.0,
                "idic_points_on": "payment",
                "idic_points_validity_months": 12,
            }
        )

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

        redeemer = user(f"load_redeemer_{tag}", ["partner_idic.group_idic_user"])
        clerk = user(
            f"load_clerk_{tag}",
            ["account.group_account_invoice", "partner_idic.group_idic_user"],
        )
        loggers = [
            user(f"load_logger_{tag}_{i}", ["partner_idic.group_idic_user"])
            for i in range(INTERACTION_USERS)
        ]
        Partner = env["res.partner"].with_company(company)
        holder = Partner.create({"name": f"Load Holder {tag}", "is_company": True})
        card = env["loyalty.card"]._idic_card(holder, company)
        card._idic_add_line(100.0, "earn", "Load opening lot")
        customers = Partner.create(
            [
                {"name": f"Load Customer {tag} {i}", "company_id": company.id}
                for i in range(EARNINGS)
            ]
        )
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        moves = (
            env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "journal_id": journal.id,
                        "invoice_date": fields.Date.today(),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Load",
                                    "quantity": 1.0,
                                    "price_unit": 10.0 + i % 7,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for i, customer in enumerate(customers)
                ]
            )
        )
        moves.action_post()
        cr.commit()
        return {
            "company": company.id,
            "card": card.id,
            "redeem_points": round(2 * card.points / REDEMPTIONS, 2),
            "redeemer": redeemer.login,
            "clerk": clerk.login,
            "loggers": [u.login for u in loggers],
            "invoices": moves.ids,
            "holder": holder.id,
            "customers": customers.ids,
            "expected_points": sum(moves.mapped("amount_untaxed")),
        }


def start_server(python, config, dbname, workers, port, logfile):
    import odoo  # noqa: PLC0415

    # odoo-bin, not ``-m odoo``: the prefork server starts its gevent
    # process again from its own script.
    bins = [os.path.join(os.path.dirname(p), "odoo-bin") for p in odoo.__path__]
    launcher = next(([b] for b in bins if os.path.exists(b)), ["-m", "odoo"])
    cmd = [
        python, *launcher, "-c", config, "-d", dbname,
        "--db-filter", f"^{re.escape(dbname)}$",
        f"--workers={workers}", "--max-cron-threads=0",
        "--http-port", str(port), "--gevent-port", str(free_port()),
        "--logfile", logfile, "--log-handler", "odoo.service.model:INFO",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
            return proc, url
        except (OSError, xmlrpc.client.Error):
            if proc.poll() is not None:
                raise SystemExit(f"the server stopped, see {logfile}") from None
            time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"the server did not answer, see {logfile}")


def stop_server(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Client:
    def __init__(self, url, dbname, login, company):
        self.url, self.dbname, self.company = url, dbname, company
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(dbname, login, PASSWORD, {})

    def call(self, model, method, args, **kwargs):
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")
        context = dict(kwargs.pop("context", {}), allowed_company_ids=[self.company])
        kwargs["context"] = context
        return proxy.execute_kw(
            self.dbname, self.uid, PASSWORD, model, method, args, kwargs
        )


# XML-RPC fault codes of a UserError / ValidationError (2) and of an
# AccessError (4): a message the user reads; anything else is a failure.
REFUSED = (2, 4)


def outcome(fn):
    try:
        fn()
        return "answered"
    except xmlrpc.client.Fault as fault:
        if fault.faultCode in REFUSED:
            return "refused"
        return "failed: " + fault.faultString.strip().splitlines()[-1][:160]
    except Exception as error:
        return f"failed: {error!r}"[:200]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:6]
    data = prepare(args.config, args.database, tag)
    logfile = os.path.abspath(f"load-concurrency-{tag}.log")
    proc, url = start_server(
        sys.executable, args.config, args.database, args.workers, free_port(), logfile
    )
    try:
        company = data["company"]
        redeemer = Client(url, args.database, data["redeemer"], company)
        clerk = Client(url, args.database, data["clerk"], company)
        loggers = [
            Client(url, args.database, login, company) for login in data["loggers"]
        ]

        def redeem():
            wizard = redeemer.call(
                "idic.points.redeem",
                "create",
                [
                    {
                        "card_id": data["card"],
                        "points": data["redeem_points"],
                        "description": "Load redemption",
                    }
                ],
            )
            redeemer.call("idic.points.redeem", "action_redeem", [[wizard]])

        def pay(invoice):
            context = {"active_model": "account.move", "active_ids": [invoice]}
            wizard = clerk.call(
                "account.payment.register", "create", [{}], context=context
            )
            clerk.call(
                "account.payment.register",
                "action_create_payments",
                [[wizard]],
                context=context,
            )

        def log(client, i):
            client.call(
                "idic.interaction",
                "create",
                [
                    {
                        "partner_id": data["holder"],
                        "channel": "phone",
                        "subject": f"Load call {i}",
                    }
                ],
            )

        jobs = [("redemption", redeem) for _ in range(REDEMPTIONS)]
        jobs += [("earning", lambda inv=inv: pay(inv)) for inv in data["invoices"]]
        jobs += [
            ("interaction", lambda c=client, i=i: log(c, i))
            for client in loggers
            for i in range(INTERACTIONS_PER_USER)
        ]
        # The 20 redemptions first (all at once), then earnings and
        # interactions mixed.
        rest = jobs[REDEMPTIONS:]
        random.Random(13).shuffle(rest)
        jobs[REDEMPTIONS:] = rest
        started = time.time()
        # As many requests at once as the server's listen backlog holds (8
        # per worker): more would be reset by the kernel, not by Odoo.
        with ThreadPoolExecutor(max_workers=min(len(jobs), 8 * args.workers)) as pool:
            results = list(pool.map(lambda job: (job[0], outcome(job[1])), jobs))
        elapsed = time.time() - started
    finally:
        stop_server(proc)
    return report(args, data, results, elapsed, logfile)


def report(args, data, results, elapsed, logfile):
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    ok = True
    print(
        f"load: {len(results)} requests in {elapsed:.1f} s, {args.workers} workers, "
        f"{min(len(results), 8 * args.workers)} at a time"
    )
    for kind in ("redemption", "earning", "interaction"):
        mine = [r for k, r in results if k == kind]
        failed = [r for r in mine if r.startswith("failed")]
        print(
            f"  {kind}s: sent {len(mine)}, answered {mine.count('answered')}, "
            f"refused {mine.count('refused')}, failed {len(failed)}"
        )
        for reason in sorted(set(failed))[:5]:
            print(f"    {reason}")
        ok &= not failed
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        card = env["loyalty.card"].browse(data["card"])
        history = sum(card.history_ids.mapped("issued")) - sum(
            card.history_ids.mapped("used")
        )
        cards = env["loyalty.card"].search([("program_id", "=", card.program_id.id)])
        overdrafts = len(cards.filtered(lambda c: c.points < 0))
        earned = sum(
            cards.filtered(lambda c: c.partner_id.id in data["customers"]).mapped(
                "points"
            )
        )
        interactions = env["idic.interaction"].search_count(
            [("partner_id", "=", data["holder"])]
        )
        mismatched = sum(
            1
            for c in cards
            if round(
                sum(c.history_ids.mapped("issued"))
                - sum(c.history_ids.mapped("used"))
                - c.points,
                2,
            )
        )
        balance = card.points
    print(f"  card balance {balance:.2f}, sum of its history {history:.2f}")
    print(f"  cards whose balance differs from their history: {mismatched}")
    print(f"  overdrafts: {overdrafts}")
    print(
        f"  points earned on the {EARNINGS} invoices: {earned:.2f} "
        f"(their untaxed total: {data['expected_points']:.2f})"
    )
    print(f"  interactions logged: {interactions}")
    with open(logfile, encoding="utf-8") as log:
        retries = sum(1 for line in log if "tries left, try again" in line)
    print(f"  serialization retries in the server log: {retries} ({logfile})")
    ok &= round(balance - history, 2) == 0 and not overdrafts and not mismatched
    ok &= round(earned - data["expected_points"], 2) == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
