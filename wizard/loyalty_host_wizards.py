# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The host's loyalty wizards on cards of relationship programs: they go
through this add-on's history, so balances and lots never drift apart."""

from odoo import models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        card = self.card_id
        if card.program_id not in card._idic_programs():
            return super().action_update_card_point()
        # Relationship points: an adjustment (manager only, with its reason),
        # appended like every other movement.
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers can adjust points.")
            )
        if self.new_balance < 0 or self.new_balance == self.old_balance:
            raise ValidationError(
                self.env._(
                    "The new balance must be positive and differ from the current one."
                )
            )
        card = card.sudo()
        card._idic_lock()
        card._idic_add_line(
            self.new_balance - card.points,
            "adjust",
            self.env._("Adjustment: %(reason)s", reason=self.description),
        )
        return True


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        """The host adds up the balances of the merged partners' cards on one
        card; for relationship programs, the history (lots and their expiry
        dates) moves with the points, else the old lots would later expire on
        a card with nothing left and the merged points never would."""
        Card = self.env["loyalty.card"].sudo()
        programs = Card._idic_programs()
        cards = Card.search(
            [
                ("partner_id", "in", src_partners.ids),
                ("program_id", "in", programs.ids),
            ],
            order="id",
        )
        for program in cards.program_id:
            program_cards = cards.filtered(lambda c, p=program: c.program_id == p)
            final = (
                Card.search(
                    [
                        ("partner_id", "=", dst_partner.id),
                        ("program_id", "=", program.id),
                    ],
                    limit=1,
                )
                or program_cards[0]
            )
            others = program_cards - final
            if others:
                # History lines are append-only through the ORM; moving them
                # to the surviving card changes no figure of theirs.
                self.env.flush_all()
                self.env.cr.execute(
                    SQL(
                        "UPDATE loyalty_history SET card_id = %s, partner_id = %s"
                        " WHERE card_id IN %s",
                        final.id,
                        dst_partner.id,
                        tuple(others.ids),
                    )
                )
                self.env["loyalty.history"].invalidate_model(["card_id", "partner_id"])
                Card.invalidate_model(["history_ids"])
        return super()._merge_loyalty_cards(src_partners, dst_partner)
