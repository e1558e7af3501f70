# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One-click entries of the segment action (issue #25) on the lists that say
what to do: the churn list, the undervalued customers, the engagement
quadrants, LYBUNT and SYBUNT. A list's header button acts on the segment the
list shows (its current filters, or the customers selected in it)."""

from odoo import api, models
from odoo.fields import Domain

from .res_partner_engagement import ENGAGEMENT_SEGMENTS


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _idic_act_segments(self):
        """The segments a list may act on, by key: ``(label, domain)`` (a
        hook). The key comes from the list's action (its context key
        ``idic_act_segment``); the domain is always the server's own."""
        labels = dict(
            self._fields["idic_engagement_segment"]._description_selection(self.env)
        )
        churn = self.env._("Churn Risk")
        undervalued = self.env._("Undervalued Customers")
        lybunt = self.env._("LYBUNT")
        sybunt = self.env._("SYBUNT")
        segments = {
            "churn": (churn, [("idic_churn_risk", "=", True)]),
            "undervalued": (
                undervalued,
                [("idic_engagement_segment", "=", "advocates")],
            ),
            "lybunt": (lybunt, [("idic_lybunt", "=", True)]),
            "sybunt": (sybunt, [("idic_sybunt", "=", True)]),
        }
        for key, _label in ENGAGEMENT_SEGMENTS:
            label = self.env._("Engagement quadrant %(quadrant)s", quadrant=labels[key])
            segments[f"quadrant_{key}"] = (
                label,
                [("idic_engagement_segment", "=", key)],
            )
        return segments

    @api.model
    def _idic_act_segment_domain(self, key):
        """``(label, domain)`` of the segment ``key`` among the counted
        customers; an unknown key is the counted customers of the list."""
        label, domain = self._idic_act_segments().get(
            key, (self.env._("Customers"), [])
        )
        return label, list(Domain.AND([self._idic_counted_domain(), domain]))

    def action_idic_act_on_list(self):
        """Header button of a customer list: the segment action on the
        list's segment, narrowed to the list's current filters (its
        ``active_domain``) and, when some are selected, to these customers.
        The records are searched with the user's own rights."""
        context = self.env.context
        label, domain = self._idic_act_segment_domain(context.get("idic_act_segment"))
        domain = Domain(domain)
        active_domain = context.get("active_domain")
        if active_domain and isinstance(active_domain, list):
            domain &= Domain(active_domain)
        if self:
            domain &= Domain("id", "in", self.ids)
            label = self.env._("%(segment)s (selected)", segment=label)
        return self.env["idic.segment.action"].action_open_for_segment(
            list(domain), label, self.env.company.id
        )
