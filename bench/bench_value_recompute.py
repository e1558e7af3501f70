#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the customer value recompute (issue #4).

The first run builds, once, a data set of its own in the database and commits
it: a company "IDIC Bench Company" with a real chart of accounts, 4 value tiers
(basis CLV, the top two giving a pricelist), 100,000 partners (one company in
ten has a contact) and 250,000 posted customer invoices and credit notes over
three years, with 1,000,000 product lines (plus one receivable line each, so
that every move balances).  A few real invoices are created through the ORM,
then multiplied column by column with ``INSERT ... SELECT`` over
``generate_series``.  A marker ``ir.config_parameter`` records the data set:
later runs find it and skip the setup.

Then it times ``res.partner._idic_recompute_values`` for the bench company
(``commit=False``) from a state where no figure is written yet, its idempotent
re-run, and the least work any implementation must do on the same rows: one
SQL ``GROUP BY`` over the invoice lines plus one ``UPDATE res_partner`` writing
the aggregated figures into the same company-dependent jsonb columns.  Each
measurement runs in a transaction of its own, rolled back, then ``VACUUM``:
the measurements leave nothing behind (but the advanced id sequences).

    python3 bench/bench_value_recompute.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from unittest.mock import patch

TARGET_RATIO = 3.0
TARGET_SECONDS = 60.0
MARKER = "partner_idic.bench_value_data"
COMPANY_NAME = "IDIC Bench Company"
TIERS = [("Bronze", 0.0), ("Silver", 1000.0), ("Gold", 5000.0), ("Platinum", 20000.0)]
PRICELIST_FROM = 5000.0  # the tiers from this minimum give the VIP pricelist
PRODUCT_LINES = 4  # product lines per move (plus one receivable line)
HISTORY_DAYS = 3 * 365
CUSTOMER_PCT = 60  # share of the commercial partners who are customers
REFUND_PCT = 8  # share of the moves that are credit notes

# Setup SQL.  Rows come in blocks of ten (k = i % 10): k = 9 is a company,
# k = 0 a person, contact of the company just before it (10% contacts), k = 5
# a company without contacts, the others individuals.  Every other column is
# copied from a template partner created through the ORM (%(columns)s).
PARTNERS_SQL = """
WITH ids AS (
    SELECT g AS i, nextval('res_partner_id_seq')::int AS id,
           abs(hashtextextended(g::text, 21) %% 100)::int AS r
      FROM generate_series(1, %(n)s) AS g
),
rows AS (
    SELECT ids.*, ids.i %% 10 AS k,
           CASE WHEN ids.i %% 10 = 0 AND ids.i > 1 THEN parent.id END AS parent_id
      FROM ids
      LEFT JOIN ids parent ON parent.i = ids.i - 1
),
named AS (
    SELECT rows.*,
           CASE WHEN rows.k IN (5, 9) THEN 'Bench Company ' ELSE 'Bench Person ' END
               || rows.i AS name
      FROM rows
),
ins AS (
    INSERT INTO res_partner (%(target)s)
    SELECT %(source)s
      FROM named r
      JOIN res_partner t ON t.id = %(template)s
    RETURNING id
)
SELECT MIN(id), MAX(id), COUNT(*) FROM ins
"""

# The commercial partners who buy (CUSTOMER_PCT %), numbered 1..C, with one
# of their contacts (the invoice is sometimes addressed to it).
CUSTOMERS_SQL = """
CREATE TEMP TABLE bench_value_customers AS
WITH contact AS (
    SELECT DISTINCT ON (c.parent_id) c.parent_id, c.id, c.complete_name
      FROM res_partner c
     WHERE c.parent_id BETWEEN %(lo)s AND %(hi)s
     ORDER BY c.parent_id, c.id
)
SELECT ROW_NUMBER() OVER (ORDER BY p.id) AS n, p.id, p.complete_name,
       contact.id AS contact_id, contact.complete_name AS contact_name
  FROM res_partner p
  LEFT JOIN contact ON contact.parent_id = p.id
 WHERE p.id BETWEEN %(lo)s AND %(hi)s AND p.parent_id IS NULL AND p.customer_rank > 0
"""

# One row per move: its customer (skewed: the customer at u**2 of the list, so
# that a few customers have hundreds of invoices and most a handful), its date
# over the last HISTORY_DAYS days, credit note or not, the amounts of its
# product lines, its name in the sequence of its type and year.  Moves get
# their ids in date order, as they would in a real database.
MOVE_PLAN_SQL = """
CREATE TEMP TABLE bench_value_move_plan AS
SELECT nextval('account_move_id_seq')::int AS id, x.*,
       x.prefix || lpad(x.seq::text, GREATEST(5, length(x.seq::text)), '0') AS name
  FROM (
    SELECT a.*, a.a1 + a.a2 + a.a3 + a.a4 AS total,
           CASE WHEN a.refund THEN 'RINV/' ELSE 'INV/' END
               || extract(year FROM a.invoice_date) || '/' AS prefix,
           1 + ROW_NUMBER() OVER (
               PARTITION BY a.refund, extract(year FROM a.invoice_date)
               ORDER BY a.invoice_date, a.i) AS seq
      FROM (
        SELECT g.i, g.refund, g.invoice_date, c.id AS commercial_id,
               CASE WHEN c.contact_id IS NOT NULL AND g.i %% 2 = 0
                    THEN c.contact_id ELSE c.id END AS partner_id,
               CASE WHEN c.contact_id IS NOT NULL AND g.i %% 2 = 0
                    THEN c.contact_name ELSE c.complete_name END AS partner_name,
               round((5 + abs(hashtextextended(g.i::text, 41) %% 50000) / 100.0)
                     * g.factor, 2) AS a1,
               round((5 + abs(hashtextextended(g.i::text, 42) %% 50000) / 100.0)
                     * g.factor, 2) AS a2,
               round((5 + abs(hashtextextended(g.i::text, 43) %% 50000) / 100.0)
                     * g.factor, 2) AS a3,
               round((5 + abs(hashtextextended(g.i::text, 44) %% 50000) / 100.0)
                     * g.factor, 2) AS a4
          FROM (
            SELECT s.i,
                   abs(hashtextextended(s.i::text, 31) %% 1000000) / 1000000.0 AS u,
                   abs(hashtextextended(s.i::text, 32) %% 100) < %(refund_pct)s
                       AS refund,
                   CASE WHEN abs(hashtextextended(s.i::text, 32) %% 100)
                             < %(refund_pct)s
                        THEN 0.5 ELSE 1 END AS factor,
                   %(today)s::date
                       - abs(hashtextextended(s.i::text, 33) %% %(days)s)::int
                       AS invoice_date
              FROM generate_series(1, %(moves)s) AS s(i)
          ) g
          JOIN bench_value_customers c
            ON c.n = 1 + floor(%(customers)s * g.u * g.u)::int
      ) a
     ORDER BY a.invoice_date, a.i
  ) x
"""

