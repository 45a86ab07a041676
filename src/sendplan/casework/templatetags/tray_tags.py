"""Template filters for deadlines and case forms: status tags, relative days."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()

#: One colour per status across the service; the words carry the meaning (WCAG 1.4.1).
STATUS_TAGS = {
    "overdue": ("Overdue", "govuk-tag--red"),
    "at_risk": ("At risk", "govuk-tag--orange"),
    "due_soon": ("Due this week", "govuk-tag--yellow"),
    "on_time": ("On time", "govuk-tag--blue"),
    "met": ("Met", "govuk-tag--green"),
    "late": ("Met late", "govuk-tag--magenta"),
    "ended": ("Period ended", "govuk-tag--grey"),
    "excused": ("Excused", "govuk-tag--purple"),
}


@register.filter
def status_label(status: str) -> str:
    return STATUS_TAGS.get(status, (status.replace("_", " ").capitalize(), ""))[0]


@register.filter
def status_class(status: str) -> str:
    return STATUS_TAGS.get(status, ("", "govuk-tag--grey"))[1]


@register.filter
def deadline_status(deadline: object) -> str:
    """The word to show: "excused" when a lawful exception covers a missed or open limit."""
    status = getattr(deadline, "status", "")
    if getattr(deadline, "excused", False) and status in ("late", "overdue", "at_risk"):
        return "excused"
    return status


@register.filter
def days_words(days: int) -> str:
    """'Due today', 'In 3 days', '2 days overdue': paired with the date in the templates."""
    if days == 0:
        return "Due today"
    if days > 0:
        return "Due tomorrow" if days == 1 else f"In {days} days"
    late = -days
    return f"{late} day{'s' if late != 1 else ''} overdue"


@register.filter
def days_until(deadline: object, today: dt.date) -> int:
    """Days from today to a deadline's due date (negative when past)."""
    due = getattr(deadline, "due", None)
    return (due - today).days if isinstance(due, dt.date) else 0
