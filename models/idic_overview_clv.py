# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview: the predictions of the engagement section (issue #28): who is
expected to buy soon, who is overdue, the churn bands with their predicted
value, the spread of the predicted value; or what data the predictions lack."""

from datetime import timedelta

from odoo import api, fields, models


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _clv_overview_charts(self, fit):
        """The pictures of the predictions: the churn bands and the spread
        of the predicted value."""
        charts = [
            self.env["idic.clv.fit"]._idic_churn_band_chart(self._commercial_domain()),
            fit._idic_lorenz_chart() if fit else None,
        ]
        return [chart for chart in charts if chart]

    @api.model
    def _section_engagement(self):
        section = super()._section_engagement()
        fit = self.env["idic.clv.fit"]._idic_latest(self.env.company)
        if fit.method == "insufficient":
            section["tiles"].insert(0, fit._idic_notice_tile())
            return section
        today = fields.Date.context_today(self)
        base = self._commercial_domain()
        soon = [
            *base,
            ("idic_next_purchase_date", ">=", fields.Date.to_string(today)),
            (
                "idic_next_purchase_date",
                "<=",
                fields.Date.to_string(today + timedelta(days=7)),
            ),
        ]
        overdue = [
            *base,
            ("idic_next_purchase_date", "<", fields.Date.to_string(today)),
        ]
        Partner = self.env["res.partner"]
        overdue_count = Partner.search_count(overdue)
        section.setdefault("charts", []).extend(self._clv_overview_charts(fit))
        section["tiles"] += [
            self._tile(
                "engagement_buy_soon",
                self.env._("Expected to buy within 7 days"),
                Partner.search_count(soon),
                self._action(
                    "partner_idic.res_partner_action_idic_engagement",
                    self.env._("Expected to buy within 7 days"),
                    soon,
                ),
            ),
            self._tile(
                "engagement_overdue",
                self.env._("Overdue: expected purchase passed"),
                overdue_count,
                self._action(
                    "partner_idic.res_partner_action_idic_engagement",
                    self.env._("Overdue customers"),
                    overdue,
                ),
                hint=self.env._("a follow-up call may bring them back"),
                tone="warning" if overdue_count else "",
            ),
        ]
        return section
