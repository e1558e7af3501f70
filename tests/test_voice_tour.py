# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestVoiceTours(HttpCase):
    def test_tour_customer_answers(self):
        """A customer (no user account) answers the recommendation survey
        through its link: a promoter, logged as an interaction."""
        customer = self.env["res.partner"].create(
            {"name": "Tour Promoter Co", "email": "promoter@example.com"}
        )
        survey = self.env.ref("partner_idic.idic_voice_survey_nps")
        answer = survey.sudo()._create_answer(partner=customer, check_attempts=False)
        self.start_tour(answer.get_start_url(), "partner_idic_voice_answer")
        self.assertEqual(answer.state, "done")
        interaction = answer.idic_interaction_id
        self.assertEqual(
            (interaction.nps_score, interaction.nps_category), (9, "promoter")
        )
        self.assertIn("Quick and friendly", interaction.summary)
        self.assertEqual(
            customer.with_company(answer.idic_company_id).idic_nps_score, 9
        )

    def test_tour_feedback(self):
        """A relationship user records a complaint on the kanban, takes it up
        and resolves it with how it was resolved."""
        user = new_user(
            self.env,
            login="idic_tour_feedback",
            groups="partner_idic.group_idic_user",
            name="Tour Feedback User",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Complaining Co", "is_company": True, "user_id": user.id}
        )
        self.start_tour(
            "/odoo/action-partner_idic.idic_interaction_action_feedback",
            "partner_idic_feedback",
            login=user.login,
        )
        complaint = self.env["idic.interaction"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(complaint.kind, "complaint")
        self.assertEqual(complaint.feedback_stage, "resolved")
        self.assertEqual(complaint.owner_id, user)
        self.assertTrue(complaint.feedback_deadline)
        self.assertTrue(complaint.resolved_date)
        self.assertIn("Sent a new parcel", complaint.resolution)
