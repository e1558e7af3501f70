# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from .idic_context import grant
from .idic_interaction import CHANNELS

_logger = logging.getLogger(__name__)

# Profile completeness: what counts, its default weight, and how to tell it
# is there, in Python (one partner) and in SQL (all partners at once).  The
# birthday only applies to persons.
COMPLETENESS_CRITERIA = {
    "email": 20,
    "phone": 20,
    "address": 20,
    "birthdate": 10,
    "tags": 10,
    "source": 10,
    "preferences": 10,
}

RECENT_INTERACTION_DAYS = 90


def _completeness(weights, present, is_company):
    """Weighted share (0-100, rounded half up) of the criteria present."""
    applicable = {
        key: weight
        for key, weight in weights.items()
        if weight > 0 and not (key == "birthdate" and is_company)
    }
    total = sum(applicable.values())
    if not total:
        return 0
    got = sum(weight for key, weight in applicable.items() if present[key])
    return (200 * got + total) // (2 * total)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Identify --------------------------------------------------------------
    idic_stage_id = fields.Many2one(
        "idic.stage",
        string="IDIC Stage",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_idic_stage_ids",
    )
    idic_phase = fields.Selection(related="idic_stage_id.phase", string="IDIC Phase")
    idic_stage_locked = fields.Boolean(
        string="Stage Locked",
        tracking=True,
        copy=False,
        help="Locked partners keep their stage: the entry rules never move them.",
    )
    idic_stage_date = fields.Datetime(
        string="In Stage Since", copy=False, readonly=True
    )
    # Fields over the relationship models, which only relationship users
    # may read, are theirs: other users never meet them (views, export).
    idic_stage_history_ids = fields.One2many(
        "idic.stage.history",
        "partner_id",
        string="Stage History",
        groups="partner_idic.group_idic_user",
    )
    idic_profile_completeness = fields.Integer(
        string="Profile Completeness",
        compute="_compute_idic_profile_completeness",
        store=True,
        aggregator="avg",
        help="Weighted share (%) of what matters that is known about the partner; "
        "the weights are set in Settings.",
    )
    idic_birthdate = fields.Date(string="Birthday")
    idic_source_id = fields.Many2one(
        "utm.source", string="Source", index="btree_not_null"
    )
    idic_medium_id = fields.Many2one("utm.medium", string="Medium")
    idic_referred_by_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        domain="[('id', '!=', id)]",
    )
    idic_referral_ids = fields.One2many(
        "res.partner", "idic_referred_by_id", string="Referrals"
    )
    idic_referral_count = fields.Integer(
        string="Referrals Made",
        compute="_compute_idic_referral_count",
        store=True,
        help="How many partners this partner brought to us.",
    )

    # Interact --------------------------------------------------------------
    idic_interaction_ids = fields.One2many(
        "idic.interaction",
        "partner_id",
        string="Interactions",
        groups="partner_idic.group_idic_user",
    )
    idic_recent_interaction_ids = fields.Many2many(
        "idic.interaction",
        string="Recent Interactions",
        compute="_compute_idic_recent_interactions",
        groups="partner_idic.group_idic_user",
    )
    idic_interaction_count = fields.Integer(
        string="Interaction Count",
        compute="_compute_idic_recent_interactions",
        groups="partner_idic.group_idic_user",
    )
    # Kept in idic_partner_activity, one row per commercial partner (see
    # there why not in res_partner); searchable, sortable and groupable through
    # _field_to_sql.
    idic_last_interaction_date = fields.Datetime(
        string="Last Interaction",
        readonly=True,
        copy=False,
        compute="_compute_idic_last_interaction_date",
        search="_search_idic_last_interaction_date",
    )
    idic_interaction_count_90d = fields.Integer(
        string="Interactions (90 days)",
        compute="_compute_idic_interaction_count_90d",
        search="_search_idic_interaction_count_90d",
        groups="partner_idic.group_idic_user",
    )
    idic_dormant = fields.Boolean(
        string="Dormant",
        readonly=True,
        copy=False,
        help="No interaction with this customer for the company's dormant delay.",
    )

    # Customize -------------------------------------------------------------
    idic_preferred_channel = fields.Selection(CHANNELS, string="Preferred Channel")
    idic_contact_frequency = fields.Integer(
        string="Contact Every (days)",
        help="How often the customer wishes to hear from us; 0 when unknown.",
    )
    idic_interest_ids = fields.Many2many(
        "idic.interest",
        "idic_interest_res_partner_rel",
        "partner_id",
        "interest_id",
        string="Interests",
    )
    idic_do_not_contact = fields.Boolean(
        string="Do Not Contact",
        tracking=True,
        help="Never contact this partner on our initiative: no follow-ups, "
        "reminders or campaigns.",
    )
    # Restricted fields are never copied: ``copy()`` reads what it copies,
    # and a user without the group duplicating a contact must not fail.
    idic_relationship_notes = fields.Html(
        string="Relationship Notes", groups="partner_idic.group_idic_user", copy=False
    )

    _idic_contact_frequency_positive = models.Constraint(
        "CHECK(idic_contact_frequency IS NULL OR idic_contact_frequency >= 0)",
        "The contact frequency cannot be negative.",
    )

    # ------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------
    @api.model
    def _read_group_idic_stage_ids(self, stages, domain):
        # Stages are configuration: a handful of records.
        return stages.search([])  # pylint: disable=no-search-all

    @api.model
    def _idic_completeness_weights(self):
        params = self.env["ir.config_parameter"].sudo()
        weights = {}
        for key, default in COMPLETENESS_CRITERIA.items():
            value = params.get_param(f"partner_idic.completeness_weight_{key}")
            try:
                weights[key] = (
                    max(int(value), 0) if value not in (None, False) else default
                )
            except ValueError:
                weights[key] = default
        return weights

    def _idic_completeness_present(self):
        """Which completeness criteria this partner meets."""
        self.ensure_one()
        return {
            "email": bool(self.email),
            "phone": bool(self.phone),
            "address": bool(self.street and self.city and self.country_id),
            "birthdate": bool(self.idic_birthdate),
            "tags": bool(self.category_id),
            "source": bool(self.idic_source_id),
            "preferences": bool(self.idic_preferred_channel or self.idic_interest_ids),
        }

    @api.depends(
        "email",
        "phone",
        "street",
        "city",
        "country_id",
        "is_company",
        "idic_birthdate",
        "category_id",
        "idic_source_id",
        "idic_preferred_channel",
        "idic_interest_ids",
    )
    def _compute_idic_profile_completeness(self):
        weights = self._idic_completeness_weights()
        for partner in self:
            partner.idic_profile_completeness = _completeness(
                weights, partner._idic_completeness_present(), partner.is_company
            )

    @api.model
    def _idic_recompute_completeness_sql(self, where=None):
        """Recompute the completeness of many partners in one statement (used
        when the weights change); same result as the Python compute."""
        weights = self._idic_completeness_weights()
        present = {
            "email": SQL("COALESCE(p.email, '') <> ''"),
            "phone": SQL("COALESCE(p.phone, '') <> ''"),
            "address": SQL(
                "COALESCE(p.street, '') <> '' AND COALESCE(p.city, '') <> ''"
                " AND p.country_id IS NOT NULL"
            ),
            "birthdate": SQL("p.idic_birthdate IS NOT NULL"),
            "tags": SQL(
                "EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel t"
                " WHERE t.partner_id = p.id)"
            ),
            "source": SQL("p.idic_source_id IS NOT NULL"),
            "preferences": SQL(
                "(p.idic_preferred_channel IS NOT NULL OR EXISTS (SELECT 1 FROM"
                " idic_interest_res_partner_rel r WHERE r.partner_id = p.id))"
            ),
        }

        def applies(key):
            if key == "birthdate":
                return SQL("NOT COALESCE(p.is_company, FALSE)")
            return SQL("TRUE")

        got = SQL(" + ").join(
            SQL(
                "(CASE WHEN %s AND %s THEN %s ELSE 0 END)",
                applies(key),
                present[key],
                weight,
            )
            for key, weight in weights.items()
        )
        total = SQL(" + ").join(
            SQL("(CASE WHEN %s THEN %s ELSE 0 END)", applies(key), weight)
            for key, weight in weights.items()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET idic_profile_completeness = CASE WHEN (%(total)s) = 0 THEN 0
                       ELSE (200 * (%(got)s) + (%(total)s)) / (2 * (%(total)s)) END
                 WHERE %(where)s
                """,
                got=got,
                total=total,
                where=where or SQL("TRUE"),
            )
        )
        self.invalidate_model(["idic_profile_completeness"])
        return self.env.cr.rowcount

    @api.depends("idic_referral_ids")
    def _compute_idic_referral_count(self):
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("idic_referred_by_id", "in", self.ids)],
                ["idic_referred_by_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.idic_referral_count = counts.get(partner, 0)

    def _compute_idic_last_interaction_date(self):
        ids = tuple({p.commercial_partner_id._origin.id for p in self} - {False})
        dates = {}
        if ids:
            dates = dict(
                self.env.execute_query(
                    SQL(
                        "SELECT partner_id, last_date FROM idic_partner_activity"
                        " WHERE partner_id IN %s",
                        ids,
                    )
                )
            )
        for partner in self:
            partner.idic_last_interaction_date = dates.get(
                partner.commercial_partner_id._origin.id
            )

    @api.model
    def _idic_last_interaction_sql(self, alias, query=None):
        """SQL of the last interaction date of the partners ``alias``: their
        commercial partner's row of idic_partner_activity."""
        return SQL(
            "(SELECT idic_a.last_date FROM idic_partner_activity idic_a"
            " WHERE idic_a.partner_id = %s)",
            self._field_to_sql(alias, "commercial_partner_id", query),
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        # The last interaction date sorts, groups and filters as a column.
        if field_expr == "idic_last_interaction_date":
            self._check_field_access(self._fields[field_expr], "read")
            return self._idic_last_interaction_sql(alias, query)
        return super()._field_to_sql(alias, field_expr, query)

    def _search_idic_last_interaction_date(self, operator, value):
        field = self._fields["idic_last_interaction_date"]
        return Domain.custom(
            to_sql=lambda model, alias, query: field._condition_to_sql(
                field.name, operator, value, model, alias, query
            )
        )

    def _compute_idic_recent_interactions(self):
        Interaction = self.env["idic.interaction"]
        for partner in self:
            domain = [("commercial_partner_id", "=", partner.commercial_partner_id.id)]
            if not partner.commercial_partner_id.id:
                partner.idic_recent_interaction_ids = Interaction
                partner.idic_interaction_count = 0
                continue
            partner.idic_recent_interaction_ids = Interaction.search(domain, limit=5)
            partner.idic_interaction_count = Interaction.search_count(domain)

    def _idic_recent_interactions_query(self):
        since = fields.Datetime.now() - timedelta(days=RECENT_INTERACTION_DAYS)
        return SQL(
            """SELECT commercial_partner_id AS partner_id, COUNT(*) AS n
                 FROM idic_interaction WHERE date >= %s
                GROUP BY commercial_partner_id""",
            since,
        )

    def _compute_idic_interaction_count_90d(self):
        since = fields.Datetime.now() - timedelta(days=RECENT_INTERACTION_DAYS)
        counts = dict(
            self.env["idic.interaction"]._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("date", ">=", since),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.idic_interaction_count_90d = counts.get(
                partner.commercial_partner_id, 0
            )

    def _search_idic_interaction_count_90d(self, operator, value):
        operators = {"=": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
        if operator in ("in", "not in") and len(value) == 1:
            value = next(iter(value))
            operator = "=" if operator == "in" else "!="
        if operator not in operators or not isinstance(value, int):
            return NotImplemented
        self.env["idic.interaction"].flush_model(["commercial_partner_id", "date"])
        query = SQL(
            """SELECT p.id FROM res_partner p
                 LEFT JOIN (%s) c ON c.partner_id = p.commercial_partner_id
                WHERE COALESCE(c.n, 0) %s %s""",
            self._idic_recent_interactions_query(),
            SQL(operators[operator]),
            value,
        )
        return [("id", "in", query)]

    # ------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------
    @api.model
    def _idic_bounds(self):
        return dict(
            super()._idic_bounds(),
            idic_contact_frequency=(0, 3650),
            idic_referral_causal_share=(0, 100),
        )

    @api.constrains("idic_referred_by_id", "parent_id", "is_company")
    def _check_idic_referred_by(self):
        # A change of company moves partners in or out of a family: whoever
        # the moved partners referred, or who refers into the family they
        # join, is checked again (A referred by B, then B made a contact of
        # A, would be A referred by its own contact).
        partners = self.sudo().with_context(active_test=False)
        moved = partners.search([("id", "child_of", partners.ids)])
        families = partners.search(
            [("commercial_partner_id", "in", moved.commercial_partner_id.ids)]
        )
        to_check = (partners | moved | families).filtered("idic_referred_by_id")
        for partner in to_check:
            referrer = partner.idic_referred_by_id
            if not referrer:
                continue
            if referrer == partner or (
                referrer.commercial_partner_id == partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(partner)s cannot be referred by itself or by someone of "
                        "its own company.",
                        partner=partner.display_name,
                    )
                )
            partner._idic_check_referral_cycle()

    def _idic_check_referral_cycle(self):
        """Refuse a chain of referrers that comes back to this partner's
        company (A referred by B referred by A)."""
        self.ensure_one()
        own = self.commercial_partner_id
        seen = set()
        referrer = self.idic_referred_by_id
        while referrer and referrer.id not in seen:
            seen.add(referrer.id)
            if referrer.commercial_partner_id == own:
                raise ValidationError(
                    self.env._(
                        "%(partner)s cannot be referred by %(referrer)s: the "
                        "referrals would go round in a circle.",
                        partner=self.display_name,
                        referrer=self.idic_referred_by_id.display_name,
                    )
                )
            referrer = referrer.idic_referred_by_id

    @api.constrains("idic_birthdate")
    def _check_idic_birthdate(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.idic_birthdate and partner.idic_birthdate > today:
                raise ValidationError(
                    self.env._(
                        "The birthday of %(partner)s cannot be in the future.",
                        partner=partner.display_name,
                    )
                )

    # ------------------------------------------------------------------------
    # CRUD: manual stage moves are kept in the stage history
    # ------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # The stage date is the add-on's: checked like any field when the
        # caller gives it, set here when the caller gives a stage only.
        if "default_idic_stage_date" in self.env.context or any(
            "idic_stage_date" in vals for vals in vals_list
        ):
            self._check_field_access(self._fields["idic_stage_date"], "write")
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("idic_stage_id") and not vals.get("idic_stage_date"):
                vals["idic_stage_date"] = now
        partners = super(ResPartner, grant(self, "idic_stage_date")).create(vals_list)
        partners = partners.with_env(self.env)
        staged = partners.filtered("idic_stage_id")
        if staged:
            staged._idic_record_moves({p.id: False for p in staged}, "manual")
        return partners

    def write(self, vals):
        if "idic_stage_id" not in vals:
            return super().write(vals)
        if "idic_stage_date" in vals:
            self._check_field_access(self._fields["idic_stage_date"], "write")
        new_stage = vals["idic_stage_id"] or False
        old_stages = {
            partner.id: partner.idic_stage_id.id
            for partner in self
            if partner.idic_stage_id.id != new_stage
        }
        if old_stages:
            vals = dict(vals, idic_stage_date=fields.Datetime.now())
        result = super(ResPartner, grant(self, "idic_stage_date")).write(vals)
        moved = self.browse(list(old_stages))
        if moved:
            moved._idic_record_moves(old_stages, "manual")
            if self._idic_contacts_follow():
                moved._idic_propagate_to_contacts()
        return result

    # ------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------
    def action_idic_open_interactions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_interaction_action"
        )
        commercial = self.commercial_partner_id
        action["domain"] = [("commercial_partner_id", "=", commercial.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_group_by_channel": 0,
        }
        action["display_name"] = self.env._("Interactions: %s", commercial.display_name)
        return action

    def action_idic_log_interaction(self):
        """Quick "Log interaction" from the partner: a small form in a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Interaction"),
            "res_model": "idic.interaction",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("partner_idic.idic_interaction_view_form_quick").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_partner_id": self.id,
                "default_channel": self.idic_preferred_channel or "phone",
                "default_company_id": (self.company_id or self.env.company).id,
            },
        }

    def _idic_may_email(self):
        """Whether the add-on's automatic e-mails (reminders, notices) may go
        to this partner: it has an address, did not ask not to be contacted
        and its address is not blacklisted."""
        self.ensure_one()
        return bool(
            self.email and not self.idic_do_not_contact and not self.is_blacklisted
        )

    # ------------------------------------------------------------------------
    # Stage engine
    # ------------------------------------------------------------------------
    @api.model
    def _idic_contacts_follow(self):
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param("partner_idic.stage_follow_commercial") == "True"

    @api.model
    def _idic_allow_backward(self):
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param("partner_idic.stage_allow_backward") == "True"

    def _idic_record_moves(self, old_stages, cause):
        """Write the stage history of moves already applied to ``self``."""
        if not self:
            return
        self.flush_recordset(["idic_stage_id", "company_id"])
        rows = [
            SQL(
                "(%s, %s, %s)",
                partner.id,
                old_stages.get(partner.id) or None,
                partner.idic_stage_id.id or None,
            )
            for partner in self
        ]
        moves = SQL(
            "SELECT v.partner_id::int, v.old_stage_id::int, v.new_stage_id::int"
            " FROM (VALUES %s) AS v(partner_id, old_stage_id, new_stage_id)",
            SQL(", ").join(rows),
        )
        self.env.cr.execute(
            self.env["idic.stage.history"]._history_sql(
                moves, cause, move_partners=False
            )
        )
        self.env["idic.stage.history"].invalidate_model()

    def _idic_stage_ranks(self):
        stages = self.env["idic.stage"].sudo().search([])  # pylint: disable=no-search-all
        return stages, {stage.id: rank for rank, stage in enumerate(stages, start=1)}

    def _idic_rule_moves_sql(self, id_from, id_to):
        """SQL selecting the rule moves ``(partner_id, old_stage_id,
        new_stage_id)`` of the partners with ``id_from <= id < id_to``."""
        Partner = self.sudo().with_context(active_test=True)
        stages, ranks = self._idic_stage_ranks()
        follow = self._idic_contacts_follow()
        matches = []
        for stage in stages:
            rule = stage._get_rule_domain()
            if rule.is_true():
                continue
            domain = (
                rule
                & Domain("id", ">=", id_from)
                & Domain("id", "<", id_to)
                & Domain("idic_excluded", "=", False)
            )
            if follow:
                domain &= Domain("is_company", "=", True) | Domain(
                    "parent_id", "=", False
                )
            query = Partner._search(domain)
            matches.append(
                query.select(
                    SQL("%s.id AS partner_id", SQL.identifier(query.table)),
                    SQL("%s AS rank", ranks[stage.id]),
                    SQL("%s AS stage_id", stage.id),
                )
            )
        if not matches:
            return None
        rank_values = SQL(", ").join(
            SQL("(%s, %s)", sid, rank) for sid, rank in ranks.items()
        )
        return SQL(
            """
            WITH matches AS (%(matches)s),
            best AS (
                SELECT DISTINCT ON (partner_id) partner_id, rank, stage_id
                  FROM matches ORDER BY partner_id, rank DESC
            ),
            ranks(stage_id, rank) AS (VALUES %(ranks)s)
            SELECT p.id AS partner_id, p.idic_stage_id AS old_stage_id,
                   b.stage_id AS new_stage_id
              FROM best b
              JOIN res_partner p ON p.id = b.partner_id
              LEFT JOIN ranks r ON r.stage_id = p.idic_stage_id
             WHERE NOT COALESCE(p.idic_stage_locked, FALSE)
               AND p.idic_stage_id IS DISTINCT FROM b.stage_id
               AND (%(backward)s OR r.rank IS NULL OR r.rank < b.rank)
            """,
            matches=SQL(" UNION ALL ").join(matches),
            ranks=rank_values,
            backward=self._idic_allow_backward(),
        )

    @api.model
    def _idic_contact_moves_sql(self, commercial_where):
        """SQL selecting the moves of contacts whose commercial partner
        matches ``commercial_where`` (on alias ``cp``) to its stage."""
        return SQL(
            """
            SELECT c.id AS partner_id, c.idic_stage_id AS old_stage_id,
                   cp.idic_stage_id AS new_stage_id
              FROM res_partner c
              JOIN res_partner cp ON cp.id = c.commercial_partner_id
             WHERE c.id <> cp.id
               AND cp.idic_stage_id IS NOT NULL
               AND c.idic_stage_id IS DISTINCT FROM cp.idic_stage_id
               AND NOT COALESCE(c.idic_stage_locked, FALSE)
               AND %s
            """,
            commercial_where,
        )

    def _idic_propagate_to_contacts(self):
        self.flush_recordset(["idic_stage_id"])
        commercial_ids = tuple(self.commercial_partner_id.ids) or (0,)
        moves = self._idic_contact_moves_sql(SQL("cp.id IN %s", commercial_ids))
        self.env.cr.execute(
            self.env["idic.stage.history"]._history_sql(
                moves, "contact", move_partners=True
            )
        )
        self.invalidate_model(["idic_stage_id", "idic_stage_date"])

    @api.model
    def _idic_advance_stages(self, id_from=0, id_to=None):
        """Apply the entry rules to the partners with ``id_from <= id <
        id_to``, set-based; return how many partners moved."""
        self.env.flush_all()
        if id_to is None:
            self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM res_partner"))
            id_to = self.env.cr.fetchone()[0]
        History = self.env["idic.stage.history"]
        moved = 0
        moves = self._idic_rule_moves_sql(id_from, id_to)
        if moves is not None:
            self.env.cr.execute(History._history_sql(moves, "rule", move_partners=True))
            moved += self.env.cr.rowcount
        # Who is not a customer leaves the pipeline.
        moves = self._idic_exit_moves_sql(id_from, id_to)
        self.env.cr.execute(History._history_sql(moves, "rule", move_partners=True))
        moved += self.env.cr.rowcount
        if self._idic_contacts_follow():
            moves = self._idic_contact_moves_sql(
                SQL("cp.id >= %s AND cp.id < %s", id_from, id_to)
            )
            self.env.cr.execute(
                History._history_sql(moves, "contact", move_partners=True)
            )
            moved += self.env.cr.rowcount
        self.invalidate_model(["idic_stage_id", "idic_stage_date"])
        History.invalidate_model()
        return moved

    @api.model
    def _cron_idic_stage_advance(self, helper=False, batch_size=50000):
        """Daily: move partners along the IDIC stages by the entry rules, on
        the recompute frame: partner id ranges claimed by any worker, each
        committed, an interrupted run resumed where it stopped. A ``helper``
        action only takes ranges of the runs the job's own action started."""
        self.env["idic.recompute.run"]._idic_execute(
            "stage", batch_size=batch_size, commit=True, start=not helper
        )

    @api.model
    def _idic_recompute_job_specs(self):
        """The batched jobs run by ``idic.recompute.run`` (see
        ``idic.recompute.run._idic_job_spec``): job -> what it does. Each job
        adds its own through ``super()``."""
        specs = {}
        specs["stage"] = {
            "per_company": False,
            "stage": None,
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_stage",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_stage_advance",
            "helper_code": "model._cron_idic_stage_advance(helper=True)",
        }
        return specs

    @api.model
    def _idic_job_apply_stage(self, company, today, phase, start, end):
        moved = self._idic_advance_stages(start, end)
        _logger.info("IDIC stages: partners %s-%s, %s moved", start, end - 1, moved)
        return moved

    # ------------------------------------------------------------------------
    # Interactions and dormancy
    # ------------------------------------------------------------------------
    def _idic_refresh_last_interaction(self):
        """Recompute the last interaction date of these commercial partners
        and of their contacts, and their dormancy."""
        ids = tuple(self.ids)
        if not ids:
            return
        self.env["idic.interaction"].flush_model()
        self.flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO idic_partner_activity (partner_id, last_date)
                SELECT cp.id, MAX(i.date)
                  FROM res_partner cp
                  LEFT JOIN idic_interaction i ON i.commercial_partner_id = cp.id
                 WHERE cp.id IN %s
                 GROUP BY cp.id
                    ON CONFLICT (partner_id) DO UPDATE
                   SET last_date = EXCLUDED.last_date
                 WHERE idic_partner_activity.last_date
                       IS DISTINCT FROM EXCLUDED.last_date
                """,
                ids,
            )
        )
        self.invalidate_model(["idic_last_interaction_date"])
        self._idic_refresh_dormant(SQL("p.commercial_partner_id IN %s", ids))

    @api.model
    def _idic_dormant_days_sql(self):
        """Per partner, the number of days without interaction after which it is
        dormant (alias ``p``); a hook for the value tiers."""
        default_company = self.env.company
        return SQL(
            """COALESCE(
                (SELECT NULLIF(t.dormant_days, 0) FROM idic_value_tier t
                  WHERE t.id = (p.idic_value_tier_id
                                ->> COALESCE(p.company_id, %(company)s)::text)::int),
                pc.idic_dormant_days, %(days)s)""",
            company=default_company.id,
            days=default_company.idic_dormant_days,
        )

    @api.model
    def _idic_refresh_dormant(self, where):
        """Recompute ``idic_dormant`` of the partners matching ``where`` (on
        alias ``p``) in one statement; return how many changed."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH state AS (
                    SELECT p.id,
                           COALESCE(p.active, FALSE)
                           AND p.id = p.commercial_partner_id
                           AND NOT %(excluded)s
                           AND (COALESCE(p.customer_rank, 0) > 0
                                OR p.idic_stage_id IS NOT NULL)
                           AND %(days)s > 0
                           AND COALESCE(%(last)s, p.create_date)
                               < (now() AT TIME ZONE 'UTC')
                                 - make_interval(days => %(days)s) AS dormant
                      FROM res_partner p
                      LEFT JOIN res_company pc ON pc.id = p.company_id
                     WHERE %(where)s
                )
                UPDATE res_partner p SET idic_dormant = state.dormant
                  FROM state
                 WHERE p.id = state.id
                   AND p.idic_dormant IS DISTINCT FROM state.dormant
                """,
                days=self._idic_dormant_days_sql(),
                excluded=self._idic_excluded_sql("p"),
                last=self._idic_last_interaction_sql("p"),
                where=where,
            )
        )
        changed = self.env.cr.rowcount
        self.invalidate_model(["idic_dormant"])
        return changed

    @api.model
    def _idic_followup_candidates_sql(self, company, limit):
        """Dormant, contactable partners of ``company`` (or shared ones when it
        is the default company) without an open follow-up of its type."""
        default_company = self.env.company
        return SQL(
            """
            SELECT p.id FROM res_partner p
             WHERE p.idic_dormant
               AND NOT COALESCE(p.idic_do_not_contact, FALSE)
               AND COALESCE(p.company_id, %(default)s) = %(company)s
               AND NOT EXISTS (
                   SELECT 1 FROM mail_blacklist b
                    WHERE b.active AND b.email = p.email_normalized)
               AND NOT EXISTS (
                   SELECT 1 FROM mail_activity a
                    WHERE a.res_model = 'res.partner' AND a.res_id = p.id
                      AND a.active AND a.activity_type_id = %(type)s)
             ORDER BY p.id
             LIMIT %(limit)s
            """,
            default=default_company.id,
            company=company.id,
            type=company.idic_followup_activity_type_id.id,
            limit=limit,
        )

    def _idic_schedule_followups(self, company):
        """Schedule one follow-up activity on each partner of ``self``."""
        activity_type = company.idic_followup_activity_type_id
        model = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        default_user = company.idic_followup_user_id or activity_type.default_user_id
        vals_list = [
            {
                "res_model_id": model,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "summary": self.env._("Dormant customer: get back in touch"),
                "date_deadline": today,
                "user_id": (partner.user_id or default_user or self.env.user).id,
            }
            for partner in self
        ]
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True, mail_notrack=True)
            .create(vals_list)
        )

    @api.model
    def _cron_idic_dormant_followup(self, batch_size=500):
        """Daily: refresh dormancy, then give each dormant partner that may be
        contacted and has no open follow-up exactly one follow-up activity."""
        Cron = self.env["ir.cron"]
        self._idic_refresh_dormant(SQL("TRUE"))
        Cron._commit_progress(0)
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for company in companies:
            if (
                not company.idic_followup_activity_type_id
                or company.idic_dormant_days <= 0
            ):
                continue
            while True:
                self.env.cr.execute(
                    self._idic_followup_candidates_sql(company, batch_size)
                )
                partners = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
                if not partners:
                    break
                partners._idic_schedule_followups(company)
                if Cron._commit_progress(len(partners)) <= 0:
                    return
