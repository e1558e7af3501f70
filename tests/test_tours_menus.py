# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every menu of the app, in English and in Persian: opened as a user does,
without a client error, without an HTTP status of 400 or more, and in
Persian without a text of the add-on left in English (its PO file says
which texts it translates)."""

import json
import re
from os.path import dirname, exists, join

from babel.messages.pofile import read_po

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged

PO_FILE = join(dirname(dirname(__file__)), "i18n", "fa.po")
MSGID = re.compile(r'^msgid "(.+)"$', re.MULTILINE)

# Texts that read the same in both languages, or that a host module shows
# with its own (older) Persian words.
SAME_IN_BOTH = {"RFM", "IDIC", "CLV", "LYBUNT", "SYBUNT", "QCi", "BG/NBD"}


@tagged("post_install", "-at_install")
class TestToursMenus(HttpCase):
    def menus(self, user):
        """The menus of the app that open something, in the navbar's order,
        with the section they are in."""
        root = self.env.ref("partner_idic.partner_idic_menu_root")
        Menu = self.env["ir.ui.menu"].with_user(user)
        visible = Menu.search([("id", "child_of", root.id)])
        xmlids = visible.get_external_id()
        menus = []

        def walk(parent, section):
            for menu in visible.filtered(lambda m: m.parent_id == parent).sorted(
                lambda m: (m.sequence, m.id)
            ):
                if menu.action:
                    menus.append(
                        {
                            "xmlid": xmlids[menu.id],
                            "name": menu.name,
                            "section": section and xmlids[section.id],
                            "section_name": section and section.name,
                        }
                    )
                walk(menu, section or menu)

        walk(root, None)
        return menus

    def host_terms(self):
        """The texts of the other installed modules: a host module shows the
        same words with its own translations (or none), not the add-on's."""
        terms = set()
        modules = self.env["ir.module.module"].search(
            [("state", "=", "installed"), ("name", "!=", "partner_idic")]
        )
        for name in modules.mapped("name"):
            path = get_module_path(name)
            pot = path and join(path, "i18n", f"{name}.pot")
            if pot and exists(pot):
                with open(pot, encoding="utf-8") as pot_file:
                    terms.update(MSGID.findall(pot_file.read()))
        return terms

    def english_terms(self):
        """The add-on's own texts that Persian writes otherwise."""
        with open(PO_FILE, "rb") as po_file:
            catalog = read_po(po_file)
        host = self.host_terms()
        return sorted(
            message.id
            for message in catalog
            if message.id
            and isinstance(message.id, str)
            and message.string
            and message.string != message.id
            and len(message.id) > 2
            and re.search(r"[A-Za-z]{2}", message.id)
            and "%" not in message.id
            and message.id not in SAME_IN_BOTH
            and message.id not in host
        )

    def walk(self, terms):
        admin = self.env.ref("base.user_admin")
        menus = self.menus(admin)
        self.assertGreater(len(menus), 30)
        walk = json.dumps({"menus": menus, "terms": terms})
        self.start_tour(
            "/odoo",
            "partner_idic_menus",
            login="admin",
            code=f"window.__idicWalk = {walk}; "
            "odoo.startTour('partner_idic_menus', {stepDelay: 0, startUrl: '/odoo'})",
            timeout=600,
        )

    def test_menus_english(self):
        self.walk([])

    def test_menus_persian(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        modules = self.env["ir.module.module"].search([("state", "=", "installed")])
        self.env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["fa_IR"], overwrite=True
        )
        self.env.ref("base.user_admin").lang = "fa_IR"
        self.walk(self.english_terms())
