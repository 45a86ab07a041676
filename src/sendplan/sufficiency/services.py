"""Writes to what the LA enters: assumptions, planned provision and scenarios.

Each write names who made it; django-simple-history keeps every version with that changed_by, so
the assumptions page can show who changed what and when. Forecast runs are in ``runs.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sendplan.accounts.models import User
from sendplan.core.locking import lock_bump, lock_check
from sendplan.engine import ScenarioSpec, combined_growth
from sendplan.sufficiency.models import (
    Assumptions,
    CentralSpend,
    HighNeedsBudget,
    NewProvision,
    Scenario,
)
from sendplan.sufficiency.selectors import la_code_for


def _save(obj: Any, changed_by: User) -> None:
    obj.modified_by = changed_by
    if obj.created_by_id is None:
        obj.created_by = changed_by
    obj.full_clean()
    obj._history_user = changed_by  # simple-history records who, even outside a request
    obj.save()


@transaction.atomic
def assumptions_update(
    *, changed_by: User, expected_lock: int, data: Mapping[str, Any]
) -> Assumptions:
    """Save the LA's assumptions. ``expected_lock`` is the one the changed_by's form was built from."""
    la_code = la_code_for(changed_by)
    current = Assumptions.objects.select_for_update().filter(la_code=la_code).first()
    if current is None:
        current = Assumptions(la_code=la_code)
    lock_check(current, expected=expected_lock)
    for name, value in data.items():
        setattr(current, name, value)
    _save(current, changed_by)
    return current


@transaction.atomic
def new_provision_create(*, changed_by: User, data: Mapping[str, Any]) -> NewProvision:
    provision = NewProvision(la_code=la_code_for(changed_by), **data)
    _save(provision, changed_by)
    return provision


@transaction.atomic
def new_provision_remove(*, changed_by: User, pk: int) -> None:
    """Remove planned provision; its history (with who removed it) stays."""
    provision = NewProvision.objects.get(pk=pk, la_code=la_code_for(changed_by))
    provision._history_user = changed_by  # type: ignore[attr-defined]
    provision.delete()


@transaction.atomic
def scenario_save(
    *,
    changed_by: User,
    data: Mapping[str, Any],
    pk: int | None = None,
    expected_lock: int | None = None,
) -> Scenario:
    """Add a scenario, or change one (``pk``) from the ``expected_lock`` the form was read
    at: a change after someone else's is refused with ``StaleEdit``."""
    la_code = la_code_for(changed_by)
    scenario = (
        Scenario(la_code=la_code)
        if pk is None
        else Scenario.objects.select_for_update().get(pk=pk, la_code=la_code)
    )
    if expected_lock is None:
        lock_bump(scenario)
    else:
        lock_check(scenario, expected=expected_lock)
    for name, value in data.items():
        setattr(scenario, name, value)
    if scenario.pk is not None:
        # A new growth rate must still agree with every scenario combined with this one.
        for combination in [scenario, *scenario.combined_in.all()]:
            others = [p for p in combination.combines.all() if p.pk != scenario.pk]
            if combination.pk != scenario.pk:
                others.append(combination)
            _check_growth([scenario, *others])
    _save(scenario, changed_by)
    return scenario


def _check_growth(scenarios: list[Scenario], field: str = "growth_pct") -> None:
    """Refuse scenarios projected together that ask for different growth (ADR 0149)."""
    specs = [
        ScenarioSpec(
            key=str(s.pk),
            name=s.name,
            growth_pct=None if s.growth_pct is None else float(s.growth_pct),
        )
        for s in scenarios
    ]
    try:
        combined_growth(specs)
    except ValueError:
        rates = sorted({f"{s.growth_pct}%" for s in scenarios if s.growth_pct is not None})
        raise ValidationError(
            {
                field: "Scenarios combined together must grow at the same rate, "
                f"or only one may set growth: these ask for {' and '.join(rates)}"
            }
        ) from None


@transaction.atomic
def scenario_combine(
    *, changed_by: User, name: str, description: str = "", part_pks: list[int]
) -> Scenario:
    """Add a scenario that combines two or more of the LA's scenarios (not combinations
    themselves): the forecast projects all their levers at once (ADR 0149)."""
    la_code = la_code_for(changed_by)
    parts = _parts(la_code, part_pks)
    _check_growth(parts, field="parts")
    combination = Scenario(
        la_code=la_code,
        name=name,
        description=description,
        start_year=min(p.start_year for p in parts),
    )
    lock_bump(combination)
    _save(combination, changed_by)
    combination.combines.set(parts)
    return combination


