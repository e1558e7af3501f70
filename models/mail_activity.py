# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Read before the activities are archived by super().
        interactions = self._idic_interaction_values(feedback)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if interactions:
            self.env["idic.interaction"].sudo()._idic_log_events(interactions)
        return result

    def _idic_channel(self):
        """The interaction channel of a done activity (a hook)."""
        self.ensure_one()
        activity_type = self.activity_type_id
        email_type = self.env.ref(
            "mail.mail_activity_data_email", raise_if_not_found=False
        )
        meeting_type = self.env.ref(
            "mail.mail_activity_data_meeting", raise_if_not_found=False
        )
        if activity_type and activity_type == email_type:
            return "email"
        if activity_type.category == "phonecall":
            return "phone"
        if activity_type.category == "meeting" or (
            activity_type and activity_type == meeting_type
        ):
            return "meeting"
        return "other"

    def _idic_interaction_values(self, feedback):
        """Interaction values for the done activities of partners, or of
        documents that have a partner."""
        vals_list = []
        for activity in self.sudo():
            if not activity.res_model or not activity.res_id:
                continue
            record = (
                self.env[activity.res_model].sudo().browse(activity.res_id).exists()
            )
            if not record or not hasattr(record, "_idic_interaction_partner"):
                continue
            partner = record._idic_interaction_partner()
            if not partner:
                continue
            is_partner = activity.res_model == "res.partner"
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "channel": activity._idic_channel(),
                    "direction": "outbound",
                    "subject": activity.summary
                    or activity.activity_type_id.name
                    or self.env._("Activity"),
                    "summary": feedback or activity.note,
                    "user_id": activity.user_id.id or self.env.user.id,
                    "res_model": False if is_partner else activity.res_model,
                    "res_id": False if is_partner else activity.res_id,
                    "company_id": (partner.company_id or self.env.company).id,
                    "origin_key": f"mail.activity,{activity.id}",
                }
            )
        return vals_list
