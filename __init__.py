from odoo.tools import SQL

from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Drop the staging tables that runs left unfinished (a run drops its
    own when it ends)."""
    env.cr.execute(
        SQL(
            """SELECT tablename FROM pg_tables
                WHERE schemaname = current_schema()
                  AND tablename LIKE 'idic\\_run\\_stage\\_%%'"""
        )
    )
    for (table,) in env.cr.fetchall():
        env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
