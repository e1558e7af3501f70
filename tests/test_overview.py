# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Relationships > Overview: each figure equals a hand count and opens the
list it counts."""

from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestOverview(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_o = cls.env["res.company"].create({"name": "IDIC Overview Co"})
        for user in cls.idic_user | cls.idic_manager:
            user.company_ids = [Command.link(cls.company_o.id)]
        cls.bronze, cls.silver, cls.gold = cls.make_tiers(cls.company_o, "O")
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [{"name": f"Overview Customer {i}", "is_company": True} for i in range(6)]
        )
        # A contact follows its company: never counted twice.
        cls.contact = Partner.create(
            {"name": "Overview Contact", "parent_id": cls.customers[0].id}
        )

    def overview(self, user=None, company=None):
        data = (
            self.env["idic.overview"]
            .with_user(user or self.idic_user)
            .with_company(company or self.company_o)
            .get_overview()
        )
        tiles = {}
        for section in data["sections"]:
            for tile in section["tiles"] + section["rows"]:
                tiles[tile["key"]] = tile
        return tiles

    def count(self, tile, user=None, company=None):
        """The records the tile's list shows."""
        return len(self.records(tile, user, company))

    def records(self, tile, user=None, company=None):
        action = tile["action"]
        return (
            self.env[action["res_model"]]
            .with_user(user or self.idic_user)
            .with_company(company or self.company_o)
            .search(action["domain"])
        )

    def set_figures(self):
        """Tiers and window revenue by hand (as a manager), as the value
        recompute would leave them: 4 moves up, then one down."""
        figures = [
            (8000, self.gold),
            (6000, self.gold),
            (2000, self.silver),
            (500, self.bronze),
        ]
        for partner, (revenue, tier) in zip(self.customers, figures, strict=False):
            partner.with_company(self.company_o).sudo().idic_monetary = revenue
            partner.with_user(self.idic_manager).with_company(
                self.company_o
            ).idic_value_tier_id = tier
        self.customers[1].with_user(self.idic_manager).with_company(
            self.company_o
        ).idic_value_tier_id = self.silver

    def test_pipeline(self):
        self.advance()
        # One customer moved forward by hand, one backwards.
        self.customers[0].with_user(
            self.idic_manager
        ).idic_stage_id = self.stage_interacting
        self.customers[0].with_user(
            self.idic_manager
        ).idic_stage_id = self.stage_customized
        self.customers[1].with_user(
            self.idic_manager
        ).idic_stage_id = self.stage_interacting
        self.customers[1].with_user(
            self.idic_manager
        ).idic_stage_id = self.stage_identified
        tiles = self.overview()
        Partner = self.env["res.partner"]
        in_pipeline = Partner.search_count(
            [("parent_id", "=", False), ("idic_stage_id", "!=", False)]
        )
        self.assertEqual(tiles["pipeline_total"]["value"], in_pipeline)
        self.assertEqual(self.count(tiles["pipeline_total"]), in_pipeline)
        customized = tiles[f"stage_{self.stage_customized.id}"]
        self.assertGreaterEqual(customized["value"], 1)
        self.assertEqual(self.count(customized), customized["value"])
        self.assertNotIn(self.contact, Partner.search(customized["action"]["domain"]))
        # Forward moves: customer 0 twice (counted once), customer 1's first
        # move; its move back is not forward.
        forward = self.env["idic.stage.history"].search(
            tiles["pipeline_forward"]["action"]["domain"]
        )
        self.assertIn(self.customers[0], forward.partner_id)
        back = forward.filtered(
            lambda h: (
                h.partner_id == self.customers[1]
                and h.stage_id == self.stage_identified
            )
        )
        self.assertFalse(back)
        moved = len(forward.partner_id.filtered(lambda p: not p.parent_id))
        self.assertEqual(tiles["pipeline_forward"]["value"], moved)
        self.assertEqual(
            tiles["pipeline_forward"]["display"],
            f"{round(100.0 * moved / in_pipeline, 1)}%",
        )

    def test_value(self):
        self.set_figures()
        tiles = self.overview()
        self.assertEqual(tiles[f"tier_{self.gold.id}"]["value"], 1)
        self.assertEqual(tiles[f"tier_{self.silver.id}"]["value"], 2)
        self.assertEqual(tiles[f"tier_{self.bronze.id}"]["value"], 1)
        for tier in self.bronze | self.silver | self.gold:
            tile = tiles[f"tier_{tier.id}"]
            self.assertEqual(self.count(tile), tile["value"], tier.name)
        self.assertEqual(tiles["tier_up"]["value"], 4)
        self.assertEqual(tiles["tier_down"]["value"], 1)
        self.assertEqual(self.count(tiles["tier_up"]), 4)
        self.assertEqual(self.count(tiles["tier_down"]), 1)
        # Gold brings 8000 of 16500.
        self.assertEqual(tiles["top_revenue_share"]["display"], "48.5%")
        self.assertIn("48.5%", tiles[f"tier_{self.gold.id}"]["hint"])
        # The dormant Gold customer.
        self.assertEqual(tiles["top_dormant"]["value"], 0)
        self.customers[0].sudo().idic_dormant = True
        self.customers[3].sudo().idic_dormant = True  # Bronze: not counted
        tiles = self.overview()
        self.assertEqual(tiles["top_dormant"]["value"], 1)
        self.assertEqual(self.count(tiles["top_dormant"]), 1)

    def test_loyalty(self):
        self.company_o.write(
            {"idic_points_rate": 1.0, "idic_points_validity_months": 12}
        )
        Card = self.env["loyalty.card"]
        card_a = Card._idic_card(self.customers[0], self.company_o)
        # 100 earned 350 days ago (expires within 30 days), 30 of it spent.
        card_a._idic_add_line(100, "earn", "Old", date=self.today - timedelta(days=350))
        card_a._idic_add_line(50, "earn", "New", date=self.today - timedelta(days=10))
        card_a._idic_redeem(30, "Gift")
        card_b = Card._idic_card(self.customers[1], self.company_o)
        card_b._idic_add_line(-20, "clawback", "Refund")
        tiles = self.overview()
        self.assertEqual(tiles["points_liability"]["value"], 120.0)
        self.assertEqual(tiles["points_expiring"]["value"], 70.0)
        self.assertEqual(tiles["points_negative"]["value"], 1)
        self.assertEqual(self.count(tiles["points_negative"]), 1)
        self.assertEqual(self.count(tiles["points_liability"]), 1)
        lots = self.env["loyalty.history"].search(
            tiles["points_expiring"]["action"]["domain"]
        )
        self.assertEqual(lots.mapped("description"), ["Old"])

    def test_access_and_companies(self):
        self.set_figures()
        # Plain internal users get nothing.
        self.assertEqual(
            self.env["idic.overview"].with_user(self.plain_user).get_overview(),
            {"sections": []},
        )
        # Another company's user sees none of these customers' tiers.
        data = (
            self.env["idic.overview"]
            .with_user(self.other_user)
            .with_company(self.other_company)
            .get_overview()
        )
        keys = {
            tile["key"]
            for section in data["sections"]
            for tile in section["tiles"] + section["rows"]
        }
        self.assertNotIn(f"tier_{self.gold.id}", keys)
        self.assertIn("tier_up", keys)
        tile = next(
            t for s in data["sections"] for t in s["tiles"] if t["key"] == "tier_up"
        )
        self.assertEqual(tile["value"], 0)

    def test_donors(self):
        """Donor figures as the donor recompute leaves them: the LYBUNT count
        for every relationship user, the amount for donor-data readers only."""
        tiles = self.overview()
        self.assertNotIn("lybunt", tiles, "no donor section without donors")
        figures = [
            ("new", False, False, 0.0),
            ("active", False, False, 200.0),
            ("lapsed", True, True, 300.0),
            ("lapsed", True, True, 450.0),
            ("lapsed", False, True, 0.0),
        ]
        for partner, (status, lybunt, sybunt, last_fy) in zip(
            self.customers, figures, strict=False
        ):
            partner.with_company(self.company_o).sudo().write(
                {
                    "idic_donor_status": status,
                    "idic_lybunt": lybunt,
                    "idic_sybunt": sybunt,
                    "idic_donation_last_fy_total": last_fy,
                }
            )
        tiles = self.overview()
        self.assertEqual(tiles["donors_this_year"]["value"], 2)
        self.assertEqual(tiles["lybunt"]["value"], 2)
        self.assertEqual(tiles["sybunt"]["value"], 3)
        self.assertEqual(tiles["donor_lapsed"]["value"], 3)
        for key in ("donors_this_year", "lybunt", "sybunt", "donor_lapsed"):
            self.assertEqual(self.count(tiles[key]), tiles[key]["value"], key)
        # Relationship users see how many, not how much; everyone is told
        # what the acronyms mean.
        self.assertNotIn("750.00", tiles["lybunt"]["hint"])
        self.assertIn("Last Year But Unfortunately Not This", tiles["lybunt"]["hint"])
        self.assertIn("Some Year But Unfortunately Not This", tiles["sybunt"]["hint"])
        tiles = self.overview(self.idic_manager)
        self.assertIn("750.00", tiles["lybunt"]["hint"])

    def test_members(self):
        """Members by status and renewals: each figure moves with the members
        added and opens the members it counts."""
        # Membership lines without a company belong to the first company.
        main = self.env["res.company"].search([], order="id", limit=1)
        main.write({"idic_member_new_days": 90, "idic_member_grace_days": 30})
        before = self.overview(company=main)
        product = self.env["product.product"].create(
            {
                "name": "Overview Membership",
                "type": "service",
                "membership": True,
                "list_price": 40.0,
                "membership_date_from": self.today - timedelta(days=400),
                "membership_date_to": self.today + timedelta(days=400),
            }
        )
        T = self.today
        periods = [
            (T - timedelta(days=10), T + timedelta(days=355)),  # new
            (T - timedelta(days=200), T + timedelta(days=165)),  # current
            (T - timedelta(days=375), T - timedelta(days=10)),  # grace
            (T - timedelta(days=500), T - timedelta(days=100)),  # lapsed
        ]
        for partner, (date_from, date_to) in zip(self.customers, periods, strict=False):
            self.env["membership.membership_line"].create(
                {
                    "partner_id": partner.id,
                    "membership_id": product.id,
                    "member_price": 40.0,
                    "date": date_from,
                    "date_from": date_from,
                    "date_to": date_to,
                    "state": "paid",
                }
            )
        self.env.flush_all()
        self.assertEqual(
            self.customers[:4].mapped("idic_member_status"),
            ["new", "current", "grace", "lapsed"],
        )
        tiles = self.overview(company=main)

        def added(key):
            return tiles[key]["value"] - before.get(key, {"value": 0})["value"]

        for key in ("member_new", "member_current", "member_grace", "member_lapsed"):
            self.assertEqual(added(key), 1, key)
            self.assertEqual(
                self.count(tiles[key], company=main), tiles[key]["value"], key
            )
        self.assertEqual(added("members"), 3)
        self.assertEqual(
            self.count(tiles["members"], company=main), tiles["members"]["value"]
        )
        self.assertEqual(
            self.count(tiles["renewals_due"], company=main),
            tiles["renewals_due"]["value"],
        )
        # The lapsed period came up for renewal in the last 12 months and was
        # not renewed: the rate is what the retention rows say.
        rows = self.records(tiles["renewal_rate"], company=main)
        self.assertIn(self.customers[3], rows.partner_id)
        due, renewed = len(rows), sum(rows.mapped("renewed_count"))
        self.assertEqual(
            tiles["renewal_rate"]["value"], round(100.0 * renewed / due, 1)
        )
        # A plain internal user sees no overview at all.
        self.assertEqual(
            self.env["idic.overview"].with_user(self.plain_user).get_overview(),
            {"sections": []},
        )
