# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad input is refused with a clear message in the user's language (Persian
here), and nothing is lost or half written: each case compares what it could
have touched before and after. The README lists the cases and their
messages."""

import re
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import IdicCase, new_user

PERSIAN = re.compile("[\u0600-\u06ff]")


@tagged("post_install", "-at_install")
class TestBadInput(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "IDIC Bad Input", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_b)
        cls.company_b.write(
            {"idic_points_rate": 1.0, "idic_points_validity_months": 12}
        )
        cls.manager = new_user(
            cls.env,
            login="idic_bad_manager",
            groups="partner_idic.group_idic_manager,account.group_account_invoice",
            name="Bad Input Manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
            lang="fa_IR",
        )
        Partner = cls.env["res.partner"]
        cls.ann = Partner.create({"name": "Ann Bad", "email": "ann.bad@example.com"})
        cls.bob = Partner.create({"name": "Bob Bad", "email": "bob.bad@example.com"})
        cls.card = cls.env["loyalty.card"]._idic_card(cls.ann, cls.company_b)
        cls.card._idic_add_line(50.0, "earn", "Opening lot")
        program = cls.card.program_id
        cls.reward = cls.env["loyalty.reward"].create(
            {"program_id": program.id, "description": "Mug", "required_points": 20}
        )
        other = cls.env["loyalty.program"].create(
            {
                "name": "Other Program",
                "program_type": "loyalty",
                "company_id": cls.company_b.id,
            }
        )
        cls.other_reward = cls.env["loyalty.reward"].create(
            {"program_id": other.id, "description": "Bike", "required_points": 5}
        )
        cls.tier = cls.env["idic.value.tier"].create(
            {
                "name": "Bad Silver",
                "company_id": cls.company_b.id,
                "basis": "clv",
                "min_threshold": 100.0,
            }
        )
        cls.membership = cls.env["product.product"].create(
            {
                "name": "Bad Membership",
                "type": "service",
                "membership": True,
                "list_price": 10.0,
                "membership_date_from": date(2026, 1, 1),
                "membership_date_to": date(2026, 12, 31),
            }
        )
        cls.env["membership.membership_line"].create(
            {
                "partner_id": cls.bob.id,
                "membership_id": cls.membership.id,
                "member_price": 10.0,
                "date": date(2026, 1, 1),
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "state": "paid",
            }
        )
        cls.donation = cls.env["product.product"].create(
            {"name": "Bad Gift", "type": "service", "idic_is_donation": True}
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @property
    def env_m(self):
        """The manager's environment, in Persian."""
        return (
            self.env["res.partner"]
            .with_user(self.manager)
            .with_company(self.company_b)
            .with_context(lang="fa_IR")
            .env
        )

    def refuse(self, call, state, exceptions=(UserError, ValidationError)):
        """``call`` raises one of ``exceptions`` with a Persian message and
        leaves ``state()`` as it was."""
        self.env.invalidate_all()
        before = state()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                call()
                self.env.flush_all()
        except exceptions as error:
            message = str(error.args[0])
        else:
            self.fail("accepted")
        self.env.invalidate_all()
        self.assertRegex(message, PERSIAN, f"not in the user's language: {message}")
        self.assertNotIn("Traceback", message)
        self.assertEqual(state(), before, f"changed after: {message}")
        return message

    def card_state(self):
        return (self.card.points, len(self.card.history_ids))

    def company_state(self, *names):
        return lambda: [self.company_b[name] for name in names]

    # ------------------------------------------------------------------
    # Loyalty points
    # ------------------------------------------------------------------
    def redeem(self, points=0.0, reward=None, description="Gift"):
        vals = {"card_id": self.card.id, "description": description, "points": points}
        if reward:
            vals["reward_id"] = reward.id
        return self.env_m["idic.points.redeem"].create(vals).action_redeem()

    def test_redeem_negative_points(self):
        self.refuse(lambda: self.redeem(-5.0), self.card_state)

    def test_redeem_zero_points(self):
        self.refuse(lambda: self.redeem(0.0), self.card_state)

    def test_redeem_more_than_balance(self):
        self.refuse(lambda: self.redeem(50.5), self.card_state)

    def test_redeem_reward_of_another_program(self):
        self.refuse(lambda: self.redeem(reward=self.other_reward), self.card_state)

    def adjust(self, points, reason):
        return (
            self.env_m["idic.points.adjust"]
            .create({"card_id": self.card.id, "points": points, "reason": reason})
            .action_adjust()
        )

    def test_adjust_by_nothing(self):
        self.refuse(lambda: self.adjust(0.0, "Nothing"), self.card_state)

    def test_adjust_without_reason(self):
        self.refuse(lambda: self.adjust(10.0, "   "), self.card_state)

    def test_adjust_by_a_relationship_user(self):
        env = self.env_m(user=self.idic_user)
        self.idic_user.company_ids |= self.company_b
        self.refuse(
            lambda: (
                env["idic.points.adjust"]
                .with_company(self.company_b)
                .create({"card_id": self.card.id, "points": 5.0, "reason": "Why not"})
                .action_adjust()
            ),
            self.card_state,
            AccessError,
        )

    def test_edit_history_line(self):
        line = self.card.history_ids[:1].with_env(self.env_m)
        self.refuse(lambda: line.write({"issued": 500.0}), self.card_state)

    def test_delete_history_line(self):
        line = self.card.history_ids[:1].with_env(self.env_m)
        self.refuse(line.unlink, self.card_state)

    def test_host_update_balance_negative(self):
        self.refuse(
            lambda: (
                self.env_m["loyalty.card.update.balance"]
                .create(
                    {
                        "card_id": self.card.id,
                        "new_balance": -10.0,
                        "description": "Oops",
                    }
                )
                .action_update_card_point()
            ),
            self.card_state,
        )

    # ------------------------------------------------------------------
    # Value tiers and stages
    # ------------------------------------------------------------------
    def tiers_state(self):
        return self.env["idic.value.tier"].search_read(
            [("company_id", "=", self.company_b.id)],
            ["name", "basis", "min_threshold"],
            order="id",
        )

    def new_tier(self, **vals):
        return self.env_m["idic.value.tier"].create(
            dict(
                {"name": "Bad Tier", "company_id": self.company_b.id, "basis": "clv"},
                **vals,
            )
        )

    def test_tier_same_minimum(self):
        self.refuse(lambda: self.new_tier(min_threshold=100.0), self.tiers_state)

    def test_tier_moved_onto_another(self):
        gold = self.new_tier(name="Bad Gold", min_threshold=500.0)
        self.refuse(lambda: gold.write({"min_threshold": 100.0}), self.tiers_state)

    def test_tier_mixed_bases(self):
        self.refuse(
            lambda: self.new_tier(basis="monetary", min_threshold=900.0),
            self.tiers_state,
        )

    def test_tier_rfm_minimum_out_of_range(self):
        self.tier.with_env(self.env_m).write({"basis": "rfm", "min_threshold": 3.0})
        self.refuse(
            lambda: self.new_tier(basis="rfm", min_threshold=16.0), self.tiers_state
        )

    def stage_state(self):
        return self.stage_customized.read(["rule_domain"])

    def test_stage_rule_not_a_domain(self):
        stage = self.stage_customized.with_env(self.env_m)
        self.refuse(
            lambda: stage.write({"rule_domain": "[('email', '=', "}), self.stage_state
        )

    def test_stage_rule_unknown_field(self):
        stage = self.stage_customized.with_env(self.env_m)
        self.refuse(
            lambda: stage.write({"rule_domain": "[('x_no_such_field', '=', 1)]"}),
            self.stage_state,
        )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    def company_write(self, **vals):
        return lambda: self.company_b.with_env(self.env_m).sudo().write(vals)

    def test_value_window_zero(self):
        self.refuse(
            self.company_write(idic_rfm_window_months=0),
            self.company_state("idic_rfm_window_months"),
        )

    def test_remaining_years_negative(self):
        self.refuse(
            self.company_write(idic_clv_years=-1),
            self.company_state("idic_clv_years"),
        )

    def test_rfm_limits_not_numbers(self):
        self.refuse(
            self.company_write(idic_rfm_r_thresholds="30,x,180,365"),
            self.company_state("idic_rfm_r_thresholds"),
        )

    def test_rfm_limits_decreasing(self):
        self.refuse(
            self.company_write(idic_rfm_m_thresholds="500,100,50,10"),
            self.company_state("idic_rfm_m_thresholds"),
        )

    def test_points_rate_negative(self):
        self.refuse(
            self.company_write(idic_points_rate=-1.0),
            self.company_state("idic_points_rate"),
        )

    def test_points_validity_negative(self):
        self.refuse(
            self.company_write(idic_points_validity_months=-12),
            self.company_state("idic_points_validity_months"),
        )

    def test_settings_out_of_bounds(self):
        """Issue #24: settings that used to be saved and then broke payments,
        recomputes or reminders are refused at save."""
        for name, value in (
            ("idic_points_validity_months", 100000),
            ("idic_rfm_window_months", 100000),
            ("idic_clv_years", float("nan")),
            ("idic_clv_years", float("inf")),
            ("idic_points_rate", 1e308),
            ("idic_points_rate", "abc"),
            ("idic_points_rate", "NaN"),
            ("idic_dormant_days", 2**31),
            ("idic_rfm_scoring", "median"),
            ("idic_member_reminder_days", "99999999999999999999"),
            ("idic_rfm_r_thresholds", "nan,90,180,365"),
            ("idic_rfm_m_thresholds", "500,2000,10000,inf"),
            ("idic_clv_discount_rate", float("nan")),
            ("idic_civ_attenuation", float("-inf")),
            ("idic_advocacy_value", -5.0),
        ):
            with self.subTest(setting=name, value=value):
                self.refuse(
                    self.company_write(**{name: value}), self.company_state(name)
                )

    def test_settings_form_out_of_bounds(self):
        """The same values typed in the settings form (a transient record
        whose fields are the company's)."""
        Settings = self.env_m["res.config.settings"].sudo()
        for vals in (
            {"idic_points_validity_months": 100000},
            {"idic_points_rate": "abc"},
            {"idic_clv_years": float("nan")},
            {"idic_weight_email": 10**12},
            {"idic_points_base": "gross"},
        ):
            with self.subTest(vals=vals):
                self.refuse(
                    lambda vals=vals: Settings.create(vals).execute(),
                    self.company_state(
                        *[k for k in vals if k in self.company_b._fields]
                    ),
                )

    def test_tier_not_finite(self):
        for vals in (
            {"points_multiplier": float("nan")},
            {"points_multiplier": 1e9},
            {"min_threshold": float("nan")},
            {"min_threshold": float("inf")},
            {"dormant_days": 2**31},
            {"basis": "vibes"},
        ):
            with self.subTest(vals=vals):
                tier = self.tier.with_env(self.env_m)
                self.refuse(
                    lambda tier=tier, vals=vals: tier.write(vals),
                    lambda vals=vals: self.tier.read(list(vals)),
                )

    def test_partner_fields_bad_input(self):
        ann = self.ann.with_env(self.env_m)
        for vals in (
            {"idic_contact_frequency": 2**31},
            {"idic_contact_frequency": "abc"},
            {"idic_contact_frequency": float("nan")},
            {"idic_preferred_channel": "pigeon"},
            {"idic_birthdate": "2024-02-30"},
            {"idic_birthdate": "1066-10-14"},
            {"idic_referral_causal_share": 1e308},
            {"idic_source_id": "abc"},
        ):
            with self.subTest(vals=vals):
                self.refuse(
                    lambda vals=vals: ann.write(vals),
                    lambda vals=vals: self.ann.read(list(vals)),
                )

    def test_renewal_fee_negative(self):
        bob = self.bob.with_env(self.env_m)
        self.refuse(
            lambda: (
                self.env_m["idic.member.renew"]
                .create(
                    {
                        "partner_id": bob.id,
                        "product_id": self.membership.id,
                        "member_price": -100.0,
                    }
                )
                .action_renew()
            ),
            lambda: self.env["account.move"].search_count([]),
        )

    def test_points_texts_bounded(self):
        """Redemption descriptions and adjustment reasons are shown to the
        customer: 200 characters at most."""
        self.refuse(
            lambda: self.redeem(5.0, description="x" * 200_000), self.card_state
        )
        self.refuse(lambda: self.adjust(5.0, "y" * 201), self.card_state)
        self.refuse(lambda: self.redeem(float("nan")), self.card_state)
        self.refuse(lambda: self.adjust(float("inf"), "Why"), self.card_state)

    def test_overview_calls_with_unknown_parameters(self):
        Overview = self.env_m["idic.overview"]
        nothing = lambda: None  # noqa: E731
        for call in (
            lambda: Overview.get_overview(30, self.company_b.id, "extra"),
            lambda: Overview.get_overview(weeks=4),
            lambda: Overview.get_rfm_map(1, 2, 3),
            lambda: Overview.get_health(company=1),
            lambda: Overview.action_print_overview(30, 1, 2),
        ):
            self.refuse(call, nothing)

    def test_reminder_offsets_not_numbers(self):
        self.refuse(
            self.company_write(idic_member_reminder_days="30,x"),
            self.company_state("idic_member_reminder_days"),
        )

    def test_reminder_offsets_negative(self):
        self.refuse(
            self.company_write(idic_member_reminder_days="-5"),
            self.company_state("idic_member_reminder_days"),
        )

    def test_grace_period_negative(self):
        self.refuse(
            self.company_write(idic_member_grace_days=-1),
            self.company_state("idic_member_grace_days"),
        )

    def test_dormant_delay_negative(self):
        self.refuse(
            lambda: (
                self.env_m["res.config.settings"]
                .sudo()
                .create({"idic_dormant_days": -3})
                .execute()
            ),
            self.company_state("idic_dormant_days"),
        )

    def test_completeness_weights_all_zero(self):
        Settings = self.env_m["res.config.settings"].sudo()
        zero = dict.fromkeys(Settings._idic_weight_fields(), 0)
        self.refuse(
            lambda: Settings.create(zero).execute(),
            lambda: self.env["res.partner"]._idic_completeness_weights(),
        )

    # ------------------------------------------------------------------
    # Partners
    # ------------------------------------------------------------------
    def referral_state(self):
        return (self.ann | self.bob).mapped("idic_referred_by_id").ids

    def test_referred_by_itself(self):
        ann = self.ann.with_env(self.env_m)
        self.refuse(
            lambda: ann.write({"idic_referred_by_id": ann.id}), self.referral_state
        )

    def test_referral_cycle(self):
        self.ann.idic_referred_by_id = self.bob
        bob = self.bob.with_env(self.env_m)
        self.refuse(
            lambda: bob.write({"idic_referred_by_id": self.ann.id}),
            self.referral_state,
        )

    def test_referral_longer_cycle(self):
        carl = self.env["res.partner"].create({"name": "Carl Bad"})
        self.ann.idic_referred_by_id = self.bob
        self.bob.idic_referred_by_id = carl
        carl = carl.with_env(self.env_m)
        self.refuse(
            lambda: carl.write({"idic_referred_by_id": self.ann.id}),
            lambda: carl.idic_referred_by_id.id,
        )

    def test_birthday_in_future(self):
        ann = self.ann.with_env(self.env_m)
        self.refuse(
            lambda: ann.write({"idic_birthdate": self.today + timedelta(days=1)}),
            lambda: self.ann.idic_birthdate,
        )

    # ------------------------------------------------------------------
    # Members and donors
    # ------------------------------------------------------------------
    def member_state(self, partner):
        return lambda: (
            partner.idic_member_status,
            partner.idic_member_withdrawn_date,
            partner.member_line_ids.mapped("date_cancel"),
        )

    def withdraw(self, partner, when, reason="Moving away"):
        return (
            self.env_m["idic.member.withdraw"]
            .create({"partner_id": partner.id, "date": when, "reason": reason})
            .action_withdraw()
        )

    def test_withdrawal_before_membership_started(self):
        self.refuse(
            lambda: self.withdraw(self.bob, date(2025, 6, 1)),
            self.member_state(self.bob),
        )

    def test_withdrawal_of_a_non_member(self):
        self.refuse(
            lambda: self.withdraw(self.ann, date(2026, 6, 1)),
            self.member_state(self.ann),
        )

    def test_withdrawal_without_reason(self):
        self.refuse(
            lambda: self.withdraw(self.bob, date(2026, 6, 1), reason=" "),
            self.member_state(self.bob),
        )

    def test_renew_free_member(self):
        self.ann.free_member = True
        ann = self.ann.with_env(self.env_m)
        self.refuse(
            lambda: ann._idic_member_renew(self.membership, 10.0),
            lambda: self.env["account.move"].search_count([]),
        )

    def test_renew_with_a_product_not_membership(self):
        bob = self.bob.with_env(self.env_m)
        self.refuse(
            lambda: bob._idic_member_renew(self.donation, 10.0),
            lambda: self.env["account.move"].search_count([]),
        )

    def test_receipt_for_draft_invoice(self):
        draft = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.ann.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.donation.id, "price_unit": 30.0}
                        )
                    ],
                }
            )
        )
        self.refuse(
            draft.with_env(self.env_m).action_idic_send_donation_receipt,
            lambda: (draft.state, self.env["mail.mail"].search_count([])),
        )

    def test_donation_summary_not_a_year(self):
        self.refuse(
            lambda: self.env_m["idic.donation.summary.wizard"].create(
                {"partner_ids": [Command.set(self.ann.ids)], "fiscal_year_end": 26}
            ),
            lambda: self.env["idic.donation.summary.wizard"].search_count([]),
        )

    # ------------------------------------------------------------------
    # CSV imports: refused rows write nothing
    # ------------------------------------------------------------------
    def import_csv(self, columns, row):
        content = "\n".join([",".join(columns), ",".join(row)]).encode()
        wizard = self.env_m["base_import.import"].create(
            {"res_model": "res.partner", "file": content, "file_type": "text/csv"}
        )
        return wizard.execute_import(
            columns,
            columns,
            {
                "has_headers": True,
                "quoting": '"',
                "separator": ",",
                "encoding": "utf-8",
            },
        )

    def assertImportRefused(self, columns, row):
        count = self.env["res.partner"].search_count([])
        result = self.import_csv(columns, row)
        self.assertTrue(result["messages"], "the import went through")
        self.assertFalse(result.get("ids"))
        self.assertTrue(all(m["message"] for m in result["messages"]))
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        return result["messages"]

    def test_import_wrong_type(self):
        self.assertImportRefused(["name", "idic_contact_frequency"], ["Imp A", "often"])

    def test_import_negative_frequency(self):
        messages = self.assertImportRefused(
            ["name", "idic_contact_frequency"], ["Imp B", "-3"]
        )
        self.assertRegex(messages[0]["message"], PERSIAN)

    def test_import_unknown_stage(self):
        self.assertImportRefused(["name", "idic_stage_id"], ["Imp C", "No Such Stage"])

    def test_import_unknown_tier(self):
        self.assertImportRefused(
            ["name", "idic_value_tier_id"], ["Imp D", "No Such Tier"]
        )

    def test_import_unknown_channel(self):
        self.assertImportRefused(
            ["name", "idic_preferred_channel"], ["Imp E", "pigeon"]
        )

    def test_import_future_birthday(self):
        self.assertImportRefused(["name", "idic_birthdate"], ["Imp F", "2999-01-01"])


