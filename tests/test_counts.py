# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One count per figure: the Overview, the menus, the reports and the
configuration counters count the same customers; the companies' own
partners, the internal users' partners and vendors that never bought are
never among them, nor in the jobs."""

from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.tools.safe_eval import safe_eval

from .common import IdicCase, new_user


class TestCounts(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_c = cls.env["res.company"].create({"name": "IDIC Counts Co"})
        cls.load_chart(cls.company_c)
        for user in cls.idic_user | cls.idic_manager:
            user.company_ids = [Command.link(cls.company_c.id)]
        cls.bronze, cls.silver, cls.gold = cls.make_tiers(cls.company_c, "C")
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {
                    "name": f"Counts Customer {i}",
                    "is_company": True,
                    "email": f"c{i}@x.example",
                }
                for i in range(3)
            ]
        )
        cls.person = Partner.create({"name": "Counts Person", "email": "p@x.example"})
        cls.contact = Partner.create(
            {
                "name": "Counts Contact",
                "parent_id": cls.customers[0].id,
                "email": "k@x.example",
            }
        )
        cls.portal = new_user(
            cls.env, login="idic_counts_portal", groups="base.group_portal"
        ).partner_id
        cls.own = cls.company_c.partner_id
        cls.own.email = "own@x.example"
        cls.own_contact = Partner.create(
            {
                "name": "Counts Own Staff Contact",
                "parent_id": cls.own.id,
                "email": "s@x.example",
            }
        )
        cls.staff = cls.idic_manager.partner_id
        cls.staff.email = "m@x.example"
        former = new_user(cls.env, login="idic_counts_former", groups="base.group_user")
        former.partner_id.email = "former@x.example"
        former.active = False
        cls.former = former.partner_id
        cls.vendor = Partner.create(
            {"name": "Counts Vendor", "is_company": True, "email": "v@x.example"}
        )
        cls.vendor.supplier_rank = 1
        # A vendor that bought once (through a contact) is a customer.
        cls.both = Partner.create(
            {
                "name": "Counts Supplier And Customer",
                "is_company": True,
                "email": "b@x.example",
            }
        )
        cls.both.supplier_rank = 2
        Partner.create({"name": "Buyer", "parent_id": cls.both.id}).customer_rank = 1
        cls.counted = cls.customers | cls.person | cls.portal | cls.both
        cls.excluded = cls.own | cls.own_contact | cls.staff | cls.former | cls.vendor

    def search(self, domain, user=None):
        return (
            self.env["res.partner"]
            .with_user(user or self.idic_user)
            .with_company(self.company_c)
            .with_context(active_test=False)
            .search(domain)
        )

    # ------------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------------
    def test_rule(self):
        everyone = self.counted | self.excluded | self.contact
        self.assertEqual(
            everyone & self.search([("idic_excluded", "=", True)]), self.excluded
        )
        self.assertEqual(
            everyone & self.search([("idic_excluded", "=", False)]),
            self.counted | self.contact,
        )
        self.assertEqual(
            everyone & self.search([("idic_counted", "=", True)]), self.counted
        )
        self.assertEqual(
            everyone & self.search([("idic_counted", "!=", True)]),
            self.excluded | self.contact,
        )
        # The compute says the same as the search.
        for partner in everyone.with_user(self.idic_user):
            self.assertEqual(
                partner.idic_excluded, partner in self.excluded, partner.name
            )
            self.assertEqual(
                partner.idic_counted, partner in self.counted, partner.name
            )
        # Settings may count vendors as customers.
        self.set_param("count_vendors", "True")
        self.assertIn(self.vendor, self.search([("idic_counted", "=", True)]))
        self.set_param("count_vendors", "False")
        self.assertNotIn(self.vendor, self.search([("idic_counted", "=", True)]))

    def test_stage_job(self):
        """The stage rules never put a non-customer in the pipeline, and take
        out those who are in it (locked or not)."""
        self.own.sudo().write(
            {"idic_stage_id": self.stage_identified.id, "idic_stage_locked": True}
        )
        self.advance()
        for partner in self.excluded:
            self.assertFalse(partner.idic_stage_id, partner.name)
        for partner in self.counted | self.contact:
            self.assertEqual(partner.idic_stage_id, self.stage_identified, partner.name)
        stays = (
            self.env["idic.stage.history"]
            .sudo()
            .search([("partner_id", "=", self.own.id)])
        )
        self.assertTrue(stays)
        self.assertTrue(
            all(stays.mapped("date_out")), "the stay in the pipeline is closed"
        )

    def test_value_and_dormant_jobs(self):
        """The value job gives figures and tiers to customers only (and
        clears those a non-customer had); no non-customer is dormant."""
        day = self.today - timedelta(days=20)
        for partner in self.customers[0] | self.own | self.staff | self.vendor:
            self.make_invoice(partner, day, [("Counts sale", 2000.0)], self.company_c)
        # The vendor became a customer by this invoice: it is one now.
        self.assertFalse(self.vendor.with_user(self.idic_user).idic_excluded)
        Partner = self.env["res.partner"].sudo().with_company(self.company_c)
        self.staff.with_company(self.company_c).sudo().idic_value_tier_id = self.gold
        Partner._idic_recompute_values(self.company_c, commit=False)
        self.assertEqual(
            self.customers[0].with_company(self.company_c).idic_lifetime_revenue, 2000.0
        )
        self.assertEqual(
            self.customers[0].with_company(self.company_c).idic_value_tier_id,
            self.silver,
        )
        for partner in self.own | self.own_contact | self.staff:
            partner = partner.with_company(self.company_c)
            self.assertFalse(partner.idic_lifetime_revenue, partner.name)
            self.assertFalse(partner.idic_value_tier_id, partner.name)
            self.assertFalse(partner.idic_rfm_segment, partner.name)
        self.set_param("dormant_days", 1)
        self.company_c.idic_dormant_days = 1
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = now() - interval '30 days'"
        )
        Partner._idic_refresh_dormant(Partner._idic_excluded_sql("p"))
        self.assertFalse(any((self.excluded).sudo().mapped("idic_dormant")))

    # ------------------------------------------------------------------------
    # One count per figure
    # ------------------------------------------------------------------------
    def menu_domain(self, xmlid, extra=()):
        """The domain of the list the menu ``xmlid`` opens: its action's
        domain and the filters it applies by default (as the web client
        does)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        domain = list(safe_eval(action.get("domain") or "[]"))
        context = safe_eval(action.get("context") or "{}", {"active_ids": []})
        Partner = self.env[action["res_model"]]
        view_id = action.get("search_view_id") and action["search_view_id"][0]
        arch = Partner.get_view(view_id, "search")["arch"]
        tree = etree.fromstring(arch)
        for key, value in context.items():
            if key.startswith("search_default_") and value:
                name = key[len("search_default_") :]
                node = tree.xpath(f"//filter[@name='{name}']")
                if node and node[0].get("domain"):
                    domain += safe_eval(node[0].get("domain"), {"context_today": None})
        return [*domain, *extra]

    def overview(self):
        data = (
            self.env["idic.overview"]
            .with_user(self.idic_manager)
            .with_company(self.company_c)
            .get_overview(company_id=self.company_c.id)
        )
        return {
            tile["key"]: tile
            for section in data["sections"]
            for tile in section["tiles"] + section["rows"]
        }

    def count(self, domain):
        return len(
            self.env["res.partner"]
            .with_user(self.idic_manager)
            .with_company(self.company_c)
            .search(domain)
        )

    def assertNoneExcluded(self, domain, what):
        found = (
            self.env["res.partner"]
            .with_user(self.idic_manager)
            .with_company(self.company_c)
            .search(domain)
        )
        self.assertFalse(found & (self.excluded | self.contact), what)

    def set_everything(self):
        """Stages, tiers, member statuses and donor figures on customers and
        non-customers alike (as if an earlier version had written them)."""
        everyone = self.counted | self.excluded | self.contact
        stages = [
            self.stage_identified,
            self.stage_differentiated,
            self.stage_customized,
        ]
        tiers = [self.bronze, self.silver, self.gold]
        donors = [
            ("new", False, False),
            ("active", False, False),
            ("lapsed", True, True),
        ]
        for index, partner in enumerate(everyone.sudo().with_company(self.company_c)):
            partner.write(
                {
                    "idic_stage_id": stages[index % 3].id,
                    "idic_donor_status": donors[index % 3][0],
                    "idic_lybunt": donors[index % 3][1],
                    "idic_sybunt": donors[index % 3][2],
                    "idic_donation_count": 1,
                }
            )
            partner.with_context(idic_tier_sync=True).idic_value_tier_id = tiers[
                index % 3
            ]
        product = self.env["product.product"].create(
            {
                "name": "Counts Membership",
                "type": "service",
                "membership": True,
                "list_price": 10.0,
                "membership_date_from": self.today - timedelta(days=600),
                "membership_date_to": self.today + timedelta(days=400),
            }
        )
        T = self.today
        periods = [
            (T - timedelta(days=10), T + timedelta(days=355)),
            (T - timedelta(days=200), T + timedelta(days=165)),
            (T - timedelta(days=375), T - timedelta(days=10)),
            (T - timedelta(days=500), T - timedelta(days=100)),
        ]
        for index, partner in enumerate(everyone - self.contact):
            date_from, date_to = periods[index % 4]
            self.env["membership.membership_line"].create(
                {
                    "partner_id": partner.id,
                    "membership_id": product.id,
                    "member_price": 10.0,
                    "date": date_from,
                    "date_from": date_from,
                    "date_to": date_to,
                    "state": "paid",
                    "company_id": self.company_c.id,
                }
            )
        self.company_c.write({"idic_member_new_days": 90, "idic_member_grace_days": 30})
        self.env.flush_all()

    def test_counts_agree(self):
        self.set_everything()
        tiles = self.overview()
        Stage = (
            self.env["idic.stage"]
            .with_user(self.idic_manager)
            .with_company(self.company_c)
        )
        pipeline = "partner_idic.res_partner_action_idic_customers"
        by_stage = dict(
            self.env["res.partner"]
            .with_user(self.idic_manager)
            .with_company(self.company_c)
            ._read_group(
                self.menu_domain("partner_idic.res_partner_action_idic_reporting"),
                ["idic_stage_id"],
                ["__count"],
            )
        )
        for stage in Stage.search([]):
            value = tiles[f"stage_{stage.id}"]["value"]
            what = f"stage {stage.name}"
            self.assertEqual(
                self.count(
                    self.menu_domain(pipeline, [("idic_stage_id", "=", stage.id)])
                ),
                value,
                what,
            )
            self.assertEqual(stage.partner_count, value, what)
            self.assertEqual(by_stage.get(stage, 0), value, what)
            self.assertEqual(
                self.count(stage.action_open_partners()["domain"]), value, what
            )
            self.assertEqual(
                self.count(tiles[f"stage_{stage.id}"]["action"]["domain"]), value
            )
            self.assertNoneExcluded(
                self.menu_domain(pipeline, [("idic_stage_id", "=", stage.id)]), what
            )
        self.assertEqual(
            tiles["pipeline_total"]["value"],
            self.count(self.menu_domain(pipeline, [("idic_stage_id", "!=", False)])),
        )
        in_pipeline = self.search(tiles["pipeline_total"]["action"]["domain"])
        self.assertEqual(
            in_pipeline & (self.counted | self.excluded | self.contact), self.counted
        )
        for tier in self.bronze | self.silver | self.gold:
            value = tiles[f"tier_{tier.id}"]["value"]
            what = f"tier {tier.name}"
            self.assertEqual(
                tier.with_user(self.idic_manager).partner_count, value, what
            )
            self.assertEqual(
                self.count(tier.action_open_partners()["domain"]), value, what
            )
            self.assertEqual(
                self.count(
                    self.menu_domain(pipeline, [("idic_value_tier_id", "=", tier.id)])
                ),
                value,
                what,
            )
            self.assertNoneExcluded(tier.action_open_partners()["domain"], what)
        self.assertEqual(
            sum(
                tiles[f"tier_{t.id}"]["value"]
                for t in self.bronze | self.silver | self.gold
            ),
            len(self.counted),
        )
        # Members: the directory counts the members as the Overview does
        # (in grace included); each status as the kanban by status.
        directory = "partner_idic.res_partner_action_idic_member_directory"
        self.assertEqual(
            tiles["members"]["value"], self.count(self.menu_domain(directory))
        )
        self.assertTrue(tiles["members"]["value"])
        self.assertNoneExcluded(self.menu_domain(directory), "members")
        by_status = dict(
            self.env["res.partner"]
            .with_user(self.idic_manager)
            .with_company(self.company_c)
            ._read_group(
                self.menu_domain("partner_idic.res_partner_action_idic_member_status"),
                ["idic_member_status"],
                ["__count"],
            )
        )
        for status in ("new", "current", "grace", "lapsed", "withdrawn"):
            self.assertEqual(
                by_status.get(status, 0), tiles[f"member_{status}"]["value"], status
            )
        self.assertEqual(
            tiles["member_lapsed"]["value"],
            self.count(
                self.menu_domain("partner_idic.res_partner_action_idic_member_lapsed")
            ),
        )
        self.assertEqual(
            tiles["renewals_due"]["value"],
            self.count(
                self.menu_domain("partner_idic.res_partner_action_idic_member_renewals")
            ),
        )
        # Donors.
        for key, xmlid in (
            ("lybunt", "partner_idic.res_partner_action_idic_lybunt"),
            ("sybunt", "partner_idic.res_partner_action_idic_sybunt"),
        ):
            self.assertEqual(
                tiles[key]["value"], self.count(self.menu_domain(xmlid)), key
            )
            self.assertNoneExcluded(self.menu_domain(xmlid), key)
        donors = self.menu_domain("partner_idic.res_partner_action_idic_donors")
        for status in ("new", "active", "lapsed"):
            self.assertEqual(
                tiles[f"donor_{status}"]["value"],
                self.count([*donors, ("idic_donor_status", "=", status)]),
                status,
            )
        # Every list the Overview opens counts what the Overview says.
        for key, tile in tiles.items():
            action = tile.get("action")
            if (
                action
                and action.get("res_model") == "res.partner"
                and isinstance(tile["value"], int)
            ):
                self.assertEqual(self.count(action["domain"]), tile["value"], key)
                self.assertNoneExcluded(action["domain"], key)
