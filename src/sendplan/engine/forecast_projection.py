"""Places and money from one area's demand: the gap and the high-needs spend, by scenario.

The forecast gives plans; this module turns one area's :class:`Demand` into what a
commissioner plans with: the learners who need a specialist place against the area's own
specialist places (the gap), and the high-needs spend by placement type, for the baseline
and for each scenario. Everything here is arithmetic the tests check by hand: spend =
placements x unit cost, gap = demand - capacity (ADR 0107).

The gap counts every learner whose placement is specialist (resourced provision or an SEN
unit, a special school, an independent or non-maintained special school) as needing a
local specialist place. Learners in independent places today are there, in the main,
because the area has too few places of its own, so every new local place takes one of them
while there are any (:func:`open_places`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sendplan.engine.codes import PHASE_KEYS, PHASES
from sendplan.engine.forecast_demand import PLACEMENT_KEYS, SPECIALIST, Band, Demand


@dataclass(frozen=True)
class StrandPlaces:
    """A block of local specialist places from the register (or planned provision)."""

    kind: str  # "special" or "resourced"
    min_age: int
    max_age: int
    places: float
    needs: tuple[str, ...] = ()  # empty: any need


@dataclass(frozen=True)
class PlaceChange:
    """Places added from a year: planned new provision, or a scenario's extra places.

    ``need`` or ``phase`` None spreads the places over the cells short of places.
    ``cost_per_place`` None means the unit cost of ``kind``.
    """

    kind: str
    places: float
    from_year: int
    need: str | None = None
    phase: str | None = None
    cost_per_place: float | None = None


@dataclass(frozen=True)
class UnitCosts:
    """Annual cost per learner by placement type, transport per specialist learner, and
    where each figure came from (shown beside it on every page)."""

    per_place: dict[str, float]
    transport: float
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioSpec:
    """A what-if the LA asks about: extra special or resourced places (for one need or
    phase, or spread over the cells short of places), a share of independent placements moved
    into local special schools, or a fixed yearly growth instead of the forecast's, from
    ``start_year``.

    ``parts`` makes it a combination: its own levers and every part's are projected
    together (:func:`scenario_levers`, ADR 0149)."""

    key: str
    name: str
    special_places: float = 0
    resourced_places: float = 0
    independent_reduction_pct: float = 0
    growth_pct: float | None = None
    start_year: int = 0
    need: str | None = None
    phase: str | None = None
    parts: tuple[ScenarioSpec, ...] = ()


def scenario_levers(scenario: ScenarioSpec) -> list[ScenarioSpec]:
    """A scenario and its parts (and theirs), each once, the scenario first.

    Raises ``ValueError`` when they ask for different growth rates: growth replaces the
    forecast's path, so two rates cannot both hold (ADR 0149).

    >>> a = ScenarioSpec("a", "A", special_places=5, growth_pct=3.0)
    >>> both = ScenarioSpec("ab", "A and B", parts=(a, ScenarioSpec("b", "B", growth_pct=3.0)))
    >>> [s.key for s in scenario_levers(both)], combined_growth(scenario_levers(both))
    (['ab', 'a', 'b'], 3.0)
    >>> combined_growth([a, ScenarioSpec("c", "C", growth_pct=1.0)])
    Traceback (most recent call last):
    ...
    ValueError: combined scenarios ask for different growth rates: 1% and 3%
    """
    out: list[ScenarioSpec] = []
    todo = [scenario]
    while todo:
        spec = todo.pop(0)
        if any(spec is seen for seen in out):
            continue
        out.append(spec)
        todo.extend(spec.parts)
    combined_growth(out)
    return out


def combined_growth(levers: Iterable[ScenarioSpec]) -> float | None:
    """The one growth rate the levers ask for (None: none asks), or ``ValueError``."""
    rates = sorted({float(s.growth_pct) for s in levers if s.growth_pct is not None})
    if len(rates) > 1:
        shown = " and ".join(f"{r:g}%" for r in rates)
        raise ValueError(f"combined scenarios ask for different growth rates: {shown}")
    return rates[0] if rates else None


@dataclass
class Projection:
    """The numbers one run shows for one scenario (or the baseline, ``key`` "baseline")."""

    key: str
    name: str
    total: dict[int, Band]
    plans: dict[tuple[str, str, int], Band]
    placements: dict[tuple[str, int], float]
    demand: dict[tuple[str, str, int], float]  # learners needing a specialist place
    capacity: dict[tuple[str, str, int], float]
    spend: dict[tuple[str, int], float]  # by placement type and "transport"
    spend_total: dict[int, Band]

    def gap(self, need: str, phase: str, year: int) -> float:
        """Learners needing a specialist place minus the places, in one cell."""
        key = (need, phase, year)
        return self.demand[key] - self.capacity[key]

    def years(self) -> list[int]:
        """The projected years, earliest first."""
        return sorted(self.total)

    def shortfall(self, year: int) -> float:
        """Places short, summed over the cells that are short (surpluses do not offset)."""
        return sum(max(self.demand[k] - self.capacity[k], 0.0) for k in self.demand if k[2] == year)

    def net_gap(self, year: int) -> float:
        """The gap over all cells, surpluses offsetting shortages."""
        return sum(self.demand[k] - self.capacity[k] for k in self.demand if k[2] == year)

    def cumulative_spend(self, years: int) -> float:
        """Central spend summed over the first ``years`` projected years."""
        chosen = self.years()[:years]
        return sum(self.spend_total[y].median for y in chosen)


def allocate_capacity(
    strands: Iterable[StrandPlaces], demand: Demand
) -> dict[tuple[str, str], float]:
    """Spread each strand's places over the (need, phase) cells it serves.

    Over phases in proportion to the years of age it covers in each; over its designated
    needs (all needs when it has none) in proportion to the origin year's learners needing
    a specialist place, so an ASD-and-SLCN strand is shared as those learners are.

    Parameters
    ----------
    strands
        The register's local specialist places.
    demand
        The area's demand; only its needs and first year's specialist learners are used.

    Returns
    -------
    dict
        ``(need, phase)`` -> places, for every need of ``demand`` and every phase.

    Examples
    --------
    >>> d = _example_demand()
    >>> capacity = allocate_capacity([StrandPlaces("special", 5, 15, 33.0)], d)
    >>> capacity[("ASD", "primary")], capacity[("ASD", "secondary")], capacity[("ASD", "post16")]
    (18.0, 15.0, 0.0)
    """
    first = demand.years[0]
    weight = {
        (n, f): _specialist(demand.plans[(n, f, first)].median, demand.shares.get((n, f), {}))
        for n in demand.needs
        for f in PHASE_KEYS
    }
    out = {(n, f): 0.0 for n in demand.needs for f in PHASE_KEYS}
    for strand in strands:
        span = strand.max_age - strand.min_age + 1
        needs = [n for n in (strand.needs or demand.needs) if n in demand.needs]
        if span <= 0 or not needs or strand.places <= 0:
            continue
        for phase in PHASE_KEYS:
            lo, hi = PHASES[phase]
            years = min(hi, strand.max_age) - max(lo, strand.min_age) + 1
            if years <= 0:
                continue
            places = strand.places * years / span
            weights = [weight[(n, phase)] for n in needs]
            total = sum(weights)
            for need, w in zip(needs, weights, strict=True):
                out[(need, phase)] += places * (w / total if total > 0 else 1 / len(needs))
    return out


def _specialist(plans: float, shares: Mapping[str, float]) -> float:
    return plans * sum(shares.get(p, 0.0) for p in SPECIALIST)


def _growth_factor(demand: Demand, growth_pct: float | None, year: int) -> float:
    """Scale that replaces the model's central path with a fixed yearly growth."""
    if growth_pct is None:
        return 1.0
    origin = demand.actuals[-1][1]
    wanted = origin * (1 + growth_pct / 100) ** (year - demand.origin_year)
    return wanted / max(demand.total[year].median, 1e-9)


