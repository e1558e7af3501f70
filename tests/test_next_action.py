# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customize what Interact does (issue #25): the contact cadence job and the
next best action, run as the scheduler runs them, acted on by real users."""

import ast
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import IdicCase, new_user

CADENCE_CRON = "partner_idic.ir_cron_idic_contact_cadence"
NEXT_ACTION_CRON = "partner_idic.ir_cron_idic_next_action"


class ActionsCase(IdicCase):
    """Customers of a company of their own (no demo data there), with a
    salesperson, a default user and tiers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.co = cls.other_company
        cls.tiers = cls.make_tiers(cls.co, "NA")
        cls.tiers[2].contact_frequency_days = 30  # Gold: every 30 days
        cls.co.idic_followup_user_id = cls.other_user
        cls.idic_manager.company_ids = [Command.link(cls.co.id)]
        cls.seller = new_user(
            cls.env,
            login="idic_na_seller",
            groups="partner_idic.group_idic_user",
            name="Nora Seller",
            company_id=cls.co.id,
            company_ids=[cls.co.id],
        )
        Partner = cls.env["res.partner"].with_company(cls.co)

        def customer(name, **vals):
            return Partner.create(
                dict(
                    {
                        "name": name,
                        "is_company": True,
                        "customer_rank": 1,
                        "company_id": cls.co.id,
                        "email": f"{name.split()[0].lower()}@na.example.com",
                    },
                    **vals,
                )
            )

        cls.due_own = customer(
            "Asked Co",
            idic_contact_frequency=10,
            idic_preferred_channel="phone",
            user_id=cls.seller.id,
        )
        cls.due_tier = customer("Gold Co")
        cls.recent = customer("Recent Co", idic_contact_frequency=30)
        cls.dnc = customer(
            "Quiet Co", idic_contact_frequency=10, idic_do_not_contact=True
        )
        cls.blacklisted = customer("Black Co", idic_contact_frequency=10)
        cls.env["mail.blacklist"].create({"email": cls.blacklisted.email})
        cls.no_cadence = customer("Free Co")
        cls.customers = (
            cls.due_own
            | cls.due_tier
            | cls.recent
            | cls.dnc
            | cls.blacklisted
            | cls.no_cadence
        )
        cls.due_tier.with_company(cls.co).sudo().idic_value_tier_id = cls.tiers[2]
        cls.no_cadence.with_company(cls.co).sudo().idic_value_tier_id = cls.tiers[0]
        old = fields.Datetime.now() - timedelta(days=45)
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE res_partner SET create_date = %s WHERE id IN %s",
                old,
                tuple(cls.customers.ids),
            )
        )
        cls.customers.invalidate_recordset()
        Interaction = cls.env["idic.interaction"]
        for partner, days in ((cls.due_own, 20), (cls.recent, 5)):
            Interaction.create(
                {
                    "partner_id": partner.id,
                    "subject": "Call",
                    "direction": "outbound",
                    "company_id": cls.co.id,
                    "date": fields.Datetime.now() - timedelta(days=days),
                }
            )

    def run_cron(self, xmlid):
        with self.enter_registry_test_mode():
            self.env.ref(xmlid).method_direct_trigger()
        self.env.invalidate_all()

    def cadence_activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.customers.ids),
                ("idic_origin", "=", "cadence"),
            ]
        )


