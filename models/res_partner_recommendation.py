# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recommended products (issue #25): item-to-item co-purchase over the
posted customer invoice lines of a company, recomputed nightly on the
recompute frame.

The run stages, once, the item-to-item similarities: for each pair of
products bought by the same customers, the cosine of their buyers (customers
who bought both over the square root of the product of each one's buyers),
keeping each product's closest neighbours. Each range of partners then scores
the neighbours of what each customer bought (never a product it already
buys), raises the products of its interests' categories, and keeps the best
few; rows that did not change are left alone.
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TOP_PRODUCTS = 5  # recommendations kept per customer
NEIGHBOURS = 10  # similar products kept per product
INTEREST_BOOST = 0.5  # score x (1 + boost) for a product of an interest
# Partners per range: the candidates of a range (each customer's purchases
# times their neighbours) are hashed and sorted in memory.
RANGE_SIZE = 10000


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_recommendation_ids = fields.One2many(
        "idic.recommendation",
        "partner_id",
        string="Recommended Products",
        groups="partner_idic.group_idic_user",
    )

    @api.model
    def _idic_recompute_job_specs(self):
        specs = super()._idic_recompute_job_specs()
        specs["recommend"] = {
            "per_company": True,
            "stage": "_idic_job_stage_recommend",
            "tables": ["res_partner"],
            "apply": "_idic_job_apply_recommend",
            "finish": None,
            "cron": "partner_idic.ir_cron_idic_recommendations",
            "helper_code": "model._cron_idic_recommendations(helper=True)",
        }
        return specs

    @api.model
    def _cron_idic_recommendations(self, helper=False, batch_size=RANGE_SIZE):
        """Nightly: the recommended products of every customer of every
        company. A ``helper`` action only takes ranges of the runs its job's
        own action started."""
        self.sudo().env["idic.recompute.run"]._idic_execute(
            "recommend", start=not helper, batch_size=batch_size
        )

    @api.model
    def _idic_refresh_recommendations(self, companies=None):
        """Tests and buttons: the whole job now, in this transaction."""
        return self.env["idic.recompute.run"]._idic_execute(
            "recommend", companies, batch_size=RANGE_SIZE, commit=False
        )

    @api.model
    def _idic_purchases_sql(self, company, where=None):
        """SQL selecting the distinct ``(cp, product_id)`` a commercial
        partner bought on a posted customer invoice of ``company`` (moves
        ``m`` matching ``where``)."""
        return SQL(
            """SELECT DISTINCT m.commercial_partner_id AS cp, l.product_id
                 FROM account_move_line l
                 JOIN account_move m ON m.id = l.move_id
                WHERE m.company_id = %s AND m.state = 'posted'
                  AND m.move_type = 'out_invoice'
                  AND m.commercial_partner_id IS NOT NULL
                  AND l.display_type = 'product' AND l.product_id IS NOT NULL
                  AND %s""",
            company.id,
            where or SQL("TRUE"),
        )

    @api.model
    def _idic_job_stage_recommend(self, company, today):
        """The staging table of ``company``, ``(cp, x, y, s)``: rows without
        ``cp``, the NEIGHBOURS products ``y`` most similar to each product
        ``x`` (similarity ``s``); rows with ``cp``, the products ``x`` the
        customer ``cp`` bought (read by the ranges, so that the invoice lines
        are read once per run, not once per range). Returns its rows."""
        cr = self.env.cr
        table = self._idic_staging()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        cr.execute(
            SQL(
                """
                CREATE %(kind)s TABLE %(table)s AS
                WITH bought AS MATERIALIZED (%(bought)s),
                buyers AS (
                    SELECT product_id, COUNT(*)::float8 AS n
                      FROM bought GROUP BY product_id
                ),
                co AS (
                    SELECT a.product_id AS x, b.product_id AS y, COUNT(*) AS c
                      FROM bought a
                      JOIN bought b ON b.cp = a.cp AND b.product_id <> a.product_id
                     GROUP BY a.product_id, b.product_id
                ),
                sim AS (
                    SELECT co.x, co.y, co.c / sqrt(nx.n * ny.n) AS s
                      FROM co
                      JOIN buyers nx ON nx.product_id = co.x
                      JOIN buyers ny ON ny.product_id = co.y
                ),
                ranked AS (
                    SELECT sim.*, ROW_NUMBER() OVER (
                               PARTITION BY sim.x ORDER BY sim.s DESC, sim.y) AS k
                      FROM sim
                )
                SELECT NULL::int AS cp, x, y, s FROM ranked WHERE k <= %(neighbours)s
                 UNION ALL
                SELECT cp, product_id, NULL::int, NULL::float8 FROM bought
                """,
                kind=self._idic_staging_kind(),
                table=table,
                bought=self._idic_purchases_sql(company),
                neighbours=NEIGHBOURS,
            )
        )
        rows = cr.rowcount
        cr.execute(SQL("SET LOCAL work_mem TO DEFAULT"))
        cr.execute(SQL("CREATE INDEX ON %s (x) WHERE cp IS NULL", table))
        cr.execute(SQL("CREATE INDEX ON %s (cp) WHERE cp IS NOT NULL", table))
        cr.execute(SQL("ANALYZE %s", table))
        _logger.info(
            "IDIC recommendations: %s similar pairs and purchases for %s",
            rows,
            company.name,
        )
        return rows

    @api.model
    def _idic_job_apply_recommend(self, company, today, phase, start, end):
        """The recommendations of the customers ``start <= id < end`` of
        ``company``, in one statement: rows that changed are replaced, the
        others left alone. Returns how many customers got a new list."""
        self.env.flush_all()
        # The candidates of a range (a few million rows for the heaviest
        # buyers) are hashed in memory.
        self.env.cr.execute(SQL("SET LOCAL work_mem = '128MB'"))
        self.env.cr.execute(
            SQL(
                """
                WITH customers AS (
                    SELECT p.id FROM res_partner p
                     WHERE p.id >= %(start)s AND p.id < %(end)s AND %(scope)s
                ),
                bought AS MATERIALIZED (
                    SELECT b.cp, b.x AS product_id
                      FROM %(staging)s b
                     WHERE b.cp IS NOT NULL
                       AND b.cp >= %(start)s AND b.cp < %(end)s
                       AND b.cp IN (SELECT id FROM customers)
                ),
                interests AS (
                    SELECT r.partner_id AS cp, c.id AS categ_id,
                           MIN(r.interest_id) AS interest_id
                      FROM idic_interest_res_partner_rel r
                      JOIN idic_interest_product_category_rel ic
                        ON ic.interest_id = r.interest_id
                      JOIN product_category pc ON pc.id = ic.category_id
                      JOIN product_category c
                        ON c.parent_path LIKE pc.parent_path || '%%'
                     WHERE r.partner_id >= %(start)s AND r.partner_id < %(end)s
                     GROUP BY r.partner_id, c.id
                ),
                scores AS (
                    SELECT b.cp, s.y, SUM(s.s) AS score
                      FROM bought b
                      JOIN %(staging)s s ON s.x = b.product_id AND s.cp IS NULL
                     GROUP BY b.cp, s.y
                ),
                scored AS (
                    SELECT c.cp, c.y, i.interest_id,
                           ROUND((c.score * CASE WHEN i.interest_id IS NULL THEN 1
                                                 ELSE 1 + %(boost)s END)::numeric, 3)
                               AS score
                      FROM scores c
                      JOIN product_product pp ON pp.id = c.y AND pp.active
                      JOIN product_template pt
                        ON pt.id = pp.product_tmpl_id AND pt.active AND pt.sale_ok
                      LEFT JOIN interests i ON i.cp = c.cp AND i.categ_id = pt.categ_id
                     WHERE NOT EXISTS (SELECT 1 FROM bought o
                                        WHERE o.cp = c.cp AND o.product_id = c.y)
                ),
                top AS MATERIALIZED (
                    SELECT * FROM (
                        SELECT scored.*, ROW_NUMBER() OVER (
                                   PARTITION BY scored.cp
                                   ORDER BY scored.score DESC, scored.y) AS rank
                          FROM scored
                    ) r WHERE r.rank <= %(top)s
                ),
                kept AS MATERIALIZED (
                    -- The kept recommendations and what their customer
                    -- bought: looked up for these only, not for every
                    -- candidate of the range.
                    SELECT t.cp, t.y, b.product_id AS x
                      FROM top t JOIN bought b ON b.cp = t.cp
                ),
                because AS (
                    -- Of what the customer bought, the product this one goes
                    -- with most.
                    SELECT DISTINCT ON (k.cp, k.y) k.cp, k.y, k.x
                      FROM kept k
                      JOIN %(staging)s s
                        ON s.x = k.x AND s.y = k.y AND s.cp IS NULL
                     ORDER BY k.cp, k.y, s.s DESC, s.x
                ),
                new AS MATERIALIZED (
                    SELECT t.cp, t.y, t.rank, t.score, t.interest_id, w.x AS because
                      FROM top t
                      LEFT JOIN because w ON w.cp = t.cp AND w.y = t.y
                ),
                old AS MATERIALIZED (
                    SELECT o.id, o.partner_id, o.product_id, o.rank, o.score,
                           COALESCE(o.because_product_id, 0) AS because,
                           COALESCE(o.interest_id, 0) AS interest_id
                      FROM idic_recommendation o
                     WHERE o.company_id = %(company)s
                       AND o.partner_id >= %(start)s AND o.partner_id < %(end)s
                ),
                diff AS MATERIALIZED (
                    -- A full join is hashed or merged whatever the planner
                    -- guesses of either side: rows only in one of them.
                    SELECT o.id AS old_id, n.cp, n.y, n.rank, n.score, n.because,
                           n.interest_id
                      FROM new n
                      FULL JOIN old o
                        ON o.partner_id = n.cp AND o.product_id = n.y
                       AND o.rank = n.rank AND o.score = n.score
                       AND o.because = COALESCE(n.because, 0)
                       AND o.interest_id = COALESCE(n.interest_id, 0)
                     WHERE o.id IS NULL OR n.cp IS NULL
                ),
                gone AS (
                    DELETE FROM idic_recommendation o
                     USING diff d
                     WHERE o.id = d.old_id AND d.cp IS NULL
                    RETURNING o.partner_id
                ),
                added AS (
                    INSERT INTO idic_recommendation
                           (partner_id, product_id, rank, score, because_product_id,
                            interest_id, company_id,
                            create_uid, create_date, write_uid, write_date)
                    SELECT d.cp, d.y, d.rank, d.score, d.because, d.interest_id,
                           %(company)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM diff d
                     WHERE d.old_id IS NULL
                    RETURNING partner_id
                )
                SELECT COUNT(*) FROM (
                    SELECT partner_id FROM gone UNION SELECT partner_id FROM added
                ) changed
                """,
                start=start,
                end=end,
                scope=self._idic_customer_scope_sql(company),
                staging=self._idic_staging(),
                boost=INTEREST_BOOST,
                top=TOP_PRODUCTS,
                company=company.id,
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        count = self.env.cr.fetchone()[0]
        self.env.cr.execute(SQL("SET LOCAL work_mem TO DEFAULT"))
        self.env["idic.recommendation"].invalidate_model()
        return count