def _spread(
    change: PlaceChange,
    cells: list[tuple[str, str]],
    gap: Mapping[tuple[str, str], float],
    need_place: Mapping[tuple[str, str], float],
) -> dict[tuple[str, str], float]:
    chosen = [
        c
        for c in cells
        if (change.need is None or c[0] == change.need)
        and (change.phase is None or c[1] == change.phase)
    ]
    weights = [max(gap[c], 0.0) for c in chosen]
    if sum(weights) <= 0:
        weights = [need_place[c] for c in chosen]
    total = sum(weights)
    if total <= 0:
        return {c: change.places / len(chosen) for c in chosen} if chosen else {}
    return {c: change.places * w / total for c, w in zip(chosen, weights, strict=True)}


def _place_cost(change: PlaceChange, costs: UnitCosts) -> float:
    """A new place's yearly cost: its own, else the unit cost of its kind."""
    if change.cost_per_place is not None:
        return float(change.cost_per_place)
    return float(costs.per_place[change.kind])


def open_places(
    changes: Iterable[PlaceChange],
    year: int,
    costs: UnitCosts,
    placed: dict[tuple[str, str], dict[str, float]],
    gap: dict[tuple[str, str], float],
    need_place: Mapping[tuple[str, str], float],
) -> dict[str, float]:
    """Open the new local specialist places of one year: the one rule for every kind.

    Planned provision, a scenario's special school places and its inclusion base places
    all follow it (ADR 0138). Each change open by ``year`` counts as capacity, spread over
    the (need, phase) groups it serves that are short of places (``gap`` falls). And each
    of its places takes one learner out of an independent placement of the need and phase
    it serves, whether or not the group is short, up to the independent placements left
    there, from each group in proportion to its independent placements; the learner is
    then costed at the place's cost (its own ``cost_per_place``, else its kind's unit
    cost).

    When changes compete for the same independent placements, the earliest ``from_year``
    takes first, then the cheapest place, then the order given (planned provision before a
    scenario's places), so a learner moved into a place in one year stays there when more
    places open later, and the learners go to the cheaper places.

    ``placed`` and ``gap`` are changed in place. Returns, by placement type, the cost the
    moved learners add beyond their kind's unit cost (places with a cost of their own).

    Examples
    --------
    Ten special places for ASD primary where 6 learners are placed independently, and
    the group is not short of places: exactly 6 move, each costed at the place's 25,000
    instead of the special school unit cost of 30,000.

    >>> costs = UnitCosts(per_place={"special": 30_000.0, "resourced": 18_000.0,
    ...                              "independent": 60_000.0}, transport=0.0)
    >>> placed = {("ASD", "primary"): {"independent": 6.0, "special": 0.0, "resourced": 0.0}}
    >>> gap = {("ASD", "primary"): -5.0}
    >>> planned = PlaceChange("special", 10, 2026, "ASD", "primary", cost_per_place=25_000)
    >>> extra = open_places([planned], 2026, costs, placed, gap, {("ASD", "primary"): 20.0})
    >>> placed[("ASD", "primary")], gap[("ASD", "primary")], extra["special"]
    ({'independent': 0.0, 'special': 6.0, 'resourced': 0.0}, -15.0, -30000.0)

    A base and special places together take no more than there are: the earlier opening
    first, then the cheaper.

    >>> placed = {("ASD", "primary"): {"independent": 6.0, "special": 0.0, "resourced": 0.0}}
    >>> both = [PlaceChange("special", 4, 2026, "ASD", "primary"),
    ...         PlaceChange("resourced", 4, 2026, "ASD", "primary")]
    >>> gap, need = {("ASD", "primary"): 0.0}, {("ASD", "primary"): 20.0}
    >>> _ = open_places(both, 2026, costs, placed, gap, need)
    >>> placed[("ASD", "primary")]
    {'independent': 0.0, 'special': 2.0, 'resourced': 4.0}
    """
    cells = list(placed)
    extra_cost: dict[str, float] = {}
    indexed = [(i, c) for i, c in enumerate(changes) if c.from_year <= year]
    indexed.sort(key=lambda ic: (ic[1].from_year, _place_cost(ic[1], costs), ic[0]))
    for _, change in indexed:
        for cell, places in _spread(change, cells, gap, need_place).items():
            gap[cell] -= places
        moved = _absorb(change, cells, placed)
        if change.cost_per_place is not None:
            extra = moved * (change.cost_per_place - costs.per_place[change.kind])
            extra_cost[change.kind] = extra_cost.get(change.kind, 0.0) + extra
    return extra_cost


