# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Act on a segment and measure it against a control group (issue #25), and
the tailored offers: recommended products and the Customize stage."""

import math
import os
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_module_path, load_script
from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.partner_idic.models import campaign_stats

from .common import IdicCase, new_user


class SegmentCase(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.co = cls.other_company
        cls.load_chart(cls.co)
        cls.marketer = new_user(
            cls.env,
            login="idic_marketer",
            groups="partner_idic.group_idic_manager,mass_mailing.group_mass_mailing_user",
            name="Mia Marketer",
            company_id=cls.co.id,
            company_ids=[cls.co.id],
        )
        cls.seller = new_user(
            cls.env,
            login="idic_sa_seller",
            groups="partner_idic.group_idic_user",
            name="Sid Seller",
            company_id=cls.co.id,
            company_ids=[cls.co.id],
        )
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {
                    "name": f"Segment {n:02d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": cls.co.id,
                    "email": f"segment{n}@sa.example.com",
                }
                for n in range(20)
            ]
        )
        cls.dnc = Partner.create(
            {
                "name": "Segment DNC",
                "is_company": True,
                "company_id": cls.co.id,
                "idic_do_not_contact": True,
            }
        )
        cls.contact = Partner.create(
            {"name": "Segment Contact", "parent_id": cls.customers[0].id}
        )


@tagged("post_install", "-at_install")
class TestSegmentAction(SegmentCase):
    def _wizard(self, user, **vals):
        ids = (self.customers | self.dnc | self.contact).ids
        Wizard = (
            self.env["idic.segment.action"]
            .with_user(user)
            .with_company(self.co)
            .with_context(
                active_model="res.partner",
                active_ids=ids,
                active_domain=[("id", "in", ids)],
            )
        )
        form = Form(Wizard)
        form.name = "Spring win-back"
        for key, value in vals.items():
            setattr(form, key, value)
        return form.save()

    def _members(self, campaign, group=None):
        domain = [("campaign_id", "=", campaign.id)]
        if group:
            domain.append(("group", "=", group))
        return self.env["idic.campaign.member"].search(domain)

    def test_campaign_with_control_group_and_actions(self):
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "SA Call plan",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_call"
                            ).id,
                            "summary": "Call about the spring offer",
                            "responsible_type": "on_demand",
                        }
                    )
                ],
            }
        )
        program = self.env["loyalty.program"].create(
            {"name": "SA Coupons", "program_type": "coupons", "company_id": self.co.id}
        )
        wizard = self._wizard(
            self.marketer,
            control_share=25.0,
            plan_id=plan,
            loyalty_program_id=program,
            offer_points=5.0,
            add_to_list=True,
            create_mailing=True,
            mailing_subject="We miss you",
        )
        # "Select all" of the filtered list: the whole segment, as a filter.
        self.assertTrue(wizard.domain)
        self.assertEqual(wizard.customer_count, 20)
        self.assertEqual(wizard.excluded_count, 1)
        action = wizard.action_apply()
        campaign = self.env["utm.campaign"].browse(action["res_id"])
        target, control = (
            self._members(campaign, "target"),
            self._members(campaign, "control"),
        )
        self.assertEqual((len(target), len(control)), (15, 5))
        self.assertEqual((target | control).partner_id, self.customers)
        self.assertEqual(campaign.idic_company_id, self.co)
        self.assertEqual(campaign.idic_target_count, 15)
        self.assertEqual(campaign.idic_results_state, "measuring")
        # The target group got the plan, the coupons and the mailing list;
        # the control group got nothing.
        planned = self.env["mail.activity"].search(
            [("res_id", "in", self.customers.ids), ("idic_origin", "=", "campaign")]
        )
        self.assertEqual(set(planned.mapped("res_id")), set(target.partner_id.ids))
        cards = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        self.assertEqual(cards.partner_id, target.partner_id)
        self.assertEqual(set(cards.mapped("points")), {5.0})
        self.assertEqual(cards.idic_campaign_id, campaign)
        mailing_list = campaign.idic_mailing_list_id
        self.assertEqual(
            set(mailing_list.contact_ids.mapped("email")),
            set(target.partner_id.mapped("email")),
        )
        mailing = self.env["mailing.mailing"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(mailing.subject, "We miss you")
        self.assertEqual(mailing.contact_list_ids, mailing_list)
        # A tailored offer: the targets enter the Customize stage, not the others.
        self.advance()
        self.assertEqual(
            set(target.partner_id.mapped("idic_stage_id")), {self.stage_customized}
        )
        self.assertNotIn(
            self.stage_customized, control.partner_id.mapped("idic_stage_id")
        )

    def test_results_uplift_and_interval(self):
        wizard = self._wizard(self.marketer, control_share=50.0, add_to_list=True)
        campaign = self.env["utm.campaign"].browse(wizard.action_apply()["res_id"])
        # The action was ten days ago.
        acted = fields.Datetime.now() - timedelta(days=10)
        self.env.cr.execute(
            SQL(
                "UPDATE utm_campaign SET idic_action_date = %s WHERE id = %s",
                acted,
                campaign.id,
            )
        )
        campaign.invalidate_recordset()
        target = self._members(campaign, "target").partner_id.sorted("id")
        control = self._members(campaign, "control").partner_id.sorted("id")
        day = acted.date()
        # Six of ten targets and two of ten controls buy after the action.
        revenue_t = [100.0, 200.0, 300.0, 400.0, 500.0, 600.0]
        for partner, amount in zip(target[:6], revenue_t, strict=True):
            self.make_invoice(
                partner, day + timedelta(days=3), [("Spring", amount)], self.co
            )
        revenue_c = [150.0, 50.0]
        for partner, amount in zip(control[:2], revenue_c, strict=True):
            self.make_invoice(
                partner, day + timedelta(days=5), [("Spring", amount)], self.co
            )
        # Never counted: before the action, after the window, not posted.
        self.make_invoice(
            control[2], day - timedelta(days=2), [("Old", 999.0)], self.co
        )
        self.make_invoice(
            control[3], day + timedelta(days=40), [("Late", 999.0)], self.co
        )
        self.make_invoice(
            control[4],
            day + timedelta(days=1),
            [("Draft", 999.0)],
            self.co,
            state="draft",
        )
        campaign.with_user(self.seller).action_idic_measure()
        self.assertAlmostEqual(campaign.idic_target_conversion, 60.0)
        self.assertAlmostEqual(campaign.idic_control_conversion, 20.0)
        share = campaign_stats.two_proportion_interval(6, 10, 2, 10)
        self.assertAlmostEqual(campaign.idic_uplift, 40.0)
        self.assertAlmostEqual(campaign.idic_uplift_low, 100 * share.low)
        self.assertAlmostEqual(campaign.idic_uplift_high, 100 * share.high)
        # By hand: 0.4 -+ 1.959964 * sqrt(0.6 * 0.4 / 10 + 0.2 * 0.8 / 10).
        half = 1.959964 * math.sqrt(0.024 + 0.016)
        self.assertAlmostEqual(campaign.idic_uplift_low, 100 * (0.4 - half), places=3)
        rt = revenue_t + [0.0] * 4
        rc = revenue_c + [0.0] * 8
        self.assertAlmostEqual(campaign.idic_target_revenue, sum(rt) / 10)
        self.assertAlmostEqual(campaign.idic_control_revenue, sum(rc) / 10)
        mean_t, mean_c = sum(rt) / 10, sum(rc) / 10
        var_t = sum((x - mean_t) ** 2 for x in rt) / 9
        var_c = sum((x - mean_c) ** 2 for x in rc) / 9
        welch = campaign_stats.welch_interval(mean_t, var_t, 10, mean_c, var_c, 10)
        self.assertAlmostEqual(campaign.idic_revenue_uplift, mean_t - mean_c)
        self.assertAlmostEqual(campaign.idic_revenue_uplift_low, welch.low, places=2)
        self.assertAlmostEqual(campaign.idic_revenue_uplift_high, welch.high, places=2)
        self.assertTrue(campaign.idic_significant)
        bought = self._members(campaign).filtered("bought").partner_id
        self.assertEqual(bought, target[:6] | control[:2])
        chart = campaign.idic_results_chart
        self.assertEqual(chart["charts"][0]["values"], [60.0, 20.0])
        # Reporting > Campaigns lists it; the Overview draws it.
        campaigns = (
            self.env["utm.campaign"]
            .with_user(self.seller)
            .search([("idic_action_date", "!=", False)])
        )
        self.assertIn(campaign, campaigns)
        overview = (
            self.env["idic.overview"]
            .with_user(self.seller)
            .get_overview(company_id=self.co.id)
        )
        section = next(s for s in overview["sections"] if s["key"] == "actions")
        chart = section["charts"][0]
        self.assertEqual(chart["type"], "campaign_uplift")
        index = chart["labels"].index(campaign.title)
        self.assertEqual(chart["datasets"][0]["data"][index], 60.0)
        self.assertEqual(chart["datasets"][1]["data"][index], 20.0)

    def test_no_control_group(self):
        wizard = self._wizard(self.marketer, control_share=0.0, add_to_list=True)
        campaign = self.env["utm.campaign"].browse(wizard.action_apply()["res_id"])
        self.assertFalse(self._members(campaign, "control"))
        self.assertEqual(campaign.idic_results_state, "no_control")
        self.assertFalse(campaign.idic_significant)

    def test_rights_and_bounds(self):
        with self.assertRaises(ValidationError):
            self._wizard(self.marketer, control_share=95.0, add_to_list=True)
        with self.assertRaises(ValidationError):
            self._wizard(self.marketer, window_days=0, add_to_list=True)
        with self.assertRaises(ValidationError):
            self._wizard(self.marketer, control_share=float("inf"), add_to_list=True)
        # Nothing to do is no campaign.
        with self.assertRaises(UserError):
            self._wizard(self.marketer).action_apply()
        # A relationship user schedules plans, but gives no coupon.
        program = self.env["loyalty.program"].create(
            {"name": "SA Points", "program_type": "coupons", "company_id": self.co.id}
        )
        Wizard = (
            self.env["idic.segment.action"].with_user(self.seller).with_company(self.co)
        )
        wizard = Wizard.create(
            {
                "name": "x",
                "partner_ids": self.customers.ids,
                "loyalty_program_id": program.id,
            }
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        with self.assertRaises(AccessError):
            Wizard.create(
                {"name": "x", "partner_ids": self.customers.ids, "add_to_list": True}
            ).action_apply()
        # A plain user has no segment action at all.
        with self.assertRaises(AccessError):
            self.env["idic.segment.action"].with_user(self.plain_user).create(
                {"name": "x"}
            )
        wizard = self._wizard(self.marketer, add_to_list=True)
        campaign = self.env["utm.campaign"].browse(wizard.action_apply()["res_id"])
        # Results and members are measured, never typed.
        with self.assertRaises(AccessError):
            campaign.with_user(self.marketer).write({"idic_uplift": 99.0})
        with self.assertRaises(AccessError):
            self.env["utm.campaign"].with_user(self.marketer).create(
                {"title": "Fake", "idic_uplift": 99.0, "idic_action_date": "2026-01-01"}
            )
        with self.assertRaises(AccessError):
            self._members(campaign)[:1].with_user(self.marketer).write(
                {"group": "control"}
            )
        # Another company's users see neither the campaign nor its members.
        self.assertFalse(
            self.env["idic.campaign.member"]
            .with_user(self.idic_user)
            .search([("campaign_id", "=", campaign.id)])
        )
        self.assertFalse(
            self.env["utm.campaign"]
            .with_user(self.idic_user)
            .search([("id", "=", campaign.id)])
        )

    def test_opened_on_a_map_cell_and_a_tier(self):
        tiers = self.make_tiers(self.co, "SA")
        overview = (
            self.env["idic.overview"].with_user(self.seller).with_company(self.co)
        )
        data = overview.get_rfm_map(company_id=self.co.id)
        cell = next(c for c in data["cells"] if c["r"] == 5 and c["f"] == 5)
        context = cell["act_action"]["context"]
        self.assertEqual(context["default_company_id"], self.co.id)
        self.assertIn("idic_r_score", context["default_domain"])
        wizard = Form(
            self.env["idic.segment.action"]
            .with_user(self.seller)
            .with_context(**context)
        )
        self.assertIn("R 5, F 5", wizard.source)
        action = tiers[2].with_user(self.seller).action_idic_act_on_customers()
        self.assertIn("idic_value_tier_id", action["context"]["default_domain"])


@tagged("post_install", "-at_install")
class TestRecommendations(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        books = cls.env["product.category"].create({"name": "SA Books"})
        novels = cls.env["product.category"].create(
            {"name": "SA Novels", "parent_id": books.id}
        )
        Product = cls.env["product.product"]
        cls.a, cls.b, cls.c = Product.create(
            [
                {"name": f"SA {name}", "type": "service", "taxes_id": [Command.clear()]}
                for name in "ABC"
            ]
        )
        cls.d = Product.create(
            {
                "name": "SA D",
                "type": "service",
                "categ_id": novels.id,
                "taxes_id": [Command.clear()],
            }
        )
        interest = cls.env["idic.interest"].create(
            {"name": "SA Reading", "product_category_ids": [Command.link(books.id)]}
        )
        x, y, z, v, w = cls.customers[:5]
        cls.x, cls.w = x, w
        w.idic_interest_ids = [Command.link(interest.id)]
        day = cls.today - timedelta(days=30)
        for partner, products in (
            (x, [cls.a, cls.b]),
            (y, [cls.a, cls.b, cls.c]),
            (z, [cls.a, cls.c]),
            (v, [cls.a, cls.d]),
            (w, [cls.a]),
        ):
            cls.make_invoice(partner, day, [(p, 10.0) for p in products], cls.co)

    def recommendations(self, partner):
        return (
            self.env["idic.recommendation"]
            .with_user(self.seller)
            .search([("partner_id", "=", partner.id)], order="rank")
        )

    def test_co_purchase_weighted_by_interests(self):
        Partner = self.env["res.partner"]
        Partner._idic_refresh_recommendations(self.co)
        # Cosine of the buyers: s(A,B) = s(A,C) = 2/sqrt(10), s(A,D) =
        # 1/sqrt(5), s(B,C) = 1/2.
        sab, sad, sbc = 2 / math.sqrt(10), 1 / math.sqrt(5), 0.5
        recs_x = self.recommendations(self.x)
        self.assertEqual(recs_x.product_id, self.c | self.d)
        self.assertEqual(recs_x[0].product_id, self.c)
        self.assertAlmostEqual(recs_x[0].score, sab + sbc, places=3)
        self.assertEqual(recs_x[0].because_product_id, self.a)
        self.assertAlmostEqual(recs_x[1].score, sad, places=3)
        # W bought only A; its interest (books, novels included) puts D first.
        recs_w = self.recommendations(self.w)
        self.assertEqual(recs_w[0].product_id, self.d)
        self.assertAlmostEqual(recs_w[0].score, sad * 1.5, places=3)
        self.assertTrue(recs_w[0].interest_id)
        self.assertIn("SA A", recs_w[0].reason)
        # Never what it already buys.
        self.assertNotIn(self.a, recs_w.product_id)
        # Run again: nothing changes, nothing is rewritten.
        self.assertEqual(Partner._idic_refresh_recommendations(self.co), 0)
        # Another company's users do not see them.
        self.assertFalse(
            self.env["idic.recommendation"]
            .with_user(self.idic_user)
            .search([("partner_id", "=", self.w.id)])
        )

    def test_coupon_on_the_top_recommendation(self):
        self.env["res.partner"]._idic_refresh_recommendations(self.co)
        Wizard = (
            self.env["idic.segment.action"]
            .with_user(self.marketer)
            .with_company(self.co)
        )
        form = Form(
            Wizard.with_context(
                active_model="res.partner", active_ids=self.w.ids, active_domain=[]
            )
        )
        form.name = "Reading offer"
        form.control_share = 0.0
        form.offer_recommended = True
        form.discount_percent = 15.0
        form.save().action_apply()
        card = self.env["loyalty.card"].search([("partner_id", "=", self.w.id)])
        self.assertEqual(len(card), 1)
        reward = card.program_id.reward_ids
        self.assertEqual(reward.discount, 15.0)
        self.assertEqual(reward.discount_product_ids, self.d)


@tagged("post_install", "-at_install")
class TestCustomizeRuleMigration(IdicCase):
    def script(self):
        path = os.path.join(
            get_module_path("partner_idic"),
            "migrations",
            "19.0.1.1.0",
            "post-customize_rule.py",
        )
        return load_script(path, "partner_idic_19_0_1_1_0_post_customize_rule")

    def test_shipped_rule_migrated_changed_rule_kept(self):
        script = self.script()
        stage = self.stage_customized
        shipped = (
            '["|", ("idic_preferred_channel", "!=", False), '
            '("idic_interest_ids", "!=", False)]'
        )
        stage.write({"rule_domain": shipped, "description": script.OLD_DESCRIPTION})
        script.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(stage.rule_domain, script.NEW_RULE)
        self.assertEqual(stage.description, script.NEW_DESCRIPTION)
        # The new rule is the data file's (a fresh install gets the same).
        self.assertIn("idic_last_offer_date", stage.rule_domain)
        self.assertFalse(stage._get_rule_domain().is_true())
        # A rule a user changed is never touched.
        mine = '[("idic_interest_ids", "!=", False)]'
        stage.write({"rule_domain": mine, "description": "Ours"})
        script.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual((stage.rule_domain, stage.description), (mine, "Ours"))
        # A fresh install (no version): nothing to migrate.
        stage.rule_domain = shipped
        script.migrate(self.env.cr, None)
        self.assertEqual(stage.rule_domain, shipped)
