# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

ACTIVITY_ORIGINS = [
    ("cadence", "Contact cadence"),
    ("next_action", "Next best action"),
    ("campaign", "Campaign"),
]


class MailActivity(models.Model):
    _inherit = "mail.activity"

    idic_origin = fields.Selection(
        ACTIVITY_ORIGINS,
        string="Relationship Origin",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What of the relationship add-on scheduled this activity.",
    )
