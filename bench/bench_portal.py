#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the customer portal's pages (issue #27): server time and
queries of /my/relationship, /my/membership, /my/giving and /my/points for a
customer with one year of history and one with five, against the host's own
invoice list (/my/invoices) of the same customers.

On a copy of the database (``<db>_portal_bench``, dropped at the end), two
customers with a portal user each get, per year of history: twelve invoices
posted and paid (each earning points, so twelve points lines), a redemption,
a membership period, two gifts paid, fifty-two interactions and a referral.
Then Odoo is started (one process, threads) and each page is asked for by
each customer: twice to warm the caches, then ``--runs`` times. The server
time and the query count are the host's own, read from its access log (the
query count, the time spent in SQL and the rest of each request).

Printed, per page: the median server time and the queries with 1 and with 5
years of history, and the ratio of the page to the host's invoice list of the
same 5-year customer. The targets: the same number of queries whatever the
history (``tests/test_portal_*.py::test_page_queries_do_not_grow_with_history``
check it too), under 300 ms of server time with 5 years.

    python3 bench/bench_portal.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
import urllib.request
from datetime import date, timedelta
from http.cookiejar import CookieJar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "tools")]

from load_concurrency import free_port, start_server, stop_server  # noqa: E402
from reliability_check import copy_database, drop_database, odoo_setup, release  # noqa: E402

PASSWORD = "bench-portal-1"
PAGES = ("/my/relationship", "/my/membership", "/my/giving", "/my/points")
BASELINE = "/my/invoices"
TARGET_MS = 300
ACCESS = re.compile(
    r'"GET (?P<path>\S+) HTTP/[\d.]+" 200 - (?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)'
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=5)
    return parser.parse_args(argv)


def seed(dbname, years_by_login):
    """Two customers and their history, committed; returns the company."""
    from odoo import Command, api, fields  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        company = env["res.company"].create(
            {"name": "Portal Bench Co", "currency_id": env.ref("base.USD").id}
        )
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        company.write(
            {
                "idic_points_rate": 1.0,
                "idic_points_validity_months": 24,
                "idic_referral_points": 20.0,
            }
        )
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        pricelist = env["product.pricelist"].create(
            {"name": "Bench VIP", "company_id": company.id}
        )
        for name, minimum, multiplier in (
            ("Bench Bronze", 0, 1),
            ("Bench Gold", 1e3, 1.5),
        ):
            env["idic.value.tier"].create(
                {
                    "name": name,
                    "company_id": company.id,
                    "basis": "monetary",
                    "min_threshold": minimum,
                    "points_multiplier": multiplier,
                    "pricelist_id": pricelist.id if minimum else False,
                    "description": f"<p>What {name} gives.</p>",
                }
            )
        interests = env["idic.interest"].create(
            [{"name": f"Bench interest {i}"} for i in range(6)]
        )
        product = env["product.product"].create(
            {"name": "Bench Service", "type": "service", "list_price": 100.0}
        )
        donation = env["product.product"].create(
            {"name": "Bench Gift", "type": "service", "idic_is_donation": True}
        )
        membership = env["product.product"].create(
            {
                "name": "Bench Membership",
                "type": "service",
                "membership": True,
                "list_price": 50.0,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
            }
        )
        company.idic_portal_donation_product_id = donation
        today = fields.Date.context_today(env.user)

        def pay(move):
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({}).action_create_payments()

        def invoice(partner, day, item, amount):
            move = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": item.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            move.action_post()
            pay(move)
            return move

        for login, years in years_by_login.items():
            customer = env["res.partner"].create(
                {
                    "name": f"Bench Customer {login}",
                    "email": f"{login}@example.com",
                    "company_id": company.id,
                    "idic_interest_ids": [Command.set(interests[:2].ids)],
                }
            )
            env["res.users"].create(
                {
                    "name": customer.name,
                    "login": login,
                    "password": PASSWORD,
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "group_ids": [Command.set([env.ref("base.group_portal").id])],
                }
            )
            start = today - timedelta(days=365 * years)
            for month in range(12 * years):
                invoice(customer, start + timedelta(days=30 * month), product, 100.0)
            for year in range(years):
                first = start + timedelta(days=365 * year)
                for half in (0, 180):
                    invoice(customer, first + timedelta(days=half + 10), donation, 40.0)
                env["membership.membership_line"].create(
                    {
                        "partner_id": customer.id,
                        "membership_id": membership.id,
                        "member_price": 50.0,
                        "date": first,
                        "date_from": first,
                        "date_to": first + timedelta(days=364),
                        "state": "paid",
                    }
                )
                friend = env["res.partner"].create(
                    {"name": f"Bench friend {login} {year}", "company_id": company.id}
                )
                friend.idic_referred_by_id = customer
                invoice(friend, first + timedelta(days=20), product, 100.0)
            card = env["loyalty.card"]._idic_card(customer, company)
            for year in range(years):
                card._idic_redeem(10.0, f"Bench reward {year}")
            env["idic.interaction"].create(
                [
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "subject": f"Bench call {week}",
                        "date": fields.Datetime.now() - timedelta(days=7 * week),
                        "direction": "outbound" if week % 2 else "inbound",
                    }
                    for week in range(52 * years)
                ]
            )
        env["res.partner"]._idic_member_refresh()
        env["res.partner"].sudo()._idic_recompute_values(company, commit=False)
        cr.commit()
        return company.id


