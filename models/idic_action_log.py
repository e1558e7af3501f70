# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .idic_action_rule import ACTION_KINDS

ACTION_HOWS = [
    ("activity", "Activity scheduled"),
    ("plan", "Activity plan launched"),
    ("mail", "E-mail opened"),
    ("offer", "Offer given"),
    ("skip", "Skipped"),
]


class IdicActionLog(models.Model):
    """A next best action done (or skipped) for a customer: the rule leaves
    the customer alone for its cool-down days."""

    _name = "idic.action.log"
    _description = "Next Best Action Done"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    rule_id = fields.Many2one("idic.action.rule", index=True, ondelete="set null")
    kind = fields.Selection(ACTION_KINDS, string="Action", required=True)
    how = fields.Selection(ACTION_HOWS, required=True)
    reason = fields.Char()
    company_id = fields.Many2one("res.company", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Done By", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    _partner_rule_date_idx = models.Index("(partner_id, rule_id, date)")
