# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The first run of the Overview: on a database without customers yet, the
first steps (value tiers, the points programme, customers to import,
invoices to post, a recompute, the Persian language) instead of a wall of
zeros, each with the button that opens its place."""

from odoo import api, models
from odoo.exceptions import AccessError


class IdicOverview(models.AbstractModel):
    _inherit = "idic.overview"

    @api.model
    def _overview_has_data(self, company):
        """Whether the Overview has something to count: a customer, or a
        posted customer invoice of ``company``."""
        Partner = self.env["res.partner"]
        if Partner.search_count(Partner._idic_counted_domain(), limit=1):
            return True
        return bool(
            self.env["account.move"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
        )

    @api.model
    def _first_step(self, key, title, text, done, action=None, method=None):
        return {
            "key": key,
            "title": title,
            "text": text,
            "done": bool(done),
            "action": action,
            "method": method,
        }

    @api.model
    def _window(self, xmlid):
        return self.env["ir.actions.act_window"]._for_xml_id(xmlid)

    @api.model
    def _first_steps(self, company):
        """The first steps on a database without data, each saying whether
        it is done and opening its place (for who may go there)."""
        user = self.env.user
        manager = user.has_group("partner_idic.group_idic_manager")
        admin = user.has_group("base.group_system")
        invoicing = user.has_group("account.group_account_invoice")
        Partner = self.env["res.partner"]
        tiers = self.env["idic.value.tier"].search_count(
            [("company_id", "=", company.id)], limit=1
        )
        persian = self.env["res.lang"]._lang_get("fa_IR")
        return [
            self._first_step(
                "tiers",
                self.env._("Set your value tiers"),
                self.env._(
                    "Tiers such as Bronze, Silver and Gold group your customers by "
                    "what they are worth; each can give a pricelist and more points."
                ),
                tiers,
                action=manager and self._window("partner_idic.idic_value_tier_action"),
            ),
            self._first_step(
                "points",
                self.env._("Switch on loyalty points"),
                self.env._(
                    "Set how many points an invoice earns and how long they last: "
                    "the points programme is created with them."
                )
                if admin
                else self.env._(
                    "Your administrator sets the points rate in the settings."
                ),
                company.idic_points_rate,
                action=admin
                and self._window("partner_idic.res_config_settings_action"),
            ),
            self._first_step(
                "customers",
                self.env._("Import your customers"),
                self.env._(
                    "Bring your companies and persons in from a spreadsheet; the "
                    "daily stage rules place them in the IDIC pipeline."
                ),
                Partner.search_count(Partner._idic_counted_domain(), limit=1),
                action={
                    "type": "ir.actions.client",
                    "tag": "import",
                    "params": {"model": "res.partner"},
                },
            ),
            self._first_step(
                "invoices",
                self.env._("Post your customer invoices"),
                self.env._(
                    "The value of each customer (RFM scores, lifetime value, tiers) "
                    "and the points come from posted customer invoices and credit "
                    "notes."
                ),
                self._overview_has_data(company),
                action=invoicing
                and self._window("account.action_move_out_invoice_type"),
            ),
            self._first_step(
                "recompute",
                self.env._("Recompute now"),
                self.env._(
                    "The figures are recomputed every night; recompute them now "
                    "once your customers and invoices are in."
                ),
                Partner.search_count(
                    [
                        *Partner._idic_counted_domain(),
                        ("idic_rfm_segment", "!=", False),
                    ],
                    limit=1,
                ),
                method=manager and "action_first_run_recompute",
            ),
            self._first_step(
                "persian",
                self.env._("Work in Persian"),
                self.env._(
                    "Switch the Persian language on (Settings > Languages), then "
                    "choose it in your preferences: dates follow the Persian "
                    "calendar."
                ),
                persian and persian.active,
                action=admin and self._window("base.res_lang_act_window"),
            ),
        ]

    @api.model
    def action_first_run_recompute(self, company_id=None):
        """Managers: recompute the value figures and the stages now."""
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers can recompute customer value.")
            )
        company = self._overview_company(company_id)
        Partner = self.env["res.partner"].sudo()
        changed = Partner._idic_recompute_values(company, commit=False)
        Partner._idic_advance_stages()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Customer value recomputed: %(count)s partners updated.",
                    count=changed,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _overview_data(self, company):
        data = super()._overview_data(company)
        if not self._overview_has_data(company):
            data["sections"] = []
            data["first_steps"] = self._first_steps(company)
            data["first_steps_title"] = self.env._("Your first steps")
        return data
