# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/relationship: the customer's tier and what it gives, its points, the
preferences it edits, its referral code and "Who referred you?"."""

from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal


class IdicRelationshipPortal(CustomerPortal):
    def _idic_customer(self):
        """The portal user's own contact (whose customer the pages show)."""
        return request.env.user.partner_id

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "idic_relationship_count" in counters:
            values["idic_relationship_count"] = 1
        return values

    def _idic_relationship_page(self, error=None, form=None, **kw):
        partner = self._idic_customer()
        values = self._prepare_portal_layout_values()
        values.update(partner._idic_portal_relationship_values(request.env.company))
        if form is not None:
            values["preferences"] = {
                "channel": form.get("channel") or "",
                "frequency": form.get("frequency") or 0,
                "interest_ids": {
                    int(i) for i in form.get("interest_ids", []) if str(i).isdigit()
                },
                "do_not_contact": bool(form.get("do_not_contact")),
            }
        values.update(
            {
                "page_name": "idic_relationship",
                "error": error,
                "saved": kw.get("saved"),
                "referred": kw.get("referred"),
                "claim_code": kw.get("claim_code")
                or request.session.get("idic_referral_code")
                or "",
            }
        )
        return request.render("partner_idic.portal_my_idic_relationship", values)

    @route("/my/relationship", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_idic_relationship(self, **kw):
        return self._idic_relationship_page(**kw)

    @route(
        "/my/relationship/preferences",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_idic_preferences(self, **post):
        form = dict(post, interest_ids=request.httprequest.form.getlist("interest_ids"))
        try:
            with request.env.cr.savepoint():
                self._idic_customer()._idic_portal_set_preferences(
                    form, request.env.user
                )
        except (UserError, ValidationError) as error:
            return self._idic_relationship_page(error=error.args[0], form=form)
        return request.redirect("/my/relationship?saved=1#idic_preferences")

    @route(
        "/my/relationship/referral",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_idic_referral(self, code=None, **post):
        try:
            with request.env.cr.savepoint():
                self._idic_customer()._idic_referral_claim(
                    code or "", company=request.env.company
                )
        except (UserError, ValidationError) as error:
            return self._idic_relationship_page(
                error=error.args[0], claim_code=code or ""
            )
        request.session.pop("idic_referral_code", None)
        return request.redirect("/my/relationship?referred=1#idic_referral")
