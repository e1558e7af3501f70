# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The voice of the customer on the partner (issue #30): its last
recommendation score (NPS) and category, its last satisfaction (CSAT), per
company; the daily voice job on the recompute frame (the sending rules of
the customer surveys, then the overdue complaints' activities); promoters
in the influence value.

The job: its stage step selects, in one statement, every customer a rule of
the company picks today (``_idic_voice_candidates_sql``) into the run's
staging table; its ranges invite them through the survey's own invitation,
a batch of partner ids at a time, each committed; its last step raises the
activities of the overdue complaints, feedback and ideas of the company."""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .idic_interaction_engagement import KNOWLEDGE_KINDS
from .idic_interaction_feedback import CLOSING_OUTCOMES
from .idic_voice_rule import CATCH_UP_DAYS
from .res_partner_value import put_company_value
from .survey_survey_voice import NPS_CATEGORIES

_logger = logging.getLogger(__name__)

# Partner ids per range of the voice job: each range sends its invitations
# in one transaction.
VOICE_BATCH_SIZE = 1000
VOICE_COLUMNS = ("idic_nps_score", "idic_nps_category", "idic_csat_last")


def _voice_field(field_type, string, help_text, **kwargs):
    return field_type(
        string=string,
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help=help_text,
        **kwargs,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_nps_score = _voice_field(
        fields.Integer,
        "Recommendation Score",
        "0-10: the customer's last answer to the recommendation survey (NPS) "
        "of the company.",
        aggregator="avg",
    )
    idic_nps_category = _voice_field(
        fields.Selection,
        "NPS Category",
        "From the last recommendation score: promoter 9-10, passive 7-8, "
        "detractor 0-6.",
        selection=NPS_CATEGORIES,
    )
    idic_csat_last = _voice_field(
        fields.Integer,
        "Last Satisfaction (CSAT)",
        "1-5: the customer's last answer to the satisfaction survey of the "
        "company (0: none).",
        aggregator="avg",
    )

    # ------------------------------------------------------------------------
    # The customer's figures, written when it answers
    # ------------------------------------------------------------------------
    @api.model
    def _idic_refresh_voice_figures(self, company, customer_ids):
        """Write the last NPS answer and the last CSAT answer to the survey
        of ``company`` of each customer of ``customer_ids`` (commercial
        partners) on it and its contacts, in one statement."""
        if not customer_ids:
            return
        key = str(company.id)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH customers AS (SELECT unnest(%(ids)s::int[]) AS pid),
                nps AS (
                    SELECT DISTINCT ON (i.commercial_partner_id)
                           i.commercial_partner_id AS pid, i.nps_score,
                           i.nps_category
                      FROM idic_interaction i
                     WHERE i.company_id = %(company)s
                       AND i.nps_category IS NOT NULL
                       AND i.commercial_partner_id = ANY(%(ids)s::int[])
                     ORDER BY i.commercial_partner_id, i.date DESC, i.id DESC
                ),
                csat AS (
                    SELECT DISTINCT ON (i.commercial_partner_id)
                           i.commercial_partner_id AS pid, i.satisfaction
                      FROM idic_interaction i
                     WHERE i.company_id = %(company)s AND i.kind = 'survey'
                       AND i.satisfaction IS NOT NULL
                       AND i.commercial_partner_id = ANY(%(ids)s::int[])
                     ORDER BY i.commercial_partner_id, i.date DESC, i.id DESC
                ),
                figures AS (
                    SELECT c.pid, to_jsonb(nps.nps_score) AS score,
                           to_jsonb(nps.nps_category::text) AS category,
                           to_jsonb(csat.satisfaction::int) AS csat
                      FROM customers c
                      LEFT JOIN nps ON nps.pid = c.pid
                      LEFT JOIN csat ON csat.pid = c.pid
                )
                UPDATE res_partner p
                   SET %(score)s, %(category)s, %(csat)s
                  FROM figures f
                 WHERE p.commercial_partner_id = f.pid
                   AND (p.idic_nps_score -> %(key)s, p.idic_nps_category -> %(key)s,
                        p.idic_csat_last -> %(key)s)
                       IS DISTINCT FROM (f.score, f.category, f.csat)
                """,
                key=key,
                ids=list(customer_ids),
                company=company.id,
                score=put_company_value("idic_nps_score", key, SQL("f.score")),
                category=put_company_value("idic_nps_category", key, SQL("f.category")),
                csat=put_company_value("idic_csat_last", key, SQL("f.csat")),
            )
        )
        self.invalidate_model(list(VOICE_COLUMNS))

    # ------------------------------------------------------------------------
    # Promoters in the influence value (CIV)
    # ------------------------------------------------------------------------
    @api.model
    def _idic_indirect_value_sql(self, company, customers):
        """The influence value of a customer whose last recommendation score
        makes it a promoter gains the company's value per promoter."""
        query = super()._idic_indirect_value_sql(company, customers)
        if not company.idic_promoter_value:
            return query
        return SQL(
            """
            SELECT COALESCE(q.partner_id, pr.partner_id) AS partner_id, q.crv,
                   q.revenue, q.customers,
                   ROUND(COALESCE(q.civ, 0) + COALESCE(pr.value, 0), 2) AS civ,
                   COALESCE(q.ckv, 0) AS ckv
              FROM (%(query)s) q
              FULL JOIN (
                    SELECT l.pid AS partner_id, %(value)s::numeric AS value
                      FROM (SELECT DISTINCT ON (i.commercial_partner_id)
                                   i.commercial_partner_id AS pid, i.nps_category
                              FROM idic_interaction i
                             WHERE i.company_id = %(company)s
                               AND i.nps_category IS NOT NULL
                             ORDER BY i.commercial_partner_id, i.date DESC, i.id DESC
                           ) l
                     WHERE l.nps_category = 'promoter'
                   ) pr ON pr.partner_id = q.partner_id
            """,
            query=query,
            value=company.idic_promoter_value,
            company=company.id,
        )

    # ------------------------------------------------------------------------
    # The voice job: sending rules, then overdue feedback
    # ------------------------------------------------------------------------
    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["voice"] = {
            "per_company": True,
            "stage": "_idic_job_stage_voice",
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_voice",
            "candidates": "_idic_voice_staged_ids_sql",
            "finish": "_idic_job_finish_voice",
            "cron": "partner_idic.ir_cron_idic_voice",
            "helper_code": "model._cron_idic_voice(helper=True)",
        }
        return specs

    @api.model
    def _cron_idic_voice(self, helper=False, batch_size=VOICE_BATCH_SIZE):
        """Daily: invite the customers the sending rules of each company pick
        today, then raise the activities of the overdue complaints, feedback
        and ideas. A ``helper`` action only joins a run the job's own action
        started."""
        return (
            self.env["idic.recompute.run"]
            .sudo()
            ._idic_execute("voice", batch_size=batch_size, start=not helper)
        )

    @api.model
    def _idic_voice_candidates_sql(self, company, today):
        """Every (recipient, customer, rule, survey, event) the active rules
        of ``company`` pick on ``today``, one row per customer: the events of
        each rule (a payment of an invoice now paid, an interaction closed,
        or, once a year, being an active customer) in the rule's window; a
        recipient who may be e-mailed; a customer not surveyed by the company
        in its waiting period, an event not surveyed yet; the first rule
        (sequence) when several pick a customer; at most each rule's daily
        limit, lowest customer ids first."""
        company = company.sudo()
        day_start = fields.Datetime.to_datetime(today)
        return SQL(
            """
            WITH rules AS (
                SELECT r.id, r.sequence, r.trigger, COALESCE(r.daily_limit, 0) AS daily_limit,
                       r.survey_id,
                       %(today)s::date - COALESCE(r.delay_days, 0) - %(catch_up)s AS day_from,
                       %(today)s::date - COALESCE(r.delay_days, 0) AS day_to,
                       (SELECT COUNT(*) FROM survey_user_input ui
                         WHERE ui.idic_voice_rule_id = r.id
                           AND ui.create_date >= %(day_start)s) AS sent_today
                  FROM idic_voice_rule r
                  JOIN survey_survey s ON s.id = r.survey_id AND s.active
                 WHERE r.company_id = %(company)s AND r.active
            ),
            events AS (
                SELECT DISTINCT ON (r.id, m.id)
                       r.id AS rule_id, m.partner_id,
                       m.commercial_partner_id AS customer_id,
                       'account.move,' || m.id AS origin
                  FROM rules r
                  JOIN account_partial_reconcile apr
                    ON apr.company_id = %(company)s
                   AND apr.max_date BETWEEN r.day_from AND r.day_to
                  JOIN account_move_line l ON l.id = apr.debit_move_id
                  JOIN account_move m ON m.id = l.move_id
                 WHERE r.trigger = 'invoice_paid'
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.payment_state IN ('paid', 'in_payment')
                UNION ALL
                SELECT r.id, i.partner_id, i.commercial_partner_id,
                       'idic.interaction,' || i.id
                  FROM rules r
                  JOIN idic_voice_rule_kind_rel rk ON rk.rule_id = r.id
                  JOIN idic_interaction_kind k ON k.id = rk.kind_id
                  JOIN idic_interaction i
                    ON i.company_id = %(company)s AND i.kind = k.code
                   AND ((i.kind IN %(knowledge)s
                         AND i.resolved_date >= r.day_from::timestamp
                         AND i.resolved_date < r.day_to::timestamp + interval '1 day')
                        OR (i.kind NOT IN %(knowledge)s
                            AND i.outcome IN %(closing)s
                            AND i.date >= r.day_from::timestamp
                            AND i.date < r.day_to::timestamp + interval '1 day'))
                 WHERE r.trigger = 'interaction_closed'
                UNION ALL
                SELECT r.id, a.pid, a.pid, NULL
                  FROM rules r
                  JOIN (SELECT DISTINCT m.commercial_partner_id AS pid
                          FROM account_move m
                         WHERE m.company_id = %(company)s
                           AND m.move_type = 'out_invoice' AND m.state = 'posted'
                           AND m.invoice_date > %(today)s::date - 365
                           AND m.invoice_date <= %(today)s) a ON TRUE
                 WHERE r.trigger = 'yearly'
                   AND NOT EXISTS (
                       SELECT 1 FROM survey_user_input ui
                        WHERE ui.idic_customer_id = a.pid
                          AND ui.idic_company_id = %(company)s
                          AND ui.idic_voice_rule_id = r.id
                          AND ui.create_date > %(day_start)s - interval '365 days')
            ),
            eligible AS (
                SELECT DISTINCT ON (e.customer_id)
                       e.partner_id, e.customer_id, e.rule_id, e.origin,
                       r.survey_id, r.daily_limit, r.sent_today
                  FROM events e
                  JOIN rules r ON r.id = e.rule_id
                  JOIN res_partner rp ON rp.id = e.partner_id
                  JOIN res_partner cp ON cp.id = e.customer_id
                 WHERE rp.active AND rp.email_normalized IS NOT NULL
                   AND NOT COALESCE(rp.idic_do_not_contact, FALSE)
                   AND NOT COALESCE(cp.idic_do_not_contact, FALSE)
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_blacklist b
                        WHERE b.active AND b.email = rp.email_normalized)
                   AND NOT (%(throttle)s > 0 AND EXISTS (
                       SELECT 1 FROM survey_user_input ui
                        WHERE ui.idic_customer_id = e.customer_id
                          AND ui.idic_company_id = %(company)s
                          AND ui.create_date
                              > %(day_start)s - make_interval(days => %(throttle)s)))
                   AND (e.origin IS NULL OR NOT EXISTS (
                       SELECT 1 FROM survey_user_input ui
                        WHERE ui.idic_voice_origin = e.origin
                          AND ui.idic_company_id = %(company)s))
                 ORDER BY e.customer_id, r.sequence, r.id, e.origin, e.partner_id
            )
            SELECT partner_id, customer_id, rule_id, survey_id, origin
              FROM (SELECT eligible.*, row_number() OVER (
                               PARTITION BY rule_id ORDER BY customer_id) AS n
                      FROM eligible) ranked
             WHERE daily_limit = 0 OR n <= daily_limit - sent_today
            """,
            company=company.id,
            today=today,
            day_start=day_start,
            catch_up=CATCH_UP_DAYS,
            knowledge=tuple(KNOWLEDGE_KINDS),
            closing=CLOSING_OUTCOMES,
            throttle=company.idic_survey_throttle_days,
        )

    @api.model
    def _idic_job_stage_voice(self, company, today):
        """The staging table of the voice run of ``company``: the customers
        its rules pick today, by recipient. Returns how many."""
        cr = self.env.cr
        table = self._idic_staging()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        # The planner overestimates the rows of the rules' events by orders of
        # magnitude (the rules are rows, their windows unknown to it): JIT
        # compiling the statement took five times as long as running it.
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(
            SQL(
                """CREATE %(kind)s TABLE %(table)s AS %(query)s ORDER BY partner_id;
                   CREATE INDEX ON %(table)s (partner_id)""",
                kind=self._idic_staging_kind(),
                table=table,
                query=self._idic_voice_candidates_sql(company, today),
            )
        )
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        cr.execute(SQL("SELECT COUNT(*) FROM %s", table))
        staged = cr.fetchone()[0]
        _logger.info("IDIC voice: %s customers to survey for %s", staged, company.name)
        return staged

    @api.model
    def _idic_voice_staged_ids_sql(self, company):
        return SQL("SELECT partner_id AS id FROM %s", self._idic_staging())

    @api.model
    def _idic_job_apply_voice(self, company, today, phase, start, end):
        """Invite the staged recipients with ``start <= id < end``: one
        answer each through the survey's own invitation (its mail template,
        in the recipient's language). Returns how many were invited."""
        self.env.cr.execute(
            SQL(
                """SELECT partner_id, customer_id, rule_id, origin FROM %s
                    WHERE partner_id >= %s AND partner_id < %s
                    ORDER BY rule_id, partner_id""",
                self._idic_staging(),
                start,
                end,
            )
        )
        by_rule = defaultdict(list)
        for partner_id, customer_id, rule_id, origin in self.env.cr.fetchall():
            by_rule[rule_id].append((partner_id, customer_id, origin))
        invited = 0
        Rule = self.env["idic.voice.rule"].sudo().with_context(active_test=False)
        for rule_id, rows in by_rule.items():
            invited += Rule.browse(rule_id)._idic_send(company, rows)
        return invited

    @api.model
    def _idic_job_finish_voice(self, company, today):
        self.env["idic.interaction"].sudo()._idic_raise_overdue_activities(
            company, today
        )


class IdicRecomputeRun(models.Model):
    _inherit = "idic.recompute.run"

    job = fields.Selection(
        selection_add=[("voice", "Customer surveys and feedback deadlines")],
        ondelete={"voice": "cascade"},
    )
