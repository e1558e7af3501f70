# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductCategory(models.Model):
    _inherit = "product.category"

    idic_margin_percent = fields.Float(
        string="Gross Margin (%)",
        help="Share of the untaxed revenue of this category's products that is "
        "margin, for the customer lifetime value; 0 uses the company's margin.",
    )

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), idic_margin_percent=(0, 100))

    @api.constrains("idic_margin_percent")
    def _check_idic_margin_percent(self):
        if any(not 0 <= c.idic_margin_percent <= 100 for c in self):
            raise ValidationError(
                self.env._("The gross margin of a category is between 0 and 100 %.")
            )
