# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class IdicRecommendation(models.Model):
    """A product recommended to a customer: customers who bought what it
    bought also bought this one (item-to-item co-purchase), weighted towards
    its interests. Written by the nightly recommendation job."""

    _name = "idic.recommendation"
    _description = "Recommended Product"
    _order = "company_id, partner_id, rank, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="cascade", readonly=True
    )
    rank = fields.Integer(readonly=True, help="1: the best recommendation.")
    score = fields.Float(
        readonly=True,
        digits=(16, 3),
        help="Sum, over the products the customer bought, of their similarity "
        "to this one (cosine of the customers who bought each), raised when the "
        "product matches an interest of the customer.",
    )
    because_product_id = fields.Many2one(
        "product.product",
        string="Bought",
        readonly=True,
        ondelete="set null",
        help="The product the customer bought that this one goes with most.",
    )
    interest_id = fields.Many2one(
        "idic.interest", string="Matching Interest", readonly=True, ondelete="set null"
    )
    reason = fields.Char(compute="_compute_reason")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )

    @api.depends_context("lang")
    @api.depends("because_product_id", "interest_id")
    def _compute_reason(self):
        for rec in self:
            reason = self.env._(
                "Customers who bought %(product)s also bought it",
                product=rec.because_product_id.display_name or "-",
            )
            if rec.interest_id:
                reason = self.env._(
                    "%(reason)s; matches the interest %(interest)s",
                    reason=reason,
                    interest=rec.interest_id.name,
                )
            rec.reason = reason
