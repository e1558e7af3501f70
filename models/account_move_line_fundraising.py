# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Donation lines (issue #26): the appeal that raised the gift, the fund it
is for, the pledge it fulfils, the employee's gift it matches, its soft
credits."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    idic_appeal_id = fields.Many2one(
        "utm.campaign",
        string="Appeal",
        index="btree_not_null",
        help="The appeal that raised this gift (by default the invoice's, the "
        "pledge's or the recurring gift's).",
    )
    idic_fund_id = fields.Many2one(
        "idic.fund",
        string="Fund",
        index="btree_not_null",
        ondelete="restrict",
        help="The fund this gift is for (by default the invoice's, the pledge's "
        "or the recurring gift's).",
    )
    idic_pledge_id = fields.Many2one(
        "idic.pledge",
        string="Pledge",
        index="btree_not_null",
        ondelete="restrict",
        help="The pledge this gift fulfils (in part).",
    )
    idic_matches_line_id = fields.Many2one(
        "account.move.line",
        string="Matches Gift",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="A matching gift: the employee's gift this employer's gift matches; "
        "the employee is soft-credited with it.",
    )
    idic_soft_credit_ids = fields.One2many(
        "idic.soft.credit", "line_id", string="Soft Credits"
    )

    @api.constrains("idic_fund_id", "company_id")
    def _check_idic_fund_company(self):
        for line in self:
            if line.idic_fund_id and line.idic_fund_id.company_id != line.company_id:
                raise ValidationError(
                    self.env._(
                        "The fund %(fund)s belongs to another company than the gift.",
                        fund=line.idic_fund_id.display_name,
                    )
                )

    @api.constrains("idic_matches_line_id")
    def _check_idic_matches_line(self):
        for line in self.filtered("idic_matches_line_id"):
            matched = line.idic_matches_line_id
            if matched == line or matched.move_id == line.move_id:
                raise ValidationError(
                    self.env._("A matching gift matches the gift of someone else.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._idic_fill_gift_defaults()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "idic_pledge_id" in vals:
            self._idic_fill_gift_defaults()
        if "idic_matches_line_id" in vals:
            # Drafts are synced when posted (their amounts may still change).
            self.filtered(
                lambda line: line.idic_matches_line_id and line.parent_state == "posted"
            )._idic_sync_matching_credits()
        return result

    def _idic_fill_gift_defaults(self):
        """Donation lines without an appeal or a fund take the pledge's, else
        the invoice's."""
        for line in self:
            if not line.product_id.product_tmpl_id.idic_is_donation:
                continue
            vals = {}
            for name, pledge_name in (
                ("idic_appeal_id", "appeal_id"),
                ("idic_fund_id", "fund_id"),
            ):
                if line[name]:
                    continue
                value = line.idic_pledge_id[pledge_name] or line.move_id[name]
                if value:
                    vals[name] = value.id
            if vals:
                line.write(vals)

    def _idic_sync_matching_credits(self):
        """Each posted matching gift soft-credits the employee whose gift it
        matches with its own amount (role: matching gift), once."""
        SoftCredit = self.env["idic.soft.credit"].sudo()
        for line in self:
            employee = line.idic_matches_line_id.move_id.partner_id
            credit = line.idic_soft_credit_ids.filtered(lambda c: c.role == "matching")
            vals = {
                "line_id": line.id,
                "partner_id": employee.id,
                "role": "matching",
                "amount": line._idic_gift_amount(),
            }
            if credit:
                credit[:1].sudo().write(vals)
            elif employee:
                SoftCredit.create(vals)

    def _idic_gift_amount(self):
        """The amount of this donation line in company currency (credit notes
        negative), as the donor figures count it."""
        self.ensure_one()
        return -self.balance
