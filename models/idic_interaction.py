# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .idic_context import grant

CHANNELS = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("meeting", "Meeting"),
    ("chat", "Chat"),
    ("sms", "SMS"),
    ("social", "Social Media"),
    ("web_form", "Web Form"),
    ("letter", "Letter"),
    ("visit", "Visit"),
    ("other", "Other"),
]


class IdicInteraction(models.Model):
    """One conversation with a customer, on any channel, in either direction."""

    _name = "idic.interaction"
    _inherit = ["idic.figure.guard", "idic.input.guard"]
    _description = "Customer Interaction"
    _order = "date desc, id desc"
    _rec_name = "subject"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")],
        required=True,
        default="outbound",
        help="Inbound: the customer reached out. Outbound: we did.",
    )
    subject = fields.Char(required=True)
    summary = fields.Html()
    outcome = fields.Selection(
        [
            ("positive", "Positive"),
            ("neutral", "Neutral"),
            ("negative", "Negative"),
            ("no_answer", "No answer"),
            ("follow_up", "Follow-up needed"),
        ]
    )
    satisfaction = fields.Selection(
        [
            ("1", "Very dissatisfied"),
            ("2", "Dissatisfied"),
            ("3", "Neutral"),
            ("4", "Satisfied"),
            ("5", "Very satisfied"),
        ],
        help="How satisfied the customer said it was, when it said so.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        domain="[('share', '=', False)]",
    )
    response_date = fields.Datetime(
        string="Answered On",
        help="For inbound requests: when we first answered (the next outbound "
        "interaction with this customer).",
    )
    response_hours = fields.Float(
        string="Response Time (h)",
        compute="_compute_response_hours",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    res_model = fields.Char(string="Source Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Source Record", model_field="res_model", readonly=True
    )
    source_document = fields.Reference(
        selection="_selection_source_document",
        compute="_compute_source_document",
    )
    origin_key = fields.Char(
        readonly=True,
        copy=False,
        help="Identifies the event an automatic interaction was logged from, so "
        "that the same event is never logged twice.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    _origin_key_uniq = models.UniqueIndex(
        "(origin_key) WHERE origin_key IS NOT NULL",
        "This event has already been logged as an interaction.",
    )

    @api.depends("date", "response_date", "direction")
    def _compute_response_hours(self):
        for interaction in self:
            if interaction.direction == "inbound" and interaction.response_date:
                delta = interaction.response_date - interaction.date
                interaction.response_hours = max(delta.total_seconds() / 3600.0, 0.0)
            else:
                interaction.response_hours = 0.0

    @api.model
    def _selection_source_document(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    @api.depends("res_model", "res_id")
    def _compute_source_document(self):
        for interaction in self:
            if interaction.res_model in self.env and interaction.res_id:
                interaction.source_document = (
                    f"{interaction.res_model},{interaction.res_id}"
                )
            else:
                interaction.source_document = False

    @api.model_create_multi
    def create(self, vals_list):
        interactions = super().create(vals_list)
        interactions._answer_open_requests()
        interactions.commercial_partner_id._idic_refresh_last_interaction()
        return interactions

    def write(self, vals):
        partners = self.commercial_partner_id
        result = super().write(vals)
        if "company_id" in vals:
            # The record rules are checked on the records as they were: an
            # interaction may not be moved to a company the user cannot work in.
            self.check_access("write")
        if {"date", "partner_id", "direction"} & set(vals):
            self._answer_open_requests()
            (partners | self.commercial_partner_id)._idic_refresh_last_interaction()
        return result

    def unlink(self):
        partners = self.commercial_partner_id
        result = super().unlink()
        partners.exists()._idic_refresh_last_interaction()
        return result

    @api.model
    def _idic_log_events(self, vals_list):
        """Create the interactions of automatic events, skipping the events
        (``origin_key``) already logged, so that processing an event twice
        logs it once."""
        keys = [vals["origin_key"] for vals in vals_list if vals.get("origin_key")]
        done = set(
            self.with_context(active_test=False)
            .search([("origin_key", "in", keys)])
            .mapped("origin_key")
        )
        new_vals = []
        for vals in vals_list:
            key = vals.get("origin_key")
            if key and key in done:
                continue
            done.add(key)
            new_vals.append(vals)
        if not new_vals:
            return self.browse()
        return grant(self, "origin_key", "res_model", "res_id").create(new_vals)

    def _answer_open_requests(self):
        """An outbound interaction answers the customer's unanswered inbound
        requests made before it."""
        outbound = self.filtered(lambda i: i.direction == "outbound")
        if not outbound:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE idic_interaction request
                   SET response_date = answer.date,
                       response_hours = GREATEST(EXTRACT(EPOCH FROM
                           answer.date - request.date) / 3600.0, 0)
                  FROM (
                        SELECT inbound.id, MIN(outbound.date) AS date
                          FROM idic_interaction inbound
                          JOIN idic_interaction outbound
                            ON outbound.commercial_partner_id = inbound.commercial_partner_id
                           AND outbound.direction = 'outbound'
                           AND outbound.date >= inbound.date
                         WHERE outbound.id IN %(ids)s
                           AND inbound.direction = 'inbound'
                           AND inbound.response_date IS NULL
                         GROUP BY inbound.id
                       ) answer
                 WHERE request.id = answer.id
                """,
                ids=tuple(outbound.ids),
            )
        )
        self.invalidate_model(["response_date", "response_hours"])

    def action_open_source_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }
