"""Upgrade check of `make test`, run inside `python3 -m odoo shell`.

IDIC_UPGRADE=before, with the code of the previous release (tools/previous_release)
    on a database where it was installed with its demo data: checks that the
    demo story left rows in every table of the add-on's models and a value in
    every stored field the add-on adds to the host's models (and adds rows
    through the ORM where a model has none), sets the recompute cursors that
    the current release's migration must remove, then writes a snapshot of
    every record and stored figure to the JSON file IDIC_UPGRADE_FILE.
IDIC_UPGRADE=after, with the current code, once `-u partner_idic` has run:
    takes the same snapshot and compares it with the file.  Every record must
    be kept and every stored value equal, except the intended changes listed
    below with their reason.  Prints a summary and exits non-zero when a
    difference is found.

What is compared:
- each table of the add-on's own models (every stored column) and the many2many
  tables of the add-on's fields: every row, by id (or by pair);
- each host table the add-on adds stored fields to (res_partner, account_move,
  loyalty_card, ...): every row, by id, with the add-on's columns (among them the
  company-dependent idic_* jsonb columns of res_partner) and a few of the host's
  own figures the add-on's story depends on (invoice totals, card points, ...);
- the add-on's system parameters (partner_idic.*), and its crons, groups, record
  rules and access rights (by XML id);
- every XML id of the add-on (demo and data records) is still there;
- the fundraising models new in this release (funds, recurring gifts, soft
  credits, pledges, the appeal and fund of the donation lines; issue 26): the
  previous release has no rows of them, so the upgraded database is checked
  for consistency instead (fundraising_check): the lines' funds of their own
  company, each pledge's paid amount the sum of its gift lines, each soft
  credit on a donation line of its own gift, each recurring gift's invoices
  its donor's, and the donor figures of the previous release recomputed by
  the current code equal to the snapshot for every donor the new demo data
  (soft credits, households, recurring gifts, pledges) leaves alone.
Columns write_date and write_uid are left out: `-u` reloads the add-on's data
files, which rewrites the records they define (with the same values).
"""

import datetime
import json
import os
import sys

from odoo.tools import SQL

env = globals()["env"]  # provided by `odoo shell`
MODULE = "partner_idic"
mode = os.environ["IDIC_UPGRADE"]
path = os.environ["IDIC_UPGRADE_FILE"]

# --------------------------------------------------------------------------
# Intended changes of the current release, each with its reason.  At each
# release (tools/previous_release moves), these lists are emptied.
# --------------------------------------------------------------------------
# System parameters the current release deletes (in its migrations/).
REMOVED_PARAMS = {
    "partner_idic.value_recompute_cursor": "19.0.1.1.0: the recompute jobs keep "
    "their place in run tables (issue 17); migrations/19.0.1.1.0 deletes the cursor",
    "partner_idic.donor_recompute_cursor": "19.0.1.1.0: as the value cursor",
    "partner_idic.member_refresh_cursor": "19.0.1.1.0: as the value cursor",
    "partner_idic.stage_advance_next_id": "19.0.1.1.0: the stage advance runs on "
    "the recompute frame (issue 29); migrations/19.0.1.1.0 deletes its cursor",
}
# Stored columns whose meaning or type changes on purpose: (table, column).
CHANGED_COLUMNS = {
    ("idic_stage", "rule_domain"): "19.0.1.1.0: the shipped rule of the Customize "
    "stage becomes the tailored offer of the last 12 months (issue 25); "
    "migrations/19.0.1.1.0/post-customize_rule.py, only where still the shipped one",
    ("idic_stage", "description"): "19.0.1.1.0: the description of the Customize "
    "stage follows its new rule (issue 25), only where still the shipped one",
}
# Stored columns / tables the current release drops on purpose.
REMOVED_COLUMNS = {
    ("res_partner", "idic_tier_pricelist_id"): "19.0.1.1.0: a tier's pricelist is "
    "resolved when needed, no longer written on the partners (issue 29); "
    "migrations/19.0.1.1.0/pre-tier_pricelists.py drops it",
    ("res_partner", "idic_recency_days"): "19.0.1.1.0: recency is derived from "
    "the last invoice date when read, no longer stored: a stored count of days "
    "made every night rewrite every customer's row (issue 29); "
    "migrations/19.0.1.1.0/pre-recency_derived.py drops it",
}
REMOVED_TABLES = {}
# Stored columns the current release moves to another table on purpose:
# (table, column) -> (reason, SQL of the rows ``id, value`` that now hold the
# values, compared with the column's old values row by row).
MOVED_COLUMNS = {
    ("res_partner", "idic_last_interaction_date"): (
        "19.0.1.1.0: kept in idic_partner_activity, one narrow row per "
        "commercial partner, read by the partners' field (issue 25: a mailing "
        "moves the date of every customer it reached); compared on the "
        "commercial partners, whose contacts now show their date; "
        "migrations/19.0.1.1.0/post-last_interaction.py moves it",
        """SELECT p.id, a.last_date AS value
             FROM res_partner p
             LEFT JOIN idic_partner_activity a ON a.partner_id = p.id
            WHERE p.id = p.commercial_partner_id""",
    ),
}
# Records defined by XML id that the current release changes or drops on
# purpose: "module.name" -> reason.
CHANGED_XMLIDS = {}
REMOVED_XMLIDS = {
    "partner_idic.field_res_partner__idic_tier_pricelist_id": "19.0.1.1.0: the "
    "field is gone (a tier's pricelist is resolved when needed, issue 29)",
    "partner_idic.field_res_users__idic_tier_pricelist_id": "19.0.1.1.0: the "
    "field of the users' partners, gone with it",
}

