# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The category's margin, now a fallback for products without a cost (#28)."""

from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    idic_margin_percent = fields.Float(
        help="Share of the untaxed amount of this category's products that is "
        "margin, for the customer lifetime value, when a product has no cost; "
        "0 uses the company's margin."
    )
