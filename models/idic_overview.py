# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Relationships > Overview: the figures of the relationship, each opening
the list behind it (performance assessment in Payne & Frow's and QCi's
sense). Counted through the ORM's grouped reads, so every figure is one
set-based query and respects the user's companies and record rules."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

WINDOW_DAYS = 30
# Periods of the overview's selector, in days.
PERIODS = (30, 90, 365)


class IdicOverview(models.AbstractModel):
    _name = "idic.overview"
    _description = "Relationships Overview"

    # ------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------
    @api.model
    def _action(
        self, xmlid, name, domain, context=None, views=("list", "form"), empty_help=None
    ):
        """The window action ``xmlid`` narrowed to ``domain``, list first.
        When nothing matches, the list says what it is narrowed to (``empty_help``,
        by default the figure's name), not the action's invitation to create
        a first record."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        # Keep the action's own views (its kanban grouped by stage, ...).
        own = {view_type: view_id for view_id, view_type in action.get("views", [])}
        action.update(
            {
                "name": name,
                "domain": domain,
                "context": context or {},
                "views": [(own.get(view), view) for view in views],
                "view_mode": ",".join(views),
                "help": empty_help or self._empty_help(name),
            }
        )
        action.pop("id", None)
        action.pop("search_view_id", None)
        return action

    @api.model
    def _empty_help(self, name):
        """What a list opened from the Overview says when nothing matches."""
        return Markup('<p class="o_view_nocontent_empty_folder">%s</p><p>%s</p>') % (
            self.env._("Nothing here now: %(name)s", name=name),
            self.env._(
                "This list shows only what the Overview counted under this "
                "name; nothing matches it at the moment."
            ),
        )

    @api.model
    def _tile(
        self,
        key,
        label,
        value,
        action=None,
        display=None,
        hint=None,
        tone=None,
        share=None,
    ):
        return {
            "share": share,
            "key": key,
            "label": label,
            "value": value,
            "display": display if display is not None else f"{value:,}",
            "action": action,
            "hint": hint or "",
            "tone": tone or "",
        }

    @api.model
    def _share(self, part, whole):
        return round(100.0 * part / whole, 1) if whole else 0.0

    @api.model
    def _overview_days(self):
        """The period of the overview, in days (the period selector)."""
        days = self.env.context.get("idic_overview_days")
        return days if days in PERIODS else WINDOW_DAYS

    @api.model
    def _commercial_domain(self):
        """Customers counted once: companies and persons without a company
        (contacts follow their company everywhere in this add-on), never the
        own companies, staff or vendors that never bought; the same domain as
        the menus (``res.partner._idic_counted_domain``)."""
        return self.env["res.partner"]._idic_counted_domain()

    # ------------------------------------------------------------------------
    # Sections
    # ------------------------------------------------------------------------
    @api.model
    def _section_pipeline(self, since):
        Partner = self.env["res.partner"]
        base = [*self._commercial_domain(), ("idic_stage_id", "!=", False)]
        counts = dict(Partner._read_group(base, ["idic_stage_id"], ["__count"]))
        total = sum(counts.values())
        stages = self.env["idic.stage"].search([])  # pylint: disable=no-search-all
        rows = [
            self._tile(
                f"stage_{stage.id}",
                stage.name,
                counts.get(stage, 0),
                self._action(
                    "partner_idic.res_partner_action_idic_customers",
                    stage.name,
                    [*self._commercial_domain(), ("idic_stage_id", "=", stage.id)],
                    views=("list", "kanban", "form"),
                ),
                hint=self.env._(
                    "%(share)s%% of the pipeline",
                    share=self._share(counts.get(stage, 0), total),
                ),
                share=self._share(counts.get(stage, 0), total),
            )
            for stage in stages
        ]
        History = self.env["idic.stage.history"]
        forward_domain = [("forward", "=", True), ("date_in", ">=", since)]
        moved = len(
            History._read_group(
                [*forward_domain, ("partner_id.idic_counted", "=", True)],
                ["partner_id"],
            )
        )
        tiles = [
            self._tile(
                "pipeline_total",
                self.env._("Customers in the pipeline"),
                total,
                self._action(
                    "partner_idic.res_partner_action_idic_customers",
                    self.env._("Customers in the pipeline"),
                    base,
                    views=("kanban", "list", "form"),
                ),
                hint=self.env._("Companies and persons without a company"),
            ),
            self._tile(
                "pipeline_forward",
                self.env._(
                    "Moved forward in %(days)s days", days=self._overview_days()
                ),
                moved,
                self._action(
                    "partner_idic.idic_stage_history_action",
                    self.env._("Moves forward"),
                    [*forward_domain, ("partner_id.idic_counted", "=", True)],
                    views=("list", "pivot"),
                ),
                display=f"{self._share(moved, total)}%",
                hint=self.env._("%(count)s customers", count=moved),
                tone="success" if moved else "",
            ),
        ]
        return {
            "key": "pipeline",
            "title": self.env._("IDIC Pipeline"),
            "tiles": tiles,
            "rows": rows,
        }

    @api.model
    def _section_value(self, since):
        Partner = self.env["res.partner"]
        company = self.env.company
        tiers = self.env["idic.value.tier"].search([("company_id", "=", company.id)])
        base = self._commercial_domain()
        groups = {
            tier: (count, revenue or 0.0)
            for tier, count, revenue in Partner._read_group(
                [*base, ("idic_value_tier_id", "!=", False)],
                ["idic_value_tier_id"],
                ["__count", "idic_monetary:sum"],
            )
        }
        [[revenue_total]] = Partner._read_group(
            [*base, ("idic_monetary", "!=", 0)], [], ["idic_monetary:sum"]
        )
        revenue_total = revenue_total or 0.0
        rows = []
        for tier in tiers.sorted(lambda t: (-t.min_threshold, t.id)):
            count, revenue = groups.get(tier, (0, 0.0))
            rows.append(
                self._tile(
                    f"tier_{tier.id}",
                    tier.name,
                    count,
                    self._action(
                        "partner_idic.res_partner_action_idic_customers",
                        tier.name,
                        [*base, ("idic_value_tier_id", "=", tier.id)],
                        views=("list", "kanban", "form"),
                    ),
                    hint=self.env._(
                        "%(share)s%% of the revenue (%(amount)s)",
                        share=self._share(revenue, revenue_total),
                        amount=format_amount(self.env, revenue, company.currency_id),
                    ),
                    share=self._share(revenue, revenue_total),
                )
            )
        History = self.env["idic.tier.history"]
        moves = dict(
            History._read_group(
                [("date", ">=", since), ("company_id", "=", company.id)],
                ["direction"],
                ["__count"],
            )
        )
        top = tiers.sorted(lambda t: (t.min_threshold, t.id))[-1:]
        top_share = (
            self._share(groups.get(top, (0, 0.0))[1], revenue_total) if top else 0.0
        )
        dormant_domain = [
            *base,
            ("idic_dormant", "=", True),
            ("idic_value_tier_id", "in", top.ids),
        ]
        dormant = Partner.search_count(dormant_domain) if top else 0

        def moves_action(direction, name):
            return self._action(
                "partner_idic.idic_tier_history_action",
                name,
                [
                    ("date", ">=", since),
                    ("company_id", "=", company.id),
                    ("direction", "=", direction),
                ],
                views=("list", "pivot"),
            )

        tiles = [
            self._tile(
                "tier_up",
                self.env._(
                    "Moved up a tier in %(days)s days", days=self._overview_days()
                ),
                moves.get("up", 0),
                moves_action("up", self.env._("Moves up")),
                tone="success" if moves.get("up") else "",
            ),
            self._tile(
                "tier_down",
                self.env._(
                    "Moved down a tier in %(days)s days", days=self._overview_days()
                ),
                moves.get("down", 0),
                moves_action("down", self.env._("Moves down")),
                tone="warning" if moves.get("down") else "",
            ),
            self._tile(
                "top_revenue_share",
                self.env._("Revenue from the top tier"),
                top_share,
                self._action(
                    "partner_idic.res_partner_action_idic_customers",
                    top.name or self.env._("Top tier"),
                    [*base, ("idic_value_tier_id", "in", top.ids)],
                    views=("list", "kanban", "form"),
                ),
                display=f"{top_share}%",
                hint=top.name or self.env._("No value tier yet"),
            ),
            self._tile(
                "top_dormant",
                self.env._("Dormant top-tier customers"),
                dormant,
                self._action(
                    "partner_idic.res_partner_action_idic_customers",
                    self.env._("Dormant top-tier customers"),
                    dormant_domain,
                    views=("list", "kanban", "form"),
                ),
                hint=top.name or "",
                tone="danger" if dormant else "",
            ),
        ]
        return {
            "key": "value",
            "title": self.env._("Customer Value"),
            "tiles": tiles,
            "rows": rows,
        }

    @api.model
    def _section_loyalty(self, today):
        company = self.env.company
        program = company.idic_loyalty_program_id
        if not program:
            return None
        Card = self.env["loyalty.card"]
        card_domain = [("program_id", "=", program.id), ("points", ">", 0)]
        [[liability, holders]] = Card._read_group(
            card_domain, [], ["points:sum", "__count"]
        )
        until = today + timedelta(days=WINDOW_DAYS)
        # What is left of the lots expiring within the window (FIFO), on the
        # cards the user may read.
        program_domain = [("program_id", "=", program.id)]
        query = Card._search(program_domain)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(r.remaining), 0), COUNT(DISTINCT r.card_id)
                  FROM (%(lots)s) r
                 WHERE r.remaining > 0 AND r.card_id IN (%(cards)s)
                """,
                lots=Card._idic_lots_sql(program, 0, 2**31 - 1, until),
                cards=query.select(SQL.identifier("loyalty_card", "id")),
            )
        )
        expiring, expiring_cards = self.env.cr.fetchone()
        expiring = round(float(expiring), 2)
        lots_domain = [
            ("card_id.program_id", "=", program.id),
            ("issued", ">", 0),
            ("idic_expiry_date", "!=", False),
            ("idic_expiry_date", "<=", fields.Date.to_string(until)),
            ("idic_kind", "!=", False),
        ]
        negative = Card.search_count(
            [("program_id", "=", program.id), ("points", "<", 0)]
        )
        tiles = [
            self._tile(
                "points_liability",
                self.env._("Points liability"),
                liability or 0.0,
                self._action(
                    "partner_idic.loyalty_card_action_idic",
                    self.env._("Cards with points"),
                    card_domain,
                ),
                display=f"{round(liability or 0.0):,}",
                hint=self.env._("%(count)s cards", count=holders),
            ),
            self._tile(
                "points_expiring",
                self.env._("Points expiring in %(days)s days", days=WINDOW_DAYS),
                expiring,
                self._action(
                    "partner_idic.loyalty_history_action_idic",
                    self.env._("Lots expiring soon"),
                    lots_domain,
                ),
                display=f"{round(expiring):,}",
                hint=self.env._("%(count)s cards", count=expiring_cards),
                tone="warning" if expiring else "",
            ),
            self._tile(
                "points_negative",
                self.env._("Negative cards"),
                negative,
                self._action(
                    "partner_idic.loyalty_card_action_idic",
                    self.env._("Negative cards"),
                    [("program_id", "=", program.id), ("points", "<", 0)],
                ),
                tone="danger" if negative else "",
            ),
        ]
        return {
            "key": "loyalty",
            "title": self.env._("Loyalty Points"),
            "tiles": tiles,
            "rows": [],
        }

    @api.model
    def _section_members(self, today):
        Partner = self.env["res.partner"]
        # Members are persons or companies, never the own companies or staff.
        base = [("idic_excluded", "=", False)]
        statuses = dict(
            Partner._read_group(
                [*base, ("idic_member_status", "not in", (False, "none"))],
                ["idic_member_status"],
                ["__count"],
            )
        )
        if not statuses:
            return None
        labels = dict(
            Partner._fields["idic_member_status"]._description_selection(self.env)
        )

        def members(name, domain):
            return self._action(
                "partner_idic.res_partner_action_idic_member_directory", name, domain
            )

        active = ["new", "current", "grace"]
        year_ago = fields.Date.to_string(today - timedelta(days=365))
        retention_domain = [("date_end", ">=", year_ago)]
        [[due, renewed]] = self.env["idic.member.retention"]._read_group(
            retention_domain, [], ["due_count:sum", "renewed_count:sum"]
        )
        rate = self._share(renewed or 0, due or 0)
        renewals_domain = [*base, ("idic_member_renewal_due", "=", True)]
        tiles = [
            self._tile(
                "members",
                self.env._("Members"),
                sum(statuses.get(status, 0) for status in active),
                members(
                    self.env._("Members"),
                    [*base, ("idic_member_status", "in", active)],
                ),
                hint=self.env._("New, current and in grace"),
            ),
            self._tile(
                "renewal_rate",
                self.env._("Renewal rate, last 12 months"),
                rate,
                self._action(
                    "partner_idic.idic_member_retention_action",
                    self.env._("Member retention"),
                    retention_domain,
                    views=("list", "graph", "pivot"),
                ),
                display=f"{rate}%",
                hint=self.env._(
                    "%(renewed)s of %(due)s periods renewed",
                    renewed=renewed or 0,
                    due=due or 0,
                ),
            ),
            self._tile(
                "renewals_due",
                self.env._("Renewals due"),
                Partner.search_count(renewals_domain),
                members(self.env._("Renewals due"), renewals_domain),
                tone="warning",
            ),
        ]
        total = sum(statuses.values())
        rows = [
            self._tile(
                f"member_{status}",
                labels[status],
                statuses.get(status, 0),
                members(labels[status], [*base, ("idic_member_status", "=", status)]),
                share=self._share(statuses.get(status, 0), total),
            )
            for status in ("new", "current", "grace", "lapsed", "withdrawn")
        ]
        return {
            "key": "members",
            "title": self.env._("Members"),
            "tiles": tiles,
            "rows": rows,
        }

    @api.model
    def _section_donors(self):
        Partner = self.env["res.partner"]
        company = self.env.company
        base = self._commercial_domain()
        lybunt_domain = [*base, ("idic_lybunt", "=", True)]
        sybunt_domain = [*base, ("idic_sybunt", "=", True)]
        statuses = dict(
            Partner._read_group(
                [*base, ("idic_donor_status", "!=", False)],
                ["idic_donor_status"],
                ["__count"],
            )
        )
        if not statuses:
            return None
        lybunt = Partner.search_count(lybunt_domain)
        amounts = self.env.user.has_group("partner_idic.group_idic_donor_data")
        # What the acronyms mean, on hover.
        hint = Partner._fields["idic_lybunt"]._description_help(self.env)
        sybunt_hint = Partner._fields["idic_sybunt"]._description_help(self.env)
        if amounts:
            [[given]] = Partner._read_group(
                lybunt_domain, [], ["idic_donation_last_fy_total:sum"]
            )
            hint = self.env._(
                "%(meaning)s %(amount)s given last fiscal year",
                meaning=hint,
                amount=format_amount(self.env, given or 0.0, company.currency_id),
            )
        labels = dict(
            Partner._fields["idic_donor_status"]._description_selection(self.env)
        )

        def donors(name, domain):
            return self._action(
                "partner_idic.res_partner_action_idic_donors", name, domain
            )

        this_year = (
            statuses.get("new", 0)
            + statuses.get("active", 0)
            + statuses.get("recaptured", 0)
        )
        tiles = [
            self._tile(
                "donors_this_year",
                self.env._("Donors this fiscal year"),
                this_year,
                donors(
                    self.env._("Donors this fiscal year"),
                    [
                        *base,
                        ("idic_donor_status", "in", ["new", "active", "recaptured"]),
                    ],
                ),
            ),
            self._tile(
                "lybunt",
                self.env._("LYBUNT donors"),
                lybunt,
                donors(self.env._("LYBUNT"), lybunt_domain),
                hint=hint,
                tone="warning" if lybunt else "",
            ),
            self._tile(
                "sybunt",
                self.env._("SYBUNT donors"),
                Partner.search_count(sybunt_domain),
                donors(self.env._("SYBUNT"), sybunt_domain),
                hint=sybunt_hint,
            ),
        ]
        total = sum(statuses.values())
        rows = [
            self._tile(
                f"donor_{status}",
                labels[status],
                statuses.get(status, 0),
                donors(labels[status], [*base, ("idic_donor_status", "=", status)]),
                share=self._share(statuses.get(status, 0), total),
            )
            for status in ("new", "active", "recaptured", "lapsed")
        ]
        return {
            "key": "donors",
            "title": self.env._("Donors"),
            "tiles": tiles,
            "rows": rows,
        }

    @api.model
    def _overview_sections(self, today):
        since = fields.Datetime.to_string(
            fields.Datetime.to_datetime(today) - timedelta(days=self._overview_days())
        )
        return [
            self._section_pipeline(since),
            self._section_value(since),
            self._section_loyalty(today),
            self._section_members(today),
            self._section_donors(),
        ]

    @api.model
    def _overview_company(self, company_id=None):
        """The company of the overview: ``company_id`` when the user may work
        in it, else the current company."""
        if company_id and company_id in self.env.user.company_ids.ids:
            return self.env["res.company"].browse(company_id)
        return self.env.company

    @api.model
    def _overview_params(self, args, kwargs, names):
        """The parameters ``names`` of a call of the web client, given by
        position or by name; a call with others is refused with a message
        rather than a Python error."""
        if len(args) > len(names) or set(kwargs) - set(names):
            raise UserError(
                self.env._(
                    "The overview takes at most these parameters: %(names)s.",
                    names=", ".join(names),
                )
            )
        values = dict(zip(names, args, strict=False), **kwargs)
        return [values.get(name) for name in names]

    @api.model
    def get_overview(self, *args, **kwargs):
        """The figures of the overview of the last ``days`` days (30, 90 or
        365) for one company: ``company_id`` or the current company."""
        days, company_id = self._overview_params(args, kwargs, ("days", "company_id"))
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            return {"sections": []}
        company = self._overview_company(company_id)
        overview = self.with_context(
            allowed_company_ids=[company.id],
            idic_overview_days=days if days in PERIODS else WINDOW_DAYS,
        )
        return overview._overview_data(company)

    @api.model
    def _overview_data(self, company):
        today = fields.Date.context_today(self)
        return {
            "company": company.display_name,
            "company_id": company.id,
            "companies": [
                {"id": c.id, "name": c.display_name} for c in self.env.user.company_ids
            ],
            "window_days": self._overview_days(),
            "periods": [
                {"days": days, "label": self.env._("Last %(days)s days", days=days)}
                for days in PERIODS
            ],
            "period_label": self.env._(
                "Last %(days)s days", days=self._overview_days()
            ),
            "sections": [s for s in self._overview_sections(today) if s],
        }
