# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestIdicStages(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The rule mechanics are tested on a rule that needs no invoice (the
        # default rule of Differentiated, on value, is tested with the value
        # engine).
        cls.stage_differentiated.rule_domain = "[('customer_rank', '>', 0)]"
        Partner = cls.env["res.partner"]
        cls.unreachable = Partner.create({"name": "Unreachable Co", "is_company": True})
        cls.reachable = Partner.create(
            {
                "name": "Reachable Co",
                "is_company": True,
                "email": "hi@reach.example.com",
            }
        )
        cls.customer = Partner.create(
            {
                "name": "Customer Co",
                "is_company": True,
                "phone": "+98 21 1234",
                "customer_rank": 1,
            }
        )
        cls.customized = Partner.create(
            {
                "name": "Customized Co",
                "is_company": True,
                "email": "c@custom.example.com",
                "idic_preferred_channel": "email",
            }
        )

    def test_default_stages_in_order(self):
        stages = self.env["idic.stage"].search([])
        self.assertEqual(
            stages[:4],
            self.stage_identified
            | self.stage_differentiated
            | self.stage_interacting
            | self.stage_customized,
        )
        self.assertEqual(
            stages[:4].mapped("phase"),
            ["identify", "differentiate", "interact", "customize"],
        )

    def test_rules_move_to_furthest_matching_stage(self):
        moved = self.advance()
        self.assertGreaterEqual(moved, 3)
        self.assertFalse(self.unreachable.idic_stage_id)
        self.assertEqual(self.reachable.idic_stage_id, self.stage_identified)
        self.assertEqual(self.customer.idic_stage_id, self.stage_differentiated)
        # Customized is further than Identified, although Differentiated and
        # Interacting do not match: the furthest match wins.
        self.assertEqual(self.customized.idic_stage_id, self.stage_customized)
        self.assertTrue(self.reachable.idic_stage_date)

    def test_second_run_moves_nothing(self):
        self.advance()
        history_count = self.env["idic.stage.history"].search_count([])
        self.assertEqual(self.advance(), 0)
        self.assertEqual(self.env["idic.stage.history"].search_count([]), history_count)

    def test_forward_only_by_default(self):
        self.customized.idic_stage_id = self.stage_customized
        self.customized.idic_preferred_channel = False  # matches Identified only now
        self.advance()
        self.assertEqual(self.customized.idic_stage_id, self.stage_customized)

    def test_setting_allows_moving_back(self):
        self.set_param("stage_allow_backward", "True")
        self.customized.idic_stage_id = self.stage_customized
        self.customized.idic_preferred_channel = False
        self.advance()
        self.assertEqual(self.customized.idic_stage_id, self.stage_identified)
        # Matching no rule at all leaves the partner where it is.
        self.unreachable.idic_stage_id = self.stage_interacting
        self.advance()
        self.assertEqual(self.unreachable.idic_stage_id, self.stage_interacting)

    def test_locked_partner_never_moved_by_rules(self):
        self.customer.write(
            {"idic_stage_id": self.stage_identified.id, "idic_stage_locked": True}
        )
        self.advance()
        self.assertEqual(self.customer.idic_stage_id, self.stage_identified)
        self.customer.idic_stage_locked = False
        self.advance()
        self.assertEqual(self.customer.idic_stage_id, self.stage_differentiated)

    def test_stage_order_is_configurable(self):
        """Putting Interacting before Identified changes what 'furthest' is."""
        self.stage_customized.sequence = 1
        self.advance()
        self.assertEqual(self.customized.idic_stage_id, self.stage_identified)

    def test_archived_partners_ignored(self):
        self.reachable.active = False
        self.advance()
        self.assertFalse(self.reachable.idic_stage_id)

    def test_contacts_follow_their_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Contact Person", "parent_id": self.customer.id}
        )
        locked = self.env["res.partner"].create(
            {
                "name": "Locked Person",
                "parent_id": self.customer.id,
                "idic_stage_id": self.stage_identified.id,
                "idic_stage_locked": True,
            }
        )
        self.advance()
        self.assertEqual(contact.idic_stage_id, self.stage_differentiated)
        self.assertEqual(locked.idic_stage_id, self.stage_identified)
        history = self.env["idic.stage.history"].search(
            [("partner_id", "=", contact.id)]
        )
        self.assertEqual(history.cause, "contact")
        # A manual move of the company carries its contacts along.
        self.customer.idic_stage_id = self.stage_customized
        self.assertEqual(contact.idic_stage_id, self.stage_customized)
        self.assertEqual(locked.idic_stage_id, self.stage_identified)

    def test_contacts_judged_alone_when_not_following(self):
        self.set_param("stage_follow_commercial", False)
        contact = self.env["res.partner"].create(
            {
                "name": "Own Person",
                "parent_id": self.unreachable.id,
                "email": "own@x.example",
            }
        )
        self.advance()
        self.assertEqual(contact.idic_stage_id, self.stage_identified)
        self.assertFalse(self.unreachable.idic_stage_id)

    def test_manual_move_is_tracked_and_timed(self):
        partner = self.reachable
        self.advance()
        first = self.env["idic.stage.history"].search([("partner_id", "=", partner.id)])
        self.assertEqual(first.cause, "rule")
        self.assertFalse(first.date_out)
        # Make the first stay look 3 days old, then move by hand.
        first.date_in = fields.Datetime.now() - timedelta(days=3)
        self.env.flush_all()
        self.env.cr.flush()
        partner.with_user(self.idic_user).idic_stage_id = self.stage_interacting
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written before commit
        history = self.env["idic.stage.history"].search(
            [("partner_id", "=", partner.id)], order="id"
        )
        self.assertEqual(len(history), 2)
        self.assertTrue(history[0].date_out)
        self.assertAlmostEqual(history[0].duration_days, 3.0, delta=0.01)
        self.assertEqual(history[1].stage_id, self.stage_interacting)
        self.assertEqual(history[1].previous_stage_id, self.stage_identified)
        self.assertEqual(history[1].cause, "manual")
        tracked = partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "idic_stage_id"
        )
        self.assertTrue(tracked)

    def test_kanban_shows_empty_stages(self):
        groups = (
            self.env["res.partner"]
            .with_context(read_group_expand=True)
            .formatted_read_group(
                [("id", "=", self.unreachable.id)], ["idic_stage_id"], ["__count"]
            )
        )
        stage_ids = {g["idic_stage_id"][0] for g in groups if g["idic_stage_id"]}
        self.assertLessEqual(
            set((self.stage_identified | self.stage_customized).ids), stage_ids
        )

    def test_invalid_rule_refused(self):
        with self.assertRaises(ValidationError):
            self.stage_identified.rule_domain = "[('no_such_field', '=', 1)]"
        with self.assertRaises(ValidationError):
            self.stage_identified.rule_domain = "not a domain"

    def test_manager_creates_stage_with_relative_date_rule(self):
        with Form(self.env["idic.stage"].with_user(self.idic_manager)) as form:
            form.name = "Recently Created"
            form.phase = "identify"
            form.sequence = 50
            form.rule_domain = (
                "[('create_date', '>=', (context_today() - relativedelta(days=1))"
                ".strftime('%Y-%m-%d'))]"
            )
        stage = form.record
        self.assertTrue(stage.has_rule)
        self.advance()
        self.assertEqual(self.unreachable.idic_stage_id, stage)

    def test_cron_runs_in_batches(self):
        cron = self.env.ref("partner_idic.ir_cron_idic_stage_advance")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.customer.idic_stage_id, self.stage_differentiated)
        # On the recompute frame: a run of the stage job, its ranges all done.
        run = self.env["idic.recompute.run"].search(
            [("job", "=", "stage")], order="id desc", limit=1
        )
        self.assertEqual(run.state, "done")
        self.assertTrue(run.range_ids)
        self.assertEqual(set(run.range_ids.mapped("state")), {"done"})
