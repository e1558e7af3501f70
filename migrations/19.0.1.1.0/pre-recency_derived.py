# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.0 -> 19.0.1.1.0: a customer's recency (days since its last
invoice) is derived from its last invoice date when read, no longer stored
(issue 29: a stored count of days changed every night for every customer, and
the nightly value job rewrote every customer's row for it). The stored column
is dropped: the last invoice date it was computed from stays.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or not column_exists(cr, "res_partner", "idic_recency_days"):
        return
    cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN idic_recency_days"))
    _logger.info(
        "partner_idic %s -> 19.0.1.1.0: idic_recency_days is derived from the last "
        "invoice date when read; its stored column dropped",
        version,
    )
