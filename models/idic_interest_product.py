# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class IdicInterest(models.Model):
    _inherit = "idic.interest"

    product_category_ids = fields.Many2many(
        "product.category",
        "idic_interest_product_category_rel",
        "interest_id",
        "category_id",
        string="Product Categories",
        help="The products of these categories (and of their subcategories) "
        "weigh more in the recommendations of the customers with this interest.",
    )
