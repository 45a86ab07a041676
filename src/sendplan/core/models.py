from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.conf import settings
from django.db import models
from django.db.models import Q

# The change reason an import gives the history rows it writes (simple-history's
# ``history_change_reason``): an import may run with no signed-in person, and a history then
# names the import where it would name who made the change.
GIAS_IMPORT = "Imported from GIAS"
SEN2_IMPORT = "Imported from the SEN2 return"
IMPORTED_BY = {GIAS_IMPORT: "The GIAS import", SEN2_IMPORT: "The SEN2 import"}


class Dated(Protocol):
    started_on: dt.date
    ended_on: dt.date | None


def open_on(day: dt.date, *, prefix: str = "") -> Q:
    """A dated relationship (a membership, an involvement, a placement) open on ``day``: it
    began on or before the day and had not ended before it. ``prefix`` reaches the dates
    through a relation (``"involvements__"``). The one definition; ``is_open_on`` is the
    same rule for a row already loaded."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def is_open_on(row: Dated, day: dt.date) -> bool:
    """:func:`open_on` for one loaded row."""
    return row.started_on <= day and (row.ended_on is None or row.ended_on >= day)


class Tracked(models.Model):
    """Who created and last changed a row of case data, and when.

    Services set the ``*_by`` fields; nothing here does business logic.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
