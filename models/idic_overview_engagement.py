# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview: the engagement section (issue #14), value by Kumar's quadrant
and churn risk among the top tier."""

from odoo import api, models
from odoo.tools import format_amount

from .res_partner_engagement import ENGAGEMENT_SEGMENTS


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _overview_sections(self, today):
        sections = super()._overview_sections(today)
        keys = [section and section.get("key") for section in sections]
        at = keys.index("value") + 1 if "value" in keys else len(sections)
        sections.insert(at, self._section_engagement())
        return sections

    @api.model
    def _section_engagement(self):
        Partner = self.env["res.partner"]
        company = self.env.company
        base = [*self._commercial_domain(), ("idic_engagement_segment", "!=", False)]
        groups = {
            segment: (count, value or 0.0)
            for segment, count, value in Partner._read_group(
                base,
                ["idic_engagement_segment"],
                ["__count", "idic_engagement_value:sum"],
            )
        }
        total = sum(value for _count, value in groups.values())
        labels = dict(
            Partner._fields["idic_engagement_segment"]._description_selection(self.env)
        )
        rows = []
        for segment, _label in ENGAGEMENT_SEGMENTS:
            count, value = groups.get(segment, (0, 0.0))
            rows.append(
                self._tile(
                    f"engagement_{segment}",
                    labels[segment],
                    count,
                    self._action(
                        "partner_idic.res_partner_action_idic_engagement",
                        labels[segment],
                        [*base, ("idic_engagement_segment", "=", segment)],
                    ),
                    hint=self.env._(
                        "engagement value %(amount)s",
                        amount=format_amount(self.env, value, company.currency_id),
                    ),
                    share=self._share(max(value, 0.0), max(total, 0.0)),
                )
            )
        top = (
            self.env["idic.value.tier"]
            .search([("company_id", "=", company.id)])
            .sorted(lambda t: (t.min_threshold, t.id))[-1:]
        )
        at_risk = [*self._commercial_domain(), ("idic_churn_risk", "=", True)]
        top_at_risk = [*at_risk, ("idic_value_tier_id", "in", top.ids)]
        undervalued = [*base, ("idic_engagement_segment", "=", "advocates")]
        top_count = Partner.search_count(top_at_risk) if top else 0
        tiles = [
            self._tile(
                "engagement_total",
                self.env._("Engagement value"),
                total,
                self._action(
                    "partner_idic.res_partner_action_idic_engagement_quadrants",
                    self.env._("Engagement Quadrants"),
                    base,
                    views=("pivot", "list", "form"),
                ),
                display=format_amount(self.env, total, company.currency_id),
                hint=self.env._(
                    "Not additive: a referred customer's margin is in its own CLV "
                    "and in its referrer's CRV."
                ),
            ),
            self._tile(
                "engagement_top_churn",
                self.env._("Churn risk in the top tier"),
                top_count,
                self._action(
                    "partner_idic.res_partner_action_idic_engagement",
                    self.env._("Churn risk in the top tier"),
                    top_at_risk,
                ),
                hint=top.name or self.env._("No value tier yet"),
                tone="danger" if top_count else "",
            ),
            self._tile(
                "engagement_churn",
                self.env._("Valued customers at churn risk"),
                Partner.search_count(at_risk),
                self._action(
                    "partner_idic.res_partner_action_idic_engagement",
                    self.env._("Churn Risk"),
                    at_risk,
                ),
                hint=self.env._(
                    "probability of being active below %(limit)s%%",
                    limit=company.idic_churn_threshold,
                ),
            ),
            self._tile(
                "engagement_undervalued",
                self.env._("Undervalued customers"),
                Partner.search_count(undervalued),
                self._action(
                    "partner_idic.res_partner_action_idic_engagement",
                    self.env._("Undervalued Customers"),
                    undervalued,
                ),
                hint=self.env._("low lifetime value, high indirect value"),
            ),
        ]
        return {
            "key": "engagement",
            "title": self.env._("Customer Engagement"),
            "tiles": tiles,
            "rows": rows,
        }
