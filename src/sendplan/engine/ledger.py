"""The ledger of committed spend: what the placements on the record cost, by financial year.

Pure arithmetic, no Django. A placement's annual cost is its place funding, top-up (the
band's or an agreed amount), independent or non-maintained fee, transport, and the health
and social care contributions where it is jointly funded. Each financial year (1 April to
31 March) carries the share of that cost for the days the placement is open in it, counting
both its first and its last day.

Each part of the cost has one payer:

- the council's high-needs block (Dedicated Schools Grant): place funding, top-up and fee;
- the council's home-to-school transport budget: transport;
- health (the integrated care board): the health contribution;
- the council's social care budget: the social care contribution.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

HIGH_NEEDS = "high_needs"
TRANSPORT = "transport"
HEALTH = "health"
SOCIAL_CARE = "social_care"

#: Who pays each part, in the order the pages show them.
PARTNERS: dict[str, str] = {
    HIGH_NEEDS: "Council: high-needs block",
    TRANSPORT: "Council: home-to-school transport",
    HEALTH: "Health",
    SOCIAL_CARE: "Council: social care",
}


def financial_year(day: dt.date) -> int:
    """The calendar year a financial year starts in: 2026 for 1 April 2026 to 31 March 2027.

    >>> financial_year(dt.date(2027, 3, 31)), financial_year(dt.date(2027, 4, 1))
    (2026, 2027)
    """
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    """>>> financial_year_label(2026)
    '2026-27'
    """
    return f"{year}-{(year + 1) % 100:02d}"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the financial year starting in April of ``year``."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def share_of_year(starts: dt.date, ends: dt.date | None, year: int) -> float:
    """The fraction of the financial year a placement from ``starts`` to ``ends`` (its last
    day, or None while open) covers, counted in days.

    >>> share_of_year(dt.date(2026, 4, 1), None, 2026)
    1.0
    >>> share_of_year(dt.date(2026, 9, 1), dt.date(2026, 8, 31), 2026)
    0.0
    """
    first, last = year_bounds(year)
    start = max(starts, first)
    end = last if ends is None else min(ends, last)
    if end < start:
        return 0.0
    return ((end - start).days + 1) / ((last - first).days + 1)


@dataclass(frozen=True)
class CostedPlacement:
    """One placement and its annual cost in pounds, part by part."""

    kind: str  # the type of placement (a provision strand's kind)
    setting: str
    starts: dt.date
    ends: dt.date | None  # the last day, or None while open
    place_funding: int = 0
    top_up: int = 0
    fee: int = 0
    transport: int = 0
    health: int = 0
    social_care: int = 0

    def by_partner(self) -> dict[str, int]:
        """The annual cost each partner pays."""
        return {
            HIGH_NEEDS: self.place_funding + self.top_up + self.fee,
            TRANSPORT: self.transport,
            HEALTH: self.health,
            SOCIAL_CARE: self.social_care,
        }

    @property
    def annual_cost(self) -> int:
        return sum(self.by_partner().values())


@dataclass
class Ledger:
    """Committed spend in pounds (not rounded: round only what is shown), by financial year."""

    years: list[int]
    by_kind: dict[tuple[str, int], float] = field(default_factory=dict)
    by_partner: dict[tuple[str, int], float] = field(default_factory=dict)
    kind_partner: dict[tuple[str, str, int], float] = field(default_factory=dict)
    placements: dict[tuple[str, int], float] = field(default_factory=dict)

    def total(self, year: int) -> float:
        return sum(v for (_, y), v in self.by_partner.items() if y == year)

    def partner(self, partner: str, year: int) -> float:
        return self.by_partner.get((partner, year), 0.0)

    def kinds(self) -> list[str]:
        """Kinds with any spend or placement, in the order first seen."""
        return list(dict.fromkeys(k for k, _ in [*self.by_kind, *self.placements]))


def committed_spend(placements: Iterable[CostedPlacement], years: Iterable[int]) -> Ledger:
    """Committed spend of ``placements`` in each financial year of ``years``, by kind and
    by partner; ``placements`` counts full-year equivalents of learners placed."""
    result = Ledger(years=list(years))
    for placement in placements:
        parts = placement.by_partner()
        for year in result.years:
            share = share_of_year(placement.starts, placement.ends, year)
            if share == 0:
                continue
            key = (placement.kind, year)
            result.placements[key] = result.placements.get(key, 0.0) + share
            for partner, annual in parts.items():
                amount = annual * share
                result.by_kind[key] = result.by_kind.get(key, 0.0) + amount
                result.by_partner[(partner, year)] = (
                    result.by_partner.get((partner, year), 0.0) + amount
                )
                triple = (placement.kind, partner, year)
                result.kind_partner[triple] = result.kind_partner.get(triple, 0.0) + amount
    return result


@dataclass(frozen=True)
class PlacesUsed:
    """Commissioned places at a setting against the placements open there on a day.

    ``promised``: places named in amendments not yet issued, held and so not vacant.
    ``by_strand``: (vacant, over) counted strand by strand, where the caller knows them (a
    spare place in one strand does not fill another); without it, from the totals.
    """

    setting: str
    commissioned: int
    occupied: int
    promised: int = 0
    by_strand: tuple[int, int] | None = None

    @property
    def vacant(self) -> int:
        if self.by_strand is not None:
            return self.by_strand[0]
        return max(self.commissioned - self.occupied - self.promised, 0)

    @property
    def over(self) -> int:
        if self.by_strand is not None:
            return self.by_strand[1]
        return max(self.occupied + self.promised - self.commissioned, 0)