IGNORED_COLUMNS = {"write_date", "write_uid"}
# Host figures the demo story is made of, kept with the add-on's columns.
HOST_FIGURES = {
    "res_partner": ["active", "company_id", "parent_id", "membership_state"],
    "account_move": [
        "state",
        "move_type",
        "partner_id",
        "invoice_date",
        "amount_total_signed",
        "amount_residual_signed",
        "payment_state",
    ],
    # The gifts: every invoice line (donation lines among them) keeps its
    # product, partner and amounts (issue 26 adds appeal, fund and pledge).
    "account_move_line": [
        "move_id",
        "partner_id",
        "product_id",
        "display_type",
        "quantity",
        "price_unit",
        "price_subtotal",
        "balance",
    ],
    "loyalty_card": ["points", "partner_id", "program_id", "expiration_date"],
    "loyalty_history": ["card_id", "issued", "used"],
    "membership_membership_line": [
        "partner",
        "state",
        "date_from",
        "date_to",
        "date_cancel",
        "member_price",
    ],
}
# Definition records of the add-on, compared by XML id: model -> fields.
DEFINITIONS = {
    "ir.cron": [
        "cron_name",
        "model_id",
        "code",
        "active",
        "interval_number",
        "interval_type",
        "priority",
        "user_id",
    ],
    "res.groups": ["name", "implied_ids", "user_ids", "privilege_id"],
    "ir.rule": [
        "name",
        "model_id",
        "domain_force",
        "groups",
        "active",
        "perm_read",
        "perm_write",
        "perm_create",
        "perm_unlink",
    ],
    "ir.model.access": [
        "model_id",
        "group_id",
        "active",
        "perm_read",
        "perm_write",
        "perm_create",
        "perm_unlink",
    ],
}
EXAMPLES = 5  # differences shown per table and column


def say(message):
    sys.stdout.write(f"[upgrade check] {message}\n")
    sys.stdout.flush()


def table_columns(table):
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        (table,),
    )
    return {row[0] for row in env.cr.fetchall()}


def addon_tables():
    """{table: (kind, model, [columns])} of what the add-on stores."""
    tables = {}
    relations = {}
    for name in sorted(env.registry):
        model = env[name]
        if model._abstract or model._transient or not model._auto:
            continue
        own = model._original_module == MODULE
        columns = set()
        for field in model._fields.values():
            if not field.store:
                continue
            if field.type == "many2many" and (own or field._module == MODULE):
                relations[field.relation] = (name, [field.column1, field.column2])
            elif field.column_type and (own or field._module == MODULE):
                columns.add(field.name)
        if own:
            tables[model._table] = ("model", name, sorted(columns))
        elif columns:
            present = table_columns(model._table)
            host = [c for c in HOST_FIGURES.get(model._table, []) if c in present]
            tables[model._table] = ("host", name, sorted(columns | set(host)))
    for table, (name, columns) in relations.items():
        tables.setdefault(table, ("relation", name, columns))
    # The host tables of the story's figures, with add-on columns or not.
    for name in sorted(env.registry):
        model = env[name]
        table = model._table
        if (
            table in HOST_FIGURES
            and table not in tables
            and model._auto
            and not model._abstract
        ):
            present = table_columns(table)
            columns = [c for c in HOST_FIGURES[table] if c in present]
            if columns:
                tables[table] = ("host", name, columns)
    return tables


