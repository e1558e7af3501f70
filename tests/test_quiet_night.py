# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quiet nights write little (issue #29): the value job writes a customer's
row only when one of its stored values changes, and recency is derived from
the last invoice date when read, so that a night without a new invoice
rewrites no row.

A row's ``ctid`` (the place of its current version) changes with every
UPDATE of it, even one writing the same values and even within one
transaction: an unchanged ``ctid`` means the row was not rewritten."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import IdicCase, new_user


@tagged("post_install", "-at_install")
class TestQuietNight(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_q = cls.env["res.company"].create(
            {"name": "IDIC Quiet Co", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_q)
        cls.company_q.idic_rfm_scoring = "fixed"
        cls.make_tiers(cls.company_q, "Quiet", thresholds=(0.0, 1000.0, 5000.0))
        Partner = cls.env["res.partner"]
        cls.north = Partner.create({"name": "Quiet North", "is_company": True})
        cls.nina = Partner.create(
            {"name": "Nina North", "parent_id": cls.north.id, "type": "contact"}
        )
        cls.south = Partner.create({"name": "Quiet South", "is_company": True})
        cls.make_invoice(
            cls.north,
            cls.today - timedelta(days=20),
            [("Service", 700.0)],
            cls.company_q,
        )
        cls.make_invoice(
            cls.south,
            cls.today - timedelta(days=45),
            [("Service", 300.0)],
            cls.company_q,
        )
        cls.partners = cls.north | cls.nina | cls.south
        cls.reader = new_user(
            cls.env,
            "idic_quiet_user",
            "partner_idic.group_idic_user",
            company_id=cls.company_q.id,
            company_ids=[cls.company_q.id],
        )

    def recompute(self):
        return self.env["res.partner"]._idic_recompute_values(
            self.company_q, commit=False
        )

    def stored(self, expression):
        """{partner id: ``expression`` (SQL over res_partner)} of the quiet
        company's partners, as the database holds them."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id IN %s",
                expression,
                tuple(self.partners.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def versions(self):
        """{partner id: ctid} of the quiet company's partners."""
        return self.stored(SQL("ctid::text"))

    def test_second_run_of_the_day_writes_no_row(self):
        self.assertEqual(self.recompute(), 3)
        before = self.versions()
        self.assertEqual(self.recompute(), 0)
        self.assertEqual(self.versions(), before, "a row was rewritten")
        # A new invoice changes the figures of its customer: its row and its
        # contact's are written (the other customer's only where a figure
        # ranked over the population moves with it).
        self.make_invoice(self.north, self.today, [("Service", 500.0)], self.company_q)
        self.assertGreaterEqual(self.recompute(), 2)
        after = self.versions()
        self.assertNotEqual(after[self.north.id], before[self.north.id])
        self.assertNotEqual(after[self.nina.id], before[self.nina.id])
        # And the next run of the day writes nothing again.
        self.assertEqual(self.recompute(), 0)
        self.assertEqual(self.versions(), after, "a row was rewritten")
        north = self.north.with_company(self.company_q)
        self.assertEqual(north.idic_last_invoice_date, self.today)
        self.assertEqual(north.idic_frequency, 2)
        self.assertEqual(north.idic_value_tier_id.name, "Quiet-Silver")

    def digests(self):
        """{partner id: the value figures' digest of the quiet company}."""
        return self.stored(SQL("idic_value_digest ->> %s", str(self.company_q.id)))

    def test_digest_decides_which_rows_are_written(self):
        """A row is compared with its staged figures through their digest;
        a partner that left the staging is still cleared, a contact that
        changed commercial partner takes the figures of the new one, and the
        digest is nobody's to read but the administrators'."""
        self.recompute()
        digests = self.digests()
        self.assertTrue(digests[self.north.id])
        self.assertEqual(digests[self.nina.id], digests[self.north.id])
        self.assertNotEqual(digests[self.south.id], digests[self.north.id])
        with self.assertRaises(AccessError):
            self.north.with_user(self.reader).with_company(self.company_q).read(
                ["idic_value_digest"]
            )
        # Figures cleared by other means than the job (a script, a reset)
        # are written again, though the digest is still there.
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET idic_lifetime_revenue = NULL WHERE id = %s",
                self.north.id,
            )
        )
        self.north.invalidate_recordset()
        self.assertEqual(self.recompute(), 1)
        self.assertEqual(
            self.north.with_company(self.company_q).idic_lifetime_revenue, 700.0
        )
        # Nina joins South: her row is written with South's figures and digest.
        self.nina.parent_id = self.south
        before = self.versions()
        self.assertEqual(self.recompute(), 1)
        self.assertNotEqual(self.versions()[self.nina.id], before[self.nina.id])
        nina = self.nina.with_company(self.company_q)
        self.assertEqual(nina.idic_lifetime_revenue, 300.0)
        self.assertEqual(self.digests()[self.nina.id], digests[self.south.id])
        # South's invoice goes back to draft: South is no longer staged, its
        # figures, digest and tier are cleared, and Nina's with them.
        move = self.env["account.move"].search(
            [("partner_id", "=", self.south.id), ("company_id", "=", self.company_q.id)]
        )
        move.button_draft()
        # (North's row may be written too: figures that compare a customer
        # with the others move when South leaves them.)
        self.assertGreaterEqual(self.recompute(), 2)
        south = self.south.with_company(self.company_q)
        self.assertFalse(south.idic_lifetime_revenue)
        self.assertFalse(south.idic_value_tier_id)
        self.assertFalse(nina.idic_last_invoice_date)
        digests = self.digests()
        self.assertEqual((digests[self.south.id], digests[self.nina.id]), (None, None))
        self.assertEqual(self.recompute(), 0)

    def test_recency_is_derived_when_read(self):
        self.recompute()
        north = self.north.with_user(self.reader).with_company(self.company_q)
        self.assertEqual(north.idic_recency_days, 20)
        self.assertEqual(
            self.nina.with_user(self.reader)
            .with_company(self.company_q)
            .idic_recency_days,
            20,
        )
        Partner = (
            self.env["res.partner"].with_user(self.reader).with_company(self.company_q)
        )
        ids = self.partners.ids
        self.assertEqual(
            Partner.search([("id", "in", ids), ("idic_recency_days", ">", 30)]),
            self.south,
        )
        self.assertEqual(
            Partner.search([("id", "in", ids), ("idic_recency_days", "<=", 20)]),
            self.north | self.nina,
        )
        before = self.versions()
        later = self.today + timedelta(days=15)
        with freeze_time(later):
            north.invalidate_recordset()
            # Nothing ran: the recency read today counts the days since the
            # last invoice.
            self.assertEqual(north.idic_recency_days, 35)
            self.assertEqual(
                Partner.search([("id", "in", ids), ("idic_recency_days", "=", 35)]),
                self.north | self.nina,
            )
            self.assertEqual(
                Partner.search([("id", "in", ids), ("idic_recency_days", ">=", 60)]),
                self.south,
            )
            # Fifteen days later the fixed R score of North moves (20 -> 35
            # days crosses the company's first recency limit, 30 days): its
            # row and its contact's are written, South's (45 -> 60 days,
            # within the same score) is not.
            self.recompute()
        after = self.versions()
        self.assertNotEqual(after[self.north.id], before[self.north.id])
        self.assertEqual(after[self.south.id], before[self.south.id])
