# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Overview's donor section with the sustainers (issue #26): how many,
their monthly recurring revenue, and the recurring donor retention: of the
donors who had a recurring gift running a year ago, the share who still have
an active one."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_amount


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _idic_recurring_retention(self, company, today):
        """(donors with a recurring gift running a year before ``today``,
        those of them with an active one today) in ``company``."""
        year_ago = today - relativedelta(years=1)
        self.env["idic.recurring.gift"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH earlier AS (
                    SELECT DISTINCT g.commercial_partner_id AS partner_id
                      FROM idic_recurring_gift g
                     WHERE g.company_id = %(company)s AND g.date_start <= %(year_ago)s
                       AND (g.stopped_date IS NULL OR g.stopped_date > %(year_ago)s)
                ),
                active AS (
                    SELECT DISTINCT g.commercial_partner_id AS partner_id
                      FROM idic_recurring_gift g
                     WHERE g.company_id = %(company)s AND g.state = 'active'
                )
                SELECT (SELECT COUNT(*) FROM earlier),
                       (SELECT COUNT(*) FROM earlier JOIN active USING (partner_id))
                """,
                company=company.id,
                year_ago=year_ago,
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _section_donors(self):
        section = super()._section_donors()
        Partner = self.env["res.partner"]
        company = self.env.company
        domain = [*self._commercial_domain(), ("idic_donor_sustainer", "=", True)]
        sustainers = Partner.search_count(domain)
        if not sustainers:
            return section
        base, retained = self._idic_recurring_retention(
            company, fields.Date.context_today(self)
        )
        amounts = self.env.user.has_group("partner_idic.group_idic_donor_data")
        hint = ""
        if amounts:
            [[mrr]] = Partner._read_group(domain, [], ["idic_donor_mrr:sum"])
            hint = self.env._(
                "%(amount)s a month",
                amount=format_amount(self.env, mrr or 0.0, company.currency_id),
            )
        section = section or {
            "key": "donors",
            "title": self.env._("Donors"),
            "tiles": [],
            "rows": [],
        }
        section["tiles"].append(
            self._tile(
                "sustainers",
                self.env._("Sustainers"),
                sustainers,
                self._action(
                    "partner_idic.res_partner_action_idic_donors",
                    self.env._("Sustainers"),
                    domain,
                ),
                hint=hint,
            )
        )
        if base:
            rate = self._share(retained, base)
            section["tiles"].append(
                self._tile(
                    "recurring_retention",
                    self.env._("Recurring donor retention"),
                    rate,
                    display=f"{rate:g} %",
                    hint=self.env._(
                        "%(retained)s of the %(donors)s recurring donors of a year ago",
                        retained=retained,
                        donors=base,
                    ),
                    tone="warning" if rate < 80 else "",
                )
            )
        return section