MOVES_SQL = """
INSERT INTO account_move (%(target)s)
SELECT %(source)s
  FROM bench_value_move_plan p
  JOIN account_move t
    ON t.id = CASE WHEN p.refund THEN %(refund)s ELSE %(invoice)s END
"""

# The lines of the template moves, numbered: 1..PRODUCT_LINES the product
# lines, then the receivable (payment term) line.
TEMPLATE_LINES_SQL = """
CREATE TEMP TABLE bench_value_template_lines AS
SELECT l.*, ROW_NUMBER() OVER (
           PARTITION BY l.move_id
           ORDER BY l.display_type = 'payment_term', l.sequence, l.id) AS k
  FROM account_move_line l
 WHERE l.move_id IN %(moves)s
"""

LINES_SQL = """
INSERT INTO account_move_line (%(target)s)
SELECT %(source)s
  FROM bench_value_move_plan p
  JOIN bench_value_template_lines t
    ON t.move_id = CASE WHEN p.refund THEN %(refund)s ELSE %(invoice)s END
 CROSS JOIN LATERAL (
       SELECT CASE t.k WHEN 1 THEN p.a1 WHEN 2 THEN p.a2 WHEN 3 THEN p.a3
                       WHEN 4 THEN p.a4 ELSE p.total END AS amount) a
 CROSS JOIN LATERAL (
       SELECT CASE WHEN t.balance < 0 THEN -a.amount ELSE a.amount END AS balance) b
"""

# The figures any implementation must compute, from the invoice lines: per
# commercial partner, the invoices of the window, the net untaxed amount of
# the window, the first and last invoice dates, the lifetime net amount.
LINES_AGG_SQL = """
SELECT m.commercial_partner_id AS partner_id,
       COUNT(DISTINCT m.id) FILTER (WHERE m.move_type = 'out_invoice'
                                      AND m.invoice_date >= %(start)s) AS frequency,
       COALESCE(SUM(-l.balance) FILTER (WHERE m.invoice_date >= %(start)s), 0)
           AS monetary,
       MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS first_date,
       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_date,
       SUM(-l.balance) AS lifetime
  FROM account_move_line l
  JOIN account_move m ON m.id = l.move_id
 WHERE m.company_id = %(company)s AND m.state = 'posted'
   AND m.move_type IN ('out_invoice', 'out_refund')
   AND m.commercial_partner_id IS NOT NULL AND m.invoice_date IS NOT NULL
   AND l.display_type = 'product'
 GROUP BY m.commercial_partner_id
"""

# The same figures from the moves (the engine's own input, the untaxed amount
# stored on the move): a cheaper variant of the baseline.
MOVES_AGG_SQL = """
SELECT m.commercial_partner_id AS partner_id,
       COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                          AND m.invoice_date >= %(start)s) AS frequency,
       COALESCE(SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date >= %(start)s),
                0) AS monetary,
       MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS first_date,
       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_date,
       SUM(m.amount_untaxed_signed) AS lifetime
  FROM account_move m
 WHERE m.company_id = %(company)s AND m.state = 'posted'
   AND m.move_type IN ('out_invoice', 'out_refund')
   AND m.commercial_partner_id IS NOT NULL AND m.invoice_date IS NOT NULL
 GROUP BY m.commercial_partner_id
"""

# The figures, written to every partner of the customers (the commercial
# partner and its contacts, as the engine does), merged into the jsonb of the
# company-dependent columns (other companies' values are kept).
BASELINE_UPDATE_SQL = """
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
"""

BASELINE_TEMP_SQL = """
CREATE TEMP TABLE bench_value_baseline AS
WITH agg AS (%(agg)s)
SELECT p.id, a.frequency, a.monetary, a.first_date, a.last_date, a.lifetime
  FROM res_partner p
  JOIN agg a ON a.partner_id = p.commercial_partner_id
"""

