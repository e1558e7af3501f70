# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        """A language installed: the records the add-on created by code get
        their words in it too (see ``idic.texts``)."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "partner_idic" in modules and "idic.texts" in self.env.registry:
            self.env["idic.texts"]._idic_translate(langs)
        return result
