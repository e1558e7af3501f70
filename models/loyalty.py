# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Points on the host's loyalty cards: append-only history lines with lots
and expiry, safe redemption."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

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
        for line in self:
            document = False
            if line.order_model in self.env and line.order_id:
                record = (
                    self.env[line.order_model].sudo().browse(line.order_id).exists()
                )
                document = record.display_name if record else False
            line.idic_document = document

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
        used) to this card and move its balance. The one way points change."""
        self.ensure_one()
        points = round_points(points)
        if not points:
            return self.env["loyalty.history"]
        date = date or fields.Date.context_today(self)
        if (
            points > 0
            and kind in ("earn", "referral", "adjust")
            and expiry_date is None
        ):
            months = self.company_id.idic_points_validity_months
            expiry_date = date + relativedelta(months=months) if months else False
        line = (
            self.env["loyalty.history"]
            .sudo()
            .create(
                {
                    "card_id": self.id,
                    "description": description,
                    "issued": max(points, 0.0),
                    "used": max(-points, 0.0),
                    "order_model": document._name if document else False,
                    "order_id": document.id if document else False,
                    "idic_kind": kind,
                    "idic_date": date,
                    "idic_expiry_date": expiry_date or False,
                    "idic_multiplier": multiplier,
                    "idic_rate": rate,
                    "idic_user_id": self.env.uid,
                }
            )
        )
        self.sudo().with_context(loyalty_no_mail=True).points = round_points(
            self.points + points
        )
        return line

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
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH remaining AS (%(lots)s),
                expiring AS (
                    SELECT card_id, ROUND(SUM(remaining)::numeric, 2) AS points
                      FROM remaining
                     GROUP BY card_id
                    HAVING ROUND(SUM(remaining)::numeric, 2) > 0
                ),
                lines AS (
                    INSERT INTO loyalty_history
                           (card_id, description, issued, used, idic_net, idic_kind,
                            idic_date, idic_user_id, partner_id,
                            create_uid, create_date, write_uid, write_date)
                    SELECT e.card_id, %(description)s, 0, e.points, -e.points, 'expire',
                           %(today)s, %(uid)s, c.partner_id,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM expiring e
                      JOIN loyalty_card c ON c.id = e.card_id
                    RETURNING card_id, used
                )
                UPDATE loyalty_card c
                   SET points = ROUND((c.points - lines.used)::numeric, 2),
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM lines
                 WHERE c.id = lines.card_id
                """,
                lots=self._idic_lots_sql(programs, id_from, id_to, today),
                description=self.env._("Points expired"),
                today=today,
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["points"])
        self.env["loyalty.history"].invalidate_model()
        return count

    @api.model
    def _cron_idic_points_expire(self, batch_size=20000):
        """Daily: expire the points of the lots whose validity ended, card by
        card range (committed as it goes), then remind customers of points
        about to expire."""
        self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM loyalty_card"))
        max_id = self.env.cr.fetchone()[0]
        Cron = self.env["ir.cron"]
        start = 0
        while start <= max_id:
            end = start + batch_size
            self._idic_expire_points(start, end)
            # The card ids looked at, and what remains: a run that fails after
            # this batch is run again at once by the scheduler, not a day
            # later.
            Cron._commit_progress(
                min(end, max_id + 1) - start, remaining=max(max_id - end + 1, 0)
            )
            start = end
        self._idic_send_expiry_reminders()

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
                    template.with_context(idic_today=today).send_mail(
                        card.id, force_send=False
                    )
                    sent += 1
                # Once per lot, whether or not the customer may be written to.
                lots.write({"idic_reminded": True})
        return sent

    def _idic_upcoming_expiry(self):
        """[(date, points)] of this card's lots expiring within the notice
        days of its company, not yet reminded (for the reminder e-mail)."""
        self.ensure_one()
        today = self.env.context.get("idic_today") or fields.Date.context_today(self)
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
