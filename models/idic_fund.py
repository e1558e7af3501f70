# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class IdicFund(models.Model):
    """A designation donors give to (general, scholarships, a building...),
    per company: each donation line may name one."""

    _name = "idic.fund"
    _description = "Fund"
    _order = "company_id, sequence, name, id"
    _check_company_auto = True
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short reference, e.g. for the accounting analysis.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    restricted = fields.Boolean(
        help="Donors restricted the use of this fund to its purpose "
        "(temporarily or permanently restricted net assets).",
    )
    description = fields.Text()
    color = fields.Integer()

    _code_company_uniq = models.UniqueIndex(
        "(company_id, code) WHERE code IS NOT NULL",
        "A fund code is unique per company.",
    )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for fund in self:
            fund.display_name = (
                f"[{fund.code}] {fund.name}" if fund.code else fund.name or ""
            )
