"""Template filters of the plan and review pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


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
