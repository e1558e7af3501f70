#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad input and every PDF, through a real server (issue #24).

On a copy of a database with the add-on (``<db>_probe``, dropped at the end):

1. *seed*: users with passwords (a relationship manager who works in Persian,
   a relationship user, a contact editor, a portal customer), a customer with
   a loyalty card holding points, a value tier, a membership, a posted
   donation; committed.
2. Odoo is started on a free port (no cron) and the bad inputs are sent over
   JSON-RPC (``/jsonrpc``, ``execute_kw``) as those users, with the contexts a
   client may send: non-finite and huge numbers, text for numbers, integers
   above 2^31, unknown selection values, impossible dates, unknown
   parameters, context keys that used to skip checks, figures written by
   hand, internal scores read by the portal user. Each must answer a clear
   error (a ``ValidationError``, ``UserError`` or ``AccessError``: a message,
   in Persian for the Persian user, never a Python or database error) and
   leave what it aimed at as it was.
3. The points ledger holds: every card's balance equals the sum of its
   history and no card is below zero.
4. Every PDF report of the add-on is printed over HTTP as the administrator
   (and the points statement as the portal customer from the portal): each
   answer is a real PDF (``%PDF``), rendered by wkhtmltopdf outside test mode.

Prints one line per case and exits non-zero when any fails.

    python3 tools/probe.py -c .run/test.conf -d <database>
