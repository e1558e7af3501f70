# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_mailings_answer = fields.Boolean(
        related="company_id.idic_mailings_answer", readonly=False
    )
