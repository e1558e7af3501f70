# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class IdicDonationSummaryWizard(models.TransientModel):
    _name = "idic.donation.summary.wizard"
    _inherit = ["idic.input.guard"]
    _description = "Annual Donation Summary"

    def _default_fiscal_year_end(self):
        # The last complete fiscal year: the one of the tax receipts.
        today = fields.Date.context_today(self)
        return self.env.company._idic_fiscal_year_end(today) - 1

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many("res.partner", string="Donors", required=True)
    fiscal_year_end = fields.Integer(
        string="Fiscal Year Ending In",
        required=True,
        default=lambda self: self._default_fiscal_year_end(),
        help="The calendar year in which the fiscal year of the summary ends.",
    )
    date_from = fields.Date(compute="_compute_dates")
    date_to = fields.Date(compute="_compute_dates")

    @api.depends("company_id", "fiscal_year_end")
    def _compute_dates(self):
        for wizard in self:
            if wizard.company_id and 1900 < wizard.fiscal_year_end < 9999:
                dates = wizard.company_id._idic_fiscal_year_dates(
                    wizard.fiscal_year_end
                )
                wizard.date_from, wizard.date_to = dates
            else:
                wizard.date_from = wizard.date_to = False

    @api.constrains("fiscal_year_end")
    def _check_fiscal_year_end(self):
        for wizard in self:
            if not 1900 < wizard.fiscal_year_end < 9999:
                raise ValidationError(
                    self.env._(
                        "%(year)s is not a year: give the calendar year in which "
                        "the fiscal year ends, e.g. 2026.",
                        year=wizard.fiscal_year_end,
                    )
                )

    def action_print(self):
        self.ensure_one()
        if not self.env.user.has_group("partner_idic.group_idic_donor_data"):
            raise AccessError(
                self.env._(
                    "Only relationship managers and donor-data readers can print "
                    "donation summaries."
                )
            )
        return self.env.ref("partner_idic.report_idic_donation_summary").report_action(
            self.partner_ids.commercial_partner_id,
            data={
                "company_id": self.company_id.id,
                "fiscal_year_end": self.fiscal_year_end,
            },
        )
