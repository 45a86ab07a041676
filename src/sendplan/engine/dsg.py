"""The Dedicated Schools Grant management plan and what one decision does to the position.

Pure arithmetic, no Django. Pounds are summed unrounded; round only what is shown.

The management plan is the high-needs block's income, spend and cumulative deficit by
financial year (April to March), with and without the area's mitigations:

- **Spend** starts from what the record commits this year (the ledger's high-needs share)
  and grows as the forecast does: a later year's spend is this year's committed spend times
  the forecast's spend that year over its spend this year. A mitigation (a scenario of the
  forecast: new local places, fewer independent placements) is the same level times the
  scenario's spend over the *baseline's* spend this year, so its saving is the forecast's
  saving scaled to the record.
- **Income** is the high-needs budget the council set for each year; a year without one
  keeps the latest earlier year's (cash flat), and is marked as assumed.
- **Central spend** is what the high-needs block pays outside placements (alternative
  provision, hospital education, SEN support and sensory services): the lines the council
  recorded for each year, summed. A line without a recorded figure for a year is projected
  from its last recorded year (:func:`central_projection`): with the EHCP caseload forecast
  for the lines that follow plans, by an annual uplift for the rest; recorded figures are
  never replaced. Mitigations do not move it.
- **The cumulative deficit** carried forward at 31 March is the deficit brought forward
  plus spend minus income; negative is a surplus.

A decision (a new placement, a move back from an independent placement, a new base) is a
change in high-needs spend a year from the day it starts: each financial year carries the
share of it for the days after that day, as the ledger counts placements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sendplan.engine.ledger import financial_year_label, share_of_year


@dataclass(frozen=True)
class DsgYear:
    """One financial year of a management plan, in pounds."""

    year: int
    income: float
    income_assumed: bool  # no budget set for this year: the latest earlier one, held flat
    spend: float  # on placements
    brought_forward: float  # cumulative deficit at 1 April (negative: a surplus)
    central: float = 0.0  # central high-needs spend outside placements
    central_projected: float = 0.0  # the part of ``central`` projected, not recorded

    @property
    def total_spend(self) -> float:
        """Placements and central spend: what the high-needs block pays this year."""
        return self.spend + self.central

    @property
    def label(self) -> str:
        return financial_year_label(self.year)

    @property
    def in_year(self) -> float:
        """Spend (placements and central) minus income: this year's deficit (negative: a
        surplus)."""
        return self.total_spend - self.income

    @property
    def carried_forward(self) -> float:
        """Cumulative deficit at 31 March (negative: a surplus)."""
        return self.brought_forward + self.in_year


@dataclass(frozen=True)
class DsgPlan:
    """A management plan: the years without mitigations, and with each one by its name."""

    opening_deficit: float
    without: list[DsgYear]
    mitigated: dict[str, list[DsgYear]]
    central: list[CentralYear] = field(default_factory=list)  # line by line, each year

    @property
    def years(self) -> list[int]:
        return [y.year for y in self.without]

    def savings(self, name: str) -> list[float]:
        """What the mitigation saves each year against the plan without it."""
        return [a.spend - b.spend for a, b in zip(self.without, self.mitigated[name], strict=True)]


def income_by_year(budgets: Mapping[int, float], years: Sequence[int]) -> list[tuple[float, bool]]:
    """Each year's income and whether it was assumed: a year without a budget takes the
    latest earlier year's. ValueError when the first year has none and none came before.

    >>> income_by_year({2025: 90.0, 2027: 110.0}, [2026, 2027, 2028])
    [(90.0, True), (110.0, False), (110.0, True)]
    """
    out: list[tuple[float, bool]] = []
    for year in years:
        if year in budgets:
            out.append((float(budgets[year]), False))
            continue
        earlier = [y for y in budgets if y < year]
        if not earlier:
            raise ValueError(
                f"budgets: no high-needs budget for {financial_year_label(year)} or before"
            )
        out.append((float(budgets[max(earlier)]), True))
    return out


@dataclass(frozen=True)
class CentralLine:
    """One line of central high-needs spend in a financial year, in pounds: planned, or
    actual once known."""

    year: int
    line: str
    amount: float
    actual: bool = False


#: Central lines whose cost follows the number of learners with plans: top-ups for post-16
#: and post-19 learners outside placements are paid per learner with a plan, and sensory,
#: outreach and specialist teaching services are sized to the plans they support. A year
#: without a recorded figure grows from the last recorded one as the area's EHCP caseload
#: forecast (its central figure) does (ADR 0146). Codes as ``CentralLineKind``.
CASELOAD_LINES: frozenset[str] = frozenset({"post16", "sensory"})

#: The default annual uplift for the other central lines (alternative provision, hospital
#: education, SEN support and inclusion services, other): contracts and service budgets that
#: rise with pay and prices, not with plans. Each area sets its own with its assumptions
#: (ADR 0146); this is the default there too.
CENTRAL_UPLIFT = 0.02

RECORDED = "recorded"
CASELOAD = "caseload"
UPLIFT = "uplift"


@dataclass(frozen=True)
class CentralFigure:
    """One central line's spend in one financial year, in pounds: the sum of its recorded
    rows (``basis`` "recorded"), or projected from ``base_year``, the last year with a
    recorded figure, by ``basis`` "caseload" or "uplift". Before any recorded figure the line
    is £0, basis "none"."""

    line: str
    year: int
    amount: float
    basis: str
    base_year: int | None = None

    @property
    def projected(self) -> bool:
        return self.basis in (CASELOAD, UPLIFT)


@dataclass(frozen=True)
class CentralYear:
    """A financial year's central spend: one figure per line that has ever been recorded."""

    year: int
    figures: tuple[CentralFigure, ...]

    @property
    def total(self) -> float:
        return sum(f.amount for f in self.figures)

    @property
    def projected(self) -> float:
        """The part of the total projected, not recorded (0.0: all recorded)."""
        return sum(f.amount for f in self.figures if f.projected)


