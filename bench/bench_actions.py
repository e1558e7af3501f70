#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the contact cadence and next best action jobs (issue #25).

On the data set of ``bench_value_recompute.py`` (100,000 partners, 1,000,000
invoice lines; built by it when the database has none). The value figures
(RFM, CLV, tiers, engagement) the next action rules read are computed once by
the value job and committed (marker ``partner_idic.bench_actions_figures``),
as the nightly value job leaves them before the next action job runs.

Each measurement runs in a transaction of its own, rolled back, after the
same setup in it (not timed): every commercial partner asks to hear from us
every 30 days and was created 60 days ago (so every customer is due), one in
ten got an outbound interaction 10 days ago.

* **Cadence** (``_idic_execute("cadence", commit=False)``: the job of the
  scheduler, range by range, in one transaction) against the least work:
  one ``INSERT INTO mail_activity ... SELECT`` of a to-do for each due
  customer (same due rule, without the do-not-contact, blacklist and open
  activity checks, nor the followers).
* **Next action** (the default rules, ``_idic_execute("next_action")``)
  against the least work: the same rules' queries, the first per customer of
  the company (the same scope), one ``UPDATE res_partner`` merging the action
  into the four jsonb columns (no cool-down, no clearing, no ranges).

    python3 bench/bench_actions.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_value_recompute import (
    add_data_set_arguments,
    fmt,
    open_data_set,
    timed,
    transaction,
    vacuum,
)

TARGET_RATIO = 2.0
FIGURES_MARKER = "partner_idic.bench_actions_figures"

SETUP_SQL = """
WITH upd AS (
    UPDATE res_partner p
       SET idic_contact_frequency = 30,
           create_date = now() - interval '60 days'
     WHERE p.id BETWEEN %(lo)s AND %(hi)s AND p.id = p.commercial_partner_id
    RETURNING p.id
)
INSERT INTO idic_interaction (partner_id, commercial_partner_id, date, channel,
                              direction, subject, company_id, kind,
                              response_hours, create_uid, create_date,
                              write_uid, write_date)
SELECT u.id, u.id, now() - interval '10 days', 'phone', 'outbound', 'Bench call',
       %(company)s, 'conversation', 0, 1, now(), 1, now()
  FROM upd u WHERE u.id %% 10 = 0
"""

CADENCE_BASELINE_SQL = """
INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name,
                           activity_type_id, summary, date_deadline, user_id,
                           automated, active, create_uid, create_date,
                           write_uid, write_date)
SELECT %(model)s, 'res.partner', p.id, p.complete_name, %(type)s,
       'Keep in touch', CURRENT_DATE, p.user_id, TRUE, TRUE, 1, now(), 1, now()
  FROM res_partner p
  LEFT JOIN (SELECT commercial_partner_id, MAX(date) AS last_date
               FROM idic_interaction
              WHERE direction = 'outbound' AND company_id = %(company)s
              GROUP BY commercial_partner_id) o ON o.commercial_partner_id = p.id
 WHERE p.id = p.commercial_partner_id AND p.customer_rank > 0
   AND p.idic_contact_frequency > 0
   AND COALESCE(o.last_date, p.create_date)
       < CURRENT_DATE - make_interval(days => p.idic_contact_frequency)
"""

NEXT_ACTION_BASELINE_SQL = """
WITH matches AS (%(matches)s),
best AS (
    SELECT DISTINCT ON (m.partner_id) m.partner_id, m.rule_id, m.kind, m.priority
      FROM matches m JOIN res_partner p ON p.id = m.partner_id
     WHERE %(scope)s
     ORDER BY m.partner_id, m.priority
)
UPDATE res_partner p
   SET idic_next_action = COALESCE(p.idic_next_action, '{}'::jsonb)
                          || jsonb_build_object(%(key)s, b.kind),
       idic_next_action_rule_id = COALESCE(p.idic_next_action_rule_id, '{}'::jsonb)
                                  || jsonb_build_object(%(key)s, b.rule_id),
       idic_next_action_priority = COALESCE(p.idic_next_action_priority, '{}'::jsonb)
                                   || jsonb_build_object(%(key)s, b.priority),
       idic_next_action_date = COALESCE(p.idic_next_action_date, '{}'::jsonb)
                               || jsonb_build_object(%(key)s, CURRENT_DATE)
  FROM best b
 WHERE p.id = b.partner_id
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the contact cadence and next best action jobs at "
        "100,000 partners against the least-work SQL of each."
    )
    add_data_set_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument(
        "--job", choices=("cadence", "next_action", "both"), default="both"
    )
    return parser.parse_args(argv)


def ensure_figures(registry, info):
    """The value figures of the bench company, computed once and committed."""
    import odoo  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        if env["ir.config_parameter"].get_param(FIGURES_MARKER):
            return
        company = env["res.company"].browse(info["company_id"])
        seconds, updated = timed(
            lambda: env["res.partner"]._idic_recompute_values(company, commit=False)
        )
        env["ir.config_parameter"].set_param(FIGURES_MARKER, "1")
        cr.commit()  # pylint: disable=invalid-commit
    vacuum(registry, ("res_partner",), analyze=True)
    print(
        f"setup: value figures of {fmt(updated)} partners in {seconds:.1f} s (committed)"
    )


def measure(registry, info, job, kind, batch_size):
    from odoo.tools import SQL  # noqa: PLC0415

    def body(env):
        company = env["res.company"].browse(info["company_id"])
        env.cr.execute(SQL(SETUP_SQL, lo=info["lo"], hi=info["hi"], company=company.id))
        env.cr.execute(SQL("ANALYZE res_partner"))
        env.cr.execute(SQL("ANALYZE idic_interaction"))
        env.invalidate_all()
        Partner = env["res.partner"]
        if kind == "job":
            return timed(
                lambda: env["idic.recompute.run"]._idic_execute(
                    job, company, batch_size=batch_size, commit=False
                )
            )
        if job == "cadence":
            statement = SQL(
                CADENCE_BASELINE_SQL,
                model=env["ir.model"]._get_id("res.partner"),
                type=env.ref("mail.mail_activity_data_todo").id,
                company=company.id,
            )
        else:
            statement = SQL(
                NEXT_ACTION_BASELINE_SQL,
                matches=Partner._idic_next_action_matches_sql(company),
                scope=Partner._idic_customer_scope_sql(company),
                key=str(company.id),
            )
        env.flush_all()
        return timed(lambda: env.cr.execute(statement) or env.cr.rowcount)

    result = transaction(registry, body)
    vacuum(registry, ("res_partner", "mail_activity", "idic_interaction"))
    return result


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    jobs = ("cadence", "next_action") if args.job == "both" else (args.job,)
    if "next_action" in jobs:
        ensure_figures(registry, info)
    for job in jobs:
        times = {"job": [], "baseline": []}
        counts = {}
        for _run in range(args.repeat):
            for kind in ("baseline", "job"):
                seconds, count = measure(registry, info, job, kind, args.batch_size)
                times[kind].append(seconds)
                counts[kind] = count
        median = {kind: statistics.median(values) for kind, values in times.items()}
        ratio = median["job"] / median["baseline"]
        print(f"{job} job over {fmt(info['partners'])} partners")
        print(f"    job      {median['job']:7.2f} s  ({fmt(counts['job'])} written)")
        print(
            f"    baseline {median['baseline']:7.2f} s  ({fmt(counts['baseline'])} rows)"
        )
        print(
            f"ratio {ratio:.2f}x (target at most {TARGET_RATIO:.0f}x): "
            f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}; median of {args.repeat}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
