# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _idic_interaction_partner(self):
        """The customer an event on this record is an interaction with, or an
        empty recordset (a hook: the partner itself, or the document's
        ``partner_id``)."""
        self.ensure_one()
        if self._name == "res.partner":
            return self
        field = self._fields.get("partner_id")
        if field and field.type == "many2one" and field.comodel_name == "res.partner":
            return self.partner_id
        return self.env["res.partner"]

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if message.message_type == "email" and message.author_id and len(self) == 1:
            self._idic_log_incoming_email(message)
        return result

    def _idic_log_incoming_email(self, message):
        """An e-mail from the customer (or one of its contacts) that arrives in
        the chatter of the customer or of one of its documents is an inbound
        interaction."""
        partner = self.sudo()._idic_interaction_partner()
        author = message.author_id
        if not partner or author.commercial_partner_id != partner.commercial_partner_id:
            return
        if author.user_ids.filtered(lambda user: not user.share):
            return  # an employee's mail is not the customer talking
        key = message.message_id or f"mail.message,{message.id}"
        is_partner = self._name == "res.partner"
        self.env["idic.interaction"].sudo()._idic_log_events(
            [
                {
                    "partner_id": author.id,
                    "date": message.date,
                    "channel": "email",
                    "direction": "inbound",
                    "subject": message.subject
                    or message.record_name
                    or self.env._("E-mail"),
                    "summary": message.body,
                    "user_id": partner.user_id.id,
                    "res_model": False if is_partner else self._name,
                    "res_id": False if is_partner else self.id,
                    "company_id": (partner.company_id or self.env.company).id,
                    "origin_key": f"email:{key}",
                }
            ]
        )