class Session:
    def __init__(self, url, dbname, login):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": dbname, "login": login, "password": PASSWORD},
            }
        ).encode()
        request = urllib.request.Request(
            f"{url}/web/session/authenticate",
            body,
            {"Content-Type": "application/json"},
        )
        answer = json.loads(self.opener.open(request, timeout=120).read())
        if answer.get("error"):
            raise SystemExit(f"cannot log in as {login}: {answer['error']}")

    def get(self, path):
        with self.opener.open(f"{self.url}{path}", timeout=300) as response:
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            return response.read()


def measure(sessions, runs, logfile):
    """{(page, login): [(queries, server seconds)]} read from the access log."""
    for login, session in sessions.items():
        for page in (*PAGES, BASELINE):
            for _warm in range(2):
                session.get(f"{page}?bench={login}-warm")
            for _run in range(runs):
                session.get(f"{page}?bench={login}")
    time.sleep(1)  # the last access lines
    found = {}
    with open(logfile, encoding="utf-8") as log:
        for line in log:
            match = ACCESS.search(line)
            if not match or "-warm" in match["path"] or "?bench=" not in match["path"]:
                continue
            page, login = match["path"].split("?bench=")
            found.setdefault((page, login), []).append(
                (int(match["queries"]), float(match["sql"]) + float(match["rest"]))
            )
    return found


def run(args):
    odoo_setup(args.config)
    dbname = f"{args.database}_portal_bench"
    copy_database(args.database, dbname)
    logins = {"bench_portal_1y": 1, f"bench_portal_{args.years}y": args.years}
    proc = None
    try:
        started = time.time()
        seed(dbname, logins)
        release(dbname)
        seconds = time.time() - started
        print(
            f"data: two customers, 1 and {args.years} years of history ({seconds:.0f} s)"
        )
        logfile = os.path.join(
            os.path.dirname(os.path.abspath(args.config)), "bench-portal-server.log"
        )
        if os.path.exists(logfile):
            os.remove(logfile)
        proc, url = start_server(
            sys.executable, args.config, dbname, 0, free_port(), logfile
        )
        sessions = {login: Session(url, dbname, login) for login in logins}
        found = measure(sessions, args.runs, logfile)
    finally:
        if proc:
            stop_server(proc)
        drop_database(dbname)
    short, long = list(logins)
    base = statistics.median(t for _q, t in found[(BASELINE, long)])
    print(f"{'page':18s} {'1 year':>16s} {f'{args.years} years':>16s}  vs {BASELINE}")
    for page in (*PAGES, BASELINE):
        cells = []
        for login in (short, long):
            samples = found[(page, login)]
            queries = sorted({q for q, _t in samples})
            seconds = statistics.median(t for _q, t in samples)
            cells.append(
                f"{seconds * 1000:6.0f} ms {'/'.join(map(str, queries)):>4s} q"
            )
        long_ms = statistics.median(t for _q, t in found[(page, long)]) * 1000
        same = {q for q, _t in found[(page, short)]} == {
            q for q, _t in found[(page, long)]
        }
        flag = "" if page == BASELINE else (
            f"  {long_ms / (base * 1000):4.1f}x"
            f"  queries {'fixed' if same else 'GROW'}"
            f"  {'under' if long_ms < TARGET_MS else 'OVER'} {TARGET_MS} ms"
        )  # fmt: skip
        print(f"{page:18s} {cells[0]:>16s} {cells[1]:>16s}{flag}")
    return 0


def main(argv=None):
    return run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
