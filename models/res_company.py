# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_idic_followup_activity_type(self):
        return self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)

    idic_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=90,
        help="A customer with no interaction for this many days is dormant and "
        "gets a follow-up. 0 turns dormancy off.",
    )
    idic_followup_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Follow-up Activity",
        default=lambda self: self._default_idic_followup_activity_type(),
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    idic_followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        domain="[('share', '=', False)]",
        help="Who gets the follow-up of a dormant customer that has no salesperson.",
    )
