# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Runs of the batched jobs (value, donor, membership, relationship health,
IDIC stages, points expiry).

A run is one recompute of one job for one company (or for every company, for
the membership job) on one date. The scheduled action that starts it stages
its data once (a real unlogged table named after the run, holding every
figure that needs the whole population: scores, quintiles, model fits), cuts
the partner ids into ranges and commits; the ranges are then claimed one at a
time with ``SELECT ... FOR NO KEY UPDATE SKIP LOCKED``, each written and
marked done in one transaction, by any number of workers: the later calls of
the same scheduled action, its helper actions (``idic_recompute_workers`` per
company) on any server, or queue_job jobs. A range is never written twice: its
lock is held until the transaction that writes it commits, and a worker that
dies loses its transaction and leaves the range to be claimed again. The last
range done ends the run: the staging table is dropped and the job's last step
(the membership reminders) runs once.

Without ``commit`` (buttons, tier changes, tests), the same stage and range
steps run in the caller's transaction on a temporary staging table, with no
run recorded.
"""

import logging
import os
import socket
import time
from datetime import timedelta

import psycopg2.errors
from psycopg2.extensions import TransactionRollbackError

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Consecutive serialization failures or deadlocks of one worker before it
# gives up for this call (the scheduler calls it again).
MAX_RETRIES = 5
# Runs kept for reading after they ended.
KEEP_DAYS = 30
MAX_WORKERS = 16


class IdicRecomputeRun(models.Model):
    _name = "idic.recompute.run"
    _description = "Recompute Run"
    _order = "id desc"

    job = fields.Selection(
        [
            ("value", "Customer value and tiers"),
            ("donor", "Donor figures"),
            ("member", "Membership statuses"),
            ("health", "Relationship health"),
            ("stage", "IDIC stages"),
            ("expiry", "Points expiry"),
        ],
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        ondelete="cascade",
        help="Empty for the jobs that cover every company at once.",
    )
    date = fields.Date(
        required=True,
        readonly=True,
        help="The day the figures are computed for; a run left unfinished "
        "past its day is staged again.",
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")],
        default="running",
        required=True,
        readonly=True,
    )
    staging_table = fields.Char(readonly=True)
    staged_rows = fields.Integer(readonly=True)
    staged_at = fields.Datetime(readonly=True)
    staging_seconds = fields.Float(readonly=True, digits=(16, 1))
    stage_count = fields.Integer(
        readonly=True, help="How many times the data of this run was staged."
    )
    done_at = fields.Datetime(readonly=True)
    range_ids = fields.One2many("idic.recompute.range", "run_id", readonly=True)
    range_count = fields.Integer(compute="_compute_progress")
    range_done_count = fields.Integer(compute="_compute_progress")
    updated = fields.Integer(
        compute="_compute_progress", help="Partners written by this run."
    )
    round_open = fields.Boolean(
        readonly=True,
        help="Started in the current round of the job's scheduled action: "
        "the round's later calls do not start it again.",
    )
    info = fields.Json(
        readonly=True,
        help="Figures of the whole population computed once for the run.",
    )

    _active_unique = models.UniqueIndex(
        "(job, COALESCE(company_id, 0)) WHERE state = 'running'",
        "A job has one running run per company.",
    )

    @api.depends("range_ids.state", "range_ids.updated")
    def _compute_progress(self):
        for run in self:
            run.range_count = len(run.range_ids)
            done = run.range_ids.filtered(lambda r: r.state == "done")
            run.range_done_count = len(done)
            run.updated = sum(done.mapped("updated"))

    @api.depends("job", "company_id", "date")
    def _compute_display_name(self):
        labels = dict(self._fields["job"]._description_selection(self.env))
        for run in self:
            parts = [labels.get(run.job, run.job)]
            if run.company_id:
                parts.append(run.company_id.name)
            parts.append(fields.Date.to_string(run.date) if run.date else "")
            run.display_name = " - ".join(p for p in parts if p)

    # ------------------------------------------------------------------
    # The jobs
    # ------------------------------------------------------------------
    @api.model
    def _idic_job_spec(self, job):
        """What ``job`` does, by names of res.partner methods: ``stage(company,
        today)`` fills the staging table and returns its rows (None: nothing
        to stage), ``tables`` are the tables whose ids are cut into ranges,
        one phase each, ``apply(company, today, phase, start, end)`` writes
        one range and returns how many partners it updated, ``finish(company,
        today)`` runs once when a run ends (None: nothing); ``per_company``
        says whether a run covers one company, ``cron`` is the xmlid of the
        job's scheduled action and ``helper_code`` the code of its helpers."""
        return dict(self.env["res.partner"]._idic_recompute_job_specs()[job], name=job)

    def _staging_name(self):
        self.ensure_one()
        return f"idic_run_stage_{self.job}_{self.id}"

    # ------------------------------------------------------------------
    # Running a job
    # ------------------------------------------------------------------
    @api.model
    def _idic_execute(
        self, job, companies=None, batch_size=50000, commit=True, start=True
    ):
        """Run ``job`` for ``companies`` (all by default). With ``commit`` (the
        scheduled actions): join the running run of each company or, when
        ``start``, start one; claim and write free ranges, committing each,
        until none is left or the scheduler's time slice is spent. Without
        ``commit``: the whole job now, in this transaction. Returns the number
        of partners updated by this call."""
        spec = self._idic_job_spec(job)
        self.env.flush_all()
        if spec["per_company"]:
            companies = (
                companies or self.env["res.company"].search([])  # pylint: disable=no-search-all
            ).sorted("id")
        else:
            companies = [self.env["res.company"]]
        if not commit:
            return sum(
                self._idic_execute_inline(spec, c, batch_size) for c in companies
            )
        updated = 0
        Cron = self.env["ir.cron"]
        worked = False
        for index, company in enumerate(companies):
            if worked and self._idic_time_spent():
                # The next company's run waits for the next call.
                Cron._commit_progress(0, remaining=len(companies) - index)
                return updated
            run = self._idic_current_run(job, company)
            if not run and start:
                if self._idic_done_in_round(job, company):
                    continue
                run = self._idic_start_run(job, company, batch_size)
            elif run and run.date < fields.Date.context_today(self):
                if not start:
                    continue  # the job's own action stages it again
                run._idic_restage(batch_size)
            if not run or not self._idic_should_work(run):
                continue
            done, ranges, unfinished = run._idic_work()
            updated += done
            worked = worked or bool(ranges)
            if unfinished:
                return updated
        if start:
            self._idic_close_round(job, companies)
            Cron._commit_progress(0, remaining=0)
        return updated

    @api.model
    def _idic_done_in_round(self, job, company):
        """Whether the run of ``company`` was started in the current round of
        the job: the calls of the job's action since one of them last went
        through every company (the scheduler calls a job again and again
        while it says work remains)."""
        self.env.cr.execute(
            SQL(
                """SELECT 1 FROM idic_recompute_run
                    WHERE job = %s AND COALESCE(company_id, 0) = %s AND round_open
                    LIMIT 1""",
                job,
                company.id or 0,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _idic_close_round(self, job, companies):
        """This call went through every company: the next call starts a new
        round."""
        self.env.cr.execute(
            SQL(
                """UPDATE idic_recompute_run SET round_open = FALSE
                    WHERE job = %s AND round_open
                      AND COALESCE(company_id, 0) = ANY(%s)""",
                job,
                [company.id or 0 for company in companies],
            )
        )

    @api.model
    def _idic_time_spent(self):
        """Whether the scheduler's time slice of this call is over."""
        end = self.env.context.get("cron_end_time")
        return end is not None and time.monotonic() >= end

    @api.model
    def _idic_execute_inline(self, spec, company, batch_size):
        """The whole job for ``company`` in this transaction, on a temporary
        staging table, with no run recorded (and without the last step of a
        run: the caller does what it needs)."""
        today = fields.Date.context_today(self)
        table = f"idic_run_stage_{spec['name']}_inline"
        Partner = self.env["res.partner"]._idic_with_staging(table, temp=True)
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        if spec["stage"]:
            getattr(Partner, spec["stage"])(company, today)
        updated = 0
        for phase, start, end in self._idic_cut_ranges(
            spec, company, batch_size, Partner
        ):
            updated += getattr(Partner, spec["apply"])(
                company, today, phase, start, end
            )
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        return updated

    @api.model
    def _idic_cut_ranges(self, spec, company, batch_size, Partner=None):
        """(phase, start, end) of each range of ``spec``'s tables: every
        ``batch_size`` ids up to the largest, or, when the job names the rows
        it may write (``candidates``: the ids of the partners with staged or
        earlier figures of the company), only the ranges holding some (a
        company with a few customers does not walk a million partners)."""
        ranges = []
        cr = self.env.cr
        for phase, table in enumerate(spec["tables"]):
            if spec.get("candidates") and Partner is not None:
                cr.execute(
                    SQL(
                        """SELECT DISTINCT c.id / %(size)s FROM (%(ids)s) c
                            ORDER BY 1""",
                        size=batch_size,
                        ids=getattr(Partner, spec["candidates"])(company),
                    )
                )
                ranges.extend(
                    (phase, bucket * batch_size, (bucket + 1) * batch_size)
                    for (bucket,) in cr.fetchall()
                )
                continue
            cr.execute(
                SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
            )
            max_id = cr.fetchone()[0]
            ranges.extend(
                (phase, start, start + batch_size)
                for start in range(0, max_id + 1, batch_size)
            )
        return ranges

    @api.model
    def _idic_current_run(self, job, company):
        self.env.cr.execute(
            SQL(
                """SELECT id FROM idic_recompute_run
                    WHERE job = %s AND COALESCE(company_id, 0) = %s
                      AND state = 'running'""",
                job,
                company.id or 0,
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.model
    def _idic_start_run(self, job, company, batch_size):
        """Start the run of ``job`` for ``company``: take up the run that
        ended today, else create one; stage it and cut its ranges, and
        commit: from then on any worker can take its ranges. A job run again
        on the same day (its action called by hand, a new round) keeps one
        run per job, company and day, staged once more, so the list of runs
        reads one line a day."""
        run = self._idic_reopen_run(job, company)
        if run:
            run._idic_restage(batch_size)
            return run
        self.env.cr.execute(
            SQL(
                """INSERT INTO idic_recompute_run
                          (job, company_id, date, state, stage_count, round_open,
                           create_uid, create_date, write_uid, write_date)
                   VALUES (%(job)s, %(company)s, %(today)s, 'running', 0, TRUE,
                           %(uid)s, %(now)s, %(uid)s, %(now)s)
                   ON CONFLICT DO NOTHING
                   RETURNING id""",
                job=job,
                company=company.id or None,
                today=fields.Date.context_today(self),
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        row = self.env.cr.fetchone()
        if not row:  # another worker started it meanwhile
            return self._idic_current_run(job, company)
        run = self.browse(row[0])
        run._idic_restage(batch_size)
        return run

    @api.model
    def _idic_reopen_run(self, job, company):
        """The run of ``job`` for ``company`` that ended today, set running
        again (none when another worker holds it or runs the job already)."""
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        """UPDATE idic_recompute_run
                              SET state = 'running', round_open = TRUE,
                                  done_at = NULL, write_uid = %(uid)s,
                                  write_date = now() AT TIME ZONE 'UTC'
                            WHERE id = (SELECT id FROM idic_recompute_run
                                         WHERE job = %(job)s
                                           AND COALESCE(company_id, 0) = %(company)s
                                           AND date = %(today)s AND state = 'done'
                                         ORDER BY id DESC LIMIT 1
                                           FOR UPDATE SKIP LOCKED)
                        RETURNING id""",
                        job=job,
                        company=company.id or 0,
                        today=fields.Date.context_today(self),
                        uid=self.env.uid,
                    )
                )
                row = cr.fetchone()
        except psycopg2.errors.UniqueViolation:
            # Another worker started the job meanwhile: join its run.
            return self.browse()
        if not row:
            return self.browse()
        run = self.browse(row[0])
        run.invalidate_recordset()
        return run

    def _idic_restage(self, batch_size):
        """Stage this run's data for today and cut its ranges afresh (a new
        run, or one left unfinished past its day), then commit."""
        self.ensure_one()
        spec = self._idic_job_spec(self.job)
        today = fields.Date.context_today(self)
        cr = self.env.cr
        # Nobody else stages or writes this run meanwhile: its ranges, if
        # any, are locked or gone.
        cr.execute(
            SQL(
                "SELECT id FROM idic_recompute_run WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        cr.execute(SQL("DELETE FROM idic_recompute_range WHERE run_id = %s", self.id))
        table = self._staging_name()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        began = fields.Datetime.now()
        rows = 0
        Partner = self.env["res.partner"]._idic_with_staging(table)
        if spec["stage"]:
            rows = getattr(Partner, spec["stage"])(self.company_id, today) or 0
        ranges = self._idic_cut_ranges(spec, self.company_id, batch_size, Partner)
        cr.execute(
            SQL(
                """INSERT INTO idic_recompute_range
                          (run_id, phase, id_from, id_to, state, updated)
                   SELECT %s, r.phase, r.id_from, r.id_to, 'todo', 0
                     FROM unnest(%s::int[], %s::int[], %s::int[])
                          AS r(phase, id_from, id_to)""",
                self.id,
                [r[0] for r in ranges],
                [r[1] for r in ranges],
                [r[2] for r in ranges],
            )
        )
        self.write(
            {
                "date": today,
                "staging_table": table if spec["stage"] else False,
                "staged_rows": rows,
                "staged_at": fields.Datetime.now(),
                "staging_seconds": (fields.Datetime.now() - began).total_seconds(),
                "stage_count": self.stage_count + 1,
                "info": Partner._idic_run_info(self.job, self.company_id),
            }
        )
        _logger.info(
            "IDIC %s run %s: %s rows staged, %s ranges",
            self.job,
            self.id,
            rows,
            len(ranges),
        )
        self._idic_wake_helpers(spec)
        # Ranges given to queue jobs are not this scheduled action's to do.
        remaining = 0 if not self._idic_should_work(self) else len(ranges)
        self.env["ir.cron"]._commit_progress(0, remaining=remaining)

    def _idic_wake_helpers(self, spec):
        """Ask the helper actions of the job to join the run (once this
        transaction commits), or give its ranges to queue jobs."""
        for cron in self._idic_helper_crons(spec["cron"]).filtered("active"):
            cron._trigger()
        self._idic_enqueue()

    def _idic_enqueue(self):
        """Hook: split the run into queue jobs (queue_job installed)."""

    @api.model
    def _idic_should_work(self, run):
        """Whether this call works the ranges of ``run`` (hook)."""
        return True

    @api.model
    def _idic_helper_crons(self, xmlid):
        """The helper scheduled actions of the action ``xmlid``, by number."""
        module, name = xmlid.split(".")
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("module", "=", module),
                    ("model", "=", "ir.cron"),
                    ("name", "=like", f"{name}_worker_%"),
                ]
            )
        )
        crons = self.env["ir.cron"].sudo().with_context(active_test=False)
        by_number = {}
        for entry in data:
            suffix = entry.name.rsplit("_", 1)[-1]
            if suffix.isdigit():
                by_number[int(suffix)] = crons.browse(entry.res_id).exists()
        return crons.concat(*(by_number[n] for n in sorted(by_number)))

    def _idic_claim(self):
        """Lock a free range of this run (the lowest phase first: a phase
        starts when every range of the phases before it is done). Returns
        (range id, phase, start, end) or None."""
        self.env.cr.execute(
            SQL(
                """SELECT r.id, r.phase, r.id_from, r.id_to
                     FROM idic_recompute_range r
                    WHERE r.run_id = %(run)s AND r.state = 'todo'
                      AND NOT EXISTS (SELECT 1 FROM idic_recompute_range b
                                       WHERE b.run_id = r.run_id
                                         AND b.phase < r.phase AND b.state = 'todo')
                    ORDER BY r.phase, r.id_from
                    LIMIT 1
                      FOR NO KEY UPDATE SKIP LOCKED""",
                run=self.id,
            )
        )
        return self.env.cr.fetchone()

    def _idic_work(self):
        """Claim and write free ranges of this run, each committed with its
        range marked done, until none is free or the time slice is spent.
        Returns (partners updated, ranges written, whether ranges are left
        for later calls)."""
        self.ensure_one()
        spec = self._idic_job_spec(self.job)
        Partner = self.env["res.partner"]._idic_with_staging(self.staging_table)
        Cron = self.env["ir.cron"]
        cr = self.env.cr
        worker = f"{socket.gethostname()}:{os.getpid()}"
        updated = written = 0
        retries = 0
        while True:
            try:
                claimed = self._idic_claim()
                if not claimed:
                    break
                range_id, phase, start, end = claimed
                count = getattr(Partner, spec["apply"])(
                    self.company_id, self.date, phase, start, end
                )
                self._idic_mark_done(range_id, count, worker)
                cr.execute(
                    SQL(
                        """SELECT COUNT(*) FROM idic_recompute_range
                            WHERE run_id = %s AND state = 'todo' AND id <> %s""",
                        self.id,
                        range_id,
                    )
                )
                remaining = cr.fetchone()[0]
                time_left = Cron._commit_progress(1, remaining=remaining)
            except TransactionRollbackError as error:
                # A user wrote a partner of the range since this transaction
                # began, or a deadlock: nothing of the range was kept; take
                # it again with fresh data.
                cr.rollback()
                retries += 1
                _logger.info(
                    "IDIC %s run %s: range retried (%s)",
                    self.job,
                    self.id,
                    error.pgcode,
                )
                if retries > MAX_RETRIES:
                    raise
                continue
            retries = 0
            updated += count
            written += 1
            self.invalidate_recordset()
            if remaining and time_left <= 0:
                return updated, written, True
        self._idic_end()
        return updated, written, False

    def _idic_mark_done(self, range_id, count, worker):
        self.env.cr.execute(
            SQL(
                """UPDATE idic_recompute_range
                      SET state = 'done', updated = %s, worker = %s,
                          done_at = now() AT TIME ZONE 'UTC'
                    WHERE id = %s""",
                count,
                worker,
                range_id,
            )
        )
        self.env["idic.recompute.range"].invalidate_model()

    def _idic_end(self, commit=True):
        """End this run if every range is done (by whoever wrote the last
        one): drop its staging table and run the job's last step, once;
        with ``commit``, commit. Returns whether the run ended."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """UPDATE idic_recompute_run r
                      SET state = 'done', done_at = now() AT TIME ZONE 'UTC',
                          write_date = now() AT TIME ZONE 'UTC'
                    WHERE r.id = %s AND r.state = 'running'
                      AND NOT EXISTS (SELECT 1 FROM idic_recompute_range g
                                       WHERE g.run_id = r.id AND g.state = 'todo')
                RETURNING r.id""",
                self.id,
            )
        )
        if not cr.fetchone():
            return False
        self.invalidate_recordset()
        if self.staging_table:
            cr.execute(
                SQL("DROP TABLE IF EXISTS %s", SQL.identifier(self.staging_table))
            )
        spec = self._idic_job_spec(self.job)
        if spec["finish"]:
            getattr(self.env["res.partner"], spec["finish"])(self.company_id, self.date)
        _logger.info("IDIC %s run %s ended", self.job, self.id)
        if commit:
            self.env["ir.cron"]._commit_progress(0, remaining=0)
        return True

    @api.autovacuum
    def _gc_ended_runs(self):
        """Forget the runs ended more than KEEP_DAYS days ago."""
        self.search(
            [
                ("state", "=", "done"),
                ("done_at", "<", fields.Datetime.now() - timedelta(days=KEEP_DAYS)),
            ]
        ).unlink()

    # ------------------------------------------------------------------
    # Helper scheduled actions
    # ------------------------------------------------------------------
    @api.model
    def _idic_sync_helper_crons(self):
        """One helper scheduled action per job for each worker beyond the
        first that a company asks for (``idic_recompute_workers``): copies of
        the job's action that only join running runs. Extra helpers are
        archived."""
        self.env["res.company"].flush_model(["idic_recompute_workers"])
        self.env.cr.execute(
            SQL("SELECT COALESCE(MAX(idic_recompute_workers), 1) FROM res_company")
        )
        wanted = min(max(self.env.cr.fetchone()[0], 1), MAX_WORKERS) - 1
        IrData = self.env["ir.model.data"].sudo()
        for spec in self.env["res.partner"]._idic_recompute_job_specs().values():
            primary = self.env.ref(spec["cron"], raise_if_not_found=False)
            if not primary:
                continue
            primary = primary.sudo()
            helpers = self._idic_helper_crons(spec["cron"])
            for number in range(2, wanted + 2):
                name = f"{spec['cron'].split('.')[1]}_worker_{number}"
                existing = self.env.ref(f"partner_idic.{name}", False)
                vals = {
                    "name": self.env._(
                        "%(name)s (worker %(number)s)",
                        name=primary.name,
                        number=number,
                    ),
                    "code": spec["helper_code"],
                    "active": primary.active,
                    "interval_number": primary.interval_number,
                    "interval_type": primary.interval_type,
                    "nextcall": primary.nextcall,
                    "priority": primary.priority,
                }
                if existing:
                    if not existing.active or existing.code != vals["code"]:
                        existing.write(vals)
                    continue
                cron = primary.copy(vals)
                # Named like the add-on's own actions (and their server
                # actions), so that uninstalling the add-on removes them: the
                # action's name first, as the uninstall removes the latest
                # names first.
                IrData._update_xmlids(
                    [
                        {
                            "xml_id": f"partner_idic.{name}_ir_actions_server",
                            "record": cron.ir_actions_server_id,
                            "noupdate": True,
                        },
                        {
                            "xml_id": f"partner_idic.{name}",
                            "record": cron,
                            "noupdate": True,
                        },
                    ]
                )
            for cron in helpers[wanted:]:
                if cron.active:
                    cron.active = False


class IdicRecomputeRange(models.Model):
    _name = "idic.recompute.range"
    _description = "Recompute Run Range"
    _order = "run_id, phase, id_from"

    run_id = fields.Many2one(
        "idic.recompute.run", required=True, ondelete="cascade", index=True
    )
    phase = fields.Integer(required=True, default=0)
    id_from = fields.Integer(required=True)
    id_to = fields.Integer(required=True)
    state = fields.Selection(
        [("todo", "To Do"), ("done", "Done")], required=True, default="todo"
    )
    updated = fields.Integer(help="Partners written in this range.")
    worker = fields.Char(help="Host and process that wrote this range.")
    done_at = fields.Datetime()
