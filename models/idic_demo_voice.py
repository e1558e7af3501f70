# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo story of the voice of the customer (issue #30): customers who
answered the recommendation and satisfaction surveys (one detractor to call
back), and complaints, feedback and ideas at every stage, one overdue."""

from datetime import timedelta

from odoo import api, fields, models

# name, e-mail, recommendation score, satisfaction (None: not asked), comment
VOICE_CUSTOMERS = [
    ("Nikan Trading", "nikan@example.com", 10, 5, "Always on time, friendly staff."),
    ("Baran Florists", "baran@example.com", 9, 4, ""),
    ("Tara Print House", "tara@example.com", 9, None, "Good prices."),
    ("Alborz Cafe", "alborz@example.com", 8, 4, ""),
    ("Mehr Bakery", "mehr@example.com", 7, None, "Fine, nothing special."),
    ("Sahand Tools", "sahand@example.com", 6, 2, "Delivery took two weeks."),
    ("Kavir Textiles", "kavir@example.com", 3, None, "Nobody answered my calls."),
    ("Zagros Books", "zagros@example.com", 10, 5, "We recommend you to everyone."),
]
# customer index, kind, subject, days ago, stage, resolution
VOICE_FEEDBACK = [
    (6, "complaint", "Calls not answered for a week", 10, "new", ""),
    (5, "complaint", "Late delivery of the spring order", 4, "in_progress", ""),
    (
        3,
        "complaint",
        "Wrong invoice address",
        20,
        "resolved",
        "Invoice corrected and re-sent.",
    ),
    (
        1,
        "idea",
        "Offer a weekly delivery slot",
        40,
        "implemented",
        "Tuesday slot opened.",
    ),
    (2, "feedback", "The new catalogue is hard to read", 2, "new", ""),
]


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _create_voice_story(self):
        company = self.env.company
        salesperson = self.env.ref("partner_idic.user_idic_demo", False)
        Partner = self.env["res.partner"]
        customers = Partner.create(
            [
                {
                    "name": name,
                    "email": email,
                    "is_company": True,
                    "customer_rank": 1,
                    "user_id": salesperson.id if salesperson else False,
                }
                for name, email, *_rest in VOICE_CUSTOMERS
            ]
        )
        nps = self.env.ref("partner_idic.idic_voice_survey_nps").sudo()
        csat = self.env.ref("partner_idic.idic_voice_survey_csat").sudo()
        for customer, (_n, _e, score, satisfaction, comment) in zip(
            customers, VOICE_CUSTOMERS, strict=True
        ):
            self._idic_demo_answer(nps, customer, company, score, comment)
            if satisfaction:
                self._idic_demo_answer(csat, customer, company, satisfaction, "")
        now = fields.Datetime.now()
        Interaction = self.env["idic.interaction"]
        for index, kind, subject, days, stage, resolution in VOICE_FEEDBACK:
            interaction = Interaction.create(
                {
                    "partner_id": customers[index].id,
                    "kind": kind,
                    "channel": "phone",
                    "direction": "inbound",
                    "subject": subject,
                    "date": now - timedelta(days=days),
                    "company_id": company.id,
                    "resolution": resolution or False,
                }
            )
            if stage != "new":
                interaction.feedback_stage = stage
        Interaction._idic_raise_overdue_activities(company, fields.Date.today())

    @api.model
    def _idic_demo_answer(self, survey, partner, company, score, comment):
        """``partner`` answers ``survey`` as its public page saves it."""
        answer = survey._create_answer(
            partner=partner, check_attempts=False, idic_company_id=company.id
        )
        questions = survey.question_ids.sorted("sequence")
        answer._save_lines(questions[0], score)
        if comment and len(questions) > 1:
            answer._save_lines(questions[1], comment)
        answer._mark_done()
        return answer
