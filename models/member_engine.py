# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Membership status rules, as plain SQL builders and small functions.

The rules sit on top of the OCA ``membership`` add-on and read only its data:
``membership_membership_line`` (state, date_from, date_to, date_cancel) and the
partner's ``free_member`` / ``associate_member_id``.

* A line counts when OCA counts it as a membership (``invoiced``, ``paid`` or
  ``free``), or when it was a real membership later ended by a posted credit
  note (``canceled`` with a posted invoice).
* As in OCA, a cancel date is the last day of a line cut short (partial credit
  note, withdrawal): it ends on ``LEAST(date_to, date_cancel)``; a line fully
  credited (``canceled``) ends the day before its cancel date, as OCA stops
  counting it at once. A line whose end comes before its start never counted.
* Only a line that reached its own end date (no cancel date before it) gives a
  grace period; a line ended by a credit note or a withdrawal lapses at once.
* Associate members follow their associate's lines (the whole chain, as OCA
  does); free members are current members.
* A withdrawal is sticky: withdrawn from its date until a membership line
  starts on or after it (a re-join).
"""

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

MEMBER_LINE_STATES = ("invoiced", "paid", "free")

MEMBER_STATUSES = [
    ("none", "Not a Member"),
    ("new", "New Member"),
    ("current", "Current Member"),
    ("grace", "In Grace Period"),
    ("lapsed", "Lapsed"),
    ("withdrawn", "Withdrawn"),
]

JOIN_KINDS = [("join", "Join"), ("renew", "Renewal"), ("rejoin", "Re-join")]

PERIOD_STATES = [
    ("pending", "Not Invoiced"),
    ("scheduled", "Scheduled"),
    ("active", "Active"),
    ("ended", "Ended"),
    ("cancelled", "Cancelled"),
]

# Default renewal window (days) when a company sends no reminders.
DEFAULT_RENEWAL_WINDOW = 30
# A lapse notice goes out at most this many days after the grace period ended.
LAPSE_NOTICE_WINDOW = 30


MAX_OFFSET_DAYS = 3650


def parse_offsets(text):
    """ "30, 7" -> [30, 7] (distinct, largest first); raise ValueError on bad
    input: only comma-separated positive whole numbers of days, at most ten
    years, are allowed."""
    offsets = set()
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) <= MAX_OFFSET_DAYS:
            raise ValueError(part[:20])
        offsets.add(int(part))
    return sorted(offsets, reverse=True)


def line_end_sql(alias="l"):
    """Effective last day of a membership line (NULL-safe, see module doc)."""
    a = SQL.identifier(alias)
    return SQL(
        """CASE WHEN %(a)s.state = 'canceled'
                THEN COALESCE(%(a)s.date_cancel, %(a)s.date_from) - 1
                ELSE LEAST(%(a)s.date_to, %(a)s.date_cancel) END""",
        a=a,
    )


def period_state_sql(today, alias="l"):
    """The ``idic_period_state`` of a line on ``today``."""
    a = SQL.identifier(alias)
    return SQL(
        """CASE WHEN %(a)s.state = 'canceled' THEN 'cancelled'
                WHEN %(a)s.state NOT IN %(member)s OR %(a)s.date_from IS NULL
                     OR %(a)s.date_to IS NULL THEN 'pending'
                WHEN %(end)s < %(a)s.date_from THEN 'cancelled'
                WHEN %(a)s.date_from > %(today)s THEN 'scheduled'
                WHEN %(end)s < %(today)s THEN 'ended'
                ELSE 'active' END""",
        a=a,
        member=MEMBER_LINE_STATES,
        end=line_end_sql(alias),
        today=today,
    )


def period_state(line, today):
    """Python twin of :func:`period_state_sql` for one record (forms and
    onchanges; the cron uses the SQL)."""
    if line.state == "canceled":
        return "cancelled"
    if line.state not in MEMBER_LINE_STATES or not line.date_from or not line.date_to:
        return "pending"
    end = min(line.date_to, line.date_cancel or line.date_to)
    if end < line.date_from:
        return "cancelled"
    if line.date_from > today:
        return "scheduled"
    return "ended" if end < today else "active"


def valid_lines_sql():
    """Lines that make or made someone a member, with their effective end and
    whether they reached their own end date (``natural_end``)."""
    return SQL(
        """
        SELECT l.id, l.partner_id, l.membership_id, l.company_id, l.date_from,
               l.date_to, l.idic_join_kind, %(end)s AS date_end,
               (l.state <> 'canceled'
                AND (l.date_cancel IS NULL OR l.date_cancel >= l.date_to))
                   AS natural_end
          FROM membership_membership_line l
          LEFT JOIN account_move_line aml ON aml.id = l.account_invoice_line_id
          LEFT JOIN account_move m ON m.id = aml.move_id
         WHERE l.date_from IS NOT NULL AND l.date_to IS NOT NULL
           AND (l.state IN %(member)s
                OR (l.state = 'canceled' AND m.state = 'posted'))
           AND %(end)s >= l.date_from
        """,
        end=line_end_sql("l"),
        member=MEMBER_LINE_STATES,
    )


def max_offset_sql(alias="c"):
    """Largest reminder offset of a company (its renewal window)."""
    return SQL(
        """COALESCE((SELECT MAX(TRIM(x)::int)
                       FROM unnest(string_to_array(%s.idic_member_reminder_days, ',')) x
                      WHERE TRIM(x) <> ''), %s)""",
        SQL.identifier(alias),
        DEFAULT_RENEWAL_WINDOW,
    )


def status_sql(today, partner_where, fallback_company_id, days=None):
    """One row per partner matching ``partner_where`` (an SQL condition on
    ``p``): id, idic_member_status, idic_member_since, idic_member_level_id,
    idic_member_period_from, idic_member_period_to, idic_member_end,
    idic_member_tenure, idic_member_renewal_due, and the company whose
    periods counted (``status_company_id``).

    With ``days`` (an SQL selecting a column ``day``), one row per partner and
    day, as of that day (``status_day``): the same rule gives the statuses of
    the past (the Overview's members trend).

    Associate members read the lines of the end of their associate chain (up
    to four links, far beyond real chains). Each partner's lines are read by
    index (LATERAL), so the cost grows with the partners of the batch, not with
    all lines. The grace and new-member days are those of the company of the
    partner's latest line (else of the partner, else ``fallback_company_id``).
    """
    # Today, the periods already renewed count (the end of membership, a
    # re-join after a withdrawal); as of a day of the past, only the periods
    # started by then.
    started = SQL("vl.date_from <= d.day") if days is not None else SQL("TRUE")
    if days is None:
        days = SQL("SELECT %s::date AS day", today)
    return SQL(
        """
        WITH s AS (
            SELECT p.id, d.day, cur.membership_id, cur.date_from, cur.date_end,
                   agg.chain_end, agg.since, rp.free_member, c.id AS company_id,
                   %(window)s AS window_days,
                   CASE
                       WHEN w.withdrawn <= d.day
                            AND NOT COALESCE(agg.last_start >= w.withdrawn, FALSE)
                           THEN 'withdrawn'
                       WHEN rp.free_member THEN 'current'
                       WHEN cur.date_end >= d.day
                            AND agg.since + COALESCE(c.idic_member_new_days, 0)
                                > d.day THEN 'new'
                       WHEN cur.date_end >= d.day THEN 'current'
                       WHEN cur.natural_end AND cur.date_end
                            + COALESCE(c.idic_member_grace_days, 0) >= d.day
                           THEN 'grace'
                       WHEN cur.id IS NOT NULL THEN 'lapsed'
                       ELSE 'none'
                   END AS status
              FROM res_partner p
              CROSS JOIN (%(days)s) d
              LEFT JOIN res_partner a1 ON a1.id = p.associate_member_id
              LEFT JOIN res_partner a2 ON a2.id = a1.associate_member_id
              LEFT JOIN res_partner a3 ON a3.id = a2.associate_member_id
              LEFT JOIN res_partner a4 ON a4.id = a3.associate_member_id
              JOIN res_partner rp
                ON rp.id = COALESCE(a4.id, a3.id, a2.id, a1.id, p.id)
              LEFT JOIN LATERAL (
                  SELECT vl.* FROM (%(valid)s) vl
                   WHERE vl.partner_id = rp.id AND vl.date_from <= d.day
                   ORDER BY vl.date_end DESC, vl.date_from DESC, vl.id DESC
                   LIMIT 1) cur ON TRUE
              LEFT JOIN LATERAL (
                  SELECT MAX(vl.date_end) AS chain_end,
                         COALESCE(
                             MAX(vl.date_from) FILTER (
                                 WHERE vl.idic_join_kind IN ('join', 'rejoin')
                                   AND vl.date_from <= d.day),
                             MIN(vl.date_from)) AS since,
                         MAX(vl.date_from) AS last_start
                    FROM (%(valid)s) vl
                   WHERE vl.partner_id = rp.id AND %(started)s) agg ON TRUE
              LEFT JOIN res_company c
                     ON c.id = COALESCE(cur.company_id, rp.company_id, p.company_id,
                                        %(fallback)s)
              CROSS JOIN LATERAL (
                  SELECT GREATEST(p.idic_member_withdrawn_date,
                                  rp.idic_member_withdrawn_date) AS withdrawn) w
             WHERE %(where)s
        )
        SELECT id, day AS status_day, company_id AS status_company_id,
               status AS idic_member_status,
               CASE WHEN status <> 'none' THEN since END AS idic_member_since,
               membership_id AS idic_member_level_id,
               date_from AS idic_member_period_from,
               date_end AS idic_member_period_to,
               chain_end AS idic_member_end,
               CASE WHEN status IN ('new', 'current', 'grace') AND since IS NOT NULL
                    THEN ROUND(((day - since)::numeric / 365.25), 1)
               END AS idic_member_tenure,
               COALESCE((status IN ('new', 'current')
                         AND NOT COALESCE(free_member, FALSE)
                         AND chain_end <= day + window_days)
                        OR status = 'grace', FALSE) AS idic_member_renewal_due
          FROM s
        """,
        where=partner_where,
        valid=valid_lines_sql(),
        days=days,
        started=started,
        window=max_offset_sql("c"),
        fallback=fallback_company_id,
    )


STATUS_COLUMNS = (
    "idic_member_status",
    "idic_member_since",
    "idic_member_level_id",
    "idic_member_period_from",
    "idic_member_period_to",
    "idic_member_end",
    "idic_member_tenure",
    "idic_member_renewal_due",
)


def update_status_sql(today, partner_where, fallback_company_id):
    """UPDATE the stored status columns of the partners of ``partner_where``
    that differ from :func:`status_sql`; RETURNING the ids changed."""
    sets = SQL(", ").join(
        SQL("%s = v.%s", SQL.identifier(col), SQL.identifier(col))
        for col in STATUS_COLUMNS
    )
    differs = SQL(" OR ").join(
        SQL("p.%s IS DISTINCT FROM v.%s", SQL.identifier(col), SQL.identifier(col))
        for col in STATUS_COLUMNS
    )
    return SQL(
        """
        UPDATE res_partner p SET %(sets)s
          FROM (%(select)s) v
         WHERE p.id = v.id AND (%(differs)s)
        RETURNING p.id
        """,
        sets=sets,
        select=status_sql(today, partner_where, fallback_company_id),
        differs=differs,
    )


def period_length(product):
    """The length of one membership period of ``product`` (a relativedelta),
    taken from its OCA start and end dates: whole months when the dates span
    whole months (1 Jan - 31 Dec is 12 months), else days; one year when the
    product has no dates."""
    tmpl = product.product_tmpl_id
    start, end = tmpl.membership_date_from, tmpl.membership_date_to
    if not start or not end or end < start:
        return relativedelta(years=1)
    after = end + relativedelta(days=1)
    if start.day == 1 and after.day == 1:
        delta = relativedelta(after, start)
        return relativedelta(months=delta.years * 12 + delta.months)
    return relativedelta(days=(after - start).days)


def next_period(product, start):
    """(date_from, date_to) of one period of ``product`` starting ``start``."""
    return start, start + period_length(product) - relativedelta(days=1)
