# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Relationship health measured from the data: the six principles of CRM as
figures, one row per company, month and figure, written monthly (and on
demand) so that trends exist. A month's row holds the figure at the end of
the month (at the moment of measuring for the current month)."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .survey_survey import HEALTH_AREAS

# key, label, principle, unit, higher is better, default target, measurable
# for past months (its data has dates)
FIGURES = [
    (
        "centricity_revenue",
        "Revenue from tiered customers with a preferred channel",
        "centricity",
        "%",
        True,
        50.0,
        False,
    ),
    (
        "understanding_completeness",
        "Profile completeness of active customers",
        "understanding",
        "%",
        True,
        70.0,
        False,
    ),
    (
        "communication_outbound",
        "Active customers contacted in the last 90 days",
        "communication",
        "%",
        True,
        60.0,
        True,
    ),
    ("response_median", "Median response time", "response", "h", False, 24.0, True),
    (
        "response_p90",
        "90th percentile response time",
        "response",
        "h",
        False,
        72.0,
        True,
    ),
    (
        "response_within_target",
        "Requests answered within the target hours",
        "response",
        "%",
        True,
        80.0,
        True,
    ),
    (
        "improvement_retention",
        "Customer retention",
        "improvement",
        "%",
        True,
        70.0,
        True,
    ),
    (
        "improvement_tier_moves",
        "Tier moves up minus down",
        "improvement",
        "",
        True,
        0.0,
        True,
    ),
    (
        "improvement_assessment",
        "Change of the last assessment's overall score",
        "improvement",
        "pt",
        True,
        0.0,
        True,
    ),
    (
        "alignment_multi_user",
        "Customers served by two or more users",
        "alignment",
        "%",
        True,
        30.0,
        True,
    ),
    (
        "alignment_outcome",
        "Interactions with a recorded outcome",
        "alignment",
        "%",
        True,
        80.0,
        True,
    ),
]
FIGURE_INFO = {row[0]: row for row in FIGURES}
# Within this share of the target (or 1 unit for a target of 0), "near".
NEAR_BAND = 0.1
# Days the customers' contacts are looked back for.
RECENT_DAYS = 90
STATUSES = [("on", "On target"), ("near", "Near target"), ("off", "Off target")]


def month_start(day):
    return day.replace(day=1)


class IdicHealthTarget(models.Model):
    _name = "idic.health.target"
    _inherit = ["idic.input.guard"]
    _description = "Relationship Health Target"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    figure = fields.Selection([row[:2] for row in FIGURES], required=True)
    sequence = fields.Integer(compute="_compute_info", store=True)
    principle = fields.Selection(HEALTH_AREAS, compute="_compute_info", store=True)
    unit = fields.Char(compute="_compute_unit")
    higher_is_better = fields.Boolean(compute="_compute_unit")
    target = fields.Float(required=True, digits=(16, 1))
    hours = fields.Float(
        string="Target Hours",
        default=24.0,
        help="For the share of requests answered in time: the hours within "
        "which an inbound request counts as answered in time.",
    )

    _company_figure_uniq = models.Constraint(
        "UNIQUE(company_id, figure)", "A figure has one target per company."
    )

    @api.depends("figure")
    def _compute_info(self):
        keys = [row[0] for row in FIGURES]
        for target in self:
            info = FIGURE_INFO.get(target.figure)
            target.sequence = keys.index(target.figure) if info else 0
            target.principle = info[2] if info else False

    @api.depends("figure")
    def _compute_unit(self):
        for target in self:
            info = FIGURE_INFO.get(target.figure)
            target.unit = self.env["idic.texts"]._idic_unit(info[3]) if info else ""
            target.higher_is_better = info[4] if info else True

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), hours=(0, 8760), target=(-1e9, 1e9))

    @api.constrains("hours", "target", "figure")
    def _check_values(self):
        for target in self:
            if target.hours <= 0:
                raise ValidationError(self.env._("The target hours must be positive."))
            unit = FIGURE_INFO[target.figure][3]
            if unit == "%" and not 0 <= target.target <= 100:
                raise ValidationError(
                    self.env._("A target share must lie between 0 and 100 %.")
                )
            if unit == "h" and target.target < 0:
                raise ValidationError(self.env._("A target time cannot be negative."))

    @api.model
    def _for_company(self, company):
        """The company's targets, created with their defaults when missing."""
        existing = self.sudo().search([("company_id", "=", company.id)])
        missing = set(FIGURE_INFO) - set(existing.mapped("figure"))
        if missing:
            existing |= self.sudo().create(
                [
                    {
                        "company_id": company.id,
                        "figure": key,
                        "target": FIGURE_INFO[key][5],
                    }
                    for key in sorted(missing)
                ]
            )
        return {target.figure: target for target in existing}

    @api.model
    def action_open_targets(self):
        """The targets of the selected companies; a relationship manager's
        opening creates those missing, with their defaults."""
        self.check_access("read")
        if self.has_access("create"):
            for company in self.env.companies:
                self._for_company(company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Health Targets"),
            "res_model": self._name,
            "view_mode": "list",
            "domain": [("company_id", "in", self.env.companies.ids)],
        }