# Every partner of the bench company's customers: do the engine's figures
# equal those of the line-level aggregate?
CHECK_SQL = """
WITH agg AS (%(agg)s)
SELECT COUNT(*),
       COUNT(*) FILTER (WHERE
           (p.idic_frequency ->> %(key)s)::int IS DISTINCT FROM a.frequency
           OR (p.idic_monetary ->> %(key)s)::numeric IS DISTINCT FROM a.monetary
           OR (p.idic_first_invoice_date ->> %(key)s)::date
              IS DISTINCT FROM a.first_date
           OR (p.idic_last_invoice_date ->> %(key)s)::date
              IS DISTINCT FROM a.last_date
           OR (p.idic_lifetime_revenue ->> %(key)s)::numeric
              IS DISTINCT FROM a.lifetime),
       COUNT(*) FILTER (WHERE p.idic_value_tier_id ? %(key)s)
  FROM res_partner p
  JOIN agg a ON a.partner_id = p.commercial_partner_id
"""


def add_data_set_arguments(parser):
    """The arguments of every benchmark on this data set: the Odoo config and
    database, and the size of the data set when it is built."""
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument(
        "--partners",
        type=int,
        default=100000,
        help="partners of the data set (only when building it)",
    )
    parser.add_argument(
        "--moves",
        type=int,
        default=250000,
        help=f"posted customer invoices and credit notes of the data set, "
        f"{PRODUCT_LINES} product lines each (only when building it)",
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark res.partner._idic_recompute_values against one SQL "
        "GROUP BY over the invoice lines plus one UPDATE of the partners. The data "
        "set is built once and kept in the database; the measurements are rolled "
        "back."
    )
    add_data_set_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (median)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print EXPLAIN (ANALYZE, BUFFERS) of the engine's statements "
        "(the staging table, each batch) and of the baseline",
    )
    args = parser.parse_args(argv)
    if args.partners < 10 or args.moves < 1:
        parser.error("--partners must be >= 10 and --moves >= 1")
    if args.batch_size < 1 or args.repeat < 1:
        parser.error("--batch-size and --repeat must be >= 1")
    return args


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def peak_rss_mb():
    """Peak resident memory of this Python process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def fmt(number):
    return f"{number:,}"


# ----------------------------------------------------------------------------
# The data set (built once, committed)
# ----------------------------------------------------------------------------
def copy_columns(cr, table, overrides, skip=()):
    """The column list of ``table`` and a SELECT list copying each column from
    the template row ``t``, except ``overrides`` ({column: SQL})."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s"
            " ORDER BY ordinal_position",
            table,
        )
    )
    columns = [name for (name,) in cr.fetchall() if name not in skip]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise RuntimeError(f"{table} has no column {', '.join(sorted(unknown))}")
    target = SQL(", ").join(SQL.identifier(name) for name in columns)
    source = SQL(", ").join(
        overrides.get(name, SQL.identifier("t", name)) for name in columns
    )
    return target, source


def create_templates(env, today):
    """The company, its chart of accounts, tiers, and the template records
    (through the ORM): a partner, an invoice and a credit note."""
    from odoo import Command  # noqa: PLC0415

    company = env["res.company"].create(
        {"name": COMPANY_NAME, "currency_id": env.ref("base.USD").id}
    )
    env["account.chart.template"].try_loading("generic_coa", company)
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    pricelist = env["product.pricelist"].create(
        {"name": "Bench VIP", "company_id": company.id}
    )
    env["idic.value.tier"].create(
        [
            {
                "name": name,
                "company_id": company.id,
                "basis": "clv",
                "min_threshold": minimum,
                "sequence": index,
                "pricelist_id": pricelist.id if minimum >= PRICELIST_FROM else False,
            }
            for index, (name, minimum) in enumerate(TIERS)
        ]
    )
    product = env["product.product"].create(
        {"name": "Bench Service", "type": "service", "list_price": 100.0}
    )
    partner = env["res.partner"].create(
        {
            "name": "Bench Template Customer",
            "is_company": True,
            "email": "bench.template@example.com",
        }
    )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": today - timedelta(days=HISTORY_DAYS + 30),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": f"Bench line {k}",
                            "quantity": 1,
                            "price_unit": 100.0 * k,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for k in range(1, PRODUCT_LINES + 1)
                ],
            }
            for move_type in ("out_invoice", "out_refund")
        ]
    )
    moves.action_post()
    env.flush_all()
    for move in moves:
        kinds = move.line_ids.mapped("display_type")
        if kinds.count("product") != PRODUCT_LINES or len(kinds) != PRODUCT_LINES + 1:
            raise RuntimeError(f"unexpected lines in the template move: {kinds}")
    return company, partner, moves[0], moves[1]


def insert_partners(cr, template, n):
    from odoo.tools import SQL  # noqa: PLC0415

    company_name = SQL(
        "CASE WHEN r.k IN (5, 9) THEN r.name"
        " WHEN r.parent_id IS NOT NULL THEN 'Bench Company ' || (r.i - 1) END"
    )
    email = SQL("'bench.value' || r.i || '@example.com'")
    now = SQL("(now() AT TIME ZONE 'UTC')")
    target, source = copy_columns(
        cr,
        "res_partner",
        {
            "id": SQL("r.id"),
            "name": SQL("r.name"),
            "complete_name": SQL(
                "CASE WHEN r.parent_id IS NOT NULL"
                " THEN 'Bench Company ' || (r.i - 1) || ', ' || r.name"
                " ELSE r.name END"
            ),
            "is_company": SQL("r.k IN (5, 9)"),
            "parent_id": SQL("r.parent_id"),
            "commercial_partner_id": SQL("COALESCE(r.parent_id, r.id)"),
            "commercial_company_name": company_name,
            "email": email,
            "email_normalized": email,
            "customer_rank": SQL(
                "CASE WHEN r.parent_id IS NULL AND r.r < %s THEN 1 ELSE 0 END",
                CUSTOMER_PCT,
            ),
            "create_date": now,
            "write_date": now,
        },
        # Unique per partner (issue #27): left empty, as on imported partners.
        skip=("idic_referral_code",),
    )
    cr.execute(
        SQL(PARTNERS_SQL, n=n, target=target, source=source, template=template.id)
    )
    result = cr.fetchone()
    # The planner must know the table grew a thousandfold.
    cr.execute(SQL("ANALYZE res_partner"))
    return result


