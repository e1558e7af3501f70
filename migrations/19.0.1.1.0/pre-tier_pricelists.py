# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.0 -> 19.0.1.1.0: a value tier's pricelist is resolved when a
pricelist is needed (product.pricelist._get_partner_pricelist_multi), no
longer written on each partner (issue 29).

The pricelists the tiers wrote (``specific_property_product_pricelist`` equal,
for a company, to the technical ``idic_tier_pricelist_id`` the tier recorded)
are removed: the resolution gives the same pricelist. A pricelist set by hand
(different from the one the tier gave) is kept. The technical column is
dropped.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or not column_exists(cr, "res_partner", "idic_tier_pricelist_id"):
        return
    cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET specific_property_product_pricelist = (
                       SELECT jsonb_object_agg(e.key, e.value)
                         FROM jsonb_each(p.specific_property_product_pricelist) e
                        WHERE p.idic_tier_pricelist_id -> e.key IS DISTINCT FROM e.value)
             WHERE p.idic_tier_pricelist_id IS NOT NULL
               AND p.specific_property_product_pricelist IS NOT NULL
               AND EXISTS (SELECT 1
                             FROM jsonb_each(p.specific_property_product_pricelist) e
                            WHERE p.idic_tier_pricelist_id -> e.key = e.value)
            """
        )
    )
    cleared = cr.rowcount
    cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN idic_tier_pricelist_id"))
    _logger.info(
        "partner_idic %s -> 19.0.1.1.0: %d partners no longer carry their tier's "
        "pricelist (resolved from the tier now); idic_tier_pricelist_id dropped",
        version,
        cleared,
    )