def _parts(la_code: str, part_pks: list[int]) -> list[Scenario]:
    """The LA's scenarios a combination may take (none a combination itself), locked."""
    combinations = Scenario.combines.through.objects.values("from_scenario_id")
    parts = list(
        Scenario.objects.select_for_update()
        .filter(la_code=la_code, pk__in=part_pks)
        .exclude(pk__in=combinations)
        .order_by("pk")
    )
    if len(parts) < 2 or len(parts) != len(set(part_pks)):
        raise ValidationError({"parts": "Select 2 or more scenarios to combine"})
    return parts


@transaction.atomic
def scenario_parts_change(
    *, changed_by: User, pk: int, part_pks: list[int], expected_lock: int
) -> Scenario:
    """Change which scenarios a combination projects together, from the ``expected_lock``
    the page was read at (ADR 0149). Its own changes, name and start year stay as they are,
    and its growth must still agree with every part's."""
    la_code = la_code_for(changed_by)
    combination = Scenario.objects.select_for_update().get(pk=pk, la_code=la_code)
    if not combination.combines.exists():
        raise ValidationError({"parts": f"“{combination.name}” does not combine scenarios"})
    lock_check(combination, expected=expected_lock)
    parts = _parts(la_code, part_pks)
    _check_growth([combination, *parts], field="parts")
    _save(combination, changed_by)
    combination.combines.set(parts)
    return combination


@transaction.atomic
def scenario_remove(*, changed_by: User, pk: int) -> None:
    """Remove a scenario; its history (with who removed it) stays. A scenario another
    combines is refused: the combination would change without anyone saying so."""
    scenario = Scenario.objects.get(pk=pk, la_code=la_code_for(changed_by))
    used_by = list(scenario.combined_in.order_by("name").values_list("name", flat=True))
    if used_by:
        raise ValidationError(
            f"“{scenario.name}” is combined in {', '.join(f'“{n}”' for n in used_by)}: "
            "remove the combination first"
        )
    scenario._history_user = changed_by  # type: ignore[attr-defined]
    scenario.delete()


@transaction.atomic
def budget_save(
    *,
    changed_by: User,
    financial_year: int,
    amount: int,
    expected_lock: int,
    deficit_brought_forward: int | None = None,
) -> HighNeedsBudget:
    """Set the LA's high-needs budget for a financial year, and the cumulative DSG deficit
    brought forward into it where known; ``expected_lock`` is the one the form was built
    from (0 while none is saved)."""
    la_code = la_code_for(changed_by)
    current = (
        HighNeedsBudget.objects.select_for_update()
        .filter(la_code=la_code, financial_year=financial_year)
        .first()
    )
    if current is None:
        current = HighNeedsBudget(la_code=la_code, financial_year=financial_year, amount=0)
    lock_check(current, expected=expected_lock)
    current.amount = amount
    current.deficit_brought_forward = deficit_brought_forward
    _save(current, changed_by)
    return current


@transaction.atomic
def central_spend_save(
    *,
    changed_by: User,
    data: Mapping[str, Any],
    pk: int | None = None,
    expected_lock: int | None = None,
) -> CentralSpend:
    """Add a line of central high-needs spend, or change one (``pk``) from the
    ``expected_lock`` its form was read at: a change after someone else's is refused with
    ``StaleEdit``."""
    la_code = la_code_for(changed_by)
    line = (
        CentralSpend(la_code=la_code)
        if pk is None
        else CentralSpend.objects.select_for_update().get(pk=pk, la_code=la_code)
    )
    if expected_lock is None:
        lock_bump(line)
    else:
        lock_check(line, expected=expected_lock)
    for name, value in data.items():
        setattr(line, name, value)
    _save(line, changed_by)
    return line


@transaction.atomic
def central_spend_remove(*, changed_by: User, pk: int, expected_lock: int) -> None:
    """Remove a central line read at ``expected_lock``; its history (who removed it) stays."""
    line = CentralSpend.objects.select_for_update().get(pk=pk, la_code=la_code_for(changed_by))
    lock_check(line, expected=expected_lock)
    line._history_user = changed_by  # type: ignore[attr-defined]
    line.delete()