def insert_moves(cr, lo, hi, moves, invoice, refund, today):
    """Customers, move plan, moves, lines; return (moves, lines)."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(SQL(CUSTOMERS_SQL, lo=lo, hi=hi))
    customers = cr.rowcount
    if not customers:
        raise RuntimeError("no customer among the partners")
    cr.execute(SQL("ANALYZE bench_value_customers"))
    cr.execute(
        SQL(
            MOVE_PLAN_SQL,
            refund_pct=REFUND_PCT,
            today=today,
            days=HISTORY_DAYS,
            moves=moves,
            customers=customers,
        )
    )
    cr.execute(SQL("ANALYZE bench_value_move_plan"))
    sign = SQL("(CASE WHEN p.refund THEN -1 ELSE 1 END)")
    created = SQL("(p.invoice_date + TIME '09:00')")
    target, source = copy_columns(
        cr,
        "account_move",
        {
            "id": SQL("p.id"),
            "name": SQL("p.name"),
            "sequence_prefix": SQL("p.prefix"),
            "sequence_number": SQL("p.seq"),
            "partner_id": SQL("p.partner_id"),
            "commercial_partner_id": SQL("p.commercial_id"),
            "partner_shipping_id": SQL("p.partner_id"),
            "payment_reference": SQL(
                "CASE WHEN t.payment_reference IS NOT NULL THEN p.name END"
            ),
            "invoice_partner_display_name": SQL("p.partner_name"),
            "date": SQL("p.invoice_date"),
            "invoice_date": SQL("p.invoice_date"),
            "invoice_date_due": SQL("p.invoice_date + 30"),
            "amount_untaxed": SQL("p.total"),
            "amount_total": SQL("p.total"),
            "amount_residual": SQL("p.total"),
            "amount_untaxed_signed": SQL("%s * p.total", sign),
            "amount_untaxed_in_currency_signed": SQL("%s * p.total", sign),
            "amount_total_signed": SQL("%s * p.total", sign),
            "amount_total_in_currency_signed": SQL("%s * p.total", sign),
            "amount_residual_signed": SQL("%s * p.total", sign),
            "create_date": created,
            "write_date": created,
        },
    )
    cr.execute(
        SQL(MOVES_SQL, target=target, source=source, invoice=invoice, refund=refund)
    )
    nmoves = cr.rowcount
    cr.execute(SQL("ANALYZE account_move"))
    cr.execute(SQL(TEMPLATE_LINES_SQL, moves=(invoice, refund)))
    product = SQL("t.display_type = 'product'")
    target, source = copy_columns(
        cr,
        "account_move_line",
        {
            "move_id": SQL("p.id"),
            "partner_id": SQL("p.commercial_id"),
            "move_name": SQL("p.name"),
            "name": SQL(
                "CASE WHEN %s THEN t.name WHEN t.name IS NOT NULL THEN p.name END",
                product,
            ),
            "date": SQL("p.invoice_date"),
            "invoice_date": SQL("p.invoice_date"),
            "date_maturity": SQL(
                "CASE WHEN t.date_maturity IS NOT NULL THEN p.invoice_date + 30 END"
            ),
            "balance": SQL("b.balance"),
            "amount_currency": SQL("b.balance"),
            "debit": SQL("GREATEST(b.balance, 0)"),
            "credit": SQL("GREATEST(-b.balance, 0)"),
            "amount_residual": SQL("CASE WHEN %s THEN 0 ELSE b.balance END", product),
            "amount_residual_currency": SQL(
                "CASE WHEN %s THEN 0 ELSE b.balance END", product
            ),
            "price_unit": SQL(
                "CASE WHEN %s THEN a.amount ELSE t.price_unit END", product
            ),
            "price_subtotal": SQL(
                "CASE WHEN %s THEN a.amount ELSE t.price_subtotal END", product
            ),
            "price_total": SQL(
                "CASE WHEN %s THEN a.amount ELSE t.price_total END", product
            ),
            "create_date": created,
            "write_date": created,
        },
        skip=("id",),
    )
    cr.execute(
        SQL(LINES_SQL, target=target, source=source, invoice=invoice, refund=refund)
    )
    nlines = cr.rowcount
    for table in (
        "bench_value_customers",
        "bench_value_move_plan",
        "bench_value_template_lines",
    ):
        cr.execute(SQL("DROP TABLE %s", SQL.identifier(table)))
    return customers, nmoves, nlines


# The columns the bulk load fills (the others are copied from the template
# rows, which the ORM created): each must reference an existing row.
REFERENCES = [
    ("res_partner", "parent_id", "res_partner"),
    ("res_partner", "commercial_partner_id", "res_partner"),
    ("account_move", "partner_id", "res_partner"),
    ("account_move", "commercial_partner_id", "res_partner"),
    ("account_move", "partner_shipping_id", "res_partner"),
    ("account_move_line", "move_id", "account_move"),
    ("account_move_line", "partner_id", "res_partner"),
]


def check_references(cr):
    """Set-based check of the foreign keys the bulk load did not check."""
    from odoo.tools import SQL  # noqa: PLC0415

    for table, column, target in REFERENCES:
        cr.execute(
            SQL(
                "SELECT COUNT(*) FROM %(table)s x"
                " WHERE x.%(column)s IS NOT NULL AND NOT EXISTS"
                " (SELECT 1 FROM %(target)s y WHERE y.id = x.%(column)s)",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                target=SQL.identifier(target),
            )
        )
        dangling = cr.fetchone()[0]
        if dangling:
            raise RuntimeError(f"{dangling} rows of {table}.{column} reference nothing")


def vacuum(registry, tables, analyze=False):
    """VACUUM (outside of any transaction) ``tables``."""
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        cr.commit()
        cr._cnx.autocommit = True
        try:
            cr.execute(
                SQL(
                    "VACUUM %s %s",
                    SQL("(ANALYZE)" if analyze else ""),
                    SQL(", ").join(SQL.identifier(table) for table in tables),
                )
            )
        finally:
            cr._cnx.autocommit = False


def build_data(registry, args):
    import odoo  # noqa: PLC0415

    today = date.today()
    steps = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        seconds, (company, template, invoice, refund) = timed(
            lambda: create_templates(env, today)
        )
        steps.append(("company, chart, tiers, template invoices (ORM)", seconds))
        cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        bulk = cr.fetchone()[0]
        if bulk:
            # Bulk load: no foreign-key triggers (three quarters of the time
            # of the inserts); the columns filled here are checked below.
            cr.execute("SET LOCAL session_replication_role = replica")
        else:
            print(
                "note: not a PostgreSQL superuser: inserting with the foreign-key checks"
            )
        seconds, (lo, hi, npartners) = timed(
            lambda: insert_partners(cr, template, args.partners)
        )
        steps.append((f"{fmt(npartners)} partners", seconds))
        seconds, (customers, nmoves, nlines) = timed(
            lambda: insert_moves(cr, lo, hi, args.moves, invoice.id, refund.id, today)
        )
        steps.append((f"{fmt(nmoves)} moves, {fmt(nlines)} lines", seconds))
        if bulk:
            cr.execute("SET LOCAL session_replication_role = DEFAULT")
            seconds, _ = timed(lambda: check_references(cr))
            steps.append(("foreign keys of the inserted columns checked", seconds))
        info = {
            "company_id": company.id,
            "partners": npartners,
            "lo": lo,
            "hi": hi,
            "customers": customers,
            "moves": nmoves,
            "lines": nlines,
            "product_lines": nmoves * PRODUCT_LINES,
            "built": today.isoformat(),
        }
        env["ir.config_parameter"].set_param(MARKER, json.dumps(info))
        cr.commit()  # pylint: disable=invalid-commit
    # As autovacuum would have on a real database: fresh rows would otherwise
    # get their hint bits set (and their pages written) by whichever
    # measurement reads them first.
    seconds, _ = timed(
        lambda: vacuum(
            registry, ("res_partner", "account_move", "account_move_line"), True
        )
    )
    steps.append(("VACUUM ANALYZE", seconds))
    info["setup_seconds"] = round(sum(s for _label, s in steps), 1)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param(MARKER, json.dumps(info))
        cr.commit()  # pylint: disable=invalid-commit
    print(f"setup: built the data set in {info['setup_seconds']:.1f} s (committed):")
    for label, seconds in steps:
        print(f"    {label:<48} {seconds:7.1f} s")
    return info


def load_marker(env):
    value = env["ir.config_parameter"].sudo().get_param(MARKER)
    if not value:
        return None
    info = json.loads(value)
    if not env["res.company"].browse(info["company_id"]).exists():
        raise RuntimeError(
            f"the marker {MARKER} names a company that no longer exists: drop the "
            "database (or the parameter) to rebuild the data set"
        )
    return info


# ----------------------------------------------------------------------------
# The measurements (rolled back)
# ----------------------------------------------------------------------------
def window_start(company, today):
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    return today - relativedelta(months=company.idic_rfm_window_months)


def agg_sql(kind, company, start):
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(
        LINES_AGG_SQL if kind == "lines" else MOVES_AGG_SQL,
        company=company.id,
        start=start,
    )


def baseline_update_sql(kind, company, start):
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(
        BASELINE_UPDATE_SQL, agg=agg_sql(kind, company, start), key=str(company.id)
    )


def baseline_temp_sql(company, start):
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(BASELINE_TEMP_SQL, agg=agg_sql("lines", company, start))


def run_sql(env, statement):
    env.cr.execute(statement)
    return env.cr.rowcount


# The parts of the engine timed separately (the rest is the SQL of the batches).
ENGINE_PARTS = ("_idic_stage_values", "_idic_after_value_batch")


def timing(original, name, spent):
    """``original``, adding the time spent in it to ``spent[name]``."""

    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    return wrapper


@contextmanager
def engine_parts_timer(env, spent):
    """Add the time spent in each of ENGINE_PARTS to ``spent`` {name: s}."""
    cls = type(env["res.partner"])
    with ExitStack() as stack:
        for name in ENGINE_PARTS:
            wrapper = timing(getattr(cls, name), name, spent)
            stack.enter_context(patch.object(cls, name, wrapper))
        yield


def engine(env, company, batch_size, spent):
    with engine_parts_timer(env, spent):
        return env["res.partner"]._idic_recompute_values(
            companies=company, batch_size=batch_size, commit=False
        )


def transaction(registry, func):
    """Run ``func(env)`` in a transaction of its own, always rolled back."""
    import odoo  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        try:
            return func(env)
        finally:
            cr.rollback()


VALUE_KEYS_SQL = """
SELECT COUNT(*) FROM res_partner
 WHERE idic_lifetime_revenue ? %(key)s OR idic_value_tier_id ? %(key)s
    OR idic_engagement_value ? %(key)s
