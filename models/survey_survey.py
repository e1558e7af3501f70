# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The assessment surveys are the host's own surveys, marked with the
framework they assess; their sections (pages) are the framework's areas,
those of the IDIC and six-principles surveys tied to the relationship-health
principle measured from the data."""

from odoo import fields, models

FRAMEWORKS = [
    ("idic", "IDIC"),
    ("six_principles", "Six principles of CRM"),
    ("qci", "QCi customer management"),
    ("payne_frow", "Payne & Frow five processes"),
    ("gartner", "Gartner's eight building blocks"),
    ("buttle", "Buttle's CRM value chain"),
]

HEALTH_AREAS = [
    ("centricity", "Customer centricity"),
    ("understanding", "Customer understanding"),
    ("communication", "Active communication"),
    ("response", "Quick response"),
    ("improvement", "Continuous improvement"),
    ("alignment", "Internal alignment"),
]


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    idic_framework = fields.Selection(
        FRAMEWORKS,
        string="Relationship Framework",
        copy=False,
        help="The customer management model this survey assesses; its sections "
        "are the model's areas.",
    )


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    idic_health_area = fields.Selection(
        HEALTH_AREAS,
        string="Measured Principle",
        copy=False,
        help="For a section of an assessment survey: the relationship-health "
        "principle whose measured figure is shown next to the area's score.",
    )
