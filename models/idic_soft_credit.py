# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Soft credits (issue #26): a gift line credited to another partner than
the donor who gave it, with a role and an amount. The donor figures keep
them apart from the gifts (soft totals beside the hard ones); LYBUNT, SYBUNT
and donor tiers count them when the company says so."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

SOFT_CREDIT_ROLES = [
    ("household", "Household member"),
    ("solicitor", "Solicitor"),
    ("matching", "Matching gift"),
    ("honor", "In honour of"),
    ("memory", "In memory of"),
]


class IdicSoftCredit(models.Model):
    _name = "idic.soft.credit"
    _description = "Soft Credit"
    _order = "date desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "account.move.line",
        string="Gift Line",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('move_id', '=', move_id), ('display_type', '=', 'product'), "
        "('product_id.product_tmpl_id.idic_is_donation', '=', True)]",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Gift",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('move_type', '=', 'out_invoice')]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    donor_id = fields.Many2one(
        "res.partner",
        string="Donor",
        related="move_id.commercial_partner_id",
        store=True,
        help="Who gave the gift (its hard credit).",
    )
    date = fields.Date(related="move_id.invoice_date", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Credited To",
        required=True,
        index=True,
        ondelete="cascade",
    )
    role = fields.Selection(SOFT_CREDIT_ROLES, required=True, default="household")
    amount = fields.Monetary(
        help="The part of the gift credited (by default all of it), in company "
        "currency.",
    )
    note = fields.Char()

    _partner_line_role_uniq = models.UniqueIndex(
        "(line_id, partner_id, role)",
        "A gift line credits a partner once per role.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        Line = self.env["account.move.line"].sudo()
        for vals in vals_list:
            self._idic_check_amount(vals)
            line = Line.browse(vals.get("line_id"))
            if line:
                vals.setdefault("move_id", line.move_id.id)
                vals["company_id"] = line.company_id.id
                if vals.get("amount") is None:
                    vals["amount"] = line._idic_gift_amount()
        credits = super().create(vals_list)
        credits._idic_trigger_donors()
        return credits

    def write(self, vals):
        self._idic_check_amount(vals)
        if "line_id" in vals:
            vals["company_id"] = (
                self.env["account.move.line"]
                .sudo()
                .browse(vals["line_id"])
                .company_id.id
            )
        result = super().write(vals)
        self._idic_trigger_donors()
        return result

    def unlink(self):
        self._idic_trigger_donors()
        return super().unlink()

    def _idic_check_amount(self, vals):
        """An amount typed must be a finite number (before the ORM rounds
        it); its bounds are the constraint's."""
        amount = vals.get("amount")
        if amount is not None and (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not math.isfinite(amount)
        ):
            raise ValidationError(
                self.env._("The amount of a soft credit must be a number.")
            )

    @api.onchange("line_id")
    def _onchange_line_id(self):
        for credit in self.filtered("line_id"):
            credit.amount = credit.line_id._idic_gift_amount()

    @api.constrains("line_id", "move_id", "partner_id", "amount")
    def _check_idic_soft_credit(self):
        for credit in self.sudo():
            line = credit.line_id
            if line.move_id != credit.move_id:
                raise ValidationError(
                    self.env._("A soft credit credits a line of its own gift.")
                )
            if (
                line.move_id.move_type != "out_invoice"
                or line.display_type != "product"
                or not line.product_id.product_tmpl_id.idic_is_donation
            ):
                raise ValidationError(
                    self.env._(
                        "Only the donation lines of customer invoices can be "
                        "soft-credited."
                    )
                )
            if credit.partner_id.commercial_partner_id == credit.donor_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is the donor of this gift or one of its "
                        "contacts: the gift already counts for it as a hard "
                        "credit; soft-credit someone else.",
                        partner=credit.partner_id.display_name,
                    )
                )
            gift = line._idic_gift_amount()
            if not math.isfinite(credit.amount) or not 0 < credit.amount <= gift + 1e-6:
                raise ValidationError(
                    self.env._(
                        "A soft credit is a positive amount up to the amount of its "
                        "gift line (%(amount)s).",
                        amount=gift,
                    )
                )

    def _idic_trigger_donors(self):
        """Soft credits change donor figures: recompute them soon."""
        self.env["res.partner"]._idic_trigger_donor_recompute()
