# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IdicPledgeInstallment(models.Model):
    _name = "idic.pledge.installment"
    _description = "Pledge Installment"
    _order = "pledge_id, date, id"

    pledge_id = fields.Many2one(
        "idic.pledge", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="pledge_id.company_id", store=True)
    currency_id = fields.Many2one(related="pledge_id.currency_id")
    date = fields.Date(string="Due", required=True)
    amount = fields.Monetary(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for installment in self:
            if not math.isfinite(installment.amount) or installment.amount <= 0:
                raise ValidationError(
                    self.env._("An installment is a positive amount.")
                )
