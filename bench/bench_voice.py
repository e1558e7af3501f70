#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the sending rules of the customer surveys (issue #30).

It measures on the data set of ``bench_value_recompute.py`` (built by it when
the database has none: 100,000 partners, 250,000 posted customer invoices and
credit notes over three years), in transactions that are all rolled back,
after adding (not timed): an e-mail address on every partner (1 % asking not
to be contacted, 1 % blacklisted), a payment on a quarter of the invoices of
the last 120 days, 200,000 interactions over the last 120 days (calls with an
outcome, and complaints resolved in the last 30 days), 20,000 customers
surveyed in the last 90 days, and three active rules of the bench company: a
CSAT after a paid invoice, a CSAT after a closed call or complaint, an NPS once
a year to every active customer (no daily limit: the heaviest selection).

It times the voice job's stage step (``res.partner._idic_job_stage_voice``:
the one statement selecting every customer the rules pick today, into the
run's staging table, indexed) against the least work that selects them: one
query written for these three rules alone (no rules table, no daily limit),
into a temporary table, checked to give the same rows. The target is at most
2x.

It also times the sending of 300 invitations by the job
(``idic.voice.rule._idic_send``: one answer and one e-mail each through the
survey's own invitation) against the survey's own Share wizard inviting 300
other customers (``survey.invite.action_invite``), for information.

    python3 bench/bench_voice.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are; it
fails only when the job and the baseline disagree (then the ratio means
nothing).
"""

import argparse
import os
import statistics
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_value_recompute as value_bench

EMAILS_SQL = """
UPDATE res_partner
   SET email = 'bench' || id || '@example.com',
       email_normalized = 'bench' || id || '@example.com',
       idic_do_not_contact = (id %% 100 = 7)
 WHERE id >= %(lo)s
"""
BLACKLIST_SQL = """
INSERT INTO mail_blacklist (email, active, create_uid, write_uid, create_date, write_date)
SELECT 'bench' || id || '@example.com', TRUE, 1, 1, now(), now()
  FROM res_partner WHERE id >= %(lo)s AND id %% 100 = 13
"""
# A payment on a quarter of the invoices of the last 120 days, 0 to 29 days
# after the invoice: a partial reconcile of its receivable line.
PAYMENTS_SQL = """
WITH paid AS (
    SELECT m.id, m.invoice_date,
           (SELECT l.id FROM account_move_line l
             WHERE l.move_id = m.id AND l.display_type = 'payment_term' LIMIT 1) AS debit,
           (SELECT l.id FROM account_move_line l
             WHERE l.move_id = m.id AND l.display_type = 'product' LIMIT 1) AS credit,
           m.amount_total, m.currency_id
      FROM account_move m
     WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice'
       AND m.state = 'posted' AND m.invoice_date >= %(today)s::date - 120
       AND m.id %% 4 = 0
),
inserted AS (
    INSERT INTO account_partial_reconcile
           (debit_move_id, credit_move_id, amount, debit_amount_currency,
            credit_amount_currency, debit_currency_id, credit_currency_id,
            company_id, max_date, create_uid, write_uid, create_date, write_date)
    SELECT debit, credit, amount_total, amount_total, amount_total, currency_id,
           currency_id, %(company)s,
           LEAST(invoice_date + (id %% 30), %(today)s::date), 1, 1, now(), now()
      FROM paid WHERE debit IS NOT NULL AND credit IS NOT NULL
    RETURNING debit_move_id
)
UPDATE account_move m SET payment_state = 'paid'
  FROM account_move_line l
 WHERE l.id IN (SELECT debit_move_id FROM inserted) AND m.id = l.move_id
"""
INTERACTIONS_SQL = """
INSERT INTO idic_interaction (partner_id, commercial_partner_id, date, channel,
                              direction, kind, subject, outcome, feedback_stage,
                              resolved_date, company_id,
                              create_uid, write_uid, create_date, write_date)
SELECT p.id, p.id, t.date, 'phone',
       CASE WHEN g %% 3 = 0 THEN 'inbound' ELSE 'outbound' END,
       CASE WHEN g %% 40 = 0 THEN 'complaint' ELSE 'conversation' END,
       'Bench interaction',
       CASE WHEN g %% 40 = 0 OR g %% 4 = 0 THEN NULL ELSE 'positive' END,
       CASE WHEN g %% 40 = 0 THEN 'resolved' END,
       CASE WHEN g %% 40 = 0 THEN t.date + interval '2 days' END,
       %(company)s, 1, 1, now(), now()
  FROM generate_series(1, %(n)s) g
  JOIN LATERAL (SELECT (now() AT TIME ZONE 'UTC') - make_interval(
                           mins => ((g::bigint * 7919) %% (120 * 24 * 60))::int
                       ) AS date) t ON TRUE
  JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn
          FROM res_partner WHERE parent_id IS NULL AND id >= %(lo)s) p
    ON p.rn = 1 + (g::bigint * 31) %% %(partners)s
