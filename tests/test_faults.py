# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Interrupted jobs resume to the same result, and jobs are idempotent.

Each batched job (value, donor, membership, stage advance, points expiry) runs
in a cursor of its own as the scheduler runs it, committing batch by batch
(``enter_registry_test_mode``: a commit is a savepoint of the test
transaction). A fault is injected in a chosen batch: the add-on's own batch
method raises after (or before) writing its batch, so that batch is rolled back
to the last commit, as after a crash. The job is then run again. The whole
tables the jobs write (every ``idic_`` column of the partners, the membership
lines, the stage and tier histories, the points ledger and cards, the
reminders logged and the e-mails queued) must equal those of an uninterrupted
run from the same start, and a job run three times leaves the state of its
first run."""

from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, api
from odoo.tests import tagged
from odoo.tools import SQL

from .common import IdicCase

TODAY = date(2026, 6, 15)


class Interrupted(Exception):
    """The injected fault."""


class Rollback(Exception):
    pass


# table: columns left out of the comparison (ids of rows a run creates, and
# what a new row gets from its sequence or the clock of its insert)
TABLES = {
    "res_partner": {
        "create_date",
        "write_date",
        "write_uid",
        "message_main_attachment_id",
    },
    "membership_membership_line": {"create_date", "write_date", "write_uid"},
    "idic_stage_history": {"id", "create_date", "write_date"},
    "idic_tier_history": {"id", "create_date", "write_date"},
    "idic_member_reminder": {"id", "create_date", "write_date", "mail_id"},
    "loyalty_history": {"id", "create_date", "write_date"},
    "loyalty_card": {"write_date"},
    "mail_activity": {"id", "create_date", "write_date", "date_deadline"},
}


def partner_columns(cr):
    cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'res_partner'
                  AND (column_name LIKE 'idic%%' OR column_name LIKE 'membership%%'
                       OR column_name IN ('id', 'free_member'))
                ORDER BY column_name"""
        )
    )
    return [row[0] for row in cr.fetchall()]


@tagged("post_install", "-at_install")
class TestFaults(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_f = cls.env["res.company"].create(
            {"name": "IDIC Faults", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_f)
        cls.company_f.write(
            {
                "idic_points_rate": 1.0,
                "idic_points_on": "post",
                "idic_points_validity_months": 12,
                "idic_points_notice_days": 60,
                "idic_member_reminder_days": "30,7",
                "idic_member_grace_days": 30,
            }
        )
        cls.make_tiers(cls.company_f, "F", (0.0, 300.0, 900.0), basis="clv")
        product = cls.env["product.product"].create(
            {"name": "F Service", "type": "service", "taxes_id": [Command.clear()]}
        )
        gift = cls.env["product.product"].create(
            {
                "name": "F Gift",
                "type": "service",
                "idic_is_donation": True,
                "taxes_id": [Command.clear()],
            }
        )
        membership = cls.env["product.product"].create(
            {
                "name": "F Membership",
                "type": "service",
                "membership": True,
                "list_price": 20.0,
                "membership_date_from": date(2025, 7, 1),
                "membership_date_to": date(2026, 6, 30),
            }
        )
        Partner = cls.env["res.partner"].with_company(cls.company_f)
        Move = cls.env["account.move"].with_company(cls.company_f)
        cls.customers = Partner.browse()
        with freeze_time(TODAY - timedelta(days=500)):
            for index in range(12):
                customer = Partner.create(
                    {
                        "name": f"F Customer {index}",
                        "email": f"f{index}@example.com",
                        "company_id": cls.company_f.id,
                    }
                )
                cls.customers |= customer
        for index, customer in enumerate(cls.customers):
            for days_ago in range(0, 400 * (1 + index % 3), 150):
                invoice_date = TODAY - timedelta(days=days_ago + index)
                lines = [(product, 50.0 * (index + 1))]
                if index % 2:
                    lines.append((gift, 10.0 * index))
                with freeze_time(invoice_date):
                    Move.create(
                        {
                            "move_type": "out_invoice",
                            "partner_id": customer.id,
                            "invoice_date": invoice_date,
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "product_id": p.id,
                                        "price_unit": price,
                                        "quantity": 1.0,
                                        "tax_ids": [Command.clear()],
                                    }
                                )
                                for p, price in lines
                            ],
                        }
                    ).action_post()
            if index % 3 == 0:
                cls.env["membership.membership_line"].create(
                    {
                        "partner_id": customer.id,
                        "membership_id": membership.id,
                        "member_price": 20.0,
                        "date": date(2025, 7, 1),
                        "date_from": date(2025, 7, 1),
                        "date_to": TODAY + timedelta(days=index - 5),
                        "state": "paid",
                    }
                )
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # Running a job as the scheduler does, and what it leaves
    # ------------------------------------------------------------------
    def run_job(self, job):
        """Run ``job(env)`` in a cursor of its own (committing as it goes);
        return False when it was interrupted."""
        try:
            with freeze_time(TODAY), self.enter_registry_test_mode():
                with self.registry.cursor() as cr:
                    job(api.Environment(cr, api.SUPERUSER_ID, {}))
        except Interrupted:
            return False
        finally:
            self.env.invalidate_all()
        return True

    @contextmanager
    def fault(self, method, batch, after=True):
        """The ``batch``-th call of the add-on's ``method`` of res.partner /
        loyalty.card raises (after doing its work when ``after``)."""
        model, name = method.rsplit(".", 1)
        cls = self.registry[model]
        original = getattr(cls, name)
        calls = []

        def failing(records, *args, **kwargs):
            calls.append(1)
            if len(calls) == batch and not after:
                raise Interrupted
            result = original(records, *args, **kwargs)
            if len(calls) == batch:
                raise Interrupted
            return result

        with patch.object(cls, name, failing):
            yield calls

    def snapshot(self):
        """The whole tables the jobs write, as sorted rows of text."""
        self.env.flush_all()
        cr = self.env.cr
        state = {}
        for table, left_out in TABLES.items():
            if table == "res_partner":
                columns = partner_columns(cr)
            else:
                cr.execute(
                    SQL(
                        """SELECT column_name FROM information_schema.columns
                            WHERE table_name = %s ORDER BY column_name""",
                        table,
                    )
                )
                columns = [row[0] for row in cr.fetchall()]
            columns = [c for c in columns if c not in left_out]
            cr.execute(
                SQL(
                    "SELECT %s FROM %s",
                    SQL(", ").join(SQL("%s::text", SQL.identifier(c)) for c in columns),
                    SQL.identifier(table),
                )
            )
            state[table] = sorted(cr.fetchall(), key=repr)
        cr.execute(
            SQL(
                """SELECT model, res_id, subject, email_to, state
                     FROM mail_mail m JOIN mail_message msg
                       ON msg.id = m.mail_message_id"""
            )
        )
        state["mail_mail"] = sorted(cr.fetchall(), key=repr)
        return state

    def from_start(self, runs):
        """Run ``runs()`` from the current state, return the snapshot after
        it and roll everything back."""
        result = {}
        try:
            with self.env.cr.savepoint():
                runs()
                result.update(self.snapshot())
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        return result

    def assertSameTables(self, first, second):
        for table in first:
            self.assertEqual(
                first[table], second[table], f"{table} differs after resuming"
            )

    def batch_size(self, table="res_partner"):
        """A batch size that cuts the ids of ``table`` in about six batches."""
        self.env.cr.execute(
            SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
        )
        return max(self.env.cr.fetchone()[0] // 6, 1)

    # ------------------------------------------------------------------
    # The jobs
    # ------------------------------------------------------------------
    def jobs(self):
        size = self.batch_size()
        line_size = self.batch_size("membership_membership_line")
        card_size = self.batch_size("loyalty_card")

        def membership(env):
            Partner = env["res.partner"]
            if (
                Partner._idic_member_refresh(batch_size=line_size, commit=True)
                is not False
            ):
                Partner._idic_member_send_reminders()

        return {
            "value": (
                lambda env: env["res.partner"]._idic_recompute_values(
                    batch_size=size, commit=True
                ),
                "res.partner._idic_after_value_batch",
                True,
            ),
            "donor": (
                lambda env: env["res.partner"]._idic_recompute_donors(
                    batch_size=size, commit=True
                ),
                "res.partner._idic_apply_donors_sql",
                False,
            ),
            "membership": (
                membership,
                "res.partner._idic_member_refresh_partners",
                True,
            ),
            "stage": (
                lambda env: env["res.partner"]._cron_idic_stage_advance(
                    batch_size=size
                ),
                "res.partner._idic_advance_stages",
                True,
            ),
            "expiry": (
                lambda env: env["loyalty.card"]._cron_idic_points_expire(
                    batch_size=card_size
                ),
                "loyalty.card._idic_expire_points",
                True,
            ),
        }

    def test_interrupted_jobs_resume_to_the_same_tables(self):
        # Points to expire and to remind of: lots of 400 and 330 days ago.
        Card = self.env["loyalty.card"]
        for index, customer in enumerate(self.customers):
            card = Card._idic_card(customer, self.company_f)
            card._idic_add_line(
                10.0 + index, "earn", "F old lot", date=TODAY - timedelta(days=400)
            )
            card._idic_add_line(
                5.0, "earn", "F older lot", date=TODAY - timedelta(days=330)
            )
        start = self.snapshot()
        interrupted = 0
        for name, (job, method, after) in self.jobs().items():
            with self.subTest(job=name):
                clean = self.from_start(
                    lambda job=job: self.assertTrue(self.run_job(job))
                )
                self.assertNotEqual(start, clean, "the job had nothing to do")

                def resumed(job=job, method=method, after=after):
                    with self.fault(method, 2, after) as calls:
                        self.assertFalse(self.run_job(job), "no fault was raised")
                    self.assertEqual(len(calls), 2)
                    self.assertTrue(self.run_job(job))

                self.assertSameTables(clean, self.from_start(resumed))
                interrupted += 1
        self.assertEqual(interrupted, 5)

    def test_jobs_idempotent(self):
        for name, (job, _method, _after) in self.jobs().items():
            with self.subTest(job=name):

                def three_times(job=job):
                    self.assertTrue(self.run_job(job))
                    first = self.snapshot()
                    self.assertTrue(self.run_job(job))
                    self.assertTrue(self.run_job(job))
                    self.assertSameTables(first, self.snapshot())

                self.from_start(three_times)
