# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .idic_context import internal_value


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    idic_assessment_id = fields.Many2one(
        "idic.assessment",
        string="Relationship Assessment",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
    )


class SurveyInvite(models.TransientModel):
    _inherit = "survey.invite"

    def _get_answers_values(self):
        """Invitations sent for an assessment (by its Invite button, never a
        context a client sends) belong to it."""
        values = super()._get_answers_values()
        assessment_id = internal_value(self.env, "idic_assessment_id")
        if assessment_id:
            values["idic_assessment_id"] = assessment_id
        return values
