# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Relationship health: every figure against a hand computation on a small
data set, with the clock frozen just after a month edge (1 March 2026,
10:00), the monthly job idempotent, the back-fill, targets and access."""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import IdicCase

NOW = datetime(2026, 3, 1, 10, 0)
FEB = date(2026, 2, 1)
MAR = date(2026, 3, 1)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestHealth(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_h = cls.env["res.company"].create(
            {"name": "IDIC Health Co", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_h)
        for user in cls.idic_user | cls.idic_manager:
            user.company_ids = [Command.link(cls.company_h.id)]
        Partner = cls.env["res.partner"]
        cls.a, cls.b, cls.c, cls.d, cls.e = (
            Partner.create({"name": f"Health {n}", "is_company": True}) for n in "ABCDE"
        )
        # Active (invoiced from 1 March 2025): A, C, D; prior year: A, B, D.
        cls.invoice(cls.a, "2024-06-01", 500)
        cls.invoice(cls.a, "2025-06-01", 1000)
        cls.invoice(cls.b, "2024-07-01", 300)
        cls.invoice(cls.c, "2026-02-28", 2000)
        cls.invoice(cls.c, "2026-02-28", 500, move_type="out_refund")
        cls.invoice(cls.d, "2025-03-01", 400)
        cls.invoice(cls.d, "2024-03-01", 200)
        cls.invoice(cls.e, "2026-03-01", 700)
        cls.invoice(cls.e, "2026-02-27", 900, post=False)  # a draft never counts
        # A has a tier and a preferred channel; C a tier only.
        tier = cls.env["idic.value.tier"].create(
            {"name": "Health Gold", "company_id": cls.company_h.id, "min_threshold": 1}
        )
        cls.a.idic_preferred_channel = "email"
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET idic_value_tier_id = jsonb_build_object(%s, %s) "
            "WHERE id IN %s",
            (str(cls.company_h.id), tier.id, (cls.a.id, cls.c.id)),
        )
        cls.env.invalidate_all()
        # Interactions: the two users, an inbound request on each side of
        # the month edge.
        u1, u2 = cls.idic_user, cls.idic_manager
        cls.talk(cls.a, "2026-02-10 09:00", "inbound", u1)
        cls.talk(cls.a, "2026-02-10 13:00", "outbound", u1, "positive")  # 4 h
        cls.talk(cls.c, "2026-02-20 08:00", "inbound", u2)
        cls.talk(cls.c, "2026-02-22 08:00", "outbound", u2, "neutral")  # 48 h
        cls.talk(cls.a, "2026-02-25 10:00", "inbound", u2)  # never answered
        cls.talk(cls.d, "2026-02-28 22:00", "inbound", u1, "follow_up")
        cls.talk(cls.d, "2026-03-01 02:00", "outbound", u1)  # 4 h, in March
        cls.talk(cls.e, "2026-03-01 05:00", "inbound", u1)
        # Tier moves: two up and one down in February, one up in March.
        for when, direction in [
            ("2026-02-10 10:00", "up"),
            ("2026-02-15 10:00", "down"),
            ("2026-02-28 23:30", "up"),
            ("2026-03-01 00:30", "up"),
        ]:
            cls.env["idic.tier.history"].create(
                {
                    "partner_id": cls.a.id,
                    "company_id": cls.company_h.id,
                    "date": when,
                    "direction": direction,
                    "cause": "manual",
                }
            )
        # Two closed IDIC assessments: 40 then 55 (February).
        Assessment = cls.env["idic.assessment"].with_company(cls.company_h)
        for day, score in [("2025-06-01", 40.0), ("2026-02-15", 55.0)]:
            Assessment.create(
                {
                    "name": day,
                    "framework": "idic",
                    "date": day,
                    "company_id": cls.company_h.id,
                }
            ).write({"state": "closed", "overall_score": score})

    @classmethod
    def invoice(cls, partner, day, amount, move_type="out_invoice", post=True):
        return cls.make_invoice(
            partner,
            day,
            [("Service", amount)],
            cls.company_h,
            move_type=move_type,
            state="posted" if post else "draft",
        )

    @classmethod
    def talk(cls, partner, when, direction, user, outcome=False):
        return cls.env["idic.interaction"].create(
            {
                "partner_id": partner.id,
                "date": when,
                "direction": direction,
                "user_id": user.id,
                "subject": f"{direction} {when}",
                "outcome": outcome,
                "company_id": cls.company_h.id,
            }
        )

    def figures(self, month):
        rows = self.env["idic.health.snapshot"].search(
            [("company_id", "=", self.company_h.id), ("month", "=", month)]
        )
        return {row.figure: row for row in rows}

    def test_february_by_hand(self):
        """February measured on 1 March at 10:00: its end is the month edge."""
        self.env["idic.health.snapshot"]._measure_month(self.company_h, FEB)
        feb = self.figures(FEB)
        completeness = (self.a | self.c | self.d).mapped("idic_profile_completeness")
        expected = {
            # revenue 1 March 2025 - 28 February 2026: A 1000, C 2000 - 500, D 400
            "centricity_revenue": (100 * 1000 / 2900, 3),
            "understanding_completeness": (sum(completeness) / 3, 3),
            # outbound since 1 December: A, C (D's answer is in March)
            "communication_outbound": (100 * 2 / 3, 3),
            # answered requests 4 h, 48 h, 4 h (D answered after the edge)
            "response_median": (4.0, 3),
            "response_p90": (4 + 0.8 * 44, 3),
            # 4 requests, 2 within 24 h
            "response_within_target": (50.0, 4),
            # prior year A, B, D; still active A, D
            "improvement_retention": (100 * 2 / 3, 3),
            "improvement_tier_moves": (1.0, 3),
            "improvement_assessment": (15.0, 1),
            # A by two users; C and D by one
            "alignment_multi_user": (100 / 3, 3),
            # 6 interactions in February, 3 with an outcome
            "alignment_outcome": (50.0, 6),
            # issue #30: no active customer has a pricelist or coupon of its own
            "customize_tailored": (0.0, 3),
        }
        self.assertEqual(set(feb), set(expected))
        for figure, (value, sample) in expected.items():
            self.assertAlmostEqual(feb[figure].value, value, places=6, msg=figure)
            self.assertEqual(feb[figure].sample, sample, figure)
        self.assertEqual(feb["improvement_retention"].status, "near")  # 66.7 vs 70
        self.assertEqual(feb["response_median"].status, "on")  # 4 h vs 24 h
        self.assertEqual(feb["response_within_target"].status, "off")  # 50 vs 80

    def test_measured_figure_beside_the_area(self):
        """An assessment area of the IDIC survey shows the measured figure of
        its principle for the last month measured up to the assessment date."""
        self.env["idic.health.snapshot"]._measure_month(self.company_h, FEB)
        assessment = self.env["idic.assessment"].search(
            [("company_id", "=", self.company_h.id), ("date", "=", "2026-02-15")]
        )
        interact = self.env.ref("partner_idic.idic_assessment_survey_idic_area_3")
        self.assertEqual(interact.idic_health_area, "communication")
        area = self.env["idic.assessment.area"].create(
            {
                "assessment_id": assessment.id,
                "name": interact.title,
                "page_id": interact.id,
                "health_area": interact.idic_health_area,
                "score": 50.0,
            }
        )
        self.assertAlmostEqual(area.measured_value, 100 * 2 / 3, places=6)
        self.assertIn("Active customers contacted", area.measured_label)

    def test_customize_figures(self):
        """Issue #30: IDIC's Customize measured. February's active customers
        A, C, D: A has a pricelist of its own, D a coupon: 2 of 3 have a
        tailored offer. A asked to hear from us every 30 days and was called
        on 10 February; C every 3 days, last on 22 February: 1 of 2 kept.
        The IDIC survey's Customize area shows the first of them."""
        pricelist = self.env["product.pricelist"].create(
            {"name": "A's prices", "company_id": self.company_h.id}
        )
        self.a.with_company(self.company_h).property_product_pricelist = pricelist
        program = self.env["loyalty.program"].create(
            {
                "name": "Health coupons",
                "program_type": "coupons",
                "company_id": self.company_h.id,
            }
        )
        self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.d.id, "points": 1}
        )
        self.a.idic_contact_frequency = 30
        self.c.idic_contact_frequency = 3
        self.env["idic.health.snapshot"]._measure_month(self.company_h, FEB)
        feb = self.figures(FEB)
        tailored, cadence = feb["customize_tailored"], feb["customize_cadence"]
        self.assertAlmostEqual(tailored.value, 200 / 3, places=6)
        self.assertEqual(tailored.sample, 3)
        self.assertEqual(tailored.principle, "customize")
        self.assertEqual((cadence.value, cadence.sample), (50.0, 2))
        customize = self.env.ref("partner_idic.idic_assessment_survey_idic_area_4")
        self.assertEqual(customize.idic_health_area, "customize")
        assessment = self.env["idic.assessment"].search(
            [("company_id", "=", self.company_h.id), ("date", "=", "2026-02-15")]
        )
        area = self.env["idic.assessment.area"].create(
            {
                "assessment_id": assessment.id,
                "name": customize.title,
                "page_id": customize.id,
                "health_area": customize.idic_health_area,
                "score": 50.0,
            }
        )
        self.assertAlmostEqual(area.measured_value, 200 / 3, places=6)
        self.assertIn("tailored offer", area.measured_label)

    def test_current_month(self):
        """March so far (10 hours): E's request is unanswered, D's answer and
        the March tier move count; D's invoice of 1 March 2025 left the year."""
        self.env["idic.health.snapshot"]._measure_month(self.company_h, MAR)
        mar = self.figures(MAR)
        self.assertNotIn("response_median", mar)
        self.assertEqual(mar["response_within_target"].value, 0.0)
        self.assertEqual(mar["improvement_tier_moves"].value, 1.0)
        # active A, C, E (D's invoice is older than 12 months); prior A, B, D
        self.assertAlmostEqual(mar["improvement_retention"].value, 100 / 3, places=6)
        # revenue 2 March 2025 - 1 March 2026: A 1000, C 1500, E 700
        self.assertAlmostEqual(
            mar["centricity_revenue"].value, 100 * 1000 / 3200, places=6
        )
        # interactions since 1 March: D's answer (no outcome), E's request
        self.assertEqual(mar["alignment_outcome"].value, 0.0)
        self.assertEqual(mar["alignment_outcome"].sample, 2)

    def test_target_changes_status(self):
        target = self.env["idic.health.target"]._for_company(self.company_h)
        target["response_within_target"].with_user(self.idic_manager).write(
            {"target": 50.0, "hours": 48.0}
        )
        self.env["idic.health.snapshot"]._measure_month(self.company_h, FEB)
        row = self.figures(FEB)["response_within_target"]
        self.assertEqual(row.value, 75.0)  # 4 h, 48 h, 4 h of 4 within 48 h
        self.assertEqual(row.status, "on")
        with self.assertRaises(ValidationError):
            target["alignment_outcome"].target = 120
        with self.assertRaises(ValidationError):
            target["response_within_target"].hours = 0
        with self.assertRaises(AccessError):
            target["alignment_outcome"].with_user(self.idic_user).target = 10

    def test_backfill(self):
        """Twelve months back: the figures whose data has dates; profile and
        tier/channel figures only for the month just ended and this one."""
        Snapshot = self.env["idic.health.snapshot"].with_user(self.idic_manager)
        Snapshot.with_company(self.company_h).action_backfill()
        rows = self.env["idic.health.snapshot"].search(
            [("company_id", "=", self.company_h.id)]
        )
        retention = rows.filtered(lambda r: r.figure == "improvement_retention")
        self.assertEqual(len(retention), 12)
        self.assertEqual(min(retention.mapped("month")), date(2025, 4, 1))
        centricity = rows.filtered(lambda r: r.figure == "centricity_revenue")
        self.assertEqual(sorted(centricity.mapped("month")), [FEB, MAR])
        # January: prior year (Jan 2024 - Jan 2025) A, B, D; active A, D
        jan = self.figures(date(2026, 1, 1))
        self.assertAlmostEqual(
            jan["improvement_retention"].value, 100 * 2 / 3, places=6
        )
        self.assertNotIn("improvement_assessment", jan)  # no earlier assessment
        self.assertNotIn("understanding_completeness", jan)

    def test_cron_idempotent(self):
        cron = self.env.ref("partner_idic.ir_cron_idic_health_snapshot")

        def state():
            rows = self.env["idic.health.snapshot"].search(
                [("company_id", "=", self.company_h.id)]
            )
            return sorted(
                (r.month, r.figure, round(r.value, 6), r.sample) for r in rows
            )

        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        first = state()
        # First run: the past 12 months.
        self.assertEqual(len({row[0] for row in first}), 12)
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(state(), first)

    def test_access_and_companies(self):
        Snapshot = self.env["idic.health.snapshot"]
        Snapshot._measure_month(self.company_h, FEB)
        Snapshot._measure_month(self.other_company, FEB)
        user_rows = Snapshot.with_user(self.other_user).search([])
        self.assertTrue(user_rows)
        self.assertEqual(user_rows.company_id, self.other_company)
        with self.assertRaises(AccessError):
            Snapshot.with_user(self.idic_user).action_measure_now()
        with self.assertRaises(AccessError):
            Snapshot.with_user(self.plain_user).search([])
        # The overview shows the figures with their 12-month trend.
        # ... of the company the overview shows.
        health = (
            self.env["idic.overview"]
            .with_user(self.idic_user)
            .get_health(company_id=self.company_h.id)
        )
        keys = [figure["key"] for figure in health["figures"]]
        self.assertIn("improvement_retention", keys)
        retention = health["figures"][keys.index("improvement_retention")]
        self.assertEqual(len(retention["spark"]), 12)
        self.assertAlmostEqual(retention["spark"][-2], 100 * 2 / 3, places=6)
        self.assertEqual(retention["status"], "near")
