# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Act on a cell of the RFM map in a browser, and open the campaign
(issue #25)."""

from odoo.tests import HttpCase, tagged

from .common import new_user


@tagged("post_install", "-at_install")
class TestToursActions(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketer = new_user(
            cls.env,
            login="idic_tour_marketer",
            groups="partner_idic.group_idic_manager,mass_mailing.group_mass_mailing_user",
            name="Tour Marketer",
        )
        customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Tour Champion {n}",
                    "is_company": True,
                    "email": f"champion{n}@tour.example.com",
                }
                for n in range(4)
            ]
        )
        customers.with_company(cls.env.company).write(
            {"idic_r_score": 5, "idic_f_score": 5, "idic_rfm_segment": "champions"}
        )
        cls.customers = customers

    def test_tour_segment_action(self):
        self.start_tour(
            "/odoo", "partner_idic_segment_action", login=self.marketer.login
        )
        campaign = self.env["utm.campaign"].search(
            [("title", "=", "Tour champions campaign")]
        )
        self.assertEqual(len(campaign), 1)
        members = self.env["idic.campaign.member"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertLessEqual(self.customers, members.partner_id)
        self.assertEqual(
            len(members.filtered(lambda m: m.group == "control")),
            round(len(members) * 0.1),
        )
        self.assertTrue(campaign.idic_results_date)
