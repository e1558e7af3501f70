# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    idic_is_donation = fields.Boolean(
        string="Donation",
        help="Invoice lines on this product are donations: they make the donor "
        "figures of the customer (gifts, totals, LYBUNT, SYBUNT) and can be "
        "thanked with a donation receipt.",
    )

    def write(self, vals):
        flipped = (
            self.filtered(
                lambda t: t.idic_is_donation != bool(vals["idic_is_donation"])
            )
            if "idic_is_donation" in vals
            else self.browse()
        )
        result = super().write(vals)
        if flipped:
            # Past invoices of these products change of nature: recompute soon.
            self.env["res.partner"]._idic_trigger_donor_recompute()
        return result
