#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the outbound capture of a mailing (issue #25).

On the data set of ``bench_value_recompute.py`` (100,000 partners; built by
it when the database has none), a mailing of Email Marketing on the contacts
with one delivered trace per partner (100,000 traces, inserted once with
``INSERT ... SELECT`` and kept, with a marker), then, each in a transaction of
its own, rolled back:

* the capture: ``mailing.mailing._idic_log_interactions`` (one statement
  inserting the interactions, each once by its origin key, and moving the
  customers' last interaction date; then their dormancy);
* its idempotent re-run (nothing new to log);
* the baseline: one ``INSERT INTO idic_interaction ... SELECT`` of the same
  rows from the traces (no duplicate check, no partner written).

    python3 bench/bench_outbound.py -c .run/bench.conf -d partner_idic_bench

This is a measurement, not a test: it exits 0 whatever the figures are.
"""

import argparse
import json
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
MARKER = "partner_idic.bench_outbound_mailing"

TRACES_SQL = """
INSERT INTO mailing_trace (trace_type, model, res_id, email, mass_mailing_id,
                           campaign_id, trace_status, sent_datetime,
                           is_test_trace, create_uid, create_date, write_uid,
                           write_date)
SELECT 'mail', 'res.partner', p.id,
       COALESCE(p.email_normalized, 'bench' || p.id || '@example.com'),
       %(mailing)s, NULL, 'sent', %(now)s, FALSE, 1, %(now)s, 1, %(now)s
  FROM res_partner p
 WHERE p.id BETWEEN %(lo)s AND %(hi)s
"""

BASELINE_SQL = """
INSERT INTO idic_interaction
       (partner_id, commercial_partner_id, date, channel, direction, subject,
        user_id, res_model, res_id, origin_key, company_id, kind,
        response_hours, mailing_id, create_uid, create_date, write_uid,
        write_date)
SELECT p.id, p.commercial_partner_id, t.sent_datetime, 'email', 'outbound',
       %(subject)s, %(user)s, 'mailing.mailing', %(mailing)s,
       'mailing.trace,' || t.id, COALESCE(p.company_id, %(company)s),
       'conversation', 0, %(mailing)s, 1, now(), 1, now()
  FROM mailing_trace t
  JOIN res_partner p ON p.id = t.res_id
 WHERE t.mass_mailing_id = %(mailing)s
   AND t.trace_status IN ('sent', 'open', 'reply')
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark the outbound capture of a mailing to 100,000 "
        "partners against one INSERT ... SELECT of the same rows."
    )
    add_data_set_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args(argv)


def ensure_mailing(registry, info):
    """The mailing and its traces (built once, committed)."""
    import odoo  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        marker = env["ir.config_parameter"].get_param(MARKER)
        if marker:
            return json.loads(marker)
        now = odoo.fields.Datetime.now()
        mailing = env["mailing.mailing"].create(
            {
                "subject": "Bench newsletter",
                "body_html": "<p>Bench</p>",
                "mailing_model_id": env["ir.model"]._get_id("res.partner"),
                "mailing_domain": "[]",
                "user_id": env.ref("base.user_admin").id,
            }
        )
        env.flush_all()
        cr.execute(
            SQL(
                "UPDATE mailing_mailing SET state = 'done', sent_date = %s"
                " WHERE id = %s",
                now,
                mailing.id,
            )
        )
        seconds, _ = timed(
            lambda: cr.execute(
                SQL(
                    TRACES_SQL,
                    mailing=mailing.id,
                    now=now,
                    lo=info["lo"],
                    hi=info["hi"],
                )
            )
        )
        data = {"mailing_id": mailing.id, "traces": cr.rowcount}
        env["ir.config_parameter"].set_param(MARKER, json.dumps(data))
        cr.commit()  # pylint: disable=invalid-commit
    vacuum(registry, ("mailing_trace", "mailing_mailing"), analyze=True)
    print(
        f"setup: {fmt(data['traces'])} delivered traces in {seconds:.1f} s (committed)"
    )
    return data


def measure(registry, data, company_id, kind):
    from odoo.tools import SQL  # noqa: PLC0415

    def body(env):
        mailing = env["mailing.mailing"].browse(data["mailing_id"])
        if kind == "baseline":
            return timed(
                lambda: (
                    env.cr.execute(
                        SQL(
                            BASELINE_SQL,
                            subject=mailing.subject,
                            user=mailing.user_id.id,
                            mailing=mailing.id,
                            company=company_id,
                        )
                    )
                    or env.cr.rowcount
                )
            )
        if kind == "rerun":
            mailing._idic_log_interactions()
        return timed(mailing._idic_log_interactions)

    result = transaction(registry, body)
    vacuum(registry, ("idic_interaction", "res_partner"))
    return result


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry, info = open_data_set(
        args.config, args.database, args.partners, args.moves
    )
    data = ensure_mailing(registry, info)
    times = {"capture": [], "rerun": [], "baseline": []}
    counts = {}
    for _run in range(args.repeat):
        for kind in ("baseline", "capture", "rerun"):
            seconds, count = measure(registry, data, info["company_id"], kind)
            times[kind].append(seconds)
            counts[kind] = count
    median = {kind: statistics.median(values) for kind, values in times.items()}
    ratio = median["capture"] / median["baseline"]
    print(f"outbound capture of a mailing to {fmt(data['traces'])} partners")
    print(f"    capture  {median['capture']:7.2f} s  ({fmt(counts['capture'])} logged)")
    print(f"    re-run   {median['rerun']:7.2f} s  ({fmt(counts['rerun'])} logged)")
    print(
        f"    baseline {median['baseline']:7.2f} s  ({fmt(counts['baseline'])} "
        "rows, one INSERT ... SELECT)"
    )
    print(
        f"ratio {ratio:.2f}x (target at most {TARGET_RATIO:.0f}x): "
        f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}; median of {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
