"""The DSG management plan page's figures, computed once for the page and its downloads
(ADR 0138): this year's committed high-needs spend rolled forward as the forecast moves,
against the budgets the council set, with and without the scenarios as mitigations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sendplan.engine import (
    CASELOAD_LINES,
    CENTRAL_UPLIFT,
    PLACEMENT_KEYS,
    CentralFigure,
    CentralLine,
    DsgPlan,
    DsgYear,
    Projection,
    dsg_plan,
    financial_year_label,
    rolled_spend,
)
from sendplan.sufficiency.models import CentralLineKind
from sendplan.sufficiency.money import Money, caseload_by_year
from sendplan.sufficiency.report import Report, money
from sendplan.web.spreadsheets import Cell, Table

#: Financial years the plan covers: this one and four more, as far as the forecast reaches.
PLAN_YEARS = 5


def projection_high_needs(projection: Projection, year: int) -> float | None:
    """A projection's spend on placements (transport left out: it is not the DSG's) for the
    financial year starting in April of ``year``: its figure for the January inside it."""
    if year + 1 not in projection.total:
        return None
    return sum(projection.spend[(k, year + 1)] for k in PLACEMENT_KEYS)


@dataclass(frozen=True)
class DsgFigures:
    """The plan, or why there is none yet (``missing`` names what to do first)."""

    plan: DsgPlan | None
    missing: list[str] = field(default_factory=list)
    deficit_set: bool = False
    names: dict[str, str] = field(default_factory=dict)  # mitigation name -> scenario key
    uplift: float = CENTRAL_UPLIFT  # the area's uplift for central lines not driven by plans


def dsg_figures(
    *,
    figures: Money,
    report: Report | None,
    budgets: dict[int, int],
    deficits: dict[int, int | None],
    central: list[CentralLine] | None = None,
    uplift: float = CENTRAL_UPLIFT,
) -> DsgFigures:
    """The plan from this year's committed spend (``figures``), the latest forecast run
    (``report``), the budgets by year, the deficits brought forward by year and the lines
    of central high-needs spend (``central``)."""
    first = figures.years[0]
    missing: list[str] = []
    if report is None:
        missing.append("forecast")
    if not any(y <= first for y in budgets):
        missing.append("budget")
    if missing or report is None:
        return DsgFigures(plan=None, missing=missing)
    baseline = report.baseline
    years = [
        y
        for y in range(first, first + PLAN_YEARS)
        if projection_high_needs(baseline, y) is not None
    ]
    if not years or years[0] != first:
        return DsgFigures(plan=None, missing=["forecast"])
    base = {y: projection_high_needs(baseline, y) or 0.0 for y in years}
    committed = figures.positions[0].committed
    spend = rolled_spend(committed=committed, first=first, baseline=base, path=base)
    mitigations: dict[str, dict[int, float]] = {}
    names: dict[str, str] = {}
    for projection in report.projections[1:]:
        path = {y: projection_high_needs(projection, y) or 0.0 for y in years}
        mitigations[projection.name] = rolled_spend(
            committed=committed, first=first, baseline=base, path=path
        )
        names[projection.name] = projection.key
    opening = deficits.get(first)
    plan = dsg_plan(
        years=years,
        budgets={y: float(v) for y, v in budgets.items()},
        spend=spend,
        mitigations=mitigations,
        opening_deficit=float(opening or 0),
        central=central or [],
        caseload=caseload_by_year(report),
        uplift=uplift,
    )
    return DsgFigures(plan=plan, deficit_set=opening is not None, names=names, uplift=uplift)


def deficit_text(value: float) -> str:
    """A deficit as the page says it: '£1.2m deficit', '£300 surplus', or '£0'."""
    if round(value) == 0:
        return "£0"
    return f"{money(abs(value))} {'deficit' if value > 0 else 'surplus'}"


def year_rows(rows: list[DsgYear], savings: list[float] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "label": r.label,
            "income": money(r.income),
            "assumed": r.income_assumed,
            "spend": money(r.spend),
            "central": money(r.central),
            "central_projected": money(r.central_projected) if r.central_projected > 0.5 else None,
            "total_spend": money(r.total_spend),
            "saving": None if savings is None else money(savings[i]),
            "in_year": deficit_text(r.in_year),
            "brought_forward": deficit_text(r.brought_forward),
            "carried_forward": deficit_text(r.carried_forward),
            "over": r.carried_forward > 0.5,
        }
        for i, r in enumerate(rows)
    ]


def summary_rows(plan: DsgPlan) -> list[dict[str, Any]]:
    """Cumulative deficit at each 31 March, without and with each mitigation."""
    return [
        {
            "label": "Without mitigations",
            "cells": [deficit_text(r.carried_forward) for r in plan.without],
        }
    ] + [
        {"label": f"With {name}", "cells": [deficit_text(r.carried_forward) for r in rows]}
        for name, rows in plan.mitigated.items()
    ]


_HEADER = [
    "Financial year",
    "Income: high-needs budget",
    "Income assumed (no budget set)",
    "Spend on placements",
    "Central spend",
    "Of which projected (no line recorded for the year)",
    "Total spend",
    "Saving from the mitigation",
    "In-year deficit (negative: surplus)",
    "Cumulative deficit brought forward",
    "Cumulative deficit carried forward",
]


def _table(name: str, title: str, rows: list[DsgYear], savings: list[float]) -> Table:
    body: list[list[Cell]] = [
        [
            r.label,
            round(r.income),
            "yes" if r.income_assumed else "no",
            round(r.spend),
            round(r.central),
            round(r.central_projected),
            round(r.total_spend),
            round(s),
            round(r.in_year),
            round(r.brought_forward),
            round(r.carried_forward),
        ]
        for r, s in zip(rows, savings, strict=True)
    ]
    return Table(name=name, title=title, header=_HEADER, rows=body)


_LINE_LABELS: dict[str, str] = dict(CentralLineKind.choices)


def uplift_text(uplift: float) -> str:
    """An uplift as the pages say it: '2% a year', '2.5% a year'."""
    return f"{uplift * 100:.1f}".removesuffix(".0") + "% a year"


def basis_text(f: CentralFigure, uplift: float) -> str:
    """How a central figure was reached, as the page and downloads say it."""
    if f.basis == "recorded":
        return "recorded"
    if f.basis == "caseload":
        return (
            f"projected from {financial_year_label(f.base_year or f.year)} with the plans forecast"
        )
    if f.basis == "uplift":
        return (
            f"projected from {financial_year_label(f.base_year or f.year)} at {uplift_text(uplift)}"
        )
    return "none recorded yet"


def central_line_rows(plan: DsgPlan, uplift: float) -> list[dict[str, Any]]:
    """Central spend line by line, each year's figure with "(projected)" where it is."""
    if not plan.central:
        return []
    return [
        {
            "label": _LINE_LABELS.get(line, line),
            "rule": "plans forecast" if line in CASELOAD_LINES else uplift_text(uplift),
            "cells": [
                {"amount": money(f.amount), "projected": f.projected}
                for f in (year.figures[i] for year in plan.central)
            ],
        }
        for i, line in enumerate(f.line for f in plan.central[0].figures)
    ]


