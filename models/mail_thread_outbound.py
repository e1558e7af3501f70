# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an employee says to a customer in a chatter is an outbound
interaction (issue #25), as what the customer says is an inbound one
(``mail_thread.py``)."""

from odoo import models

# Messages a person writes (a log note is a comment too: its subtype tells).
OUTBOUND_TYPES = ("comment", "email", "email_outgoing")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if (
            len(self) == 1
            and message.message_type in OUTBOUND_TYPES
            and message.subtype_id
            and not message.subtype_id.internal
        ):
            self._idic_log_outbound_message(message)
        return result

    def _idic_outbound_author(self, message):
        """The employee who wrote ``message``, or an empty recordset."""
        return (
            message.sudo()
            .author_id.user_ids.filtered(lambda user: not user.share)
            .sorted(lambda user: user.id != message.create_uid.id)[:1]
        )

    def _idic_is_own_partner(self, partner):
        """Whether ``partner`` is one of ours (an employee or a company of the
        database) rather than a customer (a hook)."""
        commercial = partner.commercial_partner_id
        return bool(
            commercial.user_ids.filtered(lambda user: not user.share)
            or self.env["res.company"]
            .sudo()
            .search_count([("partner_id", "=", commercial.id)], limit=1)
        )

    def _idic_log_outbound_message(self, message):
        """A comment or e-mail an employee posts in the chatter of a customer
        or of one of its documents is an outbound interaction, once per
        message."""
        user = self._idic_outbound_author(message)
        if not user:
            return
        record = self.sudo()
        partner = record._idic_interaction_partner()
        if not partner or self._idic_is_own_partner(partner):
            return
        is_partner = self._name == "res.partner"
        company = partner.company_id
        field = record._fields.get("company_id")
        if not company and field and field.comodel_name == "res.company":
            company = record.company_id
        self.env["idic.interaction"].sudo()._idic_log_events(
            [
                {
                    "partner_id": partner.id,
                    "date": message.date,
                    "channel": "email",
                    "direction": "outbound",
                    "subject": message.subject
                    or message.record_name
                    or self.env._("E-mail"),
                    "summary": message.body,
                    "user_id": user.id,
                    "res_model": False if is_partner else self._name,
                    "res_id": False if is_partner else self.id,
                    "company_id": (company or self.env.company).id,
                    "origin_key": f"mail.message,{message.id}",
                }
            ]
        )
