# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The longest contact cadence a tier or a customer may ask for, in days.
MAX_CADENCE_DAYS = 3650


class IdicValueTier(models.Model):
    _inherit = "idic.value.tier"

    contact_frequency_days = fields.Integer(
        string="Contact Every (days)",
        help="How often the customers of this tier hear from us, unless a "
        "customer asked for its own frequency: the contact cadence job gives "
        "the salesperson a to-do when a customer has not been contacted for "
        "longer. 0: no cadence.",
    )

    @api.constrains("contact_frequency_days")
    def _check_contact_frequency_days(self):
        for tier in self:
            if not 0 <= tier.contact_frequency_days <= MAX_CADENCE_DAYS:
                raise ValidationError(
                    self.env._(
                        "The contact frequency of a tier is between 0 and "
                        "%(max)s days.",
                        max=MAX_CADENCE_DAYS,
                    )
                )

    def action_idic_act_on_customers(self):
        """Act on the customers of this tier (the segment action)."""
        self.ensure_one()
        action = self.env["idic.segment.action"].action_open_for_segment(
            [("idic_value_tier_id", "=", self.id), ("parent_id", "=", False)],
            self.env._("Tier %(tier)s", tier=self.name),
            self.company_id.id,
        )
        action["context"]["allowed_company_ids"] = [self.company_id.id]
        return action
