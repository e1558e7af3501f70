# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo story of the engagement value (issue #14): settings, a referral
chain two levels deep, advocacy (one small customer who speaks for us a lot,
one unhappy reviewer) and feedback."""

from datetime import datetime, time, timedelta

from odoo import api, models

ENGAGEMENT_SETTINGS = {
    "idic_acquisition_cost": 500.0,
    "idic_point_value": 0.1,
    "idic_advocacy_value": 200.0,
    "idic_advocacy_reach_value": 0.05,
    "idic_ckv_submitted_value": 50.0,
    "idic_ckv_accepted_value": 200.0,
    "idic_ckv_implemented_value": 1000.0,
    "idic_ckv_survey_value": 10.0,
}
# customer index, kind, channel, subject, values
ENGAGEMENT_ACTS = [
    (
        14,
        "case_study",
        "other",
        "Case study: our flowers at the city fair",
        {"sentiment": "positive", "reach": 5000},
    ),
    (
        14,
        "testimonial",
        "web_form",
        "Testimonial on our website",
        {"sentiment": "positive", "reach": 1200},
    ),
    (
        14,
        "speaking",
        "meeting",
        "Spoke about us at the florists' guild",
        {"sentiment": "positive", "reach": 300},
    ),
    (
        13,
        "review",
        "social",
        "One-star review after a late delivery",
        {"sentiment": "negative", "reach": 800},
    ),
    (
        2,
        "idea",
        "email",
        "Idea: a monthly maintenance plan",
        {"knowledge_status": "implemented"},
    ),
    (
        12,
        "complaint",
        "phone",
        "Packaging arrives damaged",
        {"knowledge_status": "accepted"},
    ),
    (
        27,
        "feedback",
        "chat",
        "The invoice layout is hard to read",
        {"knowledge_status": "submitted"},
    ),
]


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _create_story(self):
        self.env.company.write(ENGAGEMENT_SETTINGS)
        return super()._create_story()

    @api.model
    def _story_interactions(self, customers, rng, today):
        result = super()._story_interactions(customers, rng, today)
        # A second level of referral: 5 brought 16, who brought 20; and the
        # first referral of 0 is known to have come because of it.
        if len(customers) > 20:
            customers[20][0].idic_referred_by_id = customers[16][0]
            customers[8][0].idic_referral_causal_share = 90.0
        vals_list = []
        for number, (index, kind, channel, subject, values) in enumerate(
            ENGAGEMENT_ACTS
        ):
            if index >= len(customers):
                continue
            vals_list.append(
                dict(
                    values,
                    partner_id=customers[index][0].id,
                    kind=kind,
                    channel=channel,
                    direction="inbound",
                    subject=subject,
                    date=datetime.combine(
                        today - timedelta(days=15 + 40 * number), time(11, 0)
                    ),
                )
            )
        self.env["idic.interaction"].create(vals_list)
        return result
