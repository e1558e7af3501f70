# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview > Relationship health: every figure of the last measured month
with its target, status and 12-month trend, and the open improvement
actions. Its own RPC, read by its own component of the overview."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .idic_health import FIGURE_INFO, FIGURES, month_start

SPARK_MONTHS = 12


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _health_figures(self, company, today):
        first = month_start(today) - relativedelta(months=SPARK_MONTHS - 1)
        snapshots = self.env["idic.health.snapshot"].search(
            [("company_id", "=", company.id), ("month", ">=", first)],
            order="month, sequence",
        )
        labels = dict(snapshots._fields["figure"]._description_selection(self.env))
        months = [first + relativedelta(months=n) for n in range(SPARK_MONTHS)]
        by_figure = {}
        for snapshot in snapshots:
            by_figure.setdefault(snapshot.figure, {})[snapshot.month] = snapshot
        figures = []
        for key, *_rest in FIGURES:
            rows = by_figure.get(key)
            if not rows:
                continue
            last = rows[max(rows)]
            unit = self.env["idic.texts"]._idic_unit(FIGURE_INFO[key][3])
            figures.append(
                {
                    "key": key,
                    "label": labels[key],
                    "value": last.value,
                    "display": f"{last.value:,.1f} {unit}".strip(),
                    "target": f"{last.target:,.1f} {unit}".strip(),
                    "status": last.status,
                    "month": fields.Date.to_string(last.month),
                    "spark": [
                        rows[month].value if month in rows else None for month in months
                    ],
                    "action": self._action(
                        "partner_idic.idic_health_snapshot_action",
                        labels[key],
                        [("figure", "=", key)],
                        views=("graph", "list"),
                    ),
                }
            )
        return figures

    @api.model
    def _health_actions(self, company):
        Action = self.env["idic.improvement.action"]
        scope = [("company_id", "=", company.id)]
        domains = {
            "open": [("state", "=", "open")],
            "overdue": [("overdue", "=", True)],
            "proposed": [("state", "=", "proposed")],
        }
        labels = {
            "open": self.env._("Open improvement actions"),
            "overdue": self.env._("Overdue"),
            "proposed": self.env._("Proposed"),
        }
        return [
            self._tile(
                f"improvement_{key}",
                labels[key],
                Action.search_count([*scope, *domain]),
                self._action(
                    "partner_idic.idic_improvement_action_action",
                    labels[key],
                    [*scope, *domain],
                ),
                tone="danger" if key == "overdue" else None,
            )
            for key, domain in domains.items()
        ]

    @api.model
    def get_health(self, *args, **kwargs):
        """The Relationship health section of the overview of one company:
        ``company_id`` (the overview's) or the current company."""
        (company_id,) = self._overview_params(args, kwargs, ("company_id",))
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            return {"figures": [], "actions": []}
        company = self._overview_company(company_id)
        overview = self.with_context(allowed_company_ids=[company.id])
        today = fields.Date.context_today(self)
        return {
            "title": self.env._("Relationship health"),
            "figures": overview._health_figures(company, today),
            "actions": overview._health_actions(company),
        }
