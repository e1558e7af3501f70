# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The calendar of a language, for what the server dates by itself (the
months of the Overview's charts, its print, the PDFs and the portal pages):
the Persian (Solar Hijri, Jalali) calendar for Persian, the Gregorian one for
every other language. The web client labels what it draws with the
browser's own calendars (luxon / Intl); these functions only cut the same
months on the server and write them where the browser is not there.

Plain functions, no ORM. The Jalali year starts at Nowruz, which the
arithmetic of Borkowski (the one of jalaali-js and of the `jalali_core`
package) places from the table of 33-year cycle breaks below; it agrees
with the official calendar from 1178 to 1633 (1799 to 2254)."""

import datetime

from babel.dates import format_date as babel_format_date

PERSIAN_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

_BREAKS = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
    1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
]  # fmt: skip


def _div(a, b):
    return int(a / b)


def _mod(a, b):
    return a - _div(a, b) * b


def nowruz(jy):
    """The Gregorian date of the first day (1 Farvardin) of Jalali year
    ``jy``."""
    if not _BREAKS[0] <= jy < _BREAKS[-1]:
        raise ValueError(f"Jalali year out of range: {jy}")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    return datetime.date(gy, 3, 20 + leap_j - leap_g)


def to_jalali(day):
    """(year, month, day) of the Gregorian ``day`` in the Jalali calendar."""
    jy = day.year - 621
    start = nowruz(jy)
    if day < start:
        jy -= 1
        start = nowruz(jy)
    k = (day - start).days
    if k < 186:
        return jy, 1 + k // 31, k % 31 + 1
    k -= 186
    return jy, 7 + k // 30, k % 30 + 1


def from_jalali(jy, jm, jd=1):
    """The Gregorian date of the Jalali date ``jy/jm/jd``."""
    offset = (jm - 1) * 31 - (jm // 7) * (jm - 7) + jd - 1
    return nowruz(jy) + datetime.timedelta(days=offset)


def is_persian(lang):
    """Whether the language ``lang`` (``fa_IR``) counts in the Jalali
    calendar."""
    return bool(lang) and lang.split("_")[0] == "fa"


def month_start(day, lang):
    """The first day of the month of ``day`` in the calendar of ``lang``."""
    if is_persian(lang):
        jy, jm, _jd = to_jalali(day)
        return from_jalali(jy, jm)
    return day.replace(day=1)


def add_months(start, months, lang):
    """The first day of the month ``months`` after the month starting on
    ``start`` (negative: before), in the calendar of ``lang``."""
    if is_persian(lang):
        jy, jm, _jd = to_jalali(start)
        index = jy * 12 + jm - 1 + months
        return from_jalali(index // 12, index % 12 + 1)
    index = start.year * 12 + start.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_months(today, count, lang):
    """The first days of the last ``count`` months up to the one of
    ``today`` (the current one last), in the calendar of ``lang``."""
    current = month_start(today, lang)
    return [add_months(current, -n, lang) for n in range(count - 1, -1, -1)]


def format_month(day, lang):
    """The month of ``day`` as a label ("Jan 2026", "دی ۱۴۰۴")."""
    if is_persian(lang):
        jy, jm, _jd = to_jalali(day)
        return f"{PERSIAN_MONTHS[jm - 1]} {jy}".translate(PERSIAN_DIGITS)
    return babel_format_date(day, "MMM y", locale=lang or "en_US")


def format_year(day, lang):
    """The year of ``day`` ("2026", "۱۴۰۵")."""
    if is_persian(lang):
        return str(to_jalali(day)[0]).translate(PERSIAN_DIGITS)
    return str(day.year)


def format_date(day, lang):
    """``day`` in full ("7 Dec 2025", "۱۶ آذر ۱۴۰۴")."""
    if is_persian(lang):
        jy, jm, jd = to_jalali(day)
        return f"{jd} {PERSIAN_MONTHS[jm - 1]} {jy}".translate(PERSIAN_DIGITS)
    return babel_format_date(day, "d MMM y", locale=lang or "en_US")
