# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER = "partner_idic.group_idic_manager"
# What the owner of an action may change itself; the rest (accepting,
# cancelling, the owner, the deadline, the area) is the managers'.
OWNER_FIELDS = {"description", "state"}


class IdicImprovementAction(models.Model):
    """What the company does to improve one area of an assessment. Closing
    an assessment proposes its weakest areas; a manager accepts a proposal
    (owner and deadline) or cancels it."""

    _name = "idic.improvement.action"
    _description = "Improvement Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "idic.input.guard"]
    _order = "state_rank, date_deadline, id"
    _check_company_auto = True

    name = fields.Char(string="Action", required=True, tracking=True)
    assessment_id = fields.Many2one(
        "idic.assessment", index=True, ondelete="cascade", check_company=True
    )
    area_id = fields.Many2one(
        "idic.assessment.area",
        ondelete="set null",
        domain="[('assessment_id', '=', assessment_id)]",
    )
    area_name = fields.Char(related="area_id.name", string="Area Improved")
    area_score = fields.Float(related="area_id.score", string="Area Score (%)")
    framework = fields.Selection(related="assessment_id.framework", store=True)
    user_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, domain="[('share', '=', False)]"
    )
    date_deadline = fields.Date(string="Deadline", tracking=True)
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("open", "Open"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="open",
        tracking=True,
    )
    state_rank = fields.Integer(compute="_compute_state_rank", store=True)
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    overdue = fields.Boolean(compute="_compute_overdue", search="_search_overdue")

    @api.depends("state")
    def _compute_state_rank(self):
        ranks = {"open": 1, "proposed": 2, "done": 3, "cancelled": 4}
        for action in self:
            action.state_rank = ranks.get(action.state, 5)

    @api.depends("state", "date_deadline")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.overdue = bool(
                action.state == "open"
                and action.date_deadline
                and action.date_deadline < today
            )

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = [("state", "=", "open"), ("date_deadline", "<", today)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _idic_is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER)

    def write(self, vals):
        if not self._idic_is_manager():
            mail_fields = {
                name for name in vals if name.startswith(("message_", "activity_"))
            }
            refused = set(vals) - OWNER_FIELDS - mail_fields
            state_ok = "state" not in vals or (
                vals["state"] == "done"
                and all(action.state in ("open", "done") for action in self)
            )
            if refused or not state_ok:
                raise AccessError(
                    self.env._(
                        "The owner of an improvement action updates its description "
                        "and marks it done; relationship managers accept, cancel, "
                        "assign and schedule it."
                    )
                )
        return super().write(vals)

    def action_accept(self):
        """A proposal becomes an open action; it needs an owner and a deadline."""
        self._idic_check_manager()
        for action in self:
            if not action.user_id or not action.date_deadline:
                raise UserError(
                    self.env._(
                        "Give the action %(name)s an owner and a deadline before "
                        "accepting it.",
                        name=action.name,
                    )
                )
        self.write({"state": "open"})
        for action in self:
            action.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=action.date_deadline,
                summary=action.name,
                user_id=action.user_id.id,
            )
        return True

    def _idic_check_manager(self):
        if not self._idic_is_manager():
            raise AccessError(
                self.env._(
                    "Only relationship managers accept or cancel improvement actions."
                )
            )

    def action_done(self):
        self.write({"state": "done"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_cancel(self):
        self._idic_check_manager()
        self.write({"state": "cancelled"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True
