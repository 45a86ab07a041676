"""Template filters every page has without loading them (``builtins`` in settings): dates,
times and ages through :mod:`sendplan.core.dates`."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from sendplan.core import dates

register = template.Library()


@register.filter
def govuk_date(day: dt.date | None, style: str = "") -> str:
    """``{{ day|govuk_date }}`` is '5 March 2026'; ``{{ day|govuk_date:"weekday" }}`` is
    'Thursday 5 March 2026'. A datetime shows its day in the service's time zone."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return dates.govuk_date(day, weekday=style == "weekday")


@register.filter
def govuk_time(moment: dt.datetime | None) -> str:
    """'9:30am on 5 January 2026'."""
    return dates.govuk_time(moment)


@register.filter
def age(date_of_birth: dt.date | None) -> int | str:
    """Age in whole years today."""
    if not isinstance(date_of_birth, dt.date):
        return ""
    return dates.age_on(date_of_birth, timezone.localdate())
