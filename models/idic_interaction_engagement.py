# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Interactions that carry influence and knowledge value (issue #14): the
advocacy acts of a customer (reviews, testimonials, ...) and the feedback it
gives (feedback, ideas, complaints)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

ADVOCACY_KINDS = ["review", "testimonial", "case_study", "social_post", "speaking"]
KNOWLEDGE_KINDS = ["feedback", "idea", "complaint"]
INTERACTION_KINDS = [
    ("conversation", "Conversation"),
    ("review", "Review"),
    ("testimonial", "Testimonial"),
    ("case_study", "Case Study"),
    ("social_post", "Social Post"),
    ("speaking", "Speaking"),
    ("feedback", "Feedback"),
    ("idea", "Idea"),
    ("complaint", "Complaint"),
    ("survey", "Satisfaction Survey"),
]


class IdicInteraction(models.Model):
    _inherit = "idic.interaction"

    kind = fields.Selection(
        INTERACTION_KINDS,
        default="conversation",
        required=True,
        index=True,
        help="Advocacy (review, testimonial, case study, social post, speaking) "
        "counts in the customer's influence value; feedback, ideas and complaints "
        "in its knowledge value.",
    )
    is_advocacy = fields.Boolean(compute="_compute_kind_family")
    is_knowledge = fields.Boolean(compute="_compute_kind_family")
    reach = fields.Integer(
        help="How many people the advocacy act reached (readers, audience...)."
    )
    sentiment = fields.Selection(
        [
            ("positive", "Positive"),
            ("neutral", "Neutral"),
            ("negative", "Negative"),
        ],
        help="Positive advocacy adds to the influence value, negative subtracts.",
    )
    knowledge_status = fields.Selection(
        [
            ("submitted", "Submitted"),
            ("accepted", "Accepted"),
            ("implemented", "Implemented"),
        ],
        help="What became of the feedback or idea: each status has its value in "
        "Settings.",
    )

    @api.depends("kind")
    def _compute_kind_family(self):
        for interaction in self:
            interaction.is_advocacy = interaction.kind in ADVOCACY_KINDS
            interaction.is_knowledge = interaction.kind in KNOWLEDGE_KINDS

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), reach=(0, 1e9))

    @api.constrains("reach")
    def _check_reach(self):
        if any(interaction.reach < 0 for interaction in self):
            raise ValidationError(self.env._("The reach cannot be negative."))

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind in ADVOCACY_KINDS and not self.sentiment:
            self.sentiment = "positive"
        if self.kind in KNOWLEDGE_KINDS and not self.knowledge_status:
            self.knowledge_status = "submitted"