"""


def engine_columns(env):
    """The company-dependent columns of res_partner the value job writes: its
    staged figures (the engagement figures among them), the tier columns, the
    pricelist a tier gave and the digest of the figures."""
    from odoo.tools.sql import column_exists  # noqa: PLC0415

    from odoo.addons.partner_idic.models.res_partner_value import (  # noqa: PLC0415
        TIER_COLUMNS,
    )

    # Before issue 29 a tier wrote its pricelist on the partners, remembered
    # in idic_tier_pricelist_id; since, the pricelist is resolved from the tier.
    # Since, the job also keeps a digest of the figures it wrote.
    given = ["idic_tier_pricelist_id", "idic_value_digest"]
    return [
        *env["res.partner"]._idic_staged_value_columns(),
        *TIER_COLUMNS,
        *(c for c in given if column_exists(env.cr, "res_partner", c)),
    ]


def clear_sql(columns, keys):
    """One UPDATE removing the values of the companies ``keys`` (their ids as
    text) from ``columns`` of every partner holding one, and the pricelist
    that a tier of those companies gave (it goes with the tier)."""
    from odoo.tools import SQL  # noqa: PLC0415

    keys = list(keys)
    pricelist = SQL(
        "specific_property_product_pricelist = CASE WHEN idic_tier_pricelist_id"
        " ?| %(keys)s THEN NULLIF(specific_property_product_pricelist"
        " - %(keys)s, '{}'::jsonb) ELSE specific_property_product_pricelist END, ",
        keys=keys,
    )
    return SQL(
        "UPDATE res_partner SET %s%s WHERE %s",
        pricelist if "idic_tier_pricelist_id" in columns else SQL(),
        SQL(", ").join(
            SQL(
                "%s = NULLIF(%s - %s::text[], '{}'::jsonb)",
                SQL.identifier(c),
                SQL.identifier(c),
                keys,
            )
            for c in columns
        ),
        SQL(" OR ").join(
            SQL("%s ?| %s::text[]", SQL.identifier(c), keys) for c in columns
        ),
    )


def clear_figures(env, company):
    """Remove every figure the value job writes for ``company`` (see
    ``engine_columns``) and its tier history (in the running transaction,
    rolled back), should a recompute have been committed on this database:
    the measurement starts from the data set as built."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(clear_sql(engine_columns(env), [str(company.id)]))
    env.cr.execute(
        SQL("DELETE FROM idic_tier_history WHERE company_id = %s", company.id)
    )
    env.invalidate_all()


