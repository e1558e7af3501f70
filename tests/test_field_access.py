# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who reads and writes what, through the paths a client has (issue #24).

Every call here is what a JSON-RPC client can do: ``with_user`` calls of
``read``, ``write``, ``create`` and ``search``, with any context it likes.
The table below places every ``idic_*`` field of partners: a new field fails
``test_table_is_complete`` until it is placed, and is then checked for every
kind of user."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import IdicCase, new_user

INTERNAL = "base.group_user"
USER = "partner_idic.group_idic_user"
MANAGER = "partner_idic.group_idic_manager"
DONOR = "partner_idic.group_idic_donor_data"

# field: (who reads it, who writes it by hand; None: nobody, a figure)
FIELDS = {
    "idic_birthdate": (INTERNAL, INTERNAL),
    "idic_churn_band": (INTERNAL, None),
    "idic_churn_risk": (INTERNAL, None),
    "idic_civ": (INTERNAL, None),
    "idic_ckv": (INTERNAL, None),
    "idic_clv": (INTERNAL, None),
    "idic_clv_method": (INTERNAL, None),
    "idic_contact_due": (INTERNAL, None),
    "idic_contact_frequency": (INTERNAL, INTERNAL),
    "idic_counted": (INTERNAL, None),
    "idic_crv": (INTERNAL, None),
    "idic_csat_last": (INTERNAL, None),
    "idic_do_not_contact": (INTERNAL, INTERNAL),
    "idic_donation_average": (DONOR, None),
    "idic_donation_count": (INTERNAL, None),
    "idic_donation_first_amount": (DONOR, None),
    "idic_donation_first_date": (INTERNAL, None),
    "idic_donation_fy_total": (DONOR, None),
    "idic_donation_largest": (DONOR, None),
    "idic_donation_last_amount": (DONOR, None),
    "idic_donation_last_date": (INTERNAL, None),
    "idic_donation_last_fy_total": (DONOR, None),
    "idic_donation_soft_fy_total": (DONOR, None),
    "idic_donation_soft_last_fy_total": (DONOR, None),
    "idic_donation_soft_total": (DONOR, None),
    "idic_donation_total": (DONOR, None),
    "idic_donor_expected_gifts": (INTERNAL, None),
    "idic_donor_ltv": (DONOR, None),
    "idic_donor_ltv_method": (INTERNAL, None),
    "idic_donor_mrr": (DONOR, None),
    "idic_donor_p_active": (INTERNAL, None),
    "idic_donor_status": (INTERNAL, None),
    "idic_donor_sustainer": (INTERNAL, None),
    "idic_dormant": (INTERNAL, None),
    "idic_engagement_computed_on": (INTERNAL, None),
    "idic_engagement_segment": (INTERNAL, None),
    "idic_engagement_value": (INTERNAL, None),
    "idic_excluded": (INTERNAL, None),
    "idic_expected_purchases": (INTERNAL, None),
    "idic_f_score": (INTERNAL, None),
    "idic_first_invoice_date": (INTERNAL, None),
    "idic_frequency": (INTERNAL, None),
    "idic_historic_margin": (INTERNAL, None),
    "idic_household_receipts": (INTERNAL, INTERNAL),
    "idic_interaction_count": (USER, None),
    "idic_interaction_count_90d": (USER, None),
    "idic_interaction_ids": (USER, USER),
    "idic_interest_ids": (INTERNAL, INTERNAL),
    "idic_is_household": (INTERNAL, INTERNAL),
    "idic_last_interaction_date": (INTERNAL, None),
    "idic_last_invoice_date": (INTERNAL, None),
    "idic_last_offer_date": (INTERNAL, None),
    "idic_lifetime_revenue": (INTERNAL, None),
    "idic_loyalty_card_id": (USER, None),
    "idic_lybunt": (INTERNAL, None),
    "idic_m_score": (INTERNAL, None),
    "idic_medium_id": (INTERNAL, INTERNAL),
    "idic_member_end": (INTERNAL, None),
    "idic_member_level_id": (INTERNAL, None),
    "idic_member_period_from": (INTERNAL, None),
    "idic_member_period_to": (INTERNAL, None),
    "idic_member_renewal_due": (INTERNAL, None),
    "idic_member_since": (INTERNAL, None),
    "idic_member_status": (INTERNAL, None),
    "idic_member_tenure": (INTERNAL, None),
    "idic_member_withdraw_reason": (INTERNAL, None),
    "idic_member_withdrawn_date": (INTERNAL, None),
    "idic_monetary": (INTERNAL, None),
    "idic_next_action": (INTERNAL, None),
    "idic_next_action_date": (INTERNAL, None),
    "idic_next_action_priority": (INTERNAL, None),
    "idic_next_action_reason": (INTERNAL, None),
    "idic_next_action_rule_id": (INTERNAL, None),
    "idic_next_purchase_date": (INTERNAL, None),
    "idic_next_purchase_overdue": (INTERNAL, None),
    "idic_next_tier_gap": (INTERNAL, None),
    "idic_next_tier_id": (INTERNAL, None),
    "idic_next_tier_progress": (INTERNAL, None),
    "idic_nps_category": (INTERNAL, None),
    "idic_nps_score": (INTERNAL, None),
    "idic_p_alive": (INTERNAL, None),
    "idic_phase": (INTERNAL, None),
    "idic_points_balance": (USER, None),
    "idic_predicted_clv": (INTERNAL, None),
    "idic_prediction_notice": (INTERNAL, None),
    "idic_preferred_channel": (INTERNAL, INTERNAL),
    "idic_previous_tier_id": (INTERNAL, None),
    "idic_profile_completeness": (INTERNAL, None),
    "idic_r_score": (INTERNAL, None),
    "idic_recency_days": (INTERNAL, None),
    "idic_recent_interaction_ids": (USER, None),
    "idic_recommendation_ids": (USER, None),
    "idic_referral_causal_share": (INTERNAL, USER),
    "idic_referral_code": (INTERNAL, None),
    "idic_referral_count": (INTERNAL, None),
    "idic_referral_ids": (INTERNAL, USER),
    "idic_referred_by_id": (INTERNAL, USER),
    "idic_referred_customer_count": (INTERNAL, None),
    "idic_referred_revenue": (INTERNAL, None),
    "idic_relationship_notes": (USER, USER),
    "idic_rfm_segment": (INTERNAL, None),
    "idic_rfm_total": (INTERNAL, None),
    "idic_source_id": (INTERNAL, INTERNAL),
    "idic_stage_date": (INTERNAL, None),
    "idic_stage_history_ids": (USER, None),
    "idic_stage_id": (INTERNAL, USER),
    "idic_stage_locked": (INTERNAL, USER),
    "idic_sybunt": (INTERNAL, None),
    "idic_tier_color": (INTERNAL, None),
    "idic_tier_date": (INTERNAL, None),
    "idic_tier_history_ids": (USER, None),
    "idic_tier_lock_reason": (INTERNAL, MANAGER),
    "idic_tier_locked": (INTERNAL, MANAGER),
    "idic_value_digest": ("base.group_system", None),
    "idic_value_tier_id": (INTERNAL, MANAGER),
}


