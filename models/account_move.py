# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _idic_value_moves(self):
        return self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if posted._idic_value_moves():
            # Recomputed soon after, by the value job: never in this transaction.
            self.env["res.partner"]._idic_trigger_value_recompute()
        return posted

    def button_draft(self):
        touched = self._idic_value_moves().filtered(lambda m: m.state == "posted")
        result = super().button_draft()
        if touched:
            self.env["res.partner"]._idic_trigger_value_recompute()
        return result

    def button_cancel(self):
        touched = self._idic_value_moves().filtered(lambda m: m.state == "posted")
        result = super().button_cancel()
        if touched:
            self.env["res.partner"]._idic_trigger_value_recompute()
        return result
