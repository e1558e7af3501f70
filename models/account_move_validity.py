# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _idic_program_valid(self):
        """Whether this invoice is dated within the validity of its company's
        points programme (its start and end dates, when set)."""
        self.ensure_one()
        program = self.company_id.idic_loyalty_program_id
        day = self.invoice_date
        if not program or not day:
            return True
        return (not program.date_from or program.date_from <= day) and (
            not program.date_to or day <= program.date_to
        )
