# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company settings of fundraising (issue #26), and the last BG/BB fit of
its donors (written by the donor job)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER = "partner_idic.group_idic_manager"


def _fit_field(string):
    return fields.Float(
        string=string, digits=(16, 6), readonly=True, copy=False, groups=MANAGER
    )


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_donor_count_soft = fields.Boolean(
        string="Count Soft Credits",
        help="Donor statuses, LYBUNT, SYBUNT and donor tiers count the soft "
        "credits of a donor with its own gifts; otherwise its own gifts only.",
    )
    idic_recurring_lapse_periods = fields.Integer(
        string="Missed Periods Before Lapsing",
        default=3,
        help="A recurring gift with this many unpaid periods lapses when its next "
        "period comes (and the donor's salesperson gets an activity).",
    )
    idic_donation_product_id = fields.Many2one(
        "product.product",
        string="Default Donation Product",
        domain="[('product_tmpl_id.idic_is_donation', '=', True)]",
        help="The product of new recurring gifts.",
    )
    idic_bgbb_min_donors = fields.Integer(
        string="Donors to Fit the Donor Model",
        default=30,
        help="The BG/BB model of donor value is fitted when the company has at "
        "least this many donors observed over a complete fiscal year after the "
        "one of their first gift; with fewer, the simple formula applies.",
    )
    # The last fit
    idic_bgbb_fit_date = fields.Datetime(
        string="Donor Model Fitted On", readonly=True, copy=False, groups=MANAGER
    )
    idic_bgbb_method = fields.Selection(
        [("model", "BG/BB model"), ("simple", "Simple formula")],
        string="Donor Value Method",
        readonly=True,
        copy=False,
        groups=MANAGER,
    )
    idic_bgbb_fit_converged = fields.Boolean(
        string="Donor Model Converged", readonly=True, copy=False, groups=MANAGER
    )
    idic_bgbb_fit_message = fields.Char(
        string="Donor Model Report", readonly=True, copy=False, groups=MANAGER
    )
    idic_bgbb_fit_donors = fields.Integer(
        string="Donors Fitted", readonly=True, copy=False, groups=MANAGER
    )
    idic_bgbb_alpha = _fit_field("BG/BB alpha")
    idic_bgbb_beta = _fit_field("BG/BB beta")
    idic_bgbb_gamma = _fit_field("BG/BB gamma")
    idic_bgbb_delta = _fit_field("BG/BB delta")
    idic_bgbb_log_likelihood = fields.Float(
        string="BG/BB Log-Likelihood",
        digits=(16, 1),
        readonly=True,
        copy=False,
        groups=MANAGER,
    )

    @api.constrains("idic_recurring_lapse_periods", "idic_bgbb_min_donors")
    def _check_idic_fundraising_settings(self):
        for company in self:
            if not 1 <= company.idic_recurring_lapse_periods <= 24:
                raise ValidationError(
                    self.env._("A recurring gift lapses after 1 to 24 missed periods.")
                )
            if not 4 <= company.idic_bgbb_min_donors <= 10_000_000:
                raise ValidationError(
                    self.env._(
                        "Fitting the donor model needs at least 4 donors (and at "
                        "most 10,000,000 asked)."
                    )
                )

    @api.constrains("idic_donation_product_id")
    def _check_idic_donation_product(self):
        for company in self:
            product = company.idic_donation_product_id
            if product and not product.product_tmpl_id.idic_is_donation:
                raise ValidationError(
                    self.env._("The default donation product must be a donation.")
                )
