# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from random import randint

from odoo import fields, models


class IdicInterest(models.Model):
    """What a customer is interested in: tags of the customer's preferences."""

    _name = "idic.interest"
    _inherit = ["idic.input.guard"]
    _description = "Customer Interest"
    _order = "name"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: self._default_color())
    active = fields.Boolean(default=True)

    _name_uniq = models.Constraint("UNIQUE(name)", "This interest already exists.")
