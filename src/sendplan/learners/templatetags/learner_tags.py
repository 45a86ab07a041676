"""Template filters for showing learners: ages and GOV.UK-style times."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def age(date_of_birth: dt.date | None) -> int | str:
    """Age in whole years today."""
    if not date_of_birth:
        return ""
    today = timezone.localdate()
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


@register.filter
def govuk_time(moment: object) -> str:
    """'9:30am on 5 January 2026' in the service's time zone."""
    if not isinstance(moment, dt.datetime):
        return ""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local:%M}{suffix} on {local.day} {local:%B %Y}"
