# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The calendars of the languages: the Jalali months against the published
dates of Nowruz, months cut and named in each language."""

from datetime import date

from odoo.tests import BaseCase

from ..models import calendars

# 1 Farvardin (Nowruz) of Jalali years 1390-1410 as published by the
# Iranian calendar authority (Gregorian dates).
NOWRUZ = {
    1390: "2011-03-21",
    1391: "2012-03-20",
    1392: "2013-03-21",
    1393: "2014-03-21",
    1394: "2015-03-21",
    1395: "2016-03-20",
    1396: "2017-03-21",
    1397: "2018-03-21",
    1398: "2019-03-21",
    1399: "2020-03-20",
    1400: "2021-03-21",
    1401: "2022-03-21",
    1402: "2023-03-21",
    1403: "2024-03-20",
    1404: "2025-03-21",
    1405: "2026-03-21",
    1406: "2027-03-21",
    1407: "2028-03-20",
    1408: "2029-03-20",
    1409: "2030-03-21",
    1410: "2031-03-21",
}


class TestCalendars(BaseCase):
    def test_nowruz(self):
        for year, day in NOWRUZ.items():
            self.assertEqual(calendars.nowruz(year), date.fromisoformat(day), year)
            self.assertEqual(calendars.to_jalali(date.fromisoformat(day)), (year, 1, 1))

    def test_round_trip(self):
        """Every day of 1399-1405 (a leap year, 1403, among them) goes to the
        Jalali calendar and back; months have 31 days for the first six, 30
        then, Esfand 29 or 30."""
        day = date(2020, 3, 20)
        seen = {}
        while day < date(2027, 3, 21):
            jy, jm, jd = calendars.to_jalali(day)
            self.assertEqual(calendars.from_jalali(jy, jm, jd), day)
            seen[jy, jm] = max(seen.get((jy, jm), 0), jd)
            day = date.fromordinal(day.toordinal() + 1)
        for (jy, jm), days in seen.items():
            if jm <= 6:
                self.assertEqual(days, 31)
            elif jm < 12:
                self.assertEqual(days, 30)
            else:
                self.assertEqual(days, 30 if jy in (1399, 1403) else 29, jy)

    def test_months(self):
        today = date(2026, 1, 1)  # 11 Dey 1404
        self.assertEqual(
            calendars.last_months(today, 3, "fa_IR"),
            [date(2025, 10, 23), date(2025, 11, 22), date(2025, 12, 22)],
        )
        self.assertEqual(
            calendars.last_months(today, 2, "en_US"),
            [date(2025, 12, 1), date(2026, 1, 1)],
        )
        self.assertEqual(
            calendars.add_months(date(2026, 2, 20), 1, "fa_IR"), date(2026, 3, 21)
        )
        self.assertEqual(
            calendars.format_month(today, "fa_IR"),
            "دی 1404".translate(calendars.PERSIAN_DIGITS),
        )
        self.assertEqual(
            calendars.format_date(today, "fa_IR"),
            "11 دی 1404".translate(calendars.PERSIAN_DIGITS),
        )
        self.assertEqual(calendars.format_month(today, "en_US"), "Jan 2026")
        self.assertEqual(calendars.format_date(today, "fr_FR"), "1 janv. 2026")
