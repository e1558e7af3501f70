# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pledges (issue #26): a donor's promise of an amount, on an installment
schedule; the donation lines that name the pledge fulfil it (net of their
credit notes), what is left is outstanding until it is paid or written
off."""

import math

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

PLEDGE_STATES = [
    ("draft", "Draft"),
    ("open", "Open"),
    ("fulfilled", "Fulfilled"),
    ("written_off", "Written Off"),
    ("cancelled", "Cancelled"),
]
INTERVALS = [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")]
INTERVAL_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
MAX_AMOUNT = 1e12
# Fields only the pledge's own flows write (after their checks, as sudo).
PROTECTED_FIELDS = {
    "paid_amount",
    "outstanding_amount",
    "state",
    "written_off_amount",
    "confirmed",
    "cancelled",
}
DONOR_DATA = "partner_idic.group_idic_donor_data"


class IdicPledge(models.Model):
    _name = "idic.pledge"
    _description = "Pledge"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Donor",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Fundraiser",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date = fields.Date(
        required=True, default=fields.Date.context_today, help="When it was promised."
    )
    amount = fields.Monetary(
        string="Promised", required=True, tracking=True, help="In company currency."
    )
    fund_id = fields.Many2one("idic.fund", check_company=True, tracking=True)
    appeal_id = fields.Many2one("utm.campaign", tracking=True)
    installment_ids = fields.One2many(
        "idic.pledge.installment", "pledge_id", string="Installments", copy=True
    )
    installment_count = fields.Integer(
        string="Number of Installments",
        default=1,
        help="For the schedule button: how many equal installments.",
    )
    installment_interval = fields.Selection(
        INTERVALS, default="monthly", string="Every"
    )
    line_ids = fields.One2many(
        "account.move.line", "idic_pledge_id", string="Gift Lines", readonly=True
    )
    paid_amount = fields.Monetary(
        string="Paid",
        compute="_compute_paid_amount",
        store=True,
        help="The posted donation lines naming this pledge, net of their credit notes.",
    )
    written_off_amount = fields.Monetary(
        string="Written Off", readonly=True, copy=False
    )
    write_off_reason = fields.Char(copy=False, tracking=True)
    outstanding_amount = fields.Monetary(
        string="Outstanding", compute="_compute_outstanding", store=True
    )
    confirmed = fields.Boolean(readonly=True, copy=False)
    cancelled = fields.Boolean(readonly=True, copy=False)
    state = fields.Selection(
        PLEDGE_STATES,
        compute="_compute_outstanding",
        store=True,
        index=True,
        tracking=True,
    )
    due_amount = fields.Monetary(
        string="Due to Date",
        compute="_compute_schedule",
        help="Installments due up to today not paid yet.",
    )
    next_installment_date = fields.Date(compute="_compute_schedule")
    gift_count = fields.Integer(
        compute="_compute_gift_count", string="Gifts", compute_sudo=True
    )
    note = fields.Text()

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "The promised amount of a pledge must be positive."
    )

    @api.depends(
        "line_ids.balance",
        "line_ids.parent_state",
        "line_ids.display_type",
        "line_ids.move_id.move_type",
    )
    def _compute_paid_amount(self):
        for pledge in self:
            lines = pledge.line_ids.filtered(
                lambda line: (
                    line.parent_state == "posted"
                    and line.display_type == "product"
                    and line.move_id.move_type in ("out_invoice", "out_refund")
                )
            )
            pledge.paid_amount = -sum(lines.mapped("balance"))

    @api.depends(
        "amount", "paid_amount", "written_off_amount", "confirmed", "cancelled"
    )
    def _compute_outstanding(self):
        for pledge in self:
            currency = pledge.currency_id or self.env.company.currency_id
            left = pledge.amount - pledge.paid_amount - pledge.written_off_amount
            pledge.outstanding_amount = (
                0.0 if pledge.cancelled else max(currency.round(left), 0.0)
            )
            if pledge.cancelled:
                pledge.state = "cancelled"
            elif not pledge.confirmed:
                pledge.state = "draft"
            elif pledge.outstanding_amount > 0:
                pledge.state = "open"
            elif pledge.written_off_amount:
                pledge.state = "written_off"
            else:
                pledge.state = "fulfilled"

    @api.depends("installment_ids.date", "installment_ids.amount", "paid_amount")
    def _compute_schedule(self):
        today = fields.Date.context_today(self)
        for pledge in self:
            installments = pledge.installment_ids.sorted("date")
            scheduled = sum(i.amount for i in installments if i.date <= today)
            covered = pledge.paid_amount + pledge.written_off_amount
            pledge.due_amount = (
                max(scheduled - covered, 0.0) if pledge.state == "open" else 0.0
            )
            cumulative = 0.0
            pledge.next_installment_date = False
            for installment in installments:
                cumulative += installment.amount
                if float_compare(cumulative, covered, precision_digits=2) > 0:
                    pledge.next_installment_date = installment.date
                    break

    def _compute_gift_count(self):
        for pledge in self:
            pledge.gift_count = len(
                pledge.line_ids.filtered(
                    lambda line: (
                        line.parent_state == "posted"
                        and line.move_id.move_type == "out_invoice"
                    )
                ).move_id
            )

    @api.constrains("amount", "installment_ids", "installment_count")
    def _check_idic_pledge(self):
        for pledge in self:
            if not math.isfinite(pledge.amount) or not 0 < pledge.amount <= MAX_AMOUNT:
                raise ValidationError(
                    self.env._(
                        "The promised amount of a pledge must be a positive number "
                        "up to 1,000,000,000,000."
                    )
                )
            if not 1 <= pledge.installment_count <= 600:
                raise ValidationError(self.env._("A pledge has 1 to 600 installments."))
            if pledge.installment_ids and not float_is_zero(
                sum(pledge.installment_ids.mapped("amount")) - pledge.amount,
                precision_rounding=pledge.currency_id.rounding or 0.01,
            ):
                raise ValidationError(
                    self.env._(
                        "The installments of pledge %(pledge)s add up to %(total)s, "
                        "not to the promised %(amount)s.",
                        pledge=pledge.name,
                        total=sum(pledge.installment_ids.mapped("amount")),
                        amount=pledge.amount,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._idic_check_vals(vals)
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "idic.pledge"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        self._idic_check_vals(vals)
        return super().write(vals)

    def _idic_check_vals(self, vals):
        """Refuse what only the pledge's flows write, and amounts that are
        not finite numbers (before the ORM rounds them)."""
        if "amount" in vals:
            amount = vals["amount"]
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int | float)
                or not math.isfinite(amount)
                or not 0 < amount <= MAX_AMOUNT
            ):
                raise ValidationError(
                    self.env._(
                        "The promised amount of a pledge must be a positive number "
                        "up to 1,000,000,000,000."
                    )
                )
        if PROTECTED_FIELDS & set(vals) and not self.env.su:
            raise AccessError(
                self.env._(
                    "What a pledge received, its write-off and its state change "
                    "through its buttons only."
                )
            )

    def _idic_check_user(self):
        if not self.env.su and not self.env.user.has_group(DONOR_DATA):
            raise AccessError(
                self.env._(
                    "Only relationship managers and donor-data readers manage pledges."
                )
            )
        self.check_access("write")

    def action_confirm(self):
        self._idic_check_user()
        for pledge in self.filtered(lambda p: p.state == "draft"):
            if not pledge.installment_ids:
                pledge.installment_ids = [
                    Command.create({"date": pledge.date, "amount": pledge.amount})
                ]
            pledge.sudo().confirmed = True

    def action_schedule(self):
        """Replace the installments by ``installment_count`` equal ones, every
        ``installment_interval`` from the pledge date (the last one takes the
        cents left)."""
        self._idic_check_user()
        for pledge in self:
            if pledge.state not in ("draft", "open"):
                raise UserError(
                    self.env._("Only draft or open pledges can be rescheduled.")
                )
            count = pledge.installment_count
            part = pledge.currency_id.round(pledge.amount / count)
            months = INTERVAL_MONTHS[pledge.installment_interval or "monthly"]
            commands = [Command.clear()]
            for index in range(count):
                amount = (
                    part if index < count - 1 else pledge.amount - part * (count - 1)
                )
                commands.append(
                    Command.create(
                        {
                            "date": pledge.date + relativedelta(months=months * index),
                            "amount": pledge.currency_id.round(amount),
                        }
                    )
                )
            pledge.installment_ids = commands

    def action_write_off(self):
        """Write the outstanding amount off (a reason is needed)."""
        self._idic_check_user()
        for pledge in self:
            if pledge.state != "open":
                raise UserError(self.env._("Only open pledges can be written off."))
            if not (pledge.write_off_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Say why pledge %(pledge)s is written off (Write-Off Reason).",
                        pledge=pledge.name,
                    )
                )
            pledge.sudo().written_off_amount += pledge.outstanding_amount

    def action_cancel(self):
        self._idic_check_user()
        self.sudo().write({"cancelled": True})

    def action_reset(self):
        """Back from cancelled, or reopen a written-off pledge."""
        self._idic_check_user()
        self.sudo().write({"cancelled": False, "written_off_amount": 0.0})

    def action_open_gifts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_donation_report_action"
        )
        action["domain"] = [("pledge_id", "=", self.id)]
        action["context"] = {}
        action["view_mode"] = "list,pivot,graph"
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        action["name"] = self.env._("Gifts of %(pledge)s", pledge=self.name)
        return action
