"""Places and money from a caseload forecast: pure Python, no Django, no database.

The engine forecasts plans; this module turns one area's forecast into what a commissioner
plans with: plans by need x phase x year, the learners who need a specialist place against
the area's own specialist places (the gap), and the high-needs spend by placement type, for
the baseline and for each scenario. Everything here is arithmetic the tests can check by
hand: spend = placements x unit cost, gap = demand - capacity.

The gap counts every learner whose placement is specialist (resourced provision or an SEN
unit, a special school, an independent or non-maintained special school) as needing a
local specialist place. Learners in independent places today are there, in the main,
because the area has too few places of its own, so new local places take them first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sendplan.engine.codes import PHASE_KEYS, PHASES

#: The issue's placement types, in the order every table shows them.
PLACEMENTS: tuple[tuple[str, str], ...] = (
    ("mainstream", "Mainstream school"),
    ("resourced", "Resourced provision or SEN unit"),
    ("special", "Special school (maintained, academy or free)"),
    ("independent", "Independent or non-maintained special school"),
    ("fe", "Further education and post-16 providers"),
    ("other", "Other (alternative provision, educated elsewhere, not known)"),
)
PLACEMENT_KEYS = tuple(p[0] for p in PLACEMENTS)
PLACEMENT_LABELS = dict(PLACEMENTS)
SPECIALIST = ("resourced", "special", "independent")


@dataclass(frozen=True)
class Band:
    """A central (median) figure and its 80 % interval."""

    median: float
    lower: float
    upper: float

    def scaled(self, factor: float) -> Band:
        return Band(self.median * factor, self.lower * factor, self.upper * factor)


@dataclass(frozen=True)
class Demand:
    """One area's forecast, as the engine and the release files give it.

    ``plans[(need, phase, year)]`` are plans by primary need and phase; ``shares[(need,
    phase)]`` the share of those plans in each placement type at the origin.
    """

    la_code: str
    la_name: str
    origin_year: int
    actuals: tuple[tuple[int, float], ...]
    years: tuple[int, ...]
    total: dict[int, Band]
    plans: dict[tuple[str, str, int], Band]
    shares: dict[tuple[str, str], dict[str, float]]

    @property
    def needs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n, _, _ in self.plans))

    def to_json(self) -> dict[str, Any]:
        return {
            "la_code": self.la_code,
            "la_name": self.la_name,
            "origin_year": self.origin_year,
            "actuals": [list(a) for a in self.actuals],
            "years": list(self.years),
            "total": {str(y): [b.median, b.lower, b.upper] for y, b in self.total.items()},
            "plans": [[n, f, y, b.median, b.lower, b.upper] for (n, f, y), b in self.plans.items()],
            "shares": [[n, f, s] for (n, f), s in self.shares.items()],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Demand:
        return cls(
            la_code=data["la_code"],
            la_name=data["la_name"],
            origin_year=int(data["origin_year"]),
            actuals=tuple((int(y), float(v)) for y, v in data["actuals"]),
            years=tuple(int(y) for y in data["years"]),
            total={int(y): Band(*v) for y, v in data["total"].items()},
            plans={(n, f, int(y)): Band(m, lo, up) for n, f, y, m, lo, up in data["plans"]},
            shares={(n, f): dict(s) for n, f, s in data["shares"]},
        )


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
    key: str
    name: str
    special_places: float = 0
    resourced_places: float = 0
    independent_reduction_pct: float = 0
    growth_pct: float | None = None
    start_year: int = 0
    need: str | None = None
    phase: str | None = None


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
        key = (need, phase, year)
        return self.demand[key] - self.capacity[key]

    def years(self) -> list[int]:
        return sorted(self.total)

    def shortfall(self, year: int) -> float:
        """Places short, summed over the cells that are short (surpluses do not offset)."""
        return sum(max(self.demand[k] - self.capacity[k], 0.0) for k in self.demand if k[2] == year)

    def net_gap(self, year: int) -> float:
        return sum(self.demand[k] - self.capacity[k] for k in self.demand if k[2] == year)

    def cumulative_spend(self, years: int) -> float:
        chosen = self.years()[:years]
        return sum(self.spend_total[y].median for y in chosen)


def allocate_capacity(
    strands: Iterable[StrandPlaces], demand: Demand
) -> dict[tuple[str, str], float]:
    """Spread each strand's places over the (need, phase) cells it serves.

    Over phases in proportion to the years of age it covers in each; over its designated
    needs (all needs when it has none) in proportion to the origin year's learners needing
    a specialist place, so an ASD-and-SLCN strand is shared as those learners are.
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
    A new local place takes a learner from an independent place only while the cell is
    short of places (a learner placed independently by choice stays there).
    """
    changes = list(new_provision)
    reduction = 0.0
    if scenario is not None:
        if scenario.growth_pct is not None:
            growth_pct = scenario.growth_pct
        for kind, places in (
            ("special", scenario.special_places),
            ("resourced", scenario.resourced_places),
        ):
            if places:
                changes.append(
                    PlaceChange(kind, places, scenario.start_year, scenario.need, scenario.phase)
                )
        reduction = scenario.independent_reduction_pct / 100
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
        extra_cost = dict.fromkeys(PLACEMENT_KEYS, 0.0)
        for change in changes:
            if change.from_year > year:
                continue
            for cell, places in _spread(change, cells, gap, need_place).items():
                moved = min(places, placed[cell]["independent"], max(gap[cell], 0.0))
                placed[cell]["independent"] -= moved
                placed[cell][change.kind] += moved
                gap[cell] -= places
                if change.cost_per_place is not None:
                    extra = moved * (change.cost_per_place - costs.per_place[change.kind])
                    extra_cost[change.kind] += extra
        if scenario is not None and reduction and year >= scenario.start_year:
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
            out.spend[(p, year)] = count * costs.per_place[p] + extra_cost[p]
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
