# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When the company last talked with each customer, one narrow row per
commercial partner, kept beside ``res_partner`` rather than in it (issue
#25): a mailing to 100,000 customers moves 100,000 dates, and a row of
``res_partner`` is over a kilobyte wide with some thirty indexes, so writing
the date there cost more than logging the mailing's interactions. The
partners read it as ``idic_last_interaction_date`` (searchable, sortable,
groupable); only the add-on's interaction code writes it, in SQL."""

from odoo import fields, models


class IdicPartnerActivity(models.Model):
    _name = "idic.partner.activity"
    _description = "Customer Last Interaction"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
        help="The commercial partner; its contacts show its date.",
    )
    last_date = fields.Datetime(string="Last Interaction", readonly=True)

    # One row per partner; the index of the constraint serves every lookup
    # and the writers' ON CONFLICT (partner_id). A constraint, not a unique
    # index: merging partners drops the row of the one merged away when the
    # other has one (the host's merge looks for constraints).
    _partner_uniq = models.Constraint(
        "UNIQUE(partner_id)", "A customer has one last interaction date."
    )
