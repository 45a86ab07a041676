"""Area placement optimisation: the best lawful use of local places for a cohort.

Learner l may go to setting s when s is designated for l's need, s.min_age <= l.age <= s.max_age
and the haversine distance is at most ``max_km``. A placement costs
``round(annual_cost + cost_per_km * km)`` pounds (halves round up). :func:`place` minimises the
total cost of placements plus ``unplaced_cost`` per learner left without a place, with at most
``places`` learners per setting. The answer is exact: the problem is a transportation problem
solved by OR-Tools min-cost flow (see docs/adr/0101-placement-min-cost-flow.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sendplan.engine.codes import NEED_CODES, PHASE_KEYS, phase_index
from sendplan.engine.geo import haversine_km
from sendplan.engine.placement_flow import FlowNetwork, first_come_first_served, solve_network
from sendplan.engine.placement_model import (
    ALL_NEEDS,
    FloatArray,
    Groups,
    IndexArray,
    IntArray,
    age_classes,
    arc_km,
    build_arcs,
    make_groups,
    merge_same_arcs,
    round_pounds,
)
from sendplan.engine.results import OPTIMAL

# Bounds that keep every cost the optimiser adds up (England's learners times the dearest
# placement, travel across the globe included) well inside 64-bit integers, and far above
# anything real: a place costs tens of thousands of pounds a year, a setting has hundreds.
#: Most places one setting may offer.
MAX_PLACES = 1_000_000
#: Most pounds a year one place may cost.
MAX_ANNUAL_COST = 10_000_000
#: Most pounds a year one km of travel may cost.
MAX_COST_PER_KM = 100_000
#: Largest percentage a preference tolerance may be.
MAX_PERCENT = 10_000
#: Most pounds of any other amount (the price of leaving a learner unplaced, a tolerance).
MAX_POUNDS = 1_000_000_000

__all__ = [
    "ALL_NEEDS",
    "MAX_ANNUAL_COST",
    "MAX_COST_PER_KM",
    "MAX_PERCENT",
    "MAX_PLACES",
    "MAX_POUNDS",
    "NEED_CODES",
    "PlacementProblem",
    "PlacementResult",
    "check_problem",
    "place",
]


@dataclass(frozen=True)
class PlacementProblem:
    """Learners and settings as arrays (one entry per learner / per setting).

    Needs are indices into :data:`NEED_CODES`; a setting's ``needs`` is a bit mask over them
    (:data:`ALL_NEEDS` for "ALL"). ``preferred`` is a setting index or -1.
    """

    need: IntArray
    age: IntArray
    lat: FloatArray
    lon: FloatArray
    setting_lat: FloatArray
    setting_lon: FloatArray
    min_age: IntArray
    max_age: IntArray
    needs: IntArray
    places: IntArray
    annual_cost: FloatArray
    preferred: IntArray | None = None

    @property
    def n_learners(self) -> int:
        return int(self.need.size)

    @property
    def n_settings(self) -> int:
        return int(self.places.size)

    def preferred_or_none(self) -> IntArray:
        if self.preferred is None:
            return np.full(self.n_learners, -1, dtype=np.int64)
        return self.preferred


@dataclass(frozen=True)
class PlacementResult:
    """Outcome of :func:`place`, in the shape of scipy's ``OptimizeResult``.

    ``status`` is ``optimal``, ``time_limit`` or ``infeasible`` (see
    :mod:`~sendplan.engine.results`) and ``message`` says the same in words.

    ``assignment[i]`` is learner i's setting index or -1 (unplaced). ``objective`` is the
    contract's total: placement costs plus ``unplaced_cost`` per unplaced learner.
    ``lower_bound`` equals ``objective`` when optimal. ``shortfall`` lists unplaced learners as
    (need, phase, count), in SEN2 code order then phase order.
    """

    status: str
    message: str
    assignment: IntArray
    cost: IntArray  # rounded cost of each learner's placement (0 when unplaced)
    km: FloatArray  # distance to the assigned setting (nan when unplaced)
    objective: int
    lower_bound: int
    placed: int
    unplaced: int
    total_place_cost: int
    total_travel_cost: int
    shortfall: list[tuple[str, str, int]]
    solve_seconds: float
    preferences_honoured: int = 0
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return self.status == OPTIMAL


def _positive_number(
    name: str, value: float, *, allow_zero: bool, maximum: float | None = None
) -> None:
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a {'non-negative' if allow_zero else 'positive'} number")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}")


def check_problem(problem: PlacementProblem) -> None:
    """Raise ``ValueError`` naming the first thing wrong with ``problem``.

    Examples
    --------
    >>> p = PlacementProblem(need=np.array([0]), age=np.array([30]), lat=np.zeros(1),
    ...     lon=np.zeros(1), setting_lat=np.zeros(0), setting_lon=np.zeros(0),
    ...     min_age=np.zeros(0, int), max_age=np.zeros(0, int), needs=np.zeros(0, int),
    ...     places=np.zeros(0, int), annual_cost=np.zeros(0))
    >>> check_problem(p)
    Traceback (most recent call last):
    ...
    ValueError: learner ages must be whole numbers from 0 to 25
    """
    n, m = problem.n_learners, problem.n_settings
    for name in ("age", "lat", "lon"):
        if getattr(problem, name).shape != (n,):
            raise ValueError(f"{name} must have one entry per learner")
    for name in ("setting_lat", "setting_lon", "min_age", "max_age", "needs", "annual_cost"):
        if getattr(problem, name).shape != (m,):
            raise ValueError(f"{name} must have one entry per setting")
    if n and (problem.need.min() < 0 or problem.need.max() >= len(NEED_CODES)):
        raise ValueError("learner needs must be indices into NEED_CODES")
    if n and (problem.age.min() < 0 or problem.age.max() > 25):
        raise ValueError("learner ages must be whole numbers from 0 to 25")
    for name, lim in (("lat", 90), ("lon", 180), ("setting_lat", 90), ("setting_lon", 180)):
        v = getattr(problem, name)
        if v.size and not (np.all(np.isfinite(v)) and np.abs(v).max() <= lim):
            raise ValueError(f"{name} must be finite degrees within ±{lim}")
    if m:
        if problem.places.min() < 0 or problem.places.max() > MAX_PLACES:
            raise ValueError(f"places must be from 0 to {MAX_PLACES:,}")
        if np.any(problem.min_age > problem.max_age):
            raise ValueError("min_age must not exceed max_age")
        cost = problem.annual_cost
        if not np.all(np.isfinite(cost)) or cost.min() < 0 or cost.max() > MAX_ANNUAL_COST:
            raise ValueError(f"annual_cost must be from 0 to {MAX_ANNUAL_COST:,} pounds")
        if np.any((problem.needs < 0) | (problem.needs > ALL_NEEDS)):
            raise ValueError("needs must be bit masks over NEED_CODES")
    pref = problem.preferred
    if pref is not None and (pref.shape != (n,) or (n and (pref.min() < -1 or pref.max() >= m))):
        raise ValueError("preferred must be -1 or a setting index for each learner")


def shortfall_of(need: IntArray, age: IntArray) -> list[tuple[str, str, int]]:
    """Count learners by (need, phase), in SEN2 code order then phase order."""
    if need.size == 0:
        return []
    key = need.astype(np.int64) * len(PHASE_KEYS) + phase_index(age)
    counts = np.bincount(key, minlength=len(NEED_CODES) * len(PHASE_KEYS))
    return [
        (NEED_CODES[k // len(PHASE_KEYS)], PHASE_KEYS[k % len(PHASE_KEYS)], int(counts[k]))
        for k in np.flatnonzero(counts).tolist()
    ]


def preference_bonus(tolerance: str | float, cost: IntArray) -> IntArray:
    """Pounds a preferred placement may cost the area beyond the best alternative.

    ``tolerance`` is pounds (``5000``) or a percentage of the preferred placement's own cost
    (``"10%"``).

    Examples
    --------
    >>> preference_bonus("10%", np.array([30_000])).tolist()
    [3000]
    >>> preference_bonus(2500, np.array([30_000])).tolist()
    [2500]
    """
    if isinstance(tolerance, str) and tolerance.strip().endswith("%"):
        pct = float(tolerance.strip()[:-1])
        _positive_number("preference tolerance", pct, allow_zero=True, maximum=MAX_PERCENT)
        return np.floor(cost * pct / 100).astype(np.int64)
    value = float(tolerance)
    _positive_number("preference tolerance", value, allow_zero=True, maximum=MAX_POUNDS)
    return np.full(cost.size, int(value), dtype=np.int64)


def place(
    problem: PlacementProblem,
    *,
    cost_per_km: float = 400.0,
    unplaced_cost: int = 250_000,
    max_km: float = 50.0,
    time_limit: float | None = None,
    honour_preferences: bool = False,
    preference_tolerance: str | float = 0,
    progress: Callable[[str], None] | None = None,
) -> PlacementResult:
    """Optimal placement of every learner in ``problem``.

    With ``honour_preferences`` a learner's preferred setting (if eligible) counts
    ``preference_tolerance`` pounds cheaper for the optimiser (ties go to preferences), so a
    preference is honoured exactly when honouring it, given the others, costs the area at most
    that much a year more - counting every knock-on move of other learners, and any learner it
    would leave unplaced at ``unplaced_cost``. Without it, preferences do not affect the answer.
    ``progress``, when given, is called with a sentence as each stage starts (for a terminal
    or a run page: England-sized problems take a minute).

    Examples
    --------
    >>> p = PlacementProblem(need=np.array([10, 10]), age=np.array([12, 12]),
    ...     lat=np.array([51.5, 51.5]), lon=np.array([0.0, 0.0]),
    ...     setting_lat=np.array([51.5, 51.6]), setting_lon=np.array([0.0, 0.0]),
    ...     min_age=np.array([11, 11]), max_age=np.array([16, 16]),
    ...     needs=np.array([ALL_NEEDS, 1 << 10]), places=np.array([1, 1]),
    ...     annual_cost=np.array([20_000.0, 20_000.0]))
    >>> r = place(problem=p)
    >>> r.status, r.assignment.tolist(), r.objective, r.total_travel_cost
    ('optimal', [0, 1], 44448, 4448)
    """
    t0 = time.perf_counter()
    check_problem(problem)
    _positive_number("cost_per_km", cost_per_km, allow_zero=True, maximum=MAX_COST_PER_KM)
    _positive_number("max_km", max_km, allow_zero=True)
    if int(unplaced_cost) != unplaced_cost or not 0 <= unplaced_cost <= MAX_POUNDS:
        raise ValueError(f"unplaced_cost must be a whole number of pounds from 0 to {MAX_POUNDS:,}")
    if time_limit is not None:
        _positive_number("time_limit", time_limit, allow_zero=True)
    unplaced_cost = int(unplaced_cost)
    say = progress or (lambda _: None)
    p = problem
    say(f"Grouping {p.n_learners:,} learners and finding the settings each can reach")
    breaks = age_classes(p.min_age, p.max_age)
    pref = p.preferred_or_none()
    groups = make_groups(
        p.need, p.age, p.lat, p.lon, pref, breaks, by_preference=honour_preferences
    )
    arcs = build_arcs(
        groups,
        setting_lat=p.setting_lat,
        setting_lon=p.setting_lon,
        setting_needs=p.needs,
        min_age=p.min_age,
        max_age=p.max_age,
        places=p.places,
        annual_cost=p.annual_cost,
        cost_per_km=cost_per_km,
        max_km=max_km,
        # An arc costing at least the unplaced price never beats leaving the learner unplaced.
        max_cost=None if honour_preferences else unplaced_cost,
        keep_km=False,  # recomputed below for the arcs used
    )
    if not honour_preferences:  # groups split by preference must stay apart
        groups, arcs = merge_same_arcs(groups, arcs)
    g_count = groups.count.size
    solver_cost = arcs.cost
    unplaced = np.full(g_count, unplaced_cost, dtype=np.int64)
    is_pref = np.zeros(arcs.cost.size, dtype=bool)
    if honour_preferences:
        is_pref = arcs.setting == groups.preferred[arcs.group]
        bonus = preference_bonus(preference_tolerance, arcs.cost[is_pref])
        # Scaling by one more than the number of preferences that could be honoured makes the
        # extra -1 per honoured preference a pure tie-break: at equal adjusted cost, more
        # preferences win, but it never outweighs a single pound.
        scale = int(groups.count[arcs.group[is_pref]].sum()) + 1
        if scale * max(unplaced_cost, 1) * (g_count + p.n_settings + 2) > 2**62:
            raise ValueError("too many preferences to weigh exactly")
        solver_cost = scale * arcs.cost
        solver_cost[is_pref] -= scale * bonus + 1
        unplaced = scale * unplaced
        keep = solver_cost < unplaced[arcs.group]
        arcs = type(arcs)(arcs.group[keep], arcs.setting[keep], arcs.km, arcs.cost[keep])
        solver_cost, is_pref = solver_cost[keep], is_pref[keep]
    # Only settings that some learner can reach enter the network (numbered in index order).
    reached = np.bincount(arcs.setting, minlength=p.n_settings) > 0
    used_settings = np.flatnonzero(reached)
    arc_setting = (np.cumsum(reached, dtype=np.int32) - 1)[arcs.setting]
    arc_group, arc_cost, n_arcs = arcs.group, arcs.cost, arcs.group.size
    if not honour_preferences and unplaced_cost < 2**31:
        # Every kept cost is below unplaced_cost: 4 bytes an arc instead of 8 while solving.
        arc_cost = arc_cost.astype(np.int32)
        solver_cost = arc_cost
    # The setting index is used_settings[arc_setting]: one copy fewer during the solve.
    del arcs
    net = FlowNetwork(
        arc_group=arc_group,
        arc_setting=arc_setting,
        arc_cost=solver_cost,
        supply=groups.count,
        capacity=p.places[used_settings],
        unplaced=unplaced,
    )
    time_left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
    say(
        f"Solving: {g_count:,} groups of learners, {used_settings.size:,} settings, "
        f"{n_arcs:,} possible placements"
    )
    status, flows = solve_network(net, time_left=time_left)
    say("Handing out the places")
    if flows is None:
        first = groups.members[groups.member_start]
        flows = first_come_first_served(net, np.argsort(first, kind="stable"))
        message = "time limit reached: first-come-first-served allocation, not optimal"
    elif status == OPTIMAL:
        message = "optimal placement found"
    else:
        message = "the solver reported the network infeasible"
    del net, solver_cost
    assignment, cost, km = _decode(
        groups, arc_group, used_settings, arc_setting, arc_cost, flows, p
    )
    placed_mask = assignment >= 0
    placed = int(placed_mask.sum())
    total = int(cost.sum())
    place_cost = int(round_pounds(p.annual_cost)[assignment[placed_mask]].sum())
    objective = total + unplaced_cost * (p.n_learners - placed)
    if status == OPTIMAL and not honour_preferences:
        lower = objective
    else:
        lower = _trivial_lower_bound(groups.count, arc_group, arc_cost, unplaced_cost)
    honoured = 0
    if honour_preferences:
        honoured = int(flows[is_pref].sum())
    unplaced_learners = ~placed_mask
    return PlacementResult(
        status=status,
        message=message,
        assignment=assignment,
        cost=cost,
        km=km,
        objective=objective,
        lower_bound=lower,
        placed=placed,
        unplaced=p.n_learners - placed,
        total_place_cost=place_cost,
        total_travel_cost=total - place_cost,
        shortfall=shortfall_of(p.need[unplaced_learners], p.age[unplaced_learners]),
        solve_seconds=time.perf_counter() - t0,
        preferences_honoured=honoured,
        stats={
            "groups": int(g_count),
            "arcs": int(n_arcs),
            "settings_in_network": int(used_settings.size),
        },
    )


def _trivial_lower_bound(
    count: IntArray, arc_group: IndexArray, arc_cost: IntArray | IndexArray, unplaced: int
) -> int:
    """Each group at its cheapest arc, ignoring capacity: a valid bound on the objective."""
    best = np.full(count.size, unplaced, dtype=np.int64)
    np.minimum.at(best, arc_group, arc_cost)
    return int((best * count).sum())


def _decode(
    groups: Groups,
    arc_group: IndexArray,
    used_settings: IntArray,
    arc_setting: IndexArray,
    arc_cost: IntArray | IndexArray,
    flows: IntArray,
    p: PlacementProblem,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Hand each group's flows to its members in input order; the rest stay unplaced."""
    used = np.flatnonzero(flows > 0)
    f = flows[used]
    g = np.repeat(arc_group[used].astype(np.int64), f)  # arcs are sorted by group, so g is too
    first_of_run = np.searchsorted(g, g, side="left")
    slot = groups.member_start[g] + (np.arange(g.size) - first_of_run)
    learner = groups.members[slot]
    setting = used_settings[arc_setting[used]]
    arc_km_used = arc_km(groups.lat, groups.lon, p.setting_lat, p.setting_lon, arc_group[used],
                         setting)  # fmt: skip
    n = p.n_learners
    assignment = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n, dtype=np.int64)
    km = np.full(n, np.nan)
    assignment[learner] = np.repeat(setting, f)
    cost[learner] = np.repeat(arc_cost[used], f)
    km[learner] = np.repeat(arc_km_used, f)
    return assignment, cost, km


def learner_distance_km(problem: PlacementProblem, learner: int) -> FloatArray:
    """Distance from one learner's home to every setting."""
    return haversine_km(
        problem.lat[learner], problem.lon[learner], problem.setting_lat, problem.setting_lon
    )
