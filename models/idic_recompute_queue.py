# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recompute runs split into OCA queue_job jobs, when queue_job is installed
and a company asks for it: one job per range on the channel
``root.partner_idic``, all in a group, and a last job once the group is done
that ends the run. Jobs never commit (queue_job runs each in its own
transaction); a range job whose partners a user wrote meanwhile fails with a
concurrency error, which queue_job retries. Without queue_job none of this
runs: the scheduled actions work the ranges."""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CHANNEL = "root.partner_idic"


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_recompute_queue_job = fields.Boolean(
        string="Recompute with Queue Jobs",
        help="With the OCA Job Queue (queue_job) installed: each nightly "
        "recompute is split into one job per batch of partners on the channel "
        "root.partner_idic, run by the job runners of every server.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idic_recompute_queue_job = fields.Boolean(
        related="company_id.idic_recompute_queue_job", readonly=False
    )
    idic_queue_job_installed = fields.Boolean(compute="_compute_idic_queue_job")

    def _compute_idic_queue_job(self):
        for settings in self:
            settings.idic_queue_job_installed = "queue.job" in self.env


class IdicRecomputeRun(models.Model):
    _inherit = "idic.recompute.run"

    queued = fields.Boolean(
        readonly=True, help="The ranges of this run were given to queue jobs."
    )

    @api.model
    def _idic_queue_wanted(self, company):
        """Whether the runs of ``company`` (every company's, for the jobs
        that cover them all) go to queue jobs."""
        if "queue.job" not in self.env:
            return False
        companies = company or self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        return any(companies.sudo().mapped("idic_recompute_queue_job"))

    def _idic_enqueue(self):
        """One job per range of this run, in a group; a last job ends the run
        when the group is done. The identity keys keep a run from being
        enqueued twice."""
        self.ensure_one()
        if not self._idic_queue_wanted(self.company_id):
            return
        from odoo.addons.queue_job.delay import group  # noqa: PLC0415 (optional)

        run = self.sudo()
        labels = dict(self._fields["job"]._description_selection(self.env))
        label = labels.get(self.job, self.job)
        ranges = [
            run.delayable(
                channel=CHANNEL,
                identity_key=f"partner_idic-run-{run.id}-range-{line.id}",
                description=self.env._(
                    "%(job)s: partners %(start)s to %(end)s",
                    job=label,
                    start=line.id_from,
                    end=line.id_to - 1,
                ),
            )._idic_queue_range(line.id)
            for line in run.range_ids.filtered(lambda r: r.state == "todo")
        ]
        if not ranges:
            return
        end = run.delayable(
            channel=CHANNEL,
            identity_key=f"partner_idic-run-{run.id}-end-{run.stage_count}",
            description=self.env._("%(job)s: end of the run", job=label),
        )._idic_queue_end()
        group(*ranges).on_done(end).delay()
        run.queued = True

    def _idic_queue_range(self, range_id):
        """Queue job: write one range of this run, unless it is written or
        being written already (by a scheduled action); no commit."""
        self.ensure_one()
        run = self.sudo()
        if run.state != "running":
            return 0
        spec = run._idic_job_spec(run.job)
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT phase, id_from, id_to FROM idic_recompute_range
                    WHERE id = %s AND run_id = %s AND state = 'todo'
                      FOR NO KEY UPDATE SKIP LOCKED""",
                range_id,
                run.id,
            )
        )
        claimed = cr.fetchone()
        if not claimed:
            return 0
        phase, start, end = claimed
        Partner = self.env["res.partner"].sudo()._idic_with_staging(run.staging_table)
        count = getattr(Partner, spec["apply"])(
            run.company_id, run.date, phase, start, end
        )
        run._idic_mark_done(range_id, count, "queue_job")
        return count

    def _idic_queue_end(self):
        """Queue job, after every range job: end the run (its ranges done by
        jobs or by scheduled actions); no commit."""
        self.ensure_one()
        return self.sudo()._idic_end(commit=False)

    @api.model
    def _idic_should_work(self, run):
        """The scheduled actions leave a run of today to its queue jobs; one
        left from another day is staged again (and enqueued again)."""
        if run.queued and run.date >= fields.Date.context_today(self):
            return False
        return super()._idic_should_work(run)
