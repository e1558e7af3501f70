# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .idic_recompute_run import MAX_WORKERS


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_recompute_workers = fields.Integer(
        string="Recompute Workers",
        default=1,
        help="Scheduled actions that work on each recompute (customer value, "
        "donor figures, membership statuses) at the same time, each taking "
        "free batches of partners. More than one helps when the server runs "
        "several cron workers (--max-cron-threads), on one or several "
        "machines.",
    )

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), idic_recompute_workers=(1, MAX_WORKERS))

    @api.constrains("idic_recompute_workers")
    def _check_idic_recompute_workers(self):
        for company in self:
            if not 1 <= company.idic_recompute_workers <= MAX_WORKERS:
                raise ValidationError(
                    self.env._(
                        "Recompute workers must be between 1 and %(max)s "
                        "(company %(company)s).",
                        max=MAX_WORKERS,
                        company=company.name,
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if "idic_recompute_workers" in vals:
            self.env["idic.recompute.run"].sudo()._idic_sync_helper_crons()
        return result
