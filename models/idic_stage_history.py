# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class IdicStageHistory(models.Model):
    """One stay of a partner in an IDIC stage: when it entered, when it left.

    Written only by the partner's stage moves (manual ones in ``write``, rule
    moves in SQL by the stage cron), never edited by hand.  The time spent per
    stage is read from here.
    """

    _name = "idic.stage.history"
    _description = "IDIC Stage History"
    _order = "date_in desc, id desc"
    _rec_name = "stage_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    stage_id = fields.Many2one("idic.stage", required=True, ondelete="cascade")
    phase = fields.Selection(related="stage_id.phase", store=True)
    previous_stage_id = fields.Many2one("idic.stage", ondelete="set null")
    date_in = fields.Datetime(string="Entered", required=True)
    date_out = fields.Datetime(string="Left")
    duration_days = fields.Float(
        string="Days in Stage",
        compute="_compute_duration_days",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days spent in the stage; for the current stay, up to the last "
        "stage move or recompute.",
    )
    cause = fields.Selection(
        [
            ("manual", "Manual"),
            ("rule", "Entry rule"),
            ("contact", "Follows its company"),
        ],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one("res.users", string="Moved by")
    rule_domain = fields.Char(
        string="Rule Applied",
        help="For a move by the entry rules: the rule of the stage entered, as "
        "it was at the move.",
    )
    forward = fields.Boolean(
        compute="_compute_forward",
        store=True,
        help="A move to a later stage than the one the partner left.",
    )

    _partner_open_idx = models.Index("(partner_id) WHERE date_out IS NULL")

    @api.depends("date_in", "date_out")
    def _compute_duration_days(self):
        now = fields.Datetime.now()
        for line in self:
            end = line.date_out or now
            line.duration_days = (
                (end - line.date_in).total_seconds() / 86400.0 if line.date_in else 0.0
            )

    @api.model
    def _forward_sql(self, stage_alias, previous_alias):
        """Whether a move into ``stage_alias`` from ``previous_alias`` (stages)
        goes forward: the one rule, for the moves recorded and for the stays
        recomputed when stages are reordered."""
        return SQL(
            "COALESCE((%(s)s.sequence, %(s)s.id) > (%(p)s.sequence, %(p)s.id), FALSE)",
            s=SQL.identifier(stage_alias),
            p=SQL.identifier(previous_alias),
        )

    @api.depends("stage_id.sequence", "previous_stage_id.sequence")
    def _compute_forward(self):
        saved = self.filtered("id")
        (self - saved).forward = False
        if not saved:
            return
        self.env["idic.stage"].flush_model(["sequence"])
        rows = self.env.execute_query(
            SQL(
                """SELECT h.id, %(forward)s
                     FROM idic_stage_history h
                     JOIN idic_stage s ON s.id = h.stage_id
                     LEFT JOIN idic_stage ps ON ps.id = h.previous_stage_id
                    WHERE h.id IN %(ids)s""",
                forward=self._forward_sql("s", "ps"),
                ids=tuple(saved.ids),
            )
        )
        forward = dict(rows)
        for line in saved:
            line.forward = forward.get(line.id, False)

    @api.model
    def _history_sql(self, moves_sql, cause, move_partners):
        """One statement that records stage moves: it closes the partners' open
        stays and opens the new ones; with ``move_partners`` it also moves the
        partners (rule and contact moves, which bypass the ORM).

        ``moves_sql`` selects ``(partner_id, old_stage_id, new_stage_id)``.
        """
        now = SQL("(now() AT TIME ZONE 'UTC')")
        partner_update = SQL()
        if move_partners:
            partner_update = SQL(
                """,
                moved AS (
                    UPDATE res_partner p
                       SET idic_stage_id = m.new_stage_id, idic_stage_date = %(now)s
                      FROM moves m
                     WHERE p.id = m.partner_id
                )""",
                now=now,
            )
        return SQL(
            """
            WITH moves AS (%(moves)s)%(partner_update)s,
            closed AS (
                UPDATE idic_stage_history h
                   SET date_out = %(now)s,
                       duration_days = EXTRACT(EPOCH FROM %(now)s - h.date_in) / 86400.0
                  FROM moves m
                 WHERE h.partner_id = m.partner_id AND h.date_out IS NULL
            )
            INSERT INTO idic_stage_history
                   (partner_id, company_id, stage_id, phase, previous_stage_id,
                    date_in, duration_days, cause, user_id, forward, rule_domain,
                    create_uid, create_date, write_uid, write_date)
            SELECT m.partner_id, p.company_id, m.new_stage_id, s.phase,
                   m.old_stage_id, %(now)s, 0, %(cause)s, %(uid)s,
                   %(forward)s,
                   CASE WHEN %(cause)s = 'rule' THEN s.rule_domain END,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM moves m
              JOIN res_partner p ON p.id = m.partner_id
              JOIN idic_stage s ON s.id = m.new_stage_id
              LEFT JOIN idic_stage ps ON ps.id = m.old_stage_id
            """,
            moves=moves_sql,
            partner_update=partner_update,
            forward=self._forward_sql("s", "ps"),
            now=now,
            cause=cause,
            uid=self.env.uid,
        )
