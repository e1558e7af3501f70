# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recurring gifts (issue #26): a donor gives an amount every month, quarter
or year. The recurring-gift job (a job of the recompute frame, per company,
its ranges cut over the recurring gifts' ids) creates each period's gift, a
posted invoice on the donation product, exactly once: the period's invoice
and the gift's next date are written in the range's transaction, and a
unique index on (recurring gift, period) refuses a second invoice. A gift
with a saved payment token of the host's ``payment`` module is then charged
by the charge step (its own scheduled action, one committed charge at a
time): the transaction, marked as tried today, is committed before the
provider is called, so that no invoice is ever sent to the provider twice in
a day, even when a worker dies; a failed charge is tried again on the next
day. When a period comes with as many unpaid periods behind it as the
company allows (missed periods), the recurring gift lapses and the donor's
salesperson gets an activity."""

import calendar
import logging
import math
from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RECURRING_STATES = [
    ("active", "Active"),
    ("paused", "Paused"),
    ("lapsed", "Lapsed"),
    ("cancelled", "Cancelled"),
    ("ended", "Ended"),
]
RECURRING_INTERVALS = [
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("yearly", "Yearly"),
]
INTERVAL_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
MAX_AMOUNT = 1e12
# Fields only the add-on's own flows write (after their checks, as sudo).
PROTECTED_FIELDS = {"state", "next_date", "stopped_date"}
DONOR_DATA = "partner_idic.group_idic_donor_data"


def period_date(year, month, day):
    """``day`` of ``month``, or the month's last day when it is shorter."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def first_period(start, day):
    """The first period date on or after ``start`` falling on ``day``."""
    candidate = period_date(start.year, start.month, day)
    if candidate < start:
        following = start + relativedelta(months=1)
        candidate = period_date(following.year, following.month, day)
    return candidate


def next_period(period, day, interval):
    """The period date after ``period``: ``interval`` months later, on
    ``day``."""
    following = period + relativedelta(months=INTERVAL_MONTHS[interval])
    return period_date(following.year, following.month, day)


class IdicRecurringGift(models.Model):
    _name = "idic.recurring.gift"
    _description = "Recurring Gift"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
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
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    amount = fields.Monetary(required=True, tracking=True)
    interval = fields.Selection(
        RECURRING_INTERVALS, required=True, default="monthly", tracking=True
    )
    day = fields.Integer(
        string="Day of the Month",
        required=True,
        default=lambda self: min(fields.Date.context_today(self).day, 28),
        help="The day of the month of each period's gift (the last day of shorter "
        "months).",
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        string="End", tracking=True, help="Empty: until the donor stops."
    )
    product_id = fields.Many2one(
        "product.product",
        string="Donation Product",
        required=True,
        domain="[('product_tmpl_id.idic_is_donation', '=', True)]",
        default=lambda self: self._default_product(),
        check_company=True,
    )
    fund_id = fields.Many2one("idic.fund", check_company=True, tracking=True)
    appeal_id = fields.Many2one("utm.campaign", tracking=True)
    payment_token_id = fields.Many2one(
        "payment.token",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), "
        "('company_id', '=', company_id)]",
        tracking=True,
        help="A saved payment method of the donor: each period's gift is charged "
        "to it. Without one, the donor pays the invoices otherwise.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Fundraiser",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Gets the activity when the gift lapses if the donor has no salesperson.",
    )
    state = fields.Selection(
        RECURRING_STATES,
        required=True,
        default="active",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    next_date = fields.Date(
        string="Next Gift",
        readonly=True,
        copy=False,
        index=True,
        help="The date of the next period's gift.",
    )
    stopped_date = fields.Date(
        string="Stopped On",
        readonly=True,
        copy=False,
        help="When it lapsed, was cancelled or ended.",
    )
    monthly_amount = fields.Monetary(
        compute="_compute_monthly_amount",
        store=True,
        help="The amount per month (a quarter's divided by 3, a year's by 12).",
    )
    invoice_ids = fields.One2many(
        "account.move", "idic_recurring_gift_id", string="Gift Invoices", readonly=True
    )
    invoice_count = fields.Integer(compute="_compute_invoice_figures", string="Gifts")
    missed_periods = fields.Integer(
        compute="_compute_invoice_figures",
        help="Posted period invoices not paid yet.",
    )
    note = fields.Text()

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "The amount of a recurring gift must be positive."
    )
    _day_range = models.Constraint(
        "CHECK(day BETWEEN 1 AND 31)", "The day of the month is between 1 and 31."
    )
    _dates_order = models.Constraint(
        "CHECK(date_end IS NULL OR date_end >= date_start)",
        "A recurring gift cannot end before it starts.",
    )

    @api.model
    def _default_product(self):
        company = self.env.company
        product = company.idic_donation_product_id
        if not product:
            product = self.env["product.product"].search(
                [
                    ("product_tmpl_id.idic_is_donation", "=", True),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
        return product

    @api.depends("amount", "interval")
    def _compute_monthly_amount(self):
        for gift in self:
            gift.monthly_amount = gift.amount / INTERVAL_MONTHS.get(gift.interval, 1)

    def _compute_invoice_figures(self):
        counts = {
            (gift.id, state): count
            for gift, state, count in self.env["account.move"]
            .sudo()
            ._read_group(
                [("idic_recurring_gift_id", "in", self.ids), ("state", "=", "posted")],
                ["idic_recurring_gift_id", "payment_state"],
                ["__count"],
            )
        }
        for gift in self:
            gift.invoice_count = sum(
                count for (gid, _state), count in counts.items() if gid == gift.id
            )
            gift.missed_periods = sum(
                counts.get((gift.id, state), 0) for state in ("not_paid", "partial")
            )

    @api.constrains("amount", "day", "partner_id", "payment_token_id", "product_id")
    def _check_idic_recurring_gift(self):
        for gift in self:
            if not math.isfinite(gift.amount) or not 0 < gift.amount <= MAX_AMOUNT:
                raise ValidationError(
                    self.env._(
                        "The amount of a recurring gift must be a positive number up "
                        "to 1,000,000,000,000."
                    )
                )
            if not 1 <= gift.day <= 31:
                raise ValidationError(
                    self.env._("The day of the month must be between 1 and 31.")
                )
            token = gift.sudo().payment_token_id
            if token and token.partner_id.commercial_partner_id != (
                gift.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The payment token of a recurring gift must be one of the "
                        "donor's."
                    )
                )
            if not gift.product_id.product_tmpl_id.idic_is_donation:
                raise ValidationError(
                    self.env._("A recurring gift is made on a donation product.")
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._idic_check_protected(
                {
                    key: value
                    for key, value in vals.items()
                    if key not in ("state", "next_date")
                    or (key == "state" and value != "active")
                    or (key == "next_date" and value)
                }
            )
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code(
                    "idic.recurring.gift"
                ) or self.env._("New")
        gifts = super().create(vals_list)
        for gift in gifts.sudo():
            gift.next_date = first_period(gift.date_start, gift.day)
        gifts._idic_trigger_donors()
        return gifts

    def write(self, vals):
        self._idic_check_protected(vals)
        result = super().write(vals)
        if {"date_start", "day"} & set(vals):
            for gift in self.sudo():
                if not gift.invoice_ids:
                    gift.next_date = first_period(gift.date_start, gift.day)
        if {"state", "amount", "interval", "currency_id", "partner_id"} & set(vals):
            self._idic_trigger_donors()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_gifts_made(self):
        if any(gift.invoice_ids for gift in self.sudo()):
            raise UserError(
                self.env._(
                    "A recurring gift that made gifts cannot be deleted: cancel it."
                )
            )

    def unlink(self):
        self._idic_trigger_donors()
        return super().unlink()

    def _idic_check_protected(self, vals):
        """Refuse the fields only the add-on's flows write, and amounts that
        are not finite numbers (before the ORM rounds them)."""
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
                        "The amount of a recurring gift must be a positive number up "
                        "to 1,000,000,000,000."
                    )
                )
        if PROTECTED_FIELDS & set(vals) and not self.env.su:
            raise AccessError(
                self.env._(
                    "The state and the dates of a recurring gift change through "
                    "its buttons and its scheduled action only."
                )
            )

    def _idic_trigger_donors(self):
        """Sustainers and monthly recurring revenue are donor figures."""
        self.env["res.partner"]._idic_trigger_donor_recompute()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _idic_check_user(self):
        if not self.env.su and not self.env.user.has_group(DONOR_DATA):
            raise AccessError(
                self.env._(
                    "Only relationship managers and donor-data readers manage "
                    "recurring gifts."
                )
            )
        self.check_access("write")

    def _idic_set_state(self, state):
        today = fields.Date.context_today(self)
        vals = {"state": state}
        if state in ("lapsed", "cancelled", "ended"):
            vals["stopped_date"] = today
        else:
            vals["stopped_date"] = False
        self.sudo().write(vals)

    def action_pause(self):
        self._idic_check_user()
        self.filtered(lambda g: g.state == "active")._idic_set_state("paused")

    def action_resume(self):
        """Active again (paused, lapsed or cancelled): the periods it missed
        meanwhile are not invoiced; the next one is."""
        self._idic_check_user()
        today = fields.Date.context_today(self)
        for gift in self.filtered(
            lambda g: g.state in ("paused", "lapsed", "cancelled")
        ):
            gift._idic_set_state("active")
            upcoming = gift.next_date or first_period(gift.date_start, gift.day)
            while upcoming < today:
                upcoming = next_period(upcoming, gift.day, gift.interval)
            gift.sudo().next_date = upcoming

    def action_cancel(self):
        self._idic_check_user()
        self.filtered(
            lambda g: g.state in ("active", "paused", "lapsed")
        )._idic_set_state("cancelled")

    def action_invoice_now(self):
        """Make the gifts of the periods due by today now (the scheduled
        action would tonight), and charge them."""
        self._idic_check_user()
        gifts = self.filtered(lambda g: g.state == "active").sudo()
        for company in gifts.company_id:
            mine = gifts.filtered(lambda g, c=company: g.company_id == c)
            mine._idic_lock()
            mine._idic_make_gifts(fields.Date.context_today(self))
        gifts.invoice_ids._idic_charge_recurring(commit=False)

    def action_open_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Gifts of %(gift)s", gift=self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("idic_recurring_gift_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    def _idic_lock(self):
        """Lock these gifts' rows until the end of the transaction: a user's
        button and a job's range never make the same period twice (the one
        that comes second waits, then sees the period made, or fails on a
        serialization error and is retried)."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM idic_recurring_gift WHERE id = ANY(%s) "
                    "ORDER BY id FOR NO KEY UPDATE",
                    self.ids,
                )
            )
            self.invalidate_recordset()

    @api.model
    def _idic_due_sql(self, company, today, id_from=None, id_to=None):
        """SQL ids of the active recurring gifts of ``company`` with a period
        due on or before ``today`` (in ``[id_from, id_to)``)."""
        return SQL(
            """SELECT g.id FROM idic_recurring_gift g
                WHERE g.company_id = %(company)s AND g.state = 'active'
                  AND g.next_date <= %(today)s %(range)s""",
            company=company.id,
            today=today,
            range=SQL("AND g.id >= %s AND g.id < %s", id_from, id_to)
            if id_from is not None
            else SQL(""),
        )

    @api.model
    def _idic_run_range(self, company, today, id_from, id_to):
        """The job's work for the gifts ``id_from <= id < id_to`` of
        ``company``: lapse, end, or make the periods due. Returns the number
        of invoices made."""
        self.env.cr.execute(self._idic_due_sql(company, today, id_from, id_to))
        gifts = self.browse([row[0] for row in self.env.cr.fetchall()]).sudo()
        gifts._idic_lock()
        # Locked, then read again: a period made meanwhile is seen.
        gifts = gifts.filtered(lambda g: g.state == "active" and g.next_date <= today)
        return len(gifts._idic_make_gifts(today))

    def _idic_make_gifts(self, today):
        """Make the invoices of every period of these active gifts due by
        ``today``, posted, and move their next dates on; gifts that missed as
        many periods as their company allows lapse first, gifts past their
        end end. Returns the invoices."""
        gifts = self.sudo()
        lapsing = gifts._idic_lapsing()
        if lapsing:
            lapsing._idic_lapse()
        vals_list = []
        ending = []
        journals = {}
        # The gifts' next dates, one write per date (not one per gift).
        next_dates = defaultdict(list)
        for gift in gifts - lapsing:
            company = gift.company_id
            if company not in journals:
                journals[company] = gift._idic_sale_journal()
            period = gift.next_date
            while period <= today and (not gift.date_end or period <= gift.date_end):
                vals_list.append(gift._idic_invoice_vals(period, journals[company]))
                period = next_period(period, gift.day, gift.interval)
            next_dates[period].append(gift.id)
            if gift.date_end and period > gift.date_end:
                ending.append(gift.id)
        for period, ids in next_dates.items():
            gifts.browse(ids).write({"next_date": period})
        ending = gifts.browse(ending)
        if ending:
            ending._idic_set_state("ended")
        if not vals_list:
            return self.env["account.move"]
        moves = (
            self.env["account.move"]
            .sudo()
            .with_context(
                tracking_disable=True, mail_create_nolog=True, mail_notrack=True
            )
            .create(vals_list)
        )
        moves.action_post()
        return moves

    def _idic_lapsing(self):
        """The gifts with at least as many missed periods (posted period
        invoices not paid) as their company allows."""
        if not self:
            return self
        self.env["account.move"].flush_model(
            ["idic_recurring_gift_id", "state", "payment_state"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT g.id
                     FROM idic_recurring_gift g
                     JOIN res_company c ON c.id = g.company_id
                     JOIN account_move m ON m.idic_recurring_gift_id = g.id
                    WHERE g.id = ANY(%s) AND m.state = 'posted'
                      AND m.payment_state IN ('not_paid', 'partial')
                    GROUP BY g.id, c.idic_recurring_lapse_periods
                   HAVING COUNT(*) >= GREATEST(c.idic_recurring_lapse_periods, 1)""",
                self.ids,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _idic_lapse(self):
        """Lapse these gifts: the donor's salesperson (or the gift's
        fundraiser) gets an activity to call the donor."""
        self._idic_set_state("lapsed")
        for gift in self.sudo():
            user = (
                gift.partner_id.user_id
                or gift.commercial_partner_id.user_id
                or gift.user_id
                or gift.create_uid
            )
            gift.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("Recurring gift lapsed: call the donor"),
                note=self.env._(
                    "%(donor)s missed %(count)s periods of the recurring gift "
                    "%(gift)s; it lapsed.",
                    donor=gift.partner_id.display_name,
                    count=gift.missed_periods,
                    gift=gift.name,
                ),
            )

    def _idic_sale_journal(self):
        """The sales journal of this gift's company (hook)."""
        self.ensure_one()
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company_id.id), ("type", "=", "sale")],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "The company %(company)s has no sales journal: recurring gifts "
                    "cannot be invoiced.",
                    company=self.company_id.name,
                )
            )
        return journal

    def _idic_invoice_vals(self, period, journal):
        """The values of the invoice of this gift for the period starting on
        ``period`` in ``journal`` (a hook): one untaxed line on its donation
        product for its amount, with its fund and appeal."""
        self.ensure_one()
        label = self.env._(
            "%(product)s - recurring gift %(gift)s, period of %(period)s",
            product=self.product_id.display_name,
            gift=self.name,
            period=fields.Date.to_string(period),
        )
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "currency_id": self.currency_id.id,
            "invoice_date": period,
            "invoice_user_id": self.user_id.id,
            "ref": self.name,
            "idic_recurring_gift_id": self.id,
            "idic_recurring_period": period,
            "idic_appeal_id": self.appeal_id.id,
            "idic_fund_id": self.fund_id.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self.product_id.id,
                        "name": label,
                        "quantity": 1.0,
                        "price_unit": self.amount,
                        "tax_ids": [Command.clear()],
                        "idic_appeal_id": self.appeal_id.id,
                        "idic_fund_id": self.fund_id.id,
                    }
                )
            ],
        }
