# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview: the Actions section (issue #25): the open next best actions by
kind and their age, the cadence to-dos overdue, and the last campaigns with
their uplift against the control group."""

from odoo import api, fields, models
from odoo.tools import SQL

from .idic_action_rule import ACTION_KINDS

CAMPAIGNS_SHOWN = 6


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _overview_sections(self, today):
        sections = super()._overview_sections(today)
        section = self._section_actions(today)
        if section:
            sections.append(section)
        return sections

    @api.model
    def _next_actions_action(self, name, domain):
        return self._action(
            "partner_idic.res_partner_action_idic_next_actions",
            name,
            domain,
            context={"search_default_group_next_action": 1},
        )

    @api.model
    def _section_actions(self, today):
        Partner = self.env["res.partner"]
        company = self.env.company
        base = [*self._commercial_domain(), ("idic_next_action", "!=", False)]
        query = Partner._search(base)
        key = str(company.id)
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT p.idic_next_action ->> %(key)s, COUNT(*),
                          AVG(%(today)s::date - (p.idic_next_action_date ->> %(key)s)::date)
                     FROM res_partner p
                    WHERE p.id IN (%(ids)s)
                    GROUP BY 1""",
                key=key,
                today=today,
                ids=query.select(SQL.identifier(query.table, "id")),
            )
        )
        kinds = {kind: (count, age) for kind, count, age in rows}
        labels = dict(
            Partner._fields["idic_next_action"]._description_selection(self.env)
        )
        total = sum(count for count, _age in kinds.values())
        Activity = self.env["mail.activity"]
        overdue_domain = [
            ("idic_origin", "=", "cadence"),
            ("res_model", "=", "res.partner"),
            ("date_deadline", "<", fields.Date.to_string(today)),
        ]
        overdue = Activity.search_count(overdue_domain)
        campaigns_domain = [("idic_company_id", "=", company.id)]
        campaigns = self.env["utm.campaign"].search(
            [*campaigns_domain, ("idic_action_date", "!=", False)],
            order="idic_action_date desc, id desc",
            limit=CAMPAIGNS_SHOWN,
        )
        if not (total or overdue or campaigns):
            return None
        rows = [
            self._tile(
                f"next_{kind}",
                labels[kind],
                kinds[kind][0],
                self._next_actions_action(
                    labels[kind], [*base, ("idic_next_action", "=", kind)]
                ),
                hint=self.env._(
                    "open %(days)s days on average", days=round(kinds[kind][1] or 0)
                ),
                share=self._share(kinds[kind][0], total),
            )
            for kind, _label in ACTION_KINDS
            if kind in kinds
        ]
        significant = campaigns.filtered("idic_significant")
        tiles = [
            self._tile(
                "next_actions",
                self.env._("Open next actions"),
                total,
                self._next_actions_action(self.env._("Next Actions"), base),
            ),
            self._tile(
                "cadence_overdue",
                self.env._("Cadence to-dos overdue"),
                overdue,
                self._action(
                    "mail.mail_activity_action",
                    self.env._("Cadence to-dos overdue"),
                    overdue_domain,
                    views=("list", "form"),
                ),
                tone="warning" if overdue else "",
            ),
            self._tile(
                "campaigns",
                self.env._("Last campaigns"),
                len(campaigns),
                self._action(
                    "partner_idic.utm_campaign_action_idic",
                    self.env._("Campaigns"),
                    campaigns_domain,
                ),
                hint=self.env._(
                    "%(count)s with a significant uplift", count=len(significant)
                ),
                tone="success" if significant else "",
            ),
        ]
        return {
            "key": "actions",
            "title": self.env._("Actions"),
            "tiles": tiles,
            "rows": rows,
            "charts": [self._campaigns_chart(campaigns)] if campaigns else [],
        }

    @api.model
    def _campaigns_chart(self, campaigns):
        """The last campaigns, oldest first: per campaign the share of the
        target and of the control group who bought (grouped bars), with the
        uplift and its 95 % interval; a bar opens its campaign."""
        campaigns = campaigns.sorted(lambda c: (c.idic_action_date, c.id))
        return {
            "type": "campaign_uplift",
            "key": "campaign_uplift",
            "title": self.env._("Campaigns: Bought in the Window, Target vs Control"),
            "y_label": self.env._("Share who bought (%)"),
            "labels": [c.title for c in campaigns],
            "datasets": [
                {
                    "label": self.env._("Target"),
                    "data": [round(c.idic_target_conversion, 1) for c in campaigns],
                },
                {
                    "label": self.env._("Control"),
                    "data": [
                        round(c.idic_control_conversion, 1)
                        if c.idic_results_state != "no_control"
                        else None
                        for c in campaigns
                    ],
                },
            ],
            "uplifts": [
                self.env._(
                    "Uplift %(uplift)s points (95%% interval %(low)s to %(high)s)",
                    uplift=round(c.idic_uplift, 1),
                    low=round(c.idic_uplift_low, 1),
                    high=round(c.idic_uplift_high, 1),
                )
                if c.idic_results_state in ("measuring", "final")
                else self.env._("No control group")
                for c in campaigns
            ],
            "actions": [
                {
                    "type": "ir.actions.act_window",
                    "res_model": "utm.campaign",
                    "res_id": c.id,
                    "views": [
                        (
                            self.env.ref("partner_idic.utm_campaign_view_form_idic").id,
                            "form",
                        )
                    ],
                }
                for c in campaigns
            ],
        }

    @api.model
    def _rfm_map(self, tier_id=None):
        """Each cell and segment of the map also carries the action that acts
        on its customers (the segment action)."""
        data = super()._rfm_map(tier_id=tier_id)
        base = list(self._commercial_domain())
        if tier_id:
            base.append(("idic_value_tier_id", "=", tier_id))
        Wizard = self.env["idic.segment.action"]
        company = self.env.company.id
        labels = {segment["key"]: segment["label"] for segment in data["segments"]}
        for cell in data["cells"]:
            action = Wizard._idic_open(
                [
                    *base,
                    ("idic_r_score", "=", cell["r"]),
                    ("idic_f_score", "=", cell["f"]),
                ],
                self.env._(
                    "%(segment)s (R %(r)s, F %(f)s)",
                    segment=labels[cell["segment"]],
                    r=cell["r"],
                    f=cell["f"],
                ),
            )
            action["context"]["default_company_id"] = company
            cell["act_action"] = action
        for segment in data["segments"]:
            action = Wizard._idic_open(
                [*base, ("idic_rfm_segment", "=", segment["key"])], segment["label"]
            )
            action["context"]["default_company_id"] = company
            segment["act_action"] = action
        return data
