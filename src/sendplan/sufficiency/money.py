"""The money page's figures, computed once: the ledger of committed spend this and next
financial year, the high-needs budget and the forecast, as the page, chart and downloads
show them (ADR 0132)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from sendplan.core.charts import bar_chart
from sendplan.engine import (
    CENTRAL_UPLIFT,
    HIGH_NEEDS,
    PARTNERS,
    PLACEMENT_KEYS,
    CentralLine,
    CostedPlacement,
    Decision,
    Ledger,
    PlacesUsed,
    central_projection,
    committed_spend,
    financial_year,
    financial_year_label,
)
from sendplan.provision.models import ProvisionStrand
from sendplan.sufficiency.models import CentralSpend
from sendplan.sufficiency.report import Report, count, money
from sendplan.web.spreadsheets import Cell, Table

KIND_LABELS: dict[str, str] = {**dict(ProvisionStrand.Kind.choices), "other": "Other placements"}


@dataclass(frozen=True)
class Position:
    """One financial year's high-needs position: budget, committed spend on placements,
    central spend outside them, and the forecast outturn."""

    year: int
    budget: int | None
    committed: float  # the high-needs block's share of the ledger
    forecast: float | None  # the sufficiency forecast's spend on placements, if a run has it
    central: float = 0.0  # central high-needs spend, recorded or projected, for the year
    central_projected: float = 0.0  # the part of ``central`` projected, not recorded

    @property
    def label(self) -> str:
        return financial_year_label(self.year)

    @property
    def spend(self) -> float:
        """Committed placements and central spend: what the block is set to pay."""
        return self.committed + self.central

    @property
    def headroom(self) -> float | None:
        """Budget left after committed and central spend; negative when they exceed it."""
        return None if self.budget is None else self.budget - round(self.spend)

    @property
    def outturn(self) -> float | None:
        """The forecast outturn: the forecast's spend on placements plus central spend."""
        return None if self.forecast is None else self.forecast + self.central


@dataclass(frozen=True)
class Money:
    today: dt.date
    years: list[int]
    ledger: Ledger
    positions: list[Position]
    places: list[PlacesUsed]

    @property
    def kinds(self) -> list[str]:
        known = [k for k in KIND_LABELS if k in self.ledger.kinds()]
        return known + [k for k in self.ledger.kinds() if k not in KIND_LABELS]


def forecast_high_needs(report: Report | None, year: int) -> float | None:
    """The forecast's spend on placements (transport left out) for the financial year
    starting in April of ``year``: its figure for the January inside that year."""
    if report is None or year + 1 not in report.years:
        return None
    return sum(report.baseline.spend[(k, year + 1)] for k in PLACEMENT_KEYS)


def caseload_by_year(report: Report | None) -> dict[int, float]:
    """Plans by financial year, as central spend grows with them: the January inside the
    year, published where the run has it, else the forecast's central figure. Empty without
    a run."""
    if report is None:
        return {}
    january = {y: b.median for y, b in report.baseline.total.items()}
    january.update({y: float(v) for y, v in report.demand.actuals})
    return {y - 1: v for y, v in january.items()}


def money_figures(
    *,
    today: dt.date,
    placements: list[CostedPlacement],
    budgets: dict[int, int],
    places: list[PlacesUsed],
    report: Report | None,
    central: list[CentralLine] | None = None,
    uplift: float = CENTRAL_UPLIFT,
) -> Money:
    this_year = financial_year(today)
    years = [this_year, this_year + 1]
    result = committed_spend(placements, years)
    centre = central_projection(
        central or [], years, caseload=caseload_by_year(report), uplift=uplift
    )
    positions = [
        Position(
            year=y,
            budget=budgets.get(y),
            committed=result.partner(HIGH_NEEDS, y),
            forecast=forecast_high_needs(report, y),
            central=c.total,
            central_projected=c.projected,
        )
        for y, c in zip(years, centre, strict=True)
    ]
    return Money(today=today, years=years, ledger=result, positions=positions, places=places)


def _cells(values: list[float]) -> list[str]:
    return [money(v) for v in values]


def kind_rows(m: Money) -> list[dict[str, Any]]:
    rows = [
        {
            "label": KIND_LABELS.get(k, k),
            "learners": [count(m.ledger.placements.get((k, y), 0)) for y in m.years],
            "cells": _cells([m.ledger.by_kind.get((k, y), 0.0) for y in m.years]),
        }
        for k in m.kinds
    ]
    return rows


def partner_rows(m: Money) -> list[dict[str, Any]]:
    return [
        {"label": label, "cells": _cells([m.ledger.partner(p, y) for y in m.years])}
        for p, label in PARTNERS.items()
    ]


def totals(m: Money) -> list[str]:
    return _cells([m.ledger.total(y) for y in m.years])


def spend_by_kind_chart(m: Money) -> SafeString:
    year = m.years[0]
    return bar_chart(
        chart_id="money-by-kind",
        title=f"Committed spend by placement type, {financial_year_label(year)}",
        rows=[(KIND_LABELS.get(k, k), m.ledger.by_kind.get((k, year), 0.0)) for k in m.kinds],
        fmt=money,
    )


