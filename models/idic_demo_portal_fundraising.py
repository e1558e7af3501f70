# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo portal user's giving with fundraising (issues #26 and #27): the
demo portal customer (login ``portal``, password ``portal``) gives every
month to the General Fund (an active recurring gift, its past gifts paid,
each with its receipt) and a friend's gift in its honour is soft-credited to
it; /my/giving shows both. Only called by the demo data, after the
fundraising story (its funds and donation product); nothing it creates has
an XML id (uninstalling never deletes accounting entries)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

PORTAL_MONTHLY_AMOUNT = 20.0
HONOUR_GIFT_AMOUNT = 150.0


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _create_portal_fundraising_story(self):
        user = self.env.ref("base.demo_user0", raise_if_not_found=False)
        if not user:
            return False
        company = self.env.company
        today = fields.Date.context_today(self)
        partner = user.partner_id.commercial_partner_id
        product = self.env["product.product"].browse(
            self.env["account.move"]._idic_demo_donation_product()
        )
        fund = self.env["idic.fund"].search(
            [("company_id", "=", company.id), ("code", "=", "GEN")], limit=1
        )
        start = today - relativedelta(months=3)
        monthly = (
            self.env["idic.recurring.gift"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "amount": PORTAL_MONTHLY_AMOUNT,
                    "interval": "monthly",
                    "day": min(start.day, 28),
                    "date_start": start,
                    "product_id": product.id,
                    "fund_id": fund.id,
                }
            )
        )
        monthly._idic_make_gifts(today)
        self._demo_pay(monthly.invoice_ids)
        # A friend gives in the portal customer's honour: a soft credit.
        friend = self.env["res.partner"].create(
            {"name": "Lena Marsh", "email": "lena.marsh@example.com"}
        )
        honour = self._demo_gift(
            friend, HONOUR_GIFT_AMOUNT, today - timedelta(days=25), product, fund
        )
        self.env["idic.soft.credit"].create(
            {
                "line_id": honour.invoice_line_ids[0].id,
                "partner_id": partner.id,
                "role": "honor",
            }
        )
        return True
