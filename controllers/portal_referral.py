# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Referral links: /r/<code> keeps the code in the visitor's session and
leads it to the host's sign-up (``auth_signup``); the account it creates is
referred by the code's customer. A logged-in customer lands on "Who referred
you?" with the code filled in."""

import logging

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome

from ..models.res_partner_referral import normalize_referral_code

_logger = logging.getLogger(__name__)

SESSION_KEY = "idic_referral_code"


class IdicReferralLink(http.Controller):
    @http.route(
        "/r/<string:code>", type="http", auth="public", methods=["GET"], sitemap=False
    )
    def idic_referral_link(self, code, **kw):
        code = normalize_referral_code(code)
        referrer = request.env["res.partner"]._idic_referrer_of_code(code)
        if referrer:
            request.session[SESSION_KEY] = code
        if not request.env.user._is_public():
            return request.redirect("/my/relationship#idic_referral")
        Users = request.env["res.users"].sudo()
        page = (
            "/web/signup"
            if Users._get_signup_invitation_scope() == "b2c"
            else "/web/login"
        )
        return request.redirect(f"{page}?redirect=/my/relationship")


class IdicReferralSignup(AuthSignupHome):
    def _signup_with_values(self, token, values, do_login):
        super()._signup_with_values(token, values, do_login)
        code = request.session.get(SESSION_KEY)
        if not code or not do_login:
            return
        user = (
            request.env["res.users"]
            .sudo()
            .search(
                request.env["res.users"]._get_login_domain(values.get("login")),
                order=request.env["res.users"]._get_login_order(),
                limit=1,
            )
        )
        if not user:
            return
        try:
            with request.env.cr.savepoint():
                user.partner_id._idic_referral_claim(code, origin="signup")
        except (UserError, ValidationError) as error:
            # The account is made all the same; the customer may still enter
            # a code in the portal.
            _logger.info("Referral code %s not applied at sign-up: %s", code, error)
        else:
            request.session.pop(SESSION_KEY, None)
