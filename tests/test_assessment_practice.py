# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The practice surveys as the articles write the models (issue #30):
Payne & Frow's five processes and four supporting elements, QCi's quality
components, Buttle's primary stages weighed 2/3 against the supporting
conditions, a CRM type for every area; group and type scores against a hand
computation; an upgrade keeps the closed assessments as they were scored."""

import importlib.util
import os

from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import IdicCase

FRAMEWORKS = ("idic", "six_principles", "qci", "payne_frow", "gartner", "buttle")


def load_migration(name):
    path = os.path.join(
        get_module_path("partner_idic"), "migrations", "19.0.1.1.0", name
    )
    spec = importlib.util.spec_from_file_location(
        f"partner_idic_test_{name[:-3]}", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestAssessmentPractice(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in cls.idic_user | cls.idic_manager:
            user.email = f"{user.login}@example.com"

    def survey(self, framework):
        return self.env.ref(f"partner_idic.idic_assessment_survey_{framework}")

    def assess(self, framework, levels_by_user, name="Practice"):
        """An assessment of ``framework`` answered by each user of
        ``levels_by_user`` ({user: one maturity level (0-4, None: skipped)
        per section, given to each of its statements}), closed."""
        assessment = (
            self.env["idic.assessment"]
            .with_user(self.idic_manager)
            .create(
                {
                    "name": name,
                    "framework": framework,
                    "participant_ids": [(6, 0, [u.id for u in levels_by_user])],
                }
            )
        )
        assessment.action_invite()
        pages = assessment.survey_id.page_ids
        for user, levels in levels_by_user.items():
            answer = self.env["survey.user_input"].search(
                [
                    ("idic_assessment_id", "=", assessment.id),
                    ("partner_id", "=", user.partner_id.id),
                ]
            )
            for page, level in zip(pages, levels, strict=True):
                for question in page.question_ids:
                    if level is None:
                        answer._save_lines(question, "")
                        continue
                    choice = question.suggested_answer_ids.filtered(
                        lambda a, lv=level: a.answer_score == lv
                    )
                    answer._save_lines(question, choice.id)
            answer._mark_done()
        assessment.action_close()
        return assessment

    def test_surveys_as_written(self):
        payne_frow = self.survey("payne_frow").page_ids
        self.assertEqual(
            payne_frow.mapped("title")[5:],
            [
                "CRM readiness assessment",
                "CRM change management",
                "CRM project management",
                "Employee engagement",
            ],
        )
        self.assertEqual(
            payne_frow.mapped("idic_area_group"), ["primary"] * 5 + ["supporting"] * 4
        )
        # The article: the first two processes are strategic CRM, the third
        # operational, information management analytical.
        self.assertEqual(
            payne_frow[:4].mapped("idic_crm_type"),
            ["strategic", "strategic", "operational", "analytical"],
        )
        qci = self.survey("qci").page_ids
        self.assertEqual(
            qci.mapped("title")[8:],
            [
                "Product quality",
                "Service quality",
                "Process quality",
                "Organisational quality",
            ],
        )
        self.assertEqual(
            qci.mapped("idic_area_group"), ["primary"] * 8 + ["supporting"] * 4
        )
        buttle = self.survey("buttle")
        self.assertAlmostEqual(buttle.idic_primary_weight, 200 / 3, places=9)
        self.assertEqual(
            buttle.page_ids.mapped("idic_area_group"),
            ["primary"] * 5 + ["supporting"] * 4,
        )
        for framework in FRAMEWORKS:
            for page in self.survey(framework).page_ids:
                self.assertTrue(page.idic_crm_type, f"{framework}: {page.title}")
        self.assertEqual(self.survey("idic").page_ids[3].idic_health_area, "customize")

    def test_buttle_weighs_its_groups(self):
        """User: primary stages at level 4, supporting conditions at 2;
        manager: 4 and 0. Areas: primary 100, supporting (50 + 0) / 2 = 25.
        Overall 2/3 x 100 + 1/3 x 25 = 75 (the plain mean would be 66.7);
        participants 2/3 x 100 + 1/3 x 50 = 83.3 and 66.7: spread 16.7."""
        assessment = self.assess(
            "buttle",
            {
                self.idic_user: [4] * 5 + [2] * 4,
                self.idic_manager: [4] * 5 + [0] * 4,
            },
        )
        self.assertEqual(assessment.area_ids.mapped("score"), [100.0] * 5 + [25.0] * 4)
        self.assertAlmostEqual(assessment.overall_score, 75.0, delta=0.05)
        self.assertAlmostEqual(assessment.overall_spread, 50 / 3, delta=0.05)
        self.assertAlmostEqual(assessment.primary_weight, 200 / 3, places=9)
        self.assertTrue(assessment.has_area_groups)
        self.assertEqual(assessment.primary_label, "Primary stages")
        self.assertEqual(
            (assessment.primary_score, assessment.supporting_score), (100.0, 25.0)
        )
        self.assertEqual(
            assessment.area_ids.mapped("area_group"),
            ["primary"] * 5 + ["supporting"] * 4,
        )

    def test_payne_frow_groups_and_crm_types(self):
        """One participant: processes 100, 75, 50, 25, 0; elements 100, 100,
        50, 50. Overall: the mean of the nine areas (not weighted), 550 / 9;
        processes 50, elements 75. Strategic: strategy 100, value 75,
        performance 0, readiness 100, change 100, engagement 50: 70.8;
        operational: channels 50, projects 50; analytical: information 25,
        the weakest."""
        assessment = self.assess(
            "payne_frow", {self.idic_user: [4, 3, 2, 1, 0, 4, 4, 2, 2]}
        )
        self.assertAlmostEqual(assessment.overall_score, 550 / 9, delta=0.05)
        self.assertFalse(assessment.primary_weight)
        self.assertEqual(
            (assessment.primary_score, assessment.supporting_score), (50.0, 75.0)
        )
        self.assertEqual(assessment.supporting_label, "The four supporting elements")
        self.assertAlmostEqual(assessment.strategic_score, 425 / 6, delta=0.05)
        self.assertEqual(assessment.operational_score, 50.0)
        self.assertEqual(assessment.analytical_score, 25.0)
        self.assertEqual(assessment.collaborative_score, 0.0)
        self.assertEqual(assessment.weakest_crm_type, "analytical")
        # The trend grouped by type: the same means, for relationship users.
        groups = dict(
            self.env["idic.assessment.area"]
            .with_user(self.idic_user)
            ._read_group(
                [("assessment_id", "=", assessment.id)], ["crm_type"], ["score:avg"]
            )
        )
        self.assertAlmostEqual(groups["strategic"], 425 / 6, places=6)
        self.assertEqual(groups["analytical"], 25.0)
        # IDIC has no groups of areas.
        idic = self.assess("idic", {self.idic_user: [2, 2, 2, 2]})
        self.assertFalse(idic.has_area_groups)
        self.assertEqual(idic.overall_score, 50.0)

    def test_upgrade_keeps_closed_assessments(self):
        """The 19.0.1.0.0 version of a survey (kept by the migration under
        XML ids with a version suffix): a closed assessment keeps its scores
        and learns its areas' CRM types; an open one is answered on the old
        questions; new assessments take the new version; closing the last
        open one archives the old version."""
        post = load_migration("post-voice.py")
        suffix = post.VERSION_SUFFIX
        current = self.survey("payne_frow")
        old = current.copy({"title": "Payne & Frow Five Processes"})
        old.question_ids.filtered(lambda q: q.page_id not in old.page_ids[:5]).unlink()
        old.page_ids[5:].unlink()
        old.write({"idic_framework": "payne_frow"})
        self.assertFalse(any(old.page_ids.mapped("idic_crm_type")))
        Data = self.env["ir.model.data"]
        # A database upgraded from 19.0.1.0.0 holds the real old version: its
        # XML ids are this test's old version's now.
        Data.search(
            [
                ("module", "=", "partner_idic"),
                ("name", "=like", "idic_assessment_survey_payne_frow%"),
                ("name", "=like", f"%{suffix}"),
            ]
        ).unlink()
        Data.create(
            {
                "module": "partner_idic",
                "model": "survey.survey",
                "res_id": old.id,
                "name": f"idic_assessment_survey_payne_frow{suffix}",
                "noupdate": True,
            }
        )
        for number, page in enumerate(old.page_ids, start=1):
            Data.create(
                {
                    "module": "partner_idic",
                    "model": "survey.question",
                    "res_id": page.id,
                    "name": f"idic_assessment_survey_payne_frow_area_{number}{suffix}",
                    "noupdate": True,
                }
            )
        Assessment = self.env["idic.assessment"].with_user(self.idic_manager)
        closed, still_open = (
            Assessment.create(
                {
                    "name": name,
                    "framework": "payne_frow",
                    "survey_id": old.id,
                    "participant_ids": [(6, 0, self.idic_user.ids)],
                }
            )
            for name in ("Closed before", "Open before")
        )
        self.assertEqual(closed.survey_id, old)
        for assessment in closed | still_open:
            assessment.action_invite()
            answer = self.env["survey.user_input"].search(
                [("idic_assessment_id", "=", assessment.id)]
            )
            for question in old.page_ids.question_ids:
                answer._save_lines(question, question.suggested_answer_ids[2].id)
            answer._mark_done()
        closed.action_close()
        before = [(a.name, a.score, a.spread) for a in closed.area_ids]
        overall = closed.overall_score
        self.assertEqual(len(before), 5)
        post.supersede_old_surveys(self.env)
        self.assertTrue(old.idic_superseded)
        self.assertTrue(old.active)  # the open assessment is answered on it
        self.env.invalidate_all()
        self.assertEqual([(a.name, a.score, a.spread) for a in closed.area_ids], before)
        self.assertEqual(closed.overall_score, overall)
        self.assertEqual(
            closed.area_ids.mapped("crm_type"),
            ["strategic", "strategic", "operational", "analytical", "strategic"],
        )
        new = Assessment.create({"name": "After", "framework": "payne_frow"})
        self.assertEqual(new.survey_id, current)
        self.assertEqual(len(new.survey_id.page_ids), 9)
        self.assertEqual(still_open.survey_id, old)
        still_open.action_close()
        self.assertEqual(len(still_open.area_ids), 5)
        self.assertFalse(old.active)
