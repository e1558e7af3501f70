# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Points on the host's loyalty cards: append-only history lines with lots
and expiry, safe redemption."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

from .idic_context import grant, internal, internal_value

POINT_KINDS = [
    ("earn", "Earned"),
    ("clawback", "Credit note"),
    ("referral", "Referral bonus"),
    ("adjust", "Adjustment"),
    ("redeem", "Redeemed"),
    ("expire", "Expired"),
]
POINTS_PRECISION = 2


def round_points(value):
    return float_round(value, precision_digits=POINTS_PRECISION)


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    idic_kind = fields.Selection(POINT_KINDS, string="Kind", readonly=True, index=True)
    idic_date = fields.Date(
        string="Date", readonly=True, default=fields.Date.context_today
    )
    idic_expiry_date = fields.Date(
        string="Expires On",
        readonly=True,
        index="btree_not_null",
        help="Points of this line (a lot) expire on this date, first in first out.",
    )
    idic_rate = fields.Float(
        string="Points Rate",
        readonly=True,
        digits=(16, 4),
        help="Points per currency unit of the invoice, tier multiplier included, "
        "fixed by its first points.",
    )
    idic_multiplier = fields.Float(string="Tier Multiplier", readonly=True)
    idic_reminded = fields.Boolean(string="Expiry Reminder Sent", readonly=True)
    idic_user_id = fields.Many2one("res.users", string="By", readonly=True)
    partner_id = fields.Many2one(
        related="card_id.partner_id", string="Customer", store=True, index=True
    )
    idic_net = fields.Float(
        string="Net Points",
        compute="_compute_idic_net",
        store=True,
        aggregator="sum",
        help="Points issued minus points used by this line.",
    )
    idic_running_balance = fields.Float(
        string="Balance", compute="_compute_idic_running_balance"
    )
    idic_document = fields.Char(string="Source", compute="_compute_idic_document")
    idic_document_url = fields.Char(
        string="Source Address", compute="_compute_idic_document"
    )

    @api.depends("issued", "used")
    def _compute_idic_net(self):
        for line in self:
            line.idic_net = (line.issued or 0.0) - (line.used or 0.0)

    def _compute_idic_running_balance(self):
        balances = {}
        if self.ids:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id, balance FROM (
                        SELECT h.id, SUM(COALESCE(h.issued, 0) - COALESCE(h.used, 0))
                                   OVER (PARTITION BY h.card_id
                                         ORDER BY COALESCE(h.idic_date, h.create_date::date),
                                                  h.id)
                                   AS balance
                          FROM loyalty_history h
                         WHERE h.card_id IN %s
                    ) b WHERE id IN %s
                    """,
                    tuple(self.card_id.ids) or (0,),
                    tuple(self.ids),
                )
            )
            balances = dict(self.env.cr.fetchall())
        for line in self:
            line.idic_running_balance = balances.get(line.id, 0.0)

    def _compute_idic_document(self):
        """The name of each line's document and, for a customer invoice, its
        portal address (the customer's own: no token), read model by model:
        a fixed number of queries whatever the number of lines (the portal
        statement shows years of them)."""
        for line in self:
            line.idic_document = line.idic_document_url = False
        for model, lines in self.grouped("order_model").items():
            if not model or model not in self.env:
                continue
            records = self.env[model].sudo().browse(set(lines.mapped("order_id")))
            found = {record.id: record for record in records.exists()}
            for line in lines:
                record = found.get(line.order_id)
                if not record:
                    continue
                line.idic_document = record.display_name
                if model == "account.move" and record.is_sale_document():
                    line.idic_document_url = record.access_url

    def _get_order_portal_url(self):
        if self.order_model == "account.move" and self.order_id:
            move = self.env["account.move"].sudo().browse(self.order_id).exists()
            if move.is_sale_document():
                return move.get_portal_url()
        return super()._get_order_portal_url()

    def _idic_protected(self):
        return self.filtered("idic_kind")

    def write(self, vals):
        # Lines of relationship points are append-only; only the reminder flag
        # moves, set by the expiry job.
        if self._idic_protected() and set(vals) - {"idic_reminded"}:
            raise UserError(
                self.env._(
                    "Points history lines cannot be changed; record an adjustment "
                    "instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_idic_lines(self):
        if self._idic_protected():
            raise UserError(
                self.env._(
                    "Points history lines cannot be deleted; record an adjustment "
                    "instead."
                )
            )


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    def _idic_lock(self):
        """Lock the card rows until the end of the transaction (two sessions
        spending the same card wait for each other), then re-read them."""
        if self.ids:
            self.flush_recordset(["points"])
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id FOR UPDATE",
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["points"])

    def _idic_add_line(
        self,
        points,
        kind,
        description,
        document=None,
        multiplier=0.0,
        rate=0.0,
        expiry_date=None,
        date=None,
    ):
        """Append a history line of ``points`` (positive: issued, negative:
        used) to this card and move its balance (see ``_idic_post_points``)."""
        self.ensure_one()
        return self._idic_post_points(
            [
                {
                    "card": self,
                    "points": points,
                    "kind": kind,
                    "description": description,
                    "document": document,
                    "multiplier": multiplier,
                    "rate": rate,
                    "expiry_date": expiry_date,
                    "date": date,
                }
            ]
        )

    @api.model
    def _idic_post_points(self, lines=None, lines_sql=None):
        """The one way points change: history lines appended and the cards'
        balances moved with them, by the same rules (points rounded, a lot
        earned dated and given its company's validity).

        ``lines`` (dicts: card, points, kind, description, and optionally
        document, multiplier, rate, expiry_date, date) go through the ORM, so
        the host's hooks and the card's tracking see them: earning,
        redemptions, adjustments. ``lines_sql`` (an SQL selecting ``card_id,
        points, kind, description, date``, points negative for what is used)
        is written set-based, in one statement, for the batch jobs (the
        expiry of a range of cards). Returns the history lines created (the
        ORM path) or the number of cards moved (the set-based path)."""
        if lines_sql is not None:
            return self._idic_post_points_sql(lines_sql)
        History = self.env["loyalty.history"].sudo()
        created = History
        for line in lines or ():
            card = line["card"]
            points = round_points(line["points"])
            if not points:
                continue
            date = line.get("date") or fields.Date.context_today(self)
            created |= History.create(
                {
                    "card_id": card.id,
                    "description": line["description"],
                    "issued": max(points, 0.0),
                    "used": max(-points, 0.0),
                    "order_model": line.get("document") and line["document"]._name,
                    "order_id": line.get("document") and line["document"].id,
                    "idic_kind": line["kind"],
                    "idic_date": date,
                    "idic_expiry_date": self._idic_lot_expiry(
                        card, points, line["kind"], date, line.get("expiry_date")
                    ),
                    "idic_multiplier": line.get("multiplier") or 0.0,
                    "idic_rate": line.get("rate") or 0.0,
                    "idic_user_id": self.env.uid,
                }
            )
            card.sudo().with_context(loyalty_no_mail=True).points = round_points(
                card.points + points
            )
        return created

    @api.model
    def _idic_lot_expiry(self, card, points, kind, date, expiry_date=None):
        """When points earned on ``date`` expire: ``expiry_date`` when given,
        else after the validity of the card's company (never: False)."""
        if expiry_date is not None or points <= 0:
            return expiry_date or False
        if kind not in ("earn", "referral", "adjust"):
            return False
        months = card.company_id.idic_points_validity_months
        return date + relativedelta(months=months) if months else False

    @api.model
    def _idic_post_points_sql(self, lines_sql):
        """The set-based path of ``_idic_post_points``: one statement."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH entries AS (
                    SELECT e.card_id, ROUND(e.points::numeric, 2) AS points,
                           e.kind, e.description, e.date
                      FROM (%(lines)s) e
                     WHERE ROUND(e.points::numeric, 2) <> 0
                ),
                lines AS (
                    INSERT INTO loyalty_history
                           (card_id, description, issued, used, idic_net, idic_kind,
                            idic_date, idic_user_id, partner_id,
                            create_uid, create_date, write_uid, write_date)
                    SELECT e.card_id, e.description, GREATEST(e.points, 0),
                           GREATEST(-e.points, 0), e.points, e.kind, e.date,
                           %(uid)s, c.partner_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM entries e
                      JOIN loyalty_card c ON c.id = e.card_id
                    RETURNING card_id, idic_net
                )
                UPDATE loyalty_card c
                   SET points = ROUND((c.points + lines.idic_net)::numeric, 2),
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM lines
                 WHERE c.id = lines.card_id
                """,
                lines=lines_sql,
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["points"])
        self.env["loyalty.history"].invalidate_model()
        return count

    def _idic_redeem(self, points, description):
        """Spend ``points`` of this card (every back-office redemption takes
        this path). The card row is locked first, so that two redemptions at
        the same moment never take it below zero."""
        self.ensure_one()
        if float_compare(points, 0.0, precision_digits=POINTS_PRECISION) <= 0:
            raise UserError(self.env._("The points to redeem must be positive."))
        self._idic_lock()
        if float_compare(self.points, points, precision_digits=POINTS_PRECISION) < 0:
            raise UserError(
                self.env._(
                    "%(card)s holds %(balance)s points: %(points)s cannot be redeemed.",
                    card=self.display_name,
                    balance=self.points,
                    points=points,
                )
            )
        return self._idic_add_line(-points, "redeem", description)

    @api.model
    def _idic_card(self, partner, company, create=True):
        """The card of the commercial partner of ``partner`` in the loyalty
        program of ``company`` (created when ``create``)."""
        partner = partner.commercial_partner_id
        program = (
            company._idic_loyalty_program()
            if create
            else (company.idic_loyalty_program_id)
        )
        if not program or not partner:
            return self.browse()
        Card = self.sudo()
        card = Card.search(
            [("program_id", "=", program.id), ("partner_id", "=", partner.id)],
            order="id",
            limit=1,
        )
        if not card and create:
            card = Card.with_context(loyalty_no_mail=True).create(
                {"program_id": program.id, "partner_id": partner.id, "points": 0.0}
            )
        return card

    # ------------------------------------------------------------------------
    # Expiry, first in first out
    # ------------------------------------------------------------------------
    @api.model
    def _idic_programs(self):
        return (
            self.env["res.company"].sudo().search([]).mapped("idic_loyalty_program_id")  # pylint: disable=no-search-all
        )

    @api.model
    def _idic_lots_sql(self, programs, id_from, id_to, until):
        """Per card of ``programs`` (ids ``id_from <= id < id_to``), the points
        of its lots expiring on or before ``until`` that are still unspent:
        every point used (spent, taken back or expired) is taken from the
        oldest lot first."""
        return SQL(
            """
            SELECT l.card_id, l.id AS lot_id, l.idic_expiry_date,
                   GREATEST(0, LEAST(l.issued, l.cumulated - l.spent)) AS remaining
              FROM (
                    SELECT h.card_id, h.id, h.issued, h.idic_expiry_date,
                           SUM(h.issued) OVER (
                               PARTITION BY h.card_id
                               ORDER BY COALESCE(h.idic_date, h.create_date::date), h.id
                           ) AS cumulated,
                           SUM(COALESCE(h.used, 0)) OVER (PARTITION BY h.card_id)
                               AS spent
                      FROM loyalty_history h
                      JOIN loyalty_card c ON c.id = h.card_id
                     WHERE c.program_id IN %(programs)s
                       AND c.id >= %(id_from)s AND c.id < %(id_to)s
                       AND (h.issued > 0 OR h.used > 0)
                   ) l
             WHERE l.issued > 0 AND l.idic_expiry_date <= %(until)s
            """,
            programs=tuple(programs.ids) or (0,),
            id_from=id_from,
            id_to=id_to,
            until=until,
        )

    @api.model
    def _idic_expire_points(self, id_from, id_to, today=None):
        """Write one "expired" line per card of the range for what expired,
        set-based; return how many cards lost points."""
        today = today or fields.Date.context_today(self)
        programs = self._idic_programs()
        if not programs:
            return 0
        return self._idic_post_points(
            lines_sql=SQL(
                """SELECT r.card_id, -SUM(r.remaining) AS points,
                          'expire' AS kind, %(description)s AS description,
                          %(today)s::date AS date
                     FROM (%(lots)s) r
                    GROUP BY r.card_id""",
                lots=self._idic_lots_sql(programs, id_from, id_to, today),
                description=self.env._("Points expired"),
                today=today,
            )
        )

    @api.model
    def _cron_idic_points_expire(self, helper=False, batch_size=20000):
        """Daily: expire the points of the lots whose validity ended, card by
        card range, on the recompute frame (ranges claimed by any worker,
        resumed where an interrupted run stopped), then remind customers of
        points about to expire. A ``helper`` action only takes ranges of the
        runs the job's own action started."""
        self.env["idic.recompute.run"]._idic_execute(
            "expiry", batch_size=batch_size, commit=True, start=not helper
        )

    @api.model
    def _idic_send_expiry_reminders(self, today=None):
        """E-mail each customer whose points expire within the notice days,
        once per lot, never to do-not-contact or blacklisted customers."""
        today = today or fields.Date.context_today(self)
        template = self.env.ref(
            "partner_idic.mail_template_idic_points_expiry", raise_if_not_found=False
        )
        if not template:
            return 0
        sent = 0
        for company in (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    ("idic_loyalty_program_id", "!=", False),
                    ("idic_points_notice_days", ">", 0),
                ]
            )
        ):
            program = company.idic_loyalty_program_id
            until = today + relativedelta(days=company.idic_points_notice_days)
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT r.card_id, array_agg(r.lot_id)
                      FROM (%s) r
                      JOIN loyalty_history h ON h.id = r.lot_id
                     WHERE r.idic_expiry_date > %s AND r.remaining > 0
                       AND NOT COALESCE(h.idic_reminded, FALSE)
                     GROUP BY r.card_id
                    """,
                    self._idic_lots_sql(program, 0, 2**31 - 1, until),
                    today,
                )
            )
            History = self.env["loyalty.history"].sudo()
            for card_id, lot_ids in self.env.cr.fetchall():
                card = self.sudo().browse(card_id)
                lots = History.browse(lot_ids)
                partner = card.partner_id
                if partner and partner._idic_may_email():
                    template.with_context(idic_today=internal(today)).send_mail(
                        card.id, force_send=False
                    )
                    sent += 1
                # Once per lot, whether or not the customer may be written to.
                grant(lots, "idic_reminded").write({"idic_reminded": True})
        return sent

    def _idic_upcoming_expiry(self):
        """[(date, points)] of this card's lots expiring within the notice
        days of its company, not yet reminded (for the reminder e-mail)."""
        self.ensure_one()
        today = internal_value(self.env, "idic_today") or fields.Date.context_today(
            self
        )
        until = today + relativedelta(days=self.company_id.idic_points_notice_days)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT r.idic_expiry_date, ROUND(SUM(r.remaining)::numeric, 2)
                  FROM (%s) r
                  JOIN loyalty_history h ON h.id = r.lot_id
                 WHERE r.idic_expiry_date > %s AND r.remaining > 0
                   AND NOT COALESCE(h.idic_reminded, FALSE)
                 GROUP BY r.idic_expiry_date ORDER BY r.idic_expiry_date
                """,
                self._idic_lots_sql(self.program_id, self.id, self.id + 1, until),
                today,
            )
        )
        return [(day, float(points)) for day, points in self.env.cr.fetchall()]

    def _idic_open_lots(self, today):
        """[(date, points)] of this card's points still to expire after
        ``today``, by expiry date (what the customer's statement shows)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT r.idic_expiry_date, ROUND(SUM(r.remaining)::numeric, 2)
                  FROM (%s) r
                 WHERE r.idic_expiry_date > %s AND r.remaining > 0
                 GROUP BY r.idic_expiry_date ORDER BY r.idic_expiry_date
                """,
                self._idic_lots_sql(
                    self.program_id,
                    self.id,
                    self.id + 1,
                    fields.Date.to_date("9999-12-31"),
                ),
                today,
            )
        )
        return [(day, float(points)) for day, points in self.env.cr.fetchall()]

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Points statement - %s", self.code)

    def _idic_wizard(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def action_idic_redeem(self):
        return self._idic_wizard("idic.points.redeem", self.env._("Redeem Points"))

    def action_idic_statement(self):
        return self.env.ref("partner_idic.report_idic_points_statement").report_action(
            self
        )

    def action_idic_adjust(self):
        return self._idic_wizard("idic.points.adjust", self.env._("Adjust Points"))


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    idic_company_ids = fields.One2many(
        "res.company",
        "idic_loyalty_program_id",
        string="Relationship Program Of",
        help="The companies whose customers earn points on invoices in this program.",
    )
