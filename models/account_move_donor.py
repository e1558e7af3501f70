# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    idic_has_donation = fields.Boolean(
        string="Has Donations",
        compute="_compute_idic_has_donation",
        help="A customer invoice or credit note with lines on donation products.",
    )

    @api.depends("move_type", "invoice_line_ids.product_id")
    def _compute_idic_has_donation(self):
        for move in self:
            move.idic_has_donation = bool(move._idic_donation_lines())

    def _idic_donation_lines(self):
        """The donation lines of these customer invoices and credit notes."""
        return self.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund")
        ).invoice_line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                and line.product_id.product_tmpl_id.idic_is_donation
            )
        )

    def _idic_donation_refunds(self):
        """The posted credit notes of this gift (an invoice)."""
        self.ensure_one()
        return self.reversal_move_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_refund"
        )

    def _idic_donation_net_amount(self):
        """The amount of this gift: its donation lines net of those of its
        posted credit notes, untaxed, in company currency."""
        self.ensure_one()
        lines = (self | self._idic_donation_refunds())._idic_donation_lines()
        return -sum(lines.mapped("balance"))

    def _idic_receipt_lines(self):
        """(currency, [(line, amount)], net amount) of the receipt of this
        gift: its donation lines and those of its posted credit notes, in the
        currency of the invoice (the donor's), or in company currency when a
        credit note is in another one."""
        self.ensure_one()
        moves = self | self._idic_donation_refunds()
        lines = moves._idic_donation_lines().sorted(
            lambda line: (line.move_id.id, line.id)
        )
        if all(move.currency_id == self.currency_id for move in moves):
            currency = self.currency_id
            amounts = [(line, -line.amount_currency) for line in lines]
        else:
            currency = self.company_id.currency_id
            amounts = [(line, -line.balance) for line in lines]
        return currency, amounts, currency.round(sum(a for _line, a in amounts))

    # ------------------------------------------------------------------------
    # Recompute triggers
    # ------------------------------------------------------------------------
    def _idic_after_state_change(self):
        result = super()._idic_after_state_change()
        if self.sudo()._idic_donation_lines():
            self.env["res.partner"]._idic_trigger_donor_recompute()
        return result

    # ------------------------------------------------------------------------
    # Receipts
    # ------------------------------------------------------------------------
    def _idic_check_donation_receipt(self):
        """Receipts are for posted customer invoices with donation lines."""
        wrong = self.filtered(
            lambda m: (
                m.move_type != "out_invoice"
                or m.state != "posted"
                or not m._idic_donation_lines()
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "A donation receipt is for a posted customer invoice with "
                    "donation lines; these documents are not: %(moves)s",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )

    def action_idic_send_donation_receipt(self):
        """Open the composer with the thank-you mail and its receipt, for one
        donation invoice or for several at once. Donors who asked not to be
        contacted or whose address is blacklisted get none."""
        self._idic_check_donation_receipt()
        blocked = self.partner_id.filtered(
            lambda p: (
                p.idic_do_not_contact
                or p.commercial_partner_id.idic_do_not_contact
                or p.is_blacklisted
            )
        )
        if blocked:
            raise UserError(
                self.env._(
                    "These donors must not be contacted (do not contact, or "
                    "blacklisted address): %(donors)s. Leave their invoices out "
                    "or print their receipts instead.",
                    donors=", ".join(blocked.mapped("display_name")),
                )
            )
        template = self.env.ref("partner_idic.mail_template_idic_donation_receipt")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Donation Receipt"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "account.move",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment"
                if len(self) == 1
                else "mass_mail",
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    # ------------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------------
    @api.model
    def _idic_demo_donation_product(self):
        """Demo data: the donation product (no XML id, so that uninstalling
        the add-on never deletes a product invoices use)."""
        Product = self.env["product.product"]
        product = Product.search([("default_code", "=", "IDIC-DONATION")], limit=1)
        if product and not product.idic_is_donation:
            # Kept by an uninstall, which dropped its flag: installed again.
            product.idic_is_donation = True
        if not product:
            product = Product.create(
                {
                    "name": self.env._("Donation"),
                    "default_code": "IDIC-DONATION",
                    "type": "service",
                    "list_price": 0.0,
                    "taxes_id": [Command.clear()],
                    "idic_is_donation": True,
                }
            )
        return product.id

    @api.model
    def _idic_demo_donation(self, partner, amount, days_ago, move_type="out_invoice"):
        """Demo data: a posted donation invoice (or credit note) of
        ``partner`` on the demo donation product, without an XML id."""
        move = self.create(
            {
                "move_type": move_type,
                "partner_id": partner,
                "invoice_date": fields.Date.context_today(self)
                - timedelta(days=days_ago),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self._idic_demo_donation_product(),
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move.id
