# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .member_engine import parse_offsets


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_member_new_days = fields.Integer(
        string="New Member For (days)",
        default=90,
        help="A member counts as new for this many days after joining or re-joining.",
    )
    idic_member_grace_days = fields.Integer(
        string="Membership Grace Period (days)",
        default=30,
        help="After the end of a membership, the member stays in grace this many "
        "days before lapsing, so it can still renew without a break.",
    )
    idic_member_reminder_days = fields.Char(
        string="Renewal Reminders (days before end)",
        default="30,7",
        help="Comma-separated numbers of days before the end of a membership on "
        "which a renewal reminder is e-mailed, e.g. 30,7. Empty: no reminders.",
    )
    idic_member_lapse_notice = fields.Boolean(
        string="Lapse Notice",
        help="E-mail members once when their grace period is over and their "
        "membership lapsed.",
    )

    @api.model
    def _idic_bounds(self):
        return dict(
            super()._idic_bounds(),
            idic_member_new_days=(0, 3650),
            idic_member_grace_days=(0, 3650),
        )

    @api.constrains(
        "idic_member_new_days", "idic_member_grace_days", "idic_member_reminder_days"
    )
    def _check_idic_member_settings(self):
        for company in self:
            if company.idic_member_new_days < 0 or company.idic_member_grace_days < 0:
                raise ValidationError(
                    self.env._("The new-member and grace periods cannot be negative.")
                )
            try:
                parse_offsets(company.idic_member_reminder_days)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "Renewal reminders must be positive whole numbers of days "
                        "separated by commas, such as 30,7 (not %(value)s).",
                        value=str(error),
                    )
                ) from error

    def _idic_member_reminder_offsets(self):
        """Reminder offsets in days, largest first."""
        self.ensure_one()
        return parse_offsets(self.idic_member_reminder_days)
