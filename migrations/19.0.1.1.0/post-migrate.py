# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.0 -> 19.0.1.1.0: the recompute jobs no longer keep their place in
system parameters (issue 17 gives them run tables).

The three cursors of the 19.0.1.0.0 jobs ("company,partner" of the last
committed batch of the value and donor recomputes and of the membership
refresh) mean nothing to the new jobs: they are deleted, and the next run of
each job starts from the beginning.  Figures are not touched: a run that was
interrupted half-way is simply done again in full.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

OBSOLETE_CURSORS = (
    "partner_idic.value_recompute_cursor",
    "partner_idic.donor_recompute_cursor",
    "partner_idic.member_refresh_cursor",
    # The stage advance runs on the recompute frame too (issue 29).
    "partner_idic.stage_advance_next_id",
)


def migrate(cr, version):
    if not version:
        return  # a fresh install: nothing to migrate
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"].search([("key", "in", OBSOLETE_CURSORS)])
    removed = [(param.key, param.value) for param in params]
    params.unlink()  # through the ORM: get_param's cache forgets them too
    _logger.info(
        "partner_idic %s -> 19.0.1.1.0: removed %d obsolete recompute cursor(s)%s; "
        "the next run of each job starts from the beginning",
        version,
        len(removed),
        "".join(f", {key}={value}" for key, value in sorted(removed)),
    )
