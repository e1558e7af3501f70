# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every conversation recorded (issue #25): what employees write to customers
from a chatter, and the mailings of Email Marketing, are outbound
interactions; the first of them answers the customer's request."""

import random
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.mail.tests.common import MockEmail

from .common import IdicCase, new_user

INCOMING = """Return-Path: <tina@out.example.com>
To: catchall@example.com
From: Tina Out <tina@out.example.com>
Subject: Price list please
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Date: Mon, 10 Aug 2026 09:00:00 +0000
Message-ID: <price-list@out.example.com>

Hello, could you send me your new price list?
"""
RECEIVED = datetime(2026, 8, 10, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestOutbound(IdicCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Outbound Co", "is_company": True, "email": "info@out.example.com"}
        )
        cls.contact = Partner.create(
            {
                "name": "Tina Out",
                "parent_id": cls.customer.id,
                "email": "tina@out.example.com",
            }
        )
        cls.seller = new_user(
            cls.env,
            login="idic_seller",
            groups="partner_idic.group_idic_user,account.group_account_invoice,"
            "mass_mailing.group_mass_mailing_user",
            name="Sam Seller",
            email="sam@ours.example.com",
        )

    def _interactions(self, **where):
        domain = [("commercial_partner_id", "=", self.customer.id)]
        domain += [(key, "=", value) for key, value in where.items()]
        return self.env["idic.interaction"].search(domain)

    def test_chatter_message_is_one_outbound_interaction(self):
        partner = self.customer.with_user(self.seller)
        message = partner.message_post(
            body="Here is our new offer.",
            subject="Offer",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        interaction = self._interactions(direction="outbound")
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.channel, "email")
        self.assertEqual(interaction.user_id, self.seller)
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.subject, "Offer")
        self.assertEqual(interaction.origin_key, f"mail.message,{message.id}")
        self.assertEqual(self.contact.idic_last_interaction_date, message.date)
        # A log note is not an interaction.
        partner.message_post(
            body="Internal: they pay late.", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(len(self._interactions()), 1)

    def test_message_on_a_document_of_the_customer(self):
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.contact.id}
        )
        invoice.with_user(self.seller).message_post(
            body="Your invoice is attached.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        interaction = self._interactions()
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.partner_id, self.contact)
        self.assertEqual(interaction.source_document, invoice)
        self.assertEqual(interaction.company_id, invoice.company_id)

    def test_not_an_employee_or_not_a_customer(self):
        # The system writing (OdooBot) is nobody talking to the customer.
        self.customer.with_user(self.env.ref("base.user_root")).message_post(
            body="Automatic notice",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(self._interactions())
        # A colleague's own contact card is not a customer.
        self.idic_user.partner_id.with_user(self.seller).message_post(
            body="Lunch?", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertFalse(
            self.env["idic.interaction"].search(
                [("partner_id", "=", self.idic_user.partner_id.id)]
            )
        )

    def test_reply_three_hours_later_answers_the_request(self):
        """The customer's e-mail arrives in the chatter at 09:00; the
        salesperson answers from the chatter at 12:00: 3.0 hours."""
        self.env["mail.thread"].message_process(
            "res.partner", INCOMING, thread_id=self.customer.id
        )
        request = self._interactions(direction="inbound")
        self.assertEqual(request.date, RECEIVED)
        self.assertFalse(request.response_date)
        with freeze_time(RECEIVED + timedelta(hours=3)):
            self.customer.with_user(self.seller).message_post(
                body="Here it is.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(request.response_date, RECEIVED + timedelta(hours=3))
        self.assertEqual(round(request.response_hours, 1), 3.0)

    # ------------------------------------------------------------------------
    # Mailings
    # ------------------------------------------------------------------------
    def _send_mailing(self, partners, model="res.partner", lists=None):
        Mailing = self.env["mailing.mailing"].with_user(self.seller)
        vals = {
            "subject": "Spring news",
            "body_html": "<p>Spring is here</p>",
            "mailing_model_id": self.env["ir.model"]._get_id(model),
        }
        if lists:
            vals["contact_list_ids"] = [(6, 0, lists.ids)]
        else:
            vals["mailing_domain"] = repr([("id", "in", partners.ids)])
        mailing = Mailing.create(vals)
        # Odoo's own SMTP stand-in: the e-mails leave, nothing goes out.
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
            self.env["mail.mail"].sudo().search(
                [("mailing_id", "=", mailing.id)]
            ).send()
        return mailing.sudo()

    def test_mailing_logs_its_delivered_emails_once(self):
        others = self.env["res.partner"].create(
            [
                {"name": f"Reader {n}", "email": f"reader{n}@out.example.com"}
                for n in range(3)
            ]
        )
        request = self.env["idic.interaction"].create(
            {
                "partner_id": self.contact.id,
                "subject": "Question",
                "direction": "inbound",
                "date": fields.Datetime.now() - timedelta(hours=2),
            }
        )
        mailing = self._send_mailing(others | self.customer)
        traces = mailing.mailing_trace_ids
        self.assertEqual(set(traces.mapped("trace_status")), {"sent"})
        self.assertEqual(mailing._idic_log_interactions(), 4)
        logged = self.env["idic.interaction"].search([("mailing_id", "=", mailing.id)])
        self.assertEqual(len(logged), 4)
        self.assertEqual(set(logged.mapped("direction")), {"outbound"})
        self.assertEqual(set(logged.mapped("channel")), {"email"})
        self.assertEqual(logged.partner_id, others | self.customer)
        self.assertEqual(logged.user_id, self.seller)
        self.assertEqual(
            set(logged.mapped("origin_key")), {f"mailing.trace,{t.id}" for t in traces}
        )
        # The customer was contacted: its last interaction moved.
        self.customer.invalidate_recordset()
        self.assertEqual(
            self.customer.idic_last_interaction_date,
            max(
                logged.filtered(lambda i: i.partner_id == self.customer).mapped("date")
            ),
        )
        # The mailing is the first outbound e-mail after the request: it answers
        # it (the company setting "Mailings Answer Requests", on by default).
        request.invalidate_recordset()
        self.assertEqual(
            request.response_date,
            logged.filtered(lambda i: i.partner_id == self.customer).date,
        )
        # Logged once, whatever the number of calls.
        self.assertEqual(mailing._idic_log_interactions(), 0)
        self.assertEqual(
            self.env["idic.interaction"].search_count(
                [("mailing_id", "=", mailing.id)]
            ),
            4,
        )

    def test_mailing_answers_a_request_unless_the_company_says_not(self):
        """An e-mail arrives three hours before a mailing reaches the
        customer: the mailing, logged set-based from its traces, answers it
        in 3.0 hours. A company whose newsletters are not answers unticks
        the setting: the request is open again, and the next mailing does
        not answer the next request."""
        Interaction = self.env["idic.interaction"]
        request = Interaction.create(
            {
                "partner_id": self.contact.id,
                "subject": "Price list please",
                "direction": "inbound",
                "date": fields.Datetime.now() - timedelta(hours=3),
            }
        )
        mailing = self._send_mailing(self.customer)
        self.assertEqual(mailing._idic_log_interactions(), 1)
        email = self._interactions(mailing_id=mailing.id)
        request.invalidate_recordset()
        self.assertEqual(request.response_date, email.date)
        self.assertEqual(round(request.response_hours, 1), 3.0)

        company = request.company_id
        self.assertTrue(company.idic_mailings_answer)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.idic_mailings_answer)
        settings.idic_mailings_answer = False
        settings.execute()
        self.assertFalse(company.idic_mailings_answer)
        request.invalidate_recordset()
        self.assertFalse(request.response_date)

        later = Interaction.create(
            {
                "partner_id": self.contact.id,
                "subject": "Still waiting",
                "direction": "inbound",
                "date": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        second = self._send_mailing(self.customer)
        self.assertEqual(second._idic_log_interactions(), 1)
        (request | later).invalidate_recordset()
        self.assertFalse(later.response_date)
        self.assertFalse(request.response_date)
        # A reply of the salesperson still answers both.
        self.customer.with_user(self.seller).message_post(
            body="Here it is.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        (request | later).invalidate_recordset()
        self.assertTrue(request.response_date)
        self.assertEqual(later.response_date, request.response_date)

    def test_mailing_to_a_list_finds_the_customer_by_email(self):
        mailing_list = self.env["mailing.list"].create({"name": "Newsletter"})
        link = [(4, mailing_list.id)]
        self.env["mailing.contact"].create(
            [
                {"name": "Tina", "email": "TINA@out.example.com", "list_ids": link},
                {
                    "name": "Nobody",
                    "email": "nobody@else.example.com",
                    "list_ids": link,
                },
            ]
        )
        mailing = self._send_mailing(None, model="mailing.list", lists=mailing_list)
        self.assertEqual(mailing._idic_log_interactions(), 1)
        self.assertEqual(
            self._interactions(mailing_id=mailing.id).partner_id, self.contact
        )

    def test_mailing_cron_and_active_communication(self):
        """The hourly job logs the mailing and does not look at it again;
        its e-mails count in the "active communication" health figure."""
        self.load_chart(self.company)
        self.make_invoice(
            self.customer,
            self.today - timedelta(days=20),
            [("Service", 100.0)],
            self.company,
        )
        Snapshot = self.env["idic.health.snapshot"]
        month = self.today.replace(day=1)

        def figure():
            # Measured a minute later (the e-mails are dated to the second).
            later = fields.Datetime.now() + timedelta(minutes=1)
            snapshots = Snapshot._measure_month(self.company, month, now=later)
            return snapshots.filtered(
                lambda s: s.figure == "communication_outbound"
            ).value

        before = figure()
        mailing = self._send_mailing(self.customer)
        with self.enter_registry_test_mode():
            self.env.ref(
                "partner_idic.ir_cron_idic_mailing_interactions"
            ).method_direct_trigger()
        self.env.invalidate_all()
        self.assertTrue(mailing.idic_interactions_done)
        self.assertEqual(len(self._interactions(mailing_id=mailing.id)), 1)
        self.assertGreater(figure(), before)

    def test_demo_requests_are_answered_like_real_ones(self):
        """The demo story's answers to the customers' requests: most within
        hours, some late, a few never (the story's own step, on requests of
        its kind: a database upgraded from an earlier demo has none of its
        answers)."""
        partners = self.env["res.partner"].create(
            [{"name": f"Demo Story {n}", "is_company": True} for n in range(12)]
        )
        start = fields.Datetime.now() - timedelta(days=200)
        self.env["idic.interaction"].create(
            [
                {
                    "partner_id": partner.id,
                    "date": start + timedelta(days=15 * k + n),
                    "channel": ("email", "phone", "chat")[k % 3],
                    "direction": "inbound",
                    "subject": f"Request {k}",
                }
                for n, partner in enumerate(partners)
                for k in range(4)
            ]
        )
        self.env["idic.demo"]._story_answers(list(partners), random.Random(1402))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT COUNT(*) FILTER (WHERE response_hours > 0
                                            AND response_hours <= 12),
                          COUNT(*) FILTER (WHERE response_hours > 24),
                          COUNT(*) FILTER (WHERE response_date IS NULL),
                          COUNT(*)
                     FROM idic_interaction i
                    WHERE i.direction = 'inbound' AND i.partner_id IN %s""",
                tuple(partners.ids),
            )
        )
        quick, late, never, total = self.env.cr.fetchone()
        self.assertEqual(total, 48)
        self.assertGreater(quick, total / 2)
        self.assertGreater(late, 0)
        self.assertGreater(never, 0)
