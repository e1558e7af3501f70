# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/my/giving with fundraising (issue #27): the fund a donor chooses on
Give lands on its gift's donation line; the soft credits it received are
listed; it pauses, resumes, changes the amount of and cancels its own
recurring gifts (and the recurring-gift job follows), never another donor's;
the Persian portal shows its dates in the Jalali calendar."""

from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.calendars import PERSIAN_DIGITS
from .portal_common import PortalCase, donation_product, pay_at_desk


@tagged("post_install", "-at_install")
class TestPortalFundraising(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = donation_product(cls.env)
        cls.company.idic_portal_donation_product_id = cls.product
        Fund = cls.env["idic.fund"]
        cls.fund_open = Fund.create(
            {"name": "Portal Scholarships", "portal_published": True}
        )
        cls.fund_hidden = Fund.create({"name": "Portal Bequests"})
        Gift = cls.env["idic.recurring.gift"]
        values = {
            "company_id": cls.company.id,
            "currency_id": cls.company.currency_id.id,
            "interval": "monthly",
            "day": 5,
            "date_start": cls.today - timedelta(days=60),
            "product_id": cls.product.id,
            "fund_id": cls.fund_open.id,
        }
        cls.anna_gift = Gift.create(dict(values, partner_id=cls.anna.id, amount=30.0))
        cls.rob_gift = Gift.create(dict(values, partner_id=cls.rob.id, amount=70.0))
        # Periods made up to today and paid: the next one is in the future.
        cls.env.flush_all()
        for gift in cls.anna_gift | cls.rob_gift:
            Gift._idic_run_range(cls.company, cls.today, gift.id, gift.id + 1)
            for move in gift.invoice_ids:
                pay_at_desk(cls.env, move)

    def recurring(self, gift, action, data=None, token=True):
        # A form always sends something (a POST without a body is a GET).
        return self.post_form(
            f"/my/giving/recurring/{gift.id}/{action}",
            "/my/giving",
            data or {"submit": "1"},
            token,
        )

    def fresh(self, gift):
        gift.invalidate_recordset()
        return gift

    # ------------------------------------------------------------------
    # Give to a fund
    # ------------------------------------------------------------------
    def test_fund_chosen_on_give_lands_on_the_gift_line(self):
        self.login(self.anna_user)
        page = self.url_open("/my/giving").text
        self.assertIn(f'value="{self.fund_open.id}"', page)
        self.assertIn("Portal Scholarships", page)
        self.assertNotIn("Portal Bequests", page)
        response = self.post_form(
            "/my/giving/give",
            "/my/giving",
            {"amount": "25", "fund_id": str(self.fund_open.id)},
        )
        self.assertEqual(response.status_code, 303)
        gift = self.env["account.move"].search(
            [("partner_id", "=", self.anna.id), ("state", "=", "draft")]
        )
        self.assertEqual(len(gift), 1)
        self.assertEqual(gift.invoice_line_ids.idic_fund_id, self.fund_open)
        self.assertEqual(gift.amount_total, 25.0)
        # Paid, it counts for the fund in the donation analysis.
        gift.action_post()
        pay_at_desk(self.env, gift)
        self.env.flush_all()
        rows = self.env["idic.donation.report"].search([("move_id", "=", gift.id)])
        self.assertEqual(rows.fund_id, self.fund_open)
        # A fund not offered online, or another company's, is refused.
        for fund_id in (self.fund_hidden.id, 999999999, "x"):
            with self.subTest(fund_id=fund_id):
                response = self.post_form(
                    "/my/giving/give",
                    "/my/giving",
                    {"amount": "25", "fund_id": str(fund_id)},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("Choose a fund from the list.", response.text)
        self.assertFalse(
            self.env["account.move"].search(
                [("partner_id", "=", self.anna.id), ("state", "=", "draft")]
            )
        )

    # ------------------------------------------------------------------
    # Soft credits
    # ------------------------------------------------------------------
    def test_soft_credits_received_newest_first(self):
        SoftCredit = self.env["idic.soft.credit"]
        older = self.make_invoice(
            self.rival,
            self.today - timedelta(days=300),
            [(self.product, 80.0)],
            self.company,
        )
        newer = self.make_invoice(
            self.rival,
            self.today - timedelta(days=3),
            [(self.product, 55.0)],
            self.company,
        )
        draft = self.make_invoice(
            self.rival,
            self.today,
            [(self.product, 33.0)],
            self.company,
            state="draft",
        )
        for move, amount, role in (
            (older, 80.0, "honor"),
            (newer, 41.0, "solicitor"),
            (draft, 33.0, "honor"),
        ):
            SoftCredit.create(
                {
                    "line_id": move.invoice_line_ids.id,
                    "partner_id": self.anna.id,
                    "role": role,
                    "amount": amount,
                }
            )
        self.login(self.anna_user)
        page = self.url_open("/my/giving").text
        self.assertIn("Gifts credited to you", page)
        self.assertEqual(page.count("o_idic_soft_credit"), 2)
        self.assertLess(page.index("41.00"), page.index("80.00"))
        self.assertIn("Solicitor", page)
        self.assertIn("In honour of", page)
        self.assertIn("Rival Portal Co", page)
        self.assertNotIn("33.00", page)
        # The giver sees its gifts, not the credits of others.
        self.login(self.rob_user)
        self.assertNotIn("Gifts credited to you", self.url_open("/my/giving").text)

    # ------------------------------------------------------------------
    # Recurring gifts
    # ------------------------------------------------------------------
    def test_owner_pauses_resumes_changes_and_cancels(self):
        gift = self.anna_gift
        next_date = gift.next_date
        self.assertGreater(next_date, self.today)
        self.login(self.anna_user)
        page = self.url_open("/my/giving").text
        self.assertIn(gift.name, page)
        self.assertIn(f"/my/giving/recurring/{gift.id}/pause", page)
        self.assertNotIn(self.rob_gift.name, page)

        response = self.recurring(gift, "pause")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.path_of(response), "/my/giving?recurring=pause")
        self.assertEqual(self.fresh(gift).state, "paused")
        page = self.url_open("/my/giving?recurring=pause").text
        self.assertIn("Your recurring gift is paused", page)
        self.assertIn(f"/my/giving/recurring/{gift.id}/resume", page)
        # Paused: the job makes no gift for its next period.
        Gift = self.env["idic.recurring.gift"]
        self.env.flush_all()
        made = Gift._idic_run_range(self.company, next_date, gift.id, gift.id + 1)
        self.assertEqual(made, 0)
        # Paused twice: refused with the reason.
        response = self.recurring(gift, "pause")
        self.assertIn("Only an active recurring gift can be paused.", response.text)

        self.assertEqual(self.recurring(gift, "resume").status_code, 303)
        self.assertEqual(self.fresh(gift).state, "active")
        self.assertEqual(gift.next_date, next_date)

        response = self.recurring(gift, "amount", {"amount": "45.5"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.fresh(gift).amount, 45.5)
        # The next period's gift is of the new amount; those made keep theirs.
        self.assertTrue(gift.invoice_ids)
        self.assertEqual(set(gift.invoice_ids.mapped("amount_total")), {30.0})
        self.env.flush_all()
        made = Gift._idic_run_range(self.company, next_date, gift.id, gift.id + 1)
        self.assertEqual(made, 1)
        new = self.fresh(gift).invoice_ids.filtered(
            lambda m: m.idic_recurring_period == next_date
        )
        self.assertEqual(new.amount_total, 45.5)
        self.assertEqual(new.invoice_line_ids.idic_fund_id, self.fund_open)

        self.assertEqual(self.recurring(gift, "cancel").status_code, 303)
        self.assertEqual(self.fresh(gift).state, "cancelled")
        self.assertEqual(gift.stopped_date, self.today)
        page = self.url_open("/my/giving?recurring=cancel").text
        self.assertIn("Your recurring gift is cancelled", page)
        self.assertNotIn(f"/my/giving/recurring/{gift.id}/", page)
        # The organisation hears of each change: tracked, logged, a to-do.
        interactions = self.env["idic.interaction"].search(
            [("res_model", "=", gift._name), ("res_id", "=", gift.id)]
        )
        self.assertEqual(len(interactions), 4)
        self.assertEqual(set(interactions.mapped("direction")), {"inbound"})
        self.assertEqual(interactions.partner_id, self.anna)
        self.assertIn("cancelled by the donor", gift.activity_ids.summary)
        # Cancelled: nothing more to change.
        response = self.recurring(gift, "amount", {"amount": "10"})
        self.assertIn("its amount cannot change", response.text)

    @mute_logger("odoo.http")
    def test_another_donors_gift_is_not_found(self):
        self.login(self.anna_user)
        for action, data in (
            ("pause", {}),
            ("resume", {}),
            ("amount", {"amount": "1"}),
            ("cancel", {}),
        ):
            with self.subTest(action=action):
                self.assertEqual(
                    self.recurring(self.rob_gift, action, data).status_code, 404
                )
        self.assertEqual(
            self.url_open(
                "/my/giving/recurring/999999999/pause",
                data={"csrf_token": self.csrf("/my/giving")},
                allow_redirects=False,
            ).status_code,
            404,
        )
        self.assertEqual(self.recurring(self.anna_gift, "delete").status_code, 404)
        self.rob_gift.invalidate_recordset()
        self.assertEqual((self.rob_gift.state, self.rob_gift.amount), ("active", 70.0))
        # Nor through the ORM: a portal user has no access to recurring gifts.
        mine = self.anna_gift.with_user(self.anna_user)
        with self.assertRaises(AccessError):
            mine.read(["amount"])
        with self.assertRaises(AccessError):
            mine.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            mine.action_pause()

    @mute_logger("odoo.http")
    def test_recurring_changes_need_the_csrf_token(self):
        self.login(self.anna_user)
        for action, data in (
            ("pause", {}),
            ("amount", {"amount": "5"}),
            ("cancel", {}),
        ):
            with self.subTest(action=action):
                response = self.recurring(self.anna_gift, action, data, token=False)
                self.assertEqual(response.status_code, 400)
        gift = self.fresh(self.anna_gift)
        self.assertEqual((gift.state, gift.amount), ("active", 30.0))

    def test_bad_amounts_are_refused(self):
        self.login(self.anna_user)
        for amount in ("", "abc", "nan", "inf", "-inf", "-5", "0", "1e9", "1e400"):
            with self.subTest(amount=amount):
                response = self.recurring(self.anna_gift, "amount", {"amount": amount})
                self.assertEqual(response.status_code, 200)
                self.assertIn("The amount of each gift must be between", response.text)
        self.assertEqual(self.fresh(self.anna_gift).amount, 30.0)

    # ------------------------------------------------------------------
    # The reader's calendar
    # ------------------------------------------------------------------
    def test_persian_portal_shows_jalali_dates(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        # Nowruz 1404 (1 Farvardin) fell on 21 March 2025.
        pay_at_desk(
            self.env,
            self.make_invoice(
                self.acme, date(2025, 3, 21), [(self.product, 12.0)], self.company
            ),
        )
        self.anna_user.lang = "fa_IR"
        self.login(self.anna_user)
        page = self.url_open("/my/giving").text
        self.assertIn("1 فروردین 1404".translate(PERSIAN_DIGITS), page)
        self.assertNotIn("03/21/2025", page)
