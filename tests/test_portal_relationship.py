# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/relationship: the customer's tier, points and referral link, and the
preferences it edits, each change logged as an inbound web-form interaction
(issue #27)."""

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import PortalCase, donation_product, pay_at_desk


@tagged("post_install", "-at_install")
class TestPortalRelationship(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Portal VIP Prices"}
        )
        Tier = cls.env["idic.value.tier"]
        Tier.search([("company_id", "=", cls.company.id)]).active = False
        cls.bronze = Tier.create(
            {
                "name": "Portal Bronze",
                "basis": "monetary",
                "min_threshold": 0.0,
                "description": "<p>Points on every order.</p>",
            }
        )
        cls.gold = Tier.create(
            {
                "name": "Portal Gold",
                "basis": "monetary",
                "min_threshold": 5000.0,
                "points_multiplier": 1.5,
                "pricelist_id": cls.pricelist.id,
                "description": "<p>Free delivery and VIP prices.</p>",
            }
        )
        cls.acme.with_company(cls.company).idic_value_tier_id = cls.gold
        cls.rival.with_company(cls.company).idic_value_tier_id = cls.bronze
        Interest = cls.env["idic.interest"]
        cls.books = Interest.create({"name": "Portal Books"})
        cls.travel = Interest.create({"name": "Portal Travel"})
        cls.retired = Interest.create({"name": "Portal Retired", "active": False})
        card = cls.env["loyalty.card"]._idic_card(cls.acme, cls.company)
        card._idic_add_line(321.0, "earn", "Portal order")
        cls.acme.idic_contact_frequency = 30

    def interactions(self):
        return self.env["idic.interaction"].search(
            [("commercial_partner_id", "=", self.acme.id)]
        )

    def test_page_shows_tier_points_and_referral(self):
        self.login(self.anna_user)
        page = self.url_open("/my/relationship")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("Portal Gold", text)
        self.assertIn("Free delivery and VIP prices.", text)
        self.assertIn("Portal VIP Prices", text)
        self.assertIn("Points multiplier: <strong>1.5</strong>", text)
        # The ladder of tiers with their benefits.
        self.assertIn("Points on every order.", text)
        self.assertIn("321", text)
        self.assertIn(self.acme.idic_referral_code, text)
        self.assertIn(f"/r/{self.acme.idic_referral_code}", text)
        self.assertNotIn(self.rival.idic_referral_code, text)
        self.assertIn('value="30" selected', text)

    def test_preferences_are_stored_and_logged(self):
        self.login(self.anna_user)
        response = self.post_form(
            "/my/relationship/preferences",
            "/my/relationship",
            {
                "channel": "sms",
                "frequency": "90",
                "interest_ids": [str(self.books.id), str(self.travel.id)],
                "do_not_contact": "on",
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.path_of(response), "/my/relationship?saved=1")
        for partner in (self.acme, self.anna):
            self.assertEqual(partner.idic_preferred_channel, "sms")
            self.assertEqual(partner.idic_contact_frequency, 90)
            self.assertEqual(partner.idic_interest_ids, self.books | self.travel)
            self.assertTrue(partner.idic_do_not_contact)
        interaction = self.interactions()
        self.assertEqual(len(interaction), 1)
        self.assertEqual(
            (interaction.channel, interaction.direction, interaction.partner_id),
            ("web_form", "inbound", self.anna),
        )
        summary = str(interaction.summary)
        self.assertIn("Every month → Every three months", summary)
        self.assertIn("Do Not Contact: No → Yes", summary)
        self.assertIn("Portal Books", summary)
        # What the company reads follows at once: no more automatic e-mails.
        self.assertFalse(self.acme._idic_may_email())
        # The same preferences again change nothing and log nothing.
        self.post_form(
            "/my/relationship/preferences",
            "/my/relationship",
            {
                "channel": "sms",
                "frequency": "90",
                "interest_ids": [str(self.travel.id), str(self.books.id)],
                "do_not_contact": "on",
            },
        )
        self.assertEqual(len(self.interactions()), 1)
        # Unticking "do not contact" is a change too.
        self.post_form(
            "/my/relationship/preferences",
            "/my/relationship",
            {"channel": "sms", "frequency": "90", "interest_ids": []},
        )
        self.assertFalse(self.acme.idic_do_not_contact)
        self.assertFalse(self.acme.idic_interest_ids)
        self.assertEqual(len(self.interactions()), 2)

    def test_bad_preferences_are_refused(self):
        self.login(self.anna_user)
        before = (
            self.acme.idic_preferred_channel,
            self.acme.idic_contact_frequency,
            self.acme.idic_interest_ids,
        )
        for data, message in (
            ({"channel": "pigeon"}, "Choose a contact channel from the list."),
            ({"frequency": "-1"}, "whole number of days between 0 and 3650"),
            ({"frequency": "abc"}, "whole number of days between 0 and 3650"),
            ({"frequency": "nan"}, "whole number of days between 0 and 3650"),
            ({"frequency": "1e3"}, "whole number of days between 0 and 3650"),
            ({"frequency": "99999999999"}, "whole number of days between 0 and 3650"),
            ({"interest_ids": ["x1"]}, "Choose your interests from the list."),
            ({"interest_ids": ["999999999"]}, "Choose your interests from the list."),
            ({"interest_ids": [str(self.retired.id)]}, "Choose your interests"),
        ):
            with self.subTest(data=data):
                response = self.post_form(
                    "/my/relationship/preferences",
                    "/my/relationship",
                    dict({"channel": "email", "frequency": "7"}, **data),
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_idic_portal_error", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(
            (
                self.acme.idic_preferred_channel,
                self.acme.idic_contact_frequency,
                self.acme.idic_interest_ids,
            ),
            before,
        )
        self.assertFalse(self.interactions())

    @mute_logger("odoo.http")
    def test_preferences_need_the_csrf_token(self):
        self.login(self.anna_user)
        response = self.post_form(
            "/my/relationship/preferences",
            "/my/relationship",
            {"channel": "sms", "frequency": "7"},
            token=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.acme.idic_contact_frequency, 30)
        self.assertFalse(self.interactions())

    def test_a_visitor_must_log_in(self):
        response = self.url_open("/my/relationship", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(
            "/my/relationship/preferences",
            data={"channel": "sms"},
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (303, 400))
        self.assertFalse(self.acme.idic_preferred_channel == "sms")

    def test_each_customer_writes_its_own(self):
        """Rob changes Rival's preferences, never Acme's, whatever it sends."""
        self.login(self.rob_user)
        self.post_form(
            "/my/relationship/preferences",
            "/my/relationship",
            {"channel": "letter", "frequency": "365", "partner_id": str(self.acme.id)},
        )
        self.assertEqual(self.rival.idic_preferred_channel, "letter")
        self.assertNotEqual(self.acme.idic_preferred_channel, "letter")
        self.assertEqual(self.acme.idic_contact_frequency, 30)

    def test_page_queries_do_not_grow_with_history(self):
        """The same number of queries for Rival with one point line and no
        interaction as with sixty more of each and referrals."""

        def queries():
            self.url_open("/my/relationship")  # the caches of this user
            before = self.cr.sql_log_count
            response = self.url_open("/my/relationship")
            self.assertEqual(response.status_code, 200)
            return self.cr.sql_log_count - before

        card = self.env["loyalty.card"]._idic_card(self.rival, self.company)
        card._idic_add_line(10.0, "earn", "Rival order")
        self.login(self.rob_user)
        short = queries()
        for index in range(60):
            card._idic_add_line(10.0, "earn", f"Rival order {index}")
        self.env["idic.interaction"].create(
            [{"partner_id": self.rob.id, "subject": f"Call {i}"} for i in range(60)]
        )
        friends = self.env["res.partner"].create(
            [{"name": f"Rival friend {i}"} for i in range(5)]
        )
        friends.idic_referred_by_id = self.rival
        self.rival.idic_interest_ids = [Command.set((self.books | self.travel).ids)]
        self.assertEqual(queries(), short)

    def test_points_page_queries_do_not_grow_with_history(self):
        """The points statement the page links to: the same number of
        queries for two invoices' points as for sixty."""

        def queries():
            self.url_open("/my/points")
            before = self.cr.sql_log_count
            self.assertEqual(self.url_open("/my/points").status_code, 200)
            return self.cr.sql_log_count - before

        def earn(count):
            for _index in range(count):
                invoice = self.make_invoice(
                    self.rival, self.today, [("Order", 10.0)], self.company
                )
                pay_at_desk(self.env, invoice)

        self.company.idic_points_rate = 1.0
        earn(2)
        self.login(self.rob_user)
        short = queries()
        earn(20)
        self.assertEqual(queries(), short)

    def test_home_entries(self):
        """My Account lists the relationship for every customer, membership
        and giving only for members and donors (or when gifts are open)."""
        counters = [
            "idic_relationship_count",
            "idic_membership_count",
            "idic_giving_count",
        ]
        self.company.idic_portal_donation_product_id = False
        self.login(self.anna_user)
        values = self.make_jsonrpc_request("/my/counters", {"counters": counters})
        self.assertEqual(
            values,
            {
                "idic_relationship_count": 1,
                "idic_membership_count": 0,
                "idic_giving_count": 0,
            },
        )
        # Gifts open: every customer may give.
        self.company.idic_portal_donation_product_id = donation_product(self.env)
        values = self.make_jsonrpc_request("/my/counters", {"counters": counters})
        self.assertEqual(values["idic_giving_count"], 1)
        page = self.url_open("/my").text
        for url in ("/my/relationship", "/my/membership", "/my/giving"):
            self.assertIn(f'href="{url}"', page)
