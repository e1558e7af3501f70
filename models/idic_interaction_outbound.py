# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound interactions (issue #25): e-mails employees send from a chatter
and the mailings of Email Marketing, and the campaign an interaction belongs
to."""

from odoo import api, fields, models
from odoo.tools import SQL


class IdicInteraction(models.Model):
    _inherit = "idic.interaction"

    mailing_id = fields.Many2one(
        "mailing.mailing",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The Email Marketing mailing this e-mail was part of.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        index="btree_not_null",
        ondelete="set null",
    )

    @api.model
    def _idic_mailings_answer_sql(self, request):
        """SQL condition: a mailing answers the request ``request`` (an alias
        of ``idic_interaction``): its company counts mailings as answers (the
        company setting, on by default)."""
        return SQL(
            """COALESCE((SELECT c.idic_mailings_answer FROM res_company c
                          WHERE c.id = %s), TRUE)""",
            SQL.identifier(request, "company_id"),
        )

    def _answer_open_requests(self):
        # A mailing answers the request like any outbound interaction, unless
        # the request's company says its newsletters are not answers.
        mailings = self.filtered(lambda i: i.mailing_id and i.direction == "outbound")
        result = super(IdicInteraction, self - mailings)._answer_open_requests()
        if mailings:
            self._idic_refresh_responses(
                SQL(
                    "request.commercial_partner_id IN %s AND request.date <= %s",
                    tuple(mailings.commercial_partner_id.ids),
                    max(mailings.mapped("date")),
                )
            )
        return result

    @api.model
    def _idic_refresh_responses(self, where):
        """Answer again, in one statement, the inbound interactions matching
        ``where`` (alias ``request``): each by the first outbound interaction
        with its customer at or after it (a mailing only where the request's
        company counts mailings as answers), or none.
        Returns how many changed."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE idic_interaction request
                   SET response_date = answer.date,
                       response_hours = COALESCE(GREATEST(EXTRACT(EPOCH FROM
                           answer.date - request.date) / 3600.0, 0), 0)
                  FROM idic_interaction inbound
                  LEFT JOIN LATERAL (
                        SELECT MIN(o.date) AS date
                          FROM idic_interaction o
                         WHERE o.commercial_partner_id = inbound.commercial_partner_id
                           AND o.direction = 'outbound'
                           AND (o.mailing_id IS NULL OR %s)
                           AND o.date >= inbound.date
                       ) answer ON TRUE
                 WHERE request.id = inbound.id
                   AND request.direction = 'inbound'
                   AND request.response_date IS DISTINCT FROM answer.date
                   AND %s
                """,
                self._idic_mailings_answer_sql("inbound"),
                where,
            )
        )
        changed = self.env.cr.rowcount
        self.invalidate_model(["response_date", "response_hours"])
        return changed
