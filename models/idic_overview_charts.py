# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pictures of the Overview and of Reporting: the RFM segment map, the
IDIC funnel, the tier moves from x to and the 12-month trends.

Each picture is one data method returning plain JSON (drawn by the web
client with its own Chart.js, or as a grid), computed with grouped reads or
one SQL statement over the records the user may read, whatever the number of
partners. Every cell, bar and point carries the action opening the records it
counts. ``_overview_chart_methods`` says which pictures go in which section,
so that other sections add theirs by overriding it.
"""

from datetime import date, timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from . import calendars
from .member_engine import status_sql as member_status_sql
from .res_partner_value import RFM_SEGMENT_GRID, RFM_SEGMENTS

MONTHS = 12
DONOR_YEARS = 5

# Colour of each segment on the map (Odoo's colour palette, warm for the
# customers slipping away, green for the best).
SEGMENT_COLORS = {
    "champions": "#1a7f37",
    "loyal": "#4c9f38",
    "potential_loyalist": "#8cc152",
    "new": "#3b8fd9",
    "promising": "#7fb7e8",
    "need_attention": "#f2c14e",
    "about_to_sleep": "#b5b5b5",
    "at_risk": "#f08a4b",
    "cant_lose": "#d9383a",
    "hibernating": "#8e7cc3",
    "lost": "#5f6368",
}


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    @api.model
    def _segment_texts(self):
        """Per segment: what it is and what to do, shown on hover."""
        return {
            "champions": (
                self.env._("Bought recently, buy often and spend the most"),
                self.env._("Reward them, ask for reviews and referrals"),
            ),
            "loyal": (
                self.env._("Buy regularly and often"),
                self.env._(
                    "Offer higher-value products, enrol them in the loyalty programme"
                ),
            ),
            "potential_loyalist": (
                self.env._("Recent customers who have bought more than once"),
                self.env._(
                    "Offer membership or loyalty points, recommend other products"
                ),
            ),
            "new": (
                self.env._("Bought recently for the first time"),
                self.env._(
                    "Welcome them and help them succeed with their first purchase"
                ),
            ),
            "promising": (
                self.env._("Recent buyers who have not bought often yet"),
                self.env._("Make the company known to them, offer a trial"),
            ),
            "need_attention": (
                self.env._("Bought fairly recently and fairly often, but are slipping"),
                self.env._("Make a limited-time offer based on what they bought"),
            ),
            "about_to_sleep": (
                self.env._("Have not bought for a while and seldom bought"),
                self.env._("Share something useful, recommend popular products"),
            ),
            "at_risk": (
                self.env._("Bought often, but long ago"),
                self.env._("Reconnect with a personal message, offer a renewal"),
            ),
            "cant_lose": (
                self.env._("Big spenders who have not bought for long"),
                self.env._(
                    "Win them back: call them, do not lose them to a competitor"
                ),
            ),
            "hibernating": (
                self.env._("Last bought long ago and seldom"),
                self.env._(
                    "Offer relevant products and special prices, or let them rest"
                ),
            ),
            "lost": (
                self.env._("Lowest recency and frequency"),
                self.env._("Try one reach-out campaign, otherwise leave them"),
            ),
        }

    @api.model
    def _months(self, today):
        """The first days of the last ``MONTHS`` months, the current one last,
        in the calendar of the user's language (Jalali months in Persian)."""
        return calendars.last_months(today, MONTHS, self.env.lang)

    @api.model
    def _month_after(self, months):
        return calendars.add_months(months[-1], 1, self.env.lang)

    @api.model
    def _month_rows(self, months):
        """SQL rows ``(month, next)``: each month's first day and the first
        day of the month after it."""
        bounds = [*months, self._month_after(months)]
        return SQL(", ").join(
            SQL("(%s::date, %s::date)", start, end) for start, end in pairwise(bounds)
        )

    @api.model
    def _since(self, today):
        return fields.Datetime.to_string(
            fields.Datetime.to_datetime(today) - timedelta(days=self._overview_days())
        )

    @api.model
    def _customers_action(self, name, domain):
        return self._action(
            "partner_idic.res_partner_action_idic_customers",
            name,
            domain,
            views=("list", "kanban", "form"),
        )

    # ------------------------------------------------------------------------
    # RFM segment map
    # ------------------------------------------------------------------------
    @api.model
    def _rfm_map(self, tier_id=None):
        """The R x F grid of the current company: per cell (recency score,
        frequency score) its segment and customers; per segment its
        customers, its share of the revenue of the value window, its
        definition and suggested action, and the action opening them.
        ``tier_id`` narrows it to one value tier. One grouped read."""
        Partner = self.env["res.partner"]
        base = self._commercial_domain()
        if tier_id:
            base = [*base, ("idic_value_tier_id", "=", tier_id)]
        domain = [*base, ("idic_rfm_segment", "!=", False)]
        groups = Partner._read_group(
            domain,
            ["idic_r_score", "idic_f_score", "idic_rfm_segment"],
            ["__count", "idic_monetary:sum"],
        )
        cells = {(r, f): 0 for r in RFM_SEGMENT_GRID for f in range(1, 6)}
        counts = {key: 0 for key, _label in RFM_SEGMENTS}
        revenue = dict(counts)
        for r, f, segment, count, amount in groups:
            if (r, f) in cells:
                cells[r, f] += count
            counts[segment] += count
            revenue[segment] += amount or 0.0
        revenue_total = sum(revenue.values())
        total = sum(counts.values())
        labels = dict(
            Partner._fields["idic_rfm_segment"]._description_selection(self.env)
        )
        texts = self._segment_texts()
        currency = self.env.company.currency_id
        segments = []
        for key, _label in RFM_SEGMENTS:
            segment_domain = [*base, ("idic_rfm_segment", "=", key)]
            segments.append(
                {
                    "key": key,
                    "label": labels[key],
                    "color": SEGMENT_COLORS[key],
                    "value": counts[key],
                    "share": self._share(counts[key], total),
                    "revenue": revenue[key],
                    "revenue_display": format_amount(self.env, revenue[key], currency),
                    "revenue_share": self._share(revenue[key], revenue_total),
                    "definition": texts[key][0],
                    "suggestion": texts[key][1],
                    "action": self._customers_action(labels[key], segment_domain),
                }
            )
        return {
            "type": "rfm_map",
            "key": "rfm_map",
            "title": self.env._("RFM Segment Map"),
            "r_label": self.env._("Recency score (5: bought most recently)"),
            "f_label": self.env._("Frequency score (5: buys most often)"),
            "legend": self.env._(
                "Customers of each segment, and its share of the revenue of the "
                "value window"
            ),
            "total": total,
            "cells": [
                {
                    "r": r,
                    "f": f,
                    "segment": RFM_SEGMENT_GRID[r][f - 1],
                    "value": cells[r, f],
                    "hint": self.env._(
                        "Recency score %(r)s, frequency score %(f)s: %(count)s "
                        "customers",
                        r=r,
                        f=f,
                        count=cells[r, f],
                    ),
                    "action": self._customers_action(
                        self.env._(
                            "%(segment)s (R %(r)s, F %(f)s)",
                            segment=labels[RFM_SEGMENT_GRID[r][f - 1]],
                            r=r,
                            f=f,
                        ),
                        [*domain, ("idic_r_score", "=", r), ("idic_f_score", "=", f)],
                    ),
                }
                for r in sorted(RFM_SEGMENT_GRID, reverse=True)
                for f in range(1, 6)
            ],
            "segments": segments,
        }

    @api.model
    def get_rfm_map(self, *args, **kwargs):
        """Reporting > RFM Segment Map: the map of one company (the user's
        companies to choose from), optionally of one value tier."""
        company_id, tier_id = self._overview_params(
            args, kwargs, ("company_id", "tier_id")
        )
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            return {}
        company = self._overview_company(company_id)
        overview = self.with_context(allowed_company_ids=[company.id])
        tiers = overview.env["idic.value.tier"].search(
            [("company_id", "=", company.id)], order="min_threshold desc, id"
        )
        tier = tiers.filtered(lambda t: t.id == tier_id)
        data = overview._rfm_map(tier.id)
        data.update(
            {
                "company_id": company.id,
                "companies": [
                    {"id": c.id, "name": c.display_name}
                    for c in self.env.user.company_ids
                ],
                "tier_id": tier.id,
                "tiers": [{"id": t.id, "name": t.name} for t in tiers],
            }
        )
        return data

    # ------------------------------------------------------------------------
    # IDIC funnel
    # ------------------------------------------------------------------------
    @api.model
    def _funnel(self, today):
        """Customers per IDIC stage now, and per stage the customers who moved
        forward out of it in the period: the share is those moved on over
        those moved on plus those still in it."""
        Partner = self.env["res.partner"]
        base = [*self._commercial_domain(), ("idic_stage_id", "!=", False)]
        counts = dict(Partner._read_group(base, ["idic_stage_id"], ["__count"]))
        moved_domain = [
            ("forward", "=", True),
            ("date_in", ">=", self._since(today)),
            ("partner_id.idic_counted", "=", True),
        ]
        moved = dict(
            self.env["idic.stage.history"]._read_group(
                moved_domain, ["previous_stage_id"], ["partner_id:count_distinct"]
            )
        )
        stages = self.env["idic.stage"].search([])  # pylint: disable=no-search-all
        rows = []
        for stage in stages:
            count, on = counts.get(stage, 0), moved.get(stage, 0)
            rows.append(
                {
                    "key": f"funnel_{stage.id}",
                    "label": stage.name,
                    "value": count,
                    "moved": on,
                    "share": self._share(on, count + on),
                    "action": self._customers_action(
                        stage.name,
                        [*self._commercial_domain(), ("idic_stage_id", "=", stage.id)],
                    ),
                    "moved_action": self._action(
                        "partner_idic.idic_stage_history_action",
                        self.env._("Moved forward from %(stage)s", stage=stage.name),
                        [*moved_domain, ("previous_stage_id", "=", stage.id)],
                        views=("list", "pivot"),
                    ),
                }
            )
        return {
            "type": "funnel",
            "key": "funnel",
            "title": self.env._("IDIC Funnel"),
            "legend": self.env._(
                "Moved forward in %(days)s days", days=self._overview_days()
            ),
            "stages": rows,
        }

    # ------------------------------------------------------------------------
    # Tier moves from x to
    # ------------------------------------------------------------------------
    @api.model
    def _tier_moves(self, today):
        """The tier moves of the period, counted per (from tier, to tier);
        no tier is a row and a column of its own."""
        company = self.env.company
        domain = [("date", ">=", self._since(today)), ("company_id", "=", company.id)]
        # The direction of each move was recorded with it (the tier history's
        # one rule); a cell is up when its moves went up.
        counts, up = {}, set()
        for from_tier, to_tier, direction, count in self.env[
            "idic.tier.history"
        ]._read_group(domain, ["from_tier_id", "to_tier_id", "direction"], ["__count"]):
            counts[from_tier, to_tier] = counts.get((from_tier, to_tier), 0) + count
            if direction == "up":
                up.add((from_tier, to_tier))
        groups = [(f, t, count) for (f, t), count in counts.items()]
        tiers = self.env["idic.value.tier"].search(
            [("company_id", "=", company.id)], order="min_threshold desc, id"
        )
        used = self.env["idic.value.tier"].union(
            *(from_tier | to_tier for from_tier, to_tier, _count in groups)
        )
        tiers |= used.sorted(lambda t: (-t.min_threshold, t.id))
        axis = [{"id": t.id, "name": t.name} for t in tiers]
        axis.append({"id": False, "name": self.env._("No tier")})
        cells = []
        for from_tier, to_tier, count in groups:
            cell_domain = [
                *domain,
                ("from_tier_id", "=", from_tier.id),
                ("to_tier_id", "=", to_tier.id),
            ]
            cells.append(
                {
                    "from": from_tier.id,
                    "to": to_tier.id,
                    "value": count,
                    "up": (from_tier, to_tier) in up,
                    "action": self._action(
                        "partner_idic.idic_tier_history_action",
                        self.env._(
                            "From %(from)s to %(to)s",
                            **{
                                "from": from_tier.name or self.env._("No tier"),
                                "to": to_tier.name or self.env._("No tier"),
                            },
                        ),
                        cell_domain,
                    ),
                }
            )
        return {
            "type": "tier_moves",
            "key": "tier_moves",
            "title": self.env._(
                "Tier Moves in %(days)s Days", days=self._overview_days()
            ),
            "from_label": self.env._("From tier"),
            "to_label": self.env._("To tier"),
            "tiers": axis,
            "cells": cells,
        }

    # ------------------------------------------------------------------------
    # 12-month trends
    # ------------------------------------------------------------------------
    @api.model
    def _trend(self, key, title, months, datasets, action, y_label="", y1_label=""):
        """A trend chart: ``months`` (first days, labelled by the web client
        in the user's calendar), bars and lines, the unit of each axis."""
        return {
            "type": "trend",
            "key": key,
            "title": title,
            "labels": [fields.Date.to_string(m) for m in months],
            # The months named in the user's calendar where no browser does
            # it (the print).
            "label_texts": [calendars.format_month(m, self.env.lang) for m in months],
            "datasets": datasets,
            "action": action,
            "y_label": y_label,
            "y1_label": y1_label,
        }

    @api.model
    def _series(self, label, values, kind="bar", axis="y", stack=None, color=None):
        return {
            "label": label,
            "data": values,
            "kind": kind,
            "axis": axis,
            "stack": stack,
            "color": color,
        }

    @api.model
    def _points_trend(self, today):
        """Points issued, used and expired per month, and the points
        outstanding at each month end (issued less used since the start), on
        the cards of the company's programme the user may read."""
        program = self.env.company.idic_loyalty_program_id
        if not program:
            return None
        months = self._months(today)
        Card = self.env["loyalty.card"]
        cards = Card._search([("program_id", "=", program.id)])
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                WITH lines AS (
                    SELECT COALESCE(h.idic_date, h.create_date::date) AS day,
                           COALESCE(h.issued, 0) AS issued,
                           COALESCE(h.used, 0) AS used,
                           h.idic_kind = 'expire' AS expired
                      FROM loyalty_history h
                     WHERE h.card_id IN (%(cards)s)
                ),
                opening AS (
                    SELECT COALESCE(SUM(issued - used), 0) AS balance
                      FROM lines WHERE day < %(first)s
                ),
                months (month, next) AS (VALUES %(months)s)
                SELECT COALESCE(SUM(l.issued), 0),
                       COALESCE(SUM(l.used) FILTER (WHERE NOT l.expired), 0),
                       COALESCE(SUM(l.used) FILTER (WHERE l.expired), 0),
                       (SELECT balance FROM opening)
                       + SUM(COALESCE(SUM(l.issued - l.used), 0))
                             OVER (ORDER BY m.month)
                  FROM months m
                  LEFT JOIN lines l ON l.day >= m.month AND l.day < m.next
                 GROUP BY m.month
                 ORDER BY m.month
                """,
                cards=cards.select(SQL.identifier("loyalty_card", "id")),
                first=months[0],
                months=self._month_rows(months),
            )
        )
        issued, used, expired, liability = (
            [round(float(row[i]), 2) for row in rows] for i in range(4)
        )
        lines_domain = [
            ("card_id.program_id", "=", program.id),
            ("idic_date", ">=", fields.Date.to_string(months[0])),
            ("idic_date", "<", fields.Date.to_string(self._month_after(months))),
        ]
        return self._trend(
            "points_trend",
            self.env._("Points per Month"),
            months,
            [
                self._series(self.env._("Issued"), issued),
                self._series(self.env._("Used"), used),
                self._series(self.env._("Expired"), expired),
                self._series(
                    self.env._("Points liability at month end"),
                    liability,
                    "line",
                    "y1",
                ),
            ],
            self._action(
                "partner_idic.loyalty_history_action_idic",
                self.env._("Points per Month"),
                lines_domain,
                context={"graph_groupbys": ["idic_date:month", "idic_kind"]},
                views=("graph", "pivot", "list"),
            ),
            y_label=self.env._("Points in the month"),
            y1_label=self.env._("Points liability (points)"),
        )

    @api.model
    def _tier_trend(self, today):
        """Tier moves up and down per month."""
        months = self._months(today)
        domain = [
            ("date", ">=", fields.Datetime.to_string(months[0])),
            ("date", "<", fields.Datetime.to_string(self._month_after(months))),
            ("company_id", "=", self.env.company.id),
        ]
        query = self.env["idic.tier.history"]._search(domain)
        rows = self.env.execute_query(
            SQL(
                """
                WITH months (month, next) AS (VALUES %(months)s),
                moves AS (%(moves)s)
                SELECT COUNT(h.direction) FILTER (WHERE h.direction = 'up'),
                       COUNT(h.direction) FILTER (WHERE h.direction = 'down')
                  FROM months m
                  LEFT JOIN moves h
                         ON (h.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                            >= m.month
                        AND (h.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                            < m.next
                 GROUP BY m.month
                 ORDER BY m.month
                """,
                months=self._month_rows(months),
                tz=self.env.context.get("tz") or self.env.user.tz or "UTC",
                moves=query.select(
                    SQL.identifier("idic_tier_history", "date"),
                    SQL.identifier("idic_tier_history", "direction"),
                ),
            )
        )
        up, down = [row[0] for row in rows], [row[1] for row in rows]
        return self._trend(
            "tier_trend",
            self.env._("Tier Moves per Month"),
            months,
            [
                self._series(self.env._("Up"), up),
                self._series(self.env._("Down"), down),
            ],
            self._action(
                "partner_idic.idic_tier_history_action",
                self.env._("Tier Moves per Month"),
                domain,
                context={"graph_groupbys": ["date:month", "direction"]},
                views=("graph", "pivot", "list"),
            ),
            y_label=self.env._("Customers who moved"),
        )

    @api.model
    def _members_trend(self, today):
        """Members by status at each month end, by the member engine's own
        rule (:func:`member_engine.status_sql`) as of that day: free and
        associate members, each member's company and its new-member and grace
        days, withdrawals, as the stored statuses are computed. With the
        renewal rate of the periods that ended in the month. One statement."""
        company = self.env.company
        months = self._months(today)
        partners = self.env["res.partner"]._search([])
        self.env.flush_all()
        # Each month's last day, in the user's calendar.
        month_of = {
            end - timedelta(days=1): month
            for month, end in zip(
                months, [*months[1:], self._month_after(months)], strict=True
            )
        }
        # The partners who are or were members: their own lines, an
        # associate's, or free membership.
        members = SQL(
            """(p.id IN (%(partners)s)
                AND (p.free_member OR p.associate_member_id IS NOT NULL
                     OR EXISTS (SELECT 1 FROM membership_membership_line l
                                 WHERE l.partner_id = p.id)))""",
            partners=partners.select(SQL.identifier("res_partner", "id")),
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.status_day,
                       COUNT(*) FILTER (WHERE s.idic_member_status = 'new'),
                       COUNT(*) FILTER (WHERE s.idic_member_status = 'current'),
                       COUNT(*) FILTER (WHERE s.idic_member_status = 'grace'),
                       COUNT(*) FILTER (WHERE s.idic_member_status = 'lapsed'),
                       COUNT(*) FILTER (WHERE s.idic_member_status = 'withdrawn')
                  FROM (%(status)s) s
                 WHERE s.status_company_id = %(company)s
                 GROUP BY s.status_day
                """,
                status=member_status_sql(
                    today,
                    members,
                    self.env["res.partner"]._idic_member_fallback_company_id(),
                    # The month ends as literal rows: the planner knows there
                    # are 12.
                    days=SQL(
                        "SELECT day FROM (VALUES %s) AS v(day)",
                        SQL(", ").join(SQL("(%s::date)", day) for day in month_of),
                    ),
                ),
                company=company.id,
            )
        )
        rows = [(month_of[row[0]], *row[1:]) for row in rows]
        by_month = {row[0]: row[1:] for row in rows}
        rows = [(month, *by_month.get(month, (0,) * 5)) for month in months]
        if not any(any(row[1:]) for row in rows):
            return None
        retention_domain = [
            ("date_end", ">=", fields.Date.to_string(months[0])),
            ("date_end", "<=", fields.Date.to_string(today)),
        ]
        retention = {}
        for day, due, renewed in self.env["idic.member.retention"]._read_group(
            retention_domain,
            ["date_end:day"],
            ["due_count:sum", "renewed_count:sum"],
        ):
            month = calendars.month_start(fields.Date.to_date(day), self.env.lang)
            old_due, old_renewed = retention.get(month, (0, 0))
            retention[month] = (old_due + (due or 0), old_renewed + (renewed or 0))
        rates = [
            self._share(retention.get(m, (0, 0))[1], retention.get(m, (0, 0))[0])
            if retention.get(m, (0, 0))[0]
            else None
            for m in months
        ]
        return self._trend(
            "members_trend",
            self.env._("Members by Status at Month End"),
            months,
            [
                *(
                    self._series(
                        label, [row[i] for row in rows], stack=stack, color=color
                    )
                    for i, (label, stack, color) in enumerate(
                        [
                            (self.env._("New"), "members", "#7fb7e8"),
                            (self.env._("Current"), "members", "#3b8fd9"),
                            (self.env._("In grace"), "members", "#f2c14e"),
                            (self.env._("Lapsed"), "former", "#b5b5b5"),
                            (self.env._("Withdrawn"), "former", "#5f6368"),
                        ],
                        start=1,
                    )
                ),
                self._series(
                    self.env._("Renewal rate (%)"), rates, "line", "y1", color="#1a7f37"
                ),
            ],
            self._action(
                "partner_idic.idic_member_retention_action",
                self.env._("Member retention"),
                retention_domain,
                context={"graph_groupbys": ["date_end:month"]},
                views=("graph", "pivot", "list"),
            ),
            y_label=self.env._("Members at month end"),
            y1_label=self.env._("Renewal rate (%)"),
        )

    @api.model
    def _donors_trend(self, today):
        """Per fiscal year (the last ``DONOR_YEARS``): the donors who gave in
        it, the LYBUNT ones (gave the year before, not in it) and the SYBUNT
        ones (gave some year before, not in it), as the donor figures count
        them: a gift is an invoice with its credit notes, counting when its
        net amount is positive."""
        company = self.env.company
        this_fy = company.compute_fiscalyear_dates(today)["date_to"].year
        years = list(range(this_fy - DONOR_YEARS + 1, this_fy + 1))
        Report = self.env["idic.donation.report"].sudo()
        query = Report._search([("company_id", "=", company.id)])
        rows = self.env.execute_query(
            SQL(
                """
                WITH lines AS (%(lines)s),
                gifts AS (
                    SELECT DISTINCT partner_id, fy
                      FROM (SELECT partner_id, gift_move_id, MIN(fy) AS fy,
                                   SUM(amount) AS amount,
                                   BOOL_OR(move_type = 'out_invoice') AS invoice
                              FROM lines
                             GROUP BY partner_id, gift_move_id) g
                     WHERE g.invoice AND g.amount > 0
                ),
                years AS (
                    SELECT generate_series(%(first)s, %(last)s) AS fy
                )
                SELECT y.fy,
                       (SELECT COUNT(*) FROM gifts g WHERE g.fy = y.fy),
                       (SELECT COUNT(*) FROM gifts g
                         WHERE g.fy = y.fy - 1
                           AND NOT EXISTS (SELECT 1 FROM gifts n
                                            WHERE n.partner_id = g.partner_id
                                              AND n.fy = y.fy)),
                       (SELECT COUNT(DISTINCT g.partner_id) FROM gifts g
                         WHERE g.fy < y.fy
                           AND NOT EXISTS (SELECT 1 FROM gifts n
                                            WHERE n.partner_id = g.partner_id
                                              AND n.fy = y.fy))
                  FROM years y
                 ORDER BY y.fy
                """,
                lines=query.select(
                    SQL.identifier("idic_donation_report", "partner_id"),
                    SQL.identifier("idic_donation_report", "gift_move_id"),
                    SQL.identifier("idic_donation_report", "move_type"),
                    SQL(
                        "%s AS fy",
                        SQL.identifier("idic_donation_report", "fiscal_year_end"),
                    ),
                    SQL.identifier("idic_donation_report", "amount"),
                ),
                first=years[0],
                last=years[-1],
            )
        )
        if not any(row[1] or row[3] for row in rows):
            return None
        action = None
        report_domain = [("company_id", "=", company.id)]
        if self.env.user.has_group("partner_idic.group_idic_donor_data"):
            action = self._action(
                "partner_idic.idic_donation_report_action",
                self.env._("Donors per Fiscal Year"),
                report_domain,
                context={"graph_groupbys": ["fiscal_year_end"]},
                views=("graph", "pivot", "list"),
            )
        trend = self._trend(
            "donors_trend",
            self.env._("Donors per Fiscal Year"),
            [],
            [
                self._series(self.env._("Donors"), [row[1] for row in rows]),
                self._series(self.env._("LYBUNT"), [row[2] for row in rows]),
                self._series(self.env._("SYBUNT"), [row[3] for row in rows]),
            ],
            action,
            y_label=self.env._("Donors"),
        )
        # Each fiscal year by its last day: the web client names it by that
        # day's year in the user's calendar.
        month, day = int(company.fiscalyear_last_month), company.fiscalyear_last_day
        ends = [
            company.compute_fiscalyear_dates(date(year, month, min(day, 28)))["date_to"]
            for year in years
        ]
        trend["labels"] = [fields.Date.to_string(end) for end in ends]
        trend["label_texts"] = [
            calendars.format_year(end, self.env.lang) for end in ends
        ]
        trend["years"] = True
        return trend

    # ------------------------------------------------------------------------
    # Sections
    # ------------------------------------------------------------------------
    @api.model
    def _overview_chart_methods(self):
        """The pictures of each section of the overview, by section key."""
        return {
            "pipeline": [self._funnel],
            "value": [self._rfm_map_chart, self._tier_moves, self._tier_trend],
            "loyalty": [self._points_trend],
            "members": [self._members_trend],
            "donors": [self._donors_trend],
        }

    @api.model
    def _rfm_map_chart(self, today):
        return self._rfm_map()

    @api.model
    def _overview_sections(self, today):
        sections = super()._overview_sections(today)
        methods = self._overview_chart_methods()
        for section in sections:
            if section:
                charts = (method(today) for method in methods.get(section["key"], []))
                section["charts"] = [chart for chart in charts if chart]
        return sections
