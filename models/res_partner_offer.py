# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When a customer last received a tailored offer (issue #25): a campaign
action it was a target of, a one-to-one offer of its next best action, or a
value tier it moved up into (the tier's benefits; a first placement in the
company's lowest tier is the customer being told apart, Differentiate, not
an offer).
The default rule of the Customize stage reads it."""

from odoo import api, fields, models
from odoo.tools import SQL

DATE_OPERATORS = {"=": "=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_last_offer_date = fields.Date(
        string="Last Tailored Offer",
        compute="_compute_idic_last_offer_date",
        search="_search_idic_last_offer_date",
        groups="base.group_user",
        help="When the customer last received a tailored offer: the action of a "
        "campaign it was a target of, an offer of its next best action, or the "
        "benefits of a value tier it moved up into (beyond the lowest tier).",
    )

    @api.model
    def _idic_offers_sql(self, where=None):
        """SQL selecting ``(cp, date)``: the last tailored offer of each
        commercial partner (matching ``where`` on alias ``o.cp``)."""
        return SQL(
            """
            SELECT o.cp, MAX(o.day) AS date FROM (
                SELECT p.commercial_partner_id AS cp, cm.date::date AS day
                  FROM idic_campaign_member cm
                  JOIN res_partner p ON p.id = cm.partner_id
                 WHERE cm."group" = 'target'
                UNION ALL
                SELECT p.commercial_partner_id, l.date::date
                  FROM idic_action_log l
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.how = 'offer'
                UNION ALL
                SELECT p.commercial_partner_id, h.date::date
                  FROM idic_tier_history h
                  JOIN res_partner p ON p.id = h.partner_id
                  JOIN idic_value_tier t ON t.id = h.to_tier_id
                 WHERE h.direction = 'up'
                   AND (h.from_tier_id IS NOT NULL
                        OR EXISTS (SELECT 1 FROM idic_value_tier lo
                                    WHERE lo.company_id = t.company_id
                                      AND lo.min_threshold < t.min_threshold))
            ) o
             WHERE %s
             GROUP BY o.cp
            """,
            where or SQL("TRUE"),
        )

    def _compute_idic_last_offer_date(self):
        dates = {}
        if self.ids:
            self.env.flush_all()
            rows = self.env.execute_query(
                self._idic_offers_sql(
                    SQL("o.cp IN %s", tuple(self.commercial_partner_id.ids) or (0,))
                )
            )
            dates = dict(rows)
        for partner in self:
            partner.idic_last_offer_date = dates.get(partner.commercial_partner_id.id)

    def _search_idic_last_offer_date(self, operator, value):
        self.env.flush_all()
        offers = self._idic_offers_sql()
        if operator in ("in", "not in") and set(value) == {False}:
            # "is set" / "is not set"
            query = SQL("SELECT cp FROM (%s) x", offers)
            return [
                ("commercial_partner_id", "not in" if operator == "in" else "in", query)
            ]
        if operator not in DATE_OPERATORS or not value:
            return NotImplemented
        query = SQL(
            "SELECT cp FROM (%s) x WHERE x.date %s %s",
            offers,
            SQL(DATE_OPERATORS[operator]),
            fields.Date.to_date(value),
        )
        return [("commercial_partner_id", "in", query)]
