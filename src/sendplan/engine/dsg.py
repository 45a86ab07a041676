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
  recorded for each year, summed; a year without any keeps the latest earlier year's total
  (cash flat), marked as assumed. Mitigations do not move it.
- **The cumulative deficit** carried forward at 31 March is the deficit brought forward
  plus spend minus income; negative is a surplus.

A decision (a new placement, a move back from an independent placement, a new base) is a
change in high-needs spend a year from the day it starts: each financial year carries the
share of it for the days after that day, as the ledger counts placements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    central_assumed: bool = False  # no central line for this year: the latest earlier total

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


def central_by_year(lines: Sequence[CentralLine], years: Sequence[int]) -> list[tuple[float, bool]]:
    """Each year's central spend and whether it was assumed: the sum of its lines, or, for a
    year without any, the latest earlier year's sum (0.0, not assumed, with none before).

    >>> central_by_year([CentralLine(2026, "AP", 3.0), CentralLine(2026, "Hospital", 2.0),
    ...                  CentralLine(2028, "AP", 4.0)], [2026, 2027, 2028, 2029])
    [(5.0, False), (5.0, True), (4.0, False), (4.0, True)]
    """
    totals: dict[int, float] = {}
    for entry in lines:
        if entry.amount < 0:
            raise ValueError(f"{entry.line}: pounds, not negative")
        totals[entry.year] = totals.get(entry.year, 0.0) + float(entry.amount)
    out: list[tuple[float, bool]] = []
    for year in years:
        if year in totals:
            out.append((totals[year], False))
            continue
        earlier = [y for y in totals if y < year]
        out.append((totals[max(earlier)], True) if earlier else (0.0, False))
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
    central: list[tuple[float, bool]],
) -> list[DsgYear]:
    rows: list[DsgYear] = []
    balance = opening
    for year, (amount, assumed), cost, (centre, centre_assumed) in zip(
        years, income, spend, central, strict=True
    ):
        row = DsgYear(
            year=year,
            income=amount,
            income_assumed=assumed,
            spend=cost,
            brought_forward=balance,
            central=centre,
            central_assumed=centre_assumed,
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
) -> DsgPlan:
    """The management plan over ``years`` (consecutive financial years, the first this one).

    ``spend`` is the high-needs spend by year without mitigations, ``mitigations`` the spend
    with each mitigation by its name; ``opening_deficit`` the cumulative deficit brought
    forward at 1 April of the first year (negative: a surplus); ``central`` the lines of
    central high-needs spend, the same with and without mitigations.
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
    centre = central_by_year(central, chosen)
    return DsgPlan(
        opening_deficit=opening_deficit,
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