def rows_of(table, kind, columns):
    present = table_columns(table)
    if kind == "model":
        columns = sorted(present - IGNORED_COLUMNS - {"id"})
    columns = [c for c in columns if c in present]
    cr = env.cr
    if kind == "relation":
        cr.execute(
            SQL(
                "SELECT %s, %s FROM %s ORDER BY 1, 2",
                SQL.identifier(columns[0]),
                SQL.identifier(columns[1]),
                SQL.identifier(table),
            )
        )
        return columns, {f"{a},{b}": {} for a, b in cr.fetchall()}
    select = SQL(", ").join(SQL.identifier(c) for c in ["id", *columns])
    cr.execute(
        SQL(
            "SELECT row_to_json(t) FROM (SELECT %s FROM %s) t",
            select,
            SQL.identifier(table),
        )
    )
    rows = {}
    for (row,) in cr.fetchall():
        rows[str(row.pop("id"))] = row
    return columns, rows


def xmlid_index():
    env.cr.execute(
        "SELECT module || '.' || name, model, res_id FROM ir_model_data "
        "WHERE module = %s ORDER BY 1",
        (MODULE,),
    )
    return {xmlid: [model, res_id] for xmlid, model, res_id in env.cr.fetchall()}


def plain(value):
    if hasattr(value, "_name"):  # a recordset: its ids
        return sorted(value.ids)
    return value


def definitions(xmlids):
    result = {}
    for model, fields in DEFINITIONS.items():
        if model not in env:
            continue
        fields = [f for f in fields if f in env[model]._fields]
        for xmlid, (xmodel, res_id) in xmlids.items():
            if xmodel != model:
                continue
            record = env[model].with_context(active_test=False).browse(res_id).exists()
            if record:
                result[xmlid] = {f: plain(record[f]) for f in fields}
    return result


def snapshot():
    env.flush_all()
    data = {"tables": {}, "params": {}, "xmlids": xmlid_index()}
    for table, (kind, model, columns) in sorted(addon_tables().items()):
        columns, rows = rows_of(table, kind, columns)
        data["tables"][table] = {
            "kind": kind,
            "model": model,
            "columns": columns,
            "rows": rows,
        }
    env.cr.execute(
        "SELECT key, value FROM ir_config_parameter WHERE key LIKE %s ORDER BY key",
        (f"{MODULE}.%",),
    )
    data["params"] = dict(env.cr.fetchall())
    data["definitions"] = definitions(data["xmlids"])
    data["moved"] = {}
    for (table, column), (_reason, query) in MOVED_COLUMNS.items():
        if column in table_columns(table):
            continue  # not moved yet (the previous release)
        env.cr.execute(SQL("SELECT row_to_json(t) FROM (%s) t", SQL(query)))
        data["moved"][f"{table}.{column}"] = {
            str(row["id"]): row["value"] for (row,) in env.cr.fetchall()
        }
    return data


# --------------------------------------------------------------------------
# before: rows in every model, cursors set, snapshot
# --------------------------------------------------------------------------
def has_value(table, column):
    env.cr.execute(
        SQL(
            "SELECT 1 FROM %(table)s WHERE %(column)s IS NOT NULL "
            "AND %(column)s::text NOT IN ('', 'false', '0', '0.0', '{}', '[]') LIMIT 1",
            table=SQL.identifier(table),
            column=SQL.identifier(column),
        )
    )
    return bool(env.cr.fetchone())


def count_of(table):
    env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
    return env.cr.fetchone()[0]


def run_jobs():
    """A day of use after the demo story: each cron of the add-on once, as the
    scheduler runs it (its own transaction)."""
    crons = env["ir.cron"].browse(
        res_id for model, res_id in xmlid_index().values() if model == "ir.cron"
    )
    for cron in crons.with_context(active_test=False).exists().sorted("priority"):
        env.cr.commit()
        cron.method_direct_trigger()
        # The job ran in a cursor of its own: a new transaction sees its work.
        env.cr.commit()
        env.invalidate_all()
    say(f"ran the add-on's {len(crons)} jobs once")


