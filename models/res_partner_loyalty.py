# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_points_balance = fields.Float(
        string="Points",
        compute="_compute_idic_points_balance",
        help="Points of the commercial partner's card in the loyalty program of "
        "the current company.",
        groups="partner_idic.group_idic_user",
    )
    idic_loyalty_card_id = fields.Many2one(
        "loyalty.card",
        compute="_compute_idic_points_balance",
        string="Points Card",
        groups="partner_idic.group_idic_user",
    )

    @api.depends_context("company")
    def _compute_idic_points_balance(self):
        program = self.env.company.idic_loyalty_program_id
        cards = {}
        if program:
            for card in (
                self.env["loyalty.card"]
                .sudo()
                .search(
                    [
                        ("program_id", "=", program.id),
                        ("partner_id", "in", self.commercial_partner_id.ids),
                    ],
                    order="id desc",
                )
            ):
                cards[card.partner_id.id] = card
        for partner in self:
            card = cards.get(partner.commercial_partner_id.id)
            partner.idic_loyalty_card_id = card.id if card else False
            partner.idic_points_balance = card.points if card else 0.0

    def action_idic_open_points(self):
        """The points statement of the partner's card."""
        self.ensure_one()
        card = self.idic_loyalty_card_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.loyalty_history_action_idic"
        )
        action["domain"] = [("card_id", "=", card.id)]
        action["context"] = {"default_card_id": card.id}
        action["name"] = self.env._(
            "Points of %(partner)s", partner=self.commercial_partner_id.display_name
        )
        return action

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["expiry"] = {
            "per_company": False,
            "stage": None,
            "tables": ["loyalty_card"],
            "apply": "_idic_job_apply_expiry",
            "finish": "_idic_job_finish_expiry",
            "cron": "partner_idic.ir_cron_idic_points_expire",
            "helper_code": "model._cron_idic_points_expire(helper=True)",
        }
        return specs

    @api.model
    def _idic_job_apply_expiry(self, company, today, phase, start, end):
        """The points expiry of the cards ``start <= id < end``."""
        return self.env["loyalty.card"]._idic_expire_points(start, end, today)

    @api.model
    def _idic_job_finish_expiry(self, company, today):
        self.env["loyalty.card"]._idic_send_expiry_reminders(today)
