# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_member_new_days = fields.Integer(
        related="company_id.idic_member_new_days", readonly=False
    )
    idic_member_grace_days = fields.Integer(
        related="company_id.idic_member_grace_days", readonly=False
    )
    idic_member_reminder_days = fields.Char(
        related="company_id.idic_member_reminder_days", readonly=False
    )
    idic_member_lapse_notice = fields.Boolean(
        related="company_id.idic_member_lapse_notice", readonly=False
    )