@tagged("post_install", "-at_install")
class TestFieldAccess(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_editor = new_user(
            cls.env,
            login="idic_fa_contacts",
            groups="base.group_user,base.group_partner_manager",
            name="Contact Editor",
        )
        cls.donor_reader = new_user(
            cls.env,
            login="idic_fa_donor",
            groups=f"{MANAGER},{DONOR}",
            name="Donor Data Reader",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "FA Customer", "email": "fa.customer@example.com"}
        )
        cls.portal = new_user(
            cls.env,
            login="idic_fa_portal",
            groups="base.group_portal",
            name="FA Portal",
            partner_id=cls.customer.id,
        )
        cls.referrer = cls.env["res.partner"].create({"name": "FA Referrer"})
        cls.tier = (
            cls.env["idic.value.tier"].search(
                [("company_id", "=", cls.company.id)], limit=1
            )
            or cls.make_tiers(cls.company, "FA")[1]
        )
        cls.users = {
            "portal": cls.portal,
            "plain": cls.plain_user,
            "contact editor": cls.contact_editor,
            "relationship user": cls.idic_user,
            "relationship manager": cls.idic_manager,
            "donor-data reader": cls.donor_reader,
            "administrator": cls.idic_admin,
        }

    def sample_value(self, name):
        """A value a client could send for ``name``."""
        field = self.env["res.partner"]._fields[name]
        if field.type in ("one2many", "many2many"):
            return [Command.set([])]
        if field.type == "many2one":
            samples = {
                "res.partner": self.referrer,
                "idic.value.tier": self.tier,
                "idic.stage": self.stage_identified,
            }
            record = samples.get(field.comodel_name) or self.env[
                field.comodel_name
            ].search([], limit=1)
            return record.id
        if field.type == "selection":
            return field.get_values(self.env)[0]
        return {
            "boolean": True,
            "integer": 7,
            "float": 12.5,
            "monetary": 12.5,
            "char": "By hand",
            "text": "By hand",
            "html": "<p>By hand</p>",
            "date": self.today - timedelta(days=400),
            "datetime": "2020-01-01 10:00:00",
        }[field.type]

    def may(self, user, groups):
        return bool(groups) and not user.share and user.has_group(groups)

    def test_table_is_complete(self):
        ours = {
            name
            for name, field in self.env["res.partner"]._fields.items()
            if name.startswith("idic_") and "partner_idic" in field._modules
        }
        self.assertEqual(
            ours, set(FIELDS), "place every idic_* field of partners in FIELDS"
        )

    def test_read(self):
        for kind, user in self.users.items():
            Partner = self.env["res.partner"].with_user(user)
            shown = Partner.fields_get(attributes=["type"])
            for name, (readers, _writers) in FIELDS.items():
                with self.subTest(user=kind, field=name):
                    allowed = self.may(user, readers)
                    self.assertEqual(name in shown, allowed)
                    if allowed:
                        self.customer.with_user(user).read([name])
                    else:
                        with self.assertRaises(AccessError):
                            self.customer.with_user(user).read([name])

    @mute_logger("odoo.models")
    def test_write(self):
        for kind, user in self.users.items():
            if user.share:
                continue
            for name, (readers, writers) in FIELDS.items():
                with self.subTest(user=kind, field=name):
                    policy = self.may(user, writers) and self.may(user, readers)
                    allowed = policy and (
                        self.env["res.partner"].with_user(user).has_access("write")
                    )
                    partner = self.customer.with_user(user)
                    value = self.sample_value(name)
                    if allowed:
                        with self.env.cr.savepoint():
                            partner.write({name: value})
                            self.env.flush_all()
                    else:
                        with self.assertRaises(AccessError):
                            partner.write({name: value})
                    readonly = partner.fields_get([name], ["readonly"]).get(name, {})
                    if readonly:
                        # The views show what the user may not write read-only.
                        self.assertEqual(readonly["readonly"], not policy)

    def test_figures_refused_to_every_user(self):
        """Figures are refused to managers and administrators, over create
        and ``default_`` keys too, with a message saying why."""
        for user in (self.idic_manager, self.idic_admin):
            partner = self.customer.with_user(user)
            for name, vals in (
                ("idic_clv", {"idic_clv": 99999.0}),
                ("idic_lifetime_revenue", {"idic_lifetime_revenue": 5.0}),
                ("idic_rfm_segment", {"idic_rfm_segment": "champions"}),
                ("idic_member_status", {"idic_member_status": "current"}),
                ("idic_stage_date", {"idic_stage_date": "2020-01-01 00:00:00"}),
            ):
                with self.subTest(user=user.login, field=name):
                    with self.assertRaisesRegex(AccessError, "by hand"):
                        partner.write(vals)
                    with self.assertRaises(AccessError):
                        partner.with_context(idic_tier_sync=True).write(vals)
                    with self.assertRaises(AccessError):
                        self.env["res.partner"].with_user(user).create(
                            dict(vals, name="FA New")
                        )
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).with_context(
                    default_idic_clv=1.0
                ).create({"name": "FA Default"})
        self.assertFalse(self.customer.idic_clv)
        self.assertFalse(self.customer.idic_rfm_segment)

    def test_portal_reads_no_score_over_rpc(self):
        """A portal user reading its own partner, its own user or searching on
        a score gets nothing of the add-on."""
        mine = self.customer.with_user(self.portal)
        for model in ("res.partner", "res.users"):
            shown = self.env[model].with_user(self.portal).fields_get()
            self.assertFalse([key for key in shown if key.startswith("idic_")])
        self.assertEqual(mine.read(["name"])[0]["name"], self.portal.name)
        for name in ("idic_clv", "idic_rfm_segment", "idic_p_alive", "idic_stage_id"):
            with self.subTest(field=name):
                with self.assertRaises(AccessError):
                    mine.read([name])
                with self.assertRaises(AccessError):
                    self.portal.with_user(self.portal).read([name])
                with self.assertRaises(AccessError):
                    self.env["res.partner"].with_user(self.portal).search(
                        [(name, "!=", False)]
                    )

    def test_duplicate_by_every_user(self):
        """The host's duplicate leaves out what the user may not write."""
        self.customer.write(
            {
                "idic_referred_by_id": self.referrer.id,
                "idic_source_id": self.env["utm.source"].search([], limit=1).id,
                "idic_contact_frequency": 30,
            }
        )
        for kind, user in self.users.items():
            if not self.env["res.partner"].with_user(user).has_access("create"):
                continue
            with self.subTest(user=kind):
                copy = self.customer.with_user(user).copy()
                self.assertEqual(copy.idic_contact_frequency, 30)
                self.assertFalse(copy.idic_referred_by_id)


