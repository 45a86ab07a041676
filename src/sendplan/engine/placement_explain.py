"""Why a learner was placed where they were: the ranked settings and the reasons.

For the caseworker preparing section I of a plan: every setting cheaper for the area than the
chosen one (or, for an unplaced learner, cheaper than leaving them unplaced) is listed with the
reason it was not chosen; every eligible setting is listed with its distance and cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sendplan.engine.placement import PlacementProblem, PlacementResult, learner_distance_km
from sendplan.engine.placement_model import round_pounds

FULL = "full"
WRONG_AGE = "wrong age"
NOT_DESIGNATED = "not designated for the need"
TOO_FAR = "too far"
PREFERENCE = "another setting was preferred"


@dataclass(frozen=True)
class Option:
    """One setting as seen from one learner; ``reasons`` is empty for the chosen setting."""

    setting: int
    km: float
    cost: int
    eligible: bool
    chosen: bool
    reasons: tuple[str, ...]


def explain(
    problem: PlacementProblem,
    result: PlacementResult,
    learner: int,
    *,
    cost_per_km: float = 400.0,
    unplaced_cost: int = 250_000,
    max_km: float = 50.0,
) -> list[Option]:
    """Settings for ``learner`` ranked by cost (then distance), with reasons.

    Lists every eligible setting, and every ineligible one that would have been cheaper than
    the chosen placement. A cheaper eligible setting not chosen is ``full`` (all its places went
    to learners for whom the area's total was lower), or, when preferences were honoured and it
    still had room, the learner's preference won. Use the same options as for :func:`place`.

    Examples
    --------
    >>> from sendplan.engine.placement import place
    >>> p = PlacementProblem(need=np.array([10, 10]), age=np.array([12, 12]),
    ...     lat=np.array([51.5, 51.5]), lon=np.array([0.0, 0.0]),
    ...     setting_lat=np.array([51.5, 51.6]), setting_lon=np.array([0.0, 0.0]),
    ...     min_age=np.array([11, 11]), max_age=np.array([16, 16]),
    ...     needs=np.array([1 << 10, 1 << 10]), places=np.array([1, 1]),
    ...     annual_cost=np.array([20_000.0, 20_000.0]))
    >>> r = place(p)
    >>> [(o.setting, o.cost, o.chosen, o.reasons) for o in explain(p, r, 1)]
    [(0, 20000, False, ('full',)), (1, 24448, True, ())]
    """
    if not 0 <= learner < problem.n_learners:
        raise ValueError("learner must be an index into the problem's learners")
    km = learner_distance_km(problem, learner)
    cost = round_pounds(problem.annual_cost + cost_per_km * km)
    need, age = int(problem.need[learner]), int(problem.age[learner])
    designated = ((problem.needs >> need) & 1).astype(bool)
    right_age = (problem.min_age <= age) & (age <= problem.max_age)
    near = km <= max_km
    eligible = designated & right_age & near
    load = np.bincount(result.assignment[result.assignment >= 0], minlength=problem.n_settings)
    chosen = int(result.assignment[learner])
    bar = int(result.cost[learner]) if chosen >= 0 else unplaced_cost
    shown = eligible | (cost < bar)
    options: list[Option] = []
    for s in np.lexsort((km, cost))[shown[np.lexsort((km, cost))]]:
        s = int(s)
        reasons: list[str] = []
        if s != chosen:
            if not designated[s]:
                reasons.append(NOT_DESIGNATED)
            if not right_age[s]:
                reasons.append(WRONG_AGE)
            if not near[s]:
                reasons.append(TOO_FAR)
            if eligible[s] and cost[s] <= bar:
                reasons.append(FULL if load[s] >= problem.places[s] else PREFERENCE)
        options.append(Option(s, float(km[s]), int(cost[s]), bool(eligible[s]), s == chosen,
                              tuple(reasons)))  # fmt: skip
    return options
