# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo's history reads as three years that happened: its points, tier
moves and stage moves dated over more than a year, as the demo dates them
(told here for two customers of its story, to stay quick)."""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestDemoHistory(IdicCase):
    def test_demo_history_spans_years(self):
        company = self.env.company
        today = self.today
        Tier = self.env["idic.value.tier"]
        if not Tier.search_count([("company_id", "=", company.id)]):
            self.make_tiers(company, "H", (0.0, 5000.0, 40000.0), basis="clv")
        company.write({"idic_points_rate": 0.1, "idic_points_validity_months": 12})
        program = company._idic_loyalty_program()
        program.date_from = today - relativedelta(years=2)
        Partner = self.env["res.partner"]
        ann, bob = Partner.create(
            [
                {
                    "name": "History Ann Co",
                    "is_company": True,
                    "email": "a@h.example",
                    "idic_preferred_channel": "phone",
                },
                {"name": "History Bob Co", "is_company": True, "email": "b@h.example"},
            ]
        )
        invoices = self.env["account.move"]
        for partner, days in ((ann, (1000, 700, 400, 200, 30)), (bob, (900, 500, 60))):
            for day in days:
                invoices |= self.make_invoice(
                    partner, today - timedelta(days=day), [("Story", 30000.0)], company
                )
            self.env["idic.interaction"].create(
                {
                    "partner_id": partner.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "subject": "History call",
                    "date": datetime.combine(today - timedelta(days=days[1]), time(10)),
                }
            )
        Demo = self.env["idic.demo"]
        Demo._story_pay(
            invoices.filtered(lambda m: m.invoice_date >= program.date_from), today
        )
        Partner._idic_recompute_values(company, 50000, False)
        Partner._idic_advance_stages()
        Demo._finish_story()
        customers = ann | bob
        year = timedelta(days=366)

        # Points: dated with their invoices' payments over more than a year,
        # the oldest lot expired at its month's end, nothing from before the
        # programme started, every card's balance its lines' sum.
        lines = self.env["loyalty.history"].search(
            [
                ("card_id.program_id", "=", program.id),
                ("partner_id", "in", customers.ids),
            ]
        )
        earned = lines.filtered(lambda h: h.idic_kind == "earn")
        days = earned.mapped("idic_date")
        self.assertGreater(max(days) - min(days), year)
        self.assertGreaterEqual(min(days), program.date_from)
        self.assertEqual(len(earned), 6, "the invoices of the programme's two years")
        for line in earned:
            self.assertEqual(
                line.idic_expiry_date, line.idic_date + relativedelta(months=12)
            )
        expired = lines.filtered(lambda h: h.idic_kind == "expire")
        self.assertTrue(expired)
        self.assertLess(max(expired.mapped("idic_date")), today)
        for card in lines.card_id:
            mine = lines.filtered(lambda h, c=card: h.card_id == c)
            self.assertAlmostEqual(card.points, sum(mine.mapped("idic_net")), places=2)

        # Tier moves: over more than a year, ending in each customer's tier,
        # which it is in since its last move.
        moves = self.env["idic.tier.history"].search(
            [("partner_id", "in", customers.ids), ("company_id", "=", company.id)]
        )
        days = [move.date.date() for move in moves]
        self.assertGreater(max(days) - min(days), year)
        for customer in customers.with_company(company):
            mine = moves.filtered(lambda m, c=customer: m.partner_id == c).sorted(
                "date"
            )
            self.assertTrue(mine)
            self.assertEqual(mine[-1].to_tier_id, customer.idic_value_tier_id)
            self.assertEqual(customer.idic_tier_date, mine[-1].date.date())
            self.assertEqual(customer.idic_previous_tier_id, mine[-1].from_tier_id)

        # Stage moves: one stage after the other over more than a year, days
        # spent in each stage, in the stage since the last move.
        stays = self.env["idic.stage.history"].search(
            [("partner_id", "in", customers.ids)]
        )
        now = datetime.combine(today, time.max)
        ends = [stay.date_out or now for stay in stays]
        self.assertGreater(max(ends) - min(stays.mapped("date_in")), year)
        # Ann went all the way: four stages one after the other.
        self.assertEqual(
            stays.filtered(lambda s: s.partner_id == ann).sorted("date_in").stage_id,
            self.stage_identified
            | self.stage_differentiated
            | self.stage_interacting
            | self.stage_customized,
        )
        for customer in customers:
            mine = stays.filtered(lambda s, c=customer: s.partner_id == c).sorted(
                "date_in"
            )
            self.assertGreater(len(mine), 1)
            self.assertEqual(mine[-1].stage_id, customer.idic_stage_id)
            self.assertFalse(mine[-1].date_out)
            self.assertEqual(customer.idic_stage_date, mine[-1].date_in)
            self.assertTrue(all(stay.forward for stay in mine[1:]))
            self.assertTrue(all(stay.duration_days > 0 for stay in mine[:-1]))
