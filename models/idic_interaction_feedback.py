# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Complaints, feedback and ideas as a workflow (issue #30): each gets an
owner, a deadline on the company's working calendar, a stage, a resolution
and the date it was reached. Overdue ones raise one activity for their
owner (on the customer, whose chatter holds it) and show on the Overview.

The stage drives the knowledge status that the knowledge value (CKV) reads
(``STAGE_STATUS``): one rule, in one place; a status written the old way
moves the stage (``STATUS_STAGE``)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from .idic_context import grant
from .idic_interaction_engagement import KNOWLEDGE_KINDS

FEEDBACK_STAGES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("implemented", "Implemented"),
]
OPEN_STAGES = ("new", "in_progress")
DONE_STAGES = ("resolved", "implemented")
# Kinds whose stage may be "implemented" (a complaint is resolved).
IMPLEMENTABLE_KINDS = ("idea", "feedback")
STAGE_STATUS = {
    "new": "submitted",
    "in_progress": "accepted",
    "resolved": "accepted",
    "implemented": "implemented",
}
STATUS_STAGE = {
    "submitted": "new",
    "accepted": "in_progress",
    "implemented": "implemented",
}
# Outcomes that close an interaction of another kind (conversation...).
CLOSING_OUTCOMES = ("positive", "neutral", "negative")


def closed_on_sql(alias="i"):
    """SQL: when the interaction ``alias`` was closed, NULL while open: a
    complaint, feedback or idea when it was resolved or implemented; another
    interaction (a call, a meeting...) when it took place, once its outcome
    is recorded."""
    return SQL(
        """CASE WHEN %(kind)s IN %(knowledge)s THEN %(resolved)s
                WHEN %(outcome)s IN %(closing)s THEN %(date)s END""",
        kind=SQL.identifier(alias, "kind"),
        knowledge=tuple(KNOWLEDGE_KINDS),
        resolved=SQL.identifier(alias, "resolved_date"),
        outcome=SQL.identifier(alias, "outcome"),
        closing=CLOSING_OUTCOMES,
        date=SQL.identifier(alias, "date"),
    )


