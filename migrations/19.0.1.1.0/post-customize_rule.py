# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.1.0: the default rule of the Customize stage (issue 25).

The shipped "Customized" stage meant "preferences recorded"; it now means
"received a tailored offer (a campaign action or a tier benefit) in the last
12 months". The stage is data a user may edit (noupdate): its rule and
description are replaced only where they are still the shipped ones; a rule
a user changed is kept as it is.
"""

import ast
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

OLD_RULE = [
    "|",
    ("idic_preferred_channel", "!=", False),
    ("idic_interest_ids", "!=", False),
]
NEW_RULE = (
    '[("idic_last_offer_date", ">=", (context_today() - '
    'relativedelta(months=12)).strftime("%Y-%m-%d"))]'
)
OLD_DESCRIPTION = (
    "We know how the customer wants to be treated: its preferences are recorded."
)
NEW_DESCRIPTION = (
    "We tailor what we offer to the customer: it received a tailored offer (a "
    "campaign action or a tier benefit) in the last 12 months."
)


def _same_rule(value):
    try:
        return ast.literal_eval((value or "").strip()) == OLD_RULE
    except (ValueError, SyntaxError):
        return False


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    stage = env.ref("partner_idic.idic_stage_customized", raise_if_not_found=False)
    if not stage:
        return
    stage = stage.with_context(active_test=False, lang="en_US")
    if not _same_rule(stage.rule_domain):
        _logger.info(
            "partner_idic 19.0.1.1.0: the rule of the stage %s was changed by a "
            "user; kept",
            stage.id,
        )
        return
    vals = {"rule_domain": NEW_RULE}
    if (stage.description or "").strip() == OLD_DESCRIPTION:
        vals["description"] = NEW_DESCRIPTION
    stage.write(vals)
    _logger.info(
        "partner_idic 19.0.1.1.0: the Customize stage's rule is now the tailored "
        "offer of the last 12 months"
    )
