# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _idic_invoices(self):
        return (self.debit_move_id.move_id | self.credit_move_id.move_id).filtered(
            lambda m: m.move_type == "out_invoice"
        )

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._idic_invoices()._idic_sync_points()
        return partials

    def unlink(self):
        invoices = self._idic_invoices()
        result = super().unlink()
        invoices.exists()._idic_sync_points()
        return result