class IdicInteraction(models.Model):
    _inherit = "idic.interaction"

    feedback_stage = fields.Selection(
        FEEDBACK_STAGES,
        string="Stage",
        copy=False,
        index="btree_not_null",
        group_expand=True,
        help="Of a complaint, feedback or idea: new, in progress, resolved, or "
        "implemented (feedback and ideas).",
    )
    owner_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        index="btree_not_null",
        copy=False,
        help="Who answers this complaint, feedback or idea: by default the "
        "customer's salesperson, else the company's default feedback owner, else "
        "who recorded it.",
    )
    feedback_deadline = fields.Date(
        string="Deadline",
        copy=False,
        index="btree_not_null",
        help="The working days of the company's setting for this kind after the "
        "day it was received, on the company's working calendar.",
    )
    resolution = fields.Html(copy=False, help="How it was resolved or implemented.")
    resolved_date = fields.Datetime(
        string="Resolved On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When it reached the resolved or implemented stage.",
    )
    resolution_days = fields.Float(
        string="Resolution Time (days)",
        compute="_compute_resolution_days",
        digits=(16, 1),
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Open past its deadline.",
    )
    followup_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The activity this interaction gave its owner or the customer's "
        "salesperson (an overdue complaint, a detractor to call back).",
    )

    @api.depends("date", "resolved_date")
    def _compute_resolution_days(self):
        for interaction in self:
            if interaction.resolved_date and interaction.date:
                delta = interaction.resolved_date - interaction.date
                interaction.resolution_days = max(delta.total_seconds() / 86400.0, 0.0)
            else:
                interaction.resolution_days = 0.0

    @api.depends("feedback_stage", "feedback_deadline")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for interaction in self:
            interaction.is_overdue = bool(
                interaction.feedback_stage in OPEN_STAGES
                and interaction.feedback_deadline
                and interaction.feedback_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain(
            [
                ("feedback_stage", "in", OPEN_STAGES),
                ("feedback_deadline", "<", fields.Date.context_today(self)),
            ]
        )
        return domain if (operator == "=") == value else ~domain

    @api.constrains("feedback_stage", "kind")
    def _check_feedback_stage(self):
        for interaction in self:
            if (
                interaction.feedback_stage == "implemented"
                and interaction.kind not in IMPLEMENTABLE_KINDS
            ):
                raise ValidationError(
                    self.env._(
                        "Only feedback and ideas are implemented; a complaint is "
                        "resolved (%(subject)s).",
                        subject=interaction.subject,
                    )
                )
            if interaction.feedback_stage and interaction.kind not in KNOWLEDGE_KINDS:
                raise ValidationError(
                    self.env._(
                        "Only complaints, feedback and ideas have a stage "
                        "(%(subject)s).",
                        subject=interaction.subject,
                    )
                )

    # ------------------------------------------------------------------------
    # CRUD: the stage and the knowledge status kept together
    # ------------------------------------------------------------------------
    def _idic_stage_vals(self, vals, kind):
        """``vals`` for one interaction of ``kind`` (``self``, or a new one):
        the knowledge status follows the stage written, or the stage follows a
        status written alone; the resolution date is set when the stage gets
        done (kept when it was done already) and cleared when it opens
        again."""
        vals = dict(vals)
        if "feedback_stage" in vals and "knowledge_status" not in vals:
            vals["knowledge_status"] = STAGE_STATUS.get(vals["feedback_stage"], False)
        elif (
            vals.get("knowledge_status")
            and not vals.get("feedback_stage")
            and kind in KNOWLEDGE_KINDS
        ):
            stage = STATUS_STAGE.get(vals["knowledge_status"])
            if stage == "implemented" and kind not in IMPLEMENTABLE_KINDS:
                stage = "resolved"
            vals["feedback_stage"] = stage
        if "feedback_stage" in vals:
            if vals["feedback_stage"] not in DONE_STAGES:
                vals["resolved_date"] = False
            elif not (self.feedback_stage in DONE_STAGES and self.resolved_date):
                vals["resolved_date"] = fields.Datetime.now()
        return vals

    def _idic_check_feedback_vals(self, vals):
        """The resolution date and the follow-up activity are the workflow's
        to write; a deadline is the company's setting, moved by managers."""
        if self.env.su:
            return
        if {"resolved_date", "followup_activity_id"} & set(vals):
            raise AccessError(
                self.env._(
                    "The resolution date is set when the stage changes; the "
                    "follow-up activity by the deadlines."
                )
            )
        if "feedback_deadline" in vals and not self.env.user.has_group(
            "partner_idic.group_idic_manager"
        ):
            raise AccessError(self.env._("Only relationship managers move a deadline."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._idic_check_feedback_vals(vals)
        prepared = []
        default_kind = self.default_get(["kind"]).get("kind")
        for vals in vals_list:
            kind = vals.get("kind") or default_kind
            if kind in KNOWLEDGE_KINDS:
                # The web client sends every field, an empty stage among them.
                vals = {
                    key: value
                    for key, value in vals.items()
                    if key != "feedback_stage" or value
                }
                if not vals.get("feedback_stage") and not vals.get("knowledge_status"):
                    vals["feedback_stage"] = "new"
                vals = self.browse()._idic_stage_vals(vals, kind)
            prepared.append(vals)
        # The resolution date is the workflow's (checked above, set here).
        interactions = super(IdicInteraction, grant(self, "resolved_date")).create(
            prepared
        )
        interactions = interactions.with_env(self.env)
        interactions._idic_feedback_defaults()
        return interactions

    def write(self, vals):
        self._idic_check_feedback_vals(vals)
        if not ({"kind", "feedback_stage"} & set(vals) or vals.get("knowledge_status")):
            return super().write(vals)
        for interaction in self:
            kind = vals.get("kind", interaction.kind)
            own = dict(vals)
            if kind not in KNOWLEDGE_KINDS:
                own.update(feedback_stage=False, feedback_deadline=False)
            elif not (
                interaction.feedback_stage
                or own.get("feedback_stage")
                or own.get("knowledge_status")
            ):
                own["feedback_stage"] = "new"
            if (
                "feedback_stage" in own
                and own["feedback_stage"] == interaction.feedback_stage
            ):
                if "knowledge_status" not in vals:
                    del own["feedback_stage"]
            super(IdicInteraction, grant(interaction, "resolved_date")).write(
                interaction._idic_stage_vals(own, kind)
            )
        self._idic_feedback_defaults()
        self.filtered(
            lambda i: i.feedback_stage in DONE_STAGES
        )._idic_cancel_followups()
        return True

    def _idic_feedback_defaults(self):
        """The owner and the deadline of the complaints, feedback and ideas of
        ``self`` that have none."""
        for interaction in self.filtered(lambda i: i.kind in KNOWLEDGE_KINDS):
            vals = {}
            if not interaction.owner_id:
                vals["owner_id"] = interaction._idic_default_owner().id
            if (
                not interaction.feedback_deadline
                and interaction.feedback_stage in OPEN_STAGES
            ):
                deadline = interaction._idic_deadline_for(interaction.kind)
                if deadline:
                    vals["feedback_deadline"] = deadline
            if vals:
                interaction.sudo().write(vals)

    def _idic_default_owner(self):
        """The customer's salesperson, else the company's default feedback
        owner, else the user recording it when internal (a hook)."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        user = customer.user_id or self.company_id.sudo().idic_feedback_owner_id
        if not user and not self.env.user.share:
            user = self.env.user
        return user.filtered(lambda u: not u.share)

    def _idic_deadline_for(self, kind):
        """The deadline of an interaction of ``kind`` received at this one's
        date, on its company's working calendar (False: none)."""
        self.ensure_one()
        company = self.company_id.sudo()
        return company._idic_add_working_days(
            self.date, company._idic_feedback_deadline_days(kind)
        )

    def _idic_cancel_followups(self):
        """The open follow-up activities of resolved interactions are no
        longer needed: they are cancelled (not done: nobody called)."""
        activities = self.sudo().followup_activity_id.filtered("active")
        activities.unlink()

    # ------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------
    def action_feedback_start(self):
        self.filtered(lambda i: i.feedback_stage == "new").write(
            {"feedback_stage": "in_progress"}
        )
        return True

    def action_feedback_resolve(self):
        self._idic_check_resolution()
        self.filtered(lambda i: i.feedback_stage in OPEN_STAGES).write(
            {"feedback_stage": "resolved"}
        )
        return True

    def action_feedback_implement(self):
        self._idic_check_resolution()
        self.filtered(
            lambda i: (
                i.kind in IMPLEMENTABLE_KINDS and i.feedback_stage != "implemented"
            )
        ).write({"feedback_stage": "implemented"})
        return True

    def action_feedback_reopen(self):
        self.filtered(lambda i: i.feedback_stage in DONE_STAGES).write(
            {"feedback_stage": "in_progress"}
        )
        return True

    def _idic_check_resolution(self):
        missing = self.filtered(lambda i: i.is_knowledge and not i.resolution)
        if missing:
            raise ValidationError(
                self.env._(
                    "Write how it was resolved before closing it: %(subjects)s",
                    subjects=", ".join(missing.mapped("subject")),
                )
            )

    # ------------------------------------------------------------------------
    # Overdue: one activity each, raised by the daily voice job
    # ------------------------------------------------------------------------
    @api.model
    def _idic_overdue_without_activity_sql(self, company, today, limit):
        return SQL(
            """
            SELECT i.id FROM idic_interaction i
             WHERE i.company_id = %(company)s
               AND i.feedback_stage IN %(open)s
               AND i.feedback_deadline < %(today)s
               AND i.followup_activity_id IS NULL
             ORDER BY i.id
             LIMIT %(limit)s
            """,
            company=company.id,
            open=OPEN_STAGES,
            today=today,
            limit=limit,
        )

    @api.model
    def _idic_raise_overdue_activities(self, company, today, batch_size=500):
        """Give each overdue complaint, feedback or idea of ``company`` that
        has none one to-do activity for its owner, on the customer. Returns
        how many were raised."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        raised = 0
        while True:
            self.env.flush_all()
            self.env.cr.execute(
                self._idic_overdue_without_activity_sql(company, today, batch_size)
            )
            interactions = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
            if not interactions:
                return raised
            labels = dict(self._fields["kind"]._description_selection(self.env))
            interactions._idic_schedule_followups(
                activity_type,
                today,
                lambda i, labels=labels: self.env._(
                    "Overdue %(kind)s: %(subject)s",
                    kind=labels.get(i.kind, "").lower(),
                    subject=i.subject,
                ),
            )
            raised += len(interactions)

    def _idic_schedule_followups(self, activity_type, deadline, summary):
        """One activity of ``activity_type`` per interaction of ``self``, on
        its customer, for its owner (or the customer's salesperson), due on
        ``deadline``; each interaction remembers its activity."""
        model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for interaction in self:
            user = interaction.owner_id or interaction._idic_default_owner()
            vals_list.append(
                {
                    "res_model_id": model,
                    "res_id": interaction.commercial_partner_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary(interaction),
                    "note": interaction.summary or False,
                    "date_deadline": interaction._idic_followup_deadline(deadline),
                    "user_id": (user or self.env.ref("base.user_root")).id,
                }
            )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True, mail_notrack=True)
            .create(vals_list)
        )
        for interaction, activity in zip(self, activities, strict=True):
            interaction.sudo().write({"followup_activity_id": activity.id})
        return activities

    def _idic_followup_deadline(self, deadline):
        """The due date of the follow-up activity: ``deadline`` (a date, or a
        callable of the interaction)."""
        return deadline(self) if callable(deadline) else deadline
