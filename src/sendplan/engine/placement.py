"""Area placement optimisation: the best lawful use of local places for a cohort.

Learner l may go to setting s when s is designated for l's need, s.min_age <= l.age <= s.max_age
and the haversine distance is at most ``max_km``. A placement costs
``round(annual_cost + cost_per_km * km)`` pounds (halves round up). :func:`place` minimises the
total cost of placements plus ``unplaced_cost`` per learner left without a place, with at most
``places`` learners per setting. The answer is exact: the problem is a transportation problem
solved by OR-Tools min-cost flow (see docs/adr/0101-placement-min-cost-flow.md).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sendplan.engine.codes import NEED_CODES, PHASE_KEYS, phase_index
from sendplan.engine.geo import haversine_km
from sendplan.engine.placement_flow import first_come_first_served, solve_network
from sendplan.engine.placement_model import ALL_NEEDS, FloatArray, IntArray, round_pounds
from sendplan.engine.placement_network import (
    Network,
    build_network,
    decode,
    trivial_lower_bound,
)
from sendplan.engine.placement_stability import held_places, stay_cost_km
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
    (:data:`ALL_NEEDS` for "ALL"). ``preferred`` and ``current`` are a setting index or -1.
    A learner with a current setting who may not move (``may_move`` false) stays there and
    holds one of its places; ``may_move`` defaults to true for everyone.
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
    current: IntArray | None = None
    may_move: npt.NDArray[np.bool_] | None = None

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

    def current_or_none(self) -> IntArray:
        if self.current is None:
            return np.full(self.n_learners, -1, dtype=np.int64)
        return self.current

    def fixed(self) -> npt.NDArray[np.bool_]:
        """Learners who must stay in their current setting."""
        if self.current is None or self.may_move is None:
            return np.zeros(self.n_learners, dtype=bool)
        return (self.current >= 0) & ~self.may_move


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
    moved: int = 0
    total_move_cost: int = 0
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
    for name in ("preferred", "current"):
        v = getattr(problem, name)
        if v is not None and (v.shape != (n,) or (n and (v.min() < -1 or v.max() >= m))):
            raise ValueError(f"{name} must be -1 or a setting index for each learner")
    if problem.may_move is not None and problem.may_move.shape != (n,):
        raise ValueError("may_move must have one entry per learner")
    held = held_places(problem.current_or_none(), problem.fixed(), m)
    if m and np.any(held > problem.places):
        s = int(np.flatnonzero(held > problem.places)[0])
        raise ValueError(
            f"setting {s}: {held[s]} learners must stay but it has {problem.places[s]} places"
        )


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
    move_cost: int = 0,
    time_limit: float | None = None,
    honour_preferences: bool = False,
    preference_tolerance: str | float = 0,
    progress: Callable[[str], None] | None = None,
) -> PlacementResult:
    """Optimal placement of every learner in ``problem``.

    Learners who must stay (``problem.fixed()``) stay at cost(l, current); a learner with a
    current setting who may move stays there at cost(l, current) or moves to an eligible
    setting at cost(l, s) + ``move_cost``. The objective counts both.

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
    check_options(cost_per_km=cost_per_km, unplaced_cost=unplaced_cost, max_km=max_km,
                  move_cost=move_cost)  # fmt: skip
    if time_limit is not None:
        _positive_number("time_limit", time_limit, allow_zero=True)
    unplaced_cost, move_cost = int(unplaced_cost), int(move_cost)
    say = progress or (lambda _: None)
    p = problem
    say(f"Grouping {p.n_learners:,} learners and finding the settings each can reach")
    free, sub = free_learners(p)
    network = build_network(
        sub, cost_per_km=cost_per_km, unplaced_cost=unplaced_cost, max_km=max_km,
        move_cost=move_cost, honour_preferences=honour_preferences,
        bonus_of=lambda cost: preference_bonus(preference_tolerance, cost),
    )  # fmt: skip
    net = network.net
    time_left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
    say(
        f"Solving: {net.supply.size:,} groups of learners, {network.used_settings.size:,} "
        f"settings, {network.n_arcs:,} possible placements"
    )
    status, flows = solve_network(net, time_left=time_left)
    say("Handing out the places")
    if flows is None:
        groups = network.groups
        first = groups.members[groups.member_start]
        flows = first_come_first_served(net, np.argsort(first, kind="stable"))
        message = "time limit reached: first-come-first-served allocation, not optimal"
    elif status == OPTIMAL:
        message = "optimal placement found"
    else:
        message = "the solver reported the network infeasible"
    lower = None
    if status != OPTIMAL or honour_preferences:
        lower = trivial_lower_bound(network, unplaced_cost)
    result = assemble(
        p, free, sub, network, flows, status=status, message=message, cost_per_km=cost_per_km,
        unplaced_cost=unplaced_cost, move_cost=move_cost, lower_bound=lower, t0=t0,
    )  # fmt: skip
    if honour_preferences:
        result = dataclasses.replace(result, preferences_honoured=int(flows[network.is_pref].sum()))
    return result


