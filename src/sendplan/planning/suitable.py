"""Suitable places for one learner: the ranked settings and why better-ranked ones were not
chosen, for the caseworker preparing section I of a plan.

The learner is placed alone against the register's vacancies (plus the place they hold now),
so "full" means no vacancy today, not "taken by someone else in a planning run".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from sendplan.engine import explain, place
from sendplan.learners.models import Learner
from sendplan.planning.adapter import (
    CohortLearner,
    Place,
    cohort_learners,
    planning_inputs,
    register_places,
)
from sendplan.planning.cohort import REQUESTED, planning_date
from sendplan.planning.models import AreaPlanningSettings


@dataclass(frozen=True)
class SuitableRow:
    rank: int
    place: Place
    km: float
    cost: int  # place plus transport, what the area would pay a year
    annual_cost: int
    places_free: int
    eligible: bool
    chosen: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SuitablePlaces:
    on: dt.date
    learner: CohortLearner | None
    left_out_because: str
    rows: list[SuitableRow]
    placed: bool
    unplaced_cost: int
    max_km: float
    cost_per_km: float


def suitable_places(
    *, learner: Learner, area: AreaPlanningSettings, september: bool, kinds: tuple[str, ...]
) -> SuitablePlaces:
    """Rank the register's places of ``kinds`` for ``learner`` (age now, or next September)."""
    today = timezone.localdate()
    on = planning_date(today) if september else today
    options: dict[str, Any] = {
        "cost_per_km": float(area.cost_per_km),
        "unplaced_cost": int(area.unplaced_cost),
        "max_km": float(area.max_km),
    }
    rows, excluded = cohort_learners(
        Learner.objects.filter(pk=learner.pk),
        reasons={learner.pk: REQUESTED},
        on=on,
        today=today,
        cost_per_km=options["cost_per_km"],
    )
    common: dict[str, Any] = {
        "on": on,
        "unplaced_cost": options["unplaced_cost"],
        "max_km": options["max_km"],
        "cost_per_km": options["cost_per_km"],
    }
    if not rows:
        return SuitablePlaces(
            learner=None,
            left_out_because=next(iter(excluded), ""),
            rows=[],
            placed=False,
            **common,
        )
    # Which places would suit, not whether a move is on the table (``stability.py``): the
    # learner is ranked against every place, as if free to move.
    rows = [dataclasses.replace(r, may_move=True) for r in rows]
    inputs = planning_inputs(rows, register_places(kinds=kinds), excluded=excluded)
    problem = dataclasses.replace(inputs.problem, current=None, may_move=None)
    result = place(problem, **options)
    ranked = explain(problem, result, 0, **options)
    return SuitablePlaces(
        learner=rows[0],
        left_out_because="",
        placed=bool(result.placed),
        rows=[
            SuitableRow(
                rank=n,
                place=inputs.register.places[o.setting],
                km=o.km,
                cost=o.cost,
                annual_cost=int(round(problem.annual_cost[o.setting])),
                places_free=int(problem.places[o.setting]),
                eligible=o.eligible,
                chosen=o.chosen,
                reasons=o.reasons,
            )
            for n, o in enumerate(ranked, start=1)
        ],
        **common,
    )
