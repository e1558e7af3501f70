# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import AccessError

CAMPAIGN_GROUPS = [("target", "Target"), ("control", "Control")]
# Figures the results measure writes.
MEMBER_RESULTS = ("bought", "revenue")


class IdicCampaignMember(models.Model):
    """A customer a segment action was for: in the target group (it got the
    action) or in the random control group (it got nothing, to compare)."""

    _name = "idic.campaign.member"
    _description = "Campaign Member"
    _order = "campaign_id desc, group desc, id"
    _check_company_auto = True

    campaign_id = fields.Many2one(
        "utm.campaign", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    group = fields.Selection(CAMPAIGN_GROUPS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    bought = fields.Boolean(
        readonly=True, help="Bought (a posted customer invoice) in the window."
    )
    revenue = fields.Monetary(
        readonly=True,
        help="Net untaxed revenue of its invoices and credit notes in the window.",
    )

    _campaign_partner_uniq = models.UniqueIndex(
        "(campaign_id, partner_id)", "A customer is a member of a campaign once."
    )

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._("The members of a campaign are never edited by hand.")
            )
        return super().write(vals)
