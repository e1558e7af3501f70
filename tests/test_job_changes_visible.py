# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A stage or tier a job changes shows on the partner's form: when, from what
to what, and why (the rule, the figure), read as a relationship user reads
the form (issue #29)."""

from odoo.tests import tagged

from .common import IdicCase, new_user


@tagged("post_install", "-at_install")
class TestJobChangesVisible(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_v = cls.env["res.company"].create(
            {"name": "IDIC Visible Co", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_v)
        cls.bronze, cls.silver, cls.gold = cls.make_tiers(
            cls.company_v, "Visible", thresholds=(0.0, 1000.0, 5000.0)
        )
        cls.reader = new_user(
            cls.env,
            "idic_visible_user",
            "partner_idic.group_idic_user",
            company_id=cls.company_v.id,
            company_ids=[cls.company_v.id],
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Visible Customer", "is_company": True}
        )
        cls.make_invoice(cls.customer, cls.today, [("Service", 1200.0)], cls.company_v)

    def form_values(self, fields):
        partner = self.customer.with_user(self.reader).with_company(self.company_v)
        return partner.web_read(fields)[0]

    def test_tier_move_by_the_recompute(self):
        self.env["res.partner"]._idic_recompute_values(self.company_v, commit=False)
        values = self.form_values(
            {
                "idic_value_tier_id": {"fields": {"display_name": {}}},
                "idic_tier_history_ids": {
                    "fields": {
                        "date": {},
                        "from_tier_id": {"fields": {"display_name": {}}},
                        "to_tier_id": {"fields": {"display_name": {}}},
                        "direction": {},
                        "cause": {},
                        "basis": {},
                        "figure": {},
                    }
                },
            }
        )
        self.assertEqual(values["idic_value_tier_id"]["id"], self.silver.id)
        (move,) = values["idic_tier_history_ids"]
        self.assertFalse(move["from_tier_id"])
        self.assertEqual(move["to_tier_id"]["display_name"], "Visible-Silver")
        self.assertEqual(
            (move["direction"], move["cause"], move["basis"], move["figure"]),
            ("up", "recompute", "monetary", 1200.0),
        )
        self.assertTrue(move["date"])
        # A change by hand goes through the same writer: no figure, its user.
        manager = new_user(
            self.env,
            "idic_visible_manager",
            "partner_idic.group_idic_manager",
            company_id=self.company_v.id,
            company_ids=[self.company_v.id],
        )
        self.customer.with_user(manager).with_company(
            self.company_v
        ).idic_value_tier_id = self.gold
        last = self.env["idic.tier.history"].search(
            [("partner_id", "=", self.customer.id)], limit=1
        )
        self.assertEqual(
            (last.from_tier_id, last.to_tier_id, last.direction, last.cause),
            (self.silver, self.gold, "up", "manual"),
        )
        self.assertEqual((last.user_id, last.figure), (manager, 0.0))

    def test_stage_move_by_the_rules(self):
        rule = "[('customer_rank', '>', 0)]"
        self.stage_differentiated.rule_domain = rule
        self.customer.with_context(
            tracking_disable=True
        ).idic_stage_id = self.stage_identified
        self.env["res.partner"]._idic_advance_stages()
        values = self.form_values(
            {
                "idic_stage_id": {"fields": {"display_name": {}}},
                "idic_stage_history_ids": {
                    "fields": {
                        "date_in": {},
                        "previous_stage_id": {"fields": {"display_name": {}}},
                        "stage_id": {"fields": {"display_name": {}}},
                        "cause": {},
                        "rule_domain": {},
                    }
                },
            }
        )
        self.assertEqual(values["idic_stage_id"]["id"], self.stage_differentiated.id)
        latest = max(values["idic_stage_history_ids"], key=lambda h: h["id"])
        self.assertEqual(
            (
                latest["previous_stage_id"]["id"],
                latest["stage_id"]["id"],
                latest["cause"],
                latest["rule_domain"],
            ),
            (self.stage_identified.id, self.stage_differentiated.id, "rule", rule),
        )
        history = self.env["idic.stage.history"].browse(latest["id"])
        self.assertTrue(history.forward)
        # Reordering the stages recomputes the direction by the same rule.
        self.stage_differentiated.sequence = self.stage_identified.sequence - 1
        self.env.flush_all()
        history.invalidate_recordset(["forward"])
        self.assertFalse(history.forward)
