# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The runs of the batched recomputes (``idic.recompute.run``).

The jobs are called as Odoo 19's scheduler calls them: in a cursor of their
own (``enter_registry_test_mode``: a commit is a savepoint of the test
transaction), with a progress record and a time slice. A call whose slice is
spent writes one range and returns, as the scheduler's later calls do at
scale; the run must then be staged once, whatever the number of calls, and
give the figures of a recompute done at once."""

import time
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import DeadlockDetected, SerializationFailure

from odoo import Command, api
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import IdicCase

TODAY = date(2026, 6, 15)
VALUE_CRON = "partner_idic.ir_cron_idic_value_recompute"


class Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class RecomputeCase(IdicCase):
    """A company with tiers and six customers with invoices; the jobs called
    as the scheduler calls them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_r = cls.env["res.company"].create(
            {"name": "IDIC Runs", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_r)
        for name, minimum in (
            ("R Bronze", 0.0),
            ("R Silver", 300.0),
            ("R Gold", 900.0),
        ):
            cls.env["idic.value.tier"].create(
                {
                    "name": name,
                    "company_id": cls.company_r.id,
                    "basis": "clv",
                    "min_threshold": minimum,
                }
            )
        product = cls.env["product.product"].create(
            {"name": "R Service", "type": "service", "taxes_id": [Command.clear()]}
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"R Customer {n}", "email": f"r{n}@example.com"}
                for n in range(6)
            ]
        )
        Move = cls.env["account.move"].with_company(cls.company_r)
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": TODAY - timedelta(days=30 * (k + n)),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": 100.0 * (n + 1),
                            }
                        )
                    ],
                }
                for n, customer in enumerate(cls.customers)
                for k in range(n + 1)
            ]
        )
        moves.action_post()
        cls.env.flush_all()
        # Ranges of two partner ids: the six customers of the company (and
        # the customers of the demo data) fill several.
        cls.batch = 2

    def setUp(self):
        super().setUp()
        self.today = TODAY  # the clock of the calls

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def call(self, method="_idic_recompute_values", spent=True, then=None, **kwargs):
        """One call of the job as the scheduler makes it (its own cursor, a
        progress record); with ``spent``, its time slice is over from the
        start; ``then(env)`` runs after it, in its cursor. Returns (done,
        remaining) as the call reported them."""
        kwargs.setdefault("batch_size", self.batch)
        try:
            with freeze_time(self.today), self.enter_registry_test_mode():
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    cron = env.ref(VALUE_CRON)
                    end = time.monotonic() - 1 if spent else time.monotonic() + 3600
                    cron = cron.with_context(cron_id=cron.id, cron_end_time=end)
                    cron, progress = cron._add_progress()
                    getattr(cron.env["res.partner"], method)(**kwargs)
                    result = progress.done, progress.remaining
                    if then:
                        then(cron.env)
                    return result
        finally:
            self.env.invalidate_all()

    def runs(self, job="value"):
        return self.env["idic.recompute.run"].sudo().search([("job", "=", job)])

    def snapshot(self):
        """The company-dependent figures of every partner and the tier
        history, as text."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT column_name FROM information_schema.columns
                    WHERE table_name = 'res_partner' AND column_name LIKE 'idic%%'
                    ORDER BY column_name"""
            )
        )
        columns = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner ORDER BY id",
                SQL(", ").join(SQL("%s::text", SQL.identifier(c)) for c in columns),
            )
        )
        partners = cr.fetchall()
        cr.execute(
            SQL(
                """SELECT partner_id, company_id, from_tier_id, to_tier_id, direction
                     FROM idic_tier_history ORDER BY 1, 2, 3, 4"""
            )
        )
        return partners, cr.fetchall()

    def from_start(self, runs):
        result = []
        try:
            with self.env.cr.savepoint():
                runs()
                result.append(self.snapshot())
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        return result[0]

    def inline(self):
        with freeze_time(TODAY):
            self.env["res.partner"]._idic_recompute_values(
                batch_size=self.batch, commit=False
            )