def fill_assessment(_model):
    """An assessment of the IDIC survey answered by the admin, closed: its
    areas and proposed improvement actions, the survey answer it owns."""
    admin = env.ref("base.user_admin")
    if not admin.email:
        admin.email = "admin@example.com"
    survey = env.ref(f"{MODULE}.idic_assessment_survey_idic")
    assessment = env["idic.assessment"].create(
        {
            "name": "Upgrade check assessment",
            "framework": "idic",
            # Two years back: the tests' own assessments come after it.
            "date": datetime.date.today() - datetime.timedelta(days=730),
            "participant_ids": [(6, 0, admin.ids)],
        }
    )
    assessment.action_invite()
    answer = env["survey.user_input"].search(
        [
            ("idic_assessment_id", "=", assessment.id),
            ("partner_id", "=", admin.partner_id.id),
        ]
    )
    for index, question in enumerate(survey.page_ids.question_ids):
        choices = question.suggested_answer_ids.sorted("answer_score")
        if choices:
            answer._save_lines(question, choices[index % len(choices)].id)
    answer._mark_done()
    assessment.action_close()


def fill_improvement_action(model):
    area = env["idic.assessment.area"].search([], limit=1)
    model.create(
        {"name": "Upgrade check action", "assessment_id": area.assessment_id.id}
    )


def fill_health_target(_model):
    for company in env["res.company"].search([]):  # pylint: disable=no-search-all
        env["idic.health.target"]._for_company(company)


FILLERS = {
    "idic.assessment": fill_assessment,
    "idic.assessment.area": fill_assessment,
    "idic.improvement.action": fill_improvement_action,
    "idic.health.target": fill_health_target,
}


def fill_empty(tables):
    """Rows through the ORM (the previous release's code) where the demo story
    and a run of the jobs left none."""
    for table, (kind, model, _columns) in sorted(tables.items()):
        if kind != "model" or count_of(table):
            continue
        filler = FILLERS.get(model)
        if not filler:
            say(
                f"{table}: no rows in {model}, and no filler for it in tools/upgrade_check.py"
            )
            continue
        try:
            with env.cr.savepoint():
                filler(env[model])
                env.flush_all()
        except Exception as error:  # reported; the check fails below
            say(f"{table}: adding rows to {model} failed: {error}")
            continue
        say(
            f"{table}: no rows after the demo story and the jobs: {count_of(table)} added"
        )


def sample_value(field):
    if field.type == "boolean":
        return True
    if field.type in ("char", "text", "html"):
        return "Upgrade check"
    if field.type in ("integer", "float", "monetary"):
        return 7
    if field.type == "date":
        return "1990-05-17"
    if field.type == "datetime":
        return "2024-05-17 10:00:00"
    if field.type == "selection":
        values = field.get_values(env)
        return values[-1] if values else None
    if field.type == "many2one":
        record = env[field.comodel_name].search([], limit=1)
        return record.id or None
    return None


SAMPLES = {}  # model -> record id -> field -> value before the sample


def fill_fields(table, model, columns):
    """Sets the add-on's fields that no row of a host table holds, through the
    ORM on the first record of the demo story (or of the table)."""
    unset = [c for c in columns if not has_value(table, c)]
    if not unset:
        return []
    records = env[model].with_context(active_test=False)
    env.cr.execute(
        SQL(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND model = %s "
            "ORDER BY id LIMIT 1",
            MODULE,
            model,
        )
    )
    row = env.cr.fetchone()
    record = records.browse(row[0]) if row else records.search([], limit=1, order="id")
    values = {}
    for name in unset:
        field = records._fields.get(name)
        value = sample_value(field) if field else None
        if value is not None:
            values[name] = value
    # What the sample values replace, put back once compared (after()).
    originals = SAMPLES.setdefault(model, {}).setdefault(str(record.id), {})
    for name in values:
        value = record[name]
        if hasattr(value, "_name"):
            value = value.id
        elif isinstance(value, (datetime.date, datetime.datetime)):
            value = str(value)
        originals[name] = value
    try:
        with env.cr.savepoint():
            record.write(values)
            env.flush_all()
    except Exception:  # one field at a time then
        for name, value in values.items():
            try:
                with env.cr.savepoint():
                    record.write({name: value})
                    env.flush_all()
            except Exception as error:  # reported below
                say(f"{table}.{name}: could not be set on {record}: {error}")
    left = [c for c in unset if not has_value(table, c)]
    done = sorted(set(unset) - set(left))
    if done:
        say(f"{table}: no row held a value in {', '.join(done)}: set on {record}")
    return [f"{table}.{c}" for c in left]


