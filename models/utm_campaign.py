# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Campaigns of the segment actions (issue #25): who was in the target and
in the control group, and whether the action worked: the share of members
who bought and the revenue per member over a window after the action, with
the uplift of the target over the control and its 95 % confidence interval
(``campaign_stats``)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, format_amount

from . import campaign_stats

DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 730
# Days after the end of its window a campaign is still measured (invoices
# posted late, credit notes).
MEASURE_AFTER_DAYS = 60
CONFIDENCE = 0.95
RESULT_FIELDS = (
    "idic_target_count",
    "idic_control_count",
    "idic_target_buyers",
    "idic_control_buyers",
    "idic_target_conversion",
    "idic_control_conversion",
    "idic_uplift",
    "idic_uplift_low",
    "idic_uplift_high",
    "idic_uplift_p_value",
    "idic_target_revenue",
    "idic_control_revenue",
    "idic_revenue_uplift",
    "idic_revenue_uplift_low",
    "idic_revenue_uplift_high",
    "idic_revenue_p_value",
    "idic_results_state",
    "idic_results_date",
)
# Set when the campaign is made, never edited afterwards.
SETUP_FIELDS = (
    "idic_company_id",
    "idic_action_date",
    "idic_window_days",
    "idic_control_share",
    "idic_source",
    "idic_actions",
)