def central_projection(
    lines: Sequence[CentralLine],
    years: Sequence[int],
    *,
    caseload: Mapping[int, float] | None = None,
    uplift: float = CENTRAL_UPLIFT,
    caseload_lines: frozenset[str] = CASELOAD_LINES,
) -> list[CentralYear]:
    """Each year's central spend, line by line: a recorded figure (the sum of the line's rows
    that year) is kept as it is; a year without one is projected from the line's last
    recorded year before it. Lines in ``caseload_lines`` grow as ``caseload`` (plans by
    financial year) does between the two years; the others, and a caseload line when the
    caseload lacks either year, by ``uplift`` a year, compounded.

    >>> years = central_projection(
    ...     [CentralLine(2026, "ap", 100.0), CentralLine(2026, "post16", 50.0)],
    ...     [2026, 2027], caseload={2026: 1000.0, 2027: 1100.0}, uplift=0.02)
    >>> [(f.line, round(f.amount, 2), f.basis) for f in years[1].figures]
    [('ap', 102.0, 'uplift'), ('post16', 55.0, 'caseload')]
    """
    if uplift <= -1:
        raise ValueError("uplift: a fraction a year above -1 (0.02 for 2 %)")
    recorded: dict[str, dict[int, float]] = {}
    for entry in lines:
        if entry.amount < 0:
            raise ValueError(f"{entry.line}: pounds, not negative")
        by_year = recorded.setdefault(entry.line, {})
        by_year[entry.year] = by_year.get(entry.year, 0.0) + float(entry.amount)
    growth = caseload or {}
    out: list[CentralYear] = []
    for year in years:
        figures: list[CentralFigure] = []
        for line in sorted(recorded):
            by_year = recorded[line]
            if year in by_year:
                figures.append(CentralFigure(line, year, by_year[year], RECORDED, year))
                continue
            earlier = [y for y in by_year if y < year]
            if not earlier:
                figures.append(CentralFigure(line, year, 0.0, "none"))
                continue
            base = max(earlier)
            if line in caseload_lines and growth.get(base, 0) > 0 and year in growth:
                amount = by_year[base] * growth[year] / growth[base]
                figures.append(CentralFigure(line, year, amount, CASELOAD, base))
            else:
                amount = by_year[base] * (1 + uplift) ** (year - base)
                figures.append(CentralFigure(line, year, amount, UPLIFT, base))
        out.append(CentralYear(year, tuple(figures)))
    return out


def rolled_spend(
    *, committed: float, first: int, baseline: Mapping[int, float], path: Mapping[int, float]
) -> dict[int, float]:
    """Spend by year from this year's committed spend, moving as ``path`` does against the
    baseline's figure for ``first`` (``path`` is the baseline itself, or a scenario).

    >>> rolled_spend(committed=50.0, first=2026, baseline={2026: 100.0, 2027: 120.0},
    ...              path={2026: 100.0, 2027: 110.0})
    {2026: 50.0, 2027: 55.0}
    """
    start = baseline.get(first, 0.0)
    if start <= 0:
        raise ValueError("baseline: the forecast has no spend in the plan's first year")
    return {y: committed * path[y] / start for y in sorted(path) if y >= first}


