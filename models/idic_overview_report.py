# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Overview printed on one page for a management meeting: the figures
and the pictures of the period, drawn in HTML (no script in a PDF)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from . import calendars


class IdicOverviewReport(models.AbstractModel):
    _name = "report.partner_idic.report_idic_overview_document"
    _description = "Relationships Overview Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            raise AccessError(self.env._("Only relationship users print the overview."))
        data = data or {}
        company_id = data.get("overview_company_id") or (docids[0] if docids else None)
        overview = self.env["idic.overview"].get_overview(
            days=data.get("overview_days"), company_id=company_id
        )
        company = self.env["res.company"].browse(overview.get("company_id"))
        return {
            "doc_ids": company.ids,
            "doc_model": "res.company",
            "docs": company,
            "company": company,
            "overview": overview,
            "today": fields.Date.context_today(self),
            "today_text": calendars.format_date(
                fields.Date.context_today(self), self.env.lang
            ),
        }


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def action_print_overview(self, *args, **kwargs):
        """The report action printing the overview of ``days`` for
        ``company_id`` (as the overview shows it)."""
        days, company_id = self._overview_params(args, kwargs, ("days", "company_id"))
        company = self._overview_company(company_id)
        return self.env.ref("partner_idic.report_idic_overview").report_action(
            company, data={"overview_days": days, "overview_company_id": company.id}
        )