def before():
    tables = addon_tables()
    say(
        f"the previous release stores {len(tables)} tables (own models, host tables, relations)"
    )
    run_jobs()
    fill_empty(tables)
    unset = []
    for table, (kind, model, columns) in sorted(tables.items()):
        if kind == "host":
            unset += fill_fields(
                table,
                model,
                [c for c in columns if c not in HOST_FIGURES.get(table, ())],
            )
    empty = [table for table in sorted(tables) if not count_of(table)]
    if empty:
        say(f"FAILED: tables without rows: {', '.join(empty)}")
    if unset:
        say(f"FAILED: fields no row holds a value in: {', '.join(unset)}")
    # A run of each job interrupted half-way: the migration must drop them.
    params = env["ir.config_parameter"].sudo()
    partner = env["res.partner"].search([], order="id desc", limit=1)
    for key in REMOVED_PARAMS:
        params.set_param(key, f"{env.company.id},{partner.id}")
    data = snapshot()
    data["samples"] = SAMPLES
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    rows = sum(len(t["rows"]) for t in data["tables"].values())
    say(
        f"snapshot: {len(data['tables'])} tables, {rows} rows, "
        f"{len(data['params'])} parameters, {len(data['definitions'])} definition "
        f"records, {len(data['xmlids'])} XML ids"
    )
    env.cr.commit()  # `odoo shell` rolls back what is not committed
    if empty or unset:
        sys.exit(1)


# --------------------------------------------------------------------------
# after: compare
# --------------------------------------------------------------------------
def changed_values(rows, column, values):
    """Ids of ``rows`` (the snapshot before) whose ``column`` differs from
    ``values`` (id -> value now); ids missing from ``values`` are not
    compared."""
    return [
        rid
        for rid, row in rows.items()
        if rid in values and row.get(column) != values[rid]
    ]


def examples_of(rows, column, values, changed):
    return "; ".join(
        f"id {rid}: {rows[rid].get(column)!r} -> {values[rid]!r}"
        for rid in changed[:EXAMPLES]
    )


def compare(old, new):
    differences = []
    intended = []
    stats = {"tables": 0, "rows": 0, "values": 0, "added": 0}

    def differ(message):
        differences.append(message)

    for table, was in sorted(old["tables"].items()):
        now = new["tables"].get(table)
        if now is None:
            if table in REMOVED_TABLES:
                intended.append(f"table {table} dropped: {REMOVED_TABLES[table]}")
            else:
                differ(f"table {table} ({was['model']}) is gone")
            continue
        stats["tables"] += 1
        lost = sorted(set(was["rows"]) - set(now["rows"]), key=str)
        if lost:
            differ(
                f"{table}: {len(lost)} rows lost, e.g. ids {', '.join(lost[:EXAMPLES])}"
            )
        stats["added"] += len(set(now["rows"]) - set(was["rows"]))
        for column in was["columns"]:
            key = f"{table}.{column}"
            if column not in now["columns"]:
                moved = new.get("moved", {}).get(key)
                if moved is not None:
                    compared = len(set(moved) & set(was["rows"]))
                    stats["values"] += compared
                    changed = changed_values(was["rows"], column, moved)
                    if changed:
                        differ(
                            f"{key} (moved): {len(changed)} of {compared} values "
                            f"changed ({examples_of(was['rows'], column, moved, changed)})"
                        )
                    else:
                        intended.append(
                            f"{key} moved ({compared} values kept): "
                            f"{MOVED_COLUMNS[table, column][0]}"
                        )
                elif (table, column) in REMOVED_COLUMNS:
                    intended.append(f"{key} dropped: {REMOVED_COLUMNS[table, column]}")
                else:
                    differ(f"{key} is gone")
                continue
            values = {rid: row.get(column) for rid, row in now["rows"].items()}
            changed = changed_values(was["rows"], column, values)
            stats["values"] += len(was["rows"])
            if not changed:
                continue
            if (table, column) in CHANGED_COLUMNS:
                intended.append(
                    f"{key}: {len(changed)} values changed: {CHANGED_COLUMNS[table, column]}"
                )
                continue
            examples = examples_of(was["rows"], column, values, changed)
            differ(
                f"{key}: {len(changed)} of {len(was['rows'])} values changed ({examples})"
            )
        stats["rows"] += len(was["rows"])

    for key, value in sorted(old["params"].items()):
        if key in REMOVED_PARAMS:
            if key in new["params"]:
                differ(f"parameter {key} should have been removed by the migration")
            else:
                intended.append(f"parameter {key} removed: {REMOVED_PARAMS[key]}")
        elif key not in new["params"]:
            differ(f"parameter {key} is gone (was {value!r})")
        elif new["params"][key] != value:
            differ(f"parameter {key}: {value!r} -> {new['params'][key]!r}")

    for xmlid in sorted(set(old["xmlids"]) - set(new["xmlids"])):
        if xmlid in REMOVED_XMLIDS:
            intended.append(f"{xmlid} removed: {REMOVED_XMLIDS[xmlid]}")
        else:
            differ(f"record {xmlid} ({old['xmlids'][xmlid][0]}) is gone")
    for xmlid, values in sorted(old["definitions"].items()):
        now = new["definitions"].get(xmlid)
        if now is None:
            continue  # reported with the XML ids
        changed = [f for f in values if f in now and now[f] != values[f]]
        if not changed:
            continue
        if xmlid in CHANGED_XMLIDS:
            intended.append(f"{xmlid} changed: {CHANGED_XMLIDS[xmlid]}")
            continue
        differ(
            f"{xmlid}: "
            + "; ".join(f"{f} {values[f]!r} -> {now[f]!r}" for f in changed)
        )
    return differences, intended, stats


