# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contact cadence (issue #25): the frequency a customer asked for, else the
default of its value tier, says how long it may go without hearing from us;
the cadence job gives its salesperson one to-do when that is over. Batched on
the recompute frame (``idic.recompute.run``), set-based per range."""

from odoo import api, fields, models
from odoo.tools import SQL

# Activity type of the cadence to-do by the customer's preferred channel.
CADENCE_ACTIVITY_TYPES = {
    "phone": "mail.mail_activity_data_call",
    "email": "mail.mail_activity_data_email",
    "meeting": "mail.mail_activity_data_meeting",
    "visit": "mail.mail_activity_data_meeting",
}
DEFAULT_ACTIVITY_TYPE = "mail.mail_activity_data_todo"


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_contact_due = fields.Boolean(
        string="Contact Due",
        compute="_compute_idic_contact_due",
        search="_search_idic_contact_due",
        groups="base.group_user",
        help="Not contacted by us for longer than its contact frequency (its own, "
        "else its tier's), in the current company.",
    )

    # ------------------------------------------------------------------------
    # The rule, in one place
    # ------------------------------------------------------------------------
    @api.model
    def _idic_customer_scope_sql(self, company):
        """Predicate on ``p``: an active customer (a commercial partner that
        bought or stands in a stage) ``company`` works with: its own, or a
        shared one that bought from it (or any shared one, for the default
        company). A commercial partner is a company or a partner without a
        parent (as the host computes it; written so, the planner estimates
        it, where ``id = commercial_partner_id`` would be a blind guess)."""
        return SQL(
            """(p.is_company OR p.parent_id IS NULL) AND p.active
               AND (COALESCE(p.customer_rank, 0) > 0 OR p.idic_stage_id IS NOT NULL)
               AND (p.company_id = %(company)s
                    OR (p.company_id IS NULL
                        AND (%(company)s = %(default)s
                             OR p.idic_lifetime_revenue ? %(key)s)))""",
            company=company.id,
            default=self.env.company.id,
            key=str(company.id),
        )

    @api.model
    def _idic_cadence_due_sql(self, company, today, where=None, id_range=None):
        """SQL selecting ``(partner_id, cadence, last_contact)`` of the
        customers of ``company`` (alias ``p``, matching ``where``) due for a
        contact on ``today``: its cadence (its own frequency, else its tier's)
        is over since our last outbound interaction in the company (or since
        it was created). ``id_range`` narrows the interactions read too."""
        narrow = SQL("TRUE")
        if id_range:
            narrow = SQL(
                "i.commercial_partner_id >= %s AND i.commercial_partner_id < %s",
                *id_range,
            )
        return SQL(
            """
            SELECT p.id AS partner_id, c.cadence, o.last_date AS last_contact
              FROM res_partner p
              LEFT JOIN idic_value_tier tier
                ON tier.id = (p.idic_value_tier_id ->> %(key)s)::int
             CROSS JOIN LATERAL (
                   SELECT COALESCE(NULLIF(p.idic_contact_frequency, 0),
                                   tier.contact_frequency_days, 0) AS cadence
                   ) c
              LEFT JOIN (
                   SELECT i.commercial_partner_id, MAX(i.date) AS last_date
                     FROM idic_interaction i
                    WHERE i.direction = 'outbound' AND i.company_id = %(company)s
                      AND %(narrow)s
                    GROUP BY i.commercial_partner_id
                   ) o ON o.commercial_partner_id = p.id
             WHERE %(scope)s
               AND c.cadence > 0
               AND COALESCE(o.last_date, p.create_date)
                   < %(today)s::timestamp - make_interval(days => c.cadence)
               AND %(where)s
            """,
            key=str(company.id),
            company=company.id,
            narrow=narrow,
            scope=self._idic_customer_scope_sql(company),
            today=today,
            where=where or SQL("TRUE"),
        )

    def _compute_idic_contact_due(self):
        if not self.ids:
            self.idic_contact_due = False
            return
        due = self._idic_contact_due_ids(
            SQL("p.id IN %s", tuple(self.commercial_partner_id.ids) or (0,))
        )
        for partner in self:
            partner.idic_contact_due = partner.commercial_partner_id.id in due

    def _idic_contact_due_ids(self, where):
        self.env.flush_all()
        today = fields.Date.context_today(self)
        rows = self.env.execute_query(
            self._idic_cadence_due_sql(self.env.company, today, where)
        )
        return {row[0] for row in rows}

    def _search_idic_contact_due(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        self.env.flush_all()
        query = SQL(
            "SELECT partner_id FROM (%s) due",
            self._idic_cadence_due_sql(
                self.env.company, fields.Date.context_today(self)
            ),
        )
        positive = (operator == "in") == (True in value)
        return [("commercial_partner_id", "in" if positive else "not in", query)]

    # ------------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------------
    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["cadence"] = {
            "per_company": True,
            "stage": None,
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_cadence",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_contact_cadence",
            "helper_code": "model._cron_idic_contact_cadence(helper=True)",
        }
        return specs

    @api.model
    def _cron_idic_contact_cadence(self, helper=False, batch_size=50000):
        """Daily: give the customers due for a contact one to-do each. A
        ``helper`` action only takes ranges of the runs its job's own action
        started."""
        self.sudo().env["idic.recompute.run"]._idic_execute(
            "cadence", start=not helper, batch_size=batch_size
        )

    @api.model
    def _idic_cadence_activity_types(self):
        """Preferred channel -> activity type of the cadence to-do (a hook);
        ``False`` gives the type of the other channels."""
        types = {
            channel: self.env.ref(xmlid, raise_if_not_found=False)
            for channel, xmlid in CADENCE_ACTIVITY_TYPES.items()
        }
        types[False] = self.env.ref(DEFAULT_ACTIVITY_TYPE, raise_if_not_found=False)
        return {channel: t.id for channel, t in types.items() if t}

    @api.model
    def _idic_cadence_default_user(self, company):
        """Who gets the cadence to-do of a customer without an active
        salesperson: the company's follow-up responsible (Settings), else the
        default user of the to-do type."""
        return (
            company.idic_followup_user_id
            or self.env.ref(DEFAULT_ACTIVITY_TYPE, False).default_user_id
        )

    @api.model
    def _idic_job_apply_cadence(self, company, today, phase, start, end):
        """One to-do for each customer of the range due for a contact that may
        be contacted and has no open cadence activity, with its followers, in
        one statement. Returns how many were scheduled."""
        types = self._idic_cadence_activity_types()
        default_type = types.pop(False, None)
        if not default_type:
            return 0
        type_case = SQL("%s", default_type)
        if types:
            type_case = SQL(
                "CASE %s ELSE %s END",
                SQL(" ").join(
                    SQL("WHEN p.idic_preferred_channel = %s THEN %s", channel, tid)
                    for channel, tid in types.items()
                ),
                default_type,
            )
        default_user = self._idic_cadence_default_user(company.sudo())
        subtypes = (
            self.env["mail.message.subtype"].sudo()._default_subtypes("res.partner")[0]
        )
        where = SQL(
            """p.id >= %(start)s AND p.id < %(end)s
               AND NOT COALESCE(p.idic_do_not_contact, FALSE)
               AND NOT EXISTS (SELECT 1 FROM mail_blacklist b
                                WHERE b.active AND b.email = p.email_normalized)
               AND p.id NOT IN (SELECT a.res_id FROM mail_activity a
                                 WHERE a.idic_origin = 'cadence' AND a.active
                                   AND a.res_model = 'res.partner'
                                   AND a.res_id IS NOT NULL)""",
            start=start,
            end=end,
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH due AS (%(due)s),
                ins AS (
                    INSERT INTO mail_activity
                           (res_model_id, res_model, res_id, res_name,
                            activity_type_id, summary, date_deadline, user_id,
                            user_tz, automated, active, idic_origin,
                            create_uid, create_date, write_uid, write_date)
                    SELECT %(model)s, 'res.partner', p.id, p.complete_name,
                           %(type)s,
                           replace(%(summary)s, %(placeholder)s, d.cadence::text),
                           %(today)s, COALESCE(u.id, %(user)s), up.tz, TRUE, TRUE,
                           'cadence', %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM due d
                      JOIN res_partner p ON p.id = d.partner_id
                      LEFT JOIN res_users u
                        ON u.id = p.user_id AND u.active AND NOT u.share
                      LEFT JOIN res_users du ON du.id = COALESCE(u.id, %(user)s)
                      LEFT JOIN res_partner up ON up.id = du.partner_id
                    RETURNING res_id, user_id
                ),
                followers AS (
                    INSERT INTO mail_followers (res_model, res_id, partner_id)
                    SELECT DISTINCT 'res.partner', ins.res_id, u.partner_id
                      FROM ins JOIN res_users u ON u.id = ins.user_id
                        ON CONFLICT DO NOTHING
                    RETURNING id
                ),
                subtypes AS (
                    INSERT INTO mail_followers_mail_message_subtype_rel
                           (mail_followers_id, mail_message_subtype_id)
                    SELECT f.id, s.id
                      FROM followers f CROSS JOIN unnest(%(subtypes)s::int[]) AS s(id)
                        ON CONFLICT DO NOTHING
                )
                SELECT user_id, COUNT(*) FROM ins GROUP BY user_id
                """,
                due=self._idic_cadence_due_sql(
                    company, today, where, id_range=(start, end)
                ),
                model=self.env["ir.model"]._get_id("res.partner"),
                type=type_case,
                summary=self.env._("Keep in touch: contact every %(days)s days"),
                placeholder="%(days)s",
                today=today,
                user=default_user.id or None,
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
                subtypes=subtypes,
            )
        )
        self.env["mail.activity"].invalidate_model()
        self.env["mail.followers"].invalidate_model()
        Users = self.env["res.users"].sudo()
        for user_id, count in rows:
            if user_id:
                Users.browse(user_id)._bus_send(
                    "mail.activity/updated",
                    {"activity_created": True, "count_diff": count},
                )
        return sum(count for _user, count in rows)
