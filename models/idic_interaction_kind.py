# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The kinds of interactions as records, so that a customer survey rule can
name several of them (issue #30). One record per value of
``idic.interaction.kind`` but the survey answers themselves (data file
``idic_voice_data.xml``; another add-on adding a kind adds its record)."""

from odoo import fields, models


class IdicInteractionKind(models.Model):
    _name = "idic.interaction.kind"
    _description = "Interaction Kind"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="The value of the interaction's kind it stands for."
    )
    sequence = fields.Integer(default=10)

    _code_uniq = models.Constraint("UNIQUE(code)", "Each kind is listed once.")