def first_run_facts(env, company, start):
    """What the engine's first run wrote: tiers, history, and the check of
    its figures against the line-level aggregate."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    key = str(company.id)
    facts = {}
    cr.execute(
        SQL(
            """SELECT t.name ->> 'en_US', t.min_threshold,
                      COUNT(p.id) FILTER (WHERE p.id = p.commercial_partner_id),
                      COUNT(p.id) FILTER (WHERE p.id <> p.commercial_partner_id)
                 FROM idic_value_tier t
                 LEFT JOIN res_partner p
                        ON p.idic_value_tier_id ? %(key)s
                       AND (p.idic_value_tier_id ->> %(key)s)::int = t.id
                WHERE t.company_id = %(company)s
                GROUP BY t.id ORDER BY t.min_threshold""",
            key=key,
            company=company.id,
        )
    )
    facts["tiers"] = cr.fetchall()
    cr.execute(
        SQL(
            "SELECT direction, COUNT(*) FROM idic_tier_history"
            " WHERE company_id = %s AND cause = 'recompute'"
            " GROUP BY direction ORDER BY direction",
            company.id,
        )
    )
    facts["history"] = cr.fetchall()
    cr.execute(
        SQL(
            "SELECT COUNT(*) FROM res_partner"
            " WHERE specific_property_product_pricelist ? %s",
            key,
        )
    )
    facts["pricelists"] = cr.fetchone()[0]
    cr.execute(SQL(CHECK_SQL, agg=agg_sql("lines", company, start), key=key))
    facts["checked"], facts["mismatches"], facts["tiered"] = cr.fetchone()
    # One customer, the one with the most invoices: its figures as written by
    # the engine against a direct sum over its invoice lines.
    cr.execute(
        SQL(
            """SELECT m.commercial_partner_id, COUNT(DISTINCT m.id),
                      SUM(-l.balance), MAX(m.invoice_date)
                 FROM account_move m
                 JOIN account_move_line l
                   ON l.move_id = m.id AND l.display_type = 'product'
                WHERE m.company_id = %(company)s AND m.state = 'posted'
                  AND m.move_type IN ('out_invoice', 'out_refund')
                GROUP BY m.commercial_partner_id
                ORDER BY COUNT(DISTINCT m.id) DESC, m.commercial_partner_id
                LIMIT 1""",
            company=company.id,
        )
    )
    partner_id, moves, lifetime, last_date = cr.fetchone()
    partner = env["res.partner"].with_company(company).browse(partner_id)
    facts["example"] = {
        "partner": partner.display_name,
        "moves": moves,
        "sql_lifetime": lifetime,
        "sql_last_date": last_date,
        "lifetime": partner.idic_lifetime_revenue,
        "last_date": partner.idic_last_invoice_date,
        "frequency": partner.idic_frequency,
        "clv": partner.idic_clv,
        "segment": partner.idic_rfm_segment,
        "tier": partner.idic_value_tier_id.name,
    }
    return facts


def explain(env, company, start, batch_size):
    """EXPLAIN (ANALYZE, BUFFERS) the engine's statements (the staging table,
    each batch) and the baseline's, rolling back after each."""
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    Partner = env["res.partner"]
    today = fields.Date.context_today(Partner)
    plans = []
    execute = cr.execute

    def explaining(query, params=None, log_exceptions=True):
        code = query.code if isinstance(query, SQL) else str(query)
        if params is None and code.lstrip().startswith("CREATE TEMP TABLE"):
            execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
            plans.append(("engine: the staging table", cr.fetchall()))
            return None
        return execute(query, params, log_exceptions)

    env.flush_all()
    with patch.object(cr, "execute", explaining):
        Partner._idic_stage_values(company, today)
    cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM res_partner"))
    max_id = cr.fetchone()[0]
    for id_from in range(0, max_id + 1, batch_size):
        statement = Partner._idic_apply_values_sql(
            company, today, id_from, id_from + batch_size
        )
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", statement))
        label = f"engine: batch of ids {id_from}-{id_from + batch_size - 1}"
        plans.append((label, cr.fetchall()))
    cr.execute("SHOW work_mem")
    work_mem = cr.fetchone()[0]
    cr.rollback()
    for kind in ("lines", "moves"):
        cr.execute(SQL("SET LOCAL work_mem = %s", work_mem))
        statement = baseline_update_sql(kind, company, start)
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", statement))
        label = f"baseline, GROUP BY over the {kind} + UPDATE, work_mem {work_mem}"
        plans.append((label, cr.fetchall()))
        cr.rollback()
    for label, rows in plans:
        plan = "\n".join(f"    {row[0]}" for row in rows)
        print(f"\n--- EXPLAIN (ANALYZE, BUFFERS), {label}:\n{plan}")
    print()


