# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from . import calendars


class IrQwebFieldIdicDate(models.AbstractModel):
    """A date of the add-on's printed documents and portal pages in the
    calendar of the reader's language (``t-options="{'widget': 'idic_date'}"``):
    the Jalali calendar in Persian, as the web client shows it, the date
    format of the language otherwise."""

    _name = "ir.qweb.field.idic_date"
    _description = "Qweb Field Date in the Calendar of the Language"
    _inherit = ["ir.qweb.field.date"]

    @api.model
    def value_to_html(self, value, options):
        lang = self.env.lang or "en_US"
        if value and calendars.is_persian(lang):
            return calendars.format_date(fields.Date.to_date(value), lang)
        return super().value_to_html(value, options)