def _absorb(
    change: PlaceChange,
    cells: list[tuple[str, str]],
    placed: dict[tuple[str, str], dict[str, float]],
) -> float:
    """Move one learner from an independent placement into each of a change's places.

    Up to the independent placements left in the cells the places serve (their need and
    phase, all cells when they name none), taken from each cell in proportion to its
    independent placements. Returns the learners moved.

    >>> placed = {("ASD", "primary"): {"independent": 6.0, "resourced": 0.0},
    ...           ("ASD", "secondary"): {"independent": 2.0, "resourced": 0.0}}
    >>> _absorb(PlaceChange("resourced", 4, 2027), list(placed), placed)
    4.0
    >>> placed[("ASD", "primary")], placed[("ASD", "secondary")]["independent"]
    ({'independent': 3.0, 'resourced': 3.0}, 1.0)
    """
    served = [
        c
        for c in cells
        if (change.need is None or c[0] == change.need)
        and (change.phase is None or c[1] == change.phase)
    ]
    available = sum(placed[c]["independent"] for c in served)
    taken = min(float(change.places), available)
    if taken <= 0:
        return 0.0
    for cell in served:
        moved = taken * placed[cell]["independent"] / available
        placed[cell]["independent"] -= moved
        placed[cell][change.kind] = placed[cell].get(change.kind, 0.0) + moved
    return taken


