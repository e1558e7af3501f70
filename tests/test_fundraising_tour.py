# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestFundraisingTour(HttpCase):
    def test_tour_fundraising(self):
        """A fundraiser sets up a monthly donor, pauses and resumes it,
        records a pledge in three installments, reads what an appeal raised
        and the donors by predicted value."""
        fundraiser = new_user(
            self.env,
            login="idic_tour_fundraiser",
            groups="partner_idic.group_idic_manager,account.group_account_invoice",
            name="Tour Fundraiser",
        )
        self.env["res.partner"].create({"name": "Tour Sustainer"})
        product = self.env["product.product"].create(
            {"name": "Tour Gift", "type": "service", "idic_is_donation": True}
        )
        self.env.company.idic_donation_product_id = product
        appeal = self.env["utm.campaign"].create(
            {"title": "Tour Appeal", "idic_appeal_cost": 100.0}
        )
        donor = self.env["res.partner"].create({"name": "Tour Appeal Donor"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": donor.id,
                "invoice_date": fields.Date.context_today(donor),
                "idic_appeal_id": appeal.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self.env["res.partner"]._idic_recompute_donors(commit=False)
        self.start_tour("/odoo", "partner_idic_fundraising", login=fundraiser.login)
        gift = self.env["idic.recurring.gift"].search(
            [("partner_id.name", "=", "Tour Sustainer")]
        )
        self.assertEqual(
            (gift.amount, gift.interval, gift.state), (25.0, "monthly", "active")
        )
        self.assertEqual(gift.product_id, product)
        pledge = self.env["idic.pledge"].search(
            [("partner_id.name", "=", "Tour Sustainer")]
        )
        self.assertEqual(pledge.state, "open")
        self.assertEqual(pledge.installment_ids.mapped("amount"), [200.0, 200.0, 200.0])
        self.assertEqual(pledge.outstanding_amount, 600.0)
