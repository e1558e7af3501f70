# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The voice of the customer (issue #30): answers to the recommendation
(NPS) and satisfaction (CSAT) surveys as interactions and figures, the
company NPS of a month by hand (6 promoters, 3 passives, 1 detractor: 50),
the detractor's call back, and the sending rules with their throttling, run
by the daily job as the scheduler runs it."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import IdicCase, new_user

# Friday 6 March 2026, 10:00 UTC: the complaint deadline (2 working days)
# falls on Tuesday 10 March.
FRIDAY = datetime(2026, 3, 6, 10, 0)
TUESDAY = date(2026, 3, 10)


@tagged("post_install", "-at_install")
class VoiceCase(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_v = cls.env["res.company"].create(
            {"name": "IDIC Voice Co", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.company_v.resource_calendar_id.tz = "UTC"
        for user in cls.idic_user | cls.idic_manager | cls.plain_user:
            user.company_ids = [Command.link(cls.company_v.id)]
        cls.salesperson = new_user(
            cls.env,
            login="idic_voice_sales",
            groups="partner_idic.group_idic_user",
            name="Voice Salesperson",
            email="sales@example.com",
            company_id=cls.company_v.id,
            company_ids=[cls.company_v.id],
        )
        cls.nps_survey = cls.env.ref("partner_idic.idic_voice_survey_nps")
        cls.csat_survey = cls.env.ref("partner_idic.idic_voice_survey_csat")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Voice Customer",
                "is_company": True,
                "email": "customer@example.com",
                "user_id": cls.salesperson.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Voice Contact",
                "parent_id": cls.customer.id,
                "email": "contact@example.com",
            }
        )

    def answer(self, survey, partner, score, comment="", company=None):
        """``partner`` answers ``survey`` (invited for ``company``) as the
        survey's public page saves it: the score and a comment, then done."""
        answer = survey.sudo()._create_answer(
            partner=partner,
            check_attempts=False,
            idic_company_id=(company or self.company_v).id,
        )
        score_question, comment_question = survey.question_ids.sorted("sequence")
        answer._save_lines(score_question, score)
        if comment:
            answer._save_lines(comment_question, comment)
        answer._mark_done()
        return answer

    def interaction_of(self, answer):
        return self.env["idic.interaction"].search(
            [("origin_key", "=", f"survey.user_input,{answer.id}")]
        )


class TestVoiceAnswers(VoiceCase):
    def test_nps_answer_of_9_makes_a_promoter(self):
        answer = self.answer(self.nps_survey, self.contact, 9, "Fast and friendly")
        interaction = self.interaction_of(answer)
        self.assertEqual(len(interaction), 1)
        self.assertEqual(
            (interaction.direction, interaction.channel, interaction.kind),
            ("inbound", "survey", "survey"),
        )
        self.assertEqual(interaction.nps_score, 9)
        self.assertEqual(interaction.nps_category, "promoter")
        self.assertEqual(interaction.company_id, self.company_v)
        self.assertEqual(interaction.commercial_partner_id, self.customer)
        self.assertIn("Fast and friendly", interaction.summary)
        self.assertEqual(answer.idic_customer_id, self.customer)
        # The customer and its contacts carry it, in the company that asked.
        for partner in self.customer | self.contact:
            mine = partner.with_user(self.idic_user).with_company(self.company_v)
            self.assertEqual(mine.idic_nps_score, 9)
            self.assertEqual(mine.idic_nps_category, "promoter")
            self.assertFalse(partner.with_company(self.other_company).idic_nps_category)
        # Answered twice (the page reloaded): one interaction.
        answer._idic_log_voice_answers()
        self.assertEqual(len(self.interaction_of(answer)), 1)

    def test_categories_and_last_csat(self):
        for score, category in ((10, "promoter"), (7, "passive"), (6, "detractor")):
            with self.subTest(score=score):
                self.answer(self.nps_survey, self.customer, score)
                customer = self.customer.with_company(self.company_v)
                self.assertEqual(customer.idic_nps_score, score)
                self.assertEqual(customer.idic_nps_category, category)
        self.answer(self.csat_survey, self.customer, 2)
        self.answer(self.csat_survey, self.customer, 4)
        customer = self.customer.with_company(self.company_v)
        self.assertEqual(customer.idic_csat_last, 4)
        csat = self.env["idic.interaction"].search(
            [("commercial_partner_id", "=", self.customer.id), ("kind", "=", "survey")]
        )
        self.assertEqual(
            sorted(csat.filtered("satisfaction").mapped("satisfaction")), ["2", "4"]
        )

    def test_figures_are_read_only(self):
        self.answer(self.nps_survey, self.customer, 3)
        interaction = self.env["idic.interaction"].search(
            [("commercial_partner_id", "=", self.customer.id)]
        )
        with self.assertRaises(AccessError):
            interaction.with_user(self.idic_manager).write({"nps_score": 10})
        with self.assertRaises(AccessError):
            self.env["idic.interaction"].with_user(self.idic_user).create(
                {
                    "partner_id": self.customer.id,
                    "subject": "Fake",
                    "nps_category": "promoter",
                    "company_id": self.company_v.id,
                }
            )
        customer = self.customer.with_company(self.company_v)
        customer.with_user(self.idic_manager).write({"idic_nps_category": "promoter"})
        self.assertEqual(customer.idic_nps_category, "detractor")
        portal = new_user(self.env, "idic_voice_portal", "base.group_portal")
        with self.assertRaises(AccessError):
            self.customer.with_user(portal).read(["idic_nps_score"])

    @freeze_time(FRIDAY)
    def test_detractor_called_back(self):
        """A detractor's answer gives the salesperson a call due within the
        complaint deadline (Friday + 2 working days: Tuesday); the call,
        once done, contacts it, and the Overview counts it no more."""
        answer = self.answer(self.nps_survey, self.contact, 3, "Too slow")
        interaction = self.interaction_of(answer)
        self.assertEqual(interaction.nps_category, "detractor")
        activity = interaction.followup_activity_id
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.date_deadline, TUESDAY)
        self.assertEqual(interaction.feedback_deadline, TUESDAY)

        def uncalled():
            section = (
                self.env["idic.overview"]
                .with_user(self.idic_user)
                .with_company(self.company_v)
                ._section_voice(FRIDAY.date())
            )
            tiles = {tile["key"]: tile for tile in section["tiles"]}
            return tiles["voice_detractors_uncalled"]["value"]

        self.assertEqual(uncalled(), 1)
        with freeze_time(FRIDAY + timedelta(hours=3)):
            activity.with_user(self.salesperson).action_feedback(feedback="Called")
        self.assertTrue(interaction.response_date)
        self.assertEqual(uncalled(), 0)
        # February's... March's figure: the one detractor due was called in time.
        self.env["idic.health.snapshot"]._measure_month(
            self.company_v, date(2026, 3, 1), now=datetime(2026, 3, 31, 12, 0)
        )
        figure = self.env["idic.health.snapshot"].search(
            [
                ("company_id", "=", self.company_v.id),
                ("figure", "=", "voice_detractors_called"),
            ]
        )
        self.assertEqual((figure.value, figure.sample), (100.0, 1))

    def test_company_nps_of_a_month(self):
        """February: 6 promoters, 3 passives, 1 detractor: NPS 60 - 10 = 50;
        satisfaction answers 5, 4, 4, 2: 75 % satisfied."""
        customers = self.env["res.partner"].create(
            [{"name": f"NPS {n}", "email": f"nps{n}@example.com"} for n in range(10)]
        )
        scores = [9, 10, 9, 10, 9, 9, 7, 8, 7, 2]
        with freeze_time(datetime(2026, 2, 10, 9, 0)):
            for customer, score in zip(customers, scores, strict=True):
                self.answer(self.nps_survey, customer, score)
            for customer, score in zip(customers, [5, 4, 4, 2], strict=False):
                self.answer(self.csat_survey, customer, score)
        with freeze_time(datetime(2026, 3, 1, 10, 0)):
            self.env["idic.health.snapshot"]._measure_month(
                self.company_v, date(2026, 2, 1)
            )
        rows = {
            row.figure: row
            for row in self.env["idic.health.snapshot"].search(
                [("company_id", "=", self.company_v.id), ("month", "=", "2026-02-01")]
            )
        }
        self.assertAlmostEqual(rows["voice_nps"].value, 50.0, places=6)
        self.assertEqual(rows["voice_nps"].sample, 10)
        self.assertEqual(rows["voice_nps"].status, "on")  # target 30
        self.assertAlmostEqual(rows["voice_csat"].value, 75.0, places=6)
        self.assertEqual(rows["voice_csat"].status, "near")  # target 80, band 8
        # The Overview of the month: the same NPS, the same CSAT.
        with freeze_time(datetime(2026, 2, 20, 9, 0)):
            section = (
                self.env["idic.overview"]
                .with_user(self.idic_user)
                .with_company(self.company_v)
                ._section_voice(date(2026, 2, 20))
            )
        tiles = {tile["key"]: tile for tile in section["tiles"]}
        self.assertEqual(tiles["voice_nps"]["value"], 50.0)
        self.assertEqual(tiles["voice_csat"]["value"], 75.0)

    def test_promoter_adds_influence_value(self):
        """With a value per promoter, a promoter's influence value (CIV) of
        the company grows by it at the next value recompute."""
        self.company_v.idic_promoter_value = 25.0
        self.answer(self.nps_survey, self.customer, 10)
        passive = self.env["res.partner"].create(
            {"name": "Passive", "email": "passive@example.com"}
        )
        self.answer(self.nps_survey, passive, 8)
        self.env["res.partner"].with_company(self.company_v)._idic_recompute_values(
            companies=self.company_v, commit=False
        )
        self.assertEqual(self.customer.with_company(self.company_v).idic_civ, 25.0)
        self.assertEqual(self.contact.with_company(self.company_v).idic_civ, 25.0)
        self.assertFalse(passive.with_company(self.company_v).idic_civ)

    def test_bad_settings(self):
        company = self.company_v.with_user(self.idic_admin)
        for field, value in (
            ("idic_survey_throttle_days", -1),
            ("idic_complaint_deadline_days", 400),
            ("idic_promoter_value", float("nan")),
            ("idic_promoter_value", -5.0),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                company.write({field: value})
        with self.assertRaises(ValidationError):
            self.nps_survey.question_ids.filtered(
                lambda q: q.question_type == "scale"
            ).scale_max = 5


TODAY = date(2026, 3, 10)  # a Tuesday


@tagged("post_install", "-at_install")
class TestVoiceRules(VoiceCase):
    """Three rules of the company (a CSAT after a paid invoice, a CSAT after
    a resolved complaint, an NPS once a year to active customers, daily limit
    1) over customers that each test one condition."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_chart(cls.company_v)
        cls.product = cls.env["product.product"].create(
            {"name": "Voice Service", "type": "service", "taxes_id": [Command.clear()]}
        )
        Partner = cls.env["res.partner"]
        names = "paid complaint active do_not_contact blacklisted no_email throttled old_paid"
        cls.p = {}
        for name in names.split():
            cls.p[name] = Partner.create(
                {
                    "name": f"Voice {name}",
                    "is_company": True,
                    "email": False if name == "no_email" else f"{name}@example.com",
                    "idic_do_not_contact": name == "do_not_contact",
                }
            )
        cls.env["mail.blacklist"].create({"email": "blacklisted@example.com"})
        cls.env["survey.user_input"].create(
            {
                "survey_id": cls.nps_survey.id,
                "partner_id": cls.p["throttled"].id,
                "idic_company_id": cls.company_v.id,
            }
        )
        cls.env.cr.execute(
            "UPDATE survey_user_input SET create_date = %s WHERE idic_customer_id = %s",
            (datetime(2026, 2, 8, 9, 0), cls.p["throttled"].id),
        )
        for name in ("paid", "do_not_contact", "blacklisted", "no_email", "throttled"):
            cls.pay(cls.invoice(cls.p[name], "2026-02-01"), "2026-03-08")
        cls.pay(cls.invoice(cls.p["old_paid"], "2026-01-05"), "2026-02-01")
        cls.invoice(cls.p["active"], "2025-12-01")
        cls.complaint = cls.env["idic.interaction"].create(
            {
                "partner_id": cls.p["complaint"].id,
                "subject": "Late delivery",
                "kind": "complaint",
                "direction": "inbound",
                "date": "2026-03-05 09:00:00",
                "company_id": cls.company_v.id,
                "resolution": "<p>Delivered with a voucher</p>",
            }
        )
        with freeze_time(datetime(2026, 3, 9, 15, 0)):
            cls.complaint.action_feedback_resolve()
        Rule = cls.env["idic.voice.rule"]
        cls.rule_paid = Rule.create(
            {
                "name": "CSAT after payment",
                "company_id": cls.company_v.id,
                "survey_id": cls.csat_survey.id,
                "trigger": "invoice_paid",
                "delay_days": 2,
                "sequence": 10,
            }
        )
        cls.rule_complaint = Rule.create(
            {
                "name": "CSAT after a complaint",
                "company_id": cls.company_v.id,
                "survey_id": cls.csat_survey.id,
                "trigger": "interaction_closed",
                "interaction_kind_ids": [
                    Command.set(
                        cls.env.ref("partner_idic.idic_interaction_kind_complaint").ids
                    )
                ],
                "delay_days": 1,
                "sequence": 20,
            }
        )
        cls.rule_yearly = Rule.create(
            {
                "name": "NPS once a year",
                "company_id": cls.company_v.id,
                "survey_id": cls.nps_survey.id,
                "trigger": "yearly",
                "daily_limit": 1,
                "sequence": 30,
            }
        )

    @classmethod
    def invoice(cls, partner, day):
        return cls.make_invoice(partner, day, [(cls.product, 100.0)], cls.company_v)

    @classmethod
    def pay(cls, invoice, day):
        cls.env["account.payment.register"].with_company(cls.company_v).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": day})._create_payments()
        assert invoice.payment_state in ("paid", "in_payment"), invoice.payment_state

    def invitations(self):
        return self.env["survey.user_input"].search(
            [
                (
                    "idic_voice_rule_id",
                    "in",
                    (self.rule_paid | self.rule_complaint | self.rule_yearly).ids,
                )
            ]
        )

    def run_job(self, day=TODAY):
        with freeze_time(
            datetime.combine(day, datetime.min.time()) + timedelta(hours=6)
        ):
            with self.enter_registry_test_mode():
                self.env.ref("partner_idic.ir_cron_idic_voice").method_direct_trigger()
        self.env.invalidate_all()

    def test_rules_pick_and_throttle(self):
        self.run_job()
        self.assertRunsEnded("voice")
        sent = {answer.idic_customer_id: answer for answer in self.invitations()}
        self.assertEqual(
            set(sent), {self.p["paid"], self.p["complaint"], self.p["active"]}
        )
        paid, complaint, active = (
            sent[self.p["paid"]],
            sent[self.p["complaint"]],
            sent[self.p["active"]],
        )
        self.assertEqual(
            (paid.idic_voice_rule_id, paid.survey_id),
            (self.rule_paid, self.csat_survey),
        )
        self.assertTrue(paid.idic_voice_origin.startswith("account.move,"))
        self.assertEqual(complaint.idic_voice_rule_id, self.rule_complaint)
        self.assertEqual(
            complaint.idic_voice_origin, f"idic.interaction,{self.complaint.id}"
        )
        self.assertEqual(active.survey_id, self.nps_survey)
        for answer in sent.values():
            self.assertEqual(answer.idic_company_id, self.company_v)
            self.assertEqual(answer.state, "new")
            mail = self.env["mail.mail"].search(
                [("recipient_ids", "in", answer.partner_id.ids)]
            )
            self.assertEqual(len(mail), 1, answer.partner_id.name)
            self.assertIn(answer.access_token, mail.body_html)
        self.assertEqual(self.rule_paid.sent_count, 1)
        # The same day again: nobody twice.
        self.run_job()
        self.assertEqual(len(self.invitations()), 3)
        # The next day: the yearly rule invites its next active customer
        # (its daily limit of 1), the others are still in their waiting period.
        before = self.invitations()
        self.run_job(TODAY + timedelta(days=1))
        new = self.invitations() - before
        self.assertEqual(new.idic_customer_id, self.p["old_paid"])
        self.assertEqual(new.idic_voice_rule_id, self.rule_yearly)
        # Without a waiting period, an event already surveyed is not surveyed
        # again; the customer surveyed by hand a month ago now is.
        self.company_v.idic_survey_throttle_days = 0
        self.rule_yearly.active = False
        before = self.invitations()
        self.run_job(TODAY + timedelta(days=2))
        new = self.invitations() - before
        self.assertEqual(new.idic_customer_id, self.p["throttled"])
        self.assertEqual(new.idic_voice_rule_id, self.rule_paid)

    def test_answer_closes_the_loop(self):
        """The invited customer answers through its token: an interaction,
        and the rule counts the answer."""
        self.env["res.partner"]._idic_recompute_job_specs()
        with freeze_time(datetime(2026, 3, 10, 6, 0)):
            self.env["idic.recompute.run"]._idic_execute(
                "voice", self.company_v, commit=False
            )
        answer = self.invitations().filtered(
            lambda a: a.idic_customer_id == self.p["paid"]
        )
        score_question = self.csat_survey._idic_score_question()
        answer._save_lines(score_question, 5)
        answer._mark_done()
        interaction = self.interaction_of(answer)
        self.assertEqual(interaction.satisfaction, "5")
        self.assertEqual(self.rule_paid.answered_count, 1)
        self.assertEqual(self.rule_paid.response_rate, 100.0)

    def test_rule_bad_input_and_access(self):
        Rule = self.env["idic.voice.rule"].with_user(self.idic_manager)
        base = {"name": "Bad", "company_id": self.company_v.id}
        for vals in (
            {"survey_id": self.csat_survey.id, "delay_days": -1},
            {"survey_id": self.csat_survey.id, "daily_limit": -3},
            {"survey_id": self.csat_survey.id, "trigger": "interaction_closed"},
            {"survey_id": self.env.ref("partner_idic.idic_assessment_survey_idic").id},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Rule.create({**base, **vals})
        with self.assertRaises(AccessError):
            self.env["idic.voice.rule"].with_user(self.idic_user).create(
                {**base, "survey_id": self.csat_survey.id}
            )
        self.assertFalse(
            self.env["idic.voice.rule"].with_user(self.other_user).search([])
        )


@tagged("post_install", "-at_install")
class TestVoicePersian(IdicCase):
    def test_surveys_in_persian(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        nps = self.env.ref("partner_idic.idic_voice_survey_nps").with_context(
            lang="fa_IR"
        )
        self.assertEqual(nps.title, "ما را توصیه می‌کنید؟")
        self.assertEqual(
            nps.question_ids.sorted("sequence")[0].title,
            "چقدر احتمال دارد ما را به یک دوست یا همکار توصیه کنید؟",
        )
        csat = self.env.ref("partner_idic.idic_voice_survey_csat").with_context(
            lang="fa_IR"
        )
        self.assertEqual(
            csat.question_ids.sorted("sequence")[0].scale_max_label, "بسیار راضی"
        )