def _result(string, help_text=None, **kwargs):
    return fields.Float(
        string=string, readonly=True, copy=False, help=help_text, **kwargs
    )


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    idic_company_id = fields.Many2one(
        "res.company", string="Company", readonly=True, index="btree_not_null"
    )
    idic_currency_id = fields.Many2one(related="idic_company_id.currency_id")
    idic_source = fields.Char(
        string="Segment", readonly=True, help="The customers the action was for."
    )
    idic_actions = fields.Char(string="Actions", readonly=True)
    idic_action_date = fields.Datetime(string="Acted On", readonly=True, copy=False)
    idic_window_days = fields.Integer(
        string="Window (days)",
        readonly=True,
        help="Purchases are counted over so many days after the action.",
    )
    idic_control_share = fields.Float(string="Control Group (%)", readonly=True)
    idic_member_ids = fields.One2many(
        "idic.campaign.member", "campaign_id", string="Members", readonly=True
    )
    idic_mailing_list_id = fields.Many2one(
        "mailing.list", string="Mailing List", readonly=True, copy=False
    )
    idic_target_count = fields.Integer(string="Target", readonly=True, copy=False)
    idic_control_count = fields.Integer(string="Control", readonly=True, copy=False)
    idic_target_buyers = fields.Integer(
        string="Target Buyers", readonly=True, copy=False
    )
    idic_control_buyers = fields.Integer(
        string="Control Buyers", readonly=True, copy=False
    )
    idic_target_conversion = _result(
        "Target Bought (%)", "Share of the target group that bought in the window."
    )
    idic_control_conversion = _result(
        "Control Bought (%)", "Share of the control group that bought in the window."
    )
    idic_uplift = _result(
        "Uplift (points)",
        "Target share minus control share, in percentage points.",
    )
    idic_uplift_low = _result("Uplift 95% Low")
    idic_uplift_high = _result("Uplift 95% High")
    idic_uplift_p_value = _result(
        "Uplift p-value", "Two-proportion z-test of equal shares.", digits=(16, 4)
    )
    idic_target_revenue = _result("Target Revenue per Member", digits="Account")
    idic_control_revenue = _result("Control Revenue per Member", digits="Account")
    idic_revenue_uplift = _result(
        "Revenue Uplift per Member",
        "Target revenue per member minus control revenue per member.",
        digits="Account",
    )
    idic_revenue_uplift_low = _result("Revenue Uplift 95% Low", digits="Account")
    idic_revenue_uplift_high = _result("Revenue Uplift 95% High", digits="Account")
    idic_revenue_p_value = _result(
        "Revenue p-value", "Welch's t-test of equal means.", digits=(16, 4)
    )
    idic_results_state = fields.Selection(
        [
            ("measuring", "Window open"),
            ("final", "Window over"),
            ("no_control", "No control group"),
        ],
        string="Results",
        readonly=True,
        copy=False,
    )
    idic_results_date = fields.Datetime(string="Measured On", readonly=True, copy=False)
    idic_significant = fields.Boolean(
        string="Significant",
        compute="_compute_idic_significant",
        help="The 95% interval of the uplift of the share who bought excludes 0.",
    )
    idic_results_chart = fields.Json(
        string="Results Chart", compute="_compute_idic_results_chart"
    )

    @api.depends("idic_uplift_low", "idic_uplift_high", "idic_results_state")
    def _compute_idic_significant(self):
        for campaign in self:
            campaign.idic_significant = bool(
                campaign.idic_results_state in ("measuring", "final")
                and (campaign.idic_uplift_low > 0 or campaign.idic_uplift_high < 0)
            )

    @api.depends_context("lang")
    @api.depends(*RESULT_FIELDS)
    def _compute_idic_results_chart(self):
        for campaign in self:
            campaign.idic_results_chart = (
                campaign._idic_chart_data() if campaign.idic_action_date else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        protected = set(RESULT_FIELDS + SETUP_FIELDS)
        if not self.env.su and any(protected & set(vals) for vals in vals_list):
            raise AccessError(
                self.env._(
                    "A campaign of a segment action is made by the segment action."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        protected = set(RESULT_FIELDS + SETUP_FIELDS) & set(vals)
        if protected and not self.env.su:
            raise AccessError(
                self.env._(
                    "The results of a campaign are measured, never typed: "
                    "%(fields)s cannot be changed.",
                    fields=", ".join(sorted(protected)),
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------------
    def _idic_window(self):
        """(first day, first day after) of the window of this campaign."""
        self.ensure_one()
        start = self.idic_action_date.date()
        return start, start + timedelta(days=self.idic_window_days or 0)

    def _idic_measure_sql(self):
        """One statement: each member's purchases in the window (its invoices
        and credit notes in the company, dated from the action's day and
        created after the action: an invoice made before the action never
        counts) written on the member, and per group its size, buyers, and
        the mean and sample variance of the revenue per member."""
        self.ensure_one()
        start, end = self._idic_window()
        return SQL(
            """
            WITH m AS (
                SELECT cm.id, cm."group" AS grp, p.commercial_partner_id AS cp
                  FROM idic_campaign_member cm
                  JOIN res_partner p ON p.id = cm.partner_id
                 WHERE cm.campaign_id = %(campaign)s
            ),
            rev AS (
                SELECT m.id, m.grp,
                       COALESCE(SUM(mv.amount_untaxed_signed), 0)::float8 AS revenue,
                       COALESCE(BOOL_OR(mv.move_type = 'out_invoice'), FALSE) AS bought
                  FROM m
                  LEFT JOIN account_move mv
                    ON mv.commercial_partner_id = m.cp
                   AND mv.company_id = %(company)s
                   AND mv.state = 'posted'
                   AND mv.move_type IN ('out_invoice', 'out_refund')
                   AND mv.invoice_date >= %(start)s AND mv.invoice_date < %(end)s
                   AND mv.create_date >= %(acted)s
                 GROUP BY m.id, m.grp
            ),
            upd AS (
                UPDATE idic_campaign_member cm
                   SET bought = rev.bought, revenue = rev.revenue
                  FROM rev
                 WHERE cm.id = rev.id
                   AND (cm.bought IS DISTINCT FROM rev.bought
                        OR cm.revenue IS DISTINCT FROM rev.revenue)
            )
            SELECT rev.grp, COUNT(*), COUNT(*) FILTER (WHERE rev.bought),
                   AVG(rev.revenue), COALESCE(VAR_SAMP(rev.revenue), 0)
              FROM rev GROUP BY rev.grp
            """,
            campaign=self.id,
            company=self.idic_company_id.id,
            start=start,
            end=end,
            acted=self.idic_action_date,
        )

    def _idic_measure(self, now=None):
        """Measure the results of these campaigns (set-based per campaign)
        and store them."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        for campaign in self.filtered("idic_action_date"):
            rows = self.env.execute_query(campaign._idic_measure_sql())
            groups = {row[0]: row[1:] for row in rows}
            vals = campaign._idic_results_vals(groups, now)
            campaign.sudo().write(vals)
        self.env["idic.campaign.member"].invalidate_model(["bought", "revenue"])

    def _idic_results_vals(self, groups, now):
        """The stored results from the groups' figures ``{group: (size,
        buyers, mean revenue, revenue variance)}``."""
        self.ensure_one()
        zero = (0, 0, 0.0, 0.0)
        nt, bt, mt, vt = groups.get("target", zero)
        nc, bc, mc, vc = groups.get("control", zero)
        vals = dict.fromkeys(RESULT_FIELDS[4:16], 0.0)
        vals.update(
            idic_target_count=nt,
            idic_control_count=nc,
            idic_target_buyers=bt,
            idic_control_buyers=bc,
            idic_target_conversion=100.0 * bt / nt if nt else 0.0,
            idic_control_conversion=100.0 * bc / nc if nc else 0.0,
            idic_target_revenue=mt or 0.0,
            idic_control_revenue=mc or 0.0,
            idic_results_date=now,
        )
        _start, end = self._idic_window()
        if not nc:
            vals["idic_results_state"] = "no_control"
            return vals
        vals["idic_results_state"] = "final" if now.date() >= end else "measuring"
        share = campaign_stats.two_proportion_interval(
            bt, nt, bc, nc, confidence=CONFIDENCE
        )
        if share:
            vals.update(
                idic_uplift=100.0 * share.estimate,
                idic_uplift_low=100.0 * share.low,
                idic_uplift_high=100.0 * share.high,
                idic_uplift_p_value=share.p_value if share.p_value is not None else 1.0,
            )
        revenue = campaign_stats.welch_interval(
            float(mt or 0),
            float(vt or 0),
            nt,
            float(mc or 0),
            float(vc or 0),
            nc,
            confidence=CONFIDENCE,
        )
        if revenue:
            vals.update(
                idic_revenue_uplift=revenue.estimate,
                idic_revenue_uplift_low=revenue.low,
                idic_revenue_uplift_high=revenue.high,
                idic_revenue_p_value=(
                    revenue.p_value if revenue.p_value is not None else 1.0
                ),
            )
        return vals

    @api.model
    def _cron_idic_campaign_results(self):
        """Daily: measure the campaigns whose window is open or ended less
        than MEASURE_AFTER_DAYS days ago, one per transaction."""
        now = fields.Datetime.now()
        campaigns = self.sudo().search(
            [("idic_action_date", "!=", False)], order="idic_action_date desc"
        )
        todo = campaigns.filtered(
            lambda c: (
                c._idic_window()[1] + timedelta(days=MEASURE_AFTER_DAYS) >= now.date()
            )
        )
        Cron = self.env["ir.cron"]
        for index, campaign in enumerate(todo):
            campaign._idic_measure(now)
            if Cron._commit_progress(1, remaining=len(todo) - index - 1) <= 0:
                return

    def action_idic_measure(self):
        """Relationship users: measure the results of these campaigns now."""
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            raise AccessError(self.env._("Only relationship users measure campaigns."))
        self.check_access("read")
        self.sudo()._idic_measure()
        return True

    # ------------------------------------------------------------------------
    # Opening its records, and its picture
    # ------------------------------------------------------------------------
    def _idic_members_action(self, group=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_campaign_member_action"
        )
        domain = [("campaign_id", "=", self.id)]
        if group:
            domain.append(("group", "=", group))
        action.update(domain=domain, display_name=self.title)
        return action

    def action_idic_open_members(self):
        return self._idic_members_action()

    def action_idic_open_target(self):
        return self._idic_members_action("target")

    def action_idic_open_control(self):
        return self._idic_members_action("control")

    def _idic_chart_data(self):
        """The campaign's picture: per group the share who bought and the
        revenue per member, grouped bars with the uplift and its interval
        in the legend."""
        self.ensure_one()
        currency = self.idic_currency_id or self.env.company.currency_id
        return {
            "type": "campaign_groups",
            "key": f"campaign_{self.id}",
            "title": self.title,
            "groups": [self.env._("Target"), self.env._("Control")],
            "charts": [
                {
                    "label": self.env._("Bought in the window (%)"),
                    "unit": "%",
                    "values": [
                        round(self.idic_target_conversion, 1),
                        round(self.idic_control_conversion, 1),
                    ],
                    "caption": self.env._(
                        "Uplift %(uplift)s points (95%% interval %(low)s to %(high)s)",
                        uplift=round(self.idic_uplift, 1),
                        low=round(self.idic_uplift_low, 1),
                        high=round(self.idic_uplift_high, 1),
                    ),
                },
                {
                    "label": self.env._(
                        "Revenue per member (%(currency)s)", currency=currency.name
                    ),
                    "unit": currency.symbol,
                    "values": [
                        round(self.idic_target_revenue, 2),
                        round(self.idic_control_revenue, 2),
                    ],
                    "caption": self.env._(
                        "Uplift %(uplift)s per member (95%% interval %(low)s to %(high)s)",
                        uplift=format_amount(
                            self.env, self.idic_revenue_uplift, currency
                        ),
                        low=format_amount(
                            self.env, self.idic_revenue_uplift_low, currency
                        ),
                        high=format_amount(
                            self.env, self.idic_revenue_uplift_high, currency
                        ),
                    ),
                },
            ],
            "no_control": self.idic_results_state == "no_control",
        }
