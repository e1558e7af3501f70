# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Settings of the customers' self-service portal (issue #27)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# What one online gift may be, in company currency: more is a typing error
# (or a transfer the donor should arrange with the organisation).
PORTAL_GIFT_MAX = 1_000_000.0


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_referral_claim_days = fields.Integer(
        string="Referral Claim Window (days)",
        default=30,
        help="A customer may enter the referral code of whoever referred it "
        '("Who referred you?" in the portal) until this many days after its '
        "first invoice; 0: only before its first invoice.",
    )
    idic_portal_donation_product_id = fields.Many2one(
        "product.product",
        string="Online Gift Product",
        domain="[('product_tmpl_id.idic_is_donation', '=', True)]",
        help="The donation product of the gifts donors make in the portal "
        "(Give); empty: the portal offers no online gift.",
    )

    @api.model
    def _idic_bounds(self):
        return dict(super()._idic_bounds(), idic_referral_claim_days=(0, 3650))

    @api.constrains("idic_portal_donation_product_id")
    def _check_idic_portal_donation_product(self):
        for company in self:
            product = company.idic_portal_donation_product_id
            if product and not product.product_tmpl_id.idic_is_donation:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not a donation product: mark it as a "
                        "donation first.",
                        product=product.display_name,
                    )
                )

    def _idic_portal_gift_bounds(self):
        """(smallest, largest) amount of one online gift in this company's
        currency (a hook)."""
        self.ensure_one()
        return self.currency_id.rounding, PORTAL_GIFT_MAX