"""
SURVEYED_SQL = """
INSERT INTO survey_user_input (survey_id, partner_id, email, state, access_token,
                               idic_customer_id, idic_company_id,
                               create_uid, write_uid, create_date, write_date)
SELECT %(survey)s, p.id, p.email, 'new', md5(random()::text || p.id),
       p.id, %(company)s, 1, 1,
       (now() AT TIME ZONE 'UTC') - make_interval(days => (p.id %% 90)),
       now()
  FROM (SELECT id, email FROM res_partner
         WHERE parent_id IS NULL AND id >= %(lo)s ORDER BY id
         LIMIT %(n)s) p
"""

# The least work that selects the same customers: one query for these three
# rules, written without the job's structure.
BASELINE_SQL = """
CREATE TEMP TABLE bench_voice_baseline AS
SELECT DISTINCT ON (e.customer_id) e.partner_id, e.customer_id, e.rule_id, e.origin
  FROM (
    SELECT %(paid_rule)s AS rule_id, 10 AS seq, m.partner_id,
           m.commercial_partner_id AS customer_id, 'account.move,' || m.id AS origin
      FROM account_partial_reconcile apr
      JOIN account_move_line l ON l.id = apr.debit_move_id
      JOIN account_move m ON m.id = l.move_id
     WHERE apr.company_id = %(company)s
       AND apr.max_date BETWEEN %(today)s::date - 9 AND %(today)s::date - 2
       AND m.move_type = 'out_invoice' AND m.state = 'posted'
       AND m.payment_state IN ('paid', 'in_payment')
    UNION
    SELECT %(closed_rule)s, 20, i.partner_id, i.commercial_partner_id,
           'idic.interaction,' || i.id
      FROM idic_interaction i
     WHERE i.company_id = %(company)s
       AND ((i.kind = 'complaint'
             AND i.resolved_date >= %(today)s::date - 8
             AND i.resolved_date < %(today)s::date)
            OR (i.kind = 'conversation' AND i.outcome IN ('positive', 'neutral', 'negative')
                AND i.date >= %(today)s::date - 8 AND i.date < %(today)s::date))
    UNION ALL
    SELECT %(yearly_rule)s, 30, a.pid, a.pid, NULL
      FROM (SELECT DISTINCT commercial_partner_id AS pid FROM account_move
             WHERE company_id = %(company)s AND move_type = 'out_invoice'
               AND state = 'posted' AND invoice_date > %(today)s::date - 365
               AND invoice_date <= %(today)s::date) a
     WHERE NOT EXISTS (SELECT 1 FROM survey_user_input ui
                        WHERE ui.idic_customer_id = a.pid
                          AND ui.idic_voice_rule_id = %(yearly_rule)s)
  ) e
  JOIN res_partner rp ON rp.id = e.partner_id
  JOIN res_partner cp ON cp.id = e.customer_id
 WHERE rp.active AND rp.email_normalized IS NOT NULL
   AND NOT COALESCE(rp.idic_do_not_contact, FALSE)
   AND NOT COALESCE(cp.idic_do_not_contact, FALSE)
   AND NOT EXISTS (SELECT 1 FROM mail_blacklist b
                    WHERE b.active AND b.email = rp.email_normalized)
   AND NOT EXISTS (SELECT 1 FROM survey_user_input ui
                    WHERE ui.idic_customer_id = e.customer_id
                      AND ui.idic_company_id = %(company)s
                      AND ui.create_date > %(today)s::timestamp - interval '90 days')
 ORDER BY e.customer_id, e.seq, e.origin, e.partner_id
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the voice job's selection of the customers to "
        "survey against one SQL query selecting the same customers."
    )
    value_bench.add_data_set_arguments(parser)
    parser.add_argument("--interactions", type=int, default=200000)
    parser.add_argument("--surveyed", type=int, default=20000)
    parser.add_argument("--send", type=int, default=300)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement (median)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the job's selection and of the "
        "baseline instead of timing them",
    )
    args = parser.parse_args(argv)
    if min(args.repeat, args.interactions, args.surveyed, args.send) < 1:
        parser.error("--repeat, --interactions, --surveyed and --send must be >= 1")
    return args


