# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company settings of the voice of the customer (issue #30): how often a
customer may be surveyed, the deadlines of complaints, feedback and ideas on
the company's working calendar, who owns them by default, and what a
promoter adds to the influence value."""

import math
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Working days of a company without a working calendar: Monday to Friday.
DEFAULT_WORKING_WEEKDAYS = (0, 1, 2, 3, 4)
MAX_DEADLINE_DAYS = 365
MAX_THROTTLE_DAYS = 3650


class ResCompany(models.Model):
    _inherit = "res.company"

    idic_survey_throttle_days = fields.Integer(
        string="One Survey per Customer Every (days)",
        default=90,
        help="A customer invited to a satisfaction or recommendation survey of "
        "the company is not invited to another one for this many days, whatever "
        "rule would send it. 0: no limit.",
    )
    idic_complaint_deadline_days = fields.Integer(
        string="Complaint Deadline (working days)",
        default=2,
        help="A complaint is due this many working days (of the company's "
        "working calendar) after the day it was received. 0: no deadline.",
    )
    idic_feedback_deadline_days = fields.Integer(
        string="Feedback Deadline (working days)",
        default=5,
        help="Feedback is due this many working days after the day it was "
        "received. 0: no deadline.",
    )
    idic_idea_deadline_days = fields.Integer(
        string="Idea Deadline (working days)",
        default=20,
        help="An idea is answered (taken up, implemented or declined) this many "
        "working days after the day it was received. 0: no deadline.",
    )
    idic_feedback_owner_id = fields.Many2one(
        "res.users",
        string="Default Feedback Owner",
        domain="[('share', '=', False)]",
        help="Owns the complaints, feedback and ideas of customers without a "
        "salesperson, and is given the call to detractors without one. Empty: "
        "the user who records it.",
    )
    idic_promoter_value = fields.Float(
        string="Value per Promoter",
        default=0.0,
        help="Added to the influence value (CIV) of a customer whose last answer "
        "to the recommendation survey (NPS) makes it a promoter (9 or 10): a "
        "stated intention to recommend, valued below an observed advocacy act.",
    )

    @api.constrains(
        "idic_survey_throttle_days",
        "idic_complaint_deadline_days",
        "idic_feedback_deadline_days",
        "idic_idea_deadline_days",
        "idic_promoter_value",
    )
    def _check_idic_voice_settings(self):
        for company in self:
            if not 0 <= company.idic_survey_throttle_days <= MAX_THROTTLE_DAYS:
                raise ValidationError(
                    self.env._(
                        "The days between two surveys of a customer must be "
                        "between 0 and %(max)s.",
                        max=MAX_THROTTLE_DAYS,
                    )
                )
            for days in (
                company.idic_complaint_deadline_days,
                company.idic_feedback_deadline_days,
                company.idic_idea_deadline_days,
            ):
                if not 0 <= days <= MAX_DEADLINE_DAYS:
                    raise ValidationError(
                        self.env._(
                            "Deadlines of complaints, feedback and ideas must be "
                            "between 0 and %(max)s working days.",
                            max=MAX_DEADLINE_DAYS,
                        )
                    )
            value = company.idic_promoter_value
            if not math.isfinite(value) or value < 0:
                raise ValidationError(
                    self.env._("The value per promoter must be a positive number.")
                )

    # ------------------------------------------------------------------------
    # Deadlines on the working calendar
    # ------------------------------------------------------------------------
    def _idic_feedback_deadline_days(self, kind):
        """Working days a complaint, feedback or idea of this company is due
        in (0: none); a hook for other kinds."""
        self.ensure_one()
        return {
            "complaint": self.idic_complaint_deadline_days,
            "feedback": self.idic_feedback_deadline_days,
            "idea": self.idic_idea_deadline_days,
        }.get(kind, 0)

    def _idic_calendar_tz(self):
        self.ensure_one()
        calendar = self.resource_calendar_id
        return pytz.timezone(calendar.tz or self.partner_id.tz or "UTC")

    def _idic_local_date(self, moment):
        """The date of the UTC datetime ``moment`` in the time zone of the
        company's working calendar."""
        self.ensure_one()
        return pytz.utc.localize(moment).astimezone(self._idic_calendar_tz()).date()

    def _idic_add_working_days(self, moment, days):
        """The ``days``-th working day of the company's calendar (its
        attendances and public holidays) after the day of ``moment`` (a UTC
        datetime), that day itself not counted: a complaint received on a
        Friday with 2 working days is due on Tuesday. Without a calendar,
        Monday to Friday are the working days."""
        self.ensure_one()
        if days <= 0:
            return False
        day = self._idic_local_date(moment)
        calendar = self.resource_calendar_id
        if calendar:
            tz = self._idic_calendar_tz()
            start = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
            end = calendar.plan_days(days, start, compute_leaves=True)
            if end:
                return end.astimezone(tz).date()
        while days:
            day += timedelta(days=1)
            if day.weekday() in DEFAULT_WORKING_WEEKDAYS:
                days -= 1
        return day
