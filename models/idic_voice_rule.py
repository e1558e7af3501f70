# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When the company asks its customers (issue #30): sending rules of the
recommendation (NPS) and satisfaction (CSAT) surveys, per company, that
managers edit. The daily voice job (``res.partner._idic_job_stage_voice``)
selects every customer a rule picks in one statement, then invites them
through the survey's own invitation, batch by batch on the recompute frame.

A rule picks the events of the last ``CATCH_UP_DAYS`` days (a day the job did
not run is caught up), ``delay_days`` after they happened; an event is
surveyed once; a customer gets one survey per company in the company's
waiting period (``res.company.idic_survey_throttle_days``), whatever rule
would send it; do-not-contact partners, blacklisted addresses and partners
without an e-mail get none."""

import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

TRIGGERS = [
    ("invoice_paid", "After an invoice is paid"),
    ("interaction_closed", "After an interaction is closed"),
    ("yearly", "Once a year to active customers"),
]
# Days back the events of a rule are looked for (days the job missed).
CATCH_UP_DAYS = 7
MAX_DELAY_DAYS = 365
MAX_DAILY_LIMIT = 1000000


class IdicVoiceRule(models.Model):
    _name = "idic.voice.rule"
    _inherit = ["idic.input.guard"]
    _description = "Customer Survey Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="When several rules pick a customer on the same day, the first "
        "one sends its survey.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        domain="[('idic_voice', '!=', False)]",
        help="The recommendation (NPS) or satisfaction (CSAT) survey sent.",
    )
    survey_kind = fields.Selection(related="survey_id.idic_voice", string="Measures")
    trigger = fields.Selection(TRIGGERS, required=True, default="invoice_paid")
    interaction_kind_ids = fields.Many2many(
        "idic.interaction.kind",
        "idic_voice_rule_kind_rel",
        "rule_id",
        "kind_id",
        string="Interaction Kinds",
        help="After an interaction is closed: the kinds it applies to. A "
        "complaint, feedback or idea is closed when resolved or implemented; "
        "another interaction once its outcome is recorded.",
    )
    delay_days = fields.Integer(
        string="Days After",
        default=1,
        help="Days between the event (invoice paid, interaction closed) and the "
        "invitation.",
    )
    daily_limit = fields.Integer(
        default=0,
        help="At most this many invitations a day from this rule (0: no limit); "
        "the others are invited the next days. Spreads a yearly survey over "
        "the year.",
    )
    sent_count = fields.Integer(string="Sent", compute="_compute_counts")
    answered_count = fields.Integer(string="Answered", compute="_compute_counts")
    response_rate = fields.Float(
        string="Response Rate (%)", compute="_compute_counts", digits=(16, 1)
    )

    def _compute_counts(self):
        Answer = self.env["survey.user_input"].sudo()
        counts = {
            (rule.id, state): count
            for rule, state, count in Answer._read_group(
                [("idic_voice_rule_id", "in", self.ids)],
                ["idic_voice_rule_id", "state"],
                ["__count"],
            )
        }
        for rule in self:
            sent = sum(c for (rid, _s), c in counts.items() if rid == rule.id)
            done = counts.get((rule.id, "done"), 0)
            rule.sent_count = sent
            rule.answered_count = done
            rule.response_rate = 100.0 * done / sent if sent else 0.0

    @api.constrains("delay_days", "daily_limit", "trigger", "interaction_kind_ids")
    def _check_values(self):
        for rule in self:
            if not 0 <= rule.delay_days <= MAX_DELAY_DAYS:
                raise ValidationError(
                    self.env._(
                        "A survey goes out 0 to %(max)s days after the event.",
                        max=MAX_DELAY_DAYS,
                    )
                )
            if not 0 <= rule.daily_limit <= MAX_DAILY_LIMIT:
                raise ValidationError(
                    self.env._(
                        "The daily limit must be between 0 (none) and %(max)s.",
                        max=MAX_DAILY_LIMIT,
                    )
                )
            if rule.trigger == "interaction_closed" and not rule.interaction_kind_ids:
                raise ValidationError(
                    self.env._(
                        "Choose the kinds of interactions the rule %(rule)s surveys.",
                        rule=rule.name,
                    )
                )

    @api.constrains("survey_id")
    def _check_survey(self):
        for rule in self:
            if not rule.survey_id.idic_voice:
                raise ValidationError(
                    self.env._(
                        "%(survey)s is not a customer survey (recommendation or "
                        "satisfaction).",
                        survey=rule.survey_id.display_name,
                    )
                )

    def action_open_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invitations: %(rule)s", rule=self.name),
            "res_model": "survey.user_input",
            "view_mode": "list,form",
            "domain": [("idic_voice_rule_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------------
    def _idic_sender(self):
        """The user the invitations of this rule come from: the survey's
        responsible, else the company's default feedback owner, when they
        have an e-mail address."""
        self.ensure_one()
        for user in (self.survey_id.user_id, self.company_id.idic_feedback_owner_id):
            if user and user.email:
                return user
        return self.env["res.users"]

    def _idic_send(self, company, rows):
        """Invite each (recipient id, customer id, event) of ``rows`` to the
        rule's survey through the survey's own invitation (answer and
        e-mail in the recipient's language). Returns how many were
        invited."""
        self.ensure_one()
        sender = self._idic_sender()
        if not sender:
            _logger.warning(
                "IDIC voice: rule %s (%s) has no sender with an e-mail address "
                "(survey responsible or default feedback owner): nothing sent",
                self.id,
                self.name,
            )
            return 0
        partners = self.env["res.partner"].sudo().browse(row[0] for row in rows)
        # As the survey's Share button prepares it.
        template = self.env.ref(
            "survey.mail_template_user_input_invite", raise_if_not_found=False
        )
        invite = (
            self.env["survey.invite"]
            .with_user(sender)
            .with_company(company)
            .with_context(default_email_layout_xmlid="mail.mail_notification_light")
            .sudo()
            .create(
                {
                    "survey_id": self.survey_id.id,
                    "template_id": template.id if template else False,
                    "partner_ids": [fields.Command.set(partners.ids)],
                    "existing_mode": "new",
                    "send_email": True,
                }
            )
        )
        survey = self.survey_id.with_user(sender).with_company(company).sudo()
        for (_partner_id, customer_id, origin), partner in zip(
            rows, partners, strict=True
        ):
            answer = survey._create_answer(
                partner=partner,
                check_attempts=False,
                idic_voice_rule_id=self.id,
                idic_customer_id=customer_id,
                idic_company_id=company.id,
                idic_voice_origin=origin,
            )
            invite._send_mail(answer)
        return len(rows)
