# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-assessments of the company's customer management: one run of a
framework's survey (IDIC, six principles, QCi, Payne & Frow, Gartner,
Buttle) for one company, answered by invited internal users. Closing it
stores the score of every area (mean over the participants and the spread
between them) so that later edits of the survey never change past results."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .idic_context import internal
from .survey_survey import FRAMEWORKS, HEALTH_AREAS

# Areas scoring below this share (%) are proposed for improvement actions.
WEAK_AREA_SCORE = 75.0
# At most this many of the weakest areas are proposed.
WEAK_AREA_COUNT = 3


class IdicAssessment(models.Model):
    _name = "idic.assessment"
    _description = "Customer Management Self-Assessment"
    _inherit = ["mail.thread", "idic.figure.guard", "idic.input.guard"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    framework = fields.Selection(FRAMEWORKS, required=True, tracking=True)
    survey_id = fields.Many2one(
        "survey.survey",
        compute="_compute_survey_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        domain="[('idic_framework', '=', framework)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        required=True,
        default="open",
        tracking=True,
    )
    participant_ids = fields.Many2many(
        "res.users",
        string="Participants",
        domain="[('share', '=', False)]",
        help="Internal users invited to answer the survey, each once.",
    )
    invited_count = fields.Integer(compute="_compute_answer_counts")
    answered_count = fields.Integer(string="Answered", compute="_compute_answer_counts")
    my_answer_state = fields.Selection(
        [("new", "Not started"), ("in_progress", "In progress"), ("done", "Completed")],
        string="My Answer",
        compute="_compute_answer_counts",
    )
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    area_ids = fields.One2many(
        "idic.assessment.area", "assessment_id", string="Area Scores", readonly=True
    )
    overall_score = fields.Float(
        string="Overall (%)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        aggregator="avg",
    )
    overall_spread = fields.Float(
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Difference between the highest and the lowest overall score of "
        "the participants (points).",
    )
    participant_count = fields.Integer(
        string="Participants Counted", readonly=True, copy=False
    )
    previous_id = fields.Many2one(
        "idic.assessment",
        string="Previous Assessment",
        compute="_compute_previous_id",
        help="The last closed assessment of the same framework and company "
        "before this one.",
    )
    overall_change = fields.Float(
        string="Change (points)", compute="_compute_previous_id", digits=(16, 1)
    )
    action_ids = fields.One2many(
        "idic.improvement.action", "assessment_id", string="Improvement Actions"
    )
    action_count = fields.Integer(compute="_compute_action_count")

    @api.depends("framework")
    def _compute_survey_id(self):
        for assessment in self:
            if assessment.framework and (
                assessment.survey_id.idic_framework != assessment.framework
            ):
                assessment.survey_id = (
                    self.env["survey.survey"]
                    .sudo()
                    .search([("idic_framework", "=", assessment.framework)], limit=1)
                )

    @api.depends("participant_ids")
    def _compute_answer_counts(self):
        answers = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [("idic_assessment_id", "in", self.ids), ("test_entry", "=", False)]
            )
        )
        for assessment in self:
            mine = answers.filtered(
                lambda a, rec=assessment: a.idic_assessment_id == rec
            )
            assessment.invited_count = len(mine)
            assessment.answered_count = len(mine.filtered(lambda a: a.state == "done"))
            own = mine.filtered(lambda a: a.partner_id == self.env.user.partner_id)
            assessment.my_answer_state = own[:1].state or False

    @api.depends("framework", "company_id", "date", "state")
    def _compute_previous_id(self):
        for assessment in self:
            previous = self.search(
                [
                    ("framework", "=", assessment.framework),
                    ("company_id", "=", assessment.company_id.id),
                    ("state", "=", "closed"),
                    ("id", "!=", assessment._origin.id or 0),
                    "|",
                    ("date", "<", assessment.date),
                    "&",
                    ("date", "=", assessment.date),
                    ("id", "<", assessment._origin.id or 0),
                ],
                order="date desc, id desc",
                limit=1,
            )
            assessment.previous_id = previous
            assessment.overall_change = (
                assessment.overall_score - previous.overall_score
                if previous and assessment.state == "closed"
                else 0.0
            )

    @api.depends("action_ids")
    def _compute_action_count(self):
        for assessment in self:
            assessment.action_count = len(assessment.action_ids)

    @api.constrains("participant_ids")
    def _check_participants(self):
        for assessment in self:
            if assessment.participant_ids.filtered("share"):
                raise ValidationError(
                    self.env._("Only internal users can take part in an assessment.")
                )

    @api.constrains("survey_id", "framework")
    def _check_survey(self):
        for assessment in self:
            if assessment.survey_id.idic_framework != assessment.framework:
                raise ValidationError(
                    self.env._(
                        "The survey %(survey)s does not assess the framework of "
                        "this assessment.",
                        survey=assessment.survey_id.display_name,
                    )
                )

    @api.onchange("framework")
    def _onchange_framework(self):
        if self.framework and not self.name:
            label = dict(self._fields["framework"]._description_selection(self.env))
            self.name = f"{label[self.framework]} {fields.Date.to_string(self.date)}"

    def write(self, vals):
        frozen = {"framework", "survey_id", "company_id", "date", "participant_ids"}
        if frozen & set(vals) and self.filtered(lambda a: a.state == "closed"):
            raise UserError(
                self.env._(
                    "A closed assessment keeps its framework, date and participants."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------
    def action_invite(self):
        """Invite the participants not invited yet through the survey's own
        invitation (one answer each, tied to this assessment)."""
        self.ensure_one()
        self._check_manager()
        self._check_open()
        if not self.participant_ids:
            raise UserError(self.env._("Add the participants to invite first."))
        invited = (
            self.env["survey.user_input"]
            .sudo()
            .search([("idic_assessment_id", "=", self.id)])
            .partner_id
        )
        partners = self.participant_ids.partner_id - invited
        if not partners:
            raise UserError(self.env._("Every participant has been invited already."))
        invite = (
            self.env["survey.invite"]
            .sudo()
            .with_context(idic_assessment_id=internal(self.id))
            .create(
                {
                    "survey_id": self.survey_id.id,
                    "partner_ids": [fields.Command.set(partners.ids)],
                    "existing_mode": "new",
                    "send_email": True,
                }
            )
        )
        invite.action_invite()
        self.message_post(
            body=self.env._(
                "Invited to answer: %(names)s", names=", ".join(partners.mapped("name"))
            )
        )
        return True

    def action_answer(self):
        """Open the survey for the current user's own answer."""
        self.ensure_one()
        self._check_open()
        answer = self._my_answer()
        if not answer:
            raise UserError(
                self.env._("You are not invited to answer this assessment.")
            )
        if answer.state == "done":
            raise UserError(self.env._("You have already answered this assessment."))
        return {
            "type": "ir.actions.act_url",
            "url": answer.get_start_url(),
            "target": "self",
        }

    def action_close(self):
        """Store the snapshot of the area scores and propose improvement
        actions for the weakest areas."""
        self._check_manager()
        for assessment in self:
            assessment._check_open()
            scores = assessment._area_scores()
            if not any(area["participants"] for area in scores["areas"]):
                raise UserError(
                    self.env._(
                        "Nobody has completed the survey of %(name)s yet: there is "
                        "nothing to close.",
                        name=assessment.name,
                    )
                )
            assessment._store_snapshot(scores)
            assessment._propose_actions()
        return True

    def action_open_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_improvement_action_action"
        )
        action["domain"] = [("assessment_id", "=", self.id)]
        action["context"] = {"default_assessment_id": self.id}
        return action

    # ------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers run and close assessments.")
            )

    def _check_open(self):
        if self.state != "open":
            raise UserError(
                self.env._("The assessment %(name)s is closed.", name=self.name)
            )

    def _my_answer(self):
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("idic_assessment_id", "=", self.id),
                    ("partner_id", "=", self.env.user.partner_id.id),
                ],
                limit=1,
            )
        )

    def _area_scores(self):
        """Score (%) of each section of the survey per completed answer,
        from the answer lines grouped by section: the points earned over the
        points obtainable on the statements answered (skipped ones do not
        count); then per area the mean over the participants and the spread
        (highest minus lowest)."""
        self.ensure_one()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT ui.id, q.page_id, SUM(l.answer_score), SUM(top.score)
                  FROM survey_user_input ui
                  JOIN survey_user_input_line l ON l.user_input_id = ui.id
                  JOIN survey_question q ON q.id = l.question_id
                  JOIN LATERAL (SELECT MAX(a.answer_score) AS score
                                  FROM survey_question_answer a
                                 WHERE a.question_id = q.id) top ON TRUE
                 WHERE ui.idic_assessment_id = %(id)s
                   AND ui.state = 'done'
                   AND NOT ui.test_entry
                   AND NOT COALESCE(l.skipped, FALSE)
                   AND l.answer_type = 'suggestion'
                   AND top.score > 0
                 GROUP BY ui.id, q.page_id
                """,
                id=self.id,
            )
        )
        per_page = defaultdict(dict)
        for input_id, page_id, earned, obtainable in rows:
            per_page[page_id][input_id] = 100.0 * earned / obtainable
        areas = []
        per_input = defaultdict(list)
        by_input = defaultdict(dict)
        for page in self.survey_id.sudo().page_ids:
            values = per_page.get(page.id, {})
            for input_id, value in values.items():
                per_input[input_id].append(value)
                by_input[input_id][page.id] = value
            areas.append(
                {
                    "page": page,
                    "score": sum(values.values()) / len(values) if values else 0.0,
                    "spread": max(values.values()) - min(values.values())
                    if values
                    else 0.0,
                    "participants": len(values),
                }
            )
        overall = [sum(v) / len(v) for v in per_input.values()]
        answered = [area["score"] for area in areas if area["participants"]]
        return {
            "areas": areas,
            "overall": sum(answered) / len(answered) if answered else 0.0,
            "spread": max(overall) - min(overall) if overall else 0.0,
            "participants": len(per_input),
            # Each participant's score of each area it answered (page id).
            "by_input": dict(by_input),
        }

    def _store_snapshot(self, scores):
        Area = self.env["idic.assessment.area"].sudo()
        areas = Area.create(
            [
                {
                    "assessment_id": self.id,
                    "sequence": index,
                    "page_id": area["page"].id,
                    "name": area["page"].title,
                    "statement_count": len(area["page"].question_ids),
                    "health_area": area["page"].idic_health_area,
                    "score": area["score"],
                    "spread": area["spread"],
                    "participant_count": area["participants"],
                }
                for index, area in enumerate(scores["areas"], start=1)
            ]
        )
        # The name in every language, as the survey had it when closing.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE idic_assessment_area area
                   SET name = page.title
                  FROM survey_question page
                 WHERE page.id = area.page_id AND area.id IN %s
                """,
                tuple(areas.ids),
            )
        )
        areas.invalidate_recordset(["name"])
        self.sudo().write(
            {
                "state": "closed",
                "closed_date": fields.Datetime.now(),
                "overall_score": scores["overall"],
                "overall_spread": scores["spread"],
                "participant_count": scores["participants"],
            }
        )

    def _propose_actions(self):
        """The weakest areas (lowest scores under WEAK_AREA_SCORE) become
        proposed improvement actions."""
        weak = self.area_ids.filtered(
            lambda a: a.participant_count and a.score < WEAK_AREA_SCORE
        ).sorted(lambda a: (a.score, a.sequence))[:WEAK_AREA_COUNT]
        self.env["idic.improvement.action"].sudo().create(
            [
                {
                    "name": self.env._("Improve %(area)s", area=area.name),
                    "assessment_id": self.id,
                    "area_id": area.id,
                    "company_id": self.company_id.id,
                    "state": "proposed",
                }
                for area in weak
            ]
        )


