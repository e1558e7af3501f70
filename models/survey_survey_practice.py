# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The practice surveys as the articles write the models (issue #30): every
area (section) says which type of CRM it belongs to (strategic, operational,
analytical, collaborative), and the models made of two groups of areas say
which group each belongs to: Payne & Frow's five processes and four
supporting elements, QCi's customer management components and its four
quality components, Buttle's five primary stages and four supporting
conditions. A survey may weigh its primary group in the overall score
(Buttle: the primary stages make the value, the supporting conditions only
enable them)."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CRM_TYPES = [
    ("strategic", "Strategic"),
    ("operational", "Operational"),
    ("analytical", "Analytical"),
    ("collaborative", "Collaborative"),
]
AREA_GROUPS = [("primary", "Primary"), ("supporting", "Supporting")]


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    idic_primary_weight = fields.Float(
        string="Weight of the Primary Areas (%)",
        help="For a model of two groups of areas: the overall score of an "
        "assessment is this share of the primary areas' score plus the rest "
        "of the supporting areas' score, each group's score being the mean of "
        "its areas. Buttle's value chain: 2/3 for the five primary stages, "
        "which lead to customer profitability, 1/3 for the four supporting "
        "conditions, which only enable them. 0: every area counts alike.",
    )
    idic_superseded = fields.Boolean(
        string="Superseded",
        copy=False,
        readonly=True,
        help="An earlier version of the framework's survey, kept for the "
        "assessments run on it; new assessments use the current version.",
    )

    @api.constrains("idic_primary_weight")
    def _check_idic_primary_weight(self):
        for survey in self:
            weight = survey.idic_primary_weight
            if not math.isfinite(weight) or not 0 <= weight <= 100:
                raise ValidationError(
                    self.env._(
                        "The weight of the primary areas is a percentage between "
                        "0 and 100."
                    )
                )


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    idic_crm_type = fields.Selection(
        CRM_TYPES,
        string="CRM Type",
        copy=False,
        help="For a section of an assessment survey: the type of CRM the area "
        "belongs to, to compare the company's strategic, operational, "
        "analytical and collaborative CRM.",
    )
    idic_area_group = fields.Selection(
        AREA_GROUPS,
        string="Area Group",
        copy=False,
        help="For a section of a model of two groups of areas: the primary "
        "group (processes, stages, components) or the supporting one "
        "(elements, conditions, quality components).",
    )
