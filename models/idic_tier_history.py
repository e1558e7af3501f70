# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class IdicTierHistory(models.Model):
    _name = "idic.tier.history"
    _description = "Customer Value Tier Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    from_tier_id = fields.Many2one(
        "idic.value.tier", string="From", ondelete="set null"
    )
    to_tier_id = fields.Many2one("idic.value.tier", string="To", ondelete="set null")
    direction = fields.Selection([("up", "Up"), ("down", "Down")], required=True)
    cause = fields.Selection(
        [("recompute", "Value recompute"), ("manual", "Set by hand")],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one("res.users", string="Changed by")

    @api.model
    def _direction(self, from_tier, to_tier):
        """'up' when ``to_tier`` starts above ``from_tier`` (no tier is the
        bottom), else 'down'."""
        low = float("-inf")
        old = from_tier.min_threshold if from_tier else low
        new = to_tier.min_threshold if to_tier else low
        return "up" if new > old else "down"
