# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Donors (issue #6): figures, LYBUNT / SYBUNT, statuses, tiers, receipts.

Company A closes its fiscal year on 31 March; today is frozen on 15 May
2026, so this fiscal year (FY 2027) runs from 1 April 2026 to 31 March 2027,
last fiscal year (FY 2026) from 1 April 2025 to 31 March 2026 and FY 2025
from 1 April 2024 to 31 March 2025. Company currency USD; CHF at 2.5 CHF for
1 USD. Gifts of company A, as typed (D: donation product, N: not a
donation)::

    Ann    2024-06-01  D 100                      FY 2025
           2025-03-31  D 200                      FY 2025 (its last day)
           2025-04-01  D 300 + N 1000             FY 2026 (its first day)
           2026-04-01  D 50                       FY 2027 (its first day)
    Ben    2025-03-31  D 1250 CHF = 500 USD       FY 2025
           2026-03-31  D 80                       FY 2026 (its last day)
    Cara   2024-05-01  D 400, refunded 150 on 2026-04-10 (a credit note of
                       this fiscal year: it counts in FY 2025, the gift's)
           2026-05-01  D 60                       FY 2027
    Dan    2026-04-15  D 700                      FY 2027
           2025-06-01  D 999 draft, 2025-07-01 D 888 cancelled (ignored)
    Eve    2025-06-01  D 200, fully refunded on 2025-06-05 (no gift)
           2025-09-01  credit note of D 30 without invoice (no gift)
    Fay Org (gifts on its contact Fay)
           2025-05-20  D 120                      FY 2026
    Gus    2026-05-01  N 5000 (no donation at all)

Ann also gives 1000 in company B (calendar fiscal year) on 2026-01-10.
"""

from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import freeze_time
from odoo.tools import SQL, date_utils

from odoo.addons.partner_idic.models.res_partner_donor import (
    fiscal_year_label_sql,
    fiscal_year_sql,
)

from .common import FiguresMixin, IdicCase, new_user

RATE = 2.5
TODAY = date(2026, 5, 15)

FIGURES = [
    "idic_donation_count",
    "idic_donation_first_date",
    "idic_donation_first_amount",
    "idic_donation_last_date",
    "idic_donation_last_amount",
    "idic_donation_largest",
    "idic_donation_total",
    "idic_donation_fy_total",
    "idic_donation_last_fy_total",
    "idic_donation_average",
    "idic_donor_status",
    "idic_lybunt",
    "idic_sybunt",
]
NO_FIGURES = {
    "idic_donation_count": 0,
    "idic_donation_first_date": False,
    "idic_donation_first_amount": 0.0,
    "idic_donation_last_date": False,
    "idic_donation_last_amount": 0.0,
    "idic_donation_largest": 0.0,
    "idic_donation_total": 0.0,
    "idic_donation_fy_total": 0.0,
    "idic_donation_last_fy_total": 0.0,
    "idic_donation_average": 0.0,
    "idic_donor_status": False,
    "idic_lybunt": False,
    "idic_sybunt": False,
}


def d(text):
    return date.fromisoformat(text)


@freeze_time(datetime(2026, 5, 15, 10, 0))
@tagged("post_install", "-at_install")
class TestDonor(FiguresMixin, IdicCase):
    FIGURES = FIGURES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        usd = cls.env.ref("base.USD")
        cls.company_a = cls.env["res.company"].create(
            {
                "name": "IDIC Donor A",
                "currency_id": usd.id,
                "fiscalyear_last_month": "3",
                "fiscalyear_last_day": 31,
            }
        )
        cls.company_b = cls.other_company
        cls.load_chart(cls.company_a | cls.company_b)
        cls.chf = cls.env.ref("base.CHF")
        cls.chf.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": d("2020-01-01"),
                "rate": RATE,
                "currency_id": cls.chf.id,
                "company_id": cls.company_a.id,
            }
        )
        for user in cls.idic_manager | cls.idic_admin:
            user.company_ids = [
                Command.link(cls.company_a.id),
                Command.link(cls.company_b.id),
            ]
        cls.donor_user = new_user(
            cls.env,
            login="idic_donor_user",
            groups="partner_idic.group_idic_donor_data",
            name="Donor Data Reader",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.idic_user.company_ids = [Command.link(cls.company_a.id)]

        Product = cls.env["product.product"]
        cls.donation = Product.create(
            {"name": "Gift", "type": "service", "idic_is_donation": True}
        )
        cls.goods = Product.create({"name": "Catalogue", "type": "service"})

        Partner = cls.env["res.partner"]
        cls.ann = Partner.create({"name": "Ann Donor"})
        cls.ben = Partner.create({"name": "Ben Donor"})
        cls.cara = Partner.create({"name": "Cara Donor"})
        cls.dan = Partner.create({"name": "Dan Donor"})
        cls.eve = Partner.create({"name": "Eve Donor"})
        cls.fay_org = Partner.create({"name": "Fay Org", "is_company": True})
        cls.fay = Partner.create(
            {"name": "Fay", "parent_id": cls.fay_org.id, "type": "contact"}
        )
        cls.gus = Partner.create({"name": "Gus Customer"})

        inv = cls._invoice
        cls.ann_gifts = [
            inv(cls.ann, "2024-06-01", [(cls.donation, 100)]),
            inv(cls.ann, "2025-03-31", [(cls.donation, 200)]),
            inv(cls.ann, "2025-04-01", [(cls.donation, 300), (cls.goods, 1000)]),
            inv(cls.ann, "2026-04-01", [(cls.donation, 50)]),
        ]
        inv(cls.ben, "2025-03-31", [(cls.donation, 1250)], currency=cls.chf)
        inv(cls.ben, "2026-03-31", [(cls.donation, 80)])
        cls.cara_gift = inv(cls.cara, "2024-05-01", [(cls.donation, 400)])
        inv(
            cls.cara,
            "2026-04-10",
            [(cls.donation, 150)],
            move_type="out_refund",
            refund_of=cls.cara_gift,
        )
        inv(cls.cara, "2026-05-01", [(cls.donation, 60)])
        cls.dan_gift = inv(cls.dan, "2026-04-15", [(cls.donation, 700)])
        inv(cls.dan, "2025-06-01", [(cls.donation, 999)], state="draft")
        inv(cls.dan, "2025-07-01", [(cls.donation, 888)], state="cancel")
        eve_gift = inv(cls.eve, "2025-06-01", [(cls.donation, 200)])
        inv(
            cls.eve,
            "2025-06-05",
            [(cls.donation, 200)],
            move_type="out_refund",
            refund_of=eve_gift,
        )
        inv(cls.eve, "2025-09-01", [(cls.donation, 30)], move_type="out_refund")
        inv(cls.fay, "2025-05-20", [(cls.donation, 120)])
        inv(cls.gus, "2026-05-01", [(cls.goods, 5000)])
        inv(cls.ann, "2026-01-10", [(cls.donation, 1000)], company=cls.company_b)

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    @classmethod
    def _invoice(
        cls,
        partner,
        day,
        lines,
        move_type="out_invoice",
        currency=None,
        company=None,
        state="posted",
        refund_of=None,
    ):
        """A customer invoice (or credit note) of ``partner`` dated ``day``
        with one untaxed line per (product, amount) of ``lines``."""
        return cls.make_invoice(
            partner,
            d(day),
            lines,
            company or cls.company_a,
            move_type=move_type,
            currency=currency,
            state=state,
            refund_of=refund_of,
        )

    def recompute(self, companies=None):
        count = self.env["res.partner"]._idic_recompute_donors(
            companies=companies or (self.company_a | self.company_b), commit=False
        )
        self.env.invalidate_all()
        return count

    def expected_a(self):
        """The donor figures of company A, computed by hand from the table of
        the module docstring."""
        return {
            self.ann: {
                "idic_donation_count": 4,
                "idic_donation_first_date": d("2024-06-01"),
                "idic_donation_first_amount": 100.0,
                "idic_donation_last_date": d("2026-04-01"),
                "idic_donation_last_amount": 50.0,
                "idic_donation_largest": 300.0,
                "idic_donation_total": 650.0,
                "idic_donation_fy_total": 50.0,
                "idic_donation_last_fy_total": 300.0,
                "idic_donation_average": 162.5,
                "idic_donor_status": "active",
                "idic_lybunt": False,
                "idic_sybunt": False,
            },
            self.ben: {
                "idic_donation_count": 2,
                "idic_donation_first_date": d("2025-03-31"),
                "idic_donation_first_amount": 1250 / RATE,  # 500
                "idic_donation_last_date": d("2026-03-31"),
                "idic_donation_last_amount": 80.0,
                "idic_donation_largest": 500.0,
                "idic_donation_total": 580.0,
                "idic_donation_fy_total": 0.0,
                "idic_donation_last_fy_total": 80.0,
                "idic_donation_average": 290.0,
                "idic_donor_status": "lapsed",
                "idic_lybunt": True,
                "idic_sybunt": True,
            },
            self.cara: {
                "idic_donation_count": 2,
                "idic_donation_first_date": d("2024-05-01"),
                "idic_donation_first_amount": 250.0,  # 400 - 150
                "idic_donation_last_date": d("2026-05-01"),
                "idic_donation_last_amount": 60.0,
                "idic_donation_largest": 250.0,
                "idic_donation_total": 310.0,
                # The credit note of 2026-04-10 belongs to the gift of FY 2025.
                "idic_donation_fy_total": 60.0,
                "idic_donation_last_fy_total": 0.0,
                "idic_donation_average": 155.0,
                "idic_donor_status": "recaptured",
                "idic_lybunt": False,
                "idic_sybunt": False,
            },
            self.dan: {
                "idic_donation_count": 1,
                "idic_donation_first_date": d("2026-04-15"),
                "idic_donation_first_amount": 700.0,
                "idic_donation_last_date": d("2026-04-15"),
                "idic_donation_last_amount": 700.0,
                "idic_donation_largest": 700.0,
                "idic_donation_total": 700.0,
                "idic_donation_fy_total": 700.0,
                "idic_donation_last_fy_total": 0.0,
                "idic_donation_average": 700.0,
                "idic_donor_status": "new",
                "idic_lybunt": False,
                "idic_sybunt": False,
            },
            # No gift: the refunded one nets to 0, the lone credit note is none.
            self.eve: dict(
                NO_FIGURES,
                idic_donation_total=-30.0,
                idic_donation_last_fy_total=-30.0,
            ),
            self.fay_org: {
                "idic_donation_count": 1,
                "idic_donation_first_date": d("2025-05-20"),
                "idic_donation_first_amount": 120.0,
                "idic_donation_last_date": d("2025-05-20"),
                "idic_donation_last_amount": 120.0,
                "idic_donation_largest": 120.0,
                "idic_donation_total": 120.0,
                "idic_donation_fy_total": 0.0,
                "idic_donation_last_fy_total": 120.0,
                "idic_donation_average": 120.0,
                "idic_donor_status": "lapsed",
                "idic_lybunt": True,
                "idic_sybunt": True,
            },
            self.gus: dict(NO_FIGURES),
        }

    def _triggers(self):
        cron = self.env.ref("partner_idic.ir_cron_idic_donor_recompute")
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    # ------------------------------------------------------------------------
    # Fiscal years
    # ------------------------------------------------------------------------
    def test_fiscal_year_sql_matches_odoo(self):
        """The SQL fiscal year of a date is the one of account's
        get_fiscal_year, for calendar and non-calendar years, around their
        edges and in leap years (a year ending on 28 February ends on the
        29th in leap years)."""
        days = [
            d("2023-12-31") + timedelta(days=n)
            for n in range(0, 3 * 366 + 5)
            if n % 7 == 0
            or (d("2023-12-31") + timedelta(days=n)).day in (1, 28, 29, 30, 31)
        ]
        for month, day in [(12, 31), (3, 31), (6, 30), (2, 28), (2, 29), (9, 15)]:
            self.env.cr.execute(
                SQL(
                    "SELECT x, %s, %s FROM unnest(%s::date[]) x ORDER BY x",
                    fiscal_year_sql(SQL("x"), month, day),
                    fiscal_year_label_sql(
                        fiscal_year_sql(SQL("x"), month, day), month, day
                    ),
                    days,
                )
            )
            for when, fiscal_year, label in self.env.cr.fetchall():
                date_from, date_to = date_utils.get_fiscal_year(
                    when, day=day, month=month
                )
                self.assertEqual(fiscal_year, date_to.year, f"{when} {month}/{day}")
                expected = (
                    str(date_to.year)
                    if (month, day) == (12, 31)
                    else f"{date_from.year}-{date_to.year}"
                )
                self.assertEqual(label, expected, f"{when} {month}/{day}")

    # ------------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------------
    def test_figures_match_hand_computation(self):
        """Every donor figure of company A equals the hand computation across
        the fiscal-year edges: credit notes netted into their gift, foreign
        currencies converted, non-donation lines, drafts and cancelled
        invoices ignored, statuses and LYBUNT / SYBUNT."""
        for partner in self.expected_a():
            self.assertEqual(self.figures(partner), NO_FIGURES, partner.name)
        # Ann, Ben, Cara, Dan, Eve, Fay Org and its contact Fay.
        self.assertEqual(self.recompute(self.company_a), 7)
        for partner, expected in self.expected_a().items():
            self.assertFigures(partner, expected)
        # The contact carries the figures of its company.
        self.assertEqual(self.figures(self.fay), self.figures(self.fay_org))

    def test_rerun_changes_nothing(self):
        self.recompute()
        self.assertEqual(self.recompute(), 0)

    def test_credit_notes_net(self):
        """A credit note reduces its gift (in the gift's fiscal year), and a
        full refund takes the gift out of the count."""
        self.recompute()
        refund = self._invoice(
            self.dan,
            "2026-05-10",
            [(self.donation, 300)],
            move_type="out_refund",
            refund_of=self.dan_gift,
        )
        self.recompute()
        dan = self.dan.with_company(self.company_a)
        self.assertEqual(dan.idic_donation_count, 1)
        self.assertAlmostEqual(dan.idic_donation_total, 400.0)
        self.assertAlmostEqual(dan.idic_donation_first_amount, 400.0)
        self.assertAlmostEqual(dan.idic_donation_fy_total, 400.0)
        self._invoice(
            self.dan,
            "2026-05-11",
            [(self.donation, 400)],
            move_type="out_refund",
            refund_of=self.dan_gift,
        )
        self.recompute()
        self.assertFigures(self.dan, dict(NO_FIGURES))
        # Resetting a credit note gives the gift back.
        refund.button_draft()
        self.recompute()
        self.assertEqual(dan.idic_donation_count, 1)
        self.assertAlmostEqual(dan.idic_donation_total, 300.0)
        self.assertEqual(dan.idic_donor_status, "new")

    def test_drafts_and_cancelled_ignored(self):
        self.recompute()
        self.assertFigures(self.dan, self.expected_a()[self.dan])
        # Cancelling Ben's gift of last year makes him a SYBUNT but no LYBUNT.
        ben_gift = self.env["account.move"].search(
            [("partner_id", "=", self.ben.id), ("invoice_date", "=", d("2026-03-31"))]
        )
        ben_gift.button_draft()
        self.recompute()
        ben = self.ben.with_company(self.company_a)
        self.assertFalse(ben.idic_lybunt)
        self.assertTrue(ben.idic_sybunt)
        self.assertEqual(ben.idic_donor_status, "lapsed")
        self.assertEqual(ben.idic_donation_count, 1)
        ben_gift.button_cancel()
        self.recompute()
        self.assertEqual(ben.idic_donation_count, 1)
        self.assertAlmostEqual(ben.idic_donation_total, 500.0)

    def test_statuses_move_with_the_fiscal_year(self):
        """On the first day of the next fiscal year, this year's donors become
        last year's: Dan (new) is a LYBUNT, Ann's FY 2027 gift is last year's."""
        self.recompute()
        with freeze_time(datetime(2027, 4, 1, 10, 0)):
            self.recompute()
            dan = self.dan.with_company(self.company_a)
            self.assertEqual(dan.idic_donor_status, "lapsed")
            self.assertTrue(dan.idic_lybunt)
            self.assertTrue(dan.idic_sybunt)
            self.assertAlmostEqual(dan.idic_donation_fy_total, 0.0)
            self.assertAlmostEqual(dan.idic_donation_last_fy_total, 700.0)
            ann = self.ann.with_company(self.company_a)
            self.assertTrue(ann.idic_lybunt)
            self.assertAlmostEqual(ann.idic_donation_last_fy_total, 50.0)
            # Ben gave nothing in FY 2027: SYBUNT, no longer LYBUNT.
            ben = self.ben.with_company(self.company_a)
            self.assertFalse(ben.idic_lybunt)
            self.assertTrue(ben.idic_sybunt)
        # On the last day of FY 2027 nothing moved yet.
        with freeze_time(datetime(2027, 3, 31, 10, 0)):
            self.recompute()
            for partner, expected in self.expected_a().items():
                self.assertFigures(partner, expected)

    def test_multi_company(self):
        """Each company has its own donors and fiscal years: company B (a
        calendar year) sees Ann's gift of January 2026 as this year's."""
        self.recompute()
        self.assertFigures(
            self.ann,
            {
                "idic_donation_count": 1,
                "idic_donation_first_date": d("2026-01-10"),
                "idic_donation_first_amount": 1000.0,
                "idic_donation_last_date": d("2026-01-10"),
                "idic_donation_last_amount": 1000.0,
                "idic_donation_largest": 1000.0,
                "idic_donation_total": 1000.0,
                "idic_donation_fy_total": 1000.0,
                "idic_donation_last_fy_total": 0.0,
                "idic_donation_average": 1000.0,
                "idic_donor_status": "new",
                "idic_lybunt": False,
                "idic_sybunt": False,
            },
            company=self.company_b,
        )
        self.assertFigures(self.ann, self.expected_a()[self.ann])
        for partner in self.ben | self.cara | self.dan:
            self.assertEqual(
                self.figures(partner, self.company_b), NO_FIGURES, partner.name
            )
        # Recomputing only company A leaves company B alone.
        self._invoice(
            self.ann, "2026-02-01", [(self.donation, 5)], company=self.company_b
        )
        self.recompute(self.company_a)
        self.assertAlmostEqual(
            self.ann.with_company(self.company_b).idic_donation_total, 1000.0
        )
        # A user of company B sees B's figures of Ann, not A's.
        self.assertEqual(self.ann.with_user(self.other_user).idic_donor_status, "new")

    def test_donation_product_flag(self):
        """Unmarking the donation product asks for a recompute that clears
        the figures; the contact is cleared too."""
        self.recompute()
        self._triggers().unlink()
        self.donation.product_tmpl_id.idic_is_donation = False
        self.assertEqual(len(self._triggers()), 1)
        self.recompute()
        for partner in self.expected_a():
            self.assertEqual(self.figures(partner), NO_FIGURES, partner.name)
        self.assertEqual(self.figures(self.fay), NO_FIGURES)
        self.assertEqual(self.recompute(), 0)

    # ------------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------------
    def test_donation_report_by_fiscal_year(self):
        """The analysis gives each line the fiscal year of its gift: the
        pivot of top donors by year adds up to the figures."""
        Report = self.env["idic.donation.report"].with_user(self.idic_manager)
        rows = Report._read_group(
            [("company_id", "=", self.company_a.id)],
            ["partner_id", "fiscal_year"],
            ["amount:sum"],
        )
        totals = {(partner, year): amount for partner, year, amount in rows}
        self.assertEqual(
            totals,
            {
                (self.ann, "2024-2025"): 300.0,
                (self.ann, "2025-2026"): 300.0,
                (self.ann, "2026-2027"): 50.0,
                (self.ben, "2024-2025"): 500.0,
                (self.ben, "2025-2026"): 80.0,
                (self.cara, "2024-2025"): 250.0,
                (self.cara, "2026-2027"): 60.0,
                (self.dan, "2026-2027"): 700.0,
                (self.eve, "2025-2026"): -30.0,
                (self.fay_org, "2025-2026"): 120.0,
            },
        )
        b_rows = Report._read_group(
            [("company_id", "=", self.company_b.id)],
            ["partner_id", "fiscal_year"],
            ["amount:sum"],
        )
        self.assertEqual(b_rows, [(self.ann, "2026", 1000.0)])

    def test_access_to_donation_amounts(self):
        """A relationship user without the donor-data group cannot read the
        amounts (but sees who gives and when); managers and donor-data readers
        can; other companies' rows stay out of reach."""
        self.recompute()
        self.assertTrue(
            self.idic_manager.has_group("partner_idic.group_idic_donor_data")
        )
        self.assertFalse(self.idic_user.has_group("partner_idic.group_idic_donor_data"))
        amounts = [
            "idic_donation_total",
            "idic_donation_first_amount",
            "idic_donation_last_amount",
            "idic_donation_largest",
            "idic_donation_fy_total",
            "idic_donation_last_fy_total",
            "idic_donation_average",
        ]
        ann = self.ann.with_company(self.company_a)
        for user in self.idic_user | self.plain_user:
            for name in amounts:
                with self.assertRaises(AccessError, msg=name):
                    ann.with_user(user).read([name])
            with self.assertRaises(AccessError):
                self.env["idic.donation.report"].with_user(user).search([])
        self.assertEqual(ann.with_user(self.idic_user).idic_donation_count, 4)
        self.assertEqual(ann.with_user(self.idic_user).idic_donor_status, "active")
        self.assertNotIn(
            "idic_donation_total",
            self.env["res.partner"].with_user(self.idic_user).fields_get(),
        )
        for user in self.idic_manager | self.donor_user:
            values = ann.with_user(user).read(amounts)[0]
            self.assertAlmostEqual(values["idic_donation_total"], 650.0)
            self.assertAlmostEqual(values["idic_donation_largest"], 300.0)
        # The analysis: donor-data readers see the rows of their companies.
        rows = self.env["idic.donation.report"].with_user(self.donor_user).search([])
        self.assertEqual(rows.company_id, self.company_a)
        self.assertIn(self.ann, rows.partner_id)
        other = self.env["idic.donation.report"].search(
            [("company_id", "=", self.company_b.id)]
        )
        with self.assertRaises(AccessError):
            other.with_user(self.donor_user).read(["amount"])
        # The partner form shows the donor section to donor-data readers only.
        for user, shown in [(self.idic_user, False), (self.donor_user, True)]:
            arch = (
                self.env["res.partner"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertEqual('name="idic_donor"' in arch, shown, user.name)

    def test_open_donations(self):
        """The Gifts button of a donor (or of its contact) opens the donation
        lines of the commercial partner, readable by donor-data readers."""
        action = self.fay.with_user(self.donor_user).action_idic_open_donations()
        self.assertEqual(action["res_model"], "idic.donation.report")
        rows = (
            self.env["idic.donation.report"]
            .with_user(self.donor_user)
            .search(action["domain"])
        )
        self.assertEqual(rows.partner_id, self.fay_org)
        self.assertEqual(sum(rows.mapped("amount")), 120.0)
        summary = self.ann.action_idic_donation_summary()
        self.assertEqual(summary["res_model"], "idic.donation.summary.wizard")
        self.assertEqual(summary["context"]["default_partner_ids"], self.ann.ids)

    # ------------------------------------------------------------------------
    # Tiers on donations
    # ------------------------------------------------------------------------
    def test_tiers_on_donations(self):
        """Donor levels: tiers on the lifetime net donations of company A, not
        on revenue (Gus bought 5000 and gave nothing)."""
        Tier = self.env["idic.value.tier"]
        supporter = Tier.create(
            {
                "name": "Supporter",
                "company_id": self.company_a.id,
                "basis": "donation",
                "min_threshold": 1.0,
            }
        )
        patron = Tier.create(
            {
                "name": "Patron",
                "company_id": self.company_a.id,
                "basis": "donation",
                "min_threshold": 500.0,
            }
        )
        self.env["res.partner"]._idic_recompute_values(
            companies=self.company_a, commit=False
        )
        self.env.invalidate_all()
        expected = {
            self.ann: patron,  # 650 (her 1000 of goods do not count)
            self.ben: patron,  # 580
            self.cara: supporter,  # 310
            self.dan: patron,  # 700
            self.eve: Tier,  # -30
            self.fay_org: supporter,  # 120
            self.fay: supporter,  # its company's tier
            self.gus: Tier,  # no donation
        }
        for partner, tier in expected.items():
            self.assertEqual(
                partner.with_company(self.company_a).idic_value_tier_id,
                tier,
                partner.name,
            )
        # A tier of another basis cannot join them.
        with self.assertRaises(ValidationError):
            Tier.create(
                {
                    "name": "Big spender",
                    "company_id": self.company_a.id,
                    "basis": "clv",
                    "min_threshold": 10000.0,
                }
            )

    # ------------------------------------------------------------------------
    # Triggers and cron
    # ------------------------------------------------------------------------
    def test_posting_triggers_the_cron(self):
        self._triggers().unlink()
        move = self._invoice(self.dan, "2026-05-14", [(self.donation, 10)])
        self.assertEqual(len(self._triggers()), 1)
        # Nothing is recomputed in the posting transaction.
        self.assertEqual(self.figures(self.dan), NO_FIGURES)
        # Another donation while one is due adds none.
        self._invoice(self.ann, "2026-05-14", [(self.donation, 10)])
        self.assertEqual(len(self._triggers()), 1)
        self._triggers().unlink()
        move.button_draft()
        self.assertEqual(len(self._triggers()), 1)
        self._triggers().unlink()
        move.action_post()
        self._triggers().unlink()
        move.button_draft()
        self._triggers().unlink()
        move.button_cancel()
        self.assertFalse(self._triggers())  # a draft counted for nothing
        # An invoice without donation asks nothing.
        self._invoice(self.gus, "2026-05-14", [(self.goods, 10)])
        self.assertFalse(self._triggers())

    def test_billing_user_posts_donation(self):
        biller = new_user(
            self.env,
            login="idic_donor_biller",
            groups="account.group_account_invoice",
            name="Biller",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id],
        )
        self._triggers().unlink()
        move = self._invoice(
            self.dan, "2026-05-14", [(self.donation, 10)], state="draft"
        )
        move.with_user(biller).action_post()
        self.assertEqual(len(self._triggers()), 1)
        self._triggers().unlink()
        move.with_user(biller).button_draft()
        self.assertEqual(len(self._triggers()), 1)

    def test_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref(
                "partner_idic.ir_cron_idic_donor_recompute"
            ).method_direct_trigger()
        self.env.invalidate_all()
        for partner, expected in self.expected_a().items():
            self.assertFigures(partner, expected)
        self.assertEqual(
            self.ann.with_company(self.company_b).idic_donation_total, 1000.0
        )
        self.assertRunsEnded("donor")

    def test_recompute_action(self):
        for user in self.idic_user | self.donor_user:
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).action_idic_recompute_donors()
        action = (
            self.env["res.partner"]
            .with_user(self.idic_manager)
            .with_context(allowed_company_ids=[self.company_a.id])
            .action_idic_recompute_donors()
        )
        self.assertIn("7 partners", action["params"]["message"])
        self.env.invalidate_all()
        self.assertFigures(self.ann, self.expected_a()[self.ann])
        self.assertEqual(self.figures(self.ann, self.company_b), NO_FIGURES)

    # ------------------------------------------------------------------------
    # Receipts and annual summary
    # ------------------------------------------------------------------------
    def test_receipt(self):
        """The receipt of a gift lists its donation lines and its credit
        notes, and gives the net amount; other documents have none."""
        html, kind = self.env["ir.actions.report"]._render_qweb_pdf(
            "partner_idic.report_idic_donation_receipt", self.cara_gift.ids
        )
        self.assertEqual(kind, "html")
        html = html.decode()
        self.assertIn("Donation Receipt", html)
        self.assertIn("400.00", html)
        self.assertIn("(credit note)", html)
        self.assertIn("150.00", html)
        self.assertIn("250.00", html)
        self.assertIn(self.cara_gift.reversal_move_ids.name, html)
        self.assertAlmostEqual(self.cara_gift._idic_donation_net_amount(), 250.0)
        # Not for a plain invoice, nor for a credit note.
        plain = self._invoice(self.gus, "2026-05-14", [(self.goods, 10)])
        refund = self.cara_gift.reversal_move_ids
        for move in (plain, refund):
            with self.assertRaises(UserError):
                self.env["ir.actions.report"]._render_qweb_pdf(
                    "partner_idic.report_idic_donation_receipt", move.ids
                )
            with self.assertRaises(UserError):
                move.action_idic_send_donation_receipt()

    def test_receipt_in_the_donors_currency(self):
        """A gift in CHF gets its receipt and thank-you in CHF."""
        gift = self.env["account.move"].search(
            [("partner_id", "=", self.ben.id), ("invoice_date", "=", d("2025-03-31"))]
        )
        currency, lines, net = gift._idic_receipt_lines()
        self.assertEqual(currency, self.chf)
        self.assertEqual([amount for _line, amount in lines], [1250.0])
        self.assertEqual(net, 1250.0)
        self.assertAlmostEqual(gift._idic_donation_net_amount(), 500.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_pdf("partner_idic.report_idic_donation_receipt", gift.ids)[0]
            .decode()
        )
        self.assertIn("1,250.00", html)
        self.assertIn("CHF", html)
        self.assertNotIn("500.00", html)

    def test_send_receipt(self):
        """Send Receipt opens the composer with the thank-you mail: sent, it
        is posted on the invoice with the PDF receipt attached. Donors who do
        not want to be contacted get none."""
        self.dan.email = "dan@example.com"
        action = self.dan_gift.action_idic_send_donation_receipt()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = Form(
            self.env["mail.compose.message"].with_context(**action["context"])
        ).save()
        self.assertIn("Thank you", composer.subject)
        self.assertIn("700.00", composer.body)
        self.assertIn(self.dan, composer.partner_ids)
        composer._action_send_mail()
        message = self.dan_gift.message_ids.filtered(
            lambda m: m.subject and "Thank you" in m.subject
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("Donation receipt", message.attachment_ids.name)
        self.dan.idic_do_not_contact = True
        with self.assertRaises(UserError):
            self.dan_gift.action_idic_send_donation_receipt()

    def test_send_receipts_to_several_donors(self):
        """On a selection, the composer sends one thank-you per invoice, each
        with its own receipt."""
        self.dan.email = "dan@example.com"
        self.ann.email = "ann@example.com"
        moves = self.dan_gift | self.ann_gifts[3]
        action = moves.action_idic_send_donation_receipt()
        composer = Form(
            self.env["mail.compose.message"].with_context(**action["context"])
        ).save()
        self.assertEqual(composer.composition_mode, "mass_mail")
        composer._action_send_mail()
        mails = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "in", moves.ids)]
        )
        self.assertEqual(len(mails), 2)
        for move in moves:
            mail = mails.filtered(lambda m, move=move: m.res_id == move.id)
            self.assertEqual(mail.recipient_ids, move.partner_id)
            self.assertEqual(len(mail.attachment_ids), 1)
            self.assertIn(move.name, mail.attachment_ids.name)

    def test_annual_summary(self):
        """The summary of FY 2026 (1 April 2025 - 31 March 2026, the default:
        the last complete fiscal year) lists the gifts of the donor in that
        year, net of credit notes; only donor-data readers print it."""
        Wizard = self.env["idic.donation.summary.wizard"]
        wizard = Wizard.with_user(self.donor_user).create(
            {"partner_ids": [Command.set((self.ann | self.ben).ids)]}
        )
        self.assertEqual(wizard.fiscal_year_end, 2026)
        self.assertEqual(wizard.date_from, d("2025-04-01"))
        self.assertEqual(wizard.date_to, d("2026-03-31"))
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "partner_idic.report_idic_donation_summary_document"
        )
        report = self.env["ir.actions.report"].with_user(self.donor_user)
        html = report._render_qweb_html(
            "partner_idic.report_idic_donation_summary",
            (self.ann | self.ben).ids,
            data=action["data"],
        )[0].decode()
        self.assertIn("Annual Donation Summary", html)
        self.assertIn("Ben Donor", html)
        self.assertIn("300.00", html)
        self.assertIn(self.ann_gifts[2].name, html)
        values = (
            self.env["report.partner_idic.report_idic_donation_summary_document"]
            .with_user(self.donor_user)
            ._get_report_values((self.ann | self.ben).ids, data=action["data"])
        )
        totals = {s["partner"]: s["total"] for s in values["summaries"]}
        self.assertEqual(totals, {self.ann: 300.0, self.ben: 80.0})
        # FY 2025 for Cara: the gift net of its later credit note.
        values = self.env[
            "report.partner_idic.report_idic_donation_summary_document"
        ]._get_report_values(
            self.cara.ids,
            data={"company_id": self.company_a.id, "fiscal_year_end": 2025},
        )
        self.assertEqual(
            [(g["date"], g["amount"]) for g in values["summaries"][0]["gifts"]],
            [(d("2024-05-01"), 250.0)],
        )
        # Relationship users without donor data cannot.
        with self.assertRaises(AccessError):
            Wizard.with_user(self.idic_user).create(
                {"partner_ids": [Command.set(self.ann.ids)]}
            )
        with self.assertRaises(ValidationError):
            Wizard.create(
                {"partner_ids": [Command.set(self.ann.ids)], "fiscal_year_end": 26}
            )


@tagged("post_install", "-at_install")
class TestDonorTour(HttpCase):
    def test_tour_donors(self):
        """A relationship manager recomputes the donor figures from the donors
        list, finds the new donor there and in the top donors by year, and
        reads the donor section of its form."""
        manager = new_user(
            self.env,
            login="idic_tour_donor_manager",
            groups="partner_idic.group_idic_manager",
            name="Tour Donor Manager",
        )
        product = self.env["product.product"].create(
            {"name": "Tour Gift", "type": "service", "idic_is_donation": True}
        )
        donor = self.env["res.partner"].create({"name": "Tour Donor"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": donor.id,
                "invoice_date": fields.Date.context_today(donor),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": 1234.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self.assertFalse(donor.idic_donation_count, "posting computes nothing")
        self.start_tour("/odoo", "partner_idic_donors", login=manager.login)
        self.assertEqual(donor.idic_donation_count, 1)
        self.assertEqual(donor.idic_donor_status, "new")
