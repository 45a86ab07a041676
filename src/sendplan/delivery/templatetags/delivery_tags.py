"""Filters for the delivery pages: minutes and percentages in words."""

from __future__ import annotations

from django import template

from sendplan.engine import minutes_in_words

register = template.Library()


@register.filter
def minutes(value: float | None) -> str:
    """``90`` as ``1 hour 30 minutes``."""
    return "" if value is None else minutes_in_words(value)


@register.filter
def percent(value: float | None) -> str:
    """A percentage rounded to a whole number, or "nothing due"."""
    return "nothing due" if value is None else f"{value:.0f}%"


@register.filter
def period_percent(group: object, index: int) -> str:
    """A group's percentage delivered in one period (``figures.Group.percent``)."""
    return percent(group.percent(index))  # type: ignore[attr-defined]


@register.filter
def get_item(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, "")
