# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.0 -> 19.0.1.1.0: the last interaction date of a customer moves
from ``res_partner`` to ``idic_partner_activity``, one row per commercial
partner (issue 25: a mailing moves the date of every customer it reached,
and a row of ``res_partner`` is too wide to write by the hundred thousand).
The commercial partners' dates are copied (their contacts held the same
date and now show it), then the column and its index are dropped.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or not column_exists(
        cr, "res_partner", "idic_last_interaction_date"
    ):
        return
    cr.execute(
        SQL(
            """
            INSERT INTO idic_partner_activity (partner_id, last_date)
            SELECT id, idic_last_interaction_date
              FROM res_partner
             WHERE id = commercial_partner_id
               AND idic_last_interaction_date IS NOT NULL
                ON CONFLICT (partner_id) DO NOTHING
            """
        )
    )
    copied = cr.rowcount
    cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN idic_last_interaction_date"))
    _logger.info(
        "partner_idic %s -> 19.0.1.1.0: %s last interaction dates moved to "
        "idic_partner_activity; res_partner.idic_last_interaction_date dropped",
        version,
        copied,
    )
