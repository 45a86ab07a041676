"""Template filters of the plan and review pages: which GOV.UK component renders a field."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.utils import timezone

from sendplan.casework.templatetags.tray_tags import field_kind

register = template.Library()


# The plan forms use the same field-to-component rule as the case forms.
register.filter("plan_field_kind", field_kind)


@register.filter
def is_chosen(value: object, bound: forms.BoundField) -> bool:
    """Whether a choice is among the field's current value(s), compared as text."""
    current = bound.value()
    values = current if isinstance(current, list | tuple) else [current]
    return str(value) in {str(v) for v in values if v is not None}


@register.filter
def review_days(due: dt.date) -> str:
    """'In 3 days', 'Due today', '2 days overdue', counted from today (London)."""
    if not isinstance(due, dt.date):
        return ""
    days = (due - timezone.localdate()).days
    if days == 0:
        return "Due today"
    if days > 0:
        return "Due tomorrow" if days == 1 else f"In {days} days"
    return f"{-days} day{'s' if days != -1 else ''} overdue"
