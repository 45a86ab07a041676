"""What if the area added or enlarged a provision strand? Re-solve and report the change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from sendplan.engine.codes import NEED_CODES, PHASES
from sendplan.engine.placement import PlacementProblem, PlacementResult, place
from sendplan.engine.placement_model import ALL_NEEDS


@dataclass(frozen=True)
class Strand:
    """Places to add. With ``setting`` set, its places grow by ``places`` (other fields are
    ignored); otherwise a new setting opens at (lat, lon) for ``needs`` and the ages of
    ``phases`` (or ``min_age``-``max_age``) at ``annual_cost`` a place."""

    places: int
    setting: int | None = None
    needs: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    lat: float = 0.0
    lon: float = 0.0
    annual_cost: float = 0.0


@dataclass(frozen=True)
class WhatIf:
    """Before and after, and the changes (after minus before)."""

    before: PlacementResult
    after: PlacementResult
    problem: PlacementProblem
    delta_place_cost: int
    delta_travel_cost: int
    delta_unplaced: int
    delta_objective: int


def with_strand(problem: PlacementProblem, strand: Strand) -> PlacementProblem:
    """The problem with ``strand`` added (a new setting is appended as the last index)."""
    if strand.places < 0:
        raise ValueError("places must be zero or more")
    if strand.setting is not None:
        if not 0 <= strand.setting < problem.n_settings:
            raise ValueError("setting must be an index into the problem's settings")
        places = problem.places.copy()
        places[strand.setting] += strand.places
        return dataclasses.replace(problem, places=places)
    unknown = [n for n in strand.needs if n not in NEED_CODES and n != "ALL"]
    if unknown or not strand.needs:
        raise ValueError(f"needs must be SEN2 codes or ALL, got {unknown or 'none'}")
    mask = 0
    for n in strand.needs:
        mask |= ALL_NEEDS if n == "ALL" else 1 << NEED_CODES.index(n)
    if strand.phases:
        bad = [p for p in strand.phases if p not in PHASES]
        if bad:
            raise ValueError(f"phases must be among {', '.join(PHASES)}, got {bad}")
        lo = min(PHASES[p][0] for p in strand.phases)
        hi = max(PHASES[p][1] for p in strand.phases)
    elif strand.min_age is not None and strand.max_age is not None:
        lo, hi = strand.min_age, strand.max_age
    else:
        raise ValueError("give phases or min_age and max_age for a new strand")

    def add(a: np.ndarray, v: Any) -> np.ndarray:
        return np.append(a, np.array([v], dtype=a.dtype))

    return dataclasses.replace(
        problem,
        setting_lat=add(problem.setting_lat, strand.lat),
        setting_lon=add(problem.setting_lon, strand.lon),
        min_age=add(problem.min_age, lo),
        max_age=add(problem.max_age, hi),
        needs=add(problem.needs, mask),
        places=add(problem.places, strand.places),
        annual_cost=add(problem.annual_cost, strand.annual_cost),
    )


def what_if(
    problem: PlacementProblem,
    strand: Strand,
    *,
    before: PlacementResult | None = None,
    **options: Any,
) -> WhatIf:
    """Solve with and without ``strand`` (``options`` as for :func:`place`).

    Examples
    --------
    >>> p = PlacementProblem(need=np.array([10]), age=np.array([12]), lat=np.array([51.5]),
    ...     lon=np.array([0.0]), setting_lat=np.zeros(0), setting_lon=np.zeros(0),
    ...     min_age=np.zeros(0, int), max_age=np.zeros(0, int), needs=np.zeros(0, int),
    ...     places=np.zeros(0, int), annual_cost=np.zeros(0))
    >>> w = what_if(p, Strand(places=5, needs=("ASD",), phases=("secondary",), lat=51.5,
    ...     lon=0.0, annual_cost=30_000))
    >>> w.delta_unplaced, w.delta_place_cost, w.delta_objective
    (-1, 30000, -220000)
    """
    base = before if before is not None else place(problem, **options)
    changed = with_strand(problem, strand)
    after = place(changed, **options)
    return WhatIf(
        before=base,
        after=after,
        problem=changed,
        delta_place_cost=after.total_place_cost - base.total_place_cost,
        delta_travel_cost=after.total_travel_cost - base.total_travel_cost,
        delta_unplaced=after.unplaced - base.unplaced,
        delta_objective=after.objective - base.objective,
    )
