"""Writes to the LA's planning figures. Planning runs are in ``runs.py``.

No service here changes a learner's placement: proposals are proposals, and placing a
learner is a named officer's decision recorded on the learner's record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from sendplan.accounts.models import Organisation, User
from sendplan.planning.models import AreaPlanningSettings


class StaleSettings(ValidationError):
    """Someone else saved the figures since this form was built."""


@transaction.atomic
def area_settings_update(
    *,
    la: Organisation,
    changed_by: User,
    expected_version: int,
    cost_per_km: int,
    unplaced_cost: int,
    max_km: int,
) -> AreaPlanningSettings:
    """Save the LA's planning figures; ``expected_version`` is the one the form showed
    (0 for the unsaved defaults). Every version is kept with who saved it."""
    current = AreaPlanningSettings.objects.select_for_update().filter(la=la).first()
    if current is None:
        current = AreaPlanningSettings(la=la, created_by=changed_by, version=0)
    if current.version != expected_version:
        raise StaleSettings(
            "Someone else changed these figures while you were editing. "
            "Their figures are shown; check them and save again."
        )
    current.cost_per_km = cost_per_km
    current.unplaced_cost = unplaced_cost
    current.max_km = max_km
    current.version = expected_version + 1
    current.modified_by = changed_by
    current.full_clean()
    current._history_user = changed_by  # type: ignore[attr-defined]
    current.save()
    return current