class IdicHealthSnapshot(models.Model):
    _name = "idic.health.snapshot"
    _description = "Relationship Health Snapshot"
    _order = "month desc, sequence, id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    month = fields.Date(required=True, index=True, readonly=True)
    figure = fields.Selection(
        [row[:2] for row in FIGURES], required=True, readonly=True
    )
    sequence = fields.Integer(readonly=True)
    principle = fields.Selection(HEALTH_AREAS, readonly=True)
    value = fields.Float(readonly=True, aggregator="avg")
    target = fields.Float(readonly=True, aggregator="avg")
    status = fields.Selection(STATUSES, readonly=True)
    sample = fields.Integer(
        string="Counted",
        readonly=True,
        aggregator="sum",
        help="How many customers, interactions or requests the figure counts.",
    )
    measured_at = fields.Datetime(readonly=True)

    _company_month_figure_uniq = models.Constraint(
        "UNIQUE(company_id, month, figure)",
        "A figure is measured once per company and month.",
    )

    @api.depends("figure", "value")
    def _compute_display_name(self):
        labels = dict(self._fields["figure"]._description_selection(self.env))
        for snapshot in self:
            unit = self.env["idic.texts"]._idic_unit(
                FIGURE_INFO.get(snapshot.figure, ("",) * 4)[3]
            )
            label = labels.get(snapshot.figure, "")
            snapshot.display_name = f"{label}: {snapshot.value:,.1f} {unit}".strip()

    # ------------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------------
    @api.model
    def _status(self, figure, value, target):
        higher = FIGURE_INFO[figure][4]
        band = abs(target) * NEAR_BAND or 1.0
        gap = value - target if higher else target - value
        if gap >= 0:
            return "on"
        return "near" if gap >= -band else "off"

    @api.model
    def _headline(self, company, principle, day):
        """The last snapshot of the first figure of ``principle`` measured
        for a month up to ``day``."""
        if not (company and principle and day):
            return self.browse()
        keys = [row[0] for row in FIGURES if row[2] == principle]
        return self.search(
            [
                ("company_id", "=", company.id),
                ("figure", "in", keys),
                ("month", "<=", day),
            ],
            order="month desc, sequence",
            limit=1,
        )

    # ------------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------------
    @api.model
    def _figures_sql(self, company, start, end, hours):
        """One statement giving ``(figure, value, sample)`` of every figure of
        ``company`` for the month starting ``start``, measured at ``end``."""
        return SQL(
            """
            WITH invoices AS (
                SELECT m.commercial_partner_id AS pid, m.move_type,
                       m.invoice_date, m.amount_untaxed_signed AS amount
                  FROM account_move m
                 WHERE %(counted)s
                   AND m.invoice_date >= %(day_end)s - interval '24 months'
                   AND m.invoice_date < %(day_end)s
            ),
            active AS (
                SELECT DISTINCT pid FROM invoices
                 WHERE move_type = 'out_invoice'
                   AND invoice_date >= %(day_end)s - interval '12 months'
            ),
            prior AS (
                SELECT DISTINCT pid FROM invoices
                 WHERE move_type = 'out_invoice'
                   AND invoice_date < %(day_end)s - interval '12 months'
            ),
            revenue AS (
                SELECT i.pid, SUM(i.amount) AS amount
                  FROM invoices i
                 WHERE i.invoice_date >= %(day_end)s - interval '12 months'
                 GROUP BY i.pid
            ),
            recent AS (
                SELECT commercial_partner_id AS pid, direction, user_id
                  FROM idic_interaction
                 WHERE company_id = %(company)s
                   AND date >= %(end)s::timestamp - make_interval(days => %(days)s)
                   AND date < %(end)s::timestamp
            ),
            month_interactions AS (
                SELECT direction, outcome, response_date, response_hours
                  FROM idic_interaction
                 WHERE company_id = %(company)s
                   AND date >= %(start)s AND date < %(end)s
            ),
            requests AS (
                SELECT * FROM month_interactions WHERE direction = 'inbound'
            ),
            served AS (
                SELECT pid, COUNT(DISTINCT user_id) AS users FROM recent GROUP BY pid
            ),
            assessment AS (
                SELECT a.overall_score - (
                           SELECT b.overall_score FROM idic_assessment b
                            WHERE b.company_id = a.company_id
                              AND b.framework = a.framework
                              AND b.state = 'closed'
                              AND (b.date, b.id) < (a.date, a.id)
                            ORDER BY b.date DESC, b.id DESC LIMIT 1
                       ) AS change
                  FROM idic_assessment a
                 WHERE a.company_id = %(company)s AND a.state = 'closed'
                   AND a.date < %(day_end)s
                 ORDER BY a.date DESC, a.id DESC LIMIT 1
            )
            SELECT 'centricity_revenue',
                   100.0 * SUM(r.amount) FILTER (
                       WHERE p.idic_value_tier_id ->> %(key)s IS NOT NULL
                         AND p.idic_preferred_channel IS NOT NULL
                   ) / NULLIF(SUM(r.amount), 0),
                   COUNT(*)
              FROM revenue r JOIN res_partner p ON p.id = r.pid
            UNION ALL
            SELECT 'understanding_completeness', AVG(p.idic_profile_completeness), COUNT(*)
              FROM active a JOIN res_partner p ON p.id = a.pid
            UNION ALL
            SELECT 'communication_outbound',
                   100.0 * COUNT(o.pid) / NULLIF(COUNT(*), 0), COUNT(*)
              FROM active a
              LEFT JOIN (SELECT DISTINCT pid FROM recent
                          WHERE direction = 'outbound') o ON o.pid = a.pid
            UNION ALL
            SELECT 'response_median',
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY response_hours)
                       FILTER (WHERE response_date IS NOT NULL),
                   COUNT(*) FILTER (WHERE response_date IS NOT NULL)
              FROM requests
            UNION ALL
            SELECT 'response_p90',
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY response_hours)
                       FILTER (WHERE response_date IS NOT NULL),
                   COUNT(*) FILTER (WHERE response_date IS NOT NULL)
              FROM requests
            UNION ALL
            SELECT 'response_within_target',
                   100.0 * COUNT(*) FILTER (
                       WHERE response_date IS NOT NULL AND response_hours <= %(hours)s
                   ) / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM requests
            UNION ALL
            SELECT 'improvement_retention',
                   100.0 * COUNT(a.pid) / NULLIF(COUNT(*), 0), COUNT(*)
              FROM prior LEFT JOIN active a ON a.pid = prior.pid
            UNION ALL
            SELECT 'improvement_tier_moves',
                   COUNT(*) FILTER (WHERE direction = 'up')
                   - COUNT(*) FILTER (WHERE direction = 'down'),
                   COUNT(*)
              FROM idic_tier_history
             WHERE company_id = %(company)s AND date >= %(start)s AND date < %(end)s
            UNION ALL
            SELECT 'improvement_assessment', change, 1 FROM assessment
            UNION ALL
            SELECT 'alignment_multi_user',
                   100.0 * COUNT(*) FILTER (WHERE users >= 2) / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM served
            UNION ALL
            SELECT 'alignment_outcome',
                   100.0 * COUNT(outcome) / NULLIF(COUNT(*), 0), COUNT(*)
              FROM month_interactions
            """,
            company=company.id,
            counted=self.env["res.partner"]._idic_value_moves_sql(company),
            key=str(company.id),
            start=start,
            end=end,
            # Invoices count by day: up to the last day of the measure.
            day_end=(end - relativedelta(microseconds=1)).date()
            + relativedelta(days=1),
            hours=hours,
            days=RECENT_DAYS,
        )

    @api.model
    def _measure_month(self, company, month, now=None):
        """Write the figures of ``company`` for the month starting ``month``
        (measured at its end, or at ``now`` for the current month); the same
        month measured again replaces its rows. Figures whose data has no
        history (tiers and channels, completeness) are written only when the
        month ends within two days of ``now``."""
        now = now or fields.Datetime.now()
        start = fields.Datetime.to_datetime(month_start(month))
        end = min(start + relativedelta(months=1), now)
        if end <= start:
            return self.browse()
        live = end >= now - relativedelta(days=2)
        targets = self.env["idic.health.target"]._for_company(company)
        self.env.flush_all()
        rows = self.env.execute_query(
            self._figures_sql(
                company, start, end, targets["response_within_target"].hours
            )
        )
        keys = [row[0] for row in FIGURES]
        vals_list = []
        for figure, value, sample in rows:
            if value is None or not (live or FIGURE_INFO[figure][6]):
                continue
            target = targets[figure].target
            vals_list.append(
                {
                    "company_id": company.id,
                    "month": start.date(),
                    "figure": figure,
                    "sequence": keys.index(figure),
                    "principle": FIGURE_INFO[figure][2],
                    "value": float(value),
                    "target": target,
                    "status": self._status(figure, float(value), target),
                    "sample": sample,
                    "measured_at": now,
                }
            )
        Snapshot = self.sudo()
        Snapshot.search(
            [("company_id", "=", company.id), ("month", "=", start.date())]
        ).unlink()
        return Snapshot.create(vals_list)

    @api.model
    def _measure_company(self, company, months=1, now=None):
        """The last ``months`` months of ``company``, current one included."""
        now = now or fields.Datetime.now()
        first = month_start(now.date())
        snapshots = self.browse()
        for back in range(months - 1, -1, -1):
            snapshots |= self._measure_month(
                company, first - relativedelta(months=back), now
            )
        return snapshots

    @api.model
    def _cron_health_snapshot(self, helper=False):
        """Monthly: the month just ended and the current one of every
        company; the past 12 months once for a company measured the first
        time. Idempotent: a month measured again replaces its rows. A run of
        ``idic.recompute.run`` with one range per company: several workers
        measure several companies, and an interrupted run resumes with the
        companies not measured yet. A ``helper`` action only joins a run the
        job's own action started."""
        return (
            self.env["idic.recompute.run"]
            .sudo()
            ._idic_execute("health", batch_size=1, start=not helper)
        )

    @api.model
    def _idic_measure_companies(self, id_from, id_to):
        """The job's range: the companies ``id_from <= id < id_to``."""
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("id", ">=", id_from), ("id", "<", id_to)])
        )
        for company in companies:
            known = self.sudo().search_count([("company_id", "=", company.id)], limit=1)
            self._measure_company(company, months=2 if known else 12)
        return len(companies)

    @api.model
    def action_measure_now(self):
        """Managers: measure the current month of the selected companies."""
        return self._measure_selected_companies(months=2)

    @api.model
    def action_backfill(self):
        """Managers: measure the past 12 months of the selected companies."""
        return self._measure_selected_companies(months=12)

    @api.model
    def _measure_selected_companies(self, months):
        self._check_manager()
        for company in self.env.companies:
            self._measure_company(company, months=months)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._(
                    "Only relationship managers measure the relationship health."
                )
            )


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["health"] = {
            "per_company": False,
            "stage": None,
            "tables": ["res_company"],  # one range per company
            "apply": "_idic_job_apply_health",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_health_snapshot",
            "helper_code": "model._cron_health_snapshot(helper=True)",
        }
        return specs

    @api.model
    def _idic_job_apply_health(self, company, today, phase, start, end):
        return self.env["idic.health.snapshot"]._idic_measure_companies(start, end)
