# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Assessments scored as the models are written (issue #30): the score of
each group of areas (Payne & Frow's processes and supporting elements, QCi's
components and quality components, Buttle's primary stages and supporting
conditions), the overall score weighing the groups as the survey says
(Buttle), and the score of each type of CRM. The area snapshot keeps the
area's group and CRM type as the survey had them when closing."""

from odoo import api, fields, models

from .survey_survey_practice import AREA_GROUPS, CRM_TYPES


def _mean(values):
    return sum(values) / len(values) if values else None


def weighted_overall(values, groups, weight):
    """The overall score of ``values`` ({area: score}) whose groups are
    ``groups`` ({area: 'primary' or 'supporting'}): with a ``weight`` (%) and
    both groups present, ``weight`` of the primary group's mean plus the rest
    of the supporting group's mean; otherwise the mean of every area."""
    primary = [v for area, v in values.items() if groups.get(area) != "supporting"]
    supporting = [v for area, v in values.items() if groups.get(area) == "supporting"]
    if weight and primary and supporting:
        share = weight / 100.0
        return share * _mean(primary) + (1.0 - share) * _mean(supporting)
    return _mean(list(values.values()))


class IdicAssessment(models.Model):
    _inherit = "idic.assessment"

    survey_id = fields.Many2one(
        domain="[('idic_framework', '=', framework), ('idic_superseded', '=', False)]"
    )
    overall_score = fields.Float(
        help="The mean of the areas' scores; for a survey that weighs its "
        "primary areas (Buttle's value chain), that weight of the primary "
        "group's score plus the rest of the supporting group's score."
    )
    primary_weight = fields.Float(
        string="Weight of the Primary Areas (%)",
        readonly=True,
        copy=False,
        help="The weight the survey gave the primary areas when the assessment "
        "was closed (0: every area counted alike).",
    )
    has_area_groups = fields.Boolean(
        string="Two Groups of Areas", compute="_compute_group_scores"
    )
    primary_label = fields.Char(string="Primary Group", compute="_compute_group_scores")
    supporting_label = fields.Char(
        string="Supporting Group", compute="_compute_group_scores"
    )
    primary_score = fields.Float(
        string="Primary Areas (%)", compute="_compute_group_scores", digits=(16, 1)
    )
    supporting_score = fields.Float(
        string="Supporting Areas (%)", compute="_compute_group_scores", digits=(16, 1)
    )
    strategic_score = fields.Float(
        string="Strategic CRM (%)", compute="_compute_type_scores", digits=(16, 1)
    )
    operational_score = fields.Float(
        string="Operational CRM (%)", compute="_compute_type_scores", digits=(16, 1)
    )
    analytical_score = fields.Float(
        string="Analytical CRM (%)", compute="_compute_type_scores", digits=(16, 1)
    )
    collaborative_score = fields.Float(
        string="Collaborative CRM (%)", compute="_compute_type_scores", digits=(16, 1)
    )
    weakest_crm_type = fields.Selection(
        CRM_TYPES,
        string="Weakest CRM Type",
        compute="_compute_type_scores",
        help="The type of CRM whose areas scored lowest on average.",
    )

    @api.depends("framework")
    def _compute_survey_id(self):
        """A new assessment takes the current version of the framework's
        survey, never one an upgrade superseded."""
        result = super()._compute_survey_id()
        Survey = self.env["survey.survey"].sudo()
        for assessment in self:
            survey = assessment.survey_id
            if survey.idic_superseded and survey != assessment._origin.survey_id:
                current = Survey.search(
                    [
                        ("idic_framework", "=", assessment.framework),
                        ("idic_superseded", "=", False),
                    ],
                    limit=1,
                )
                assessment.survey_id = current or survey
        return result

    def _idic_group_labels(self):
        """Framework -> (label of its primary group, of its supporting group),
        for the models made of two groups of areas (a hook)."""
        return {
            "payne_frow": (
                self.env._("The five processes"),
                self.env._("The four supporting elements"),
            ),
            "qci": (
                self.env._("Customer management components"),
                self.env._("Quality components"),
            ),
            "buttle": (
                self.env._("Primary stages"),
                self.env._("Supporting conditions"),
            ),
        }

    def _answered_areas(self):
        return self.area_ids.filtered("participant_count")

    @api.depends("area_ids.score", "area_ids.area_group", "framework")
    def _compute_group_scores(self):
        all_labels = self._idic_group_labels()
        for assessment in self:
            areas = assessment._answered_areas()
            groups = set(areas.mapped("area_group"))
            labels = all_labels.get(assessment.framework)
            assessment.has_area_groups = bool(labels and "supporting" in groups)
            primary = areas.filtered(lambda a: a.area_group != "supporting")
            supporting = areas.filtered(lambda a: a.area_group == "supporting")
            assessment.primary_score = _mean(primary.mapped("score")) or 0.0
            assessment.supporting_score = _mean(supporting.mapped("score")) or 0.0
            assessment.primary_label = labels[0] if labels else False
            assessment.supporting_label = labels[1] if labels else False

    @api.depends("area_ids.score", "area_ids.crm_type")
    def _compute_type_scores(self):
        for assessment in self:
            areas = assessment._answered_areas()
            means = {}
            for crm_type, _label in CRM_TYPES:
                scores = areas.filtered(lambda a, t=crm_type: a.crm_type == t).mapped(
                    "score"
                )
                means[crm_type] = _mean(scores)
                assessment[f"{crm_type}_score"] = means[crm_type] or 0.0
            present = {t: m for t, m in means.items() if m is not None}
            assessment.weakest_crm_type = (
                min(present, key=lambda t: (present[t], t))
                if len(present) > 1
                else False
            )

    # ------------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------------
    def _area_scores(self):
        """The overall score (and the participants' spread) weighing the
        groups of areas as the survey says."""
        scores = super()._area_scores()
        weight = self.survey_id.sudo().idic_primary_weight
        scores["primary_weight"] = 0.0
        if not weight:
            return scores
        groups = {
            area["page"].id: area["page"].idic_area_group for area in scores["areas"]
        }
        answered = {
            area["page"].id: area["score"]
            for area in scores["areas"]
            if area["participants"]
        }
        if len({groups[page] == "supporting" for page in answered}) < 2:
            return scores  # one group answered: the plain mean
        scores["overall"] = weighted_overall(answered, groups, weight)
        overall = [
            weighted_overall(values, groups, weight)
            for values in scores["by_input"].values()
        ]
        scores["spread"] = max(overall) - min(overall) if overall else 0.0
        scores["primary_weight"] = weight
        return scores

    def _store_snapshot(self, scores):
        result = super()._store_snapshot(scores)
        self.sudo().write({"primary_weight": scores.get("primary_weight", 0.0)})
        self._idic_archive_superseded_survey()
        return result

    def _idic_archive_superseded_survey(self):
        """An earlier version of a survey is archived once no open
        assessment is answered on it."""
        survey = self.survey_id.sudo()
        if survey.idic_superseded and not self.sudo().search_count(
            [("survey_id", "=", survey.id), ("state", "=", "open")], limit=1
        ):
            survey.active = False


class IdicAssessmentArea(models.Model):
    _inherit = "idic.assessment.area"

    crm_type = fields.Selection(CRM_TYPES, string="CRM Type", readonly=True)
    area_group = fields.Selection(AREA_GROUPS, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        """The area's group and CRM type as its section has them."""
        pages = self.env["survey.question"].sudo()
        for vals in vals_list:
            page = pages.browse(vals.get("page_id"))
            if page:
                vals.setdefault("crm_type", page.idic_crm_type)
                vals.setdefault("area_group", page.idic_area_group)
        return super().create(vals_list)