# --------------------------------------------------------------------------
# after: the fundraising models new in this release (issue 26)
# --------------------------------------------------------------------------
# The donor figures of the previous release (res.partner, per company).
DONOR_FIGURES = [
    "idic_donation_count",
    "idic_donation_first_date",
    "idic_donation_first_amount",
    "idic_donation_last_date",
    "idic_donation_last_amount",
    "idic_donation_largest",
    "idic_donation_total",
    "idic_donation_fy_total",
    "idic_donation_last_fy_total",
    "idic_donation_average",
    "idic_donor_status",
    "idic_lybunt",
    "idic_sybunt",
]
# SQL counting the rows that break a rule of the fundraising models: rule ->
# query (a count). Each applies to the tables of the current release.
FUNDRAISING_RULES = {
    "a donation line's fund belongs to the line's company": """
        SELECT count(*) FROM account_move_line l
          JOIN idic_fund f ON f.id = l.idic_fund_id
         WHERE f.company_id != l.company_id""",
    "a pledge's paid amount is the sum of its posted gift lines": """
        SELECT count(*) FROM idic_pledge p
          LEFT JOIN LATERAL (
              SELECT -COALESCE(SUM(l.balance), 0) AS paid
                FROM account_move_line l
                JOIN account_move m ON m.id = l.move_id
               WHERE l.idic_pledge_id = p.id AND l.parent_state = 'posted'
                 AND l.display_type = 'product'
                 AND m.move_type IN ('out_invoice', 'out_refund')) s ON TRUE
         WHERE ROUND(COALESCE(p.paid_amount, 0) - s.paid, 2) != 0""",
    "a pledge's outstanding amount is its promise less paid and written off": """
        SELECT count(*) FROM idic_pledge p
         WHERE NOT COALESCE(p.cancelled, FALSE)
           AND ROUND(p.outstanding_amount - GREATEST(p.amount - COALESCE(p.paid_amount, 0)
                     - COALESCE(p.written_off_amount, 0), 0), 2) != 0""",
    "a soft credit credits a donation line of its own gift, up to its amount": """
        SELECT count(*) FROM idic_soft_credit c
          JOIN account_move_line l ON l.id = c.line_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE l.move_id != c.move_id OR NOT COALESCE(pt.idic_is_donation, FALSE)
            OR c.amount <= 0 OR c.amount > ABS(l.balance) + 0.01""",
    "a recurring gift's invoices are its donor's, of its company": """
        SELECT count(*) FROM account_move m
          JOIN idic_recurring_gift g ON g.id = m.idic_recurring_gift_id
          JOIN res_partner p ON p.id = m.partner_id
         WHERE p.commercial_partner_id != g.commercial_partner_id
            OR m.company_id != g.company_id""",
    "a recurring gift has a positive amount and its next date after its start": """
        SELECT count(*) FROM idic_recurring_gift g
         WHERE g.amount <= 0 OR (g.next_date IS NOT NULL AND g.next_date < g.date_start)""",
}