@tagged("post_install", "-at_install")
class TestNoClientBypass(IdicCase):
    """Items 1 and 4-6 of issue #24: what a client sends never skips a check."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_editor = new_user(
            cls.env,
            login="idic_nb_contacts",
            groups="base.group_user,base.group_partner_manager",
            name="NB Contact Editor",
        )
        cls.other_company.write({})
        cls.company_b = cls.env["res.company"].create({"name": "IDIC NB Co"})
        cls.tiers = cls.make_tiers(cls.company_b, "NB")
        cls.customer = cls.env["res.partner"].create({"name": "NB Customer"})
        cls.customer.with_company(cls.company_b).idic_value_tier_id = cls.tiers[0]

    def tier_state(self):
        partner = self.customer.with_company(self.company_b)
        history = self.env["idic.tier.history"].search_count(
            [("partner_id", "=", self.customer.id)]
        )
        return partner.idic_value_tier_id, partner.idic_tier_locked, history

    def test_context_keys_give_no_tier(self):
        before = self.tier_state()
        for user in (self.idic_user, self.contact_editor):
            for context in (
                {"idic_tier_sync": True},
                {"idic_partner_merge": True},
                {"idic_grant": ["idic_value_tier_id", "idic_tier_locked"]},
                {"idic_tier_sync": {"value": True}},
            ):
                with self.subTest(user=user.login, context=context):
                    partner = (
                        self.customer.with_user(user)
                        .with_company(self.company_b)
                        .with_context(**context)
                    )
                    with self.assertRaises(AccessError):
                        partner.write(
                            {
                                "idic_value_tier_id": self.tiers[2].id,
                                "idic_tier_locked": True,
                            }
                        )
        self.assertEqual(self.tier_state(), before)

    def test_manager_tier_is_recorded_whatever_the_context(self):
        """A manager's tier, sent with the keys that used to skip the manual
        change, is a manual change: locked and in the history."""
        partner = (
            self.customer.with_user(self.idic_manager)
            .with_company(self.company_b)
            .with_context(idic_tier_sync=True, allowed_company_ids=[self.company_b.id])
        )
        self.idic_manager.company_ids |= self.company_b
        history_before = self.tier_state()[2]
        partner.write({"idic_value_tier_id": self.tiers[2].id})
        tier, locked, history = self.tier_state()
        self.assertEqual((tier, locked), (self.tiers[2], True))
        self.assertEqual(history, history_before + 1)

    def test_staging_table_from_a_client_is_not_used(self):
        """The recompute names its own staging table: a table named by a
        client's context is never touched (it used to be dropped)."""
        self.env.cr.execute("CREATE TABLE idic_nb_victim (id int)")
        settings = (
            self.env["idic.value.tier"]
            .with_user(self.idic_manager)
            .with_context(idic_staging_table="idic_nb_victim", idic_staging_temp=False)
        )
        settings.action_idic_recompute()
        self.env.cr.execute("SELECT to_regclass('idic_nb_victim')")
        self.assertTrue(self.env.cr.fetchone()[0])

    def test_assessment_link_from_a_client_is_ignored(self):
        survey = self.env["survey.survey"].search(
            [("idic_framework", "=", "idic")], limit=1
        )
        assessment = self.env["idic.assessment"].create(
            {"name": "NB", "framework": "idic", "survey_id": survey.id}
        )
        admin = self.env.ref("base.user_admin")
        invite = (
            self.env["survey.invite"]
            .with_user(admin)
            .with_context(idic_assessment_id=assessment.id)
            .create(
                {
                    "survey_id": survey.id,
                    "partner_ids": [Command.set(self.idic_user.partner_id.ids)],
                    "existing_mode": "new",
                    "send_email": True,
                }
            )
        )
        invite.action_invite()
        answers = self.env["survey.user_input"].search(
            [
                ("survey_id", "=", survey.id),
                ("partner_id", "=", self.idic_user.partner_id.id),
            ]
        )
        self.assertTrue(answers)
        self.assertFalse(answers.idic_assessment_id)
        with self.assertRaises(AccessError):
            answers.with_user(admin).write({"idic_assessment_id": assessment.id})

    def test_withdrawal_only_through_the_wizard(self):
        for user in (self.idic_user, self.idic_manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "Withdraw Membership"):
                    self.customer.with_user(user).write(
                        {"idic_member_withdrawn_date": self.today}
                    )
        self.assertFalse(self.customer.idic_member_withdrawn_date)
        wizard = (
            self.env["idic.member.withdraw"]
            .with_user(self.idic_user)
            .create({"partner_id": self.customer.id, "reason": "Moved away"})
        )
        with self.assertRaisesRegex(UserError, "not a member"):
            wizard.action_withdraw()

    def test_interaction_stays_in_the_users_companies(self):
        interaction = (
            self.env["idic.interaction"]
            .with_user(self.idic_user)
            .create({"partner_id": self.customer.id, "subject": "Call"})
        )
        with self.assertRaises(AccessError):
            interaction.write({"company_id": self.other_company.id})
        self.assertEqual(interaction.company_id, self.company)

    def test_improvement_action_owner_and_managers(self):
        action = self.env["idic.improvement.action"].create(
            {"name": "Call every lapsed donor", "state": "proposed"}
        )
        mine = action.with_user(self.idic_user)
        action.user_id = self.idic_user
        for call in (
            lambda: mine.action_accept(),
            lambda: mine.action_cancel(),
            lambda: mine.write({"user_id": self.idic_manager.id}),
            lambda: mine.write({"date_deadline": self.today}),
            lambda: mine.write({"state": "open"}),
        ):
            with self.assertRaises(AccessError):
                call()
        action.with_user(self.idic_manager).write({"date_deadline": self.today})
        action.with_user(self.idic_manager).action_accept()
        mine.write({"description": "<p>Started on Monday</p>"})
        mine.action_done()
        self.assertEqual(action.state, "done")

    def test_health_targets_for_relationship_users_only(self):
        Target = self.env["idic.health.target"]
        portal = new_user(self.env, "idic_nb_portal", "base.group_portal")
        for user in (self.plain_user, portal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Target.with_user(user).action_open_targets()
        company = self.env["res.company"].create({"name": "IDIC NB Targets"})
        for user in (self.idic_user, self.idic_manager):
            user.company_ids |= company
        Target.with_user(self.idic_user).with_company(company).action_open_targets()
        self.assertFalse(Target.search([("company_id", "=", company.id)]))
        Target.with_user(self.idic_manager).with_company(company).action_open_targets()
        self.assertTrue(Target.search([("company_id", "=", company.id)]))

    def test_referral_loop_through_a_parent_change(self):
        Partner = self.env["res.partner"]
        a = Partner.create({"name": "NB A", "is_company": True})
        b = Partner.create({"name": "NB B", "is_company": True})
        c = Partner.create({"name": "NB C"})
        a.idic_referred_by_id = b
        # B made a contact of A: A would be referred by its own contact.
        with self.assertRaises(ValidationError):
            b.with_user(self.contact_editor).write(
                {"is_company": False, "parent_id": a.id}
            )
        # A loop closed through a parent change: C refers A's referrer B,
        # then C joins A.
        b.idic_referred_by_id = c
        with self.assertRaises(ValidationError):
            c.with_user(self.contact_editor).parent_id = a
        self.assertFalse(c.parent_id)
        self.assertFalse(b.parent_id)
