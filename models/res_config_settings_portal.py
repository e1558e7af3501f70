# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_referral_claim_days = fields.Integer(
        related="company_id.idic_referral_claim_days", readonly=False
    )
    idic_portal_donation_product_id = fields.Many2one(
        related="company_id.idic_portal_donation_product_id",
        readonly=False,
        domain="[('product_tmpl_id.idic_is_donation', '=', True)]",
    )
