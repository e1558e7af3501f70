# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo portal user's giving (issues #26 and #27): the demo story gives
the demo portal customer (login ``portal``, password ``portal``) an active
monthly recurring gift, its past gifts paid, and a friend's gift soft-credited
to it; /my/giving, read as that user, shows the recurring gift with its
actions, the gifts with their receipts and the soft credit."""

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPortalDemo(HttpCase):
    def test_demo_portal_user_gives_monthly_and_is_soft_credited(self):
        user = self.env.ref("base.demo_user0", raise_if_not_found=False)
        if not user:
            self.skipTest("the database has no demo data")
        partner = user.partner_id.commercial_partner_id
        company = self.env.company
        today = fields.Date.context_today(self.env.user)
        Gift = self.env["idic.recurring.gift"]
        Credit = self.env["idic.soft.credit"]
        gifts_before = Gift.search([("commercial_partner_id", "=", partner.id)])
        credits_before = Credit.search([("partner_id", "=", partner.id)])

        self.assertTrue(self.env["idic.demo"]._create_portal_fundraising_story())

        monthly = (
            Gift.search([("commercial_partner_id", "=", partner.id)]) - gifts_before
        )
        self.assertEqual(
            (monthly.state, monthly.interval, monthly.amount, monthly.currency_id),
            ("active", "monthly", 20.0, company.currency_id),
        )
        self.assertGreater(monthly.next_date, today)
        # Three months of gifts made (four when today is the gift's day), paid.
        self.assertIn(len(monthly.invoice_ids), (3, 4))
        self.assertEqual(set(monthly.invoice_ids.mapped("state")), {"posted"})
        self.assertFalse(
            monthly.invoice_ids.filtered(lambda m: m.amount_residual),
            "the demo's monthly gifts are paid",
        )
        credit = Credit.search([("partner_id", "=", partner.id)]) - credits_before
        self.assertEqual(
            (credit.role, credit.amount, credit.donor_id.name, credit.move_id.state),
            ("honor", 150.0, "Lena Marsh", "posted"),
        )

        self.authenticate(user.login, "portal")
        page = self.url_open("/my/giving")
        self.assertEqual(page.status_code, 200)
        tree = html.fromstring(page.content)
        row = tree.xpath(
            "//tr[contains(@class, 'o_idic_recurring_active')]"
            f"[@data-gift-id='{monthly.id}']"
        )
        self.assertEqual(len(row), 1, "the active monthly gift is listed")
        self.assertTrue(
            row[0].xpath(f".//form[@action='/my/giving/recurring/{monthly.id}/pause']"),
            "the donor may pause it",
        )
        for move in monthly.invoice_ids:
            self.assertTrue(
                tree.xpath(
                    "//a[contains(@class, 'o_idic_gift_receipt')]"
                    f"[starts-with(@href, '/my/giving/receipt/{move.id}?')]"
                ),
                f"the receipt of {move.name} is offered",
            )
        credited = [
            row.text_content()
            for row in tree.xpath("//tr[contains(@class, 'o_idic_soft_credit')]")
        ]
        self.assertTrue(
            any("Lena Marsh" in text and "In honour of" in text for text in credited),
            credited,
        )
