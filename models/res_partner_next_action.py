# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Next best action (issue #25): per customer and company, the action of the
first rule (``idic.action.rule``, by priority) it matches, set nightly on the
recompute frame, set-based per range; and the one click that does it."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_amount, format_date

from .idic_action_rule import ACTION_KINDS, INTERNAL_KINDS
from .res_partner_value import put_company_value

# The partner figure each tier basis places customers by.
TIER_BASIS_COLUMNS = {
    "clv": "idic_clv",
    "monetary": "idic_monetary",
    "rfm": "idic_rfm_total",
    "donation": "idic_donation_total",
    "engagement": "idic_engagement_value",
    "predicted_clv": "idic_predicted_clv",
    "p_alive": "idic_p_alive",
}
NEXT_ACTION_COLUMNS = [
    "idic_next_action",
    "idic_next_action_rule_id",
    "idic_next_action_priority",
    "idic_next_action_date",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_next_action = fields.Selection(
        ACTION_KINDS,
        string="Next Action",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="What to do next for this customer, by the first next best action "
        "rule it matches (set nightly).",
    )
    idic_next_action_rule_id = fields.Many2one(
        "idic.action.rule",
        string="Next Action Rule",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    idic_next_action_priority = fields.Integer(
        string="Action Priority",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    idic_next_action_date = fields.Date(
        string="Action Since",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Since when the customer has had this next action.",
    )
    idic_next_action_reason = fields.Char(
        string="Why",
        compute="_compute_idic_next_action_reason",
        groups="base.group_user",
    )
    idic_next_tier_progress = fields.Integer(
        string="Progress to Next Tier (%)",
        compute="_compute_idic_next_tier",
        search="_search_idic_next_tier_progress",
        groups="base.group_user",
        help="The customer's figure as a share of the minimum of the next value "
        "tier of the current company; empty in the top tier.",
    )
    idic_next_tier_id = fields.Many2one(
        "idic.value.tier",
        string="Next Tier",
        compute="_compute_idic_next_tier",
        groups="base.group_user",
    )
    idic_next_tier_gap = fields.Float(
        string="To the Next Tier",
        compute="_compute_idic_next_tier",
        groups="base.group_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # Set by the rules only: a new contact (an import, a copy) starts
            # without.
            vals_list = [
                {k: v for k, v in vals.items() if k not in NEXT_ACTION_COLUMNS}
                for vals in vals_list
            ]
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get("idic_partner_merge"):
            # The host's merge carried them over in SQL already; ignoring them
            # changes nothing.
            vals = {k: v for k, v in vals.items() if k not in NEXT_ACTION_COLUMNS}
        written = set(NEXT_ACTION_COLUMNS) & set(vals)
        if written and not self.env.su:
            raise AccessError(
                self.env._(
                    "The next best action is set by its rules, never typed: "
                    "%(fields)s cannot be changed.",
                    fields=", ".join(sorted(written)),
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------------
    # Progress to the next tier
    # ------------------------------------------------------------------------
    @api.model
    def _idic_next_tier_sql(self, company, where=None):
        """SQL selecting ``(partner_id, progress, next_tier_id, gap)`` of the
        partners (alias ``p``, matching ``where``) with a figure below the
        top tier of ``company``: the figure of the tiers' basis as a whole
        percentage of the next tier's minimum. None: the company has no
        tiers."""
        tier = (
            self.env["idic.value.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], limit=1)
        )
        column = TIER_BASIS_COLUMNS.get(tier.basis)
        if not tier or not column or column not in self._fields:
            return None
        return SQL(
            """
            SELECT p.id AS partner_id,
                   FLOOR(100 * f.v / nt.min_threshold)::int AS progress,
                   nt.id AS next_tier_id, nt.min_threshold - f.v AS gap
              FROM res_partner p
             CROSS JOIN LATERAL (SELECT (%(col)s ->> %(key)s)::float AS v) f
              JOIN LATERAL (
                   SELECT t.id, t.min_threshold FROM idic_value_tier t
                    WHERE t.company_id = %(company)s AND t.active
                      AND t.min_threshold > f.v
                    ORDER BY t.min_threshold LIMIT 1
                   ) nt ON TRUE
             WHERE f.v IS NOT NULL AND f.v >= 0 AND nt.min_threshold > 0
               AND %(where)s
            """,
            col=SQL.identifier("p", column),
            key=str(company.id),
            company=company.id,
            where=where or SQL("TRUE"),
        )

    def _compute_idic_next_tier(self):
        rows = {}
        query = self._idic_next_tier_sql(
            self.env.company, SQL("p.id IN %s", tuple(self.ids) or (0,))
        )
        if query is not None and self.ids:
            self.env.flush_all()
            rows = {row[0]: row[1:] for row in self.env.execute_query(query)}
        Tier = self.env["idic.value.tier"]
        for partner in self:
            progress, tier_id, gap = rows.get(partner.id, (0, False, 0.0))
            partner.idic_next_tier_progress = progress
            partner.idic_next_tier_id = Tier.browse(tier_id)
            partner.idic_next_tier_gap = gap

    def _search_idic_next_tier_progress(self, operator, value):
        operators = {">": ">", ">=": ">=", "<": "<", "<=": "<="}
        if operator not in operators or not isinstance(value, int | float):
            return NotImplemented
        query = self._idic_next_tier_sql(self.env.company)
        if query is None:
            return Domain.FALSE
        self.env.flush_all()
        return [
            (
                "id",
                "in",
                SQL(
                    "SELECT partner_id FROM (%s) n WHERE n.progress %s %s",
                    query,
                    SQL(operators[operator]),
                    value,
                ),
            )
        ]

    # ------------------------------------------------------------------------
    # The reason, in the reader's language
    # ------------------------------------------------------------------------
    def _idic_reason_values(self):
        """The figures a rule's reason may name, for this customer in the
        current company."""
        self.ensure_one()
        env = self.env
        currency = env.company.currency_id
        partner = self.sudo()
        segments = dict(self._fields["idic_rfm_segment"]._description_selection(env))
        cadence = partner.idic_contact_frequency or (
            partner.idic_value_tier_id.contact_frequency_days
        )
        last = (
            env["idic.interaction"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("direction", "=", "outbound"),
                    ("company_id", "=", env.company.id),
                ],
                limit=1,
            )
        )
        return {
            "clv": format_amount(env, partner.idic_clv, currency),
            "p_alive": round(100 * partner.idic_p_alive),
            "rfm": partner.idic_rfm_total,
            "r": partner.idic_r_score,
            "f": partner.idic_f_score,
            "m": partner.idic_m_score,
            "segment": segments.get(partner.idic_rfm_segment, ""),
            "frequency": partner.idic_frequency,
            "tier": partner.idic_value_tier_id.name or "-",
            "next_tier": partner.idic_next_tier_id.name or "-",
            "tier_progress": partner.idic_next_tier_progress,
            "tier_gap": format_amount(env, partner.idic_next_tier_gap, currency),
            "completeness": partner.idic_profile_completeness,
            "last_contact": format_date(env, last.date) if last else "-",
            "cadence": cadence or "-",
            "member_end": format_date(env, partner.idic_member_end) or "-",
            "last_invoice": format_date(env, partner.idic_last_invoice_date) or "-",
        }

    @api.depends_context("company", "lang")
    def _compute_idic_next_action_reason(self):
        for partner in self:
            rule = partner.sudo().idic_next_action_rule_id
            partner.idic_next_action_reason = (
                rule._render_reason(partner._idic_reason_values()) if rule else False
            )

    # ------------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------------
    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["next_action"] = {
            "per_company": True,
            "stage": "_idic_job_stage_next_action",
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_next_action",
            "candidates": "_idic_next_action_candidates_sql",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_next_action",
            "helper_code": "model._cron_idic_next_action(helper=True)",
        }
        return specs

    @api.model
    def _cron_idic_next_action(self, helper=False, batch_size=50000):
        """Nightly, after the value job: the next best action of every
        customer of every company. A ``helper`` action only takes ranges of
        the runs its job's own action started."""
        self.sudo().env["idic.recompute.run"]._idic_execute(
            "next_action", start=not helper, batch_size=batch_size
        )

    @api.model
    def _idic_next_action_matches_sql(self, company, start=None, end=None):
        """SQL selecting ``(partner_id, rule_id, kind, priority)`` of every
        rule of ``company`` each partner (``start <= id < end`` when given)
        matches."""
        rules = (
            self.env["idic.action.rule"]
            .sudo()
            .search([("company_id", "in", (False, company.id))])
        )
        Partner = self.sudo().with_company(company).with_context(active_test=True)
        parts = []
        for rule in rules:
            domain = rule._get_domain()
            if start is not None:
                domain &= Domain("id", ">=", start) & Domain("id", "<", end)
            query = Partner._search(domain)
            parts.append(
                query.select(
                    SQL("%s AS partner_id", SQL.identifier(query.table, "id")),
                    SQL("%s AS rule_id", rule.id),
                    SQL("%s AS kind", rule.kind),
                    SQL("%s AS priority", rule.sequence),
                )
            )
        if not parts:
            return SQL(
                "SELECT NULL::int AS partner_id, NULL::int AS rule_id,"
                " NULL::varchar AS kind, NULL::int AS priority WHERE FALSE"
            )
        return SQL(" UNION ALL ").join(parts)

    @api.model
    def _idic_job_stage_next_action(self, company, today):
        """The staging table of ``company``: per customer, the first rule
        (by priority) it matches, out of its cool-down, in one statement:
        each rule's filter is evaluated once for the whole run. Returns its
        rows."""
        cr = self.env.cr
        table = self._idic_staging()
        matches = self._idic_next_action_matches_sql(company)
        self.env.flush_all()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(
            SQL(
                """
                CREATE %(kind)s TABLE %(table)s AS
                WITH matches AS (%(matches)s)
                SELECT DISTINCT ON (m.partner_id)
                       m.partner_id, m.rule_id, m.kind::varchar AS kind,
                       m.priority
                  FROM matches m
                  JOIN res_partner p ON p.id = m.partner_id
                  JOIN idic_action_rule r ON r.id = m.rule_id
                 WHERE %(scope)s
                   AND (NOT COALESCE(p.idic_do_not_contact, FALSE)
                        OR m.kind IN %(internal)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM idic_action_log l
                        WHERE l.partner_id = m.partner_id
                          AND l.rule_id = m.rule_id
                          AND l.company_id = %(company)s
                          AND l.date >= %(now)s - make_interval(days => r.cooldown_days))
                 ORDER BY m.partner_id, m.priority, m.rule_id
                """,
                kind=self._idic_staging_kind(),
                table=table,
                matches=matches,
                scope=self._idic_customer_scope_sql(company),
                internal=INTERNAL_KINDS,
                company=company.id,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        rows = cr.rowcount
        cr.execute(SQL("CREATE UNIQUE INDEX ON %s (partner_id)", table))
        cr.execute(SQL("ANALYZE %s", table))
        return rows

    @api.model
    def _idic_next_action_candidates_sql(self, company):
        """The ids of the partners the next action job of ``company`` may
        write: those with a staged action, and those with one to clear."""
        return SQL(
            """SELECT t.partner_id AS id FROM %s t
               UNION
               SELECT p.id FROM res_partner p WHERE p.idic_next_action_rule_id ? %s""",
            self._idic_staging(),
            str(company.id),
        )

    @api.model
    def _idic_job_apply_next_action(self, company, today, phase, start, end):
        """Write the staged next actions of ``company`` to the customers
        ``start <= id < end`` (and clear it where no rule applies any more)
        in one statement; returns how many partners changed."""
        key = str(company.id)

        def put(column, value):
            return put_company_value(column, key, value)

        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH src AS (
                    SELECT p.id, t.rule_id, t.kind, t.priority,
                           (p.idic_next_action_rule_id ->> %(key)s)::int AS old_rule
                      FROM res_partner p
                      LEFT JOIN %(staging)s t ON t.partner_id = p.id
                     WHERE p.id >= %(start)s AND p.id < %(end)s
                       AND (t.partner_id IS NOT NULL
                            OR p.idic_next_action_rule_id ? %(key)s)
                )
                UPDATE res_partner p
                   SET %(set_kind)s, %(set_rule)s, %(set_priority)s, %(set_date)s
                  FROM src
                 WHERE p.id = src.id
                   AND (src.rule_id IS DISTINCT FROM src.old_rule
                        OR p.idic_next_action ->> %(key)s IS DISTINCT FROM src.kind
                        OR (p.idic_next_action_priority ->> %(key)s)::int
                           IS DISTINCT FROM src.priority)
                """,
                staging=self._idic_staging(),
                key=key,
                start=start,
                end=end,
                set_kind=put("idic_next_action", SQL("to_jsonb(src.kind)")),
                set_rule=put("idic_next_action_rule_id", SQL("to_jsonb(src.rule_id)")),
                set_priority=put(
                    "idic_next_action_priority", SQL("to_jsonb(src.priority)")
                ),
                set_date=put(
                    "idic_next_action_date",
                    SQL(
                        """CASE WHEN src.rule_id IS NULL THEN NULL
                                WHEN src.rule_id = src.old_rule
                                     AND p.idic_next_action_date ? %s
                                THEN p.idic_next_action_date -> %s
                                ELSE to_jsonb(%s::date) END""",
                        key,
                        key,
                        today,
                    ),
                ),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(NEXT_ACTION_COLUMNS)
        return count

    @api.model
    def _idic_refresh_next_actions(self, companies=None):
        """Managers and tests: the next actions of ``companies`` (all by
        default) now, in this transaction."""
        return self.env["idic.recompute.run"]._idic_execute(
            "next_action", companies, commit=False
        )

    # ------------------------------------------------------------------------
    # Doing it
    # ------------------------------------------------------------------------
    def _idic_check_can_act(self):
        """Relationship users act on the customers of their companies they
        may read."""
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            raise AccessError(
                self.env._("Only relationship users act on next best actions.")
            )
        self.check_access("read")

    def _idic_clear_next_action(self):
        """This customer's next action in the current company is done: it
        leaves the list until the job finds one again."""
        key = str(self.env.company.id)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner p SET %s WHERE p.id IN %s",
                SQL(", ").join(
                    put_company_value(column, key, SQL("NULL::jsonb"))
                    for column in NEXT_ACTION_COLUMNS
                ),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(NEXT_ACTION_COLUMNS)

    def _idic_log_action(self, rule, how):
        """Record the action done on these customers and take it off their
        list."""
        company = self.env.company
        reasons = {p.id: p.idic_next_action_reason for p in self}
        self.env["idic.action.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "rule_id": rule.id,
                    "kind": rule.kind,
                    "how": how,
                    "reason": reasons[partner.id],
                    "company_id": company.id,
                    "user_id": self.env.uid,
                }
                for partner in self
            ]
        )
        labels = dict(
            self.env["idic.action.log"]._fields["how"]._description_selection(self.env)
        )
        for partner in self.sudo():
            partner.message_post(
                body=self.env._(
                    "Next best action %(action)s: %(how)s. %(reason)s",
                    action=rule.name,
                    how=labels[how],
                    reason=reasons[partner.id] or "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._idic_clear_next_action()

    def _idic_schedule_todo(self, rule):
        """A to-do of the rule for the current user: its activity type, else
        the type of the customer's preferred channel."""
        self.ensure_one()
        types = self._idic_cadence_activity_types()
        type_id = rule.activity_type_id.id or types.get(
            self.idic_preferred_channel, types.get(False)
        )
        return (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.id,
                    "activity_type_id": type_id,
                    "summary": rule.name,
                    "note": self.idic_next_action_reason,
                    "user_id": self.env.uid,
                    "idic_origin": "next_action",
                }
            )
        )

    def _idic_launch_plan(self, plan, origin):
        """Schedule the activities of ``plan`` on these customers, each for
        its template's responsible (the salesperson, else the current
        user)."""
        Activity = self.env["mail.activity"].sudo()
        model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for partner in self:
            fallback = partner.user_id or self.env.user
            for template in plan.template_ids:
                responsible = (
                    template._determine_responsible(fallback, partner)["responsible"]
                    if template.responsible_type != "on_demand"
                    else fallback
                )
                vals_list.append(
                    {
                        "res_model_id": model,
                        "res_id": partner.id,
                        "activity_type_id": template.activity_type_id.id,
                        "summary": template.summary,
                        "note": template.note,
                        "user_id": (responsible or fallback).id,
                        "date_deadline": template._get_date_deadline(),
                        "idic_origin": origin,
                    }
                )
        return Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    def action_idic_do_next_action(self):
        """One click: do this customer's next action (launch the rule's plan,
        open its e-mail, give its offer, or schedule a to-do) and log it."""
        self.ensure_one()
        self._idic_check_can_act()
        rule = self.sudo().idic_next_action_rule_id
        if not rule:
            raise UserError(
                self.env._(
                    "%(customer)s has no next action in %(company)s.",
                    customer=self.display_name,
                    company=self.env.company.name,
                )
            )
        result = True
        if rule.plan_id:
            self._idic_launch_plan(rule.plan_id, "next_action")
            how = "plan"
        elif rule.mail_template_id:
            result = self._idic_composer_action(rule.mail_template_id)
            how = "mail"
        elif rule.loyalty_program_id:
            self.env["idic.segment.action"]._idic_give_offer(
                rule.loyalty_program_id, rule.offer_points, self, rule.name
            )
            how = "offer"
        else:
            self._idic_schedule_todo(rule)
            how = "activity"
        self._idic_log_action(rule, how)
        if result is True:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "%(action)s: done for %(customer)s.",
                        action=rule.name,
                        customer=self.display_name,
                    ),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return result

    def action_idic_skip_next_action(self):
        """Not now: the rule leaves this customer alone for its cool-down
        days."""
        self._idic_check_can_act()
        for partner in self:
            rule = partner.sudo().idic_next_action_rule_id
            if rule:
                partner._idic_log_action(rule, "skip")
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _idic_composer_action(self, template):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send an E-mail"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "mail.mt_comment",
            },
        }
