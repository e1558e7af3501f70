# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Act on a segment (issue #25): from any list of customers (its selection
or all of a filtered list), a cell of the RFM map, a tier, a quadrant, the
churn list or LYBUNT. Each use is a campaign (``utm.campaign``) with its
members: a random control group gets nothing, the target group gets the
actions (a mailing list and mailing, an activity plan, coupons or points
through the host's own coupon generation), and the campaign measures whether
they bought more."""

import math

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..models.utm_campaign import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS

MAX_CONTROL_SHARE = 90.0


class IdicSegmentAction(models.TransientModel):
    _name = "idic.segment.action"
    _description = "Act on a Segment"

    name = fields.Char(string="Campaign", required=True)
    source = fields.Char(string="Segment", readonly=True)
    domain = fields.Char(
        readonly=True, help="The customers, as a filter (a whole segment)."
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Selected", readonly=True, help="The customers chosen."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    customer_count = fields.Integer(
        string="Customers", compute="_compute_customer_count"
    )
    excluded_count = fields.Integer(
        string="Do Not Contact", compute="_compute_customer_count"
    )
    control_share = fields.Float(
        string="Control Group (%)",
        default=10.0,
        help="Share of the customers drawn at random who get nothing, to measure "
        "the effect of the action against them (0: no control group).",
    )
    window_days = fields.Integer(
        string="Measure Over (days)",
        default=DEFAULT_WINDOW_DAYS,
        help="Purchases are counted over so many days after the action.",
    )
    add_to_list = fields.Boolean(string="Add to a Mailing List")
    mailing_list_id = fields.Many2one(
        "mailing.list",
        help="Empty: a new list named after the campaign.",
    )
    create_mailing = fields.Boolean(
        string="Create a Mailing",
        help="A draft mailing to the list, in the campaign, to write and send in "
        "Email Marketing.",
    )
    mailing_subject = fields.Char(string="Subject")
    plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Activity Plan",
        domain="[('res_model', '=', 'res.partner')]",
        help="Scheduled for each customer of the target group.",
    )
    loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Coupons or Points",
        domain="[('company_id', 'in', (False, company_id))]",
        help="Each customer of the target group gets a coupon or points of this "
        "program, through its own coupon generation.",
    )
    offer_points = fields.Float(string="Points / Coupon Value", default=1.0)
    offer_recommended = fields.Boolean(
        string="Coupon on the Top Recommendation",
        help="Each customer of the target group gets a coupon for a discount on "
        "the product recommended to it first.",
    )
    discount_percent = fields.Float(string="Discount (%)", default=10.0)

    # ------------------------------------------------------------------------
    # Defaults: what the wizard was opened on
    # ------------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and not values.get("domain"):
            ids = context.get("active_ids") or []
            domain = context.get("active_domain")
            Partner = self.env["res.partner"]
            if domain and ids and len(ids) >= Partner.search_count(domain):
                values["domain"] = repr(list(Domain(domain)))
            elif ids:
                values["partner_ids"] = [Command.set(ids)]
            values.setdefault("source", self.env._("Selected customers"))
        if "name" in fields_list and not values.get("name"):
            values["name"] = self.env._(
                "%(segment)s, %(date)s",
                segment=values.get("source") or self.env._("Customers"),
                date=fields.Date.to_string(fields.Date.context_today(self)),
            )
        return values

    @api.model
    def _idic_open(self, domain, source):
        """The wizard on the customers matching ``domain`` (a segment)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Act on %(segment)s", segment=source),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_domain": repr(list(Domain(domain))),
                "default_source": source,
                "active_model": False,
            },
        }

    @api.model
    def action_open_for_segment(self, domain, source, company_id=None):
        """Client entry (the RFM map): the wizard on ``domain``."""
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            raise AccessError(self.env._("Only relationship users act on segments."))
        action = self._idic_open(domain, source)
        if company_id and company_id in self.env.user.company_ids.ids:
            action["context"]["default_company_id"] = company_id
        return action

    # ------------------------------------------------------------------------
    # The customers
    # ------------------------------------------------------------------------
    def _idic_partner_domain(self):
        self.ensure_one()
        if self.domain:
            return Domain(safe_eval(self.domain))
        return Domain("id", "in", self.partner_ids.ids)

    def _idic_customers_sql(self, contactable=True):
        """SQL selecting the ids of the customers of the wizard: the
        commercial partners of the partners it was opened on, that the user
        may read, active, and (``contactable``) not asking not to be
        contacted."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_company(self.company_id)
        query = Partner._search(self._idic_partner_domain())
        return SQL(
            """SELECT DISTINCT cp.id FROM res_partner p
                 JOIN res_partner cp ON cp.id = p.commercial_partner_id
                WHERE p.id IN (%s) AND cp.active
                  AND %s""",
            query.select(SQL.identifier(query.table, "id")),
            SQL("NOT COALESCE(cp.idic_do_not_contact, FALSE)")
            if contactable
            else SQL("COALESCE(cp.idic_do_not_contact, FALSE)"),
        )

    @api.depends("domain", "partner_ids", "company_id")
    def _compute_customer_count(self):
        for wizard in self:
            if not (wizard.domain or wizard.partner_ids):
                wizard.customer_count = wizard.excluded_count = 0
                continue
            self.env.flush_all()
            wizard.customer_count, wizard.excluded_count = (
                self.env.execute_query(
                    SQL("SELECT COUNT(*) FROM (%s) c", wizard._idic_customers_sql(ok))
                )[0][0]
                for ok in (True, False)
            )

    # ------------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------------
    @api.constrains("control_share", "window_days", "offer_points", "discount_percent")
    def _check_bounds(self):
        for wizard in self:
            numbers = (
                wizard.control_share,
                wizard.offer_points,
                wizard.discount_percent,
            )
            if not all(math.isfinite(n) for n in numbers):
                raise ValidationError(self.env._("Every number must be finite."))
            if not 0 <= wizard.control_share <= MAX_CONTROL_SHARE:
                raise ValidationError(
                    self.env._(
                        "The control group is between 0 and %(max)s %% of the "
                        "customers.",
                        max=MAX_CONTROL_SHARE,
                    )
                )
            if not 1 <= wizard.window_days <= MAX_WINDOW_DAYS:
                raise ValidationError(
                    self.env._(
                        "Results are measured over 1 to %(max)s days.",
                        max=MAX_WINDOW_DAYS,
                    )
                )
            if not 0 <= wizard.offer_points <= 1e9:
                raise ValidationError(
                    self.env._(
                        "The points or value of an offer is a number between 0 "
                        "and 1,000,000,000."
                    )
                )
            if not 0 < wizard.discount_percent <= 100:
                raise ValidationError(
                    self.env._("A discount is more than 0 and at most 100 %.")
                )

    def _idic_check_rights(self):
        self.ensure_one()
        user = self.env.user
        if not user.has_group("partner_idic.group_idic_user"):
            raise AccessError(self.env._("Only relationship users act on segments."))
        if self.company_id not in user.company_ids:
            raise AccessError(
                self.env._(
                    "You do not work in %(company)s.", company=self.company_id.name
                )
            )
        offers = self.loyalty_program_id or self.offer_recommended
        if offers and not user.has_group("partner_idic.group_idic_manager"):
            raise AccessError(
                self.env._("Only relationship managers give coupons or points.")
            )
        mailing = self.add_to_list or self.create_mailing
        if mailing and not user.has_group("mass_mailing.group_mass_mailing_user"):
            raise AccessError(
                self.env._("Only Email Marketing users add customers to mailings.")
            )
        if not (mailing or self.plan_id or offers):
            raise UserError(
                self.env._(
                    "Choose what to do: a mailing, an activity plan, coupons or points."
                )
            )
        if self.loyalty_program_id and self.offer_points <= 0:
            raise ValidationError(self.env._("An offer grants more than 0."))

    # ------------------------------------------------------------------------
    # Acting
    # ------------------------------------------------------------------------
    def _idic_action_labels(self):
        self.ensure_one()
        labels = []
        if self.add_to_list or self.create_mailing:
            labels.append(self.env._("Mailing"))
        if self.plan_id:
            labels.append(self.plan_id.name)
        if self.loyalty_program_id:
            labels.append(self.loyalty_program_id.name)
        if self.offer_recommended:
            labels.append(self.env._("Coupon on the top recommendation"))
        return ", ".join(labels)

    def _idic_create_campaign(self):
        """The campaign and its members (the control group drawn at random),
        set-based. Returns the campaign."""
        self.ensure_one()
        self.env.flush_all()
        customers = self.env.execute_query(
            SQL("SELECT COUNT(*) FROM (%s) c", self._idic_customers_sql())
        )[0][0]
        if not customers:
            raise UserError(
                self.env._("There is no customer to act on (do-not-contact excluded).")
            )
        now = fields.Datetime.now()
        campaign = (
            self.env["utm.campaign"]
            .sudo()
            .create(
                {
                    "title": self.name,
                    "user_id": self.env.uid,
                    "idic_company_id": self.company_id.id,
                    "idic_source": self.source,
                    "idic_actions": self._idic_action_labels(),
                    "idic_action_date": now,
                    "idic_window_days": self.window_days,
                    "idic_control_share": self.control_share,
                }
            )
        )
        control = round(customers * self.control_share / 100.0)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO idic_campaign_member
                       (campaign_id, partner_id, "group", date, company_id,
                        bought, revenue, create_uid, create_date, write_uid,
                        write_date)
                SELECT %(campaign)s, c.id,
                       CASE WHEN c.n <= %(control)s THEN 'control' ELSE 'target' END,
                       %(now)s, %(company)s, FALSE, 0, %(uid)s, %(now)s, %(uid)s,
                       %(now)s
                  FROM (SELECT s.id, ROW_NUMBER() OVER (ORDER BY random()) AS n
                          FROM (%(customers)s) s) c
                """,
                campaign=campaign.id,
                control=control,
                now=now,
                company=self.company_id.id,
                uid=self.env.uid,
                customers=self._idic_customers_sql(),
            )
        )
        self.env["idic.campaign.member"].invalidate_model()
        return campaign

    def _idic_targets(self, campaign):
        return (
            self.env["idic.campaign.member"]
            .sudo()
            .search([("campaign_id", "=", campaign.id), ("group", "=", "target")])
            .partner_id
        )

    def action_apply(self):
        """Create the campaign and do the actions for its target group."""
        self.ensure_one()
        self._idic_check_rights()
        wizard = self.with_company(self.company_id)
        campaign = wizard._idic_create_campaign()
        targets = wizard._idic_targets(campaign).with_company(self.company_id)
        if self.add_to_list or self.create_mailing:
            wizard._idic_do_mailing(campaign, targets)
        if self.plan_id:
            targets._idic_launch_plan(self.plan_id, "campaign")
        description = self.env._("Campaign: %(name)s", name=campaign.title)
        if self.loyalty_program_id:
            wizard._idic_give_offer(
                self.loyalty_program_id,
                self.offer_points,
                targets,
                description,
                campaign,
            )
        if self.offer_recommended:
            wizard._idic_offer_recommended(targets, description, campaign)
        campaign._idic_measure()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.utm_campaign_action_idic"
        )
        action.update(
            res_id=campaign.id,
            view_mode="form",
            views=[
                (self.env.ref("partner_idic.utm_campaign_view_form_idic").id, "form")
            ],
        )
        return action

    def _idic_do_mailing(self, campaign, targets):
        """The target group on a mailing list (existing contacts of the same
        e-mail are reused), and a draft mailing to the list."""
        self.ensure_one()
        mailing_list = self.mailing_list_id
        if not mailing_list:
            mailing_list = self.env["mailing.list"].create({"name": campaign.title})
        partners = targets.filtered("email_normalized")
        Contact = self.env["mailing.contact"]
        existing = Contact.search(
            [("email_normalized", "in", partners.mapped("email_normalized"))]
        )
        by_email = {}
        for contact in existing:
            by_email.setdefault(contact.email_normalized, contact)
        Contact.create(
            [
                {
                    "name": partner.name,
                    "email": partner.email,
                    "list_ids": [Command.link(mailing_list.id)],
                }
                for partner in partners
                if partner.email_normalized not in by_email
            ]
        )
        existing = Contact.union(*by_email.values())
        existing.filtered(lambda c: mailing_list not in c.list_ids).write(
            {"list_ids": [Command.link(mailing_list.id)]}
        )
        campaign.sudo().write({"idic_mailing_list_id": mailing_list.id})
        if self.create_mailing:
            self.env["mailing.mailing"].create(
                {
                    "subject": self.mailing_subject or campaign.title,
                    "campaign_id": campaign.id,
                    "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                    "contact_list_ids": [Command.link(mailing_list.id)],
                }
            )

    @api.model
    def _idic_give_offer(self, program, points, partners, description, campaign=None):
        """A coupon or points of ``program`` for each of ``partners``, through
        the host's coupon generation (``loyalty.generate.wizard``)."""
        if not partners:
            return self.env["loyalty.card"]
        wizard = (
            self.env["loyalty.generate.wizard"]
            .sudo()
            .create(
                {
                    "program_id": program.id,
                    "mode": "selected",
                    "customer_ids": [Command.set(partners.ids)],
                    "points_granted": points,
                    "description": description,
                }
            )
        )
        cards = wizard.generate_coupons()
        if campaign:
            cards.sudo().write({"idic_campaign_id": campaign.id})
        return cards

    def _idic_offer_recommended(self, targets, description, campaign):
        """Each target customer with a recommendation gets a coupon for a
        discount on its top recommended product (one coupon program per
        product, made once)."""
        self.ensure_one()
        recommendations = (
            self.env["idic.recommendation"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", targets.ids),
                    ("rank", "=", 1),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )
        for product, recs in recommendations.grouped("product_id").items():
            program = self._idic_product_program(product)
            self._idic_give_offer(program, 1.0, recs.partner_id, description, campaign)

    def _idic_product_program(self, product):
        """The coupon program of ``product`` at this wizard's discount (made
        the first time)."""
        Program = self.env["loyalty.program"].sudo()
        name = self.env._(
            "%(discount)s%% off %(product)s",
            discount=round(self.discount_percent, 2),
            product=product.display_name,
        )
        program = Program.search(
            [
                ("name", "=", name),
                ("program_type", "=", "coupons"),
                ("company_id", "=", self.company_id.id),
            ],
            limit=1,
        )
        if program:
            return program
        return Program.create(
            {
                "name": name,
                "program_type": "coupons",
                "company_id": self.company_id.id,
                "applies_on": "current",
                "trigger": "with_code",
                "rule_ids": [Command.clear()],
                "reward_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "reward_type": "discount",
                            "required_points": 1,
                            "discount": self.discount_percent,
                            "discount_mode": "percent",
                            "discount_applicability": "specific",
                            "discount_product_ids": [Command.set(product.ids)],
                        }
                    ),
                ],
            }
        )