def fill_fundraising(old):
    """Rows of the new fundraising models on the previous release's gifts,
    through the ORM of this code (the upgrade adds none: they are new): a fund
    and an appeal on a kept donation line, a soft credit of that gift to
    another partner, a pledge paid by another kept gift, and a recurring gift
    whose first period the job makes. Returns the commercial partners whose
    hard giving this changes (the recurring gift's donor), or None when the
    previous release left no donation line."""
    kept = [int(i) for i in old["tables"].get("account_move_line", {}).get("rows", {})]
    lines = (
        env["account.move.line"]
        .search(
            [
                ("id", "in", kept),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "=", "out_invoice"),
                ("display_type", "=", "product"),
                ("product_id.product_tmpl_id.idic_is_donation", "=", True),
                ("price_subtotal", ">", 0),
            ],
            order="id",
        )
        .filtered(lambda line: line.move_id.commercial_partner_id)
    )
    if len(lines) < 2:
        say(f"fundraising: {len(lines)} donation lines kept: no rows added")
        return None
    line = lines[0]
    company = line.company_id
    donor = line.move_id.commercial_partner_id
    env_c = env(context={**env.context, "allowed_company_ids": [company.id]})
    fund = env_c["idic.fund"].create(
        {"name": "Upgrade check fund", "code": "UPG", "company_id": company.id}
    )
    appeal = env_c["utm.campaign"].create(
        {"title": "Upgrade check appeal", "idic_appeal_company_id": company.id}
    )
    line.write({"idic_fund_id": fund.id, "idic_appeal_id": appeal.id})
    other = env_c["res.partner"].search(
        [
            ("id", "!=", donor.id),
            ("is_company", "=", False),
            ("commercial_partner_id", "!=", donor.id),
        ],
        limit=1,
        order="id",
    )
    env_c["idic.soft.credit"].create(
        {"line_id": line.id, "partner_id": other.id, "role": "solicitor"}
    )
    paying = lines.filtered(lambda x: x.company_id == company)[1:2] or lines[1:2]
    pledge = env_c["idic.pledge"].create(
        {
            "partner_id": paying.move_id.commercial_partner_id.id,
            "company_id": paying.company_id.id,
            "amount": paying.price_subtotal * 2,
            "date": paying.move_id.invoice_date,
            "fund_id": fund.id if paying.company_id == company else False,
            "installment_count": 2,
            "installment_interval": "monthly",
        }
    )
    pledge.action_schedule()
    pledge.action_confirm()
    paying.write({"idic_pledge_id": pledge.id})
    gift = env_c["idic.recurring.gift"].create(
        {
            "partner_id": donor.id,
            "company_id": company.id,
            "amount": 10.0,
            "interval": "monthly",
            "date_start": datetime.date.today(),
            "day": min(datetime.date.today().day, 28),
            "product_id": line.product_id.id,
            "fund_id": fund.id,
            "appeal_id": appeal.id,
        }
    )
    made = env_c["res.partner"]._idic_make_recurring_gifts(
        companies=company, commit=False
    )
    env.flush_all()
    env.invalidate_all()
    if pledge.paid_amount != paying.price_subtotal:
        raise RuntimeError(
            f"the pledge is paid {pledge.paid_amount}, its gift line {paying.price_subtotal}"
        )
    if made != 1 or len(gift.invoice_ids) != 1:
        raise RuntimeError(f"the recurring gift's first period made {made} invoices")
    say(
        f"fundraising rows added on the previous release's gifts: a fund and an "
        f"appeal on line {line.id}, a soft credit to partner {other.id}, a pledge "
        f"paid by line {paying.id}, a recurring gift of partner {donor.id} "
        f"({made} invoice made)"
    )
    return {donor.id}


def touched_donors(old):
    """Commercial partners whose hard giving the new release's demo data may
    change: new invoice lines, households and their members. Soft credits and
    pledges change no hard figure: their donors stay compared."""
    kept = [int(i) for i in old["tables"].get("account_move_line", {}).get("rows", {})]
    env.cr.execute(
        """
        SELECT p.commercial_partner_id FROM account_move_line l
          JOIN res_partner p ON p.id = l.partner_id
         WHERE l.partner_id IS NOT NULL AND NOT (l.id = ANY(%(kept)s))
        UNION SELECT p.commercial_partner_id FROM res_partner p
          LEFT JOIN res_partner h ON h.id = p.parent_id
         WHERE COALESCE(p.idic_is_household, FALSE) OR COALESCE(h.idic_is_household, FALSE)
        """,
        {"kept": kept},
    )
    return {row[0] for row in env.cr.fetchall()}


def fundraising_check(old):
    """The consistency of the fundraising models new in this release, and the
    donor figures of the previous release recomputed by the current code; all
    rolled back (the tests then run on the upgraded demo story)."""
    if "idic.fund" not in env:
        return []
    env.flush_all()
    env.cr.execute("SAVEPOINT idic_fundraising_check")
    try:
        return check_fundraising_rows(old)
    finally:
        env.flush_all()
        env.cr.execute("ROLLBACK TO SAVEPOINT idic_fundraising_check")
        env.invalidate_all()


