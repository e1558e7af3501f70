# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The add-on's migration scripts (migrations/<version>/), run as Odoo runs
them on `-u`.  `make test` also upgrades a database of the previous release
and compares every record and figure (tools/upgrade_check.py)."""

import os
import re

from odoo.modules.module import get_module_path, load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools import parse_version

MODULE = "partner_idic"


def migrations_dir():
    return os.path.join(get_module_path(MODULE), "migrations")


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def load(self, version, name):
        path = os.path.join(migrations_dir(), version, name)
        return load_script(path, f"{MODULE}_{version}_{name}".replace(".", "_"))

    def test_versions_named_and_not_ahead(self):
        """Each folder is a full 19.0.x.y.z version no later than the
        manifest's: Odoo runs it when upgrading from an older version."""
        manifest = self.env["ir.module.module"].get_module_info(MODULE)["version"]
        folders = sorted(os.listdir(migrations_dir()))
        self.assertTrue(folders)
        for folder in folders:
            self.assertRegex(folder, r"^19\.0\.\d+\.\d+\.\d+$")
            self.assertLessEqual(parse_version(folder), parse_version(manifest))
            scripts = os.listdir(os.path.join(migrations_dir(), folder))
            self.assertTrue(
                all(
                    re.match(r"^(pre|post|end)-\w+\.py$", s)
                    for s in scripts
                    if s.endswith(".py")
                ),
                scripts,
            )

    def test_19_0_1_1_0_drops_the_recompute_cursors(self):
        script = self.load("19.0.1.1.0", "post-migrate.py")
        params = self.env["ir.config_parameter"].sudo()
        for key in script.OBSOLETE_CURSORS:
            params.set_param(key, "1,42")
        params.set_param("partner_idic.stage_allow_backward", "True")
        script.migrate(self.env.cr, "19.0.1.0.0")
        for key in script.OBSOLETE_CURSORS:
            self.assertFalse(params.get_param(key), key)
        # The other parameters of the add-on are kept.
        self.assertEqual(params.get_param("partner_idic.stage_allow_backward"), "True")
        # Run again (nothing left) and on a fresh install (no version): no-op.
        script.migrate(self.env.cr, "19.0.1.0.0")
        params.set_param(script.OBSOLETE_CURSORS[0], "1,42")
        script.migrate(self.env.cr, None)
        self.assertEqual(params.get_param(script.OBSOLETE_CURSORS[0]), "1,42")
