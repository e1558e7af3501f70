# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestAssessmentTour(HttpCase):
    def test_tour_assessment(self):
        """A manager starts an IDIC assessment, answers it on the survey, closes
        it and sees the area scores and the proposed actions."""
        manager = new_user(
            self.env,
            login="idic_tour_assessor",
            groups="partner_idic.group_idic_manager",
            name="Tour Assessment Manager",
            email="assessor@example.com",
        )
        self.start_tour(
            "/odoo/action-partner_idic.idic_assessment_action",
            "partner_idic_assessment",
            login=manager.login,
        )
        assessment = self.env["idic.assessment"].search(
            [("name", "=", "IDIC Tour Assessment")]
        )
        self.assertEqual(assessment.state, "closed")
        self.assertEqual(assessment.area_ids.mapped("score"), [75.0, 0.0, 50.0, 100.0])
        self.assertEqual(
            assessment.action_ids.area_id.mapped("name"), ["Differentiate", "Interact"]
        )
