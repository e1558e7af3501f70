# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_survey_throttle_days = fields.Integer(
        related="company_id.idic_survey_throttle_days", readonly=False
    )
    idic_complaint_deadline_days = fields.Integer(
        related="company_id.idic_complaint_deadline_days", readonly=False
    )
    idic_feedback_deadline_days = fields.Integer(
        related="company_id.idic_feedback_deadline_days", readonly=False
    )
    idic_idea_deadline_days = fields.Integer(
        related="company_id.idic_idea_deadline_days", readonly=False
    )
    idic_feedback_owner_id = fields.Many2one(
        related="company_id.idic_feedback_owner_id", readonly=False
    )
    idic_promoter_value = fields.Float(
        related="company_id.idic_promoter_value", readonly=False
    )
    idic_resource_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id",
        string="Working Calendar",
        readonly=False,
    )
