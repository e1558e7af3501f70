# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview: the voice of the customer (issue #30), NPS and CSAT of the
period's answers, the detractors nobody contacted yet, and the complaints,
feedback and ideas that are open or overdue, each a click away from its
list."""

from datetime import timedelta

from odoo import api, fields, models

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
    def _voice_list(self, name, domain):
        return self._action("partner_idic.idic_interaction_action", name, domain)

    @api.model
    def _section_voice(self, today):
        Interaction = self.env["idic.interaction"]
        company = self.env.company
        scope = [("company_id", "=", company.id)]
        since = self._voice_since(today)
        answers = [*scope, ("kind", "=", "survey"), ("date", ">=", since)]
        nps_domain = [*answers, ("nps_category", "!=", False)]
        categories = dict(
            Interaction._read_group(nps_domain, ["nps_category"], ["__count"])
        )
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
        csat_domain = [*answers, ("satisfaction", "!=", False)]
        csat_count = Interaction.search_count(csat_domain)
        satisfied = Interaction.search_count(
            [*csat_domain, ("satisfaction", "in", ["4", "5"])]
        )
        uncalled = [
            *scope,
            ("nps_category", "=", "detractor"),
            ("response_date", "=", False),
        ]
        uncalled_count = Interaction.search_count(uncalled)
        overdue = [*scope, ("is_overdue", "=", True)]
        overdue_count = Interaction.search_count(overdue)
        open_domain = [*scope, ("feedback_stage", "in", OPEN_STAGES)]
        open_complaints = [*open_domain, ("kind", "=", "complaint")]
        tiles = [
            self._tile(
                "voice_nps",
                self.env._("Net Promoter Score"),
                nps,
                self._voice_list(self.env._("Recommendation answers"), nps_domain),
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
                self._share(satisfied, csat_count),
                self._voice_list(self.env._("Satisfaction answers"), csat_domain),
                display=f"{self._share(satisfied, csat_count):.0f} %"
                if csat_count
                else "-",
                hint=self.env._("%(count)s answers, 4 or 5 of 5", count=csat_count),
            ),
            self._tile(
                "voice_detractors_uncalled",
                self.env._("Detractors not contacted yet"),
                uncalled_count,
                self._voice_list(self.env._("Detractors not contacted yet"), uncalled),
                hint=self.env._("call them back: the call answers them"),
                tone="danger" if uncalled_count else "",
            ),
            self._tile(
                "voice_overdue",
                self.env._("Overdue complaints, feedback and ideas"),
                overdue_count,
                self._voice_list(self.env._("Overdue"), overdue),
                tone="danger" if overdue_count else "",
            ),
            self._tile(
                "voice_open_complaints",
                self.env._("Open complaints"),
                Interaction.search_count(open_complaints),
                self._voice_list(self.env._("Open complaints"), open_complaints),
                hint=self.env._(
                    "%(count)s open feedback and ideas",
                    count=Interaction.search_count(open_domain)
                    - Interaction.search_count(open_complaints),
                ),
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
