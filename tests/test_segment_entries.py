# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One-click entries of the segment action (issue #25): a tier, each
engagement quadrant of the Overview, the churn list (its header button and
its Overview figure), LYBUNT and SYBUNT. Each opens the wizard, as a
relationship user, on exactly the customers of the segment, and the
campaign it makes is named after the segment."""

from odoo import Command
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import new_user
from .test_segment_action import SegmentCase


@tagged("post_install", "-at_install")
class TestSegmentEntries(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.customers
        cls.churn = c[0:3]  # valued, hardly active any more
        cls.champions = c[0:5]
        cls.advocates = c[5:8]
        cls.misers = c[8:11]
        cls.lybunt = c[11:13]
        cls.sybunt = c[11:14]  # LYBUNT donors are SYBUNT too
        co = cls.env["res.partner"].with_company(cls.co)
        for partners, vals in (
            (c[0:3], {"idic_engagement_segment": "champions", "idic_p_alive": 0.1}),
            (c[3:5], {"idic_engagement_segment": "champions", "idic_p_alive": 0.9}),
            (c[5:8], {"idic_engagement_segment": "advocates", "idic_p_alive": 0.1}),
            (c[8:11], {"idic_engagement_segment": "misers", "idic_p_alive": 0.1}),
            (c[11:13], {"idic_lybunt": True, "idic_sybunt": True}),
            (c[13:14], {"idic_sybunt": True}),
        ):
            co.browse(partners.ids).write({"idic_clv_method": "model", **vals})
        # A contact of a churning customer is counted with its company.
        cls.contact.with_company(cls.co).write(
            {"idic_engagement_segment": "champions", "idic_p_alive": 0.1}
        )

    def _wizard(self, action):
        """The wizard the action opens, as the seller would see it."""
        self.assertEqual(action["res_model"], "idic.segment.action")
        return Form(
            self.env["idic.segment.action"]
            .with_user(self.seller)
            .with_company(self.co)
            .with_context(**action["context"])
        ).save()

    def _customers(self, wizard):
        self.env.flush_all()
        rows = self.env.execute_query(wizard._idic_customers_sql())
        return self.env["res.partner"].browse(sorted(r[0] for r in rows))

    def _list_button(self, xmlid, search_domain=(), selected=None):
        """The header button of the list of the window action ``xmlid``,
        clicked as the web client does: the action's context, the list's
        domain (the action's and the search's) as ``active_domain``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = safe_eval(action.get("context") or "{}")
        domain = [*safe_eval(action.get("domain") or "[]"), *search_domain]
        partners = (
            self.env["res.partner"]
            .with_user(self.seller)
            .with_company(self.co)
            .with_context(
                **{k: v for k, v in context.items() if not k.startswith("search_")},
                active_domain=domain,
                active_model="res.partner",
            )
        )
        if selected:
            partners = partners.browse(selected.ids)
        return partners.action_idic_act_on_list()

    def test_churn_list_header_button(self):
        wizard = self._wizard(
            self._list_button("partner_idic.res_partner_action_idic_churn")
        )
        self.assertEqual(self._customers(wizard), self.churn)
        self.assertEqual(wizard.source, "Churn Risk")
        self.assertIn("Churn Risk", wizard.name)
        # Some selected: those of the segment only.
        wizard = self._wizard(
            self._list_button(
                "partner_idic.res_partner_action_idic_churn",
                selected=self.churn[:1] | self.advocates[:1],
            )
        )
        self.assertEqual(self._customers(wizard), self.churn[:1])
        self.assertIn("Churn Risk", wizard.source)
        # Applied: the campaign is named after the segment.
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "SE Call plan",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_call"
                            ).id,
                            "summary": "Win them back",
                            "responsible_type": "on_demand",
                            "responsible_id": self.seller.id,
                        }
                    )
                ],
            }
        )
        wizard = self._wizard(
            self._list_button("partner_idic.res_partner_action_idic_churn")
        )
        wizard.plan_id = plan
        result = wizard.action_apply()
        campaign = self.env["utm.campaign"].browse(result["res_id"])
        self.assertIn("Churn Risk", campaign.title)
        self.assertEqual(campaign.idic_source, "Churn Risk")
        members = self.env["idic.campaign.member"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(members.partner_id, self.churn)

    def test_lybunt_and_sybunt_header_button(self):
        for xmlid, search, expected, label in (
            ("lybunt", [("idic_lybunt", "=", True)], self.lybunt, "LYBUNT"),
            ("sybunt", [("idic_sybunt", "=", True)], self.sybunt, "SYBUNT"),
        ):
            with self.subTest(segment=xmlid):
                wizard = self._wizard(
                    self._list_button(
                        f"partner_idic.res_partner_action_idic_{xmlid}", search
                    )
                )
                self.assertEqual(self._customers(wizard), expected)
                self.assertEqual(wizard.source, label)
                self.assertIn(label, wizard.name)
        # Without its filter the list still acts on LYBUNT donors only.
        wizard = self._wizard(
            self._list_button("partner_idic.res_partner_action_idic_lybunt")
        )
        self.assertEqual(self._customers(wizard), self.lybunt)

    def test_quadrants_and_churn_on_the_overview(self):
        overview = (
            self.env["idic.overview"].with_user(self.seller).with_company(self.co)
        )
        section = overview._section_engagement()
        rows = {row["key"]: row for row in section["rows"]}
        for key, expected in (
            ("champions", self.champions),
            ("advocates", self.advocates),
            ("misers", self.misers),
        ):
            with self.subTest(quadrant=key):
                row = rows[f"engagement_{key}"]
                wizard = self._wizard(row["act_action"])
                self.assertEqual(self._customers(wizard), expected)
                self.assertIn("Engagement quadrant", wizard.source)
                self.assertIn(wizard.source, wizard.name)
                # The list the figure opens acts on the same quadrant.
                self.assertEqual(
                    row["action"]["context"]["idic_act_segment"], f"quadrant_{key}"
                )
        tiles = {tile["key"]: tile for tile in section["tiles"]}
        wizard = self._wizard(tiles["engagement_churn"]["act_action"])
        self.assertEqual(self._customers(wizard), self.churn)
        wizard = self._wizard(tiles["engagement_undervalued"]["act_action"])
        self.assertEqual(self._customers(wizard), self.advocates)
        self.assertNotIn("act_action", tiles["engagement_total"])

    def test_tier_button(self):
        tiers = self.make_tiers(self.co, "SE")
        top = tiers[-1]
        members = self.customers[:4]
        self.env["res.partner"].with_company(self.co).browse(members.ids).write(
            {"idic_value_tier_id": top.id}
        )
        wizard = self._wizard(top.with_user(self.seller).action_idic_act_on_customers())
        self.assertEqual(self._customers(wizard), members)
        self.assertIn(top.name, wizard.source)
        self.assertIn(top.name, wizard.name)


@tagged("post_install", "-at_install")
class TestSegmentEntriesTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_user(
            cls.env, login="idic_tour_entries", groups="partner_idic.group_idic_user"
        )
        churning = cls.env["res.partner"].create(
            [
                {"name": f"Tour Churning {n}", "is_company": True, "customer_rank": 1}
                for n in range(2)
            ]
        )
        churning.with_company(cls.env.company).write(
            {
                "idic_engagement_segment": "champions",
                "idic_clv_method": "model",
                "idic_p_alive": 0.05,
            }
        )

    def test_tour_quadrant_and_churn_list(self):
        self.start_tour(
            "/odoo", "partner_idic_segment_entries", login=self.seller.login
        )
