# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Overview (issue #25): each engagement quadrant and the churn and
undervalued figures carry the one-click segment action on their customers,
and the lists they open carry the segment for their own header button."""

from odoo import api, models

# Overview figure key -> segment key of res.partner._idic_act_segments.
TILE_SEGMENTS = {
    "engagement_churn": "churn",
    "engagement_undervalued": "undervalued",
}


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _idic_act_entry(self, item, segment):
        """Give the Overview figure ``item`` (a tile or a row opening a
        partner list) the segment action on the customers it counts, and its
        list the segment's key."""
        action = item.get("action") or {}
        if action.get("res_model") != "res.partner":
            return
        action["context"] = {
            **(action.get("context") or {}),
            "idic_act_segment": segment,
        }
        label = self.env["res.partner"]._idic_act_segments()[segment][0]
        act = self.env["idic.segment.action"]._idic_open(action["domain"], label)
        act["context"]["default_company_id"] = self.env.company.id
        item["act_action"] = act

    @api.model
    def _section_engagement(self):
        section = super()._section_engagement()
        for row in section["rows"]:
            quadrant = row["key"].removeprefix("engagement_")
            self._idic_act_entry(row, f"quadrant_{quadrant}")
        for tile in section["tiles"]:
            if tile["key"] in TILE_SEGMENTS:
                self._idic_act_entry(tile, TILE_SEGMENTS[tile["key"]])
        return section