@tagged("post_install", "-at_install")
class TestBadPortalInput(HttpCase):
    """A portal user asking for another customer's card, a guessed card id or
    a tampered URL gets nothing of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write({"idic_points_rate": 1.0})
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "Bad Portal Mine", "email": "m@example.com"})
        cls.theirs = Partner.create(
            {"name": "Bad Portal Theirs Co", "is_company": True}
        )
        new_user(
            cls.env,
            login="idic_bad_portal",
            groups="base.group_portal",
            partner_id=cls.mine.id,
            password="idic_bad_portal",
        )
        Card = cls.env["loyalty.card"]
        cls.my_card = Card._idic_card(cls.mine, company)
        cls.my_card._idic_add_line(10.0, "earn", "Mine")
        cls.their_card = Card._idic_card(cls.theirs, company)
        # An amount no asset hash or token of a page is likely to hold.
        cls.their_card._idic_add_line(98765.0, "earn", "Theirs")

    def setUp(self):
        super().setUp()
        self.authenticate("idic_bad_portal", "idic_bad_portal")

    def assertNothingOf(self, url):
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303, 404), url)
        for shown in ("98765", "98,765"):
            self.assertNotIn(shown, response.text)
        self.assertNotIn("Bad Portal Theirs", response.text)

    def test_other_customers_statement(self):
        self.assertNothingOf(f"/my/points/{self.their_card.id}/statement")

    def test_guessed_card_id(self):
        last = self.env["loyalty.card"].search([], order="id desc", limit=1).id
        self.assertNothingOf(f"/my/points/{last + 1000}/statement")

    def test_tampered_urls(self):
        for url in (
            f"/my/points/{self.their_card.id}abc/statement",
            "/my/points/-1/statement",
            f"/my/points/{self.their_card.id}/statement?report_type=pdf&download=1",
        ):
            with self.subTest(url=url):
                self.assertNothingOf(url)
        # Their own statement works.
        response = self.url_open(f"/my/points/{self.my_card.id}/statement")
        self.assertEqual(response.status_code, 200)
