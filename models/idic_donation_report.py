# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner_donor import (
    donation_lines_sql,
    fiscal_year_label_sql,
    fiscal_year_sql,
)


class IdicDonationReport(models.Model):
    """Donation lines of posted customer invoices and credit notes, each dated
    and placed in the fiscal year of its gift (a credit note counts in the
    year of the invoice it refunds), for the analysis of donors by year."""

    _name = "idic.donation.report"
    _description = "Donation Analysis"
    _auto = False
    _rec_name = "move_id"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Donor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", string="Company Currency", readonly=True
    )
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Donation"), ("out_refund", "Credit Note")],
        string="Type",
        readonly=True,
    )
    gift_move_id = fields.Many2one(
        "account.move",
        string="Gift",
        readonly=True,
        help="The invoice of the gift: the invoice itself, or the invoice a "
        "credit note refunds.",
    )
    product_id = fields.Many2one("product.product", readonly=True)
    date = fields.Date(
        string="Gift Date",
        readonly=True,
        help="The date of the invoice of the gift (for a credit note, of the "
        "invoice it refunds).",
    )
    fiscal_year = fields.Char(readonly=True)
    fiscal_year_end = fields.Integer(
        string="Fiscal Year Ending In",
        readonly=True,
        aggregator=False,
        help="The calendar year in which the fiscal year of the gift ends.",
    )
    amount = fields.Monetary(
        readonly=True,
        help="Untaxed amount of the donation line in company currency (credit "
        "notes negative).",
    )

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "commercial_partner_id",
            "invoice_date",
            "reversed_entry_id",
            "company_id",
        ],
        "account.move.line": ["balance", "display_type", "product_id", "move_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["idic_is_donation"],
        "res.company": ["fiscalyear_last_day", "fiscalyear_last_month"],
    }

    @property
    def _table_query(self):
        month = SQL("c.fiscalyear_last_month::int")
        day = SQL("c.fiscalyear_last_day")
        fiscal_year_end = fiscal_year_sql(SQL("d.date"), month, day)
        return SQL(
            """
            SELECT d.id, d.partner_id, d.company_id, c.currency_id, d.move_id,
                   d.move_type, d.gift_move_id, d.product_id, d.date, d.amount,
                   %(fy)s AS fiscal_year_end, %(label)s AS fiscal_year
              FROM (%(lines)s) d
              JOIN res_company c ON c.id = d.company_id
            """,
            lines=donation_lines_sql(),
            fy=fiscal_year_end,
            label=fiscal_year_label_sql(fiscal_year_end, month, day),
        )

    @api.model
    def _idic_gifts(self, partners, company, fiscal_year_end):
        """The gifts of the commercial ``partners`` in ``company`` for the
        fiscal year ending in ``fiscal_year_end``, read in one search:
        {partner id: [{reference, date, amount}]} in date order, net of
        credit notes; fully refunded gifts are left out."""
        rows = self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("fiscal_year_end", "=", fiscal_year_end),
            ],
            order="date, gift_move_id, id",
        )
        # The number of the invoice only: donor-data readers need no access
        # to accounting.
        references = {move.id: move.name for move in rows.gift_move_id.sudo()}
        gifts = {}
        for row in rows:
            gift = gifts.setdefault(
                (row.partner_id.id, row.gift_move_id.id),
                {
                    "reference": references[row.gift_move_id.id],
                    "date": row.date,
                    "amount": 0.0,
                    "is_gift": False,
                },
            )
            gift["amount"] += row.amount
            gift["is_gift"] |= row.move_type == "out_invoice"
        currency = company.currency_id
        result = {partner.id: [] for partner in partners.commercial_partner_id}
        for (partner_id, _move_id), gift in gifts.items():
            if gift["is_gift"] and currency.compare_amounts(gift["amount"], 0.0) > 0:
                result[partner_id].append(gift)
        return result


class ReportIdicDonationReceipt(models.AbstractModel):
    _name = "report.partner_idic.report_idic_donation_receipt_document"
    _description = "Donation Receipt"

    @api.model
    def _get_report_values(self, docids, data=None):
        moves = self.env["account.move"].browse(docids)
        moves._idic_check_donation_receipt()
        return {
            "doc_ids": docids,
            "doc_model": "account.move",
            "docs": moves,
        }


class ReportIdicDonationSummary(models.AbstractModel):
    _name = "report.partner_idic.report_idic_donation_summary_document"
    _description = "Annual Donation Summary"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The gifts of each donor in the fiscal year of ``data`` (by default
        the last complete fiscal year of the current company), read as the
        user: only donor-data readers get them."""
        data = data or {}
        company = self.env["res.company"].browse(
            data.get("company_id") or self.env.company.id
        )
        fiscal_year_end = data.get("fiscal_year_end") or (
            company._idic_fiscal_year_end(fields.Date.context_today(self)) - 1
        )
        date_from, date_to = company._idic_fiscal_year_dates(fiscal_year_end)
        Report = self.env["idic.donation.report"]
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        gifts_of = Report._idic_gifts(partners, company, fiscal_year_end)
        summaries = []
        for partner in partners:
            gifts = gifts_of[partner.id]
            summaries.append(
                {
                    "partner": partner,
                    "gifts": gifts,
                    "total": sum(gift["amount"] for gift in gifts),
                }
            )
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "summaries": summaries,
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
        }
