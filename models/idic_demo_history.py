# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo's history, dated as it would have happened over its three
years instead of on the day the demo was installed: the points on the day
their invoice was paid (credit notes, referral bonuses and the redemption
after them), the tier moves on the days the customers' figures crossed the
tiers' thresholds, the stage moves on the days the customers met each
stage (first contact, first invoice, first conversation). Only called by
the demo data."""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner_value import put_company_value

# The tiers are replayed week by week over the demo's years.
REPLAY_WEEKS = 160


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _finish_story(self):
        result = super()._finish_story()
        today = fields.Date.context_today(self)
        self._history_points(today)
        self._history_tiers(self.env.company, today)
        self._history_stages(today)
        return result

    # ------------------------------------------------------------------------
    # Points
    # ------------------------------------------------------------------------
    @api.model
    def _history_points(self, today):
        """Date the points lines as the documents they come from: an invoice's
        points on the day it was paid, a credit note's on its date, a
        referral bonus with the first points of the customer referred; the
        lots expire counted from those days."""
        company = self.env.company
        months = company.idic_points_validity_months
        program = company.idic_loyalty_program_id
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH paid AS (
                    SELECT line.move_id, MAX(part.max_date) AS day
                      FROM account_partial_reconcile part
                      JOIN account_move_line line ON line.id = part.debit_move_id
                     GROUP BY line.move_id
                ),
                dated AS (
                    SELECT h.id,
                           CASE WHEN m.move_type = 'out_invoice'
                                THEN LEAST(COALESCE(paid.day, m.invoice_date), %(today)s)
                                ELSE m.invoice_date END AS day
                      FROM loyalty_history h
                      JOIN account_move m
                        ON h.order_model = 'account.move' AND m.id = h.order_id
                      LEFT JOIN paid ON paid.move_id = m.id
                     WHERE h.idic_kind IN ('earn', 'clawback')
                       AND h.card_id IN (SELECT id FROM loyalty_card
                                          WHERE program_id = %(program)s)
                )
                UPDATE loyalty_history h
                   SET idic_date = dated.day,
                       idic_expiry_date = CASE
                           WHEN h.idic_kind = 'earn' AND %(months)s > 0
                           THEN (dated.day + make_interval(months => %(months)s))::date
                       END
                  FROM dated
                 WHERE h.id = dated.id
                """,
                today=today,
                months=months or 0,
                program=program.id,
            )
        )
        # A referral bonus comes with the first points of the customer
        # referred.
        cr.execute(
            SQL(
                """
                UPDATE loyalty_history h
                   SET idic_date = first.day,
                       idic_expiry_date = CASE WHEN %(months)s > 0
                           THEN (first.day + make_interval(months => %(months)s))::date
                       END
                  FROM (SELECT c.partner_id, MIN(e.idic_date) AS day
                          FROM loyalty_history e
                          JOIN loyalty_card c ON c.id = e.card_id
                         WHERE e.idic_kind = 'earn'
                         GROUP BY c.partner_id) first
                 WHERE h.idic_kind = 'referral' AND h.order_model = 'res.partner'
                   AND h.order_id = first.partner_id
                   AND h.card_id IN (SELECT id FROM loyalty_card
                                      WHERE program_id = %(program)s)
                """,
                months=months or 0,
                program=program.id,
            )
        )
        # The mug was redeemed three weeks ago, with points earned before.
        cr.execute(
            SQL(
                """
                UPDATE loyalty_history h SET idic_date = %s
                 WHERE h.idic_kind = 'redeem' AND h.idic_date = %s
                   AND h.card_id IN (SELECT id FROM loyalty_card WHERE program_id = %s)
                """,
                today - timedelta(days=21),
                today,
                program.id,
            )
        )
        self.env["loyalty.history"].invalidate_model()
        # The lots expired at the end of each month they reached their date.
        Card = self.env["loyalty.card"].sudo()
        cr.execute(
            SQL(
                """SELECT MIN(h.idic_date), MIN(c.id), MAX(c.id) + 1
                     FROM loyalty_history h JOIN loyalty_card c ON c.id = h.card_id
                    WHERE c.program_id = %s""",
                program.id,
            )
        )
        first, start, end = cr.fetchone()
        day = first and first + relativedelta(day=31)
        while day and day < today:
            Card._idic_expire_points(start, end, today=day)
            day = (day + timedelta(days=1)) + relativedelta(day=31)

    # ------------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------------
    @api.model
    def _history_tier_sql(self, company, days):
        """Per customer of ``company`` and day of ``days``: the tier its
        figures gave that day (the value window and lifetime value of the
        recompute, the tiers' own thresholds)."""
        Partner = self.env["res.partner"]
        window = company.idic_rfm_window_months
        clv = SQL(
            "ROUND(s.lifetime + GREATEST(s.monetary, 0) * %s * %s, 2)",
            12.0 / window,
            company.idic_clv_years,
        )
        return SQL(
            """
            WITH days (day) AS (VALUES %(days)s),
            moves AS (
                SELECT m.commercial_partner_id AS partner_id, m.invoice_date,
                       m.amount_untaxed_signed AS amount
                  FROM account_move m
                 WHERE %(moves)s
            ),
            s AS (
                SELECT m.partner_id, d.day, SUM(m.amount) AS lifetime,
                       COALESCE(SUM(m.amount) FILTER (
                           WHERE m.invoice_date > d.day - make_interval(months => %(window)s)
                       ), 0) AS monetary
                  FROM days d
                  JOIN moves m ON m.invoice_date <= d.day
                 GROUP BY m.partner_id, d.day
            )
            SELECT s.partner_id, s.day, %(tier)s AS tier_id
              FROM s
             ORDER BY s.partner_id, s.day
            """,
            days=SQL(", ").join(SQL("(%s::date)", day) for day in days),
            moves=Partner._idic_value_moves_sql(company),
            window=window,
            tier=Partner._idic_tier_sql(
                company, {"clv": clv, "monetary": SQL("s.monetary")}
            ),
        )

    @api.model
    def _history_tiers(self, company, today):
        """Replace the tier moves the demo's recompute wrote today by the
        moves of the years replayed week by week, and date each customer's
        tier from its last move."""
        History = self.env["idic.tier.history"].sudo()
        days = [today - timedelta(weeks=n) for n in range(REPLAY_WEEKS, -1, -1)]
        rows = self.env.execute_query(self._history_tier_sql(company, days))
        replayed = {}
        for partner_id, day, tier_id in rows:
            moves = replayed.setdefault(partner_id, [])
            last = moves[-1][1] if moves else None
            if tier_id != last:
                moves.append((day, tier_id))
        Partner = self.env["res.partner"].sudo().with_company(company)
        key = str(company.id)
        self.env.flush_all()
        installed = History.search(
            [("company_id", "=", company.id), ("cause", "=", "recompute")]
        )
        moved = []
        for partner in Partner.browse(list(replayed)).exists():
            moves = replayed[partner.id]
            current = partner.idic_value_tier_id.id or None
            if not moves and not current:
                continue
            if not moves or moves[-1][1] != current:
                # The figures crossed into the current tier this week.
                moves.append((today, current))
            previous = None
            for day, tier_id in moves:
                if tier_id == previous:
                    continue
                moved.append(
                    SQL(
                        "(%s, %s, %s::int, %s::int, NULL::float8, %s::timestamp)",
                        partner.id,
                        company.id,
                        previous,
                        tier_id,
                        datetime.combine(day, time(3, 0)),
                    )
                )
                previous = tier_id
            # The customer and its contacts are in the tier since its last
            # move, coming from the tier before.
            before = moves[-2][1] if len(moves) > 1 else None
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner p SET %s, %s WHERE p.commercial_partner_id = %s",
                    put_company_value(
                        "idic_tier_date", key, SQL("to_jsonb(%s::date)", moves[-1][0])
                    ),
                    put_company_value(
                        "idic_previous_tier_id", key, SQL("to_jsonb(%s::int)", before)
                    ),
                    partner.id,
                )
            )
        installed.filtered(lambda h: h.partner_id.id in replayed).unlink()
        if moved:
            # Through the history's one writer, dated as the moves happened.
            self.env.cr.execute(
                History._record_sql(
                    SQL(
                        """SELECT * FROM (VALUES %s) AS v(partner_id, company_id,
                                  from_tier_id, to_tier_id, figure, date)""",
                        SQL(", ").join(moved),
                    ),
                    "recompute",
                    dated=True,
                )
            )
        History.invalidate_model()
        Partner.invalidate_model(["idic_tier_date", "idic_previous_tier_id"])

    # ------------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------------
    @api.model
    def _history_stage_days(self, partner, today, count):
        """``count`` days, one after the other and before today: the days
        ``partner`` met each stage of the path: first contact, first invoice,
        first conversation after it, a month later its preferences known,
        then a week per stage more."""
        first_invoice, first_talk = self.env.execute_query(
            SQL(
                """
                SELECT (SELECT MIN(m.invoice_date) FROM account_move m
                         WHERE m.commercial_partner_id = %(p)s AND m.state = 'posted'
                           AND m.move_type = 'out_invoice'),
                       (SELECT MIN(i.date)::date FROM idic_interaction i
                         WHERE i.commercial_partner_id = %(p)s)
                """,
                p=partner.id,
            )
        )[0]
        start = min(d for d in (first_invoice, first_talk, today) if d)
        start -= timedelta(days=30)
        differentiated = first_invoice or start + timedelta(days=30)
        talk = self.env["idic.interaction"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("date", ">", datetime.combine(differentiated, time.max)),
            ],
            order="date",
            limit=1,
        )
        interacting = talk.date.date() if talk else differentiated + timedelta(days=20)
        days = [
            start,
            differentiated,
            interacting,
            interacting + relativedelta(months=1),
        ]
        while len(days) < count:
            days.append(days[-1] + timedelta(days=7))
        days = days[:count]
        # One after the other, the last one by yesterday.
        for n in range(1, count):
            days[n] = max(days[n], days[n - 1] + timedelta(days=1))
        shift = max((days[-1] - (today - timedelta(days=1))).days, 0)
        return [day - timedelta(days=shift) for day in days]

    @api.model
    def _history_stages(self, today):
        """Replace the stage moves the demo's rules wrote today by the path
        each customer (and its contacts) took to its stage, one stage after
        the other."""
        Partner = self.env["res.partner"].sudo()
        History = self.env["idic.stage.history"].sudo()
        stages = list(self.env["idic.stage"].sudo().search([]))  # pylint: disable=no-search-all
        customers = Partner.search(
            [*Partner._idic_counted_domain(), ("idic_stage_id", "!=", False)]
        )
        # Only the customers the demo just placed (all their moves today).
        older = History.search(
            [
                ("partner_id", "in", customers.ids),
                ("date_in", "<", datetime.combine(today - timedelta(days=1), time.min)),
            ]
        )
        customers -= older.partner_id
        vals_list, dates = [], {}
        for customer in customers:
            path = stages[: stages.index(customer.idic_stage_id) + 1]
            days = self._history_stage_days(customer, today, len(path))
            family = Partner.search(
                [
                    ("commercial_partner_id", "=", customer.id),
                    ("idic_stage_id", "=", customer.idic_stage_id.id),
                ]
            )
            for member in family:
                for index, stage in enumerate(path):
                    vals_list.append(
                        {
                            "partner_id": member.id,
                            "stage_id": stage.id,
                            "previous_stage_id": index and path[index - 1].id,
                            "date_in": datetime.combine(days[index], time(2, 0)),
                            "date_out": index + 1 < len(path)
                            and datetime.combine(days[index + 1], time(2, 0)),
                            "cause": "rule" if member == customer else "contact",
                        }
                    )
                dates[member.id] = datetime.combine(days[-1], time(2, 0))
        History.search([("partner_id", "in", list(dates))]).unlink()
        History.create(vals_list)
        for partner_id, day in dates.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET idic_stage_date = %s WHERE id = %s",
                    day,
                    partner_id,
                )
            )
        Partner.invalidate_model(["idic_stage_date"])
