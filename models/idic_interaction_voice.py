# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Answers to the customers' surveys as interactions (issue #30): channel
survey, inbound, kind "Satisfaction Survey", with the recommendation score
(NPS) or the satisfaction (CSAT) the customer gave. Closing the loop: a
detractor's answer gives the customer's salesperson a call to make within
the complaint deadline; the call (or any outbound interaction after it)
answers it, and the Overview lists the detractors not contacted yet."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .survey_survey_voice import NPS_CATEGORIES

VOICE_FIELDS = ("nps_score", "nps_category")


class IdicInteraction(models.Model):
    _inherit = "idic.interaction"

    channel = fields.Selection(
        selection_add=[("survey", "Survey")], ondelete={"survey": "set default"}
    )
    nps_score = fields.Integer(
        string="Recommendation Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="0-10: how likely the customer said it is to recommend us, in its "
        "answer to the recommendation survey.",
    )
    nps_category = fields.Selection(
        NPS_CATEGORIES,
        string="NPS Category",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Promoter 9-10, passive 7-8, detractor 0-6.",
    )

    def _idic_check_voice_vals(self, vals):
        if set(VOICE_FIELDS) & set(vals) and not self.env.su:
            raise AccessError(
                self.env._(
                    "The recommendation score comes from the customer's answer to "
                    "the survey; it cannot be typed in."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._idic_check_voice_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._idic_check_voice_vals(vals)
        return super().write(vals)

    def unlink(self):
        answers = self.filtered(lambda i: i.kind == "survey")
        touched = [(i.company_id, i.commercial_partner_id.id) for i in answers]
        result = super().unlink()
        for company in {company for company, _pid in touched}:
            self.env["res.partner"]._idic_refresh_voice_figures(
                company, [pid for c, pid in touched if c == company]
            )
        return result

    def _idic_after_voice_answers(self):
        """After answers were logged as ``self``: their customers' figures
        of each company, and a call back for each detractor."""
        for company in self.company_id:
            mine = self.filtered(lambda i, c=company: i.company_id == c)
            self.env["res.partner"]._idic_refresh_voice_figures(
                company, mine.commercial_partner_id.ids
            )
        self.filtered(lambda i: i.nps_category == "detractor")._idic_call_detractors()

    def _idic_call_detractors(self):
        """One call for each detractor answer of ``self``, for the customer's
        salesperson (else the company's default feedback owner, else the
        survey's responsible), due within the complaint deadline."""
        call = self.env.ref("mail.mail_activity_data_call")
        today = fields.Date.context_today(self)
        for interaction in self.sudo():
            company = interaction.company_id
            deadline = company._idic_add_working_days(
                interaction.date, company.idic_complaint_deadline_days
            )
            survey = (
                self.env["survey.user_input"]
                .browse(
                    interaction.res_id
                    if interaction.res_model == "survey.user_input"
                    else []
                )
                .survey_id
            )
            owner = interaction._idic_default_owner() or survey.user_id
            interaction.write(
                {"feedback_deadline": deadline or today, "owner_id": owner.id}
            )
        self.sudo()._idic_schedule_followups(
            call,
            lambda i: i.feedback_deadline,
            lambda i: self.env._(
                "Detractor (%(score)s / 10): call back", score=i.nps_score
            ),
        )