def add_activity(env, company, info, args, today):
    """E-mails, payments, interactions, surveyed customers, rules (rolled
    back). Returns the rules."""
    from odoo import Command  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    lo = info["lo"]
    partners = env["res.partner"].search_count(
        [("parent_id", "=", False), ("id", ">=", lo)]
    )
    cr = env.cr
    params = {"company": company.id, "lo": lo, "today": today}
    cr.execute(SQL(EMAILS_SQL, **params))
    cr.execute(SQL(BLACKLIST_SQL, **params))
    cr.execute(SQL(PAYMENTS_SQL, **params))
    cr.execute(SQL(INTERACTIONS_SQL, n=args.interactions, partners=partners, **params))
    nps = env.ref("partner_idic.idic_voice_survey_nps")
    csat = env.ref("partner_idic.idic_voice_survey_csat")
    cr.execute(SQL(SURVEYED_SQL, survey=nps.id, n=args.surveyed, **params))
    for table in (
        "res_partner",
        "account_partial_reconcile",
        "idic_interaction",
        "survey_user_input",
        "mail_blacklist",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    company.idic_survey_throttle_days = 90
    Rule = env["idic.voice.rule"]
    kinds = env["idic.interaction.kind"].search(
        [("code", "in", ["complaint", "conversation"])]
    )
    return {
        "paid": Rule.create(
            {
                "name": "Bench CSAT after payment",
                "company_id": company.id,
                "survey_id": csat.id,
                "trigger": "invoice_paid",
                "delay_days": 2,
                "sequence": 10,
            }
        ),
        "closed": Rule.create(
            {
                "name": "Bench CSAT after a call or complaint",
                "company_id": company.id,
                "survey_id": csat.id,
                "trigger": "interaction_closed",
                "interaction_kind_ids": [Command.set(kinds.ids)],
                "delay_days": 1,
                "sequence": 20,
            }
        ),
        "yearly": Rule.create(
            {
                "name": "Bench NPS once a year",
                "company_id": company.id,
                "survey_id": nps.id,
                "trigger": "yearly",
                "sequence": 30,
            }
        ),
    }


def rows_of(env, table):
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(
        SQL(
            "SELECT partner_id, customer_id, rule_id, origin FROM %s",
            SQL.identifier(table),
        )
    )
    return set(env.cr.fetchall())


def explain(registry, info, args):
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    def measure(env):
        company = env["res.company"].browse(info["company_id"])
        today = fields.Date.context_today(env.user)
        rules = add_activity(env, company, info, args, today)
        env.flush_all()
        for label, query in (
            ("job", env["res.partner"]._idic_voice_candidates_sql(company, today)),
            (
                "baseline",
                SQL(
                    BASELINE_SQL.replace(
                        "CREATE TEMP TABLE bench_voice_baseline AS", ""
                    ),
                    company=company.id,
                    today=today,
                    paid_rule=rules["paid"].id,
                    closed_rule=rules["closed"].id,
                    yearly_rule=rules["yearly"].id,
                ),
            ),
        ):
            env.cr.execute(SQL("SET LOCAL jit = %s", "off" if label == "job" else "on"))
            env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
            print(f"--- {label}")
            print("\n".join(row[0] for row in env.cr.fetchall()))

    value_bench.transaction(registry, measure)


def run(registry, args, info):
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    times = {"job": [], "baseline": [], "send": [], "invite": []}
    counts = {}

    def measure(env):
        company = env["res.company"].browse(info["company_id"])
        today = fields.Date.context_today(env.user)
        rules = add_activity(env, company, info, args, today)
        env.flush_all()
        table = "idic_run_stage_voice_bench"
        Partner = env["res.partner"].with_context(
            idic_staging_table=table, idic_staging_temp=True
        )
        seconds, staged = value_bench.timed(
            lambda: Partner._idic_job_stage_voice(company, today)
        )
        times["job"].append(seconds)
        seconds, _none = value_bench.timed(
            lambda: env.cr.execute(
                SQL(
                    BASELINE_SQL,
                    company=company.id,
                    today=today,
                    paid_rule=rules["paid"].id,
                    closed_rule=rules["closed"].id,
                    yearly_rule=rules["yearly"].id,
                )
            )
        )
        times["baseline"].append(seconds)
        job_rows, baseline_rows = (
            rows_of(env, table),
            rows_of(env, "bench_voice_baseline"),
        )
        if job_rows != baseline_rows:
            raise SystemExit(
                f"the job staged {len(job_rows)} rows, the baseline selected "
                f"{len(baseline_rows)}: {len(job_rows ^ baseline_rows)} differ"
            )
        by_rule = {}
        for row in job_rows:
            by_rule[row[2]] = by_rule.get(row[2], 0) + 1
        counts.update(
            staged=staged,
            paid=by_rule.get(rules["paid"].id, 0),
            closed=by_rule.get(rules["closed"].id, 0),
            yearly=by_rule.get(rules["yearly"].id, 0),
        )
        # Sending: the job's invitations against the survey's own wizard.
        yearly = sorted(r for r in job_rows if r[2] == rules["yearly"].id)
        mine, theirs = yearly[: args.send], yearly[args.send : 2 * args.send]
        seconds, _sent = value_bench.timed(
            lambda: rules["yearly"]._idic_send(
                company, [(r[0], r[1], r[3]) for r in mine]
            )
        )
        times["send"].append(seconds)
        survey = rules["yearly"].survey_id
        sender = rules["yearly"]._idic_sender()
        template = env.ref("survey.mail_template_user_input_invite")

        def share():
            invite = (
                env["survey.invite"]
                .with_user(sender)
                .with_context(default_email_layout_xmlid="mail.mail_notification_light")
                .sudo()
                .create(
                    {
                        "survey_id": survey.id,
                        "template_id": template.id,
                        "partner_ids": [(6, 0, [r[0] for r in theirs])],
                        "existing_mode": "new",
                    }
                )
            )
            invite.action_invite()
            env.flush_all()

        seconds, _none = value_bench.timed(share)
        times["invite"].append(seconds)

    load = os.getloadavg()[0]
    for _rep in range(args.repeat):
        value_bench.transaction(registry, measure)
    median = {key: statistics.median(values) for key, values in times.items()}
    print(
        f"customer survey rules on {value_bench.fmt(info['partners'])} partners, "
        f"{value_bench.fmt(info['moves'])} moves, "
        f"{value_bench.fmt(args.interactions)} interactions "
        f"(median of {args.repeat}, load {load:.1f}):"
    )
    print(
        f"    job stage step        {median['job']:7.2f} s  "
        f"({value_bench.fmt(counts['staged'])} customers: "
        f"{value_bench.fmt(counts['paid'])} paid invoices, "
        f"{value_bench.fmt(counts['closed'])} closed interactions, "
        f"{value_bench.fmt(counts['yearly'])} yearly)"
    )
    print(f"    baseline query        {median['baseline']:7.2f} s  (same rows)")
    print(f"    ratio job / baseline: {median['job'] / median['baseline']:.2f}x")
    per_send = 1000 * median["send"] / args.send
    per_invite = 1000 * median["invite"] / args.send
    print(
        f"    sending {args.send}: job {median['send']:.2f} s ({per_send:.1f} ms each), "
        f"survey's Share wizard {median['invite']:.2f} s ({per_invite:.1f} ms each): "
        f"{median['send'] / median['invite']:.2f}x"
    )
    return timedelta(seconds=median["job"])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = value_bench.open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    if args.explain:
        explain(registry, info, args)
    else:
        run(registry, args, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