@tagged("post_install", "-at_install")
class TestRecomputeRun(RecomputeCase):
    def test_staged_once_per_run_whatever_the_calls(self):
        at_once = self.from_start(self.inline)
        self.assertFalse(self.runs(), "a recompute done at once records no run")

        def sliced():
            calls, staged_at = 0, {}
            while True:
                done, remaining = self.call()
                calls += 1
                for run in self.runs():
                    staged_at.setdefault(run.id, run.staged_at)
                    self.assertEqual(run.staged_at, staged_at[run.id])
                    self.assertEqual(run.stage_count, 1, "staged again")
                self.assertEqual(done, 1, "a call with its slice spent writes a range")
                if not remaining:
                    break
                self.assertLess(calls, 500)
            runs = self.runs()
            companies = self.env["res.company"].search([])
            self.assertEqual(runs.company_id, companies)
            # One call per range: no range written twice, none skipped.
            self.assertEqual(calls, len(runs.range_ids))
            self.assertTrue(all(runs.range_ids.mapped("worker")))
            mine = runs.filtered(lambda r: r.company_id == self.company_r)
            self.assertGreater(len(mine.range_ids), 2)
            # Only the ranges holding partners the job may write are cut.
            customers = set(self.customers.ids)
            for line in mine.range_ids:
                ids = set(range(line.id_from, line.id_to))
                self.assertTrue(ids & customers, "a range without a customer")
            self.assertRunsEnded("value")

        self.assertEqual(self.from_start(sliced), at_once)
        # The figures are real: the best customer of the company is Gold.
        self.inline()
        best = self.customers[-1].with_company(self.company_r)
        self.assertEqual(best.idic_value_tier_id.name, "R Gold")

    def test_helpers_join_running_runs_only(self):
        self.call(start=False)
        self.assertFalse(self.runs(), "a helper action never starts a run")
        # The job's action starts the run of the first company and writes a
        # range; a helper takes the rest of it (not the other companies').
        done, remaining = self.call()
        self.assertEqual((done, len(self.runs())), (1, 1))
        first = self.runs()
        self.assertEqual(first.range_done_count, 1)
        self.assertGreater(remaining, 0)
        self.call(start=False, spent=False)
        self.assertEqual(first.state, "done")
        self.assertEqual(len(self.runs()), 1, "the helper started another run")
        self.assertEqual(first.range_done_count, first.range_count)
        # The job's action goes on with the other companies.
        while self.call(spent=False)[1]:
            pass
        self.assertEqual(self.runs().company_id, self.env["res.company"].search([]))
        self.assertRunsEnded("value")

    def test_run_left_from_another_day_is_staged_again(self):
        self.call()
        run = self.runs()
        self.assertEqual((run.date, run.stage_count), (TODAY, 1))
        self.today = later = TODAY + timedelta(days=1)
        self.call(start=False)
        self.assertEqual(run.stage_count, 1, "a helper staged a run again")
        self.assertEqual(run.range_done_count, 1)
        self.call()
        self.assertEqual((run.date, run.stage_count), (later, 2))
        self.assertEqual(run.range_done_count, 1, "ranges were not cut afresh")

    def test_claims_follow_the_phases(self):
        Run = self.env["idic.recompute.run"].sudo()
        run = Run.create(
            {
                "job": "member",
                "date": TODAY,
                "range_ids": [
                    Command.create({"phase": 1, "id_from": 0, "id_to": 10}),
                    Command.create({"phase": 0, "id_from": 10, "id_to": 20}),
                    Command.create({"phase": 0, "id_from": 0, "id_to": 10}),
                ],
            }
        )
        claimed = run._idic_claim()
        self.assertEqual(claimed[1:], (0, 0, 10))
        run.range_ids.filtered(lambda r: r.phase == 0).write({"state": "done"})
        self.env.flush_all()
        self.assertEqual(run._idic_claim()[1:], (1, 0, 10))

    def test_workers_setting_makes_helper_actions(self):
        settings = self.env["res.config.settings"].with_user(self.idic_admin)
        settings.create({"idic_recompute_workers": 3}).execute()
        Run = self.env["idic.recompute.run"]
        for spec in self.env["res.partner"]._idic_recompute_job_specs().values():
            helpers = Run._idic_helper_crons(spec["cron"])
            self.assertEqual(len(helpers), 2)
            self.assertTrue(all(helpers.mapped("active")))
            self.assertEqual(set(helpers.mapped("code")), {spec["helper_code"]})
        for value in (0, 17):
            with self.assertRaises(ValidationError):
                self.company.idic_recompute_workers = value
        # A helper action joins the run the job's action started.
        self.call()
        run = self.runs()
        helper = Run._idic_helper_crons(VALUE_CRON)[0]
        with freeze_time(TODAY), self.enter_registry_test_mode():
            helper.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self.runs()), 1)
        # Fewer workers archive the helpers (kept for their history).
        self.company.idic_recompute_workers = 1
        helpers = Run._idic_helper_crons(VALUE_CRON)
        self.assertEqual(len(helpers), 2)
        self.assertFalse(any(helpers.mapped("active")))

    def test_access(self):
        self.call()
        run = self.runs()
        mine = run.with_user(self.idic_manager)
        self.assertEqual(mine.job, "value")
        self.assertTrue(mine.range_ids)
        with self.assertRaises(AccessError):
            mine.write({"state": "done"})
        with self.assertRaises(AccessError):
            run.with_user(self.idic_user).read(["job"])
        other = (
            self.env["idic.recompute.run"]
            .sudo()
            .create(
                {"job": "donor", "company_id": self.other_company.id, "date": TODAY}
            )
        )
        self.assertFalse(
            self.env["idic.recompute.run"]
            .with_user(self.idic_manager)
            .search([("id", "=", other.id)])
        )

    def test_range_taken_again_after_a_concurrency_failure(self):
        """A range whose partners a user wrote meanwhile fails with a
        serialization failure (or a deadlock): it is rolled back and taken
        again, and the run gives the figures of a run done at once; a range
        failing again and again ends the call with the error."""
        at_once = self.from_start(self.inline)
        Partner = self.registry["res.partner"]
        original = Partner._idic_job_apply_value

        def failing(errors):
            def apply(records, *args, **kwargs):
                if errors:
                    raise errors.pop(0)
                return original(records, *args, **kwargs)

            return apply

        def with_failures():
            errors = [SerializationFailure(), DeadlockDetected()]
            with patch.object(Partner, "_idic_job_apply_value", failing(errors)):
                while self.call(spent=False)[1]:
                    pass
            self.assertFalse(errors, "the failures were not met")
            self.assertRunsEnded("value")

        self.assertEqual(self.from_start(with_failures), at_once)

        def always_failing():
            errors = [SerializationFailure() for _ in range(10)]
            with patch.object(Partner, "_idic_job_apply_value", failing(errors)):
                with self.assertRaises(SerializationFailure):
                    self.call(spent=False)
            self.assertEqual(len(errors), 10 - 6, "not retried 5 times")

        self.from_start(always_failing)

    def test_next_round_starts_new_runs(self):
        """The later calls of a round (the calls of the job's action until
        one goes through every company) do not start a company's run again;
        the next call after that starts a new round, for every company: on
        the same day it takes up the day's runs again (one run per job,
        company and day in the list of runs), on the next day new ones."""
        calls = 1
        while self.call()[1]:
            calls += 1
        first = self.runs()
        self.assertEqual(calls, len(first.range_ids))
        self.assertFalse(any(first.mapped("round_open")))
        self.assertEqual(set(first.mapped("stage_count")), {1})
        self.call(spent=False)
        self.assertEqual(self.runs(), first, "a second run on the same day")
        self.assertEqual(set(first.mapped("state")), {"done"})
        self.assertEqual(set(first.mapped("stage_count")), {2})
        self.assertEqual(set(first.range_ids.mapped("state")), {"done"})
        self.assertRunsEnded("value")
        self.today = TODAY + timedelta(days=1)
        self.call(spent=False)
        second = self.runs() - first
        self.assertEqual(second.company_id, first.company_id)
        self.assertEqual(set(second.mapped("state")), {"done"})
        self.assertEqual(set(second.mapped("date")), {self.today})
        self.assertEqual(set(first.mapped("date")), {TODAY})
