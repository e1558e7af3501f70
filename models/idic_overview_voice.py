# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview: the voice of the customer (issue #30), NPS and CSAT of the
period's answers, the detractors nobody contacted yet, and the complaints,
feedback and ideas that are open or overdue, each a click away from its
list."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .idic_interaction_feedback import OPEN_STAGES


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _overview_sections(self, today):
        sections = super()._overview_sections(today)
        keys = [section and section.get("key") for section in sections]
        at = keys.index("engagement") + 1 if "engagement" in keys else len(sections)
        sections.insert(at, self._section_voice(today))
        return sections

    @api.model
    def _section_voice(self, today):
        Interaction = self.env["idic.interaction"]
        company = self.env.company
        scope = [("company_id", "=", company.id)]
        since = self._voice_since(today)
        # Three queries: the period's answers, what is open, what is overdue.
        answers = [*scope, ("kind", "=", "survey"), ("date", ">=", since)]
        categories, ratings = {}, {}
        for category, rating, count in Interaction._read_group(
            answers, ["nps_category", "satisfaction"], ["__count"]
        ):
            if category:
                categories[category] = categories.get(category, 0) + count
            if rating:
                ratings[rating] = ratings.get(rating, 0) + count
        uncalled = [
            *scope,
            ("nps_category", "=", "detractor"),
            ("response_date", "=", False),
        ]
        open_domain = [*scope, ("feedback_stage", "in", OPEN_STAGES)]
        pending = {}
        overdue_count = 0
        for kind, category, deadline, count in Interaction._read_group(
            Domain.OR([open_domain, uncalled]),
            ["kind", "nps_category", "feedback_deadline:day"],
            ["__count"],
        ):
            key = "detractor" if category == "detractor" else kind
            pending[key] = pending.get(key, 0) + count
            if key != "detractor" and deadline and deadline < today:
                overdue_count += count
        overdue = [*scope, ("is_overdue", "=", True)]
        nps_count = sum(categories.values())
        nps = (
            round(
                100.0
                * (categories.get("promoter", 0) - categories.get("detractor", 0))
                / nps_count,
                1,
            )
            if nps_count
            else 0.0
        )
        csat_count = sum(ratings.values())
        csat = self._share(ratings.get("4", 0) + ratings.get("5", 0), csat_count)
        uncalled_count = pending.get("detractor", 0)
        complaints = pending.get("complaint", 0)
        others = pending.get("feedback", 0) + pending.get("idea", 0)

        def open_list(name, domain):
            return {
                "type": "ir.actions.act_window",
                "name": name,
                "res_model": "idic.interaction",
                "views": [(False, "list"), (False, "form")],
                "view_mode": "list,form",
                "domain": domain,
                "context": {},
            }

        tiles = [
            self._tile(
                "voice_nps",
                self.env._("Net Promoter Score"),
                nps,
                open_list(
                    self.env._("Recommendation answers"),
                    [*answers, ("nps_category", "!=", False)],
                ),
                display=f"{nps:+.0f}" if nps_count else "-",
                hint=self.env._(
                    "%(count)s answers: %(promoters)s promoters, %(detractors)s "
                    "detractors",
                    count=nps_count,
                    promoters=categories.get("promoter", 0),
                    detractors=categories.get("detractor", 0),
                ),
            ),
            self._tile(
                "voice_csat",
                self.env._("Satisfied customers (CSAT)"),
                csat,
                open_list(
                    self.env._("Satisfaction answers"),
                    [*answers, ("satisfaction", "!=", False)],
                ),
                display=f"{csat:.0f} %" if csat_count else "-",
                hint=self.env._("%(count)s answers, 4 or 5 of 5", count=csat_count),
            ),
            self._tile(
                "voice_detractors_uncalled",
                self.env._("Detractors not contacted yet"),
                uncalled_count,
                open_list(self.env._("Detractors not contacted yet"), uncalled),
                hint=self.env._("call them back: the call answers them"),
                tone="danger" if uncalled_count else "",
            ),
            self._tile(
                "voice_overdue",
                self.env._("Overdue complaints, feedback and ideas"),
                overdue_count,
                open_list(self.env._("Overdue"), overdue),
                tone="danger" if overdue_count else "",
            ),
            self._tile(
                "voice_open_complaints",
                self.env._("Open complaints"),
                complaints,
                open_list(
                    self.env._("Open complaints"),
                    [*open_domain, ("kind", "=", "complaint")],
                ),
                hint=self.env._("%(count)s open feedback and ideas", count=others),
            ),
        ]
        return {
            "key": "voice",
            "title": self.env._("Voice of the Customer"),
            "tiles": tiles,
            "rows": [],
        }

    @api.model
    def _voice_since(self, today):
        return fields.Datetime.to_string(
            fields.Datetime.to_datetime(today) - timedelta(days=self._overview_days())
        )
