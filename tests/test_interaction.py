# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import Form, tagged

from .common import IdicCase

INCOMING = """Return-Path: <{email}>
To: {to}
Received: by mail1.example.com (Postfix, from userid 10002)
    id 5DF9ABFB2A; Fri, 10 Aug 2026 16:16:39 +0200 (CEST)
From: {name} <{email}>
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Date: Fri, 10 Aug 2026 14:16:26 +0000
Message-ID: {msg_id}

Hello, could you send me your new price list?
"""


@tagged("post_install", "-at_install")
class TestInteractions(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Talkative Co",
                "is_company": True,
                "email": "info@talk.example.com",
            }
        )
        cls.contact = Partner.create(
            {
                "name": "Tina Talk",
                "parent_id": cls.customer.id,
                "email": "tina@talk.example.com",
            }
        )

    def test_log_interaction_from_partner(self):
        action = self.customer.with_user(self.idic_user).action_idic_log_interaction()
        self.assertEqual(action["target"], "new")
        Interaction = self.env["idic.interaction"].with_user(self.idic_user)
        with Form(
            Interaction.with_context(**action["context"]), view=action["views"][0][0]
        ) as form:
            form.subject = "Called about the renewal"
            form.channel = "phone"
        interaction = form.record
        self.assertEqual(interaction.user_id, self.idic_user)
        self.assertEqual(interaction.commercial_partner_id, self.customer)
        self.assertEqual(self.customer.idic_last_interaction_date, interaction.date)
        self.assertEqual(self.contact.idic_last_interaction_date, interaction.date)
        self.assertEqual(self.customer.idic_interaction_count_90d, 1)
        self.assertEqual(self.customer.idic_interaction_count, 1)
        self.assertEqual(self.customer.idic_recent_interaction_ids, interaction)

    def test_last_interaction_searches_sorts_groups(self):
        """The last interaction date lives beside the partner (one row per
        commercial partner) and still filters, sorts and groups as a user's
        list does; merging two customers that both have one works."""
        Partner = self.env["res.partner"]
        other = Partner.create({"name": "Quiet Co", "is_company": True})
        silent = Partner.create({"name": "Silent Co", "is_company": True})
        now = fields.Datetime.now().replace(microsecond=0)
        Interaction = self.env["idic.interaction"]
        Interaction.create(
            {"partner_id": self.contact.id, "subject": "Recent", "date": now}
        )
        Interaction.create(
            {
                "partner_id": other.id,
                "subject": "Older",
                "date": now - timedelta(days=40),
            }
        )
        users = Partner.with_user(self.idic_user)
        ours = [("id", "in", (self.customer | self.contact | other | silent).ids)]
        self.assertEqual(
            users.search([*ours, ("idic_last_interaction_date", ">=", now)]),
            self.customer | self.contact,
        )
        self.assertEqual(
            users.search(
                [*ours, ("idic_last_interaction_date", "<", now - timedelta(days=30))]
            ),
            other,
        )
        self.assertEqual(
            users.search([*ours, ("idic_last_interaction_date", "=", False)]), silent
        )
        self.assertEqual(
            users.search([*ours, ("idic_last_interaction_date", "!=", False)]),
            self.customer | self.contact | other,
        )
        ordered = users.search(
            ours, order="idic_last_interaction_date desc nulls last, id"
        )
        self.assertEqual(ordered[:2], self.customer | self.contact)
        self.assertEqual(ordered[2:], other | silent)
        self.assertEqual(
            users.search(ours, order="idic_last_interaction_date asc, id")[0], other
        )
        groups = users._read_group(
            ours, ["idic_last_interaction_date:day"], ["__count"]
        )
        days = {
            (day.date() if hasattr(day, "date") else day): count
            for day, count in groups
        }
        self.assertEqual(days[now.date()], 2)
        self.assertEqual(days[(now - timedelta(days=40)).date()], 1)
        self.assertEqual(days[False], 1)
        # Merged into the customer that talked with us 40 days ago, the
        # customer of today's interaction leaves its row and its interactions:
        # the merged customer's last interaction is today's.
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner")
            .create({})
        )
        wizard._merge((other | self.customer).ids, other)
        self.assertFalse(self.customer.exists())
        self.assertEqual(
            Interaction.search([("subject", "=", "Recent")]).commercial_partner_id,
            other,
        )
        other.invalidate_recordset()
        self.contact.invalidate_recordset()
        self.assertEqual(other.idic_last_interaction_date, now)
        self.assertEqual(self.contact.idic_last_interaction_date, now)
        self.assertEqual(
            self.env["idic.partner.activity"].search_count(
                [("partner_id", "in", (other | self.customer).ids)]
            ),
            1,
        )

    def test_interacting_rule_uses_recent_interactions(self):
        Interaction = self.env["idic.interaction"]
        old = Interaction.create(
            {
                "partner_id": self.contact.id,
                "subject": "Long ago",
                "date": fields.Datetime.now() - timedelta(days=120),
            }
        )
        self.advance()
        self.assertEqual(self.customer.idic_stage_id, self.stage_identified)
        self.assertEqual(self.customer.idic_interaction_count_90d, 0)
        old.date = fields.Datetime.now() - timedelta(days=10)
        self.assertIn(
            self.customer,
            self.env["res.partner"].search([("idic_interaction_count_90d", ">", 0)]),
        )
        self.advance()
        self.assertEqual(self.customer.idic_stage_id, self.stage_interacting)
        self.assertEqual(self.contact.idic_stage_id, self.stage_interacting)
        old.unlink()
        self.assertFalse(self.customer.idic_last_interaction_date)

    def test_response_time_of_inbound_request(self):
        Interaction = self.env["idic.interaction"]
        start = fields.Datetime.now() - timedelta(hours=10)
        request = Interaction.create(
            {
                "partner_id": self.contact.id,
                "subject": "Where is my order?",
                "direction": "inbound",
                "channel": "chat",
                "date": start,
            }
        )
        self.assertFalse(request.response_date)
        Interaction.create(
            {
                "partner_id": self.customer.id,
                "subject": "Your order ships tomorrow",
                "direction": "outbound",
                "channel": "email",
                "date": start + timedelta(hours=4),
            }
        )
        self.assertEqual(request.response_date, start + timedelta(hours=4))
        self.assertAlmostEqual(request.response_hours, 4.0, places=2)

    def test_done_activity_logs_one_interaction(self):
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_call",
            summary="Call about the offer",
            user_id=self.idic_user.id,
        )
        key = f"mail.activity,{activity.id}"
        activity.with_user(self.idic_user).action_feedback(
            feedback="Interested, send a quote"
        )
        interaction = self.env["idic.interaction"].search([("origin_key", "=", key)])
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.channel, "phone")
        self.assertEqual(interaction.direction, "outbound")
        self.assertEqual(interaction.subject, "Call about the offer")
        self.assertEqual(interaction.user_id, self.idic_user)
        self.assertIn("Interested", interaction.summary)
        # Processing the same activity again logs nothing new.
        values = activity._idic_interaction_values("again")
        self.env["idic.interaction"]._idic_log_events(values)
        self.assertEqual(
            self.env["idic.interaction"].search_count([("origin_key", "=", key)]), 1
        )

    def test_done_activity_on_document_of_partner(self):
        """An activity on an invoice of the customer is an interaction with the
        customer, and points back to the invoice."""
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.contact.id}
        )
        activity = invoice.activity_schedule(
            "mail.mail_activity_data_email",
            summary="Send reminder",
            user_id=self.env.uid,
        )
        activity.action_done()
        interaction = self.env["idic.interaction"].search(
            [("origin_key", "=", f"mail.activity,{activity.id}")]
        )
        self.assertEqual(interaction.channel, "email")
        self.assertEqual(interaction.partner_id, self.contact)
        self.assertEqual(interaction.commercial_partner_id, self.customer)
        self.assertEqual(interaction.source_document, invoice)

    def _receive(self, msg_id, email="tina@talk.example.com", name="Tina Talk"):
        message = INCOMING.format(
            email=email,
            name=name,
            to="catchall@example.com",
            subject="Price list",
            msg_id=msg_id,
        )
        return self.env["mail.thread"].message_process(
            "res.partner", message, thread_id=self.customer.id
        )

    def test_incoming_email_logs_one_inbound_interaction(self):
        msg_id = "<price-list-1@talk.example.com>"
        self._receive(msg_id)
        interactions = self.env["idic.interaction"].search(
            [("commercial_partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(interactions), 1)
        self.assertEqual(interactions.direction, "inbound")
        self.assertEqual(interactions.channel, "email")
        self.assertEqual(interactions.partner_id, self.contact)
        self.assertEqual(interactions.subject, "Price list")
        # The same e-mail delivered twice is logged once.
        self._receive(msg_id)
        self.assertEqual(
            self.env["idic.interaction"].search_count(
                [("commercial_partner_id", "=", self.customer.id)]
            ),
            1,
        )

    def test_email_from_a_stranger_is_not_an_interaction(self):
        self._receive(
            "<stranger-1@else.example.com>", email="x@else.example.com", name="X"
        )
        self.assertFalse(
            self.env["idic.interaction"].search(
                [("commercial_partner_id", "=", self.customer.id)]
            )
        )