def project(
    *,
    demand: Demand,
    capacity: Mapping[tuple[str, str], float],
    costs: UnitCosts,
    new_provision: Iterable[PlaceChange] = (),
    growth_pct: float | None = None,
    scenario: ScenarioSpec | None = None,
) -> Projection:
    """Plans, specialist places needed against capacity, placements and spend by year.

    Planned new provision is in every projection; a scenario adds its own places, moves a
    share of independent placements into local special schools, or replaces the growth.
    Every new local specialist place, planned or a scenario's special school or inclusion
    base place, takes one learner out of an independent placement of the need and phase it
    serves from its year, up to those there, by one rule (:func:`open_places`); the
    scenario's "fewer independent placements" share then applies to those left, so no
    learner is counted twice (ADR 0138).

    Parameters
    ----------
    demand
        The area's demand (:func:`~sendplan.engine.forecast_demand.area_demand`).
    capacity
        Local specialist places by (need, phase) (:func:`allocate_capacity`).
    costs
        Unit costs by placement type and transport per specialist learner.
    new_provision
        Places the LA has planned, each from its year.
    growth_pct
        A fixed yearly growth replacing the forecast's central path, or None.
    scenario
        The what-if to apply on top, or None for the baseline.

    Returns
    -------
    Projection

    Examples
    --------
    >>> d = _example_demand()
    >>> capacity = allocate_capacity([StrandPlaces("special", 5, 10, 12.0)], d)
    >>> costs = UnitCosts(per_place=dict.fromkeys(PLACEMENT_KEYS, 10_000.0), transport=1_000.0)
    >>> p = project(demand=d, capacity=capacity, costs=costs)
    >>> p.gap("ASD", "primary", 2026), p.shortfall(2026), p.spend_total[2026].median
    (-2.0, 40.0, 1050000.0)
    """
    changes = list(new_provision)
    # (from year, share) of the independent placements left, one per lever that has one.
    reductions: list[tuple[int, float]] = []
    levers = scenario_levers(scenario) if scenario is not None else []
    wanted = combined_growth(levers)
    if wanted is not None:
        growth_pct = wanted
    # A combination's places all go to open_places together, so they compete by its one
    # rule (earliest, cheapest, then this order) and no learner is moved twice.
    for lever in levers:
        for kind, places in (
            ("special", lever.special_places),
            ("resourced", lever.resourced_places),  # inclusion base places
        ):
            if places:
                changes.append(PlaceChange(kind, places, lever.start_year, lever.need, lever.phase))
        if lever.independent_reduction_pct:
            reductions.append((lever.start_year, lever.independent_reduction_pct / 100))
    cells = [(n, f) for n in demand.needs for f in PHASE_KEYS]
    out = Projection(
        key=scenario.key if scenario else "baseline",
        name=scenario.name if scenario else "Baseline (no change)",
        total={},
        plans={},
        placements={},
        demand={},
        capacity={},
        spend={},
        spend_total={},
    )
    for year in demand.years:
        factor = _growth_factor(demand, growth_pct, year)
        out.total[year] = demand.total[year].scaled(factor)
        placed: dict[tuple[str, str], dict[str, float]] = {}
        need_place: dict[tuple[str, str], float] = {}
        gap: dict[tuple[str, str], float] = {}
        for cell in cells:
            band = demand.plans[(*cell, year)].scaled(factor)
            out.plans[(*cell, year)] = band
            shares = demand.shares.get(cell, {})
            placed[cell] = {p: band.median * shares.get(p, 0.0) for p in PLACEMENT_KEYS}
            need_place[cell] = _specialist(band.median, shares)
            gap[cell] = need_place[cell] - capacity.get(cell, 0.0)
        extra_cost = open_places(changes, year, costs, placed, gap, need_place)
        # Each share applies to the independent placements the places and any earlier
        # share left: 10 % and 20 % fewer together is 28 % fewer, never more than there are.
        for start, reduction in reductions:
            if year < start:
                continue
            for cell in cells:
                moved = placed[cell]["independent"] * reduction
                placed[cell]["independent"] -= moved
                placed[cell]["special"] += moved
        for cell in cells:
            out.demand[(*cell, year)] = need_place[cell]
            out.capacity[(*cell, year)] = need_place[cell] - gap[cell]
        for p in PLACEMENT_KEYS:
            count = sum(placed[c][p] for c in cells)
            out.placements[(p, year)] = count
            # Planned provision with its own cost per place adds the difference from the
            # unit cost of its kind to that kind's line.
            out.spend[(p, year)] = count * costs.per_place[p] + extra_cost.get(p, 0.0)
        specialist = sum(out.placements[(p, year)] for p in SPECIALIST)
        out.spend[("transport", year)] = specialist * costs.transport
        spent = sum(v for (_, y), v in out.spend.items() if y == year)
        ratio = out.total[year]
        scale_lo = ratio.lower / ratio.median if ratio.median else 1.0
        scale_up = ratio.upper / ratio.median if ratio.median else 1.0
        # The spend band is the plans band applied to spend: costs are fixed inputs, so the
        # uncertainty is the caseload's (breakdown quantiles would not add up).
        out.spend_total[year] = Band(spent, spent * scale_lo, spent * scale_up)
    return out


def _example_demand() -> Demand:
    """A one-need area for the examples: 20 plans in each phase, half of them in special
    schools, forecast for 2026 only."""
    return Demand(
        la_code="E09000022",
        la_name="Lambeth",
        origin_year=2025,
        actuals=((2025, 100.0),),
        years=(2026,),
        total={2026: Band(100.0, 90.0, 110.0)},
        plans={("ASD", f, 2026): Band(20.0, 18.0, 22.0) for f in PHASE_KEYS},
        shares={("ASD", f): {"mainstream": 0.5, "special": 0.5} for f in PHASE_KEYS},
    )