def describe(env, info):
    """Print the data set; return (company id, value window start, whether
    figures must be cleared before each measurement)."""
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    company = env["res.company"].browse(info["company_id"])
    start = window_start(company, fields.Date.context_today(env["res.partner"]))
    cr.execute(SQL("SELECT COUNT(*) FROM res_partner"))
    all_partners = cr.fetchone()[0]
    cr.execute(SQL(VALUE_KEYS_SQL, key=str(company.id)))
    written = cr.fetchone()[0]
    print(
        f"data: {fmt(info['partners'])} partners (ids {info['lo']}-{info['hi']}, "
        f"{fmt(info['customers'])} customers), {fmt(info['moves'])} posted customer "
        f"invoices/credit notes with {fmt(info['product_lines'])} product lines "
        f"({fmt(info['lines'])} lines with the receivable ones) in company "
        f"{company.name} (id {company.id}), built {info['built']} in "
        f"{info.get('setup_seconds', 0):.1f} s; {fmt(all_partners)} partners in "
        f"the database; value window from {start}"
    )
    if written:
        print(
            f"note: {fmt(written)} partners hold figures of {company.name} already: "
            "cleared at the start of each measurement (rolled back)"
        )
    cr.execute("SHOW work_mem")
    return company.id, start, bool(written), cr.fetchone()[0]


def run(registry, args, info):
    from odoo.tools import SQL  # noqa: PLC0415

    company_id, start, must_clear, default_work_mem = transaction(
        registry, lambda env: describe(env, info)
    )

    def measure(func):
        """``func(env, company)`` in a transaction of its own, rolled back,
        then VACUUM."""

        def body(env):
            company = env["res.company"].browse(company_id)
            if must_clear:
                clear_figures(env, company)
            return func(env, company)

        try:
            return transaction(registry, body)
        finally:
            # What the measurement wrote (and rolled back): each one starts
            # from the same state, as a night's run finds the tables vacuumed
            # by autovacuum since the day before.
            vacuum(registry, ("res_partner", "idic_tier_history"))

    if args.explain:
        measure(lambda env, company: explain(env, company, start, args.batch_size))

    times = {"engine": [], "rerun": [], "lines": [], "moves": [], "temp": []}
    parts = {name: [] for name in (*ENGINE_PARTS, "batches")}
    counts = {}
    facts = {}
    rss = [peak_rss_mb()]
    work_mem = {"default": default_work_mem}

    def engine_runs(env, company):
        spent = {}
        seconds, counts["engine"] = timed(
            lambda: engine(env, company, args.batch_size, spent)
        )
        times["engine"].append(seconds)
        for name in ENGINE_PARTS:
            parts[name].append(spent.get(name, 0.0))
        parts["batches"].append(seconds - sum(spent.values()))
        if not facts:
            rss.append(peak_rss_mb())
            # The baselines get the memory the engine gave itself, if it did.
            env.cr.execute("SHOW work_mem")
            work_mem["engine"] = env.cr.fetchone()[0]
            facts.update(first_run_facts(env, company, start))
        seconds, counts["rerun"] = timed(
            lambda: engine(env, company, args.batch_size, {})
        )
        times["rerun"].append(seconds)

    def baseline(kind):
        def body(env, company):
            env.cr.execute(SQL("SET LOCAL work_mem = %s", work_mem["engine"]))
            if kind == "temp":
                statement = baseline_temp_sql(company, start)
            else:
                statement = baseline_update_sql(kind, company, start)
            seconds, counts[kind] = timed(lambda: run_sql(env, statement))
            times[kind].append(seconds)

        return body

    load = [os.getloadavg()[0]]
    for _rep in range(args.repeat):
        # Alternate the measurements, each in a transaction of its own.
        measure(engine_runs)
        for kind in ("lines", "moves", "temp"):
            measure(baseline(kind))
    rss.append(peak_rss_mb())
    load.append(os.getloadavg()[0])
    report(args, info, times, parts, counts, facts, rss, work_mem, load)


