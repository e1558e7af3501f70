# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who is a customer of the relationship, in one place.

Never a customer: the partners of the database's own companies and their
contacts, the partners of internal users (staff, archived ones too, and the
system's bot), and, unless Settings count them, vendors that never bought
(their commercial entity has vendor bills and no customer invoice).  One SQL
predicate, :meth:`ResPartner._idic_excluded_sql`, says it; the jobs use it in
their statements, the menus, the Overview and the counters through the
search of ``idic_excluded`` and ``idic_counted``, so that every screen counts
the same customers.  Another add-on extends the rule by overriding the
predicate (``OR`` its own condition)."""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .idic_context import internal, internal_value

COUNT_VENDORS_PARAM = "partner_idic.count_vendors"
# The temporary table of the partners never customers, gathered once by a
# job's stage that reads the customers' moves several times.
EXCLUDED_TABLE = "idic_excluded_partners"
EXCLUDED_KEY = "idic_excluded_table"


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_excluded = fields.Boolean(
        string="Not a Customer",
        compute="_compute_idic_excluded",
        search="_search_idic_excluded",
        groups="base.group_user",
        help="One of the companies of this database or one of their contacts, an "
        "internal user, or a vendor that never bought (unless Settings count "
        "vendors): never in the pipeline, the figures or the jobs.",
    )
    idic_counted = fields.Boolean(
        string="Counted Customer",
        compute="_compute_idic_excluded",
        search="_search_idic_counted",
        groups="base.group_user",
        help="Counted once in the figures: a company, or a person without a "
        "company, that is a customer (contacts follow their company).",
    )

    # ------------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------------
    @api.model
    def _idic_count_vendors(self):
        """Whether vendors that never bought count as customers (Settings)."""
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param(COUNT_VENDORS_PARAM) == "True"

    @api.model
    def _idic_excluded_sql(self, alias="p"):
        """SQL condition, on the ``res_partner`` row aliased ``alias``, true
        for a partner that is never a customer. A hook: an add-on extends it
        with ``SQL("(%s OR ...)", super()._idic_excluded_sql(alias), ...)``."""
        p = SQL.identifier(alias)
        vendors = SQL("FALSE")
        if not self._idic_count_vendors():
            vendors = SQL(
                """(EXISTS (SELECT 1 FROM res_partner idic_v
                             WHERE idic_v.commercial_partner_id = %(p)s.commercial_partner_id
                               AND idic_v.supplier_rank > 0)
                    AND NOT EXISTS (SELECT 1 FROM res_partner idic_v
                                     WHERE idic_v.commercial_partner_id
                                           = %(p)s.commercial_partner_id
                                       AND idic_v.customer_rank > 0))""",
                p=p,
            )
        return SQL(
            """(EXISTS (SELECT 1 FROM res_company idic_c
                         WHERE idic_c.partner_id = %(p)s.commercial_partner_id)
                OR EXISTS (SELECT 1 FROM res_users idic_u
                            WHERE idic_u.partner_id = %(p)s.id
                              AND NOT COALESCE(idic_u.share, FALSE))
                OR %(vendors)s)""",
            p=p,
            vendors=vendors,
        )

    @api.model
    def _idic_counted_sql(self, alias="p"):
        """SQL condition, on ``alias``, true for a partner counted in the
        figures: a commercial partner that is not excluded."""
        p = SQL.identifier(alias)
        return SQL(
            "(COALESCE(%s.id = %s.commercial_partner_id, FALSE) AND NOT %s)",
            p,
            p,
            self._idic_excluded_sql(alias),
        )

    @api.model
    def _idic_customer_moves_sql(self, alias="m"):
        """SQL condition, on the ``account_move`` row aliased ``alias``, true
        for a move of a customer (its commercial partner is not excluded):
        the moves the value and donor jobs count. In a stage that gathered
        the excluded partners (:meth:`_idic_with_excluded_set`), it looks
        them up there."""
        table = internal_value(self.env, EXCLUDED_KEY)
        if table:
            return SQL(
                """NOT EXISTS (SELECT 1 FROM %s idic_x
                                WHERE idic_x.id = %s.commercial_partner_id)""",
                SQL.identifier(table),
                SQL.identifier(alias),
            )
        return SQL(
            """NOT EXISTS (SELECT 1 FROM res_partner idic_x
                            WHERE idic_x.id = %s.commercial_partner_id AND %s)""",
            SQL.identifier(alias),
            self._idic_excluded_sql("idic_x"),
        )

    @api.model
    def _idic_with_excluded_set(self):
        """These partners with the partners never customers gathered, once,
        in a temporary table (dropped at the end of the transaction) that
        :meth:`_idic_customer_moves_sql` looks up: for a job's stage, whose
        statements read the customers' moves several times. Each statement
        otherwise evaluates the rule on every partner of the database (a scan
        of ``res_partner``: 0.75 s at 1,000,000 partners), and the planner,
        unable to count the partners the rule keeps, misjudges the moves of
        every statement that uses it (sorts spilled to disk, nested loops)."""
        cr = self.env.cr
        table = SQL.identifier(EXCLUDED_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        # The planner counts the rule's rows in millions (a correlated
        # condition it cannot count): compiling the statement would take
        # longer than running it.
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(
            SQL(
                """CREATE TEMP TABLE %s ON COMMIT DROP AS
                   SELECT idic_x.id FROM res_partner idic_x WHERE %s""",
                table,
                self._idic_excluded_sql("idic_x"),
            )
        )
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        cr.execute(SQL("CREATE UNIQUE INDEX ON %s (id)", table))
        cr.execute(SQL("ANALYZE %s", table))
        return self.with_context(**{EXCLUDED_KEY: internal(EXCLUDED_TABLE)})

    @api.model
    def _idic_counted_domain(self):
        """The customers every figure counts (the Overview, the menus, the
        reports and the counters): ``[('idic_counted', '=', True)]``."""
        return [("idic_counted", "=", True)]

    @api.model
    def _idic_exit_moves_sql(self, id_from, id_to):
        """SQL selecting the stage moves ``(partner_id, old_stage_id,
        new_stage_id)`` out of the pipeline of the partners ``id_from <= id <
        id_to`` that are not customers (a lock does not keep them in)."""
        return SQL(
            """
            SELECT p.id AS partner_id, p.idic_stage_id AS old_stage_id,
                   NULL::int AS new_stage_id
              FROM res_partner p
             WHERE p.idic_stage_id IS NOT NULL
               AND p.id >= %s AND p.id < %s
               AND %s
            """,
            id_from,
            id_to,
            self._idic_excluded_sql("p"),
        )

    # ------------------------------------------------------------------------
    # Compute and search
    # ------------------------------------------------------------------------
    def _compute_idic_excluded(self):
        ids = tuple(self._origin.ids)
        excluded, counted = set(), set()
        if ids:
            self._idic_flush_excluded()
            rows = self.env.execute_query(
                SQL(
                    "SELECT p.id, %s, %s FROM res_partner p WHERE p.id IN %s",
                    self._idic_excluded_sql("p"),
                    self._idic_counted_sql("p"),
                    ids,
                )
            )
            excluded = {row[0] for row in rows if row[1]}
            counted = {row[0] for row in rows if row[2]}
        for partner in self:
            partner.idic_excluded = partner._origin.id in excluded
            partner.idic_counted = partner._origin.id in counted

    @api.model
    def _idic_flush_excluded(self):
        """Write what the rule reads to the database before it is queried."""
        self.flush_model(
            ["commercial_partner_id", "supplier_rank", "customer_rank", "company_id"]
        )
        self.env["res.company"].flush_model(["partner_id"])
        self.env["res.users"].flush_model(["partner_id", "share"])

    @api.model
    def _idic_sql_domain(self, make_sql, operator, value):
        if operator != "in":
            return NotImplemented
        wanted = {bool(v) for v in value}
        if len(wanted) != 1:
            return Domain(bool(wanted))

        def to_sql(model, alias, query):
            model._idic_flush_excluded()
            return make_sql(alias)

        condition = Domain.custom(to_sql=to_sql)
        return condition if True in wanted else ~condition

    def _search_idic_excluded(self, operator, value):
        return self._idic_sql_domain(self._idic_excluded_sql, operator, value)

    def _search_idic_counted(self, operator, value):
        return self._idic_sql_domain(self._idic_counted_sql, operator, value)
