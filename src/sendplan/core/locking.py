"""Optimistic locking: a save names the lock it read, and is refused if anyone saved since.

Every row two people may edit has a ``lock`` column (:func:`lock_field`): a counter that
moves on with each accepted save. It is called ``lock`` rather than ``version`` so that it
cannot be mistaken for a plan's version number. A form carries the lock it was built from
in a hidden field; the service locks the row (``select_for_update``), calls
:func:`lock_check` and saves. A refusal is :class:`~sendplan.core.errors.StaleEdit`, saying
who saved last and when; the page re-shows what the user typed with the new lock, so saving
again is a deliberate choice to replace the other person's change.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from sendplan.core.errors import StaleEdit

__all__ = ["lock_bump", "lock_check", "lock_field", "lock_of"]


def lock_field() -> models.PositiveIntegerField:  # type: ignore[type-arg]
    """The column: 1 for a new row, one more for each accepted save."""
    return models.PositiveIntegerField(default=1)


def lock_of(row: Any) -> int:
    """The lock a form built from ``row`` carries: 0 for defaults not saved yet."""
    return int(row.lock) if row.pk else 0


def lock_check(
    row: Any, *, expected: int, by: str = "modified_by", at: str = "modified_at"
) -> None:
    """Refuse a save built from an older read of ``row``; otherwise move its lock on.

    Call it inside the transaction that saves the row, after locking the row alone (no
    joins), so two saves from the same read cannot both pass. The refusal names who saved
    last from ``by`` and ``at`` (a draft has its own stamp).
    """
    if lock_of(row) != expected:
        raise StaleEdit.of(row, by=by, at=at)
    row.lock = expected + 1


def lock_bump(row: Any) -> None:
    """Move the lock on for a change made without a form (a step, an import), so a form
    read before it is refused."""
    row.lock = lock_of(row) + 1
