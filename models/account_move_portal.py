# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        """A gift paid online is thanked at once with its receipt."""
        result = super()._invoice_paid_hook()
        self._idic_thank_online_gifts()
        return result

    def _idic_thank_online_gifts(self):
        """E-mail the thank-you and receipt of the gifts among these invoices
        that a done online payment paid (a receipt the donor's own payment
        asked for: sent unless its address is blacklisted)."""
        template = self.env.ref(
            "partner_idic.mail_template_idic_donation_receipt", raise_if_not_found=False
        )
        if not template:
            return
        for move in self.sudo():
            partner = move.partner_id
            if (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and partner.email
                and not partner.is_blacklisted
                and move._idic_online_payment_done()
                and move._idic_donation_lines()
            ):
                template.send_mail(move.id, force_send=False)

    def _idic_online_payment_done(self):
        """Whether a done online payment (``account_payment``) paid this
        invoice."""
        self.ensure_one()
        return any(tx.state == "done" for tx in self.transaction_ids)