def check_fundraising_rows(old):
    differences = []
    try:
        with env.cr.savepoint():
            added = fill_fundraising(old)
    except Exception as error:  # reported; the check fails
        differences.append(f"fundraising: adding rows through the ORM failed: {error}")
        added = None
    for rule, query in FUNDRAISING_RULES.items():
        env.cr.execute(query)
        broken = env.cr.fetchone()[0]
        if broken:
            differences.append(f"fundraising: {broken} rows break the rule: {rule}")
    counts = {
        table: count_of(table)
        for table in (
            "idic_fund",
            "idic_recurring_gift",
            "idic_soft_credit",
            "idic_pledge",
            "idic_pledge_installment",
        )
    }
    env.cr.execute(
        "SELECT count(*) FILTER (WHERE idic_appeal_id IS NOT NULL), "
        "count(*) FILTER (WHERE idic_fund_id IS NOT NULL) FROM account_move_line"
    )
    appeal_lines, fund_lines = env.cr.fetchone()
    say(
        "fundraising models after the upgrade: "
        + ", ".join(f"{table} {count}" for table, count in counts.items())
        + f"; lines with an appeal {appeal_lines}, with a fund {fund_lines}; "
        f"{len(FUNDRAISING_RULES)} consistency rules checked"
    )
    # The donor figures of the previous release, recomputed by this code.
    was = old["tables"]["res_partner"]["rows"]
    env["res.partner"]._idic_recompute_donors(commit=False)
    env.flush_all()
    env.invalidate_all()
    _columns, now = rows_of("res_partner", "host", DONOR_FIGURES)
    touched = touched_donors(old) | (added or set())
    compared = changed = 0
    examples = []
    for rid, row in was.items():
        if int(rid) in touched or rid not in now:
            continue
        for column in DONOR_FIGURES:
            if column not in row:
                continue
            compared += 1
            if row[column] != now[rid].get(column):
                changed += 1
                if len(examples) < EXAMPLES:
                    examples.append(
                        f"partner {rid} {column}: {row[column]!r} -> {now[rid].get(column)!r}"
                    )
    say(
        f"donor figures recomputed by this release: {compared} values of "
        f"{len(was) - len(touched & {int(r) for r in was})} partners compared "
        f"({len(touched)} donors with new gifts left out), {changed} differ"
    )
    if changed:
        differences.append(
            f"donor figures recomputed by this release: {changed} of {compared} "
            f"values differ ({'; '.join(examples)})"
        )
    return differences


def after():
    with open(path, encoding="utf-8") as handle:
        old = json.load(handle)
    new = snapshot()
    differences, intended, stats = compare(old, new)
    differences += fundraising_check(old)
    added_tables = sorted(set(new["tables"]) - set(old["tables"]))
    if added_tables:
        say(f"tables new in this release (not compared): {', '.join(added_tables)}")
    for line in intended:
        say(f"intended: {line}")
    for line in differences:
        say(f"DIFFERENCE: {line}")
    kinds = {}
    for table in old["tables"].values():
        kinds[table["kind"]] = kinds.get(table["kind"], 0) + 1
    say(
        f"summary: {stats['tables']} tables compared ({kinds.get('model', 0)} of the "
        f"add-on's models, {kinds.get('host', 0)} host tables, {kinds.get('relation', 0)} "
        f"relation tables), {stats['rows']} rows, {stats['values']} stored values; "
        f"{len(old['params'])} parameters, {len(old['definitions'])} crons / groups / "
        f"rules / access rights, {len(old['xmlids'])} XML ids; {stats['added']} rows "
        f"added by the upgrade; {len(intended)} intended changes; "
        f"differences found: {len(differences)}"
    )
    restore_samples(old.get("samples", {}))
    env.cr.commit()  # `odoo shell` rolls back what is not committed
    if differences:
        sys.exit(1)


def restore_samples(samples):
    """The values the sample values replaced, put back: the tests then run on
    the demo story (with one run of the jobs), not on the samples."""
    count = 0
    for model, records in samples.items():
        if model not in env:
            continue
        for rid, values in records.items():
            record = (
                env[model].with_context(active_test=False).browse(int(rid)).exists()
            )
            values = {k: v for k, v in values.items() if k in record._fields}
            if record and values:
                record.write(values)
                count += len(values)
    env.flush_all()
    if count:
        say(f"put back the {count} values the samples replaced before the upgrade")


if mode == "before":
    before()
elif mode == "after":
    after()
else:
    sys.exit(f"IDIC_UPGRADE={mode}: expected 'before' or 'after'")
