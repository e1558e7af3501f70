"""Uninstall check of `make test`, run inside `python3 -m odoo shell`.

IDIC_CHECK=before: creates a customer with a posted invoice and a loyalty card
(data that belongs to the host modules) and writes what must survive to the
JSON file IDIC_CHECK_FILE; leaves a value recompute run unfinished (its
staging table in place) and helper scheduled actions made by the workers
setting, which the uninstall must remove.  IDIC_CHECK=after (once partner_idic is
uninstalled): compares the database with that file and exits non-zero when
anything is missing or changed.
"""

import json
import os
import sys

env = globals()["env"]  # provided by `odoo shell`
mode = os.environ["IDIC_CHECK"]
path = os.environ["IDIC_CHECK_FILE"]


def snapshot():
    cr = env.cr
    cr.execute(
        """SELECT count(*) FROM res_partner WHERE id NOT IN (
               SELECT res_id FROM ir_model_data
                WHERE module = 'partner_idic' AND model = 'res.partner')"""
    )
    partners = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM account_move")
    moves = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM loyalty_card")
    cards = cr.fetchone()[0]
    return {"partners": partners, "moves": moves, "cards": cards}


if mode == "before":
    partner = env["res.partner"].create(
        {"name": "Uninstall Check Customer", "email": "check@example.com"}
    )
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_line_ids": [
                (0, 0, {"name": "Consulting", "quantity": 2, "price_unit": 50.0})
            ],
        }
    )
    invoice.action_post()
    program = env["loyalty.program"].create(
        {"name": "Uninstall Check Program", "program_type": "loyalty"}
    )
    card = env["loyalty.card"].create(
        {"program_id": program.id, "partner_id": partner.id, "points": 42}
    )
    env.company.idic_recompute_workers = 2
    env["idic.recompute.run"]._idic_start_run("value", env.company, 50000)
    env.flush_all()
    data = snapshot()
    data.update(
        partner=partner.id,
        invoice=invoice.id,
        invoice_total=invoice.amount_total,
        card=card.id,
    )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    env.cr.commit()  # `odoo shell` rolls back what is not committed
else:
    with open(path, encoding="utf-8") as handle:
        expected = json.load(handle)
    problems = []
    now = snapshot()
    for key in ("partners", "moves", "cards"):
        if now[key] != expected[key]:
            problems.append(f"{key}: {expected[key]} before, {now[key]} after")
    invoice = env["account.move"].browse(expected["invoice"]).exists()
    if not invoice or invoice.state != "posted":
        problems.append("the posted invoice is gone or no longer posted")
    elif invoice.amount_total != expected["invoice_total"]:
        problems.append("the invoice total changed")
    card = env["loyalty.card"].browse(expected["card"]).exists()
    if not card or card.points != 42 or card.partner_id.id != expected["partner"]:
        problems.append("the loyalty card is gone or changed")
    env.cr.execute(
        """SELECT count(*) FROM pg_tables
            WHERE tablename LIKE 'idic%%' OR tablename LIKE 'partner\\_idic%%'"""
    )
    if env.cr.fetchone()[0]:
        problems.append("tables of the add-on are left (unfinished run staging?)")
    env.cr.execute("SELECT count(*) FROM ir_act_server WHERE code LIKE '%%_idic_%%'")
    if env.cr.fetchone()[0]:
        problems.append("scheduled actions of the add-on are left")
    if problems:
        sys.stderr.write("uninstall check: " + "; ".join(problems) + "\n")
        sys.exit(1)
    sys.stdout.write("uninstall check: host data intact\n")
