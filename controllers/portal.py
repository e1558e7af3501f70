# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import fields
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal


class IdicPointsPortal(CustomerPortal):
    """The customer's relationship points in the portal.

    The host's portal shows a loyalty card only to the portal user whose
    partner owns it; relationship points belong to the commercial partner, so
    every contact of a customer company with portal access sees the company's
    card here: balance, statement with running balance, points about to
    expire, and the printable statement."""

    def _idic_portal_cards(self):
        """Cards (sudo) of the user's commercial partner in the relationship
        programs of the companies."""
        partner = request.env.user.partner_id.commercial_partner_id
        Card = request.env["loyalty.card"].sudo()
        programs = Card._idic_programs().filtered("active")
        if not partner or not programs:
            return Card
        return Card.search(
            [("program_id", "in", programs.ids), ("partner_id", "=", partner.id)],
            order="id",
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "idic_points_count" in counters:
            values["idic_points_count"] = len(self._idic_portal_cards())
        return values

    @route("/my/points", type="http", auth="user", website=True)
    def portal_my_idic_points(self, **kw):
        cards = self._idic_portal_cards()
        today = fields.Date.context_today(cards)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "idic_points",
                "cards": cards,
                "lines": {
                    card.id: card.history_ids.filtered("idic_kind").sorted("id")[::-1]
                    for card in cards
                },
                "expiring": {card.id: card._idic_open_lots(today) for card in cards},
            }
        )
        return request.render("partner_idic.portal_my_idic_points", values)

    @route("/my/points/<int:card_id>/statement", type="http", auth="user", website=True)
    def portal_my_idic_points_statement(self, card_id, **kw):
        card = self._idic_portal_cards().filtered(lambda c: c.id == card_id)
        if not card:
            # Another customer's card, or none: never the document (#27).
            raise NotFound()
        return self._show_report(
            model=card,
            report_type="pdf",
            report_ref="partner_idic.report_idic_points_statement",
            download=kw.get("download") == "true",
        )
