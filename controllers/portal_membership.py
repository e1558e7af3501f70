# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/membership: status, periods, the membership card, and Renew paid
online through the host's payment of the renewal invoice."""

from werkzeug.exceptions import NotFound

from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal_giving import idic_payment_url, idic_pdf_response


class IdicMembershipPortal(CustomerPortal):
    def _idic_member(self):
        return request.env.user.partner_id._idic_portal_member()

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "idic_membership_count" in counters:
            member = self._idic_member()
            values["idic_membership_count"] = int(
                member.idic_member_status != "none" or bool(member.member_line_ids)
            )
        return values

    def _idic_membership_page(self, error=None, **kw):
        member = self._idic_member()
        values = self._prepare_portal_layout_values()
        values.update(member._idic_portal_member_values(request.env.company))
        paid = member._idic_portal_member_paid(kw.get("paid"))
        values.update({"page_name": "idic_membership", "error": error, "paid": paid})
        return request.render("partner_idic.portal_my_idic_membership", values)

    @route("/my/membership", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_idic_membership(self, **kw):
        return self._idic_membership_page(**kw)

    @route(
        "/my/membership/renew", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_idic_membership_renew(self, product_id=None, **post):
        try:
            with request.env.cr.savepoint():
                invoice = self._idic_member()._idic_portal_member_renew(
                    product_id or ""
                )
        except (UserError, ValidationError) as error:
            return self._idic_membership_page(error=error.args[0])
        return request.redirect(idic_payment_url(invoice), local=True)

    @route(
        "/my/membership/card", type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_my_idic_membership_card(self, download=None, **kw):
        member = self._idic_member()
        if member.idic_member_status not in ("new", "current", "grace"):
            raise NotFound()
        return idic_pdf_response(
            "partner_idic.report_idic_membership_card",
            member,
            request.env._("Membership card %s", member.name),
            download == "true",
        )
