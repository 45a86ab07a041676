"""Helpers shared by the casework services: date checks, stage moves, locks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.models import Case, Stage


def today() -> dt.date:
    return timezone.localdate()


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class DateChecks:
    """Collects field-level date problems and raises them together as one ValidationError."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def past(self, field: str, value: dt.date | None, what: str) -> None:
        """An event that has happened cannot be dated in the future."""
        if value is not None and value > today():
            self.add(field, f"The date {what} cannot be in the future.")

    def not_before(
        self, field: str, value: dt.date | None, earlier: dt.date | None, what: str
    ) -> None:
        if value is not None and earlier is not None and value < earlier:
            self.add(field, f"The date cannot be before {what} ({_long(earlier)}).")

    def required(self, field: str, value: object, message: str) -> None:
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("learner").get(pk=case_id)


def require_stage(case: Case, allowed: Iterable[str], message: str) -> None:
    if case.stage not in set(allowed):
        raise TransitionRefused(message)


def move(case: Case, to: str, *, changed_by: User) -> None:
    """Change the stage if the state machine allows it; terminal moves are checked by callers."""
    if to not in Case.TRANSITIONS[case.stage] and to not in (Stage.CLOSED, Stage.WITHDRAWN):
        raise TransitionRefused(
            f"A case cannot go from '{Stage(case.stage).label}' to '{Stage(to).label}'."
        )
    case.stage = to
    case.modified_by = changed_by
    case.version += 1


def save(obj, *, changed_by: User, created: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Stamp who changed the row, validate it in full and save it."""
    if created:
        obj.created_by = changed_by
    obj.modified_by = changed_by
    obj.full_clean()
    obj.save()
