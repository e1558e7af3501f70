# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Persian first: every string of the module has a Persian translation, so
that new strings cannot land untranslated."""

import polib

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import IdicCase


@tagged("post_install", "-at_install")
class TestPersian(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(file_path("partner_idic/i18n/partner_idic.pot"))
        cls.po = polib.pofile(file_path("partner_idic/i18n/fa.po"))
        cls.fa = {
            entry.msgid: entry.msgstr
            for entry in cls.po
            if entry.msgstr and not entry.fuzzy and not entry.obsolete
        }

    def module_records(self, model):
        return (
            self.env[model]
            .browse(
                self.env["ir.model.data"]
                .search([("module", "=", "partner_idic"), ("model", "=", model)])
                .mapped("res_id")
            )
            .exists()
        )

    def test_every_string_translated(self):
        missing = [entry.msgid for entry in self.pot if entry.msgid not in self.fa]
        self.assertFalse(missing, f"strings without a Persian translation: {missing}")

    def test_fields_and_selections(self):
        fields_ = self.module_records("ir.model.fields").with_context(lang="en_US")
        self.assertGreater(len(fields_), 100)
        missing = [
            f"{field.model}.{field.name}: {field.field_description}"
            for field in fields_
            if field.field_description not in self.fa
        ]
        self.assertFalse(missing, f"field labels without Persian: {missing}")
        selections = self.module_records("ir.model.fields.selection").with_context(
            lang="en_US"
        )
        self.assertTrue(selections)
        missing = [
            f"{value.field_id.model}.{value.field_id.name}: {value.name}"
            for value in selections
            if value.name not in self.fa
        ]
        self.assertFalse(missing, f"selection values without Persian: {missing}")

    def test_loaded_in_persian(self):
        """Loaded into a database, labels, selections, menus and messages of the
        code read in Persian."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_idic"], ["fa_IR"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="fa_IR"))
        stage_field = env["res.partner"].fields_get(
            ["idic_stage_id", "idic_rfm_segment"]
        )
        self.assertEqual(stage_field["idic_stage_id"]["string"], self.fa["IDIC Stage"])
        segments = dict(stage_field["idic_rfm_segment"]["selection"])
        self.assertEqual(segments["champions"], self.fa["Champions"])
        menu = env.ref("partner_idic.partner_idic_menu_root")
        self.assertEqual(menu.name, self.fa["Relationships"])
        self.assertEqual(env._("Relationship Points"), self.fa["Relationship Points"])
        self.assertNotEqual(self.fa["Relationship Points"], "Relationship Points")