def central_line_table(plan: DsgPlan, uplift: float) -> Table:
    """Central spend line by line and year, each figure marked recorded or projected."""
    return Table(
        name="central-by-line",
        title="Central high-needs spend by line, recorded or projected",
        header=["Financial year", "Line", "Amount", "Recorded or projected", "How"],
        rows=[
            [
                financial_year_label(f.year),
                _LINE_LABELS.get(f.line, f.line),
                round(f.amount),
                "projected" if f.projected else "recorded" if f.basis == "recorded" else "none",
                basis_text(f, uplift),
            ]
            for year in plan.central
            for f in year.figures
        ],
    )


def dsg_tables(d: DsgFigures) -> list[Table]:
    """The plan as downloads: the summary, the plan without mitigations, one per mitigation.
    Whole pounds: the page shortens the same figures (£12.3m)."""
    plan = d.plan
    if plan is None:
        return []
    labels = [financial_year_label(y) for y in plan.years]
    summary = Table(
        name="summary",
        title="Cumulative DSG deficit at 31 March, with and without mitigations",
        header=[
            "Plan",
            *(f"31 March {y + 1} ({lab})" for y, lab in zip(plan.years, labels, strict=True)),
        ],
        rows=[
            [label, *(round(r.carried_forward) for r in rows)]
            for label, rows in [
                ("Without mitigations", plan.without),
                *((f"With {name}", rows) for name, rows in plan.mitigated.items()),
            ]
        ],
    )
    tables = [
        summary,
        _table(
            "without-mitigations",
            "DSG management plan without mitigations",
            plan.without,
            [0.0] * len(plan.without),
        ),
    ]
    for name, rows in plan.mitigated.items():
        tables.append(
            _table(
                d.names[name],
                f"DSG management plan with {name}",
                rows,
                plan.savings(name),
            )
        )
    if plan.central:
        tables.append(central_line_table(plan, d.uplift))
    return tables
