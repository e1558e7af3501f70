# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.member_engine import JOIN_KINDS


def _check_idic_user(env):
    if not env.user.has_group("partner_idic.group_idic_user"):
        raise AccessError(env._("Only relationship users can manage memberships."))


class IdicMemberRenew(models.TransientModel):
    _name = "idic.member.renew"
    _inherit = ["idic.input.guard"]
    _description = "Renew Membership"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    member_status = fields.Selection(related="partner_id.idic_member_status")
    member_end = fields.Date(related="partner_id.idic_member_end")
    product_id = fields.Many2one(
        "product.product",
        string="Membership",
        required=True,
        domain="[('membership', '=', True)]",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    member_price = fields.Float(
        string="Fee",
        digits="Product Price",
        compute="_compute_member_price",
        store=True,
        readonly=False,
        precompute=True,
    )
    join_kind = fields.Selection(JOIN_KINDS, compute="_compute_period")

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), member_price=(0, 1e12))

    date_from = fields.Date(string="From", compute="_compute_period")
    date_to = fields.Date(string="To", compute="_compute_period")

    @api.depends("partner_id")
    def _compute_product_id(self):
        for wizard in self:
            wizard.product_id = (
                wizard.partner_id.idic_member_level_id
                or wizard.partner_id.member_line_ids[:1].membership_id
            )

    @api.depends("product_id")
    def _compute_member_price(self):
        for wizard in self:
            prices = wizard.product_id._price_compute("list_price")
            wizard.member_price = prices.get(wizard.product_id.id, 0.0)

    @api.depends("partner_id", "product_id")
    def _compute_period(self):
        for wizard in self:
            if wizard.partner_id and wizard.product_id:
                kind, start, end = wizard.partner_id._origin._idic_member_next_period(
                    wizard.product_id
                )
                wizard.join_kind, wizard.date_from, wizard.date_to = kind, start, end
            else:
                wizard.join_kind = wizard.date_from = wizard.date_to = False

    def action_renew(self):
        self.ensure_one()
        _check_idic_user(self.env)
        invoice = self.partner_id._idic_member_renew(self.product_id, self.member_price)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "target": "current",
        }


class IdicMemberWithdraw(models.TransientModel):
    _name = "idic.member.withdraw"
    _inherit = ["idic.input.guard"]
    _description = "Withdraw Membership"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    date = fields.Date(
        string="Withdrawal Date",
        required=True,
        default=fields.Date.context_today,
        help="The first day the partner is no longer a member.",
    )
    reason = fields.Text(required=True)

    def action_withdraw(self):
        self.ensure_one()
        _check_idic_user(self.env)
        self.partner_id._idic_member_withdraw(self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}
