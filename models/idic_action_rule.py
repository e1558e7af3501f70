# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Next best action rules (issue #25): which customers call for which action,
in which order. The nightly next-action job gives each customer of a company
the action of the first rule (by priority) it matches."""

import math
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

ACTION_KINDS = [
    ("win_back", "Win back"),
    ("reward", "Reward and thank"),
    ("upgrade", "Upgrade offer"),
    ("referral", "Ask for a referral"),
    ("renew", "Renew membership"),
    ("reengage_donor", "Re-engage donor"),
    ("complete_profile", "Complete the profile"),
    ("cadence", "Keep in touch"),
    ("offer", "Tailored offer"),
    ("other", "Other"),
]
# Actions that do not contact the customer: do-not-contact customers get them.
INTERNAL_KINDS = ("complete_profile",)
MAX_COOLDOWN_DAYS = 3650
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class IdicActionRule(models.Model):
    _name = "idic.action.rule"
    _description = "Next Best Action Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        string="Priority",
        default=10,
        help="A customer matching several rules gets the action of the first "
        "one (lowest priority number).",
    )
    active = fields.Boolean(default=True)
    kind = fields.Selection(ACTION_KINDS, string="Action", required=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the rule applies in every company.",
    )
    domain = fields.Char(
        string="Applies To",
        default="[]",
        required=True,
        help="The customers this rule applies to (a filter on contacts, with "
        "the figures of the company the job runs for).",
    )
    reason = fields.Char(
        translate=True,
        help="The sentence shown with the action. Figures between braces are "
        "replaced by the customer's: {clv}, {p_alive}, {rfm}, {segment}, "
        "{frequency}, {tier}, {next_tier}, {tier_progress}, {tier_gap}, "
        "{completeness}, {last_contact}, {cadence}, {member_end}, "
        "{last_invoice}.",
    )
    cooldown_days = fields.Integer(
        string="Not Again For (days)",
        default=30,
        help="After this action was done for a customer, the rule leaves it "
        "alone for so many days (the next rule it matches applies).",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        domain="[('res_model', 'in', (False, 'res.partner'))]",
        help="The to-do scheduled when the action is done without a plan, a "
        "template or an offer. Empty: by the customer's preferred channel.",
    )
    plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Activity Plan",
        domain="[('res_model', '=', 'res.partner')]",
        help="Scheduled for the customer when the action is done.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        help="Opened in the e-mail composer when the action is done.",
    )
    loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Offer",
        help="Coupons or points given through the loyalty program's own coupon "
        "generation when the action is done.",
    )
    offer_points = fields.Float(
        string="Points / Coupon Value",
        default=1.0,
        help="What each coupon or card is granted (loyalty points or coupon value).",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            try:
                self.env["res.partner"].sudo()._search(rule._get_domain())
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The customers of the rule %(rule)s are not a valid filter "
                        "on contacts: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    @api.constrains("cooldown_days", "offer_points")
    def _check_bounds(self):
        for rule in self:
            if not 0 <= rule.cooldown_days <= MAX_COOLDOWN_DAYS:
                raise ValidationError(
                    self.env._(
                        "A rule leaves a customer alone for 0 to %(max)s days.",
                        max=MAX_COOLDOWN_DAYS,
                    )
                )
            if not math.isfinite(rule.offer_points) or not (
                0 <= rule.offer_points <= 1e9
            ):
                raise ValidationError(
                    self.env._(
                        "The points or value of an offer is a number between 0 "
                        "and 1,000,000,000."
                    )
                )

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("idic_next_action_rule_id", "in", self.ids)],
                ["idic_next_action_rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.partner_count = counts.get(rule, 0)

    def _get_domain(self):
        """The rule's customers as a :class:`Domain`."""
        self.ensure_one()
        value = (self.domain or "").strip() or "[]"
        context = self.env["idic.stage"]._rule_eval_context()
        return Domain(safe_eval(value, context))

    def _render_reason(self, values):
        """The reason with its figures filled in from ``values`` (unknown
        names are left as they are)."""
        self.ensure_one()
        return PLACEHOLDER.sub(
            lambda match: str(values.get(match.group(1), match.group(0))),
            self.reason or self.name or "",
        )

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.res_partner_action_idic_next_actions"
        )
        action.update(
            domain=[("idic_next_action_rule_id", "=", self.id)],
            context={"create": False},
            display_name=self.name,
        )
        return action
