# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The host's coupon generation on a relationship program (issue #25): the
selected customers get the points on their one card, through the add-on's
history (lots, expiry), instead of a new card each."""

from dateutil.relativedelta import relativedelta

from odoo import fields, models


class LoyaltyGenerateWizard(models.TransientModel):
    _inherit = "loyalty.generate.wizard"

    def generate_coupons(self):
        Card = self.env["loyalty.card"]
        programs = Card._idic_programs()
        relationship = self.filtered(
            lambda w: w.mode == "selected" and w.program_id in programs
        )
        cards = Card
        if self - relationship:
            cards |= super(
                LoyaltyGenerateWizard, self - relationship
            ).generate_coupons()
        for wizard in relationship:
            cards |= wizard._idic_grant_points()
        return cards

    def _idic_grant_points(self):
        """Add the points of this wizard to the card of each selected
        customer in its relationship program."""
        self.ensure_one()
        program = self.program_id
        company = program.idic_company_ids[:1] or self.env.company
        today = fields.Date.context_today(self)
        months = company.idic_points_validity_months
        expiry = self.valid_until or (
            today + relativedelta(months=months) if months else False
        )
        Card = self.env["loyalty.card"]
        cards = Card
        for partner in self._get_partners():
            card = Card._idic_card(partner, company)
            card._idic_lock()
            card._idic_add_line(
                self.points_granted,
                "campaign",
                self.description or self.env._("Gift for the customer"),
                expiry_date=expiry,
            )
            cards |= card
        return cards
