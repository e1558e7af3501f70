# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Appeals: a campaign (``utm.campaign``, shared with the mailings and the
campaigns of the segment actions) that raised gifts. Donation lines name
their appeal; the campaign carries what it cost and how many people it asked
outside mailings, the appeal analysis (``idic.appeal.report``) gives the
rest."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    idic_appeal_company_id = fields.Many2one(
        "res.company",
        string="Appeal Company",
        default=lambda self: self.env.company,
        help="The company that runs the appeal: its cost is in this company's "
        "currency and counts against the gifts of this company.",
    )
    idic_appeal_currency_id = fields.Many2one(
        related="idic_appeal_company_id.currency_id", string="Appeal Currency"
    )
    idic_appeal_cost = fields.Monetary(
        string="Appeal Cost",
        currency_field="idic_appeal_currency_id",
        groups="partner_idic.group_idic_donor_data",
        copy=False,
        help="What the appeal cost (printing, postage, events, staff): the cost "
        "per unit raised divides it by the amount of its gifts.",
    )
    idic_appeal_solicited = fields.Integer(
        string="Solicited Outside Mailings",
        help="People asked to give by letter, phone or in person. The recipients "
        "of the campaign's mailings and segment actions are counted "
        "automatically; the response rate divides its donors by both.",
    )
    idic_appeal_gift_count = fields.Integer(
        string="Gifts",
        compute="_compute_idic_appeal_figures",
        groups="partner_idic.group_idic_donor_data",
    )
    idic_appeal_amount = fields.Monetary(
        string="Raised",
        currency_field="idic_appeal_currency_id",
        compute="_compute_idic_appeal_figures",
        groups="partner_idic.group_idic_donor_data",
    )

    @api.constrains("idic_appeal_cost", "idic_appeal_solicited")
    def _check_idic_appeal_figures(self):
        for campaign in self.sudo():
            cost = campaign.idic_appeal_cost
            if not math.isfinite(cost) or not 0 <= cost <= 1e12:
                raise ValidationError(
                    self.env._(
                        "The cost of an appeal must be a number between 0 and "
                        "1,000,000,000,000."
                    )
                )
            if not 0 <= campaign.idic_appeal_solicited <= 1_000_000_000:
                raise ValidationError(
                    self.env._(
                        "The number of people solicited must be between 0 and "
                        "1,000,000,000."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._idic_check_cost(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._idic_check_cost(vals)
        return super().write(vals)

    def _idic_check_cost(self, vals):
        """The cost typed must be a finite number (before the ORM rounds
        it); its bounds are the constraint's."""
        cost = vals.get("idic_appeal_cost")
        if cost is not None and (
            isinstance(cost, bool)
            or not isinstance(cost, int | float)
            or not math.isfinite(cost)
        ):
            raise ValidationError(
                self.env._(
                    "The cost of an appeal must be a number between 0 and "
                    "1,000,000,000,000."
                )
            )

    def _compute_idic_appeal_figures(self):
        """Gifts and amount of the appeal in its company, from the appeal
        analysis (read as the user: donor-data readers only)."""
        rows = self.env["idic.appeal.report"]._read_group(
            [("appeal_id", "in", self.ids)],
            ["appeal_id", "company_id"],
            ["gift_count:sum", "amount:sum"],
        )
        figures = {
            (appeal.id, company.id): (gifts, amount)
            for appeal, company, gifts, amount in rows
        }
        for campaign in self:
            company = campaign.idic_appeal_company_id or self.env.company
            gifts, amount = figures.get((campaign.id, company.id), (0, 0.0))
            campaign.idic_appeal_gift_count = gifts
            campaign.idic_appeal_amount = amount

    def action_idic_open_appeal_gifts(self):
        """The donation lines of this appeal."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_donation_report_action"
        )
        action["domain"] = [("appeal_id", "=", self.id)]
        action["context"] = {"search_default_group_partner": 1}
        action["name"] = self.env._("Gifts to %(appeal)s", appeal=self.display_name)
        return action