@tagged("post_install", "-at_install")
class TestContactCadence(ActionsCase):
    def test_due_customers(self):
        Partner = self.env["res.partner"].with_company(self.co).with_user(self.seller)
        due = Partner.search(
            [("idic_contact_due", "=", True), ("id", "in", self.customers.ids)]
        )
        self.assertEqual(
            due, self.due_own | self.due_tier | self.dnc | self.blacklisted
        )
        self.assertTrue(self.due_own.with_company(self.co).idic_contact_due)
        self.assertFalse(self.recent.with_company(self.co).idic_contact_due)

    def test_cadence_job_one_todo_each(self):
        self.run_cron(CADENCE_CRON)
        activities = self.cadence_activities()
        by_partner = {a.res_id: a for a in activities}
        self.assertEqual(set(by_partner), {self.due_own.id, self.due_tier.id})
        call = by_partner[self.due_own.id]
        self.assertEqual(
            call.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(call.user_id, self.seller)
        self.assertEqual(call.date_deadline, fields.Date.context_today(call))
        self.assertIn("10", call.summary)
        todo = by_partner[self.due_tier.id]
        self.assertEqual(
            todo.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(todo.user_id, self.other_user)  # the company's default user
        self.assertIn("30", todo.summary)
        # The salesperson follows its customer, as when the ORM schedules it.
        self.assertIn(self.seller.partner_id, self.due_own.message_partner_ids)
        # The seller finds it in its own activities.
        self.assertEqual(
            self.env["mail.activity"]
            .with_user(self.seller)
            .search([("id", "in", activities.ids), ("user_id", "=", self.seller.id)]),
            call,
        )
        # At most one open cadence to-do per customer, whatever the runs.
        self.run_cron(CADENCE_CRON)
        self.assertEqual(self.cadence_activities(), activities)
        self.assertRunsEnded("cadence")

    def test_contact_made_ends_the_due(self):
        self.run_cron(CADENCE_CRON)
        call = self.cadence_activities().filtered(lambda a: a.res_id == self.due_own.id)
        call.with_user(self.seller).action_feedback(feedback="Talked, all fine")
        self.assertFalse(self.due_own.with_company(self.co).idic_contact_due)
        self.run_cron(CADENCE_CRON)
        self.assertFalse(
            self.cadence_activities().filtered(lambda a: a.res_id == self.due_own.id)
        )

    def test_tier_cadence_is_bounded(self):
        with self.assertRaises(ValidationError):
            self.tiers[1].contact_frequency_days = -1
        with self.assertRaises(ValidationError):
            self.tiers[1].contact_frequency_days = 100000
        form = Form(self.tiers[1].with_user(self.idic_manager).with_company(self.co))
        form.contact_frequency_days = 60
        form.save()
        self.assertEqual(self.tiers[1].contact_frequency_days, 60)


@tagged("post_install", "-at_install")
class TestNextAction(ActionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.books = cls.env["idic.interest"].create({"name": "NA Books"})
        cls.no_cadence.idic_interest_ids = [Command.link(cls.books.id)]
        cls.bare = cls.env["res.partner"].create(
            {
                "name": "Bare Co",
                "is_company": True,
                "customer_rank": 1,
                "company_id": cls.co.id,
            }
        )
        cls.customers |= cls.bare
        cls.offer_rule = (
            cls.env["idic.action.rule"]
            .with_user(cls.idic_manager)
            .with_company(cls.co)
            .create(
                {
                    "name": "Offer books",
                    "kind": "offer",
                    "sequence": 5,
                    "company_id": cls.co.id,
                    "domain": repr([("idic_interest_ids.name", "=", "NA Books")]),
                    "reason": "Likes books; profile {completeness}% complete.",
                }
            )
        )

    def action_of(self, partner, company=None):
        partner = partner.with_company(company or self.co).with_user(self.seller)
        return partner.idic_next_action, partner.idic_next_action_reason

    def test_job_sets_the_first_rule_and_its_reason(self):
        self.run_cron(NEXT_ACTION_CRON)
        self.assertRunsEnded("next_action")
        kind, reason = self.action_of(self.no_cadence)
        self.assertEqual(kind, "offer")
        completeness = self.no_cadence.idic_profile_completeness
        self.assertEqual(reason, f"Likes books; profile {completeness}% complete.")
        # The cadence rule (70) comes before the profile rule (80).
        self.assertEqual(self.action_of(self.due_own)[0], "cadence")
        self.assertIn("10", self.action_of(self.due_own)[1])
        self.assertEqual(self.action_of(self.bare)[0], "complete_profile")
        # Asked not to be contacted: only what does not contact it.
        self.assertEqual(self.action_of(self.dnc)[0], "complete_profile")
        # Per company: nothing in a company it has no rule to follow in.
        self.assertFalse(self.bare.with_company(self.company).idic_next_action)
        # The reason is in the reader's language.
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        bare_fa = self.bare.with_company(self.co).with_context(lang="fa_IR")
        completeness = self.bare.idic_profile_completeness
        self.assertEqual(
            bare_fa.idic_next_action_reason,
            f"فقط {completeness}% از پروفایل شناخته شده است.",
        )
        self.assertEqual(
            self.action_of(self.bare)[1],
            f"Only {completeness}% of the profile is known.",
        )

    def test_my_next_actions_and_doing_it(self):
        self.run_cron(NEXT_ACTION_CRON)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.res_partner_action_idic_next_actions"
        )
        Partner = self.env["res.partner"].with_user(self.seller).with_company(self.co)
        domain = ast.literal_eval(action["domain"])
        mine = Partner.search([*domain, ("user_id", "=", self.seller.id)])
        self.assertEqual(mine, self.due_own)
        result = mine.action_idic_do_next_action()
        self.assertEqual(result["tag"], "display_notification")
        todo = self.env["mail.activity"].search(
            [("res_id", "=", self.due_own.id), ("idic_origin", "=", "next_action")]
        )
        self.assertEqual(todo.user_id, self.seller)
        self.assertEqual(
            todo.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        log = (
            self.env["idic.action.log"]
            .with_user(self.seller)
            .search([("partner_id", "=", self.due_own.id)])
        )
        self.assertEqual(
            (log.kind, log.how, log.user_id), ("cadence", "activity", self.seller)
        )
        self.assertFalse(self.action_of(self.due_own)[0])
        # The job leaves the rule alone for its cool-down: the next one applies.
        self.run_cron(NEXT_ACTION_CRON)
        self.assertEqual(self.action_of(self.due_own)[0], "complete_profile")

    def test_plan_and_offer_rules(self):
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "NA Welcome",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_todo"
                            ).id,
                            "summary": "Send the catalogue",
                            "responsible_type": "on_demand",
                        }
                    )
                ],
            }
        )
        self.offer_rule.plan_id = plan
        self.run_cron(NEXT_ACTION_CRON)
        partner = self.no_cadence.with_user(self.seller).with_company(self.co)
        partner.action_idic_do_next_action()
        planned = self.env["mail.activity"].search(
            [("res_id", "=", self.no_cadence.id), ("idic_origin", "=", "next_action")]
        )
        self.assertEqual(planned.summary, "Send the catalogue")
        # A one-to-one offer counts as a tailored offer.
        program = self.env["loyalty.program"].create(
            {"name": "NA coupons", "program_type": "coupons", "company_id": self.co.id}
        )
        self.offer_rule.write({"plan_id": False, "loyalty_program_id": program.id})
        self.bare.idic_interest_ids = [Command.link(self.books.id)]
        self.run_cron(NEXT_ACTION_CRON)
        self.bare.with_user(self.seller).with_company(
            self.co
        ).action_idic_do_next_action()
        card = self.env["loyalty.card"].search(
            [("partner_id", "=", self.bare.id), ("program_id", "=", program.id)]
        )
        self.assertEqual(len(card), 1)
        self.assertEqual(
            self.bare.with_company(self.co).idic_last_offer_date, self.today
        )

    def test_rights(self):
        self.run_cron(NEXT_ACTION_CRON)
        with self.assertRaises(AccessError):
            self.env["idic.action.rule"].with_user(self.idic_user).create(
                {"name": "Mine", "kind": "other"}
            )
        with self.assertRaises(AccessError):
            self.bare.with_user(self.plain_user).with_company(
                self.company
            ).action_idic_do_next_action()
        # The figures are the job's: nobody types them over RPC.
        with self.assertRaises(AccessError):
            self.bare.with_user(self.idic_admin).write({"idic_next_action": "reward"})
        typed = (
            self.env["res.partner"]
            .with_user(self.idic_manager)
            .with_company(self.co)
            .create({"name": "Typed Co", "idic_next_action": "reward"})
        )
        self.assertFalse(typed.idic_next_action)
        with self.assertRaises(ValidationError):
            self.offer_rule.with_user(self.idic_manager).domain = "[('nope', '=', 1)]"
        with self.assertRaises(ValidationError):
            self.offer_rule.with_user(self.idic_manager).cooldown_days = -3
        with self.assertRaises(ValidationError):
            self.offer_rule.with_user(self.idic_manager).offer_points = float("nan")

    def test_overview_actions_section(self):
        self.run_cron(NEXT_ACTION_CRON)
        self.run_cron(CADENCE_CRON)
        overdue = self.cadence_activities()[:1]
        overdue.date_deadline = self.today - timedelta(days=3)
        data = (
            self.env["idic.overview"]
            .with_user(self.seller)
            .get_overview(company_id=self.co.id)
        )
        section = next(s for s in data["sections"] if s["key"] == "actions")
        tiles = {tile["key"]: tile for tile in section["tiles"] + section["rows"]}
        self.assertEqual(tiles["next_actions"]["value"], 7)
        self.assertEqual(tiles["next_cadence"]["value"], 3)
        self.assertEqual(tiles["next_offer"]["value"], 1)
        self.assertEqual(tiles["next_complete_profile"]["value"], 3)
        self.assertEqual(tiles["cadence_overdue"]["value"], 1)
        # Each figure opens its list.
        domain = tiles["next_cadence"]["action"]["domain"]
        Partner = self.env["res.partner"].with_user(self.seller).with_company(self.co)
        self.assertEqual(
            Partner.search(domain), self.due_own | self.due_tier | self.blacklisted
        )

    def test_portal_users_cannot_read_the_figures(self):
        portal = new_user(self.env, login="idic_na_portal", groups="base.group_portal")
        partner = portal.partner_id.with_user(portal)
        for name in (
            "idic_next_action",
            "idic_next_action_rule_id",
            "idic_next_action_reason",
            "idic_contact_due",
            "idic_next_tier_progress",
            "idic_last_offer_date",
        ):
            with self.assertRaises(AccessError, msg=name):
                partner.read([name])
