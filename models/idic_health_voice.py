# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The voice of the customer and the IDIC Customize figures in the
relationship health (issue #30), measured monthly with the other figures,
each with a target, a status and its 12-month trend:

* company NPS (% promoters - % detractors of the month's answers) and CSAT
  (% of the month's satisfaction answers at 4 or 5), under customer
  centricity;
* detractors called back and complaints resolved within their deadline (of
  those due in the month), the median resolution time of the complaints
  resolved in the month, under quick response;
* ideas implemented (of those received in the 12 months), under continuous
  improvement;
* IDIC's Customize, a principle of its own so that the IDIC survey's
  Customize area is compared with it: active customers with a tailored offer
  (a pricelist of their own, a coupon), and customers who asked for a
  contact cadence and were contacted within it.

The figures extend the add-on's list (``idic_health.FIGURES``) when this
module is imported, and the one measuring statement with one more
``UNION ALL`` (``_figures_sql``); the active customers are those of that
statement (its ``active`` part), one definition for all figures."""

import math

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .idic_health import FIGURE_INFO, FIGURES, month_start

CUSTOMIZE_AREA = [("customize", "Customization (IDIC Customize)")]
# key, label, principle, unit, higher is better, default target, measurable
# for past months (see idic_health.FIGURES).
VOICE_FIGURES = [
    ("voice_nps", "Net Promoter Score", "centricity", "", True, 30.0, True),
    (
        "voice_csat",
        "Satisfied customers (CSAT 4-5)",
        "centricity",
        "%",
        True,
        80.0,
        True,
    ),
    (
        "voice_detractors_called",
        "Detractors contacted within the deadline",
        "response",
        "%",
        True,
        90.0,
        True,
    ),
    (
        "feedback_complaints_on_time",
        "Complaints resolved within the deadline",
        "response",
        "%",
        True,
        90.0,
        True,
    ),
    (
        "feedback_resolution_median",
        "Median complaint resolution time",
        "response",
        "d",
        False,
        2.0,
        True,
    ),
    (
        "feedback_ideas_implemented",
        "Ideas implemented",
        "improvement",
        "%",
        True,
        20.0,
        True,
    ),
    (
        "customize_tailored",
        "Active customers with a tailored offer",
        "customize",
        "%",
        True,
        30.0,
        False,
    ),
    (
        "customize_cadence",
        "Customers contacted at the cadence they asked for",
        "customize",
        "%",
        True,
        70.0,
        True,
    ),
]
if "voice_nps" not in FIGURE_INFO:
    FIGURES.extend(VOICE_FIGURES)
    FIGURE_INFO.update({row[0]: row for row in VOICE_FIGURES})
VOICE_KEYS = [row[0] for row in VOICE_FIGURES]
FIGURE_SELECTION = [row[:2] for row in VOICE_FIGURES]
FIGURE_ONDELETE = dict.fromkeys(VOICE_KEYS, "cascade")
# Coupons handed to one customer: a tailored offer.
COUPON_PROGRAMS = ("coupons", "next_order_coupons")


class IdicHealthTarget(models.Model):
    _inherit = "idic.health.target"

    figure = fields.Selection(selection_add=FIGURE_SELECTION, ondelete=FIGURE_ONDELETE)
    principle = fields.Selection(
        selection_add=CUSTOMIZE_AREA, ondelete={"customize": "cascade"}
    )

    @api.constrains("target", "figure")
    def _check_voice_target(self):
        for target in self.filtered(lambda t: t.figure in VOICE_KEYS):
            value = target.target
            if not math.isfinite(value):
                raise ValidationError(self.env._("A target must be a number."))
            if target.figure == "voice_nps" and not -100 <= value <= 100:
                raise ValidationError(
                    self.env._("A Net Promoter Score lies between -100 and 100.")
                )
            if FIGURE_INFO[target.figure][3] == "d" and value < 0:
                raise ValidationError(self.env._("A target time cannot be negative."))


class IdicHealthSnapshot(models.Model):
    _inherit = "idic.health.snapshot"

    figure = fields.Selection(selection_add=FIGURE_SELECTION, ondelete=FIGURE_ONDELETE)
    principle = fields.Selection(
        selection_add=CUSTOMIZE_AREA, ondelete={"customize": "cascade"}
    )

    @api.model
    def _figures_sql(self, company, start, end, hours):
        return SQL(
            "%s UNION ALL %s",
            super()._figures_sql(company, start, end, hours),
            self._idic_voice_figures_sql(company, start, end),
        )

    @api.model
    def _idic_voice_figures_sql(self, company, start, end):
        """``(figure, value, sample)`` of the figures of this module for the
        month starting ``start`` measured at ``end``, as ``UNION ALL`` parts
        of ``_figures_sql`` (whose ``active`` customers they use)."""
        company = company.sudo()
        live = end >= fields.Datetime.now() - relativedelta(days=2)
        key = str(company.id)
        return SQL(
            """
            SELECT 'voice_nps',
                   100.0 * (COUNT(*) FILTER (WHERE nps_category = 'promoter')
                            - COUNT(*) FILTER (WHERE nps_category = 'detractor'))
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM idic_interaction
             WHERE company_id = %(company)s AND nps_category IS NOT NULL
               AND date >= %(start)s AND date < %(end)s
            UNION ALL
            SELECT 'voice_csat',
                   100.0 * COUNT(*) FILTER (WHERE satisfaction IN ('4', '5'))
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM idic_interaction
             WHERE company_id = %(company)s AND kind = 'survey'
               AND satisfaction IS NOT NULL
               AND date >= %(start)s AND date < %(end)s
            UNION ALL
            SELECT 'voice_detractors_called',
                   100.0 * COUNT(*) FILTER (WHERE response_date < %(due_end)s)
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM idic_interaction
             WHERE company_id = %(company)s AND nps_category = 'detractor'
               AND feedback_deadline >= %(start)s::date
               AND feedback_deadline < %(end)s::date
            UNION ALL
            SELECT 'feedback_complaints_on_time',
                   100.0 * COUNT(*) FILTER (WHERE resolved_date < %(due_end)s)
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM idic_interaction
             WHERE company_id = %(company)s AND kind = 'complaint'
               AND feedback_deadline >= %(start)s::date
               AND feedback_deadline < %(end)s::date
            UNION ALL
            SELECT 'feedback_resolution_median',
                   percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY EXTRACT(EPOCH FROM resolved_date - date) / 86400.0),
                   COUNT(*)
              FROM idic_interaction
             WHERE company_id = %(company)s AND kind = 'complaint'
               AND resolved_date >= %(start)s AND resolved_date < %(end)s
            UNION ALL
            SELECT 'feedback_ideas_implemented',
                   100.0 * COUNT(*) FILTER (
                       WHERE feedback_stage = 'implemented'
                         AND (resolved_date < %(end)s
                              OR (resolved_date IS NULL AND %(live)s)))
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM idic_interaction
             WHERE company_id = %(company)s AND kind = 'idea'
               AND date >= %(end)s::timestamp - interval '12 months'
               AND date < %(end)s
            UNION ALL
            SELECT 'customize_tailored',
                   100.0 * COUNT(*) FILTER (
                       WHERE p.specific_property_product_pricelist ? %(key)s
                          OR EXISTS (
                              SELECT 1 FROM loyalty_card lc
                                JOIN loyalty_program lp ON lp.id = lc.program_id
                               WHERE lc.partner_id = p.id AND lp.active
                                 AND lp.program_type IN %(coupons)s
                                 AND (lp.company_id = %(company)s
                                      OR lp.company_id IS NULL)
                                 AND (lc.expiration_date IS NULL
                                      OR lc.expiration_date >= %(end)s::date)))
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM active a JOIN res_partner p ON p.id = a.pid
            UNION ALL
            SELECT 'customize_cadence',
                   100.0 * COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM idic_interaction i
                        WHERE i.commercial_partner_id = p.id
                          AND i.company_id = %(company)s
                          AND i.direction = 'outbound'
                          AND i.date < %(end)s
                          AND i.date >= %(end)s::timestamp
                              - make_interval(days => p.idic_contact_frequency)))
                   / NULLIF(COUNT(*), 0),
                   COUNT(*)
              FROM active a JOIN res_partner p ON p.id = a.pid
             WHERE p.idic_contact_frequency > 0
            """,
            company=company.id,
            key=key,
            start=start,
            end=end,
            live=live,
            # A deadline is a day of the company's calendar: met until the
            # end of that day in its time zone.
            due_end=SQL(
                "((feedback_deadline + 1)::timestamp AT TIME ZONE %s AT TIME ZONE 'UTC')",
                company._idic_calendar_tz().zone,
            ),
            coupons=COUPON_PROGRAMS,
        )

    @api.model
    def _idic_fill_missing_figures(self, company, keys=None, months=12, now=None):
        """Add the rows of the figures ``keys`` (those of this module by
        default) to the months of ``company`` measured in the last
        ``months`` months that lack them, without touching the rows there
        (an upgrade adds the new figures' history). Returns the new rows."""
        keys = set(keys or VOICE_KEYS)
        now = now or fields.Datetime.now()
        first = month_start(now.date()) - relativedelta(months=months - 1)
        existing = self.sudo().search(
            [("company_id", "=", company.id), ("month", ">=", first)]
        )
        by_month = {}
        for snapshot in existing:
            by_month.setdefault(snapshot.month, set()).add(snapshot.figure)
        targets = self.env["idic.health.target"]._for_company(company)
        order = [row[0] for row in FIGURES]
        vals_list = []
        for month, present in sorted(by_month.items()):
            missing = keys - present
            start = fields.Datetime.to_datetime(month)
            end = min(start + relativedelta(months=1), now)
            if not missing or end <= start:
                continue
            live = end >= now - relativedelta(days=2)
            self.env.flush_all()
            rows = self.env.execute_query(
                self._figures_sql(
                    company, start, end, targets["response_within_target"].hours
                )
            )
            for figure, value, sample in rows:
                if figure not in missing or value is None:
                    continue
                if not (live or FIGURE_INFO[figure][6]):
                    continue
                target = targets[figure].target
                vals_list.append(
                    {
                        "company_id": company.id,
                        "month": month,
                        "figure": figure,
                        "sequence": order.index(figure),
                        "principle": FIGURE_INFO[figure][2],
                        "value": float(value),
                        "target": target,
                        "status": self._status(figure, float(value), target),
                        "sample": sample,
                        "measured_at": now,
                    }
                )
        return self.sudo().create(vals_list)


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    idic_health_area = fields.Selection(
        selection_add=CUSTOMIZE_AREA, ondelete={"customize": "set null"}
    )


class IdicAssessmentArea(models.Model):
    _inherit = "idic.assessment.area"

    health_area = fields.Selection(
        selection_add=CUSTOMIZE_AREA, ondelete={"customize": "set null"}
    )
