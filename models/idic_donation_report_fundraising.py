# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class IdicDonationReport(models.Model):
    """The donation analysis by appeal, fund and pledge (issue #26): the
    amount raised per fund and fiscal year is its pivot by fund."""

    _inherit = "idic.donation.report"

    appeal_id = fields.Many2one("utm.campaign", readonly=True)
    fund_id = fields.Many2one("idic.fund", readonly=True)
    pledge_id = fields.Many2one("idic.pledge", readonly=True)
    recurring_gift_id = fields.Many2one("idic.recurring.gift", readonly=True)

    _depends = {
        "account.move.line": ["idic_appeal_id", "idic_fund_id", "idic_pledge_id"],
        "account.move": ["idic_recurring_gift_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            """SELECT r.*, l.idic_appeal_id AS appeal_id, l.idic_fund_id AS fund_id,
                      l.idic_pledge_id AS pledge_id,
                      g.idic_recurring_gift_id AS recurring_gift_id
                 FROM (%s) r
                 JOIN account_move_line l ON l.id = r.id
                 JOIN account_move g ON g.id = r.gift_move_id""",
            super()._table_query,
        )
