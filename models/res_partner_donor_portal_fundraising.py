# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Giving from the donor's side, with fundraising (issues #26 and #27): the
funds a donor may give to online (the fund lands on the gift's donation line,
as every gift of #26 records it), the soft credits the donor received and
its recurring gifts, which it may pause, resume, change the amount of or
cancel (``idic.recurring.gift._idic_portal_*``)."""

from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _idic_portal_funds(self, company):
        """[(id, name)] of the active funds of ``company`` offered online."""
        funds = (
            self.env["idic.fund"]
            .sudo()
            .search([("company_id", "=", company.id), ("portal_published", "=", True)])
        )
        return [(fund.id, fund.name) for fund in funds]

    @api.model
    def _idic_portal_gift_line_vals(self, product, amount, fund_id):
        vals = super()._idic_portal_gift_line_vals(product, amount, fund_id)
        if fund_id:
            vals["idic_fund_id"] = fund_id
        return vals

    def _idic_portal_soft_credits(self, company):
        """The soft credits of the posted gifts of ``company`` credited to
        this donor or one of its contacts, newest first."""
        credits = (
            self.env["idic.soft.credit"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    ("move_id.state", "=", "posted"),
                ],
                order="date desc, id desc",
            )
        )
        roles = dict(credits._fields["role"]._description_selection(self.env))
        return [
            {
                "date": credit.date,
                "donor": credit.donor_id.name,
                "role": roles.get(credit.role, credit.role),
                "amount": credit.amount,
            }
            for credit in credits
        ]

    def _idic_portal_recurring_gifts(self, company):
        """The running (active or paused) recurring gifts of this donor in
        ``company``, as superuser: the donor sees them in the portal only."""
        return self.env["idic.recurring.gift"]._idic_portal_gifts(
            self.commercial_partner_id, company
        )
