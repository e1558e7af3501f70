# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/giving with fundraising (issue #27): the donor pauses, resumes,
changes the amount of or cancels its own recurring gifts. Each route finds
the gift among the donor's own (its commercial partner's, in the website's
company): another donor's gift, or none, is a 404."""

from werkzeug.exceptions import NotFound

from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from .portal_giving import IdicGivingPortal

#: What the donor may do to its recurring gift (the route's last part; the
#: page then says it is done: ?recurring=<action>).
RECURRING_ACTIONS = ("pause", "resume", "amount", "cancel")


class IdicGivingFundraisingPortal(IdicGivingPortal):
    @route(
        "/my/giving/recurring/<int:gift_id>/<string:action>",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_idic_recurring(self, gift_id, action, **post):
        if action not in RECURRING_ACTIONS:
            raise NotFound()
        user = request.env.user
        gift = request.env["idic.recurring.gift"]._idic_portal_gift(
            self._idic_donor(), request.env.company, gift_id
        )
        if not gift:
            raise NotFound()
        try:
            with request.env.cr.savepoint():
                if action == "amount":
                    gift._idic_portal_set_amount(post.get("amount"), user)
                else:
                    getattr(gift, f"_idic_portal_{action}")(user)
        except (UserError, ValidationError) as error:
            return self._idic_giving_page(error=error.args[0])
        return request.redirect(f"/my/giving?recurring={action}#idic_recurring_gifts")
