# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import models
from odoo.tools import date_utils


class ResCompany(models.Model):
    _inherit = "res.company"

    def _idic_fiscal_year_end(self, day):
        """The calendar year in which ends the fiscal year of this company
        holding ``day`` (the same as the SQL of the donor figures)."""
        self.ensure_one()
        return self.compute_fiscalyear_dates(day)["date_to"].year

    def _idic_fiscal_year_dates(self, fiscal_year_end):
        """(first day, last day) of the fiscal year ending in the calendar
        year ``fiscal_year_end``."""
        self.ensure_one()
        month = int(self.fiscalyear_last_month)
        # Any day of the last month of that fiscal year belongs to it.
        return date_utils.get_fiscal_year(
            date(fiscal_year_end, month, 1),
            day=self.fiscalyear_last_day,
            month=month,
        )
