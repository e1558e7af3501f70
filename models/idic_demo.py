# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo story: about sixty customers with three years of invoices,
credit notes, payments, interactions, referrals, preferences and points, so
that the app means something on the first login. Only called by the demo
data; nothing it creates has an XML id, so uninstalling the add-on never
deletes accounting entries."""

import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

# name, is_company, profile, city, contacts
CUSTOMERS = [
    ("Aftab Book House", "فروشگاه کتاب آفتاب", "champion", "Tehran"),
    ("Caspian Foods", "غذای کاسپین", "champion", "Rasht"),
    ("Zagros Engineering", "مهندسی زاگرس", "loyal", "Shiraz"),
    ("Alborz Textiles", "نساجی البرز", "loyal", "Karaj"),
    ("Nikan Pharmacy", "داروخانه نیکان", "loyal", "Tabriz"),
    ("Mehr Software", "نرم‌افزار مهر", "champion", "Tehran"),
    ("Persepolis Tours", "گردشگری پرسپولیس", "at_risk", "Shiraz"),
    ("Golestan Dairy", "لبنیات گلستان", "at_risk", "Gorgan"),
    ("Sepid Dental Clinic", "کلینیک دندان‌پزشکی سپید", "promising", "Mashhad"),
    ("Kavir Solar", "خورشیدی کویر", "new", "Yazd"),
    ("Atlas Logistics", None, "loyal", "Bandar Abbas"),
    ("Northwind Traders", None, "hibernating", "Tehran"),
    ("Blue Harbor Cafe", None, "occasional", "Bushehr"),
    ("Summit Outdoor", None, "lost", "Tabriz"),
    ("Orchid Florists", None, "occasional", "Isfahan"),
    ("Vista Architects", None, "at_risk", "Tehran"),
    ("Delta Print Shop", None, "promising", "Ahvaz"),
    ("Evergreen Schools", None, "champion", "Isfahan"),
    ("Harmony Music Academy", None, "new", "Qom"),
    ("Pioneer Bikes", None, "lost", "Kerman"),
    ("Saffron & Co", None, "loyal", "Mashhad"),
    ("Lotus Spa", None, "hibernating", "Kish"),
    ("Iron Gate Security", None, "occasional", "Arak"),
    ("Brightside Media", None, "promising", "Tehran"),
]
PERSONS = [
    ("مریم رضایی", "champion"),
    ("علی محمدی", "loyal"),
    ("نگار حسینی", "promising"),
    ("رضا کریمی", "at_risk"),
    ("زهرا موسوی", "new"),
    ("امیر جعفری", "lost"),
    ("Laura Bennett", "loyal"),
    ("Daniel Okafor", "occasional"),
    ("Sofia Marquez", "hibernating"),
    ("Kenji Watanabe", "new"),
    ("Hannah Schmidt", "at_risk"),
    ("Omar Haddad", "occasional"),
]
CONTACTS = [
    "Parisa Nazari",
    "Kaveh Ahmadi",
    "Shirin Tehrani",
    "Babak Rostami",
    "Leila Sadeghi",
    "Arash Farahani",
    "Mina Karimi",
    "Dariush Kamali",
    "Neda Shams",
    "Hamid Bagheri",
    "Elena Rossi",
    "Tom Fischer",
    "Grace Lin",
    "Samir Aziz",
    "Julia Nowak",
    "Peter Hansen",
]
# profile: (first invoice days ago, last invoice days ago, mean gap, amount)
PROFILES = {
    "champion": (1080, 8, 35, 2600),
    "loyal": (1000, 40, 60, 1300),
    "promising": (150, 20, 45, 700),
    "new": (40, 10, 30, 500),
    "at_risk": (1050, 220, 55, 1500),
    "hibernating": (900, 420, 90, 600),
    "lost": (1090, 700, 120, 450),
    "occasional": (1000, 120, 200, 350),
}
SUBJECTS = [
    ("phone", "outbound", "Follow-up call on the last delivery"),
    ("email", "inbound", "Asked for the new catalogue"),
    ("meeting", "outbound", "Quarterly business review"),
    ("chat", "inbound", "Question about an invoice"),
    ("visit", "outbound", "Visit to the showroom"),
    ("sms", "outbound", "Reminder of the spring offer"),
    ("social", "inbound", "Comment on our Instagram post"),
    ("web_form", "inbound", "Request for a quotation"),
]
INTERESTS = ["Books", "Organic food", "Software", "Travel", "Design", "Sports"]


class IdicDemo(models.AbstractModel):
    _name = "idic.demo"
    _description = "Relationships Demo Story"

    @api.model
    def _create_story(self):
        rng = random.Random(1402)
        company = self.env.company
        today = fields.Date.context_today(self)
        company.write(
            {
                "idic_points_rate": 0.1,
                "idic_points_validity_months": 12,
                "idic_points_notice_days": 30,
                "idic_referral_points": 50.0,
            }
        )
        # The points programme started two years ago: older invoices earn
        # nothing.
        company._idic_loyalty_program().date_from = today - relativedelta(years=2)
        Partner = self.env["res.partner"]
        ref = self.env.ref
        sources = [
            ref("utm.utm_source_search_engine"),
            ref("utm.utm_source_newsletter"),
            ref("utm.utm_source_facebook"),
            ref("utm.utm_source_linkedin"),
        ]
        mediums = [
            ref("utm.utm_medium_website"),
            ref("utm.utm_medium_email"),
            ref("utm.utm_medium_phone"),
        ]
        Interest = self.env["idic.interest"]
        interests = Interest.browse()
        for name in INTERESTS:
            interests |= Interest.search(
                [("name", "=", name)], limit=1
            ) or Interest.create({"name": name})
        iran = ref("base.ir")
        # Everyone starts identified; the stage rules then move them forward.
        identified = ref("partner_idic.idic_stage_identified").id
        customers = []
        # A smaller story (the first ``idic_demo_size`` companies and persons)
        # for the tests.
        size = self.env.context.get("idic_demo_size")
        for index, (name, fa_name, profile, city) in enumerate(CUSTOMERS[:size]):
            customers.append(
                (
                    Partner.create(
                        {
                            "name": fa_name or name,
                            "is_company": True,
                            "idic_stage_id": identified,
                            "email": f"hello@{name.split()[0].lower()}.example.com",
                            "phone": f"+98 21 5550 {1000 + index}",
                            "city": city,
                            "country_id": iran.id,
                            "idic_source_id": sources[index % len(sources)].id,
                            "idic_medium_id": mediums[index % len(mediums)].id,
                            "idic_preferred_channel": SUBJECTS[index % 5][0],
                            "idic_interest_ids": [
                                Command.set(interests[index % 6 : index % 6 + 2].ids)
                            ],
                        }
                    ),
                    profile,
                )
            )
        for index, (name, profile) in enumerate(PERSONS[:size]):
            customers.append(
                (
                    Partner.create(
                        {
                            "name": name,
                            "idic_stage_id": identified,
                            "email": f"person{index}@example.com",
                            "city": CUSTOMERS[index][3],
                            "country_id": iran.id,
                            "idic_source_id": sources[(index + 1) % len(sources)].id,
                            "idic_interest_ids": [
                                Command.set(interests[index % 6].ids)
                            ],
                        }
                    ),
                    profile,
                )
            )
        companies = [partner for partner, _profile in customers if partner.is_company]
        Partner.create(
            [
                {
                    "name": name,
                    "parent_id": companies[index % len(companies)].id,
                    "email": "{}@{}".format(
                        name.split()[0].lower(),
                        companies[index % len(companies)].email.split("@")[1],
                    ),
                    "function": rng.choice(
                        ["Purchasing", "Owner", "Accounting", "Sales"]
                    ),
                }
                for index, name in enumerate(CONTACTS)
            ]
        )
        # Referrals: a few customers brought others.
        for referred, referrer in (
            (8, 0),
            (9, 0),
            (16, 5),
            (18, 17),
            (26, 24),
            (33, 1),
        ):
            if referred < len(customers) and referrer < len(customers):
                customers[referred][0].idic_referred_by_id = customers[referrer][0]
        self._story_invoices(customers, rng, today)
        self._story_interactions(customers, rng, today)
        self._story_points(customers, today)
        self._story_donors(customers)
        self._story_members(customers, today)
        # The demo's words in the languages already installed.
        self.env["idic.texts"]._idic_translate(
            [code for code, _name in self.env["res.lang"].get_installed()]
        )
        return True

    @api.model
    def _story_invoices(self, customers, rng, today):
        Move = self.env["account.move"]
        vals_list = []
        for partner, profile in customers:
            first, last, gap, amount = PROFILES[profile]
            day = first
            while day >= last:
                vals_list.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": today - timedelta(days=day),
                        "invoice_line_ids": [
                            Command.create(self._story_invoice_line(rng, amount))
                        ],
                    }
                )
                day -= max(5, int(gap * rng.uniform(0.6, 1.4)))
        invoices = Move.create(vals_list)
        invoices.action_post()
        # Credit notes: part of one invoice in twelve is refunded.
        refunds = invoices.filtered(lambda m: m.id % 12 == 0)
        credit_notes = Move.create(
            [
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": invoice.invoice_date + timedelta(days=10),
                    "reversed_entry_id": invoice.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Returned goods",
                                "quantity": 1,
                                "price_unit": round(invoice.amount_untaxed * 0.3, 2),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for invoice in refunds
                if invoice.invoice_date + timedelta(days=10) <= today
            ]
        )
        credit_notes.action_post()
        # The invoices of the points programme's two years are paid, but one
        # in seven: they earn points.
        start = self.env.company.idic_loyalty_program_id.date_from
        self._story_pay(
            invoices.filtered(lambda m: m.id % 7 and m.invoice_date >= start), today
        )

    @api.model
    def _story_pay(self, invoices, today):
        """Pay ``invoices`` at the end of their month (or today)."""
        for day, batch in sorted(
            invoices.grouped(
                lambda m: min(m.invoice_date + relativedelta(day=31), today)
            ).items()
        ):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=batch.ids
            ).create({"group_payment": False, "payment_date": day})._create_payments()

    @api.model
    def _story_invoice_line(self, rng, amount):
        """The line of a demo invoice of about ``amount`` (a hook: the
        lifetime value demo sells products with a cost)."""
        return {
            "name": rng.choice(
                ["Consulting", "Supplies", "Annual support", "Training"]
            ),
            "quantity": 1,
            "price_unit": round(amount * rng.uniform(0.6, 1.5), -1),
            "tax_ids": [Command.clear()],
        }

    @api.model
    def _story_interactions(self, customers, rng, today):
        vals_list = []
        user = self.env.ref("partner_idic.user_idic_demo", raise_if_not_found=False)
        for index, (partner, profile) in enumerate(customers):
            recent = {"champion": 10, "loyal": 25, "promising": 15, "new": 5}.get(
                profile, 200
            )
            # The first Platinum-like champion has gone quiet: dormant.
            if index == 1:
                recent = 120
            for number in range(rng.randint(2, 5)):
                channel, direction, subject = SUBJECTS[(index + number) % len(SUBJECTS)]
                days = recent + number * rng.randint(20, 90)
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "date": datetime.combine(
                            today - timedelta(days=days), time(9 + number, 30)
                        ),
                        "channel": channel,
                        "direction": direction,
                        "subject": subject,
                        "outcome": rng.choice(["positive", "neutral", "follow_up"]),
                        "satisfaction": rng.choice(["3", "4", "5", False]),
                        "user_id": (user or self.env.user).id,
                    }
                )
        self.env["idic.interaction"].create(vals_list)

    @api.model
    def _story_points(self, customers, today):
        """A lot about to expire: points carried over from the old paper card
        of two customers, earned almost a year ago."""
        company = self.env.company
        Card = self.env["loyalty.card"]
        for partner, _profile in customers[:2]:
            card = Card._idic_card(partner, company)
            card._idic_add_line(
                300.0,
                "adjust",
                self.env._("Points carried over from the paper card"),
                date=today - relativedelta(months=12) + timedelta(days=12),
            )
        card = Card._idic_card(customers[5][0], company)
        if card.points >= 100:
            card._idic_redeem(100.0, self.env._("Coffee mug"))

    @api.model
    def _story_donors(self, customers):
        """Donors in every fundraising situation (the donor figures are
        computed by the donor demo data that follows)."""
        Move = self.env["account.move"]
        gifts = {
            24: [(250.0, 700), (300.0, 400), (350.0, 30)],  # active
            25: [(500.0, 380)],  # LYBUNT
            26: [(120.0, 60)],  # new
            27: [(1000.0, 900)],  # SYBUNT
            28: [(80.0, 800), (150.0, 20)],  # recaptured
            30: [(200.0, 500), (180.0, 450)],  # LYBUNT
            17: [(2000.0, 600), (2500.0, 250), (1500.0, 90)],  # active
            32: [(60.0, 1000)],  # SYBUNT
        }
        for index, donations in gifts.items():
            if index < len(customers):
                for amount, days_ago in donations:
                    Move._idic_demo_donation(customers[index][0].id, amount, days_ago)

    @api.model
    def _story_members(self, customers, today):
        """Members with a few years of yearly periods: renewed, due, in
        grace, lapsed and new (the member statuses follow by themselves)."""
        product = self.env["product.product"].create(
            {
                "name": self.env._("Supporter Membership"),
                "type": "service",
                "membership": True,
                "list_price": 120.0,
                "membership_date_from": today.replace(month=1, day=1),
                "membership_date_to": today.replace(month=12, day=31),
                "taxes_id": [Command.clear()],
            }
        )
        # customer index: (days ago the first period started, periods)
        histories = {
            24: (900, 3),  # renewed twice, current
            25: (1000, 2),  # renewed once, then lapsed
            28: (700, 2),  # renewed, due for renewal soon
            30: (380, 1),  # in grace
            31: (40, 1),  # new
            33: (1050, 3),  # renewed twice, current
            17: (1085, 3),  # a school, renewed twice, due now
            2: (600, 2),  # renewed, current
        }
        Line = self.env["membership.membership_line"]
        for index, (started, periods) in histories.items():
            if index >= len(customers):
                continue
            date_from = today - timedelta(days=started)
            for _period in range(periods):
                date_to = date_from + relativedelta(years=1, days=-1)
                Line.create(
                    {
                        "partner_id": customers[index][0].id,
                        "membership_id": product.id,
                        "member_price": 120.0,
                        "date": date_from,
                        "date_from": date_from,
                        "date_to": date_to,
                        "state": "paid",
                    }
                )
                date_from = date_to + timedelta(days=1)

    @api.model
    def _finish_story(self):
        """After the value recompute and the stage rules: who is dormant."""
        self.env["res.partner"]._idic_refresh_dormant(SQL("TRUE"))
        return True
