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
COSTS_MORE = "costs the area more"
MOVE_NOT_WORTH = "the saving would not cover the cost of moving"


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
    options = explain_assignment(
        problem,
        result.assignment,
        learner,
        chosen_cost=int(result.cost[learner]),
        cost_per_km=cost_per_km,
        unplaced_cost=unplaced_cost,
        max_km=max_km,
    )
    # The ranking for the suitable-places page: an eligible setting that only costs more
    # carries no reason there ("suitable, costs the area more").
    return [o if COSTS_MORE not in o.reasons else _without_costs_more(o) for o in options]


def _without_costs_more(option: Option) -> Option:
    return Option(option.setting, option.km, option.cost, option.eligible, option.chosen,
                  tuple(r for r in option.reasons if r != COSTS_MORE))  # fmt: skip


def explain_assignment(
    problem: PlacementProblem,
    assignment: np.ndarray,
    learner: int,
    *,
    chosen_cost: int,
    cost_per_km: float = 400.0,
    unplaced_cost: int = 250_000,
    max_km: float = 50.0,
    move_cost: int = 0,
    within_km: float | None = None,
) -> list[Option]:
    """Like :func:`explain`, from a stored ``assignment`` (a setting index or -1 per learner)
    and the learner's ``chosen_cost`` (cost(l, s) of their setting, without the move cost).

    With stability (``problem.current``, ``problem.may_move``) a learner who may move pays
    ``move_cost`` to go anywhere but their current setting, as :func:`place` charged it: a
    setting that would have saved less than that is ``MOVE_NOT_WORTH``. An eligible setting
    that is simply dearer is ``COSTS_MORE``. ``within_km`` also lists every setting nearer
    home than that, whatever it costs, with every reason that applies.

    >>> p = PlacementProblem(need=np.array([10]), age=np.array([12]),
    ...     lat=np.array([51.5]), lon=np.array([0.0]),
    ...     setting_lat=np.array([51.5, 51.6]), setting_lon=np.array([0.0, 0.0]),
    ...     min_age=np.array([4, 11]), max_age=np.array([10, 16]),
    ...     needs=np.array([1 << 10, 1 << 10]), places=np.array([1, 1]),
    ...     annual_cost=np.array([20_000.0, 20_000.0]))
    >>> [(o.setting, o.chosen, o.reasons) for o in explain_assignment(
    ...     p, np.array([1]), 0, chosen_cost=24_448, within_km=5.0)]
    [(0, False, ('wrong age',)), (1, True, ())]
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
    assigned = np.asarray(assignment)
    load = np.bincount(assigned[assigned >= 0], minlength=problem.n_settings)
    chosen = int(assigned[learner])
    current = int(problem.current_or_none()[learner])
    moving_costs = bool(move_cost) and current >= 0 and bool(_may_move(problem, learner))
    # What each setting would have cost the area in the run's reckoning.
    charged = cost + (move_cost if moving_costs else 0)
    if current >= 0:
        charged[current] = cost[current]
        eligible[current] = True  # the place already held asks no eligibility of it
    if chosen < 0:
        limit = unplaced_cost
    elif chosen == current:
        limit = chosen_cost
    else:
        limit = chosen_cost + (move_cost if moving_costs else 0)
    shown = eligible | (cost < limit)
    if within_km is not None:
        shown |= km < within_km
    order = np.lexsort((km, cost))
    options: list[Option] = []
    for s in order[shown[order]]:
        s = int(s)
        reasons: list[str] = []
        if s != chosen:
            if s != current:
                if not designated[s]:
                    reasons.append(NOT_DESIGNATED)
                if not right_age[s]:
                    reasons.append(WRONG_AGE)
                if not near[s]:
                    reasons.append(TOO_FAR)
            if eligible[s]:
                if cost[s] <= limit and charged[s] > limit:
                    reasons.append(MOVE_NOT_WORTH)
                elif charged[s] <= limit:
                    reasons.append(FULL if load[s] >= problem.places[s] else PREFERENCE)
                else:
                    reasons.append(COSTS_MORE)
        options.append(Option(s, float(km[s]), int(cost[s]), bool(eligible[s]), s == chosen,
                              tuple(reasons)))  # fmt: skip
    return options


def _may_move(problem: PlacementProblem, learner: int) -> bool:
    return problem.may_move is None or bool(problem.may_move[learner])
