# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_donor_count_soft = fields.Boolean(
        related="company_id.idic_donor_count_soft", readonly=False
    )
    idic_recurring_lapse_periods = fields.Integer(
        related="company_id.idic_recurring_lapse_periods", readonly=False
    )
    idic_donation_product_id = fields.Many2one(
        related="company_id.idic_donation_product_id", readonly=False
    )
    idic_bgbb_min_donors = fields.Integer(
        related="company_id.idic_bgbb_min_donors", readonly=False
    )
