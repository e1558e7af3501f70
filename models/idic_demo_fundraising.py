# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The fundraising demo story (issue #26): funds and two appeals with their
costs, a few dozen donors with some fiscal years of giving (enough to fit the
donor model), monthly donors (one lapsed), a household with soft credits, a
matching gift and an open pledge. Only called by the demo data; nothing it
creates has an XML id (uninstalling never deletes accounting entries)."""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

FIRST_NAMES = [
    "Ali",
    "Maryam",
    "Reza",
    "Sara",
    "Hossein",
    "Zahra",
    "Mehdi",
    "Fatemeh",
    "Amir",
    "Narges",
    "Laura",
    "Daniel",
    "Sofia",
    "Kenji",
    "Hannah",
    "Omar",
]
LAST_NAMES = [
    "Ahmadi",
    "Karimi",
    "Moradi",
    "Hashemi",
    "Sadeghi",
    "Rostami",
    "Ebrahimi",
    "Bennett",
    "Okafor",
    "Marquez",
]


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _create_fundraising_story(self):
        rng = random.Random(1404)
        company = self.env.company
        today = fields.Date.context_today(self)
        Move = self.env["account.move"]
        product = self.env["product.product"].browse(Move._idic_demo_donation_product())
        company.idic_donation_product_id = product
        Fund = self.env["idic.fund"]
        general, scholarships, building = Fund.create(
            [
                {"name": self.env._("General Fund"), "code": "GEN", "sequence": 1},
                {"name": self.env._("Scholarships"), "code": "SCH", "sequence": 2},
                {
                    "name": self.env._("New Library Building"),
                    "code": "BLD",
                    "sequence": 3,
                    "restricted": True,
                },
            ]
        )
        Campaign = self.env["utm.campaign"]
        year_end, gala = Campaign.create(
            [
                {
                    "title": self.env._("Year-End Appeal"),
                    "idic_appeal_cost": 1500.0,
                    "idic_appeal_solicited": 400,
                },
                {
                    "title": self.env._("Spring Gala"),
                    "idic_appeal_cost": 4000.0,
                    "idic_appeal_solicited": 150,
                },
            ]
        )
        self._story_annual_donors(
            rng, today, product, (general, scholarships), (year_end, gala)
        )
        self._story_recurring_donors(today, product, general, year_end)
        self._story_household(today, product, general, gala)
        self._story_pledge(today, product, building, gala)
        self.env["res.partner"]._idic_recompute_donors(None, 50000, False)
        return True

    @api.model
    def _demo_gift(
        self, partner, amount, day, product, fund=None, appeal=None, pledge=None
    ):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "idic_fund_id": fund.id if fund else False,
                "idic_appeal_id": appeal.id if appeal else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "idic_pledge_id": pledge.id if pledge else False,
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @api.model
    def _story_annual_donors(self, rng, today, product, funds, appeals):
        """96 donors acquired over the last four to seven fiscal years, who
        give at most once a year, as the BG/BB model tells it: each gives in
        a year with its own probability while active, and drops out with its
        own (enough history for the donor model to be fitted)."""
        company = self.env.company
        this_fy = company._idic_fiscal_year_end(today)
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{FIRST_NAMES[index % len(FIRST_NAMES)]} "
                    f"{LAST_NAMES[(index // len(FIRST_NAMES) + index) % len(LAST_NAMES)]}",
                    "email": f"donor{index + 1}@example.com",
                }
                for index in range(96)
            ]
        )
        vals_list = []
        for partner in partners:
            give = rng.betavariate(1.2, 0.75)
            drop = rng.betavariate(0.66, 2.8)
            amount = round(rng.lognormvariate(4.6, 0.6), -1) or 50.0
            cohort = this_fy - rng.choice([4, 5, 6, 7])
            for year in range(cohort, this_fy + 1):
                if year > cohort:
                    if rng.random() < drop:
                        break
                    if rng.random() >= give:
                        continue
                start, end = company._idic_fiscal_year_dates(year)
                end = min(end, today)
                if end < start:
                    break
                fund = rng.choice(funds)
                appeal = rng.choice(appeals) if rng.random() < 0.6 else None
                vals_list.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": start
                        + timedelta(days=rng.randrange((end - start).days + 1)),
                        "idic_fund_id": fund.id,
                        "idic_appeal_id": appeal.id if appeal else False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
        self.env["account.move"].create(vals_list).action_post()

    @api.model
    def _story_recurring_donors(self, today, product, fund, appeal):
        """Three monthly donors who pay their gifts, and one whose gifts went
        unpaid: it lapses, and its salesperson is asked to call."""
        Gift = self.env["idic.recurring.gift"].sudo()
        Partner = self.env["res.partner"]
        start = today - relativedelta(months=5)
        paying = Partner.create(
            [
                {"name": "Neda Farahani", "email": "neda.farahani@example.com"},
                {"name": "Kamran Shirazi", "email": "kamran.shirazi@example.com"},
                {"name": "Elena Rossi", "email": "elena.rossi@example.com"},
            ]
        )
        gifts = Gift.create(
            [
                {
                    "partner_id": partner.id,
                    "amount": amount,
                    "interval": "monthly",
                    "day": start.day if start.day <= 28 else 28,
                    "date_start": start,
                    "product_id": product.id,
                    "fund_id": fund.id,
                    "appeal_id": appeal.id,
                }
                for partner, amount in zip(paying, (25.0, 50.0, 100.0), strict=True)
            ]
        )
        gifts._idic_make_gifts(today)
        self._demo_pay(gifts.invoice_ids)
        lapsing_partner = Partner.create(
            {
                "name": "Bijan Tavakoli",
                "email": "bijan.tavakoli@example.com",
                "user_id": self.env.ref("base.user_admin").id,
            }
        )
        lapsing = Gift.create(
            {
                "partner_id": lapsing_partner.id,
                "amount": 30.0,
                "interval": "monthly",
                "day": start.day if start.day <= 28 else 28,
                "date_start": start,
                "product_id": product.id,
                "fund_id": fund.id,
            }
        )
        # Five periods unpaid, then the sixth comes: the gift lapses.
        lapsing._idic_make_gifts(today - relativedelta(months=1))
        lapsing._idic_make_gifts(today)

    @api.model
    def _demo_pay(self, invoices):
        if invoices:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoices.ids
            ).create({"group_payment": False}).action_create_payments()

    @api.model
    def _story_household(self, today, product, fund, appeal):
        """The Rahimi household: Ali gives (its gifts are the household's),
        Maryam is soft-credited as the solicitor of a friend's gift, and her
        employer matches her own gift (a matching gift soft-credits her)."""
        Partner = self.env["res.partner"]
        household = Partner.create(
            {
                "name": "Rahimi Household",
                "is_company": True,
                "idic_is_household": True,
                "idic_household_receipts": True,
                "city": "Isfahan",
                "country_id": self.env.ref("base.ir").id,
            }
        )
        ali, maryam = Partner.create(
            [
                {"name": "Ali Rahimi", "parent_id": household.id, "type": "contact"},
                {"name": "Maryam Rahimi", "parent_id": household.id, "type": "contact"},
            ]
        )
        self._demo_gift(ali, 500.0, today - timedelta(days=400), product, fund, appeal)
        self._demo_gift(ali, 650.0, today - timedelta(days=30), product, fund, appeal)
        own = self._demo_gift(maryam, 300.0, today - timedelta(days=60), product, fund)
        friend = Partner.create(
            {"name": "Parvin Golzar", "email": "parvin@example.com"}
        )
        friends_gift = self._demo_gift(
            friend, 1000.0, today - timedelta(days=45), product, fund, appeal
        )
        self.env["idic.soft.credit"].create(
            {
                "line_id": friends_gift.invoice_line_ids[0].id,
                "partner_id": maryam.id,
                "role": "solicitor",
            }
        )
        employer = Partner.create({"name": "Azar Engineering", "is_company": True})
        match = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": employer.id,
                "invoice_date": today - timedelta(days=20),
                "idic_fund_id": fund.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": 300.0,
                            "tax_ids": [Command.clear()],
                            "idic_matches_line_id": own.invoice_line_ids[0].id,
                        }
                    )
                ],
            }
        )
        match.action_post()

    @api.model
    def _story_pledge(self, today, product, fund, appeal):
        """An open pledge to the building fund: 6,000 in three installments,
        the first paid."""
        donor = self.env["res.partner"].create(
            {"name": "Sadeghi Family Foundation", "is_company": True}
        )
        pledge = self.env["idic.pledge"].create(
            {
                "partner_id": donor.id,
                "amount": 6000.0,
                "date": today - relativedelta(months=4),
                "fund_id": fund.id,
                "appeal_id": appeal.id,
                "installment_count": 3,
                "installment_interval": "quarterly",
            }
        )
        pledge.action_schedule()
        pledge.action_confirm()
        self._demo_gift(
            donor, 2000.0, today - relativedelta(months=4), product, pledge=pledge
        )
