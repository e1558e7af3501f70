# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Complaints, feedback and ideas (issue #30): owner, stage, resolution,
deadlines on the company's working calendar across a weekend and a public
holiday, the overdue activity raised once, and the health figures of a month
against a hand computation."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import IdicCase, new_user

FRIDAY = datetime(2026, 3, 6, 10, 0)


@tagged("post_install", "-at_install")
class TestFeedback(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_f = cls.env["res.company"].create({"name": "IDIC Feedback Co"})
        cls.calendar = cls.company_f.resource_calendar_id
        cls.calendar.tz = "UTC"
        for user in cls.idic_user | cls.idic_manager:
            user.company_ids = [Command.link(cls.company_f.id)]
        cls.owner = new_user(
            cls.env,
            login="idic_feedback_owner",
            groups="partner_idic.group_idic_user",
            name="Feedback Owner",
            company_id=cls.company_f.id,
            company_ids=[cls.company_f.id],
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Feedback Customer", "is_company": True, "user_id": cls.owner.id}
        )

    def log(self, kind, when, user=None, **vals):
        Interaction = self.env["idic.interaction"].with_user(user or self.idic_user)
        return Interaction.with_company(self.company_f).create(
            {
                "partner_id": self.customer.id,
                "subject": f"{kind} of {when}",
                "kind": kind,
                "direction": "inbound",
                "date": when,
                "company_id": self.company_f.id,
                **vals,
            }
        )

    def test_deadlines_on_the_working_calendar(self):
        """2 working days for a complaint: from Friday (or Saturday) to
        Tuesday, to Wednesday when Monday is a public holiday; 5 for
        feedback, 20 for ideas; Monday to Friday without a calendar."""
        self.assertEqual(
            self.log("complaint", FRIDAY).feedback_deadline, date(2026, 3, 10)
        )
        saturday = FRIDAY + timedelta(days=1)
        self.assertEqual(
            self.log("complaint", saturday).feedback_deadline, date(2026, 3, 10)
        )
        monday = date(2026, 3, 9)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "company_id": self.company_f.id,
                "date_from": datetime.combine(monday, datetime.min.time()),
                "date_to": datetime.combine(monday, datetime.max.time()).replace(
                    microsecond=0
                ),
            }
        )
        self.assertEqual(
            self.log("complaint", FRIDAY).feedback_deadline, date(2026, 3, 11)
        )
        self.assertEqual(
            self.log("feedback", FRIDAY).feedback_deadline, date(2026, 3, 16)
        )
        # 20 working days, one a holiday: 4 weeks and a day.
        self.assertEqual(self.log("idea", FRIDAY).feedback_deadline, date(2026, 4, 6))
        self.assertFalse(self.log("conversation", FRIDAY).feedback_deadline)
        self.company_f.resource_calendar_id = False
        self.assertEqual(
            self.log("complaint", FRIDAY).feedback_deadline, date(2026, 3, 10)
        )
        self.company_f.idic_complaint_deadline_days = 0
        self.assertFalse(self.log("complaint", FRIDAY).feedback_deadline)

    def test_workflow(self):
        complaint = self.log("complaint", FRIDAY)
        self.assertEqual(complaint.owner_id, self.owner)  # the salesperson
        self.assertEqual(
            (complaint.feedback_stage, complaint.knowledge_status), ("new", "submitted")
        )
        mine = complaint.with_user(self.owner)
        mine.action_feedback_start()
        self.assertEqual(
            (complaint.feedback_stage, complaint.knowledge_status),
            ("in_progress", "accepted"),
        )
        with self.assertRaises(ValidationError):
            mine.action_feedback_resolve()  # how, first
        mine.resolution = "<p>Replaced the part</p>"
        with freeze_time(FRIDAY + timedelta(days=1, hours=2)):
            mine.action_feedback_resolve()
        self.assertEqual(complaint.feedback_stage, "resolved")
        self.assertEqual(complaint.resolved_date, FRIDAY + timedelta(days=1, hours=2))
        self.assertAlmostEqual(complaint.resolution_days, 26 / 24, delta=0.05)
        with self.assertRaises(ValidationError):
            mine.feedback_stage = "implemented"  # a complaint is resolved
        mine.action_feedback_reopen()
        self.assertEqual(complaint.feedback_stage, "in_progress")
        self.assertFalse(complaint.resolved_date)
        # An idea is implemented; the knowledge value reads "implemented".
        idea = self.log("idea", FRIDAY, resolution="<p>Shipped in 2.1</p>")
        idea.with_user(self.owner).action_feedback_implement()
        self.assertEqual(
            (idea.feedback_stage, idea.knowledge_status), ("implemented", "implemented")
        )
        # As the web client sends it: every field, an empty stage among them.
        sent = self.log(
            "complaint", FRIDAY, feedback_stage=False, knowledge_status="submitted"
        )
        self.assertEqual(sent.feedback_stage, "new")
        # The status written the old way moves the stage.
        feedback = self.log("feedback", FRIDAY, knowledge_status="accepted")
        self.assertEqual(feedback.feedback_stage, "in_progress")
        feedback.knowledge_status = "implemented"
        self.assertEqual(feedback.feedback_stage, "implemented")
        # Another kind has no stage; becoming a complaint gives it one.
        talk = self.log("conversation", FRIDAY)
        self.assertFalse(talk.feedback_stage)
        talk.kind = "complaint"
        self.assertEqual(talk.feedback_stage, "new")
        self.assertEqual(talk.feedback_deadline, date(2026, 3, 10))
        talk.kind = "conversation"
        self.assertFalse(talk.feedback_stage)
        # The workflow's dates are not typed in; managers move deadlines.
        with self.assertRaises(AccessError):
            mine.write({"resolved_date": "2026-03-06 11:00:00"})
        with self.assertRaises(AccessError):
            mine.write({"feedback_deadline": "2026-04-30"})
        complaint.with_user(self.idic_manager).feedback_deadline = "2026-04-30"
        self.assertEqual(complaint.feedback_deadline, date(2026, 4, 30))
        # The company's default owner for customers without a salesperson.
        self.company_f.idic_feedback_owner_id = self.idic_manager
        self.customer.user_id = False
        self.assertEqual(self.log("complaint", FRIDAY).owner_id, self.idic_manager)

    def test_overdue_raises_one_activity(self):
        complaint = self.log("complaint", FRIDAY)  # due Tuesday 10 March
        Interaction = self.env["idic.interaction"]
        tuesday, wednesday = date(2026, 3, 10), date(2026, 3, 11)
        with freeze_time(tuesday):
            self.assertFalse(complaint.is_overdue)
            self.assertEqual(
                Interaction._idic_raise_overdue_activities(self.company_f, tuesday), 0
            )
        with freeze_time(wednesday):
            complaint.invalidate_recordset(["is_overdue"])
            self.assertTrue(complaint.is_overdue)
            self.assertIn(complaint, Interaction.search([("is_overdue", "=", True)]))
            self.assertEqual(
                Interaction._idic_raise_overdue_activities(self.company_f, wednesday), 1
            )
            activity = complaint.followup_activity_id
            self.assertEqual(activity.user_id, self.owner)
            self.assertEqual(activity.res_id, self.customer.id)
            self.assertIn("Overdue complaint", activity.summary)
            self.assertEqual(
                Interaction._idic_raise_overdue_activities(self.company_f, wednesday), 0
            )
            section = (
                self.env["idic.overview"]
                .with_user(self.idic_user)
                .with_company(self.company_f)
                ._section_voice(wednesday)
            )
            tiles = {tile["key"]: tile["value"] for tile in section["tiles"]}
            self.assertEqual(tiles["voice_overdue"], 1)
            self.assertEqual(tiles["voice_open_complaints"], 1)
            complaint.with_user(self.owner).write(
                {"resolution": "<p>Refunded</p>", "feedback_stage": "resolved"}
            )
        self.assertFalse(activity.exists())
        complaint.invalidate_recordset(["is_overdue"])
        self.assertFalse(complaint.is_overdue)

    def test_health_figures_by_hand(self):
        """February, measured on 10 March: complaints due in February (c1 on
        time, c2 late, c3 still open), resolution times of February (1 and 7
        days: median 4), ideas of the last 12 months implemented by the end
        of February (i1 of i1, i2, i3)."""

        def at(when, record, method, **vals):
            with freeze_time(when):
                if vals:
                    record.write(vals)
                getattr(record.with_user(self.owner), method)()

        done = {"resolution": "<p>Done</p>"}
        c1 = self.log("complaint", datetime(2026, 2, 2, 9, 0))  # due 4 Feb
        at(datetime(2026, 2, 3, 9, 0), c1, "action_feedback_resolve", **done)
        c2 = self.log("complaint", datetime(2026, 2, 5, 9, 0))  # due 9 Feb
        at(datetime(2026, 2, 12, 9, 0), c2, "action_feedback_resolve", **done)
        c3 = self.log("complaint", datetime(2026, 2, 20, 9, 0))  # due 24 Feb
        self.log("complaint", datetime(2026, 2, 26, 9, 0))  # due 2 March
        self.assertEqual(
            [c1.feedback_deadline, c2.feedback_deadline, c3.feedback_deadline],
            [date(2026, 2, 4), date(2026, 2, 9), date(2026, 2, 24)],
        )
        i1 = self.log("idea", datetime(2026, 1, 15, 9, 0))
        at(datetime(2026, 2, 10, 9, 0), i1, "action_feedback_implement", **done)
        self.log("idea", datetime(2026, 2, 11, 9, 0))
        i3 = self.log("idea", datetime(2026, 2, 12, 9, 0))
        at(datetime(2026, 3, 5, 9, 0), i3, "action_feedback_implement", **done)
        Snapshot = self.env["idic.health.snapshot"]
        with freeze_time(datetime(2026, 3, 10, 10, 0)):
            Snapshot._measure_month(self.company_f, date(2026, 2, 1))
        rows = {
            row.figure: row
            for row in Snapshot.search(
                [("company_id", "=", self.company_f.id), ("month", "=", "2026-02-01")]
            )
        }
        on_time = rows["feedback_complaints_on_time"]
        self.assertAlmostEqual(on_time.value, 100 / 3, places=6)
        self.assertEqual(on_time.sample, 3)
        median = rows["feedback_resolution_median"]
        self.assertAlmostEqual(median.value, 4.0, places=6)
        self.assertEqual((median.sample, median.status), (2, "off"))  # target 2 d
        ideas = rows["feedback_ideas_implemented"]
        self.assertAlmostEqual(ideas.value, 100 / 3, places=6)
        self.assertEqual(ideas.sample, 3)
        # A target is a number in its unit.
        target = self.env["idic.health.target"]._for_company(self.company_f)
        with self.assertRaises(ValidationError):
            target["feedback_resolution_median"].target = -1
        with self.assertRaises(ValidationError):
            target["voice_nps"].target = 150
