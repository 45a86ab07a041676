"""Dates and ages as the service writes them: GOV.UK style ("5 March 2026", never "05 March"),
and ages in whole years. Every page, email, PDF and message uses these, through the
``govuk_date``, ``govuk_time`` and ``age`` template filters or directly.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def govuk_date(day: dt.date | None, *, weekday: bool = False) -> str:
    """A day in GOV.UK style, with the weekday when asked; empty for no day.

    >>> govuk_date(dt.date(2026, 3, 5))
    '5 March 2026'
    >>> govuk_date(dt.date(2026, 3, 16), weekday=True)
    'Monday 16 March 2026'
    """
    if not isinstance(day, dt.date):
        return ""
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text


def govuk_time(moment: dt.datetime | None) -> str:
    """A moment in the service's time zone: '9:30am on 5 January 2026'."""
    if not isinstance(moment, dt.datetime):
        return ""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local:%M}{suffix} on {govuk_date(local.date())}"


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (a 29 February birthday counts on 1 March).

    >>> age_on(dt.date(2010, 9, 1), dt.date(2026, 8, 31))
    15
    >>> age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1))
    18
    """
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)
