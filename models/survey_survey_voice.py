# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customers' surveys on the host's Survey app (issue #30): the
recommendation survey (Net Promoter Score, 0-10) and the satisfaction survey
(CSAT, 1-5), each with a comment. A completed answer of a customer becomes an
inbound interaction (channel survey) with its score; a detractor's gives the
customer's salesperson a call to make within the complaint deadline."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

VOICE_KINDS = [("nps", "Recommendation (NPS)"), ("csat", "Satisfaction (CSAT)")]
# The scale of the score question of each kind.
VOICE_SCALES = {"nps": (0, 10), "csat": (1, 5)}
NPS_CATEGORIES = [
    ("promoter", "Promoter"),
    ("passive", "Passive"),
    ("detractor", "Detractor"),
]


def nps_category(score):
    """Promoter 9-10, passive 7-8, detractor 0-6 (Reichheld)."""
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    idic_voice = fields.Selection(
        VOICE_KINDS,
        string="Customer Voice Survey",
        copy=False,
        help="A survey the company sends to its customers: its first scale "
        "question is the score (0-10 for a recommendation survey, 1-5 for a "
        "satisfaction survey), its text questions the comment. Each completed "
        "answer becomes an interaction of the customer.",
    )

    def _idic_score_question(self):
        """The question whose answer is the score: the first scale one."""
        self.ensure_one()
        return self.question_ids.filtered(lambda q: q.question_type == "scale")[:1]


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    @api.constrains("scale_min", "scale_max", "question_type", "survey_id")
    def _check_idic_voice_scale(self):
        for question in self.filtered(
            lambda q: q.question_type == "scale" and q.survey_id.idic_voice
        ):
            survey = question.survey_id
            if question != survey._idic_score_question():
                continue
            low, high = VOICE_SCALES[survey.idic_voice]
            if (question.scale_min, question.scale_max) != (low, high):
                raise ValidationError(
                    self.env._(
                        "The score of %(survey)s is asked from %(low)s to %(high)s.",
                        survey=survey.display_name,
                        low=low,
                        high=high,
                    )
                )


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    idic_voice_rule_id = fields.Many2one(
        "idic.voice.rule",
        string="Sending Rule",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    idic_customer_id = fields.Many2one(
        "res.partner",
        string="Surveyed Customer",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The customer (commercial partner) a customer survey was sent to: "
        "no other survey goes to it during the company's waiting period.",
    )
    idic_company_id = fields.Many2one(
        "res.company", string="Surveying Company", readonly=True, copy=False
    )
    idic_voice_origin = fields.Char(
        string="Surveyed Event",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The paid invoice or closed interaction the survey asks about, so "
        "that an event is surveyed once.",
    )
    idic_interaction_id = fields.Many2one(
        "idic.interaction",
        string="Interaction",
        readonly=True,
        copy=False,
        ondelete="set null",
    )

    _idic_throttle_idx = models.Index(
        "(idic_customer_id, idic_company_id, create_date) "
        "WHERE idic_customer_id IS NOT NULL"
    )

    @api.model_create_multi
    def create(self, vals_list):
        """An answer of a customer survey belongs to the customer (the
        commercial partner) and to a company (the sender's), however it was
        invited: by a sending rule or by hand through the survey's own
        invitation."""
        surveys = self.env["survey.survey"].sudo()
        partners = self.env["res.partner"].sudo()
        for vals in vals_list:
            survey = surveys.browse(vals.get("survey_id"))
            if not (survey.idic_voice and vals.get("partner_id")):
                continue
            vals.setdefault(
                "idic_customer_id",
                partners.browse(vals["partner_id"]).commercial_partner_id.id,
            )
            vals.setdefault("idic_company_id", self.env.company.id)
        return super().create(vals_list)

    def _mark_done(self):
        result = super()._mark_done()
        self.filtered(
            lambda a: a.survey_id.idic_voice and a.partner_id and not a.test_entry
        )._idic_log_voice_answers()
        return result

    def _idic_voice_values(self):
        """(score, comment) of this answer: the first scale question's value
        and the text answers."""
        self.ensure_one()
        question = self.survey_id._idic_score_question()
        score = None
        comments = []
        for line in self.user_input_line_ids:
            if line.skipped:
                continue
            if line.question_id == question and line.answer_type == "scale":
                score = line.value_scale
            elif line.answer_type in ("text_box", "char_box"):
                text = (line.value_text_box or line.value_char_box or "").strip()
                if text:
                    comments.append(text)
        return score, "\n".join(comments)

    def _idic_log_voice_answers(self):
        """Each completed customer answer becomes an inbound interaction of
        the customer (once), its customer's figures are written again, and a
        detractor's customer gets a call back."""
        Interaction = self.env["idic.interaction"].sudo()
        created = Interaction.browse()
        for answer in self.sudo():
            score, comment = answer._idic_voice_values()
            if score is None:
                continue
            company = (
                answer.idic_company_id
                or answer.partner_id.company_id
                or self.env.company
            )
            vals = answer._idic_interaction_vals(score, comment, company)
            interaction = Interaction._idic_log_events([vals])
            if interaction:
                answer.idic_interaction_id = interaction
                created |= interaction
        if created:
            created._idic_after_voice_answers()
        return created

    def _idic_interaction_vals(self, score, comment, company):
        self.ensure_one()
        kind = self.survey_id.idic_voice
        low, high = VOICE_SCALES[kind]
        score = min(max(score, low), high)
        customer = self.partner_id.commercial_partner_id
        vals = {
            "partner_id": self.partner_id.id,
            "date": self.end_datetime or fields.Datetime.now(),
            "channel": "survey",
            "direction": "inbound",
            "kind": "survey",
            "summary": comment or False,
            "user_id": customer.user_id.id,
            "res_model": self._name,
            "res_id": self.id,
            "company_id": company.id,
            "origin_key": f"survey.user_input,{self.id}",
        }
        if kind == "nps":
            vals.update(
                subject=self.env._("Recommendation score: %(score)s / 10", score=score),
                nps_score=score,
                nps_category=nps_category(score),
            )
        else:
            vals.update(
                subject=self.env._("Satisfaction: %(score)s / 5", score=score),
                satisfaction=str(score),
            )
        return vals
