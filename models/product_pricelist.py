# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    @api.model
    def _get_partner_pricelist_multi(self, partner_ids):
        """A customer's pricelist: one set by hand on the customer first (the
        host's specific pricelist), else the pricelist of its value tier in
        the current company, else the host's own choice (country group,
        default). The tier's pricelist is resolved here, when a pricelist is
        needed, never written on the partners: a tier move changes no
        partner's pricelist column."""
        result = super()._get_partner_pricelist_multi(partner_ids)
        if not self.env["res.groups"]._is_feature_enabled(
            "product.group_product_pricelist"
        ):
            return result
        # Read as superuser: the tier is internal, the pricelist is not (the
        # website's visitors and the portal's customers get theirs too).
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .browse(partner_ids)
        )
        company = self.env.company
        for partner in partners:
            specific = partner.specific_property_product_pricelist
            if specific._get_partner_pricelist_multi_filter_hook():
                continue
            tier = partner.commercial_partner_id.idic_value_tier_id
            pricelist = tier.pricelist_id._get_partner_pricelist_multi_filter_hook()
            if pricelist and pricelist.company_id in (company, company.browse()):
                result[partner.id] = pricelist.with_env(self.env)
        return result