def _years(
    income: list[tuple[float, bool]],
    spend: Sequence[float],
    years: Sequence[int],
    opening: float,
    central: list[CentralYear],
) -> list[DsgYear]:
    rows: list[DsgYear] = []
    balance = opening
    for year, (amount, assumed), cost, centre in zip(years, income, spend, central, strict=True):
        row = DsgYear(
            year=year,
            income=amount,
            income_assumed=assumed,
            spend=cost,
            brought_forward=balance,
            central=centre.total,
            central_projected=centre.projected,
        )
        rows.append(row)
        balance = row.carried_forward
    return rows


def dsg_plan(
    *,
    years: Sequence[int],
    budgets: Mapping[int, float],
    spend: Mapping[int, float],
    mitigations: Mapping[str, Mapping[int, float]] | None = None,
    opening_deficit: float = 0.0,
    central: Sequence[CentralLine] = (),
    caseload: Mapping[int, float] | None = None,
    uplift: float = CENTRAL_UPLIFT,
) -> DsgPlan:
    """The management plan over ``years`` (consecutive financial years, the first this one).

    ``spend`` is the high-needs spend by year without mitigations, ``mitigations`` the spend
    with each mitigation by its name; ``opening_deficit`` the cumulative deficit brought
    forward at 1 April of the first year (negative: a surplus); ``central`` the lines of
    central high-needs spend, the same with and without mitigations, projected for years
    without a recorded figure by :func:`central_projection` from ``caseload`` (plans by
    financial year) and ``uplift``.
    """
    chosen = list(years)
    if not chosen:
        raise ValueError("years: at least one financial year")
    if chosen != list(range(chosen[0], chosen[0] + len(chosen))):
        raise ValueError("years: consecutive financial years, earliest first")
    for name, path in {"spend": spend, **(mitigations or {})}.items():
        missing = [y for y in chosen if y not in path]
        if missing:
            raise ValueError(f"{name}: no spend for {financial_year_label(missing[0])}")
    income = income_by_year(budgets, chosen)
    centre = central_projection(central, chosen, caseload=caseload, uplift=uplift)
    return DsgPlan(
        opening_deficit=opening_deficit,
        central=centre,
        without=_years(income, [spend[y] for y in chosen], chosen, opening_deficit, centre),
        mitigated={
            name: _years(income, [path[y] for y in chosen], chosen, opening_deficit, centre)
            for name, path in (mitigations or {}).items()
        },
    )


@dataclass(frozen=True)
class Decision:
    """A change in high-needs spend of ``annual`` pounds a year from ``starts`` on (its first
    day), open-ended; negative saves money."""

    label: str
    starts: dt.date
    annual: float

    def effect(self, years: Sequence[int]) -> dict[int, float]:
        """The change in each financial year, for the days of the year from ``starts``.

        >>> Decision("x", dt.date(2027, 1, 1), 36_500.0).effect([2026, 2027])
        {2026: 9000.0, 2027: 36500.0}
        """
        return {y: self.annual * share_of_year(self.starts, None, y) for y in years}


def new_placement(*, cost: float, starts: dt.date, label: str = "A new placement") -> Decision:
    """One more learner placed at an annual high-needs cost of ``cost``."""
    if cost < 0:
        raise ValueError("cost: pounds a year, not negative")
    return Decision(label, starts, float(cost))


def move_back(
    *, fee: float, local_cost: float, starts: dt.date, label: str = "A move back"
) -> Decision:
    """A learner moved from an independent placement costing ``fee`` to a local place costing
    ``local_cost`` a year: the difference, usually a saving."""
    if fee < 0 or local_cost < 0:
        raise ValueError("fee, local_cost: pounds a year, not negative")
    return Decision(label, starts, float(local_cost) - float(fee))


def new_base(
    *,
    places: int,
    cost_per_place: float,
    from_independent: int,
    independent_fee: float,
    starts: dt.date,
    label: str = "A new base",
) -> Decision:
    """A base of ``places`` places at ``cost_per_place`` a year each (place funding and
    top-up), ``from_independent`` of them filled by learners who would otherwise be placed
    independently at ``independent_fee``: the places' cost less the fees they avoid."""
    if places < 1:
        raise ValueError("places: at least 1")
    if not 0 <= from_independent <= places:
        raise ValueError("from_independent: between 0 and the places")
    if cost_per_place < 0 or independent_fee < 0:
        raise ValueError("cost_per_place, independent_fee: pounds a year, not negative")
    return Decision(
        label, starts, places * float(cost_per_place) - from_independent * float(independent_fee)
    )
