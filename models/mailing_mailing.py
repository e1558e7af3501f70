# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The mailings of Email Marketing delivered to customers are outbound
interactions (issue #25), written set-based from the mailing traces: one
statement per mailing, whatever its size."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Trace statuses of an e-mail that reached its recipient.
DELIVERED = ("sent", "open", "reply")
# Statuses of a trace whose e-mail has not left yet.
WAITING = ("outgoing", "process", "pending")
# Days after its sending a mailing's traces are still looked at.
WATCH_DAYS = 14


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    idic_interactions_done = fields.Boolean(
        string="Interactions Logged",
        copy=False,
        readonly=True,
        help="Every e-mail of this mailing has left and each one delivered to "
        "a customer is logged as an interaction.",
    )

    @api.model
    def _idic_trace_partners_sql(self, model):
        """SQL selecting ``(trace_id, partner_id)`` of the traces ``t`` of a
        mailing on ``model``: the partner each e-mail went to, one per trace
        (a hook). A
        mailing on contacts names them; on mailing-list contacts, the partner
        with the same e-mail (the commercial partner first); on any other
        document, its ``partner_id``. None: the model has no partner."""
        if model == "res.partner":
            return SQL("SELECT t.id AS trace_id, t.res_id AS partner_id FROM t")
        if model == "mailing.contact":
            return SQL(
                """SELECT t.id AS trace_id, x.id AS partner_id
                     FROM t
                     JOIN (SELECT DISTINCT ON (p.email_normalized)
                                  p.email_normalized, p.id
                             FROM res_partner p
                            WHERE p.active AND p.email_normalized IN (SELECT email FROM t)
                            ORDER BY p.email_normalized,
                                     p.id <> p.commercial_partner_id, p.id) x
                       ON x.email_normalized = t.email"""
            )
        Model = self.env.get(model)
        field = Model._fields.get("partner_id") if Model is not None else None
        if (
            field is None
            or not field.store
            or field.type != "many2one"
            or field.comodel_name != "res.partner"
            or not Model._auto
        ):
            return None
        return SQL(
            """SELECT t.id AS trace_id, d.partner_id
                 FROM t JOIN %s d ON d.id = t.res_id
                WHERE d.partner_id IS NOT NULL""",
            SQL.identifier(Model._table),
        )

    def _idic_log_interactions(self):
        """Log the e-mails of this mailing delivered to a partner as outbound
        interactions, each once (its trace is the event), in one statement
        that also answers the customers' requests made before (the company
        setting "Mailings Answer Requests") and moves the customers' last
        interaction date; then their dormancy. Returns how many were
        logged."""
        self.ensure_one()
        partners = self._idic_trace_partners_sql(self.mailing_model_real)
        if partners is None:
            return 0
        self.env.flush_all()
        cr = self.env.cr
        # The planner cannot know how many rows the data-modifying CTEs
        # return and guesses millions: JIT compiling the statement for them
        # took longer than the partner update (1.4 s of 11 s at 100,000
        # traces), and their sorts and hashes spilled to disk.
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        cr.execute(
            SQL(
                """
                WITH t AS (
                    SELECT id, res_id, email, sent_datetime, create_date
                      FROM mailing_trace
                     WHERE mass_mailing_id = %(mailing)s
                       AND trace_type = 'mail'
                       AND NOT COALESCE(is_test_trace, FALSE)
                       AND trace_status IN %(delivered)s
                ),
                tp AS (%(partners)s),
                rows AS (
                    SELECT t.id AS trace_id, p.id AS partner_id,
                           p.commercial_partner_id,
                           COALESCE(t.sent_datetime, %(sent)s, t.create_date) AS date,
                           COALESCE(p.company_id, %(company)s) AS company_id
                      FROM t
                      JOIN tp ON tp.trace_id = t.id
                      JOIN res_partner p ON p.id = tp.partner_id
                ),
                ins AS (
                    INSERT INTO idic_interaction
                           (partner_id, commercial_partner_id, date, channel,
                            direction, subject, user_id, res_model, res_id,
                            origin_key, company_id, kind, response_hours,
                            mailing_id, campaign_id,
                            create_uid, create_date, write_uid, write_date)
                    SELECT r.partner_id, r.commercial_partner_id, r.date, 'email',
                           'outbound', %(subject)s, %(user)s, 'mailing.mailing',
                           %(mailing)s, 'mailing.trace,' || r.trace_id, r.company_id,
                           'conversation', 0, %(mailing)s, %(campaign)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM rows r
                        ON CONFLICT (origin_key) WHERE origin_key IS NOT NULL
                        DO NOTHING
                    RETURNING commercial_partner_id, date
                ),
                answered AS (
                    -- The open (or later answered) requests of the customers
                    -- before the e-mail: it answers them, unless their
                    -- company says its mailings are not answers.
                    UPDATE idic_interaction request
                       SET response_date = a.date,
                           response_hours = GREATEST(EXTRACT(EPOCH FROM
                               a.date - request.date) / 3600.0, 0)
                      FROM (SELECT req.id, MIN(ins.date) AS date
                              FROM ins
                              JOIN idic_interaction req
                                ON req.commercial_partner_id = ins.commercial_partner_id
                               AND req.direction = 'inbound'
                               AND req.date <= ins.date
                             WHERE %(answers)s
                             GROUP BY req.id) a
                     WHERE request.id = a.id
                       AND (request.response_date IS NULL
                            OR request.response_date > a.date)
                    RETURNING request.id
                ),
                latest AS (
                    SELECT commercial_partner_id AS id, MAX(date) AS date, COUNT(*) AS n
                      FROM ins GROUP BY commercial_partner_id
                ),
                moved AS (
                    INSERT INTO idic_partner_activity AS a (partner_id, last_date)
                    SELECT id, date FROM latest
                        ON CONFLICT (partner_id) DO UPDATE
                       SET last_date = EXCLUDED.last_date
                     WHERE a.last_date IS NULL OR a.last_date < EXCLUDED.last_date
                    RETURNING a.partner_id AS id
                )
                SELECT (SELECT COALESCE(SUM(n), 0) FROM latest),
                       (SELECT COALESCE(array_agg(id), '{}') FROM moved)
                """,
                mailing=self.id,
                answers=self.env["idic.interaction"]._idic_mailings_answer_sql("req"),
                delivered=DELIVERED,
                partners=partners,
                sent=self.sent_date,
                company=(self.user_id.company_id or self.env.company).id,
                subject=self.subject or self.name or "",
                user=self.user_id.id or None,
                campaign=self.campaign_id.id or None,
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        logged, moved = cr.fetchone()
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        cr.execute(SQL("SET LOCAL work_mem TO DEFAULT"))
        self.env["idic.interaction"].invalidate_model()
        Partner = self.env["res.partner"]
        Partner.invalidate_model(["idic_last_interaction_date"])
        if moved:
            # A newer interaction can only wake a dormant customer up.
            Partner._idic_refresh_dormant(
                SQL("p.idic_dormant AND p.id IN (SELECT unnest(%s::int[]))", moved)
            )
        return int(logged)

    def _idic_traces_waiting(self):
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """SELECT 1 FROM mailing_trace
                    WHERE mass_mailing_id = %s AND trace_status IN %s LIMIT 1""",
                self.id,
                WAITING,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _cron_idic_mailing_interactions(self):
        """Hourly: log the e-mails of the mailings sent in the last days that
        were delivered since, one mailing per transaction. A mailing whose
        e-mails have all left (or sent long ago) is not looked at again."""
        since = fields.Datetime.now() - timedelta(days=WATCH_DAYS)
        mailings = self.sudo().search(
            [
                ("idic_interactions_done", "=", False),
                ("sent_date", "!=", False),
                ("mailing_type", "=", "mail"),
            ],
            order="sent_date, id",
        )
        Cron = self.env["ir.cron"]
        for index, mailing in enumerate(mailings):
            logged = mailing._idic_log_interactions()
            if mailing.state == "done" and (
                mailing.sent_date < since or not mailing._idic_traces_waiting()
            ):
                mailing.idic_interactions_done = True
            _logger.info("IDIC: %s e-mails of mailing %s logged", logged, mailing.id)
            if Cron._commit_progress(1, remaining=len(mailings) - index - 1) <= 0:
                return
