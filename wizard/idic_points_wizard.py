# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Points of one redemption or adjustment: beyond this, a typing error.
MAX_POINTS = 1e9
# A redemption's description and an adjustment's reason become the line of the
# points statement the customer reads in the portal.
MAX_TEXT = 200


def _check_text_length(wizard, name):
    text = wizard[name] or ""
    if len(text) > MAX_TEXT:
        raise ValidationError(
            wizard.env._(
                "%(field)s is %(length)s characters long; the points statement "
                "shows at most %(max)s.",
                field=wizard._fields[name]._description_string(wizard.env),
                length=len(text),
                max=MAX_TEXT,
            )
        )


class IdicPointsRedeem(models.TransientModel):
    _name = "idic.points.redeem"
    _inherit = ["idic.input.guard"]
    _description = "Redeem Loyalty Points"

    card_id = fields.Many2one("loyalty.card", required=True, readonly=True)
    partner_id = fields.Many2one(related="card_id.partner_id")
    balance = fields.Float(related="card_id.points", string="Balance")
    program_id = fields.Many2one(related="card_id.program_id")
    reward_id = fields.Many2one(
        "loyalty.reward",
        domain="[('program_id', '=', program_id)]",
        help="A reward of the program; or describe the reward below.",
    )
    description = fields.Char(
        compute="_compute_from_reward",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    points = fields.Float(
        compute="_compute_from_reward", store=True, readonly=False, precompute=True
    )

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), points=(0, MAX_POINTS))

    @api.constrains("description")
    def _check_description(self):
        for wizard in self:
            _check_text_length(wizard, "description")

    @api.constrains("reward_id", "card_id")
    def _check_reward_program(self):
        for wizard in self:
            if wizard.reward_id and wizard.reward_id.program_id != wizard.program_id:
                raise ValidationError(
                    self.env._(
                        "The reward %(reward)s belongs to another loyalty program "
                        "than the card's.",
                        reward=wizard.reward_id.display_name,
                    )
                )

    @api.depends("reward_id")
    def _compute_from_reward(self):
        for wizard in self:
            if wizard.reward_id:
                wizard.description = wizard.reward_id.description
                wizard.points = wizard.reward_id.required_points

    def action_redeem(self):
        self.ensure_one()
        card = self.card_id.sudo()
        self.card_id.check_access("read")
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            raise AccessError(self.env._("Only relationship users can redeem points."))
        card._idic_redeem(self.points, self.description)
        return {"type": "ir.actions.act_window_close"}


class IdicPointsAdjust(models.TransientModel):
    _name = "idic.points.adjust"
    _inherit = ["idic.input.guard"]
    _description = "Adjust Loyalty Points"

    card_id = fields.Many2one("loyalty.card", required=True, readonly=True)
    partner_id = fields.Many2one(related="card_id.partner_id")
    balance = fields.Float(related="card_id.points", string="Balance")
    points = fields.Float(
        required=True, help="Points to add (positive) or to take away (negative)."
    )
    reason = fields.Char(required=True)

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), points=(-MAX_POINTS, MAX_POINTS))

    @api.constrains("reason")
    def _check_reason(self):
        for wizard in self:
            _check_text_length(wizard, "reason")

    def action_adjust(self):
        self.ensure_one()
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers can adjust points.")
            )
        if not self.points:
            raise UserError(self.env._("Say how many points to add or take away."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the adjustment."))
        self.card_id.check_access("read")
        card = self.card_id.sudo()
        card._idic_lock()
        card._idic_add_line(
            self.points,
            "adjust",
            self.env._("Adjustment: %(reason)s", reason=self.reason),
        )
        return {"type": "ir.actions.act_window_close"}
