# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .idic_value_tier import TIER_BASES


class IdicTierHistory(models.Model):
    _name = "idic.tier.history"
    _description = "Customer Value Tier Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    from_tier_id = fields.Many2one(
        "idic.value.tier", string="From", ondelete="set null"
    )
    to_tier_id = fields.Many2one("idic.value.tier", string="To", ondelete="set null")
    direction = fields.Selection([("up", "Up"), ("down", "Down")], required=True)
    cause = fields.Selection(
        [("recompute", "Value recompute"), ("manual", "Set by hand")],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one("res.users", string="Changed by")
    basis = fields.Selection(
        TIER_BASES,
        help="The figure the tiers of the company were placed on at the move.",
    )
    figure = fields.Float(
        help="For a move by the value recompute: the customer's figure on the "
        "basis of the tiers, which reached the new tier's minimum (or fell "
        "below the old one's).",
    )

    @api.model
    def _direction_sql(self, from_alias, to_alias):
        """'up' when the tier ``to_alias`` starts above ``from_alias`` (no tier
        is the bottom), else 'down': the one rule of a move's direction."""
        return SQL(
            """CASE WHEN COALESCE(%(to)s.min_threshold, '-Infinity'::float8)
                         > COALESCE(%(from)s.min_threshold, '-Infinity'::float8)
                    THEN 'up' ELSE 'down' END""",
            to=SQL.identifier(to_alias),
            **{"from": SQL.identifier(from_alias)},
        )

    @api.model
    def _record_sql(self, moves_sql, cause, user_id=None, dated=False):
        """The one writer of the tier history: one statement recording the
        moves ``moves_sql`` selects (``partner_id, company_id, from_tier_id,
        to_tier_id, figure``, and ``date`` when ``dated``: else now), with
        their direction, basis and ``cause``; ``RETURNING partner_id,
        to_tier_id, direction``. The value recompute runs it inside its batch
        statement, a change by hand on its own."""
        now = SQL("(now() AT TIME ZONE 'UTC')")
        return SQL(
            """
            INSERT INTO idic_tier_history
                   (partner_id, company_id, date, from_tier_id, to_tier_id,
                    direction, cause, basis, figure, user_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT mv.partner_id, mv.company_id, %(date)s, mv.from_tier_id,
                   mv.to_tier_id, %(direction)s, %(cause)s,
                   COALESCE(tt.basis, ft.basis), mv.figure, %(user)s,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM (%(moves)s) mv
              LEFT JOIN idic_value_tier ft ON ft.id = mv.from_tier_id
              LEFT JOIN idic_value_tier tt ON tt.id = mv.to_tier_id
            RETURNING partner_id, to_tier_id, direction
            """,
            now=now,
            date=SQL("mv.date") if dated else now,
            direction=self._direction_sql("ft", "tt"),
            cause=cause,
            user=user_id,
            uid=self.env.uid,
            moves=moves_sql,
        )
