# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Donation invoices (issue #26): the appeal and the fund their donation
lines default to, the recurring gift and period an invoice was made for
(each period's invoice exists once: a unique index), the charges of its
recurring gift's payment token, and its soft credits."""

import logging

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Written by the recurring-gift job and its charge step only (as sudo).
PROTECTED_FIELDS = {
    "idic_recurring_gift_id",
    "idic_recurring_period",
    "idic_charge_date",
    "idic_charge_failures",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    idic_appeal_id = fields.Many2one(
        "utm.campaign",
        string="Appeal",
        index="btree_not_null",
        help="The appeal that raised this gift: its donation lines without an "
        "appeal of their own take it.",
    )
    idic_fund_id = fields.Many2one(
        "idic.fund",
        string="Fund",
        check_company=True,
        index="btree_not_null",
        help="The fund this gift is for: its donation lines without a fund of "
        "their own take it.",
    )
    idic_recurring_gift_id = fields.Many2one(
        "idic.recurring.gift",
        string="Recurring Gift",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    idic_recurring_period = fields.Date(
        string="Recurring Gift Period",
        readonly=True,
        copy=False,
        help="The first day of the period of the recurring gift this invoice is for.",
    )
    idic_charge_date = fields.Date(
        string="Last Charge Attempt",
        readonly=True,
        copy=False,
        help="The day the payment token of the recurring gift was last charged "
        "for this invoice.",
    )
    idic_charge_failures = fields.Integer(
        string="Failed Charges", readonly=True, copy=False
    )
    idic_soft_credit_ids = fields.One2many(
        "idic.soft.credit", "move_id", string="Soft Credits"
    )

    _idic_recurring_period_uniq = models.UniqueIndex(
        "(idic_recurring_gift_id, idic_recurring_period) "
        "WHERE idic_recurring_gift_id IS NOT NULL",
        "A recurring gift has one invoice per period.",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # A matching gift soft-credits the employee with its posted amount.
        matching = posted.line_ids.filtered("idic_matches_line_id")
        if matching:
            matching._idic_sync_matching_credits()
        return posted

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(PROTECTED_FIELDS & set(vals) for vals in vals_list):
            self._idic_refuse_protected()
        return super().create(vals_list)

    def _idic_refuse_protected(self):
        raise AccessError(
            self.env._(
                "The recurring gift, period and charges of an invoice are written "
                "by the recurring-gift job only."
            )
        )

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals) and not self.env.su:
            self._idic_refuse_protected()
        defaults = {
            name: vals[name]
            for name in ("idic_appeal_id", "idic_fund_id")
            if name in vals
        }
        previous = (
            {move: (move.idic_appeal_id.id, move.idic_fund_id.id) for move in self}
            if defaults
            else {}
        )
        result = super().write(vals)
        for move, (appeal, fund) in previous.items():
            move._idic_propagate_gift_defaults(
                {"idic_appeal_id": appeal, "idic_fund_id": fund}, defaults
            )
        return result

    def _idic_propagate_gift_defaults(self, previous, defaults):
        """The move's appeal or fund changed from ``previous`` to
        ``defaults`` ({field: id}): its donation lines that had none or the
        move's previous one follow."""
        self.ensure_one()
        lines = self.sudo()._idic_donation_lines()
        for name, value in defaults.items():
            following = lines.filtered(
                lambda line, name=name: line[name].id in (False, previous[name])
            )
            if following:
                following.write({name: value})

    # ------------------------------------------------------------------
    # Charging the payment tokens of recurring gifts
    # ------------------------------------------------------------------
    @api.model
    def _idic_charge_candidates_sql(self, today, ids=None, companies=None):
        """SQL ``m.id`` of the posted, unpaid invoices of active recurring
        gifts with a payment token, not tried today and with no transaction
        under way (``ids``: among these only; ``companies``: of these
        companies only)."""
        return SQL(
            """SELECT m.id FROM account_move m
                 JOIN idic_recurring_gift g ON g.id = m.idic_recurring_gift_id
                WHERE g.state = 'active' AND g.payment_token_id IS NOT NULL
                  AND m.state = 'posted' AND m.move_type = 'out_invoice'
                  AND m.payment_state IN ('not_paid', 'partial')
                  AND (m.idic_charge_date IS NULL OR m.idic_charge_date < %(today)s)
                  AND NOT EXISTS (
                      SELECT 1 FROM account_invoice_transaction_rel r
                        JOIN payment_transaction t ON t.id = r.transaction_id
                       WHERE r.invoice_id = m.id
                         AND t.state IN ('draft', 'pending', 'authorized'))
                  %(ids)s %(companies)s""",
            today=today,
            ids=SQL("AND m.id = ANY(%s)", list(ids)) if ids is not None else SQL(""),
            companies=SQL("AND m.company_id = ANY(%s)", companies.ids)
            if companies
            else SQL(""),
        )

    def _idic_charge_recurring(self, commit=True, companies=None):
        """Charge the payment tokens of the recurring gifts of these invoices
        (all the invoices due when called on an empty recordset by the
        scheduled action), once a day each. With ``commit`` (the scheduled
        action), one invoice at a time, each claimed with a lock: its
        transaction is committed before the provider is called, the outcome
        after; without (a button), in this transaction. Returns the number of
        charges sent."""
        today = fields.Date.context_today(self)
        cr = self.env.cr
        Cron = self.env["ir.cron"]
        self.env.flush_all()
        ids = self.ids if self else None
        if not commit:
            cr.execute(self._idic_charge_candidates_sql(today, ids, companies))
            moves = self.browse([row[0] for row in cr.fetchall()]).sudo()
            for move in moves:
                move._idic_send_charge(move._idic_prepare_charge(today))
            return len(moves)
        sent = 0
        while True:
            cr.execute(
                SQL(
                    "%s ORDER BY m.id LIMIT 1 FOR NO KEY UPDATE OF m SKIP LOCKED",
                    self._idic_charge_candidates_sql(today, ids, companies),
                )
            )
            row = cr.fetchone()
            if not row:
                break
            move = self.browse(row[0]).sudo()
            transaction = move._idic_prepare_charge(today)
            cr.execute(
                SQL(
                    "SELECT COUNT(*) FROM (%s) c",
                    self._idic_charge_candidates_sql(today, ids),
                )
            )
            remaining = cr.fetchone()[0]
            # The attempt is recorded before the provider hears of it.
            Cron._commit_progress(0, remaining=remaining + 1)
            move._idic_send_charge(transaction)
            sent += 1
            time_left = Cron._commit_progress(1, remaining=remaining)
            if remaining and time_left is not None and time_left <= 0:
                break
        return sent

    def _idic_prepare_charge(self, today):
        """Record today's attempt on this invoice and create its payment
        transaction on the recurring gift's token (not sent yet)."""
        self.ensure_one()
        token = self.idic_recurring_gift_id.payment_token_id
        self.write({"idic_charge_date": today})
        Transaction = self.env["payment.transaction"].sudo()
        invoices = [Command.set(self.ids)]
        return Transaction.create(
            {
                "provider_id": token.provider_id.id,
                "payment_method_id": token.payment_method_id.id,
                "reference": Transaction._compute_reference(
                    token.provider_id.code, invoice_ids=invoices
                ),
                "amount": self.amount_residual,
                "currency_id": self.currency_id.id,
                "partner_id": self.partner_id.id,
                "token_id": token.id,
                "operation": "offline",
                "invoice_ids": invoices,
            }
        )

    def _idic_send_charge(self, transaction):
        """Send ``transaction`` to its provider; a confirmed payment is posted
        and reconciled with this invoice (the gift is paid), a refused one
        counts as a failed charge (tried again on the next day)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                transaction._charge_with_token()
        except Exception as error:
            _logger.warning(
                "Recurring gift charge %s failed: %s", transaction.reference, error
            )
            transaction._set_error(str(error))
        if transaction.state == "done":
            try:
                with self.env.cr.savepoint():
                    transaction._post_process()
            except Exception:
                _logger.exception(
                    "Recurring gift charge %s: post-processing left to the "
                    "payment module's scheduled action",
                    transaction.reference,
                )
        elif transaction.state in ("error", "cancel"):
            self.write({"idic_charge_failures": self.idic_charge_failures + 1})

    @api.model
    def _cron_idic_charge_recurring_gifts(self):
        """Charge the payment tokens of the recurring gifts' unpaid invoices,
        one committed charge at a time (after the recurring-gift job)."""
        self.browse()._idic_charge_recurring(commit=True)
