# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

PHASES = [
    ("identify", "Identify"),
    ("differentiate", "Differentiate"),
    ("interact", "Interact"),
    ("customize", "Customize"),
]


class IdicStage(models.Model):
    """A step of the IDIC cycle a partner stands in.

    Stages are ordered by ``sequence``; the order, not the phase, decides
    what "forward" means, so a business may run the phases in another order
    and put several stages in one phase.
    """

    _name = "idic.stage"
    _inherit = ["idic.input.guard"]
    _description = "IDIC Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    phase = fields.Selection(PHASES, required=True, default="identify")
    fold = fields.Boolean(
        string="Folded in Pipeline",
        help="Folded stages are collapsed in the pipeline's kanban view.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    rule_domain = fields.Char(
        string="Entry Rule",
        default="[]",
        help="The contacts that match this domain enter the stage when the daily "
        "stage rules run (unless their stage is locked). An empty rule never "
        "moves anybody: such a stage is entered by hand only.",
    )
    has_rule = fields.Boolean(compute="_compute_has_rule")
    partner_count = fields.Integer(
        string="Customers",
        compute="_compute_partner_count",
        help="Customers in the stage: companies and persons without a company, "
        "as the Overview counts them (contacts follow their company).",
    )

    @api.depends("rule_domain")
    def _compute_has_rule(self):
        for stage in self:
            stage.has_rule = not stage._get_rule_domain().is_true()

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [
                    *self.env["res.partner"]._idic_counted_domain(),
                    ("idic_stage_id", "in", self.ids),
                ],
                ["idic_stage_id"],
                ["__count"],
            )
        )
        for stage in self:
            stage.partner_count = counts.get(stage, 0)

    @api.constrains("rule_domain")
    def _check_rule_domain(self):
        for stage in self:
            try:
                domain = stage._get_rule_domain()
                self.env["res.partner"].sudo()._search(domain)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The entry rule of the stage %(stage)s is not a valid "
                        "filter on contacts: %(error)s",
                        stage=stage.name,
                        error=error,
                    )
                ) from error

    @api.model
    def _rule_eval_context(self):
        """Names a rule may use, as in the domains of the web client."""
        today = fields.Date.context_today(self)
        return {
            "context_today": lambda: datetime.datetime.combine(today, datetime.time()),
            "datetime": safe_datetime,
            "relativedelta": relativedelta,
            "uid": self.env.uid,
            "user": self.env.user,
            "company_id": self.env.company.id,
            "company_ids": self.env.companies.ids,
        }

    def _get_rule_domain(self):
        """The entry rule as a :class:`Domain`; ``Domain.TRUE`` means no rule."""
        self.ensure_one()
        value = (self.rule_domain or "").strip()
        if not value or value == "[]":
            return Domain.TRUE
        return Domain(safe_eval(value, self._rule_eval_context()))

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.res_partner_action_idic_customers"
        )
        action.update(
            domain=[
                *self.env["res.partner"]._idic_counted_domain(),
                ("idic_stage_id", "=", self.id),
            ],
            context={"create": False},
            display_name=self.name,
        )
        return action
