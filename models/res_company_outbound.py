# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company setting of the outbound interactions (issue #25): whether the
mailings of Email Marketing answer the customers' requests."""

from odoo import fields, models
from odoo.tools import SQL


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_mailings_answer = fields.Boolean(
        string="Mailings Answer Requests",
        default=True,
        help="A mailing of Email Marketing delivered to a customer after its "
        "request (an incoming e-mail, call, ...) is the answer to it, like any "
        "other outbound interaction: it sets the request's response time. "
        "Untick it when your newsletters are not answers: only what an employee "
        "writes, calls or does with the customer answers then.",
    )

    def write(self, vals):
        changed = (
            self.filtered(
                lambda c: c.idic_mailings_answer != bool(vals["idic_mailings_answer"])
            )
            if "idic_mailings_answer" in vals
            else self.browse()
        )
        result = super().write(vals)
        if changed:
            # The response times of the company's requests follow the setting.
            self.env["idic.interaction"].sudo()._idic_refresh_responses(
                SQL("request.company_id IN %s", tuple(changed.ids))
            )
        return result
