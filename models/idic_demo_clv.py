# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo story of lifetime value as profit (issue #28): the demo sells
four products with a cost, so that its customers' lifetime value is the
margin they bring, not their revenue."""

from odoo import api, models

# name, cost of one unit sold at 10 (the demo invoices 10 a unit)
DEMO_PRODUCTS = [
    ("Consulting", 5.5),
    ("Supplies", 7.0),
    ("Annual support", 3.0),
    ("Training", 4.5),
]
UNIT_PRICE = 10.0


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _create_story(self):
        # Lines without a product (the credit notes' returned goods) count
        # the company's margin.
        self.env.company.idic_clv_margin_percent = 40.0
        Product = self.env["product.product"].with_company(self.env.company)
        products = {
            name: Product.create(
                {
                    "name": name,
                    "type": "service" if name != "Supplies" else "consu",
                    "list_price": UNIT_PRICE,
                    "standard_price": cost,
                }
            ).id
            for name, cost in DEMO_PRODUCTS
        }
        return super(
            IdicDemo, self.with_context(idic_demo_products=products)
        )._create_story()

    @api.model
    def _story_invoice_line(self, rng, amount):
        line = super()._story_invoice_line(rng, amount)
        product = self.env.context.get("idic_demo_products", {}).get(line["name"])
        if product:
            # The same amount, as units of the product at its price.
            line.update(
                product_id=product,
                quantity=line["price_unit"] / UNIT_PRICE,
                price_unit=UNIT_PRICE,
            )
        return line