class IdicAssessmentArea(models.Model):
    """The stored score of one area of a closed assessment."""

    _name = "idic.assessment.area"
    _description = "Assessment Area Score"
    _order = "assessment_id, sequence, id"

    assessment_id = fields.Many2one(
        "idic.assessment", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="assessment_id.company_id", store=True)
    framework = fields.Selection(related="assessment_id.framework", store=True)
    date = fields.Date(related="assessment_id.date", store=True)
    sequence = fields.Integer()
    page_id = fields.Many2one("survey.question", string="Section", ondelete="set null")
    name = fields.Char(string="Area", required=True, translate=True)
    statement_count = fields.Integer(string="Statements")
    score = fields.Float(string="Score (%)", digits=(16, 1), aggregator="avg")
    spread = fields.Float(
        digits=(16, 1),
        aggregator="avg",
        help="Highest minus lowest score of the participants in this area (points).",
    )
    participant_count = fields.Integer(string="Participants")
    health_area = fields.Selection(HEALTH_AREAS, string="Measured Principle")
    previous_score = fields.Float(
        string="Previous (%)", compute="_compute_previous_score", digits=(16, 1)
    )
    change = fields.Float(compute="_compute_previous_score", digits=(16, 1))
    measured_value = fields.Float(string="Measured", compute="_compute_measured")
    measured_label = fields.Char(string="Measured Figure", compute="_compute_measured")

    @api.depends("assessment_id.previous_id")
    def _compute_previous_score(self):
        for area in self:
            previous = area.assessment_id.previous_id.area_ids.filtered(
                lambda a, rec=area: (
                    (a.page_id and a.page_id == rec.page_id)
                    or a.sequence == rec.sequence
                )
            )[:1]
            area.previous_score = previous.score
            area.change = area.score - previous.score if previous else 0.0

    @api.depends("health_area", "assessment_id.date", "company_id")
    def _compute_measured(self):
        Snapshot = self.env["idic.health.snapshot"]
        for area in self:
            snapshot = Snapshot._headline(area.company_id, area.health_area, area.date)
            area.measured_value = snapshot.value
            area.measured_label = snapshot.display_name if snapshot else False