def check_options(*, cost_per_km: float, unplaced_cost: int, max_km: float, move_cost: int) -> None:
    """Raise ``ValueError`` for a cost or distance the optimiser cannot use."""
    _positive_number("cost_per_km", cost_per_km, allow_zero=True, maximum=MAX_COST_PER_KM)
    _positive_number("max_km", max_km, allow_zero=True)
    for name, value in (("unplaced_cost", unplaced_cost), ("move_cost", move_cost)):
        if int(value) != value or not 0 <= value <= MAX_POUNDS:
            raise ValueError(f"{name} must be a whole number of pounds from 0 to {MAX_POUNDS:,}")


def free_learners(p: PlacementProblem) -> tuple[IntArray, PlacementProblem]:
    """The learners free to be placed, and the problem of placing them alone in the places
    that learners who must stay leave over."""
    fixed = p.fixed()
    if not fixed.any():
        return np.arange(p.n_learners), p
    free = np.flatnonzero(~fixed)
    held = held_places(p.current_or_none(), fixed, p.n_settings)
    pref = None if p.preferred is None else p.preferred[free]
    sub = dataclasses.replace(
        p, need=p.need[free], age=p.age[free], lat=p.lat[free], lon=p.lon[free],
        preferred=pref, current=p.current_or_none()[free], may_move=None,
        places=p.places - held,
    )  # fmt: skip
    return free, sub


def assemble(
    p: PlacementProblem,
    free: IntArray,
    sub: PlacementProblem,
    network: Network,
    flows: IntArray,
    *,
    status: str,
    message: str,
    cost_per_km: float,
    unplaced_cost: int,
    move_cost: int,
    lower_bound: int | None,
    t0: float,
) -> PlacementResult:
    """The result for every learner of ``p`` from the flows on ``sub``'s network."""
    sub_assign, sub_cost, sub_km = decode(network, flows, sub)
    n = p.n_learners
    current = p.current_or_none()
    assignment = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n, dtype=np.int64)
    km = np.full(n, np.nan)
    assignment[free], cost[free], km[free] = sub_assign, sub_cost, sub_km
    fixed = np.flatnonzero(p.fixed())
    fixed_total = 0
    if fixed.size:
        s = current[fixed]
        cost[fixed], km[fixed] = stay_cost_km(
            lat=p.lat[fixed], lon=p.lon[fixed], setting=s, setting_lat=p.setting_lat,
            setting_lon=p.setting_lon, annual_cost=p.annual_cost, cost_per_km=cost_per_km,
        )  # fmt: skip
        assignment[fixed] = s
        fixed_total = int(cost[fixed].sum())
    placed_mask = assignment >= 0
    moved = placed_mask & (current >= 0) & (assignment != current)
    cost[moved] -= move_cost  # the arcs carried it; the file shows cost(l, s) alone
    placed = int(placed_mask.sum())
    total = int(cost.sum())
    n_moved = int(moved.sum())
    place_cost = int(round_pounds(p.annual_cost)[assignment[placed_mask]].sum())
    objective = total + move_cost * n_moved + unplaced_cost * (n - placed)
    lower = objective if lower_bound is None else lower_bound + fixed_total
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
        unplaced=n - placed,
        total_place_cost=place_cost,
        total_travel_cost=total - place_cost,
        shortfall=shortfall_of(p.need[unplaced_learners], p.age[unplaced_learners]),
        solve_seconds=time.perf_counter() - t0,
        moved=n_moved,
        total_move_cost=move_cost * n_moved,
        stats={
            "groups": int(network.groups.count.size),
            "arcs": network.n_arcs,
            "settings_in_network": int(network.used_settings.size),
            "fixed": int(fixed.size),
        },
    )


def learner_distance_km(problem: PlacementProblem, learner: int) -> FloatArray:
    """Distance from one learner's home to every setting."""
    return haversine_km(
        problem.lat[learner], problem.lon[learner], problem.setting_lat, problem.setting_lon
    )
