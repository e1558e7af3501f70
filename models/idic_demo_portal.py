# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo story of the customer portal (issue #27): the demo portal user
(login ``portal``, password ``portal``) has a tier with its benefits, points
earned over two years, a membership due for renewal, gifts with their
receipts and a friend it referred."""

from datetime import timedelta

from odoo import api, fields, models

from .idic_context import grant

TIER_BENEFITS = {
    "partner_idic.idic_value_tier_demo_bronze": "<p>Points on every invoice and "
    "our newsletter.</p>",
    "partner_idic.idic_value_tier_demo_silver": "<p>25% more points and early "
    "access to our sales.</p>",
    "partner_idic.idic_value_tier_demo_gold": "<p>50% more points, VIP prices and "
    "free delivery.</p>",
    "partner_idic.idic_value_tier_demo_platinum": "<p>Double points, VIP prices, "
    "a personal account manager and invitations to our events.</p>",
}


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _create_portal_story(self):
        user = self.env.ref("base.demo_user0", raise_if_not_found=False)
        if not user:
            return
        company = self.env.company
        today = fields.Date.context_today(self)
        partner = user.partner_id.commercial_partner_id
        for xmlid, text in TIER_BENEFITS.items():
            tier = self.env.ref(xmlid, raise_if_not_found=False)
            if tier and not tier.description:
                tier.description = text
        Move = self.env["account.move"]
        product = Move._idic_demo_donation_product()
        company.idic_portal_donation_product_id = product
        # Referral links lead to the host's sign-up.
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        silver = self.env.ref(
            "partner_idic.idic_value_tier_demo_silver", raise_if_not_found=False
        )
        if silver:
            partner.with_company(company).write(
                {
                    "idic_value_tier_id": silver.id,
                    "idic_tier_lock_reason": "Demo: the portal customer's tier",
                }
            )
        self._idic_demo_portal_points(partner, company, today)
        self._idic_demo_portal_membership(partner, today)
        for amount, days_ago in ((120.0, 400), (80.0, 45)):
            gift = Move.browse(Move._idic_demo_donation(partner.id, amount, days_ago))
            self._idic_demo_pay(gift)

    @api.model
    def _idic_demo_portal_points(self, partner, company, today):
        card = self.env["loyalty.card"]._idic_card(partner, company)
        for points, days_ago, text in (
            (40.0, 700, "Welcome order"),
            (120.0, 200, "Spring order"),
            (65.0, 60, "Autumn order"),
        ):
            card._idic_add_line(
                points, "earn", text, date=today - timedelta(days=days_ago)
            )
        card._idic_redeem(30.0, "Coffee mug")
        friend = self.env["res.partner"].create(
            {"name": "Sam Willis", "email": "sam.willis@example.com"}
        )
        friend.idic_referred_by_id = partner
        card._idic_add_line(
            company.idic_referral_points or 50.0,
            "referral",
            f"Referral of {friend.name}",
            document=friend,
            date=today - timedelta(days=20),
        )
        card._idic_expire_points(card.id, card.id + 1, today)

    @api.model
    def _idic_demo_portal_membership(self, partner, today):
        product = self.env.ref(
            "partner_idic.product_membership_demo_annual", raise_if_not_found=False
        )
        if not product:
            return
        periods = (
            (today - timedelta(days=710), today - timedelta(days=346), "join"),
            (today - timedelta(days=345), today + timedelta(days=19), "renew"),
        )
        grant(self.env["membership.membership_line"], "idic_join_kind").create(
            [
                {
                    "partner_id": partner.id,
                    "membership_id": product.id,
                    "member_price": 60.0,
                    "date": date_from,
                    "date_from": date_from,
                    "date_to": date_to,
                    "state": "paid",
                    "idic_join_kind": kind,
                }
                for date_from, date_to, kind in periods
            ]
        )

    @api.model
    def _idic_demo_pay(self, invoice):
        """Demo data: register the full payment of ``invoice``."""
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({}).action_create_payments()
        return invoice
