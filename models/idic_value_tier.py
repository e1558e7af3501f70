# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

TIER_BASES = [
    ("clv", "Customer lifetime value"),
    ("monetary", "Net amount in the window"),
    ("rfm", "RFM total (3-15)"),
    ("donation", "Lifetime donations"),
]


class IdicValueTier(models.Model):
    _name = "idic.value.tier"
    _inherit = ["idic.input.guard"]
    _description = "Customer Value Tier"
    _order = "company_id, min_threshold, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    basis = fields.Selection(
        TIER_BASES,
        required=True,
        default="clv",
        help="The figure that places a customer in a tier. All the tiers of a "
        "company use the same basis.",
    )
    min_threshold = fields.Float(
        string="Minimum",
        required=True,
        default=0.0,
        help="A customer enters this tier when its figure reaches this minimum; "
        "the minimum of the next tier is the upper bound.",
    )
    max_threshold = fields.Float(
        string="Up To",
        compute="_compute_max_threshold",
        help="The minimum of the next tier of the company (empty for the top tier).",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Applied to a customer entering this tier, unless its pricelist was "
        "set by hand.",
    )
    points_multiplier = fields.Float(
        default=1.0,
        help="Loyalty points earned by the customers of this tier are multiplied "
        "by this factor.",
    )
    activity_plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Welcome Plan",
        domain="[('res_model', '=', 'res.partner')]",
        help="Activities launched when a customer moves up into this tier.",
    )
    dormant_days = fields.Integer(
        string="Dormant After (days)",
        help="Days without interaction after which a customer of this tier is "
        "dormant; 0 uses the company setting.",
    )
    description = fields.Html(translate=True, help="The benefits of the tier.")
    partner_count = fields.Integer(
        compute="_compute_partner_count",
        string="Customers",
        help="Customers in the tier: companies and persons without a company, "
        "as the Overview counts them (contacts follow their company).",
    )

    _points_multiplier_positive = models.Constraint(
        "CHECK(points_multiplier >= 0)",
        "The points multiplier of a tier cannot be negative.",
    )
    _dormant_days_positive = models.Constraint(
        "CHECK(dormant_days >= 0)",
        "The dormant delay of a tier cannot be negative.",
    )

    @api.model
    def _idic_bounds(self):
        return dict(
            super()._idic_bounds(),
            min_threshold=(-1e12, 1e12),
            points_multiplier=(0, 100),
            dormant_days=(0, 3650),
        )

    @api.depends("company_id", "min_threshold")
    def _compute_max_threshold(self):
        for tier in self:
            above = self.search(
                [
                    ("company_id", "=", tier.company_id.id),
                    ("min_threshold", ">", tier.min_threshold),
                ],
                order="min_threshold",
                limit=1,
            )
            tier.max_threshold = above.min_threshold if above else 0.0

    def _compute_partner_count(self):
        counts = {}
        for company, tiers in self.grouped("company_id").items():
            Partner = self.env["res.partner"].with_company(company)
            for tier, count in Partner._read_group(
                [
                    *Partner._idic_counted_domain(),
                    ("idic_value_tier_id", "in", tiers.ids),
                ],
                ["idic_value_tier_id"],
                ["__count"],
            ):
                counts[tier.id] = count
        for tier in self:
            tier.partner_count = counts.get(tier.id, 0)

    @api.constrains("company_id", "basis", "min_threshold", "active")
    def _check_thresholds(self):
        for company in self.company_id:
            tiers = self.search(
                [("company_id", "=", company.id)], order="min_threshold"
            )
            if len(set(tiers.mapped("basis"))) > 1:
                raise ValidationError(
                    self.env._(
                        "All the value tiers of %(company)s must use the same basis.",
                        company=company.display_name,
                    )
                )
            minimums = tiers.mapped("min_threshold")
            for low, high in pairwise(minimums):
                if high <= low:
                    raise ValidationError(
                        self.env._(
                            "The minimums of the value tiers of %(company)s must be "
                            "strictly increasing: two tiers start at %(minimum)s.",
                            company=company.display_name,
                            minimum=low,
                        )
                    )
            if tiers[:1].basis == "rfm" and any(m < 0 or m > 15 for m in minimums):
                raise ValidationError(
                    self.env._(
                        "An RFM total lies between 3 and 15: tier minimums must be "
                        "between 0 and 15."
                    )
                )

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.res_partner_action_idic_customers"
        )
        action.update(
            {
                "name": self.display_name,
                "domain": [
                    *self.env["res.partner"]._idic_counted_domain(),
                    ("idic_value_tier_id", "=", self.id),
                ],
                "context": {"allowed_company_ids": [self.company_id.id]},
                "view_mode": "list,kanban,form",
                "views": [(False, "list"), (False, "kanban"), (False, "form")],
            }
        )
        return action

    def action_idic_recompute(self):
        """Managers: recompute the value figures and tiers of the customers of
        the selected companies now."""
        if not self.env.user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers can recompute customer value.")
            )
        changed = (
            self.env["res.partner"]
            .sudo()
            ._idic_recompute_values(self.env.companies, commit=False)
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Customer value recomputed: %(count)s partners updated.",
                    count=changed,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
