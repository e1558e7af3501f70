# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fundraising (issue #26): appeals and funds, soft credits, households,
matching gifts, pledges, and the donor figures that count them.

Company "IDIC Fundraising" (USD, calendar fiscal years); today is frozen on
15 May 2026, so this fiscal year is 2026 and the last one 2025. Gifts (D:
donation product; YE: Year-End appeal, GA: Gala; GEN, SCH, BLD: funds)::

    Ann    2024-03-01  D 100  YE GEN
           2025-06-01  D 200  GA SCH
           2026-04-01  D 300  YE GEN
           2026-02-01  D 400  pledge P (fund BLD from the pledge)
           Cara is honoured with 50 of the gift of 2024-03-01
    Ben    2025-02-01  D 500  YE, refunded 200 on 2025-03-01 (net 300);
                              Hana (Lee household) is its solicitor
                              (soft credit 500, counted 300)
    Lee household: Hal  2026-02-01  D 150  GA   (a hard gift of the household)
    Fay    2024-05-01  D 80
           2026-01-15  D 60   GA
    Dan    2026-03-01  D 100
    Emco   2026-03-05  D 100  matches Dan's gift: Dan soft-credited 100
"""

import re
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import freeze_time

from .common import IdicCase, new_user

NOW = datetime(2026, 5, 15, 10, 0)


def d(text):
    return date.fromisoformat(text)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestFundraising(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_f = cls.env["res.company"].create(
            {"name": "IDIC Fundraising", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_f)
        cls.donor_user = new_user(
            cls.env,
            login="idic_fund_donor_user",
            groups="partner_idic.group_idic_donor_data,account.group_account_invoice",
            name="Fundraiser",
            company_id=cls.company_f.id,
            company_ids=[cls.company_f.id],
        )
        cls.idic_user.company_ids = [Command.link(cls.company_f.id)]
        cls.idic_manager.company_ids = [Command.link(cls.company_f.id)]
        cls.product = cls.env["product.product"].create(
            {"name": "Gift", "type": "service", "idic_is_donation": True}
        )
        Fund = cls.env["idic.fund"]
        cls.general, cls.scholarships, cls.building = Fund.create(
            [
                {"name": "General", "code": "GEN", "company_id": cls.company_f.id},
                {"name": "Scholarships", "code": "SCH", "company_id": cls.company_f.id},
                {"name": "Building", "code": "BLD", "company_id": cls.company_f.id},
            ]
        )
        Campaign = cls.env["utm.campaign"]
        cls.year_end = Campaign.create(
            {
                "title": "Year-End",
                "idic_appeal_company_id": cls.company_f.id,
                "idic_appeal_cost": 100.0,
                "idic_appeal_solicited": 10,
            }
        )
        cls.gala = Campaign.create(
            {
                "title": "Gala",
                "idic_appeal_company_id": cls.company_f.id,
                "idic_appeal_cost": 400.0,
            }
        )
        Partner = cls.env["res.partner"]
        cls.ann = Partner.create({"name": "Ann Giver"})
        cls.ben = Partner.create({"name": "Ben Giver"})
        cls.cara = Partner.create({"name": "Cara Honoured"})
        cls.fay = Partner.create({"name": "Fay Giver"})
        cls.dan = Partner.create({"name": "Dan Employee"})
        cls.emco = Partner.create({"name": "Emco", "is_company": True})
        cls.lee = Partner.create(
            {
                "name": "Lee Household",
                "is_company": True,
                "idic_is_household": True,
                "street": "1 Household Lane",
                "city": "Isfahan",
            }
        )
        cls.hal = Partner.create({"name": "Hal Lee", "parent_id": cls.lee.id})
        cls.hana = Partner.create({"name": "Hana Lee", "parent_id": cls.lee.id})
        cls.pledge = cls.env["idic.pledge"].create(
            {
                "partner_id": cls.ann.id,
                "company_id": cls.company_f.id,
                "amount": 1000.0,
                "date": d("2026-01-01"),
                "fund_id": cls.building.id,
                "installment_count": 2,
                "installment_interval": "quarterly",
            }
        )
        cls.pledge.action_schedule()
        cls.pledge.action_confirm()

        gift = cls.gift
        cls.ann_2024 = gift(
            cls.ann, "2024-03-01", 100, appeal=cls.year_end, fund=cls.general
        )
        gift(cls.ann, "2025-06-01", 200, appeal=cls.gala, fund=cls.scholarships)
        gift(cls.ann, "2026-04-01", 300, appeal=cls.year_end, fund=cls.general)
        cls.ann_pledged = gift(cls.ann, "2026-02-01", 400, pledge=cls.pledge)
        cls.ben_gift = gift(cls.ben, "2025-02-01", 500, appeal=cls.year_end)
        cls.refund(cls.ben_gift, "2025-03-01", 200)
        gift(cls.hal, "2026-02-01", 150, appeal=cls.gala)
        gift(cls.fay, "2024-05-01", 80)
        gift(cls.fay, "2026-01-15", 60, appeal=cls.gala)
        cls.dan_gift = gift(cls.dan, "2026-03-01", 100)
        SoftCredit = cls.env["idic.soft.credit"]
        cls.soft_hana = SoftCredit.create(
            {
                "line_id": cls.ben_gift.invoice_line_ids.id,
                "partner_id": cls.hana.id,
                "role": "solicitor",
            }
        )
        cls.soft_cara = SoftCredit.create(
            {
                "line_id": cls.ann_2024.invoice_line_ids.id,
                "partner_id": cls.cara.id,
                "role": "honor",
                "amount": 50.0,
            }
        )
        cls.match = (
            cls.env["account.move"]
            .with_company(cls.company_f)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.emco.id,
                    "invoice_date": d("2026-03-05"),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": 100.0,
                                "tax_ids": [Command.clear()],
                                "idic_matches_line_id": cls.dan_gift.invoice_line_ids.id,
                            }
                        )
                    ],
                }
            )
        )
        cls.match.action_post()

    @classmethod
    def gift(cls, partner, day, amount, appeal=None, fund=None, pledge=None):
        move = (
            cls.env["account.move"]
            .with_company(cls.company_f)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": d(day),
                    "idic_appeal_id": appeal.id if appeal else False,
                    "idic_fund_id": fund.id if fund else False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                                "idic_pledge_id": pledge.id if pledge else False,
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    @classmethod
    def refund(cls, gift, day, amount):
        """A credit note of ``amount`` on ``gift``, made by the host's
        reversal (its lines keep the gift's appeal, fund and pledge)."""
        refund = gift._reverse_moves([{"invoice_date": d(day), "date": d(day)}])
        refund.invoice_line_ids.price_unit = amount
        refund.action_post()
        return refund

    def recompute(self):
        self.env["res.partner"]._idic_recompute_donors(
            companies=self.company_f, commit=False
        )
        self.env.invalidate_all()

    def figures(self, partner):
        partner = partner.with_company(self.company_f)
        return {
            "status": partner.idic_donor_status,
            "lybunt": partner.idic_lybunt,
            "sybunt": partner.idic_sybunt,
            "fy": partner.idic_donation_fy_total,
            "soft": partner.idic_donation_soft_total,
            "soft_fy": partner.idic_donation_soft_fy_total,
            "soft_last": partner.idic_donation_soft_last_fy_total,
        }

    # ------------------------------------------------------------------
    # Appeals and funds
    # ------------------------------------------------------------------
    def test_lines_take_appeal_fund_and_pledge_defaults(self):
        self.assertEqual(self.ann_2024.invoice_line_ids.idic_appeal_id, self.year_end)
        self.assertEqual(self.ann_2024.invoice_line_ids.idic_fund_id, self.general)
        # The pledge gives its fund to the line that names it.
        self.assertEqual(self.ann_pledged.invoice_line_ids.idic_fund_id, self.building)
        # Changing the invoice's appeal moves the lines that followed it.
        move = self.ann_2024
        move.idic_appeal_id = self.gala
        self.assertEqual(move.invoice_line_ids.idic_appeal_id, self.gala)
        # A fund of another company is refused.
        other_fund = self.env["idic.fund"].create(
            {"name": "Elsewhere", "company_id": self.other_company.id}
        )
        with self.assertRaises(ValidationError):
            move.invoice_line_ids.idic_fund_id = other_fund

    def test_appeal_analysis(self):
        """Per appeal: donors, gifts, amount (net of credit notes), average,
        new / retained / recaptured donors, cost, cost per unit raised and
        response rate."""
        Report = self.env["idic.appeal.report"].with_user(self.donor_user)
        rows = {
            row.appeal_id: row
            for row in Report.search([("company_id", "=", self.company_f.id)])
        }
        year_end, gala = rows[self.year_end], rows[self.gala]
        # Year-End: Ann 100 (2024) and 300 (2026), Ben 500 - 200.
        self.assertEqual(
            (year_end.donor_count, year_end.gift_count, year_end.amount),
            (2, 3, 700.0),
        )
        self.assertAlmostEqual(year_end.average_gift, 233.33)
        self.assertEqual(
            (
                year_end.new_donor_count,
                year_end.retained_donor_count,
                year_end.recaptured_donor_count,
            ),
            (2, 0, 0),
        )
        self.assertEqual(year_end.cost, 100.0)
        self.assertAlmostEqual(year_end.cost_per_unit, 0.1429, places=4)
        self.assertEqual(year_end.solicited_count, 10)
        self.assertAlmostEqual(year_end.response_rate, 20.0)
        # Gala: Ann (gave in 2024: retained in 2025), the Lee household (new),
        # Fay (gave in 2024, not in 2025: recaptured in 2026).
        self.assertEqual(
            (gala.donor_count, gala.gift_count, gala.amount), (3, 3, 410.0)
        )
        self.assertEqual(
            (
                gala.new_donor_count,
                gala.retained_donor_count,
                gala.recaptured_donor_count,
            ),
            (1, 1, 1),
        )
        self.assertAlmostEqual(gala.cost_per_unit, 400 / 410, places=4)
        self.assertEqual(gala.net_amount, 10.0)
        self.assertFalse(gala.solicited_count)
        self.assertFalse(gala.response_rate)
        # The campaign shows what its appeal raised.
        campaign = self.gala.with_user(self.donor_user).with_company(self.company_f)
        self.assertEqual(campaign.idic_appeal_gift_count, 3)
        self.assertEqual(campaign.idic_appeal_amount, 410.0)
        action = campaign.action_idic_open_appeal_gifts()
        lines = (
            self.env["idic.donation.report"]
            .with_user(self.donor_user)
            .search(action["domain"])
        )
        self.assertEqual(sum(lines.mapped("amount")), 410.0)
        # An appeal with a cost and no gift yet is listed.
        fresh = self.env["utm.campaign"].create(
            {
                "title": "Spring",
                "idic_appeal_company_id": self.company_f.id,
                "idic_appeal_cost": 50.0,
            }
        )
        row = Report.search([("appeal_id", "=", fresh.id)])
        self.assertEqual((row.gift_count, row.amount, row.cost), (0, 0.0, 50.0))
        # Amounts stay behind the donor-data group.
        with self.assertRaises(AccessError):
            self.env["idic.appeal.report"].with_user(self.idic_user).search([])
        with self.assertRaises(AccessError):
            self.gala.with_user(self.idic_user).read(["idic_appeal_cost"])
        for value in (float("inf"), -1.0):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.gala.idic_appeal_cost = value

    def _segment_action(self, user, partners, name, control_share):
        """A segment action of ``user`` on ``partners`` (a mailing list of its
        target group), as the wizard does it; returns the campaign."""
        wizard = Form(
            self.env["idic.segment.action"]
            .with_user(user)
            .with_company(self.company_f)
            .with_context(active_model="res.partner", active_ids=partners.ids)
        )
        wizard.name = name
        wizard.control_share = control_share
        wizard.add_to_list = True
        action = wizard.save().action_apply()
        return self.env["utm.campaign"].browse(action["res_id"])

    def test_appeal_response_rate_of_segment_actions(self):
        """The people a segment action solicited are its target group (never
        its control group), counted once with the recipients of the
        campaign's mailings."""
        fundraiser = new_user(
            self.env,
            login="idic_fund_segment_user",
            groups="partner_idic.group_idic_manager,partner_idic.group_idic_donor_data,"
            "account.group_account_invoice,mass_mailing.group_mass_mailing_user",
            name="Segment Fundraiser",
            company_id=self.company_f.id,
            company_ids=[self.company_f.id],
        )
        donors = self.env["res.partner"].create(
            [
                {"name": f"Spring Donor {n}", "email": f"spring{n}@donors.example.com"}
                for n in range(4)
            ]
        )
        spring = self._segment_action(fundraiser, donors, "Spring appeal", 0.0)
        members = self.env["idic.campaign.member"].search(
            [("campaign_id", "=", spring.id)]
        )
        self.assertEqual(members.mapped("group"), ["target"] * 4)
        self.gift(donors[0], "2026-05-01", 50, appeal=spring)
        self.gift(donors[1], "2026-05-02", 70, appeal=spring)
        Report = self.env["idic.appeal.report"].with_user(fundraiser)

        def row(campaign):
            return Report.search(
                [
                    ("appeal_id", "=", campaign.id),
                    ("company_id", "=", self.company_f.id),
                ]
            )

        spring_row = row(spring)
        self.assertEqual((spring_row.donor_count, spring_row.solicited_count), (2, 4))
        self.assertAlmostEqual(spring_row.response_rate, 50.0)
        # The campaign's mailing to the segment action's list reaches the same
        # four people (their mailing contacts): still four; one more partner
        # mailed in the campaign makes five.
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Spring appeal",
                "campaign_id": spring.id,
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [Command.link(spring.idic_mailing_list_id.id)],
            }
        )
        contacts = spring.idic_mailing_list_id.contact_ids
        self.assertEqual(len(contacts), 4)
        Trace = self.env["mailing.trace"]
        Trace.create(
            [
                {
                    "mass_mailing_id": mailing.id,
                    "model": "mailing.contact",
                    "res_id": contact.id,
                    "email": contact.email_normalized,
                    "trace_status": "sent",
                }
                for contact in contacts
            ]
        )
        self.env.invalidate_all()
        self.assertEqual(row(spring).solicited_count, 4)
        trace = Trace.create(
            {
                "mass_mailing_id": mailing.id,
                "model": "res.partner",
                "res_id": self.fay.id,
                "email": "fay@donors.example.com",
                "trace_status": "sent",
            }
        )
        self.env.invalidate_all()
        self.assertEqual(row(spring).solicited_count, 5)
        self.assertAlmostEqual(row(spring).response_rate, 40.0)
        # A failed trace solicited nobody.
        trace.trace_status = "error"
        self.env.invalidate_all()
        self.assertEqual(row(spring).solicited_count, 4)
        # Half of the four in a control group: the two targets are solicited,
        # the control members never, even when one of them gives to it.
        summer = self._segment_action(fundraiser, donors, "Summer appeal", 50.0)
        members = self.env["idic.campaign.member"].search(
            [("campaign_id", "=", summer.id)]
        )
        target = members.filtered(lambda m: m.group == "target").partner_id
        control = members.filtered(lambda m: m.group == "control").partner_id
        self.assertEqual((len(target), len(control)), (2, 2))
        self.gift(target[0], "2026-05-03", 20, appeal=summer)
        summer_row = row(summer)
        self.assertEqual((summer_row.donor_count, summer_row.solicited_count), (1, 2))
        self.assertAlmostEqual(summer_row.response_rate, 50.0)
        self.gift(control[0], "2026-05-04", 20, appeal=summer)
        self.env.invalidate_all()
        self.assertEqual(row(summer).solicited_count, 2)

    def test_raised_per_fund_and_fiscal_year(self):
        Report = self.env["idic.donation.report"].with_user(self.donor_user)
        rows = Report._read_group(
            [("company_id", "=", self.company_f.id), ("fund_id", "!=", False)],
            ["fund_id", "fiscal_year"],
            ["amount:sum"],
        )
        self.assertEqual(
            {(fund.code, year): amount for fund, year, amount in rows},
            {
                ("GEN", "2024"): 100.0,
                ("GEN", "2026"): 300.0,
                ("SCH", "2025"): 200.0,
                ("BLD", "2026"): 400.0,
            },
        )

    def test_funds_access(self):
        Fund = self.env["idic.fund"]
        self.assertTrue(Fund.with_user(self.idic_user).search([("code", "=", "GEN")]))
        with self.assertRaises(AccessError):
            Fund.with_user(self.idic_user).create(
                {"name": "Mine", "company_id": self.company_f.id}
            )
        Fund.with_user(self.idic_manager).with_company(self.company_f).create(
            {"name": "Endowment", "company_id": self.company_f.id}
        )
        self.assertFalse(Fund.with_user(self.other_user).search([("code", "=", "GEN")]))

    # ------------------------------------------------------------------
    # Soft credits, households, matching gifts
    # ------------------------------------------------------------------
    def test_soft_credits_apart_from_hard(self):
        """Soft totals per fiscal year beside the hard ones; by default the
        statuses count the own gifts only."""
        self.recompute()
        # The household: Hal's gift is its hard gift (2026); Hana's soft
        # credit on Ben's gift counts its net 300 (2025).
        self.assertEqual(
            self.figures(self.lee),
            {
                "status": "new",
                "lybunt": False,
                "sybunt": False,
                "fy": 150.0,
                "soft": 300.0,
                "soft_fy": 0.0,
                "soft_last": 300.0,
            },
        )
        # Its members carry its figures.
        self.assertEqual(self.figures(self.hana), self.figures(self.lee))
        # The employee whose gift Emco matched is soft-credited with it.
        credit = self.match.invoice_line_ids.idic_soft_credit_ids
        self.assertEqual(
            (credit.partner_id, credit.role, credit.amount),
            (self.dan, "matching", 100.0),
        )
        dan = self.figures(self.dan)
        self.assertEqual(
            (dan["status"], dan["fy"], dan["soft"], dan["soft_fy"]),
            ("new", 100.0, 100.0, 100.0),
        )
        self.assertEqual(self.figures(self.emco)["status"], "new")
        # Cara was only honoured: soft figures, no status.
        self.assertEqual(
            self.figures(self.cara),
            {
                "status": False,
                "lybunt": False,
                "sybunt": False,
                "fy": 0.0,
                "soft": 50.0,
                "soft_fy": 0.0,
                "soft_last": 0.0,
            },
        )
        self.assertEqual(self.figures(self.ben)["status"], "lapsed")
        self.assertTrue(self.figures(self.ben)["lybunt"])
        # The job writes them; nobody else, managers included.
        for field in (
            "idic_donation_soft_total",
            "idic_donor_ltv",
            "idic_donor_sustainer",
        ):
            with self.assertRaises(AccessError):
                self.cara.with_user(self.idic_manager).with_company(
                    self.company_f
                ).write({field: 1})

    def test_count_soft_credits_setting(self):
        """Counting soft credits: the household gave last year too (Hana's
        soft credit) and is active; Cara is a SYBUNT donor; tiers on
        donations count the soft totals."""
        self.company_f.idic_donor_count_soft = True
        self.recompute()
        lee = self.figures(self.lee)
        self.assertEqual((lee["status"], lee["lybunt"]), ("active", False))
        cara = self.figures(self.cara)
        self.assertEqual(
            (cara["status"], cara["lybunt"], cara["sybunt"]), ("lapsed", False, True)
        )
        totals = dict(
            self.env.execute_query(
                self.env["res.partner"]._idic_donation_totals_sql(self.company_f)
            )
        )
        self.assertEqual(float(totals[self.lee.id]), 450.0)
        self.assertEqual(float(totals[self.dan.id]), 200.0)
        self.assertEqual(float(totals[self.cara.id]), 50.0)

    def test_soft_credit_checks(self):
        SoftCredit = self.env["idic.soft.credit"].with_user(self.donor_user)
        line = self.dan_gift.invoice_line_ids
        # The donor itself, or one of its contacts: its gift is a hard credit.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            SoftCredit.create({"line_id": line.id, "partner_id": self.dan.id})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            SoftCredit.create(
                {
                    "line_id": self.ben_gift.invoice_line_ids.id,
                    "partner_id": self.hana.id,
                    "role": "household",
                    "amount": 600.0,
                }
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            SoftCredit.create(
                {"line_id": line.id, "partner_id": self.cara.id, "amount": float("nan")}
            )
        # A plain invoice line is not a gift.
        plain = self.make_invoice(
            self.cara, d("2026-05-01"), [("Catalogue", 10)], self.company_f
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            SoftCredit.create(
                {"line_id": plain.invoice_line_ids.id, "partner_id": self.ann.id}
            )
        # The amount defaults to the gift's; fundraisers of another company
        # see none.
        credit = SoftCredit.create(
            {"line_id": line.id, "partner_id": self.cara.id, "role": "memory"}
        )
        self.assertEqual(credit.amount, 100.0)
        with self.assertRaises(AccessError):
            credit.with_user(self.other_user).read(["amount"])
        with self.assertRaises(AccessError):
            credit.with_user(self.idic_user).read(["amount"])

    def test_household_receipt(self):
        """A household that asks for it gets its members' receipts."""
        move = self.env["account.move"].search(
            [("partner_id", "=", self.hal.id), ("company_id", "=", self.company_f.id)]
        )

        def addressee():
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_pdf(
                    "partner_idic.report_idic_donation_receipt", move.ids
                )[0]
                .decode()
            )
            names = re.findall(r'itemprop="name">([^<]+)<', html)
            return [name for name in names if "Lee" in name]

        self.assertEqual(addressee(), ["Lee Household, Hal Lee"])
        self.lee.idic_household_receipts = True
        self.assertEqual(addressee(), ["Lee Household"])

    # ------------------------------------------------------------------
    # Pledges
    # ------------------------------------------------------------------
    def test_pledge_paid_outstanding_and_write_off(self):
        pledge = self.pledge.with_user(self.donor_user)
        self.assertEqual(
            pledge.installment_ids.mapped("date"), [d("2026-01-01"), d("2026-04-01")]
        )
        self.assertEqual(pledge.installment_ids.mapped("amount"), [500.0, 500.0])
        self.assertEqual(
            (pledge.paid_amount, pledge.outstanding_amount, pledge.state),
            (400.0, 600.0, "open"),
        )
        # Both installments are due by today: 1000 - 400.
        self.assertEqual(pledge.due_amount, 600.0)
        self.assertEqual(pledge.next_installment_date, d("2026-01-01"))
        self.assertEqual(pledge.gift_count, 1)
        # A credit note on the pledged gift reduces what was paid.
        refund = self.refund(self.ann_pledged, "2026-05-01", 100)
        self.assertEqual(refund.invoice_line_ids.idic_pledge_id, self.pledge)
        self.env.invalidate_all()
        self.assertEqual(
            (pledge.paid_amount, pledge.outstanding_amount), (300.0, 700.0)
        )
        # Open pledges, then a write-off (a reason is needed).
        opened = (
            self.env["idic.pledge"]
            .with_user(self.donor_user)
            .search([("state", "=", "open"), ("company_id", "=", self.company_f.id)])
        )
        self.assertEqual(opened, pledge)
        with self.assertRaises(UserError):
            pledge.action_write_off()
        pledge.write_off_reason = "Donor moved abroad"
        pledge.action_write_off()
        self.assertEqual(
            (pledge.state, pledge.written_off_amount, pledge.outstanding_amount),
            ("written_off", 700.0, 0.0),
        )
        # A donor-data reader without accounting rights reads the pledge.
        reader = new_user(
            self.env,
            login="idic_fund_reader",
            groups="partner_idic.group_idic_donor_data",
            company_id=self.company_f.id,
            company_ids=[self.company_f.id],
        )
        self.assertEqual(
            self.pledge.with_user(reader).read(["gift_count", "paid_amount"])[0][
                "gift_count"
            ],
            1,
        )
        # Nobody writes the figures over RPC.
        for field, value in (
            ("written_off_amount", 0.0),
            ("paid_amount", 1000.0),
            ("state", "open"),
        ):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                pledge.write({field: value})

    def test_pledge_fulfilled_and_checks(self):
        Pledge = (
            self.env["idic.pledge"]
            .with_user(self.donor_user)
            .with_company(self.company_f)
        )
        pledge = Pledge.create(
            {"partner_id": self.fay.id, "amount": 60.0, "date": d("2026-01-01")}
        )
        pledge.action_confirm()
        self.assertEqual(pledge.installment_ids.amount, 60.0)
        self.gift(self.fay, "2026-05-02", 60, pledge=pledge)
        self.env.invalidate_all()
        self.assertEqual((pledge.state, pledge.outstanding_amount), ("fulfilled", 0.0))
        for values in (
            {"amount": float("nan")},
            {"amount": -5.0},
            {"installment_count": 0},
        ):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Pledge.create(
                    dict({"partner_id": self.fay.id, "amount": 10.0}, **values)
                )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Pledge.create(
                {
                    "partner_id": self.fay.id,
                    "amount": 100.0,
                    "installment_ids": [
                        Command.create({"date": d("2026-06-01"), "amount": 40.0})
                    ],
                }
            )
        with self.assertRaises(AccessError):
            Pledge.with_user(self.idic_user).search([])

    def test_pledge_form(self):
        """A fundraiser records a pledge in its form and schedules it."""
        with Form(
            self.env["idic.pledge"]
            .with_user(self.donor_user)
            .with_company(self.company_f)
        ) as form:
            form.partner_id = self.dan
            form.amount = 1200.0
            form.installment_count = 12
            form.fund_id = self.general
        pledge = form.record
        pledge.action_schedule()
        self.assertEqual(len(pledge.installment_ids), 12)
        self.assertEqual(sum(pledge.installment_ids.mapped("amount")), 1200.0)
        self.assertTrue(pledge.name.startswith("PLG/"))