"""

import argparse
import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.request
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "bench")]

from load_concurrency import free_port, start_server, stop_server  # noqa: E402
from reliability_check import copy_database, drop_database, odoo_setup, release  # noqa: E402

PASSWORD = "probe-pass-24"
PERSIAN = re.compile("[\u0600-\u06ff]")
CLEAR = {
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
}


# ----------------------------------------------------------------------
# Seed
# ----------------------------------------------------------------------
def seed(dbname):
    from odoo import api, fields  # noqa: PLC0415 (Odoo is loaded here only)
    from odoo.fields import Command  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env["res.lang"]._activate_lang("fa_IR")
        env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        company = env["res.company"].create(
            {"name": "Probe Co", "currency_id": env.ref("base.USD").id}
        )
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        company.write({"idic_points_rate": 1.0, "idic_points_validity_months": 12})

        def user(login, groups, **vals):
            return env["res.users"].create(
                dict(
                    {
                        "name": login,
                        "login": login,
                        "password": PASSWORD,
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "group_ids": [Command.set([env.ref(g).id for g in groups])],
                        "tz": "UTC",
                    },
                    **vals,
                )
            )

        manager = user(
            "probe_manager",
            [
                "partner_idic.group_idic_manager",
                "account.group_account_invoice",
                "base.group_system",
            ],
            lang="fa_IR",
        )
        rel_user = user("probe_user", ["partner_idic.group_idic_user"])
        editor = user(
            "probe_contacts", ["base.group_user", "base.group_partner_manager"]
        )
        Partner = env["res.partner"].with_company(company)
        customer = Partner.create(
            {"name": "Probe Customer", "email": "probe.customer@example.com"}
        )
        portal = user("probe_portal", ["base.group_portal"], partner_id=customer.id)
        card = env["loyalty.card"]._idic_card(customer, company)
        card._idic_add_line(100.0, "earn", "Probe opening lot")
        tiers = env["idic.value.tier"].create(
            [
                {"name": name, "company_id": company.id, "basis": "monetary",
                 "min_threshold": minimum}
                for name, minimum in (("Probe Bronze", 0.0), ("Probe Platinum", 5e4))
            ]
        )  # fmt: skip
        customer.idic_value_tier_id = tiers[0]
        membership = env["product.product"].create(
            {
                "name": "Probe Membership",
                "type": "service",
                "membership": True,
                "list_price": 10.0,
                "membership_date_from": fields.Date.today(),
                "membership_date_to": fields.Date.today().replace(month=12, day=31),
            }
        )
        donation = env["product.product"].create(
            {"name": "Probe Gift", "type": "service", "idic_is_donation": True}
        )
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        gift = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "journal_id": journal.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": donation.id,
                                "name": "Probe gift",
                                "quantity": 1.0,
                                "price_unit": 80.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        gift.action_post()
        # The portal's PDFs (issue #27): the gift paid, the customer a member.
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=gift.ids
        ).create({}).action_create_payments()
        today = fields.Date.today()
        env["membership.membership_line"].create(
            {
                "partner_id": customer.id,
                "membership_id": membership.id,
                "member_price": 10.0,
                "date": today,
                "date_from": today,
                "date_to": today.replace(year=today.year + 1) - timedelta(days=1),
                "state": "paid",
            }
        )
        cr.commit()
        return {
            "company": company.id,
            "customer": customer.id,
            "card": card.id,
            "tiers": tiers.ids,
            "membership": membership.id,
            "gift": gift.id,
            "fiscal_year_end": company._idic_fiscal_year_end(today),
            "users": {
                "manager": manager.login,
                "user": rel_user.login,
                "contacts": editor.login,
                "portal": portal.login,
            },
        }


# ----------------------------------------------------------------------
# JSON-RPC
# ----------------------------------------------------------------------
class Rpc:
    def __init__(self, url, dbname):
        self.url, self.dbname, self.uids, self.contexts = url, dbname, {}, {}
        self.calls = 0

    def post(self, path, params):
        self.calls += 1
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params, "id": self.calls}
        ).encode()
        request = urllib.request.Request(
            self.url + path, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def uid(self, login):
        if login not in self.uids:
            answer = self.post(
                "/jsonrpc",
                {
                    "service": "common",
                    "method": "authenticate",
                    "args": [self.dbname, login, PASSWORD, {}],
                },
            )
            self.uids[login] = answer["result"]
            # As the web client does, every call carries the user's context
            # (its language above all).
            self.contexts[login] = {}
            self.contexts[login] = self.call(login, "res.users", "context_get", [])[0]
        return self.uids[login]

    def call(self, login, model, method, args, kwargs=None):
        """The ``result`` of the call, or its ``error`` (a dict)."""
        uid = self.uid(login)
        kwargs = dict(kwargs or {})
        kwargs["context"] = dict(self.contexts[login], **kwargs.get("context", {}))
        answer = self.post(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [self.dbname, uid, PASSWORD, model, method, args, kwargs],
            },
        )  # fmt: skip
        return answer.get("result"), answer.get("error")


# ----------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------
def cases(data):
    """(name, login, model, method, args, kwargs, (model, id, fields) watched)"""
    u = data["users"]
    company, customer, card = data["company"], data["customer"], data["card"]
    nan, inf = float("nan"), float("inf")
    ctx = {"allowed_company_ids": [company]}

    def company_write(vals):
        return ("res.company", "write", [[company], vals], {"context": ctx})

    def watch_company(*names):
        return ("res.company", company, list(names))

    partner_watch = ("res.partner", customer, None)
    found = [
        ("points validity of 100,000 months", u["manager"],
         *company_write({"idic_points_validity_months": 100000}),
         watch_company("idic_points_validity_months")),
        ("remaining years NaN", u["manager"],
         *company_write({"idic_clv_years": nan}), watch_company("idic_clv_years")),
        ("remaining years Infinity", u["manager"],
         *company_write({"idic_clv_years": inf}), watch_company("idic_clv_years")),
        ("points rate 1e308", u["manager"],
         *company_write({"idic_points_rate": 1e308}), watch_company("idic_points_rate")),
        ("points rate 'abc'", u["manager"],
         *company_write({"idic_points_rate": "abc"}), watch_company("idic_points_rate")),
        ("RFM window of 100,000 months", u["manager"],
         *company_write({"idic_rfm_window_months": 100000}),
         watch_company("idic_rfm_window_months")),
        ("dormant days above 2^31", u["manager"],
         *company_write({"idic_dormant_days": 2**31}), watch_company("idic_dormant_days")),
        ("RFM scoring 'median'", u["manager"],
         *company_write({"idic_rfm_scoring": "median"}), watch_company("idic_rfm_scoring")),
        ("RFM limits with nan", u["manager"],
         *company_write({"idic_rfm_r_thresholds": "nan,90,180,365"}),
         watch_company("idic_rfm_r_thresholds")),
        ("RFM limits with inf", u["manager"],
         *company_write({"idic_rfm_m_thresholds": "500,2000,10000,inf"}),
         watch_company("idic_rfm_m_thresholds")),
        ("reminder days 99999999999999999999", u["manager"],
         *company_write({"idic_member_reminder_days": "99999999999999999999"}),
         watch_company("idic_member_reminder_days")),
        ("settings form: points validity 100,000", u["manager"],
         "res.config.settings", "create", [{"idic_points_validity_months": 100000}],
         {"context": ctx}, watch_company("idic_points_validity_months")),
        ("tier points multiplier NaN", u["manager"],
         "idic.value.tier", "write", [[data["tiers"][0]], {"points_multiplier": nan}],
         {"context": ctx}, ("idic.value.tier", data["tiers"][0], ["points_multiplier"])),
        ("tier minimum Infinity", u["manager"],
         "idic.value.tier", "write", [[data["tiers"][1]], {"min_threshold": inf}],
         {"context": ctx}, ("idic.value.tier", data["tiers"][1], ["min_threshold"])),
        ("birthday 2024-02-30", u["user"],
         "res.partner", "write", [[customer], {"idic_birthdate": "2024-02-30"}],
         {"context": ctx}, partner_watch),
        ("contact frequency above 2^31", u["user"],
         "res.partner", "write", [[customer], {"idic_contact_frequency": 2**31}],
         {"context": ctx}, partner_watch),
        ("preferred channel 'pigeon'", u["user"],
         "res.partner", "write", [[customer], {"idic_preferred_channel": "pigeon"}],
         {"context": ctx}, partner_watch),
        ("source 'abc'", u["user"],
         "res.partner", "write", [[customer], {"idic_source_id": "abc"}],
         {"context": ctx}, partner_watch),
        ("tier through the context key idic_tier_sync", u["user"],
         "res.partner", "write",
         [[customer], {"idic_value_tier_id": data["tiers"][1], "idic_tier_locked": True}],
         {"context": dict(ctx, idic_tier_sync=True)}, partner_watch),
        ("tier by a contact editor with idic_tier_sync", u["contacts"],
         "res.partner", "write",
         [[customer], {"idic_value_tier_id": data["tiers"][1], "idic_tier_locked": True}],
         {"context": dict(ctx, idic_tier_sync=True)}, partner_watch),
        ("lifetime value written by hand", u["manager"],
         "res.partner", "write", [[customer], {"idic_clv": 999999.0}],
         {"context": ctx}, partner_watch),
        ("member withdrawn by writing the date", u["manager"],
         "res.partner", "write", [[customer], {"idic_member_withdrawn_date": "2026-01-01"}],
         {"context": ctx}, partner_watch),
        ("portal reads its lifetime value", u["portal"],
         "res.partner", "read", [[customer], ["idic_clv", "idic_rfm_segment"]], {},
         None),
        ("portal searches on a segment", u["portal"],
         "res.partner", "search", [[["idic_rfm_segment", "=", "champions"]]], {}, None),
        ("interaction dated 9999-12-31", u["user"],
         "idic.interaction", "create",
         [{"partner_id": customer, "subject": "Far", "date": "9999-12-31 00:00:00"}],
         {"context": ctx}, None),
        ("renewal with a fee of -100", u["manager"],
         "idic.member.renew", "create",
         [{"partner_id": customer, "product_id": data["membership"], "member_price": -100}],
         {"context": ctx}, None),
        ("redemption of NaN points", u["user"],
         "idic.points.redeem", "create",
         [{"card_id": card, "description": "Mug", "points": nan}], {"context": ctx},
         ("loyalty.card", card, ["points"])),
        ("redemption described in 200,000 characters", u["user"],
         "idic.points.redeem", "create",
         [{"card_id": card, "description": "x" * 200_000, "points": 5}],
         {"context": ctx}, ("loyalty.card", card, ["points"])),
        ("adjustment reason of 201 characters", u["manager"],
         "idic.points.adjust", "create",
         [{"card_id": card, "reason": "y" * 201, "points": 5}], {"context": ctx},
         ("loyalty.card", card, ["points"])),
        ("overview with too many arguments", u["manager"],
         "idic.overview", "get_overview", [30, company, "extra"], {"context": ctx}, None),
        ("overview with an unknown parameter", u["manager"],
         "idic.overview", "get_overview", [], {"weeks": 4, "context": ctx}, None),
        ("health targets opened by the portal user", u["portal"],
         "idic.health.target", "action_open_targets", [], {}, None),
    ]  # fmt: skip
    return found


def watched(rpc, admin, watch):
    if not watch:
        return None
    model, record, names = watch
    if names is None:
        names = ["idic_value_tier_id", "idic_tier_locked", "idic_clv",
                 "idic_birthdate", "idic_contact_frequency", "idic_preferred_channel",
                 "idic_source_id", "idic_member_withdrawn_date"]  # fmt: skip
    result, error = rpc.call(admin, model, "read", [[record], names])
    return error or result


def run_cases(rpc, data):
    admin = "admin"
    failures = 0
    for name, login, model, method, args, kwargs, watch in cases(data):
        before = watched(rpc, admin, watch)
        result, error = rpc.call(login, model, method, args, kwargs)
        after = watched(rpc, admin, watch)
        problem = None
        if not error:
            problem = f"accepted ({str(result)[:60]})"
        else:
            kind = error.get("data", {}).get("name", "")
            message = error.get("data", {}).get("message", "")
            if kind not in CLEAR:
                problem = f"{kind}: {message[:120]}"
            elif "Traceback" in message or "psycopg2" in message:
                problem = f"technical message: {message[:120]}"
            elif login == data["users"]["manager"] and not PERSIAN.search(message):
                problem = f"not in Persian: {message[:120]}"
        if not problem and before != after:
            problem = f"changed: {before} -> {after}"
        failures += bool(problem)
        print(
            f"  {'FAILED' if problem else 'ok':6s} {name}{': ' + problem if problem else ''}"
        )
    return failures


def ledger(rpc):
    """(cards, cards whose balance is not their history, cards below zero)"""
    cards, error = rpc.call(
        "admin", "loyalty.card", "search_read", [[]], {"fields": ["points"]}
    )
    if error:
        raise SystemExit(f"cannot read the cards: {error}")
    lines, _error = rpc.call(
        "admin", "loyalty.history", "search_read", [[]],
        {"fields": ["card_id", "issued", "used"]},
    )  # fmt: skip
    sums = {}
    for line in lines:
        card = line["card_id"][0]
        sums[card] = sums.get(card, 0.0) + line["issued"] - line["used"]
    wrong = [c for c in cards if abs(c["points"] - sums.get(c["id"], 0.0)) > 0.005]
    negative = [c for c in cards if c["points"] < -0.005]
    return len(cards), wrong, negative


# ----------------------------------------------------------------------
# PDFs
# ----------------------------------------------------------------------
def session(url, dbname, login, company=None):
    jar = http.cookiejar.CookieJar()
    if company:
        # The companies the web client works in (its company switcher).
        host = url.split("//", 1)[1].split(":", 1)[0]
        jar.set_cookie(
            http.cookiejar.Cookie(
                0, "cids", str(company), None, False, host, False, False, "/",
                True, False, None, False, None, None, {},
            )
        )  # fmt: skip
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call",
         "params": {"db": dbname, "login": login, "password": PASSWORD}}
    ).encode()  # fmt: skip
    request = urllib.request.Request(
        f"{url}/web/session/authenticate", body, {"Content-Type": "application/json"}
    )
    answer = json.loads(opener.open(request, timeout=60).read())
    if answer.get("error"):
        raise SystemExit(f"cannot log in as {login}: {answer['error']}")
    return opener


def fetch_pdf(opener, url):
    try:
        with opener.open(url, timeout=300) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_pdfs(url, dbname, data):
    reports = [
        ("points statement", "report_idic_points_statement_document", data["card"]),
        ("donation receipt", "report_idic_donation_receipt_document", data["gift"]),
        ("donation summary", "report_idic_donation_summary_document", data["customer"]),
        ("printable overview", "report_idic_overview_document", data["company"]),
        ("membership card", "report_idic_membership_card_document", data["customer"]),
    ]
    failures = 0
    admin = session(url, dbname, "admin", data["company"])
    pages = [
        (f"{name} (administrator)", admin,
         f"{url}/report/pdf/partner_idic.{report}/{record}")
        for name, report, record in reports
    ]  # fmt: skip
    portal = session(url, dbname, data["users"]["portal"])
    pages.append(
        ("points statement (portal)", portal,
         f"{url}/my/points/{data['card']}/statement?report_type=pdf&download=true")
    )  # fmt: skip
    for name, path in (
        ("donation receipt", f"/my/giving/receipt/{data['gift']}"),
        ("donation summary", f"/my/giving/summary/{data['fiscal_year_end']}"),
        ("membership card", "/my/membership/card"),
    ):
        pages.append((f"{name} (portal)", portal, f"{url}{path}?download=true"))
    for name, opener, page in pages:
        status, content = fetch_pdf(opener, page)
        ok = status == 200 and content.startswith(b"%PDF")
        failures += not ok
        detail = (
            f"{len(content):,} bytes" if ok else f"HTTP {status}: {content[:120]!r}"
        )
        print(f"  {'ok' if ok else 'FAILED':6s} PDF {name}: {detail}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the probe database")
    args = parser.parse_args()
    started = time.time()
    odoo_setup(args.config)
    dbname = f"{args.database}_probe"
    copy_database(args.database, dbname)
    failures = 0
    proc = None
    try:
        data = seed(dbname)
        # The administrator's password, for the API.
        from odoo import api  # noqa: PLC0415
        from odoo.modules.registry import Registry  # noqa: PLC0415

        with Registry(dbname).cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env.ref("base.user_admin").write(
                {"password": PASSWORD, "company_ids": [(4, data["company"])]}
            )
        release(dbname)
        logfile = os.path.join(
            os.path.dirname(os.path.abspath(args.config)), "probe-server.log"
        )
        proc, url = start_server(
            sys.executable, args.config, dbname, 0, free_port(), logfile
        )
        rpc = Rpc(url, dbname)
        before = ledger(rpc)
        print("bad input over JSON-RPC:")
        failures += run_cases(rpc, data)
        count, wrong, negative = ledger(rpc)
        ledger_ok = not wrong and not negative and before[1:] == ([], [])
        failures += not ledger_ok
        print(
            f"  {'ok' if ledger_ok else 'FAILED':6s} points ledger: {count} cards,"
            f" {len(wrong)} whose balance is not their history, {len(negative)} below zero"
        )
        print("PDF reports over HTTP (wkhtmltopdf, outside test mode):")
        failures += run_pdfs(url, dbname, data)
    finally:
        if proc:
            stop_server(proc)
        if not args.keep:
            drop_database(dbname)
    print(
        f"probe: {'OK' if not failures else f'{failures} FAILED'}"
        f" ({time.time() - started:.0f} s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
