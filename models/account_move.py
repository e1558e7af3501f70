# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import float_is_zero

from .loyalty import round_points


class AccountMove(models.Model):
    _inherit = "account.move"

    def _idic_value_moves(self):
        return self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if posted._idic_value_moves():
            posted._idic_after_state_change()
        return posted

    def button_draft(self):
        touched = self._idic_value_moves().filtered(lambda m: m.state == "posted")
        result = super().button_draft()
        if touched:
            touched._idic_after_state_change()
        return result

    def button_cancel(self):
        touched = self._idic_value_moves().filtered(lambda m: m.state == "posted")
        result = super().button_cancel()
        if touched:
            touched._idic_after_state_change()
        return result

    def _idic_after_state_change(self):
        """These moves, among them customer invoices or credit notes, were
        just posted, reset to draft or cancelled: what depends on them follows
        (a hook: the donor figures add theirs)."""
        # Recomputed soon after, by the value job: never in this transaction.
        self.env["res.partner"]._idic_trigger_value_recompute()
        self._idic_sync_points()

    @api.model
    def _idic_demo_invoice(self, partner, amount, days_ago, description):
        """Demo data: a posted customer invoice of ``partner`` (no XML id, so
        that uninstalling the add-on never deletes accounting entries)."""
        invoice = self.create(
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "invoice_date": fields.Date.context_today(self)
                - timedelta(days=days_ago),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": description,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice.id

    # ------------------------------------------------------------------------
    # Loyalty points
    # ------------------------------------------------------------------------
    def _idic_points_base_amount(self):
        """The amount points are earned on, in company currency (positive)."""
        self.ensure_one()
        if self.company_id.idic_points_base == "total":
            return abs(self.amount_total_signed)
        return abs(self.amount_untaxed_signed)

    def _idic_paid_ratio(self):
        self.ensure_one()
        if self.currency_id.is_zero(self.amount_total):
            return 1.0
        paid = self.amount_total - self.amount_residual
        return min(max(paid / self.amount_total, 0.0), 1.0)

    def _idic_points_lines(self, kinds):
        return (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("order_model", "=", "account.move"),
                    ("order_id", "in", self.ids),
                    ("idic_kind", "in", kinds),
                ],
                order="id",
            )
        )

    def _idic_points_factor(self, lines):
        """(points per currency unit, tier multiplier) of this invoice: fixed
        by its first points, else the company's rate and the current tier of
        its customer."""
        self.ensure_one()
        first = lines.filtered("idic_rate")[:1]
        if first:
            return first.idic_rate, first.idic_multiplier
        partner = self.commercial_partner_id.with_company(self.company_id).sudo()
        multiplier = partner.idic_value_tier_id.points_multiplier or 1.0
        return self.company_id.idic_points_rate * multiplier, multiplier

    def _idic_points_due(self, lines):
        """Points this invoice is due now: its base x rate x multiplier, in
        proportion to what is paid (or all of it once posted, by setting)."""
        self.ensure_one()
        if self.state != "posted":
            return 0.0
        if not lines and not self._idic_program_valid():
            # An invoice dated outside the programme's validity earns nothing.
            return 0.0
        ratio = (
            1.0 if self.company_id.idic_points_on == "post" else self._idic_paid_ratio()
        )
        rate = self._idic_points_factor(lines)[0]
        return round_points(self._idic_points_base_amount() * rate * ratio)

    def _idic_sync_points(self):
        """Bring the points granted for these customer invoices and taken back
        for these credit notes to what they are due now, by appending lines:
        never twice, whatever happened in between (payments added or removed,
        reset to draft and posted again, jobs re-run)."""
        Card = self.env["loyalty.card"]
        moves = (
            self.sudo()
            ._idic_value_moves()
            .filtered(
                lambda m: (
                    m.commercial_partner_id
                    and (
                        m.company_id.idic_points_rate
                        or m.company_id.idic_loyalty_program_id
                    )
                )
            )
        )
        if not moves:
            # Points are off (never switched on) in these companies.
            return
        self.env.flush_all()
        for move in moves.sorted("id"):
            company = move.company_id
            if move.move_type == "out_invoice":
                lines = move._idic_points_lines(["earn"])
                granted = sum(lines.mapped("issued")) - sum(lines.mapped("used"))
                due = move._idic_points_due(lines)
                delta = round_points(due - granted)
                if move.state == "posted" and move.payment_state in (
                    "paid",
                    "in_payment",
                ):
                    move._idic_referral_bonus()
                if float_is_zero(delta, precision_digits=2):
                    continue
                card = Card._idic_card(move.commercial_partner_id, company)
                if not card:
                    continue
                rate, multiplier = move._idic_points_factor(lines)
                card._idic_lock()
                card._idic_add_line(
                    delta,
                    "earn",
                    self.env._("Invoice %(invoice)s", invoice=move.name)
                    if delta > 0
                    else self.env._(
                        "Invoice %(invoice)s: payment removed or invoice reset",
                        invoice=move.name,
                    ),
                    document=move,
                    multiplier=multiplier,
                    rate=rate,
                )

            else:
                move._idic_sync_clawback()
        # A credit note takes back the points of its invoice at the invoice's
        # rate: follow the invoice's points.
        refunds = (
            moves.filtered(lambda m: m.move_type == "out_invoice").reversal_move_ids
            - moves
        ).filtered(lambda m: m.move_type == "out_refund")
        for refund in refunds.sorted("id"):
            refund._idic_sync_clawback()

    def _idic_sync_clawback(self):
        """A credit note of an invoice takes back the points of what it
        refunds, as soon as it is posted (and gives them back if it is reset)."""
        self.ensure_one()
        invoice = self.reversed_entry_id
        if not invoice:
            return
        lines = self._idic_points_lines(["clawback"])
        taken = sum(lines.mapped("used")) - sum(lines.mapped("issued"))
        due = 0.0
        invoice_lines = invoice._idic_points_lines(["earn"])
        # Only points the invoice earned can be taken back: an invoice that
        # never earned (points were off) costs nothing when refunded.
        if self.state == "posted" and invoice_lines:
            base = invoice._idic_points_base_amount()
            full = base * invoice._idic_points_factor(invoice_lines)[0]
            share = min(self._idic_points_base_amount() / base, 1.0) if base else 0.0
            due = round_points(full * share)
        delta = round_points(due - taken)
        if float_is_zero(delta, precision_digits=2):
            return
        card = self.env["loyalty.card"]._idic_card(
            self.commercial_partner_id, self.company_id
        )
        if not card:
            return
        card._idic_lock()
        card._idic_add_line(
            -delta,
            "clawback",
            self.env._(
                "Credit note %(note)s of %(invoice)s",
                note=self.name,
                invoice=invoice.name,
            ),
            document=self,
            expiry_date=False,
        )

    def _idic_referral_bonus(self):
        """The first paid invoice of a referred customer earns its referrer the
        referral bonus, once."""
        self.ensure_one()
        company = self.company_id
        partner = self.commercial_partner_id
        referrer = (
            partner.idic_referred_by_id or self.partner_id.idic_referred_by_id
        ).commercial_partner_id
        if not referrer or not company.idic_referral_points or referrer == partner:
            return
        program = company._idic_loyalty_program()
        History = self.env["loyalty.history"].sudo()
        already = History.search_count(
            [
                ("idic_kind", "=", "referral"),
                ("order_model", "=", "res.partner"),
                ("order_id", "=", partner.id),
                ("card_id.program_id", "=", program.id),
            ],
            limit=1,
        )
        if already:
            return
        referrer_card = self.env["loyalty.card"]._idic_card(referrer, company)
        referrer_card._idic_lock()
        referrer_card._idic_add_line(
            company.idic_referral_points,
            "referral",
            self.env._("Referral of %(customer)s", customer=partner.display_name),
            document=partner,
        )