def report(args, info, times, parts, counts, facts, rss, work_mem, load):
    med = {key: statistics.median(values) for key, values in times.items()}
    stage = statistics.median(parts["_idic_stage_values"])
    after = statistics.median(parts["_idic_after_value_batch"])
    batches = statistics.median(parts["batches"])

    def runs(key):
        return ", ".join(f"{t:.2f}" for t in times[key])

    def ratio(key):
        return med["engine"] / med[key] if med[key] else float("inf")

    print(
        f"runs: {args.repeat} of each, every one in a transaction of its own, "
        f"rolled back, then VACUUM; batches of {fmt(args.batch_size)} partner ids; "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after, "
        f"{os.cpu_count()} CPUs"
    )
    print("tiers after the first run (commercial partners + contacts):")
    for name, minimum, commercial, contacts in facts["tiers"]:
        print(
            f"    {name:<10} from {minimum:>9,.0f}  {commercial:>8,} + {contacts:>6,}"
        )
    print(
        "tier history rows written: "
        + (", ".join(f"{fmt(c)} {d}" for d, c in facts["history"]) or "none")
        + f"; tier pricelist given to {fmt(facts['pricelists'])} partners"
    )
    example = facts["example"]
    print(
        f"check: figures of {fmt(facts['checked'])} partners against one GROUP BY "
        f"over their invoice lines: {fmt(facts['mismatches'])} differ; "
        f"{fmt(facts['tiered'])} have a tier"
    )
    print(
        f"check: {example['partner']} ({example['moves']} moves): lifetime "
        f"{example['lifetime']:,.2f} (SQL sum of its lines "
        f"{example['sql_lifetime']:,.2f}), last invoice {example['last_date']} "
        f"(SQL {example['sql_last_date']}), frequency {example['frequency']}, "
        f"CLV {example['clv']:,.2f}, segment {example['segment']}, "
        f"tier {example['tier']}"
    )
    print(
        f"engine runs (s):        {runs('engine')}  ({fmt(counts['engine'])} "
        "partners updated)"
    )
    print(
        f"  of which (median):    staging table {stage:.2f} s, SQL of the batches "
        f"{batches:.2f} s, after each batch (caches, welcome "
        f"plans) {after:.2f} s"
    )
    print(
        f"re-run runs (s):        {runs('rerun')}  ({fmt(counts['rerun'])} "
        "partners updated)"
    )
    print(
        f"baseline runs (s):      {runs('lines')}  ({fmt(counts['lines'])} rows: "
        "GROUP BY over the invoice lines + UPDATE of the jsonb columns)"
    )
    print(
        f"  variant moves (s):    {runs('moves')}  ({fmt(counts['moves'])} rows: "
        "GROUP BY over account_move + the same UPDATE)"
    )
    print(
        f"  variant temp (s):     {runs('temp')}  ({fmt(counts['temp'])} rows: "
        "GROUP BY over the invoice lines into a temp table, plain columns)"
    )
    print(
        f"Python peak RSS: {rss[0]:.0f} MB before the runs, {rss[1]:.0f} MB after "
        f"the first engine run, {rss[2]:.0f} MB at the end"
    )
    print(
        f"PostgreSQL memory is server-side, work_mem per sort or hash node: "
        f"{work_mem['default']} by default, {work_mem['engine']} in the engine's "
        "transaction (the baselines run with the same)"
    )
    print(
        f"ratio to the baseline variants: moves {ratio('moves'):.1f}x, "
        f"temp {ratio('temp'):.1f}x"
    )
    print(
        f"value recompute: {fmt(info['partners'])} partners, "
        f"{fmt(info['product_lines'])} invoice lines: {fmt(counts['engine'])} "
        f"updated in {med['engine']:.2f} s (target < {TARGET_SECONDS:g} s); "
        f"idempotent re-run {med['rerun']:.2f} s; baseline GROUP BY + UPDATE "
        f"{med['lines']:.2f} s; ratio {ratio('lines'):.1f}x "
        f"(target <= {TARGET_RATIO:g}x)"
    )
    if not counts["engine"]:
        raise RuntimeError(
            "the engine updated no partner: the measurement means nothing"
        )
    if facts["mismatches"]:
        print(
            f"warning: the engine's figures differ from the line-level aggregate for "
            f"{fmt(facts['mismatches'])} partners"
        )
    if counts["rerun"]:
        print(f"warning: the re-run updated {fmt(counts['rerun'])} partners again")
    if counts["engine"] != counts["lines"]:
        print(
            f"note: the engine updated {fmt(counts['engine'])} partners, the baseline "
            f"{fmt(counts['lines'])}"
        )


def open_data_set(config_file, database, partners, moves):
    """The registry of the bench database and the info of its data set, built
    with ``partners`` and ``moves`` when the database has none yet (the frame
    every benchmark on this data set starts with)."""
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", config_file, "-d", database, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(database)
    info = transaction(registry, load_marker)
    if info is None:
        info = build_data(
            registry,
            parse_args(
                [
                    *("-c", config_file, "-d", database),
                    *("--partners", str(partners), "--moves", str(moves)),
                ]
            ),
        )
    elif (info["partners"], info["moves"]) != (partners, moves):
        print(
            f"note: the database holds the data set of {fmt(info['partners'])} "
            f"partners and {fmt(info['moves'])} moves built {info['built']}: "
            "measuring it (--partners and --moves only apply when building)"
        )
    return registry, info


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    # Every measurement is rolled back: the data set stays as it was built.
    run(registry, args, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
