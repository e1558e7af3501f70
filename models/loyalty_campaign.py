# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    idic_campaign_id = fields.Many2one(
        "utm.campaign",
        string="Campaign",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The campaign that gave this coupon or these points.",
    )


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    idic_kind = fields.Selection(
        selection_add=[("campaign", "Campaign gift")],
        ondelete={"campaign": "set null"},
    )
