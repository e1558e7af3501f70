# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import float_compare


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """OCA ends the membership of a credit-noted invoice in
        ``action_post`` only; a credit note posted by the reversal itself
        (full refund, "reverse and cancel") would leave the membership line
        without its cancel date. Date it here, as OCA does."""
        posted = super()._post(soft=soft)
        for refund in posted.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        ):
            origin = refund.reversed_entry_id
            lines = origin.invoice_line_ids.membership_line_ids.filtered(
                lambda line: not line.date_cancel
            )
            if not lines:
                continue
            vals = {"date_cancel": refund.invoice_date or refund.date}
            if not float_compare(
                origin.amount_untaxed,
                refund.amount_untaxed,
                precision_rounding=origin.currency_id.rounding,
            ):
                vals["state"] = "canceled"
            lines.sudo().write(vals)
        return posted