def central_lines(rows: Iterable[CentralSpend]) -> list[CentralLine]:
    """The engine's view of the LA's central lines."""
    return [
        CentralLine(year=r.financial_year, line=r.line, amount=float(r.amount), actual=r.actual)
        for r in rows
    ]


def central_rows(rows: Iterable[CentralSpend]) -> list[dict[str, Any]]:
    return [
        {
            "pk": r.pk,
            "year": financial_year_label(r.financial_year),
            "line": r.get_line_display(),
            "partner": r.partner,
            "amount": f"£{r.amount:,}",  # exactly as entered
            "actual": r.actual,
        }
        for r in rows
    ]


def central_table(rows: Iterable[CentralSpend]) -> Table:
    return Table(
        name="central",
        title="Central high-needs spend by line",
        header=["Financial year", "Line", "Partner or provider", "Amount", "Planned or actual"],
        rows=[
            [
                financial_year_label(r.financial_year),
                r.get_line_display(),
                r.partner,
                r.amount,
                "actual" if r.actual else "planned",
            ]
            for r in rows
        ],
    )


def money_tables(m: Money, central: Iterable[CentralSpend] = ()) -> list[Table]:
    """The page's tables for download: whole pounds, the same figures the page rounds."""
    labels = [financial_year_label(y) for y in m.years]
    type_rows: list[list[Cell]] = [
        [
            KIND_LABELS.get(k, k),
            *(round(m.ledger.placements.get((k, y), 0), 1) for y in m.years),
            *(round(m.ledger.by_kind.get((k, y), 0.0)) for y in m.years),
        ]
        for k in m.kinds
    ]
    type_rows.append(
        ["Total", *("" for _ in m.years), *(round(m.ledger.total(y)) for y in m.years)]
    )
    payer_rows: list[list[Cell]] = [
        [label, *(round(m.ledger.partner(p, y)) for y in m.years)] for p, label in PARTNERS.items()
    ]
    payer_rows.append(["Total", *(round(m.ledger.total(y)) for y in m.years)])
    by_kind = Table(
        name="by-type",
        title="Committed spend by placement type",
        header=["Placement type", *(f"Learners {y}" for y in labels), *labels],
        rows=type_rows,
    )
    by_partner = Table(
        name="by-partner",
        title="Committed spend by who pays",
        header=["Who pays", *labels],
        rows=payer_rows,
    )
    budget = Table(
        name="budget",
        title="High-needs budget against committed spend and the forecast",
        header=[
            "Financial year",
            "High-needs budget",
            "Committed high-needs spend on placements",
            "Central high-needs spend",
            "Of which projected (no line recorded for the year)",
            "Budget left (negative: over)",
            "Forecast high-needs spend on placements",
            "Forecast outturn (placements and central)",
        ],
        rows=[
            [
                p.label,
                p.budget,
                round(p.committed),
                round(p.central),
                round(p.central_projected),
                p.headroom,
                None if p.forecast is None else round(p.forecast),
                None if p.outturn is None else round(p.outturn),
            ]
            for p in m.positions
        ],
    )
    places = Table(
        name="places",
        title=f"Places commissioned and occupied on {m.today.isoformat()}",
        header=[
            "Setting",
            "Places commissioned",
            "Places occupied",
            "Held for proposed amendments",
            "Vacant",
            "Over",
        ],
        rows=[
            [p.setting, p.commissioned, p.occupied, p.promised, p.vacant, p.over] for p in m.places
        ],
    )
    return [by_kind, by_partner, budget, central_table(central), places]


def independent_fee_on_record(m: Money) -> float | None:
    """The mean high-needs cost of an independent placement on the record this year (full-year
    equivalents), or None with none: the fee a new base avoids per learner it takes."""
    year = m.years[0]
    learners = m.ledger.placements.get((ProvisionStrand.Kind.INDEPENDENT, year), 0.0)
    if learners <= 0:
        return None
    spend = m.ledger.kind_partner.get((ProvisionStrand.Kind.INDEPENDENT, HIGH_NEEDS, year), 0.0)
    return spend / learners


def decision_rows(m: Money, decision: Decision) -> list[dict[str, Any]]:
    """This year's and next year's high-needs position before and after ``decision``: committed
    spend, budget left and forecast outturn, each moved by the decision's share of the year."""
    effect = decision.effect(m.years)
    rows = []
    for p in m.positions:
        change = effect[p.year]
        after = p.committed + change
        headroom = None if p.budget is None else p.budget - round(after + p.central)
        rows.append(
            {
                "label": p.label,
                "change": money(abs(change)),
                "saves": change < -0.5,
                "zero": abs(change) <= 0.5,
                "committed": money(p.committed),
                "committed_after": money(after),
                "budget": None if p.budget is None else money(p.budget),
                "headroom_after": None if headroom is None else money(abs(headroom)),
                "over_after": headroom is not None and headroom < 0,
                "forecast": None if p.outturn is None else money(p.outturn),
                "forecast_after": None if p.outturn is None else money(p.outturn + change),
            }
        )
    return rows
