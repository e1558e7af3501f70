# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recompute runs split into OCA queue_job jobs (queue_job is installed in
the test database by ``make test``), tested with queue_job's own helpers:
the jobs are trapped when enqueued, then performed in their graph's order."""

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .test_recompute_run import RecomputeCase


@tagged("post_install", "-at_install")
class TestRecomputeQueueJob(RecomputeCase):
    def test_run_split_into_queue_jobs_gives_the_same_tables(self):
        at_once = self.from_start(self.inline)
        companies = self.env["res.company"].search([])
        settings = self.env["res.config.settings"].with_user(self.idic_admin)
        self.assertTrue(settings.create({}).idic_queue_job_installed)
        companies.write({"idic_recompute_queue_job": True})

        def queued():
            counts = {}

            def perform(env):
                # Called again before the jobs ran, the action enqueues
                # nothing twice and writes nothing itself.
                jobs = trap.jobs_count()
                env["res.partner"]._idic_recompute_values(batch_size=self.batch)
                trap.assert_jobs_count(jobs)
                runs = self.runs()
                self.assertEqual(runs.company_id, companies)
                # A company with no customer has no range: its run ended.
                empty = runs.filtered(lambda r: not r.range_ids)
                self.assertEqual(
                    set(empty.mapped("state")), {"done"} if empty else set()
                )
                runs -= empty
                self.assertIn(self.company_r, runs.company_id)
                self.assertTrue(all(runs.mapped("queued")))
                self.assertEqual(set(runs.range_ids.mapped("state")), {"todo"})
                # One job per range and one per run that ends it.
                counts["ranges"] = len(runs.range_ids)
                trap.assert_jobs_count(counts["ranges"] + len(runs))
                trap.assert_jobs_count(
                    len(runs[0].range_ids), only=runs[0]._idic_queue_range
                )
                trap.assert_enqueued_job(
                    runs[0]._idic_queue_end,
                    properties={"channel": "root.partner_idic"},
                )
                trap.perform_enqueued_jobs()

            with trap_jobs() as trap:
                done, remaining = self.call(spent=False, then=perform)
                # The scheduled action wrote nothing itself.
                self.assertEqual((done, remaining), (0, 0))
            runs = self.runs()
            self.assertEqual(runs.company_id, companies)
            self.assertEqual(set(runs.range_ids.mapped("worker")), {"queue_job"})
            self.assertEqual(len(runs.range_ids), counts["ranges"])
            self.assertRunsEnded("value")

        self.assertEqual(self.from_start(queued), at_once)

    def test_without_the_setting_nothing_is_enqueued(self):
        with trap_jobs() as trap:
            self.call(spent=False)
            trap.assert_jobs_count(0)
        self.assertRunsEnded("value")
        self.assertFalse(any(self.runs().mapped("queued")))
