# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pictures of the Overview: the data behind the RFM segment map, the
IDIC funnel, the tier moves from x to and the 12-month trends, against hand
computations on a small data set with frozen dates across a month edge; each
picture opens the records it counts, for the user's company only."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from ..models import calendars
from .common import IdicCase, new_user

# The trends are computed for this day: their twelve months run from April
# 2025 to March 2026.
TODAY = date(2026, 3, 15)


def d(text):
    return date.fromisoformat(text)


@tagged("post_install", "-at_install")
class TestOverviewCharts(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_o = cls.env["res.company"].create({"name": "IDIC Charts Co"})
        for user in cls.idic_user | cls.idic_manager:
            user.company_ids = [Command.link(cls.company_o.id)]
        cls.bronze, cls.silver, cls.gold = cls.make_tiers(cls.company_o, "C")
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Chart Customer {i}",
                    "is_company": True,
                    "company_id": cls.company_o.id,
                }
                for i in range(5)
            ]
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Chart Contact", "parent_id": cls.customers[0].id}
        )

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    def overview_env(self, user=None, company=None):
        return (
            self.env["idic.overview"]
            .with_user(user or self.idic_user)
            .with_context(allowed_company_ids=[(company or self.company_o).id])
        )

    def chart(self, key, days=None, user=None, company=None):
        data = (
            self.env["idic.overview"]
            .with_user(user or self.idic_user)
            .get_overview(days=days, company_id=(company or self.company_o).id)
        )
        for section in data["sections"]:
            for chart in section.get("charts", []):
                if chart["key"] == key:
                    return chart
        return None

    def count(self, action, user=None, company=None):
        return (
            self.env[action["res_model"]]
            .with_user(user or self.idic_user)
            .with_context(allowed_company_ids=[(company or self.company_o).id])
            .search_count(action["domain"])
        )

    def set_scores(self):
        """Five customers on the map, by hand: (R, F, segment, net amount of
        the window, tier)."""
        figures = [
            (5, 5, "champions", 8000.0, self.gold),
            (5, 4, "champions", 6000.0, self.gold),
            (2, 5, "cant_lose", 2000.0, self.silver),
            (1, 1, "lost", 500.0, self.bronze),
            (5, 1, "new", 1500.0, self.silver),
        ]
        for partner, (r, f, segment, amount, tier) in zip(
            self.customers, figures, strict=True
        ):
            partner.with_company(self.company_o).sudo().write(
                {
                    "idic_r_score": r,
                    "idic_f_score": f,
                    "idic_rfm_segment": segment,
                    "idic_monetary": amount,
                    "idic_value_tier_id": tier.id,
                }
            )

    # ------------------------------------------------------------------------
    # RFM segment map
    # ------------------------------------------------------------------------
    def test_rfm_map(self):
        self.set_scores()
        data = self.overview_env().get_rfm_map(company_id=self.company_o.id)
        cells = {(c["r"], c["f"]): c for c in data["cells"]}
        self.assertEqual(len(cells), 25)
        counted = {key: c["value"] for key, c in cells.items() if c["value"]}
        self.assertEqual(
            counted, {(5, 5): 1, (5, 4): 1, (2, 5): 1, (1, 1): 1, (5, 1): 1}
        )
        # Each cell is coloured by the segment of the published grid.
        self.assertEqual(cells[5, 5]["segment"], "champions")
        self.assertEqual(cells[2, 5]["segment"], "cant_lose")
        self.assertEqual(cells[1, 1]["segment"], "lost")
        self.assertEqual(cells[3, 3]["segment"], "need_attention")
        segments = {s["key"]: s for s in data["segments"]}
        self.assertEqual(len(segments), 11)
        self.assertEqual(
            {k: s["value"] for k, s in segments.items() if s["value"]},
            {"champions": 2, "cant_lose": 1, "lost": 1, "new": 1},
        )
        # Revenue shares of 18,000: 14,000, 2,000, 500, 1,500.
        self.assertEqual(segments["champions"]["revenue_share"], 77.8)
        self.assertEqual(segments["cant_lose"]["revenue_share"], 11.1)
        self.assertEqual(segments["lost"]["revenue_share"], 2.8)
        self.assertEqual(segments["new"]["revenue_share"], 8.3)
        self.assertEqual(data["total"], 5)
        self.assertIn("not bought for long", segments["cant_lose"]["definition"])
        self.assertIn("Win them back", segments["cant_lose"]["suggestion"])
        # Clicking a segment opens its customers, and only them (the contact
        # follows its company and is not counted twice).
        for segment in segments.values():
            self.assertEqual(self.count(segment["action"]), segment["value"])
        champions = (
            self.env["res.partner"]
            .with_company(self.company_o)
            .search(segments["champions"]["action"]["domain"])
        )
        self.assertEqual(champions, self.customers[:2])
        # Clicking a cell opens exactly the customers it counts.
        for cell in cells.values():
            self.assertEqual(self.count(cell["action"]), cell["value"], cell["hint"])
        top = (
            self.env["res.partner"]
            .with_company(self.company_o)
            .search(cells[5, 5]["action"]["domain"])
        )
        self.assertEqual(top, self.customers[0])
        # The tier filter: the silver customers only.
        data = self.overview_env().get_rfm_map(
            company_id=self.company_o.id, tier_id=self.silver.id
        )
        segments = {s["key"]: s for s in data["segments"]}
        self.assertEqual(
            {k: s["value"] for k, s in segments.items() if s["value"]},
            {"cant_lose": 1, "new": 1},
        )
        self.assertEqual(segments["cant_lose"]["revenue_share"], 57.1)
        self.assertEqual(self.count(segments["new"]["action"]), 1)
        self.assertEqual(
            [t["id"] for t in data["tiers"]],
            [t.id for t in self.gold | self.silver | self.bronze],
        )
        # The same map on the overview.
        self.assertEqual(self.chart("rfm_map")["total"], 5)

    def test_rfm_map_companies(self):
        """A user of another company sees none of these customers; a company
        the user is not in falls back to the user's own."""
        self.set_scores()
        data = self.overview_env(self.other_user, self.other_company).get_rfm_map(
            company_id=self.company_o.id
        )
        self.assertEqual(data["company_id"], self.other_company.id)
        self.assertEqual(data["total"], 0)
        self.assertFalse(data["tiers"])
        self.assertEqual(
            self.env["idic.overview"].with_user(self.plain_user).get_rfm_map(), {}
        )

    # ------------------------------------------------------------------------
    # IDIC funnel
    # ------------------------------------------------------------------------
    def funnel(self, days=None):
        return {row["key"]: row for row in self.chart("funnel", days=days)["stages"]}

    def test_funnel(self):
        before = self.funnel()
        before_year = self.funnel(365)
        Partner = self.env["res.partner"].with_user(self.idic_manager)
        p0, p1, p2 = Partner.create(
            [
                {
                    "name": f"Funnel {i}",
                    "is_company": True,
                    "idic_stage_id": stage.id,
                }
                for i, stage in enumerate(
                    [
                        self.stage_identified,
                        self.stage_identified,
                        self.stage_differentiated,
                    ]
                )
            ]
        )
        # p0 moves forward twice, p1 forward and back.
        p0.idic_stage_id = self.stage_interacting
        p0.idic_stage_id = self.stage_customized
        p1.idic_stage_id = self.stage_interacting
        p1.idic_stage_id = self.stage_identified
        # p2 moved forward out of Identified 60 days ago.
        self.env["idic.stage.history"].sudo().create(
            {
                "partner_id": p2.id,
                "stage_id": self.stage_differentiated.id,
                "previous_stage_id": self.stage_identified.id,
                "date_in": fields.Datetime.now() - timedelta(days=60),
                "date_out": fields.Datetime.now() - timedelta(days=59),
                "cause": "manual",
            }
        )
        after = self.funnel()
        after_year = self.funnel(365)

        def delta(rows, old, stage, key="value"):
            return rows[f"funnel_{stage.id}"][key] - old[f"funnel_{stage.id}"][key]

        self.assertEqual(delta(after, before, self.stage_identified), 1)
        self.assertEqual(delta(after, before, self.stage_differentiated), 1)
        self.assertEqual(delta(after, before, self.stage_interacting), 0)
        self.assertEqual(delta(after, before, self.stage_customized), 1)
        # Moved forward out of the stage in 30 days: p0 and p1 out of
        # Identified, p0 out of Interacting; in 365 days p2 as well.
        self.assertEqual(delta(after, before, self.stage_identified, "moved"), 2)
        self.assertEqual(delta(after, before, self.stage_interacting, "moved"), 1)
        self.assertEqual(delta(after, before, self.stage_customized, "moved"), 0)
        self.assertEqual(
            delta(after_year, before_year, self.stage_identified, "moved"), 3
        )
        for rows in (after, after_year):
            for row in rows.values():
                self.assertEqual(self.count(row["action"]), row["value"], row["label"])
                moved = self.env["idic.stage.history"].search(
                    row["moved_action"]["domain"]
                )
                self.assertEqual(len(moved.partner_id), row["moved"], row["label"])
                total = row["value"] + row["moved"]
                self.assertEqual(
                    row["share"], round(100.0 * row["moved"] / total, 1) if total else 0
                )

    # ------------------------------------------------------------------------
    # Tier moves
    # ------------------------------------------------------------------------
    def test_tier_moves(self):
        for partner, tier in zip(
            self.customers,
            [self.gold, self.gold, self.silver, self.bronze],
            strict=False,
        ):
            partner.with_user(self.idic_manager).with_company(
                self.company_o
            ).idic_value_tier_id = tier
        self.customers[1].with_user(self.idic_manager).with_company(
            self.company_o
        ).idic_value_tier_id = self.silver
        # A move 200 days ago: in the year's picture only.
        self.env["idic.tier.history"].create(
            {
                "partner_id": self.customers[2].id,
                "company_id": self.company_o.id,
                "date": fields.Datetime.now() - timedelta(days=200),
                "from_tier_id": self.bronze.id,
                "to_tier_id": self.silver.id,
                "direction": "up",
            }
        )

        def cells(days):
            chart = self.chart("tier_moves", days=days)
            return chart, {(c["from"], c["to"]): c for c in chart["cells"]}

        chart, month = cells(30)
        self.assertEqual(
            {key: c["value"] for key, c in month.items()},
            {
                (False, self.gold.id): 2,
                (False, self.silver.id): 1,
                (False, self.bronze.id): 1,
                (self.gold.id, self.silver.id): 1,
            },
        )
        self.assertTrue(month[False, self.gold.id]["up"])
        self.assertFalse(month[self.gold.id, self.silver.id]["up"])
        self.assertEqual(
            [t["id"] for t in chart["tiers"]],
            [self.gold.id, self.silver.id, self.bronze.id, False],
        )
        for cell in month.values():
            self.assertEqual(self.count(cell["action"]), cell["value"])
        _chart, year = cells(365)
        self.assertEqual(year[self.bronze.id, self.silver.id]["value"], 1)
        self.assertEqual(self.count(year[self.bronze.id, self.silver.id]["action"]), 1)
        # Another company's user sees no move of this company.
        other = self.chart(
            "tier_moves", 365, user=self.other_user, company=self.other_company
        )
        self.assertFalse(other["cells"])

    def test_tier_trend(self):
        """Moves per month across the month edge (user time zone UTC)."""
        self.idic_user.tz = "UTC"
        History = self.env["idic.tier.history"]
        moves = [
            ("2025-03-31 12:00:00", self.bronze, self.silver, "up"),  # before
            ("2025-04-01 12:00:00", self.bronze, self.silver, "up"),  # Apr 2025
            ("2026-02-28 23:00:00", self.silver, self.gold, "up"),  # Feb 2026
            ("2026-03-01 00:30:00", self.gold, self.silver, "down"),  # Mar 2026
            ("2026-03-10 00:30:00", self.silver, self.bronze, "down"),  # Mar 2026
        ]
        for when, old, new, direction in moves:
            History.create(
                {
                    "partner_id": self.customers[0].id,
                    "company_id": self.company_o.id,
                    "date": datetime.fromisoformat(when),
                    "from_tier_id": old.id,
                    "to_tier_id": new.id,
                    "direction": direction,
                }
            )
        trend = self.overview_env()._tier_trend(TODAY)
        self.assertEqual(trend["labels"][0], "2025-04-01")
        self.assertEqual(trend["labels"][-1], "2026-03-01")
        up, down = (s["data"] for s in trend["datasets"])
        self.assertEqual(up, [1] + [0] * 9 + [1, 0])
        self.assertEqual(down, [0] * 11 + [2])
        self.assertEqual(self.count(trend["action"]), 4)

    # ------------------------------------------------------------------------
    # Points trend
    # ------------------------------------------------------------------------
    def test_points_trend(self):
        self.company_o.write(
            {"idic_points_rate": 1.0, "idic_points_validity_months": 12}
        )
        card = self.env["loyalty.card"]._idic_card(self.customers[0], self.company_o)
        card._idic_add_line(100, "earn", "Opening", date=d("2025-03-31"))
        card._idic_add_line(50, "earn", "April", date=d("2025-04-01"))
        card._idic_add_line(-30, "redeem", "Gift", date=d("2026-02-28"))
        card._idic_add_line(40, "earn", "March", date=d("2026-03-01"))
        card._idic_add_line(-20, "expire", "Expired", date=d("2026-03-01"))
        # Another company's card is not counted.
        other = self.env["loyalty.card"]._idic_card(
            self.customers[1], self.other_company
        )
        other._idic_add_line(999, "earn", "Elsewhere", date=d("2026-03-01"))
        trend = self.overview_env()._points_trend(TODAY)
        issued, used, expired, liability = (s["data"] for s in trend["datasets"])
        self.assertEqual(issued, [50.0] + [0.0] * 10 + [40.0])
        self.assertEqual(used, [0.0] * 10 + [30.0, 0.0])
        self.assertEqual(expired, [0.0] * 11 + [20.0])
        self.assertEqual(liability, [150.0] * 10 + [120.0, 140.0])
        # The graph behind it holds the lines of the twelve months.
        lines = self.env["loyalty.history"].search(trend["action"]["domain"])
        self.assertEqual(
            sorted(lines.mapped("description")), ["April", "Expired", "Gift", "March"]
        )
        self.assertEqual(trend["action"]["views"][0][1], "graph")
        # Each axis names its unit; the points of the month are grouped bars,
        # the liability a line on its own axis.
        self.assertTrue(trend["y_label"] and trend["y1_label"])
        self.assertEqual([s["stack"] for s in trend["datasets"]], [None] * 4)
        self.assertEqual(trend["datasets"][-1]["kind"], "line")
        # In Persian the months are the Jalali ones: Farvardin 1404 (21
        # March 2025) to Esfand 1404 (20 February 2026).
        self.env["res.lang"]._activate_lang("fa_IR")
        trend = self.overview_env().with_context(lang="fa_IR")._points_trend(TODAY)
        self.assertEqual(trend["labels"][0], "2025-03-21")
        self.assertEqual(trend["labels"][-2], "2026-01-21")
        self.assertEqual(trend["labels"][-1], "2026-02-20")
        issued, used, expired, liability = (s["data"] for s in trend["datasets"])
        self.assertEqual(issued, [150.0] + [0.0] * 10 + [40.0])
        self.assertEqual(used, [0.0] * 11 + [30.0])
        self.assertEqual(expired, [0.0] * 11 + [20.0])
        self.assertEqual(liability, [150.0] * 11 + [140.0])

    # ------------------------------------------------------------------------
    # Members trend
    # ------------------------------------------------------------------------
    def test_members_trend(self):
        """Members by status at each month end (April 2025 to March 2026),
        hand-computed: new for 91 days after joining, grace 28 days, both
        ending exactly on a month end."""
        self.company_o.write({"idic_member_grace_days": 28, "idic_member_new_days": 91})
        product = self.env["product.product"].create(
            {
                "name": "Charts Membership",
                "type": "service",
                "membership": True,
                "list_price": 40.0,
                "membership_date_from": d("2025-01-01"),
                "membership_date_to": d("2026-12-31"),
            }
        )
        m0, m1, m2 = self.customers[:3]
        periods = [
            # joined 2025-01-01, new until 2025-04-02: current at each month end
            (m0, "2025-01-01", "2025-12-31"),
            (m0, "2026-01-01", "2026-12-31"),  # renewed
            # new on 30 April, current on 31 May (new until 30 May included);
            # not renewed: in grace on 28 February (its last day), lapsed on 31 March
            (m1, "2025-03-01", "2026-01-31"),
            # new on 30 June and 31 July, current on 31 August (new until 30
            # August included), withdrawn on 15 October
            (m2, "2025-06-01", "2026-05-31"),
        ]
        for partner, date_from, date_to in periods:
            self.env["membership.membership_line"].create(
                {
                    "partner_id": partner.id,
                    "membership_id": product.id,
                    "member_price": 40.0,
                    "date": d(date_from),
                    "date_from": d(date_from),
                    "date_to": d(date_to),
                    "state": "paid",
                }
            )
        m2.write({"idic_member_withdrawn_date": d("2025-10-15")})
        self.env.flush_all()
        trend = self.overview_env()._members_trend(TODAY)
        self.assertEqual(trend["labels"][0], "2025-04-01")
        self.assertEqual(trend["labels"][-1], "2026-03-01")
        new, current, grace, lapsed, withdrawn, rate = (
            s["data"] for s in trend["datasets"]
        )
        self.assertEqual(new, [1, 0, 1, 1] + [0] * 8)
        self.assertEqual(current, [1, 2, 2, 2, 3, 3, 2, 2, 2, 2, 1, 1])
        self.assertEqual(grace, [0] * 10 + [1, 0])
        self.assertEqual(lapsed, [0] * 11 + [1])
        self.assertEqual(withdrawn, [0] * 6 + [1] * 6)
        # The members stack apart from the former members.
        self.assertEqual(
            [s["stack"] for s in trend["datasets"]],
            ["members", "members", "members", "former", "former", None],
        )
        # The member engine, run on some of those month ends, agrees.
        columns = dict(
            zip(
                ["new", "current", "grace", "lapsed", "withdrawn"],
                [new, current, grace, lapsed, withdrawn],
                strict=True,
            )
        )
        for index, day in [
            (0, "2025-04-30"),
            (3, "2025-07-31"),
            (4, "2025-08-31"),
            (10, "2026-02-28"),
            (11, "2026-03-31"),
        ]:
            with freeze_time(day):
                self.env["res.partner"]._idic_member_refresh()
            self.env.invalidate_all()
            statuses = (m0 | m1 | m2).mapped("idic_member_status")
            self.assertEqual(
                {key: statuses.count(key) for key in columns},
                {key: column[index] for key, column in columns.items()},
                day,
            )
        # December 2025: m0's period renewed; January 2026: m1's not.
        self.assertEqual(rate, [None] * 8 + [100.0, 0.0, None, None])
        rows = (
            self.env["idic.member.retention"]
            .with_user(self.idic_user)
            .with_context(allowed_company_ids=[self.company_o.id])
            .search(trend["action"]["domain"])
        )
        self.assertEqual(sorted(rows.mapped("renewed_count")), [0, 1])
        # Another company sees none of them.
        self.assertIsNone(
            self.overview_env(self.other_user, self.other_company)._members_trend(TODAY)
        )

    def test_members_trend_is_the_engine_rule(self):
        """Free members and associate members count in the trend as the
        member engine counts them (issue #29: one rule, with a date)."""
        product = self.env["product.product"].create(
            {
                "name": "Charts Rule Membership",
                "type": "service",
                "membership": True,
                "list_price": 40.0,
                "membership_date_from": d("2025-01-01"),
                "membership_date_to": d("2026-12-31"),
            }
        )
        holder = self.customers[3]
        associate, free = self.env["res.partner"].create(
            [
                {"name": f"Chart {name}", "company_id": self.company_o.id}
                for name in ("Associate", "Free Member")
            ]
        )
        self.env["membership.membership_line"].create(
            {
                "partner_id": holder.id,
                "membership_id": product.id,
                "member_price": 40.0,
                "date": d("2025-09-01"),
                "date_from": d("2025-09-01"),
                "date_to": d("2026-08-31"),
                "state": "paid",
            }
        )
        associate.associate_member_id = holder
        free.free_member = True
        self.env.flush_all()
        trend = self.overview_env()._members_trend(TODAY)
        by_status = dict(
            zip(
                ["new", "current", "grace", "lapsed", "withdrawn"],
                (s["data"] for s in trend["datasets"]),
                strict=False,
            )
        )
        for index, day in [(4, "2025-08-31"), (5, "2025-09-30"), (11, "2026-03-31")]:
            with freeze_time(day):
                self.env["res.partner"]._idic_member_refresh()
            self.env.invalidate_all()
            statuses = (holder | associate | free).mapped("idic_member_status")
            self.assertEqual(
                {key: statuses.count(key) for key in by_status},
                {key: column[index] for key, column in by_status.items()},
                day,
            )

    # ------------------------------------------------------------------------
    # Selectors, print, query count
    # ------------------------------------------------------------------------
    def test_period_and_company_selectors(self):
        self.set_scores()
        Overview = self.env["idic.overview"].with_user(self.idic_user)
        data = Overview.get_overview(days=90, company_id=self.company_o.id)
        self.assertEqual(data["window_days"], 90)
        self.assertEqual(data["company_id"], self.company_o.id)
        self.assertIn(self.company_o.id, [c["id"] for c in data["companies"]])
        tiles = {t["key"]: t for s in data["sections"] for t in s["tiles"] + s["rows"]}
        self.assertIn("90", tiles["tier_up"]["label"])
        # A period that is not offered falls back to 30 days; a company the
        # user is not in, to the user's current company.
        data = Overview.get_overview(days=7, company_id=self.other_company.id)
        self.assertEqual(data["window_days"], 30)
        self.assertNotEqual(data["company_id"], self.other_company.id)

    def test_print(self):
        self.set_scores()
        action = (
            self.env["idic.overview"]
            .with_user(self.idic_user)
            .action_print_overview(days=90, company_id=self.company_o.id)
        )
        self.assertEqual(
            action["report_name"], "partner_idic.report_idic_overview_document"
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(self.idic_user)
            .with_context(allowed_company_ids=[self.company_o.id])
            ._render_qweb_html(
                "partner_idic.report_idic_overview",
                self.company_o.ids,
                data=action["data"],
            )[0]
            .decode()
        )
        self.assertIn("Relationships Overview", html)
        self.assertIn("IDIC Charts Co", html)
        self.assertIn("RFM Segment Map", html)
        self.assertIn("Champions", html)
        self.assertIn("Last 90 days", html)
        # The months of the trends in the user's calendar: Gregorian in
        # English, Jalali in Persian (never "2026-01").
        months = calendars.last_months(self.today, 12, "en_US")
        self.assertIn(calendars.format_month(months[-1], "en_US"), html)
        self.assertNotIn(f">{fields.Date.to_string(months[-1])[:7]}<", html)
        self.env["res.lang"]._activate_lang("fa_IR")
        self.idic_user.lang = "fa_IR"
        html = (
            self.env["ir.actions.report"]
            .with_user(self.idic_user)
            .with_context(allowed_company_ids=[self.company_o.id], lang="fa_IR")
            ._render_qweb_html(
                "partner_idic.report_idic_overview",
                self.company_o.ids,
                data=action["data"],
            )[0]
            .decode()
        )
        self.assertIn(calendars.format_month(self.today, "fa_IR"), html)
        self.assertIn(calendars.format_date(self.today, "fa_IR"), html)

    def test_query_count(self):
        """The overview's data in the same number of queries whatever the
        number of customers, stages, tiers moves and points."""
        self.set_scores()
        self.company_o.write({"idic_points_rate": 1.0})
        Overview = self.env["idic.overview"].with_user(self.idic_user)

        def queries():
            self.env.registry.clear_cache()
            Overview.get_overview(company_id=self.company_o.id)  # warm the caches
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            Overview.get_overview(company_id=self.company_o.id)
            return self.env.cr.sql_log_count - start

        def add(count):
            partners = self.env["res.partner"].create(
                [
                    {
                        "name": f"Query Customer {i}",
                        "is_company": True,
                        "company_id": self.company_o.id,
                        "idic_stage_id": self.stage_identified.id,
                    }
                    for i in range(count)
                ]
            )
            for i, partner in enumerate(partners):
                partner.with_company(self.company_o).sudo().write(
                    {
                        "idic_r_score": i % 5 + 1,
                        "idic_f_score": (i // 5) % 5 + 1,
                        "idic_rfm_segment": "loyal",
                        "idic_monetary": 100.0 * i,
                    }
                )
                partner.with_user(self.idic_manager).with_company(
                    self.company_o
                ).idic_value_tier_id = (self.gold, self.silver, self.bronze)[i % 3]
                partner.with_user(
                    self.idic_manager
                ).idic_stage_id = self.stage_interacting
                card = self.env["loyalty.card"]._idic_card(partner, self.company_o)
                card._idic_add_line(5, "earn", "More")

        add(3)
        few = queries()
        add(30)
        self.assertEqual(queries(), few)
        self.assertLessEqual(few, 100)
        self.env.invalidate_all()
        with self.assertQueryCount(few):
            Overview.get_overview(company_id=self.company_o.id)

    def test_plain_user(self):
        """A user without the relationship groups gets no picture at all."""
        plain = new_user(self.env, login="idic_charts_plain", groups="base.group_user")
        self.assertEqual(
            self.env["idic.overview"].with_user(plain).get_overview(), {"sections": []}
        )
