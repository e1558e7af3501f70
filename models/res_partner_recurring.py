# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recurring-gift job on the recompute frame (issue #26): per company,
its ranges cut over the ids of the recurring gifts with a period due, each
range making those periods' invoices in one transaction (see
``idic.recurring.gift``); when a run ends, the charge step is asked to charge
the payment tokens."""

import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["recurring"] = {
            "per_company": True,
            "stage": None,
            "tables": ["idic_recurring_gift"],
            "apply": "_idic_job_apply_recurring",
            "candidates": "_idic_recurring_candidates_sql",
            "finish": "_idic_job_finish_recurring",
            "cron": "partner_idic.ir_cron_idic_recurring_gifts",
            "helper_code": "model._cron_idic_recurring_gifts(helper=True)",
        }
        return specs

    @api.model
    def _idic_recurring_candidates_sql(self, company):
        """The ids of the recurring gifts of ``company`` with a period due
        today, for cutting the job's ranges."""
        return self.env["idic.recurring.gift"]._idic_due_sql(
            company, fields.Date.context_today(self)
        )

    @api.model
    def _idic_job_apply_recurring(self, company, today, phase, start, end):
        """Make the invoices of the periods due of the gifts ``start <= id <
        end`` of ``company``; returns how many were made."""
        made = self.env["idic.recurring.gift"]._idic_run_range(
            company, today, start, end
        )
        if made:
            _logger.info(
                "IDIC recurring gifts: %s invoices made for %s", made, company.name
            )
        return made

    @api.model
    def _idic_job_finish_recurring(self, company, today):
        """A run ended: charge the tokens soon (the charge step commits each
        charge on its own)."""
        cron = self.env.ref("partner_idic.ir_cron_idic_recurring_charge", False)
        if cron and cron.active:
            cron.sudo()._trigger()

    @api.model
    def _idic_make_recurring_gifts(
        self, companies=None, batch_size=1000, commit=True, start=True
    ):
        """Run the recurring-gift job for ``companies`` (all by default).
        Returns the number of invoices made by this call."""
        made = self.env["idic.recompute.run"]._idic_execute(
            "recurring", companies, batch_size=batch_size, commit=commit, start=start
        )
        if not commit:
            self.env["account.move"]._idic_charge_recurring(
                commit=False, companies=companies
            )
        return made

    @api.model
    def _cron_idic_recurring_gifts(self, helper=False, batch_size=1000):
        """Daily: make each period's gift of the recurring gifts, then charge
        their tokens (the charge step). A ``helper`` action only takes ranges
        of the runs its job's own action started."""
        self.sudo()._idic_make_recurring_gifts(start=not helper, batch_size=batch_size)
