# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-assessments on the host's Survey app: area scores from known
answers, the snapshot kept when the survey changes later, proposed
improvement actions, access."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestAssessment(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in cls.idic_user | cls.idic_manager:
            user.email = f"{user.login}@example.com"
        cls.survey = cls.env.ref("partner_idic.idic_assessment_survey_idic")
        cls.pages = cls.survey.page_ids

    def new_assessment(self, participants=None, name="IDIC 2026"):
        participants = participants or (self.idic_user | self.idic_manager)
        return (
            self.env["idic.assessment"]
            .with_user(self.idic_manager)
            .create(
                {
                    "name": name,
                    "framework": "idic",
                    "participant_ids": [(6, 0, participants.ids)],
                }
            )
        )

    def answer(self, assessment, user, levels):
        """``user`` answers the survey of ``assessment``: ``levels`` holds,
        per section, the maturity level (0-4) of each statement, None for a
        skipped one."""
        answer = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("idic_assessment_id", "=", assessment.id),
                    ("partner_id", "=", user.partner_id.id),
                ]
            )
        )
        self.assertEqual(len(answer), 1)
        for page, page_levels in zip(self.pages, levels, strict=True):
            for question, level in zip(page.question_ids, page_levels, strict=True):
                if level is None:
                    answer._save_lines(question, "")
                    continue
                choice = question.suggested_answer_ids.filtered(
                    lambda a, lv=level: a.answer_score == lv
                )
                answer._save_lines(question, choice.id)
        answer._mark_done()
        return answer

    def answered_assessment(self):
        assessment = self.new_assessment()
        assessment.action_invite()
        # Identify, Differentiate, Interact, Customize
        self.answer(
            assessment,
            self.idic_user,
            [[4, 4, 2], [0, 1, 2], [2, 2, 2], [3, None, 3]],
        )
        self.answer(
            assessment,
            self.idic_manager,
            [[2, 2, 2], [1, 1, 1], [4, 4, 3], [None, None, None]],
        )
        return assessment

    def test_surveys_shipped(self):
        """One survey per framework, one section per area, 3 to 5 statements
        per area on the five-level scale scored 0-4, no correct answer shown."""
        areas = {
            "idic": 4,
            "six_principles": 6,
            "qci": 12,
            "payne_frow": 9,
            "gartner": 8,
            "buttle": 9,
        }
        for framework, count in areas.items():
            survey = self.env["survey.survey"].search(
                [("idic_framework", "=", framework)]
            )
            self.assertEqual(len(survey), 1, framework)
            self.assertEqual(len(survey.page_ids), count, framework)
            self.assertEqual(survey.scoring_type, "scoring_without_answers")
            for page in survey.page_ids:
                self.assertTrue(3 <= len(page.question_ids) <= 5, page.title)
                for question in page.question_ids:
                    self.assertEqual(question.question_type, "simple_choice")
                    self.assertEqual(
                        question.suggested_answer_ids.mapped("answer_score"),
                        [0.0, 1.0, 2.0, 3.0, 4.0],
                    )
                    self.assertFalse(
                        any(question.suggested_answer_ids.mapped("is_correct"))
                    )
        self.assertEqual(
            self.pages.mapped("title"),
            ["Identify", "Differentiate", "Interact", "Customize"],
        )

    def test_invitation(self):
        assessment = self.new_assessment()
        assessment.action_invite()
        answers = (
            self.env["survey.user_input"]
            .sudo()
            .search([("idic_assessment_id", "=", assessment.id)])
        )
        self.assertEqual(
            answers.partner_id, (self.idic_user | self.idic_manager).partner_id
        )
        self.assertEqual(assessment.invited_count, 2)
        with self.assertRaises(UserError):
            assessment.action_invite()
        # The participant opens their own answer; others are not invited.
        url = assessment.with_user(self.idic_user).action_answer()["url"]
        mine = answers.filtered(lambda a: a.partner_id == self.idic_user.partner_id)
        self.assertIn(mine.access_token, url)
        with self.assertRaises(UserError):
            assessment.with_user(self.idic_admin).action_answer()

    def test_area_scores_from_known_answers(self):
        """Two participants, skipped statements: each area is the mean of the
        participants' points over the points obtainable on what they
        answered; the spread is the highest minus the lowest."""
        assessment = self.answered_assessment()
        self.assertEqual(assessment.answered_count, 2)
        assessment.action_close()
        self.assertEqual(assessment.state, "closed")
        areas = assessment.area_ids
        self.assertEqual(
            areas.mapped("name"), ["Identify", "Differentiate", "Interact", "Customize"]
        )
        # user: 10/12, 3/12, 6/12, 6/8; manager: 6/12, 3/12, 11/12, nothing
        expected = [
            ((100 * 10 / 12 + 50) / 2, 100 * 10 / 12 - 50, 2),
            (25.0, 0.0, 2),
            ((50 + 100 * 11 / 12) / 2, 100 * 11 / 12 - 50, 2),
            (75.0, 0.0, 1),
        ]
        for area, (score, spread, count) in zip(areas, expected, strict=True):
            # Stored to a tenth of a point.
            self.assertAlmostEqual(area.score, score, delta=0.05, msg=area.name)
            self.assertAlmostEqual(area.spread, spread, delta=0.05, msg=area.name)
            self.assertEqual(area.participant_count, count, area.name)
        overall = sum(score for score, _s, _c in expected) / 4
        self.assertAlmostEqual(assessment.overall_score, overall, delta=0.05)
        user_overall = (100 * 10 / 12 + 25 + 50 + 75) / 4
        manager_overall = (50 + 25 + 100 * 11 / 12) / 3
        self.assertAlmostEqual(
            assessment.overall_spread, user_overall - manager_overall, delta=0.05
        )
        self.assertEqual(assessment.participant_count, 2)

    def test_weakest_areas_proposed(self):
        assessment = self.answered_assessment()
        assessment.action_close()
        proposals = assessment.action_ids
        self.assertEqual(proposals.mapped("state"), ["proposed"] * 3)
        # Weakest first: Differentiate 25, Identify 66.7, Interact 70.8;
        # Customize (75) is not weak.
        self.assertEqual(
            proposals.sorted("id").area_id.mapped("name"),
            ["Differentiate", "Identify", "Interact"],
        )
        action = proposals.sorted("id")[0].with_user(self.idic_manager)
        with self.assertRaises(UserError):
            action.action_accept()
        action.write({"user_id": self.idic_user.id, "date_deadline": "2030-01-31"})
        action.action_accept()
        self.assertEqual(action.state, "open")
        self.assertEqual(action.activity_ids.user_id, self.idic_user)
        # The owner closes it; another relationship user may not.
        other = self.env["res.users"].create(
            {
                "name": "Second Relationship User",
                "login": "idic_user_2",
                "group_ids": [
                    (6, 0, [self.env.ref("partner_idic.group_idic_user").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            action.with_user(other).action_done()
        action.with_user(self.idic_user).action_done()
        self.assertEqual(action.state, "done")

    def test_snapshot_unchanged_after_survey_edit(self):
        assessment = self.answered_assessment()
        assessment.action_close()
        before = [(a.name, a.score, a.spread) for a in assessment.area_ids]
        overall = assessment.overall_score
        # The survey is edited later: a section renamed, a scale re-scored,
        # a statement removed.
        self.pages[0].title = "Know your customers"
        self.pages[1].question_ids[0].suggested_answer_ids.write({"answer_score": 4})
        self.pages[2].question_ids[0].unlink()
        self.env.invalidate_all()
        self.assertEqual(
            [(a.name, a.score, a.spread) for a in assessment.area_ids], before
        )
        self.assertEqual(assessment.overall_score, overall)
        with self.assertRaises(UserError):
            assessment.action_close()
        with self.assertRaises(UserError):
            assessment.write({"participant_ids": [(5, 0, 0)]})

    def test_previous_assessment_compared(self):
        first = self.answered_assessment()
        first.date = "2025-06-01"
        first.action_close()
        second = self.new_assessment(participants=self.idic_user, name="IDIC 2026 bis")
        second.action_invite()
        self.answer(
            second, self.idic_user, [[4, 4, 4], [2, 2, 2], [2, 2, 2], [3, 3, 3]]
        )
        second.action_close()
        self.assertEqual(second.previous_id, first)
        self.assertAlmostEqual(
            second.overall_change, second.overall_score - first.overall_score, places=6
        )
        identify = second.area_ids[0]
        self.assertAlmostEqual(
            identify.previous_score, first.area_ids[0].score, places=6
        )
        self.assertAlmostEqual(identify.change, 100 - first.area_ids[0].score, places=6)
        self.assertAlmostEqual(first.area_ids[0].score, 66.7, places=6)
        self.assertEqual(second.area_ids.mapped("score"), [100.0, 50.0, 50.0, 75.0])
        self.assertEqual(
            second.area_ids.mapped("previous_score"), first.area_ids.mapped("score")
        )

    def test_bad_input(self):
        with self.assertRaises(UserError):
            self.new_assessment().action_close()
        assessment = self.new_assessment()
        with self.assertRaises(ValidationError):
            assessment.survey_id = self.env.ref(
                "partner_idic.idic_assessment_survey_qci"
            )
        portal = self.env["res.users"].create(
            {
                "name": "Portal Person",
                "login": "idic_portal_person",
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(ValidationError):
            assessment.participant_ids = [(4, portal.id)]

    def test_access(self):
        assessment = self.answered_assessment()
        with self.assertRaises(AccessError):
            self.env["idic.assessment"].with_user(self.idic_user).create(
                {"name": "Mine", "framework": "idic"}
            )
        with self.assertRaises(AccessError):
            assessment.with_user(self.idic_user).action_close()
        assessment.action_close()
        # Relationship users see the results; other companies' users do not.
        self.assertEqual(
            assessment.with_user(self.idic_user).area_ids.mapped("score"),
            assessment.area_ids.mapped("score"),
        )
        self.assertFalse(
            self.env["idic.assessment"].with_user(self.other_user).search([])
        )
        with self.assertRaises(AccessError):
            self.env["idic.assessment"].with_user(self.plain_user).search([])

    def test_persian_labels(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        survey = self.survey.with_context(lang="fa_IR")
        self.assertEqual(survey.title, "خودارزیابی مدل IDIC")
        self.assertEqual(survey.page_ids[0].title, "شناسایی")
        self.assertEqual(
            survey.page_ids[0].question_ids[0].suggested_answer_ids[0].value, "موردی"
        )
        # The snapshot keeps the area names in every language.
        assessment = self.answered_assessment()
        assessment.action_close()
        self.pages[0].with_context(lang="fa_IR").title = "شناخت مشتری"
        self.assertEqual(
            assessment.area_ids[0].with_context(lang="fa_IR").name, "شناسایی"
        )
        self.assertEqual(
            assessment.area_ids[0].with_context(lang="en_US").name, "Identify"
        )
