"""Bank holidays in England and Wales, for counting working days.

The SEND Regulations count some time limits in working days, which leave out Saturdays,
Sundays, Christmas Day, Good Friday and bank holidays. The usual eight days follow fixed
rules (with a weekday "substitute day" when a fixed date falls at a weekend); occasional
extra or moved days are made by royal proclamation and are listed here as they were
published on GOV.UK. A proclamation made after this list was written is not known here:
callers can pass such days to :func:`sendplan.engine.statutory.add_working_days`.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Days added by proclamation (published on GOV.UK's bank holidays page).
_EXTRA = {
    date(1999, 12, 31),  # millennium
    date(2002, 6, 3),  # Golden Jubilee
    date(2011, 4, 29),  # royal wedding
    date(2012, 6, 5),  # Diamond Jubilee
    date(2022, 6, 3),  # Platinum Jubilee
    date(2022, 9, 19),  # state funeral of Queen Elizabeth II
    date(2023, 5, 8),  # coronation of King Charles III
}
# The early May and spring bank holidays moved in these years (rule date -> actual date).
_MOVED = {
    date(1995, 5, 1): date(1995, 5, 8),  # VE Day 50th anniversary
    date(2020, 5, 4): date(2020, 5, 8),  # VE Day 75th anniversary
    date(2002, 5, 27): date(2002, 6, 4),  # Golden Jubilee
    date(2012, 5, 28): date(2012, 6, 4),  # Diamond Jubilee
    date(2022, 5, 30): date(2022, 6, 2),  # Platinum Jubilee
}


def easter_sunday(year: int) -> date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm).

    >>> easter_sunday(2025), easter_sunday(2027)
    (datetime.date(2025, 4, 20), datetime.date(2027, 3, 28))
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _christmas_and_boxing_day(year: int) -> tuple[date, date]:
    """The days off for Christmas and Boxing Day: when either falls at a weekend the next
    weekday not already a holiday is the substitute."""
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    taken: list[date] = []
    for day in (christmas, boxing):
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.append(day)
    return taken[0], taken[1]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Every bank holiday in England and Wales in ``year`` (with Good Friday and Christmas
    Day, which are common-law holidays rather than bank holidays but count the same).

    Examples
    --------
    >>> sorted(d.isoformat() for d in bank_holidays(2026))  # doctest: +NORMALIZE_WHITESPACE
    ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31',
     '2026-12-25', '2026-12-28']
    """
    new_year = date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += timedelta(days=1)
    easter = easter_sunday(year)
    ruled = [
        new_year,
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
        *_christmas_and_boxing_day(year),
    ]
    days = {_MOVED.get(day, day) for day in ruled}
    days.update(day for day in _EXTRA if day.year == year)
    return frozenset(days)


def is_bank_holiday(day: date) -> bool:
    """Whether ``day`` is a bank holiday (or Good Friday or Christmas Day) in England and
    Wales.

    >>> is_bank_holiday(date(2025, 12, 26)), is_bank_holiday(date(2025, 12, 29))
    (True, False)
    """
    return day in bank_holidays(day.year)
