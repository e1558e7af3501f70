# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.0 -> 19.0.1.1.0, before the data files load (issue 30): the
practice surveys change (Payne & Frow's four supporting elements and QCi's
quality components are new areas; every area gets its CRM type and group;
Buttle weighs its groups; IDIC's Customize is compared with the Customize
figures). Their records are noupdate: the surveys of 19.0.1.0.0 are kept as
they are, under XML ids ending in ``VERSION_SUFFIX``, for the assessments run
on them (closed ones keep their snapshots, open ones are answered and closed
on the questions they were opened with), and the data files create the new
versions under the usual XML ids, which new assessments use
(``post-voice.py`` archives the old versions nobody answers any more).

The new columns of the complaints workflow are created here, empty, so that
the ORM does not compute them for every interaction: ``post-voice.py`` fills
them for the complaints, feedback and ideas only."""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

VERSION_SUFFIX = "_v19_0_1_0_0"
SURVEY_PREFIX = "idic_assessment_survey_"
SURVEY_MODELS = ("survey.survey", "survey.question", "survey.question.answer")
NEW_COLUMNS = (
    ("idic_interaction", "feedback_stage", "varchar"),
    ("idic_interaction", "owner_id", "int4"),
    ("idic_interaction", "feedback_deadline", "date"),
    ("idic_interaction", "resolved_date", "timestamp"),
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """UPDATE ir_model_data SET name = name || %(suffix)s
                WHERE module = 'partner_idic' AND model IN %(models)s
                  AND starts_with(name, %(prefix)s)
                  AND NOT name LIKE %(versioned)s""",
            suffix=VERSION_SUFFIX,
            models=SURVEY_MODELS,
            prefix=SURVEY_PREFIX,
            versioned=f"%{VERSION_SUFFIX}",
        )
    )
    _logger.info(
        "partner_idic %s -> 19.0.1.1.0: %d records of the practice surveys kept "
        "as their 19.0.1.0.0 version (XML ids ending in %s)",
        version,
        cr.rowcount,
        VERSION_SUFFIX,
    )
    for table, column, sql_type in NEW_COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL(sql_type),
            )
        )
