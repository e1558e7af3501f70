# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/giving: gifts by fiscal year with their receipts and yearly summaries,
soft credits, recurring gifts, and Give paid online through the host's
payment; and the host payment's landing on these pages."""

import re

from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.urls import url_encode

from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request, route
from odoo.tools.misc import formatLang

from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.payment import utils as payment_utils
from odoo.addons.portal.controllers.portal import CustomerPortal


def idic_payment_url(invoice):
    """The host's online payment (``account_payment``) of ``invoice``, a
    draft or an open invoice: the payment page of ``/payment/pay`` for the
    invoice, which posts a draft once paid."""
    invoice = invoice.sudo()
    amount = float(
        invoice.amount_residual if invoice.state == "posted" else invoice.amount_total
    )
    params = {
        "invoice_id": invoice.id,
        "amount": amount,
        "currency_id": invoice.currency_id.id,
        "partner_id": invoice.partner_id.id,
        "company_id": invoice.company_id.id,
        "access_token": payment_utils.generate_access_token(
            invoice.partner_id.id, amount, invoice.currency_id.id
        ),
    }
    return f"/payment/pay?{url_encode(params)}"


def idic_pdf_response(report_ref, records, name, download, data=None):
    """The PDF of the report ``report_ref`` for ``records`` (already checked
    to be the user's own), printed as superuser."""
    report = (
        request.env["ir.actions.report"]
        .sudo()
        .with_company(request.env.company)
        ._render_qweb_pdf(report_ref, records.ids, data=data)[0]
    )
    filename = re.sub(r"\W+", "_", name)
    return request.make_response(
        report,
        headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(report)),
            (
                "Content-Disposition",
                content_disposition(
                    f"{filename}.pdf",
                    disposition_type="attachment" if download else "inline",
                ),
            ),
        ],
    )


class IdicGivingPortal(CustomerPortal):
    def _idic_donor(self):
        return request.env.user.partner_id

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "idic_giving_count" in counters:
            company = request.env.company
            donor = self._idic_donor()
            gifts = sum(
                len(year["gifts"]) for year in donor._idic_portal_giving_values(company)
            )
            values["idic_giving_count"] = gifts or int(
                bool(company.idic_portal_donation_product_id)
            )
        return values

    def _idic_giving_page(self, error=None, form=None, **kw):
        company = request.env.company
        donor = self._idic_donor()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "idic_giving",
                "company": company,
                "currency": company.currency_id,
                "years": donor._idic_portal_giving_values(company),
                "soft_credits": donor.commercial_partner_id._idic_portal_soft_credits(
                    company
                ),
                "recurring_gifts": donor.commercial_partner_id._idic_portal_recurring_gifts(
                    company
                ),
                "funds": donor._idic_portal_funds(company),
                "can_give": bool(company.idic_portal_donation_product_id),
                "gift_bounds": company._idic_portal_gift_bounds(),
                "error": error,
                "form": form or {},
            }
        )
        thanked = donor._idic_portal_gift_paid(kw.get("paid"), company)
        values["thanked"] = thanked
        if thanked:
            values["thanks_text"] = request.env._(
                "Thank you for your gift of %(amount)s! We also sent you its "
                "receipt by e-mail.",
                amount=formatLang(
                    request.env, thanked.amount_total, currency_obj=thanked.currency_id
                ),
            )
        return request.render("partner_idic.portal_my_idic_giving", values)

    @route("/my/giving", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_idic_giving(self, **kw):
        return self._idic_giving_page(**kw)

    @route("/my/giving/give", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_idic_give(self, **post):
        try:
            with request.env.cr.savepoint():
                invoice = self._idic_donor()._idic_portal_give(
                    post, request.env.company
                )
        except (UserError, ValidationError) as error:
            return self._idic_giving_page(error=error.args[0], form=post)
        return request.redirect(idic_payment_url(invoice), local=True)

    @route(
        "/my/giving/receipt/<int:move_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_idic_receipt(self, move_id, download=None, **kw):
        """The receipt of a gift: the invoice must be readable by the user
        (the host's record rules: 403 for another customer's, 404 for none)
        and one of its own paid gifts."""
        try:
            move = self._document_check_access("account.move", move_id)
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            raise Forbidden() from error
        receipt = self._idic_donor()._idic_portal_receipt(move)
        if not receipt:
            raise NotFound()
        return self._show_report(
            model=receipt,
            report_type="pdf",
            report_ref="partner_idic.report_idic_donation_receipt",
            download=download == "true",
        )

    @route(
        "/my/giving/summary/<int:fiscal_year_end>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_idic_giving_summary(self, fiscal_year_end, download=None, **kw):
        """The donor's own annual summary of a fiscal year it gave in."""
        company = request.env.company
        donor = self._idic_donor().commercial_partner_id
        years = {
            y["fiscal_year_end"] for y in donor._idic_portal_giving_values(company)
        }
        if fiscal_year_end not in years:
            raise NotFound()
        return idic_pdf_response(
            "partner_idic.report_idic_donation_summary",
            donor,
            f"{donor.name}_{fiscal_year_end}",
            download == "true",
            data={"company_id": company.id, "fiscal_year_end": fiscal_year_end},
        )


class IdicPaymentLanding(PaymentPortal):
    def _get_extra_payment_form_values(
        self, invoice_id=None, access_token=None, **kwargs
    ):
        """A member paying its renewal, a donor its gift, comes back to its
        membership or giving page (which thanks it)."""
        values = super()._get_extra_payment_form_values(
            invoice_id=invoice_id, access_token=access_token, **kwargs
        )
        invoice_id = self._cast_as_int(invoice_id)
        if invoice_id and not request.env.user._is_public():
            invoice = request.env["account.move"].sudo().browse(invoice_id).exists()
            if invoice.invoice_line_ids.membership_line_ids:
                values["landing_route"] = f"/my/membership?paid={invoice.id}"
            elif invoice._idic_donation_lines():
                values["landing_route"] = f"/my/giving?paid={invoice.id}"
        return values
