# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IdicMemberReminder(models.Model):
    """Log of membership e-mails: one row per membership line, kind and
    offset, so each reminder goes out at most once."""

    _name = "idic.member.reminder"
    _description = "Membership Reminder Log"
    _order = "date desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "membership.membership_line",
        string="Membership Line",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    kind = fields.Selection(
        [("renewal", "Renewal Reminder"), ("lapse", "Lapse Notice")],
        required=True,
        readonly=True,
    )
    offset_days = fields.Integer(
        string="Days Before End",
        readonly=True,
        help="The reminder offset this row stands for (0 for a lapse notice).",
    )
    date = fields.Date(readonly=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Membership End", readonly=True)
    sent = fields.Boolean(
        readonly=True,
        help="Unticked when the member could not be written to (do not contact, "
        "blacklisted or no e-mail): the reminder is then skipped for good.",
    )

    _line_kind_offset_uniq = models.Constraint(
        "UNIQUE(line_id, kind, offset_days)",
        "A membership reminder is sent once per line and offset.",
    )
