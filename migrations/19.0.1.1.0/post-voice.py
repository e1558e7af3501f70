# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.0 -> 19.0.1.1.0, after the data files load (issue 30).

* The practice surveys of 19.0.1.0.0 (kept by ``pre-voice.py``) are marked
  superseded; those no open assessment uses are archived (an open one is
  answered and closed on its questions, then its survey is archived). Closed
  assessments keep their snapshots and overall scores exactly as scored;
  their areas only learn the CRM type and group of the same area of the new
  version, so that the trend by CRM type covers them.
* Complaints, feedback and ideas get the stage of their knowledge status
  (which does not change: their knowledge value stays), an owner (the
  customer's salesperson, else who recorded it) and, when open, a deadline on
  the company's working calendar. Their resolution dates are unknown: the
  figures that need them count them from now on.
* The new relationship-health figures are added to the months measured in
  the last 12 months (the rows there are kept as they are).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

VERSION_SUFFIX = "_v19_0_1_0_0"
KNOWLEDGE_KINDS = ("feedback", "idea", "complaint")


def supersede_old_surveys(env):
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT res_id FROM ir_model_data
                WHERE module = 'partner_idic' AND model = 'survey.survey'
                  AND name LIKE %s""",
            f"%{VERSION_SUFFIX}",
        )
    )
    surveys = (
        env["survey.survey"]
        .with_context(active_test=False)
        .browse(row[0] for row in cr.fetchall())
    )
    surveys = surveys.exists()
    surveys.write({"idic_superseded": True})
    answered = env["idic.assessment"].search(
        [("state", "=", "open"), ("survey_id", "in", surveys.ids)]
    )
    idle = surveys - answered.survey_id
    idle.write({"active": False})
    # The CRM type and group of an area of a closed assessment: those of the
    # same area in the new version of its survey.
    cr.execute(
        SQL(
            """
            UPDATE idic_assessment_area a
               SET crm_type = page.idic_crm_type, area_group = page.idic_area_group
              FROM ir_model_data old
              JOIN ir_model_data new
                ON new.module = old.module AND new.model = old.model
               AND old.name = new.name || %(suffix)s
              JOIN survey_question page ON page.id = new.res_id
             WHERE old.module = 'partner_idic' AND old.model = 'survey.question'
               AND old.res_id = a.page_id AND a.crm_type IS NULL
            """,
            suffix=VERSION_SUFFIX,
        )
    )
    return len(surveys), len(idle), cr.rowcount


def feedback_workflow(env):
    cr = env.cr
    cr.execute(
        SQL(
            """
            UPDATE idic_interaction i
               SET feedback_stage = CASE
                       WHEN i.knowledge_status = 'accepted' THEN 'in_progress'
                       WHEN i.knowledge_status = 'implemented'
                            AND i.kind IN ('idea', 'feedback') THEN 'implemented'
                       WHEN i.knowledge_status = 'implemented' THEN 'resolved'
                       ELSE 'new' END,
                   owner_id = COALESCE(i.owner_id, (
                       SELECT u.id FROM res_partner cp
                         JOIN res_users u ON u.id = cp.user_id AND NOT u.share
                        WHERE cp.id = i.commercial_partner_id), i.user_id)
             WHERE i.kind IN %(kinds)s AND i.feedback_stage IS NULL
            """,
            kinds=KNOWLEDGE_KINDS,
        )
    )
    staged = cr.rowcount
    interactions = env["idic.interaction"].search(
        [
            ("kind", "in", KNOWLEDGE_KINDS),
            ("feedback_stage", "in", ("new", "in_progress")),
            ("feedback_deadline", "=", False),
        ]
    )
    deadlines = []
    for interaction in interactions:
        deadline = interaction._idic_deadline_for(interaction.kind)
        if deadline:
            deadlines.append((interaction.id, deadline))
    if deadlines:
        cr.execute(
            SQL(
                """UPDATE idic_interaction i SET feedback_deadline = d.deadline
                     FROM unnest(%s::int[], %s::date[]) AS d(id, deadline)
                    WHERE i.id = d.id""",
                [row[0] for row in deadlines],
                [row[1] for row in deadlines],
            )
        )
    env["idic.interaction"].invalidate_model()
    return staged, len(deadlines)


def health_history(env):
    Snapshot = env["idic.health.snapshot"]
    added = 0
    for company in Snapshot.search([]).company_id:
        added += len(Snapshot._idic_fill_missing_figures(company))
    return added


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    surveys, archived, areas = supersede_old_surveys(env)
    staged, deadlines = feedback_workflow(env)
    figures = health_history(env)
    _logger.info(
        "partner_idic %s -> 19.0.1.1.0: %d practice surveys superseded (%d archived), "
        "%d closed assessment areas typed; %d complaints, feedback and ideas given "
        "a stage (%d a deadline); %d health figures added to past months",
        version,
        surveys,
        archived,
        areas,
        staged,
        deadlines,
        figures,
    )
