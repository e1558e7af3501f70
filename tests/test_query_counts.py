# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The partner form in the same number of queries whatever the length of the
customer's history (issue #29): a customer with a year of interactions, stage
moves, tier moves and points lines, and one with three times as much."""

from datetime import timedelta

from lxml import etree

from odoo.tests import tagged, users

from . import test_host_flows as flows
from .common import IdicCase, new_user


@tagged("post_install", "-at_install")
class TestPartnerFormQueries(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_user(cls.env, "idic_qc_user", "partner_idic.group_idic_user")
        new_user(cls.env, "idic_qc_manager", "partner_idic.group_idic_manager")
        Partner = cls.env["res.partner"]
        cls.small = Partner.create({"name": "QC Year", "is_company": True})
        cls.large = Partner.create({"name": "QC Three Years", "is_company": True})
        stages = (
            cls.stage_identified,
            cls.stage_differentiated,
            cls.stage_interacting,
            cls.stage_customized,
        )
        tiers = cls.env["idic.value.tier"].search(
            [("company_id", "=", cls.company.id)]
        ) or cls.make_tiers(cls.company, "QC")
        Interaction = cls.env["idic.interaction"]
        now = cls.env.cr.now()
        for partner, size in ((cls.small, 20), (cls.large, 60)):
            partner.with_context(tracking_disable=True).write(
                {"idic_stage_id": stages[0].id}
            )
            for i in range(size):
                partner.idic_stage_id = stages[(i + 1) % len(stages)]
                partner.idic_value_tier_id = tiers[i % len(tiers)]
            Interaction.create(
                [
                    {
                        "partner_id": partner.id,
                        "subject": f"Call {i}",
                        "date": now - timedelta(days=i),
                        "direction": ("inbound", "outbound")[i % 2],
                    }
                    for i in range(size)
                ]
            )
            card = cls.env["loyalty.card"]._idic_card(partner, cls.company)
            for i in range(size):
                card._idic_add_line(5.0, "earn", f"Lot {i}")

    def form_spec(self, Partner):
        result = Partner.get_views([[False, "form"]])
        arch = etree.fromstring(result["views"]["form"]["arch"])
        return flows.TestHostFlows.spec(arch, result["models"], "res.partner")

    @users("idic_qc_user", "idic_qc_manager")
    def test_partner_form_queries_do_not_grow(self):
        Partner = self.env["res.partner"]
        spec = self.form_spec(Partner)
        self.assertIn("idic_stage_id", spec)

        def queries(partner):
            for _warm in range(2):
                partner.with_env(self.env).web_read(spec)
                self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            partner.with_env(self.env).web_read(spec)
            return self.env.cr.sql_log_count - start

        few = queries(self.small)
        self.assertEqual(queries(self.large), few)
        self.env.invalidate_all()
        with self.assertQueryCount(few):
            self.large.with_env(self.env).web_read(spec)
