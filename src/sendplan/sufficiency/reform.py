"""The local SEND reform plan page's figures, computed once for the page and its downloads
(ADR 0138): where the forecast growth in plans is met, against local specialist places."""

from __future__ import annotations

from typing import Any

from sendplan.engine import REFORM_GROUPS, REFORM_LABELS, Projection, ReformYear, reform_figures
from sendplan.sufficiency.report import Report, count, places_in, signed
from sendplan.web.spreadsheets import Cell, Table


def share_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def reform_years(p: Projection, years: list[int]) -> list[ReformYear]:
    return reform_figures(p.placements, years)


def reform_rows(p: Projection, years: list[int]) -> list[dict[str, Any]]:
    """One row a January: plans, growth since the first year and where it is met, and the
    specialist places short (the figure every sufficiency page shows)."""
    rows = []
    for r in reform_years(p, years):
        places = places_in(p, r.year)
        rows.append(
            {
                "year": r.year,
                "plans": count(r.total),
                "growth": signed(r.total_growth),
                "cells": [signed(r.growth[g]) for g in REFORM_GROUPS],
                "share": share_text(r.inclusive_share),
                "capacity": count(places.capacity),
                "short": count(places.short),
            }
        )
    return rows


def scenario_rows(report: Report) -> list[dict[str, Any]]:
    """Each projection's growth to the last year and where it is met."""
    last = report.years[-1]
    out = []
    for p in report.projections:
        r = reform_years(p, report.years)[-1]
        out.append(
            {
                "name": p.name,
                "growth": signed(r.total_growth),
                "cells": [signed(r.growth[g]) for g in REFORM_GROUPS],
                "share": share_text(r.inclusive_share),
                "short": count(places_in(p, last).short),
            }
        )
    return out


HEADER = [
    "scenario",
    "census_year",
    "plans",
    "growth_since_first_year",
    *(f"growth_{g}" for g in REFORM_GROUPS),
    "share_of_growth_in_mainstream_and_inclusion_bases",
    "local_specialist_places",
    "specialist_places_short",
]


def reform_tables(report: Report) -> list[Table]:
    """The reform plan's figures for every projection in one table (the download)."""
    rows: list[list[Cell]] = []
    for p in report.projections:
        for r in reform_years(p, report.years):
            places = places_in(p, r.year)
            share = r.inclusive_share
            rows.append(
                [
                    p.name,
                    r.year,
                    round(r.total, 1),
                    round(r.total_growth, 1),
                    *(round(r.growth[g], 1) for g in REFORM_GROUPS),
                    None if share is None else round(share, 3),
                    round(places.capacity, 1),
                    round(places.short, 1),
                ]
            )
    labels = Table(
        name="groups",
        title="What each group counts",
        header=["group", "label", "placement_types"],
        rows=[[g, REFORM_LABELS[g], ", ".join(keys)] for g, keys in REFORM_GROUPS.items()],
    )
    return [
        Table(
            name="growth",
            title="Growth in EHC plans and where it is met, by scenario and January",
            header=HEADER,
            rows=rows,
        ),
        labels,
    ]
