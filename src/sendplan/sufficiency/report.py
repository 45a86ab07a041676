"""A finished run's outputs as the pages, downloads and printable summary show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from sendplan.core.charts import fan_chart
from sendplan.engine import (
    NEEDS,
    PHASE_KEYS,
    PLACEMENT_KEYS,
    PLACEMENT_LABELS,
    SPECIALIST,
    Band,
    Demand,
    Nowcast,
    Projection,
)
from sendplan.sufficiency.models import PHASE_LABELS, ForecastRun
from sendplan.sufficiency.runs import projection_from_json
from sendplan.web.spreadsheets import Table

NEED_LABELS = {**NEEDS, "Unknown": "Need not recorded"}


def count(value: float) -> str:
    return f"{value:,.0f}"


def money(value: float) -> str:
    """£ with thousands separators; millions shortened (£12.3m) for headline figures."""
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    return f"£{value:,.0f}"


def signed(value: float, fmt: Any = count) -> str:
    text = fmt(abs(value))
    return f"+{text}" if value > 0.5 else f"−{text}" if value < -0.5 else "0"


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    summary: str


@dataclass
class Report:
    run: ForecastRun
    demand: Demand
    costs: dict[str, Any]
    projections: list[Projection]

    @property
    def baseline(self) -> Projection:
        return self.projections[0]

    @property
    def years(self) -> list[int]:
        return list(self.demand.years)

    def year_at(self, horizon: int) -> int:
        return self.years[min(horizon, len(self.years)) - 1]

    @property
    def horizons(self) -> list[int]:
        """The 5- and 10-year marks commissioners plan to, as far as the run reaches."""
        return sorted({min(h, len(self.years)) for h in (5, 10)})


def report_for(run: ForecastRun) -> Report:
    outputs = run.outputs
    return Report(
        run=run,
        demand=Demand.from_json(outputs["demand"]),
        costs=outputs["costs"],
        projections=[projection_from_json(p) for p in outputs["projections"]],
    )


def specialist_band(p: Projection, year: int) -> Band:
    """Learners needing a specialist place, with the plans band applied proportionally."""
    need = sum(v for (_, _, y), v in p.demand.items() if y == year)
    total = p.total[year]
    return Band(need, need * total.lower / total.median, need * total.upper / total.median)


def capacity_total(p: Projection, year: int) -> float:
    return sum(v for (_, _, y), v in p.capacity.items() if y == year)


@dataclass(frozen=True)
class Places:
    """Specialist places in one January: the one set of figures every page and the summary
    show, so a headline and a table cannot disagree.

    ``short`` adds up the need and phase groups with fewer places than learners; ``spare``
    the groups with more. A spare place in one group does not fill a shortage in another, so
    ``need - capacity == short - spare``, and places can be short while the totals match.
    """

    year: int
    need: float
    capacity: float
    short: float
    spare: float


def places_in(p: Projection, year: int) -> Places:
    gaps = [p.demand[k] - p.capacity[k] for k in p.demand if k[2] == year]
    return Places(
        year=year,
        need=sum(v for (_, _, y), v in p.demand.items() if y == year),
        capacity=capacity_total(p, year),
        short=sum(g for g in gaps if g > 0),
        spare=-sum(g for g in gaps if g < 0),
    )


def plans_chart(r: Report) -> Chart:
    first, last = r.years[0], r.years[-1]
    b = r.baseline.total[last]
    title = f"Plans likely to reach {count(b.lower)} to {count(b.upper)} by January {last}"
    summary = (
        f"EHC plans for {r.demand.la_name}, January each year: {count(r.demand.actuals[-1][1])} "
        f"in {r.demand.origin_year}. The central forecast is {count(r.baseline.total[first].median)} "
        f"in {first} and {count(b.median)} in {last}; in 8 of 10 simulated futures the "
        f"number in {last} lies between {count(b.lower)} and {count(b.upper)}."
    )
    svg = fan_chart(
        chart_id="plans-chart",
        title=title,
        summary=summary,
        actual=r.demand.actuals,
        forecast=[(y, r.baseline.total[y]) for y in r.years],
        fmt=count,
    )
    return Chart(svg, title, summary)


def places_chart(r: Report) -> Chart:
    last = r.years[-1]
    need = specialist_band(r.baseline, last)
    places = places_in(r.baseline, last)
    cap = places.capacity
    if count(places.short) == "0":
        title = "Local specialist places cover the central forecast"
    else:
        title = f"{count(places.short)} specialist places short by January {last}"
    spare = (
        f", while {count(places.spare)} places in other need and phase groups are spare"
        if count(places.spare) != "0"
        else ""
    )
    summary = (
        f"Learners with a plan whose placement is specialist (resourced provision, special or "
        f"independent school): {count(need.median)} by {last} (80% band {count(need.lower)} to "
        f"{count(need.upper)}), against {count(cap)} local specialist places in the register "
        f"and planned provision. The groups of need and phase without enough places are "
        f"{count(places.short)} places short{spare}."
    )
    svg = fan_chart(
        chart_id="places-chart",
        title=title,
        summary=summary,
        actual=[],
        forecast=[(y, specialist_band(r.baseline, y)) for y in r.years],
        fmt=count,
        reference=[(y, capacity_total(r.baseline, y)) for y in r.years],
        reference_label=f"Local places {count(cap)}",
    )
    return Chart(svg, title, summary)


def spend_chart(r: Report) -> Chart:
    first, last = r.years[0], r.years[-1]
    b = r.baseline.spend_total[last]
    title = f"High-needs spend on plans near {money(b.median)} a year by {last}"
    summary = (
        f"Spend on placements and transport for learners with plans: {money(r.baseline.spend_total[first].median)} "
        f"in {first}, {money(b.median)} in {last} (80% band {money(b.lower)} to {money(b.upper)}), "
        "at today's unit costs with no inflation."
    )
    svg = fan_chart(
        chart_id="spend-chart",
        title=title,
        summary=summary,
        actual=[],
        forecast=[(y, r.baseline.spend_total[y]) for y in r.years],
        fmt=money,
    )
    return Chart(svg, title, summary)


def gap_by_phase(p: Projection, years: list[int]) -> list[dict[str, Any]]:
    rows = []
    for phase in PHASE_KEYS:
        cells = []
        for year in years:
            gap = sum(
                p.demand[k] - p.capacity[k] for k in p.demand if k[1] == phase and k[2] == year
            )
            cells.append({"value": gap, "text": signed(gap)})
        rows.append({"label": PHASE_LABELS[phase], "cells": cells})
    return rows


def gap_cells(p: Projection, year: int, needs: tuple[str, ...]) -> list[dict[str, Any]]:
    """Need x phase for one year: learners needing a specialist place, places, gap."""
    rows = []
    for need in needs:
        cells = []
        for phase in PHASE_KEYS:
            key = (need, phase, year)
            gap = p.demand[key] - p.capacity[key]
            cells.append(
                {
                    "demand": count(p.demand[key]),
                    "capacity": count(p.capacity[key]),
                    "gap": signed(gap),
                    "short": gap > 0.5,
                }
            )
        rows.append({"need": need, "label": NEED_LABELS.get(need, need), "cells": cells})
    return rows


def comparison(r: Report) -> list[dict[str, Any]]:
    base = r.baseline
    out = []
    for p in r.projections:
        marks = []
        for h in r.horizons:
            year = r.year_at(h)
            cum, base_cum = p.cumulative_spend(h), base.cumulative_spend(h)
            marks.append(
                {
                    "years": h,
                    "year": year,
                    "plans": count(p.total[year].median),
                    "short": count(places_in(p, year).short),
                    "short_change": signed(places_in(p, year).short - places_in(base, year).short),
                    "independent": count(p.placements[("independent", year)]),
                    "spend": money(p.spend_total[year].median),
                    "cumulative": money(cum),
                    "cumulative_change": signed(cum - base_cum, money),
                }
            )
        out.append({"key": p.key, "name": p.name, "marks": marks})
    return out


def tables(r: Report) -> list[Table]:
    """Every figure the pages show, one table each (the downloads)."""
    names = [p.name for p in r.projections]
    plans = Table(
        "plans",
        "Projected EHC plans by need, phase and year",
        [
            "scenario",
            "census_year",
            "primary_need",
            "phase",
            "plans_median",
            "plans_lower80",
            "plans_upper80",
        ],
        [
            [name, y, n, PHASE_LABELS[f], round(b.median, 1), round(b.lower, 1), round(b.upper, 1)]
            for p, name in zip(r.projections, names, strict=True)
            for (n, f, y), b in sorted(
                p.plans.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])
            )
        ],
    )
    gap = Table(
        "gap",
        "Learners needing a specialist place against local places",
        [
            "scenario",
            "census_year",
            "primary_need",
            "phase",
            "needing_specialist_place",
            "local_places",
            "gap",
        ],
        [
            [
                name,
                y,
                n,
                PHASE_LABELS[f],
                round(v, 1),
                round(p.capacity[(n, f, y)], 1),
                round(v - p.capacity[(n, f, y)], 1),
            ]
            for p, name in zip(r.projections, names, strict=True)
            for (n, f, y), v in sorted(
                p.demand.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])
            )
        ],
    )
    per_place = r.costs["per_place"]
    spend_rows: list[list[Any]] = []
    for p, name in zip(r.projections, names, strict=True):
        for y in r.years:
            for k in PLACEMENT_KEYS:
                spend_rows.append(
                    [
                        name,
                        y,
                        PLACEMENT_LABELS[k],
                        round(p.placements[(k, y)], 1),
                        round(per_place[k]),
                        round(p.spend[(k, y)]),
                    ]
                )
            specialist = sum(p.placements[(k, y)] for k in SPECIALIST)
            spend_rows.append(
                [
                    name,
                    y,
                    "Transport (specialist placements)",
                    round(specialist, 1),
                    round(r.costs["transport"]),
                    round(p.spend[("transport", y)]),
                ]
            )
            t = p.spend_total[y]
            spend_rows.append(
                [name, y, "Total", None, None, round(t.median), round(t.lower), round(t.upper)]
            )
    spend = Table(
        "spend",
        "High-needs spend by placement type",
        [
            "scenario",
            "census_year",
            "placement_type",
            "learners",
            "annual_cost_per_learner",
            "spend",
            "spend_lower80",
            "spend_upper80",
        ],
        spend_rows,
    )
    compare_rows: list[list[Any]] = []
    for p, name in zip(r.projections, names, strict=True):
        for h in r.horizons:
            y = r.year_at(h)
            compare_rows.append(
                [
                    name,
                    h,
                    y,
                    round(p.total[y].median),
                    round(places_in(p, y).short),
                    round(p.placements[("independent", y)]),
                    round(p.spend_total[y].median),
                    round(p.cumulative_spend(h)),
                    round(p.cumulative_spend(h) - r.baseline.cumulative_spend(h)),
                ]
            )
    scenarios = Table(
        "scenarios",
        "Scenarios compared over 5 and 10 years",
        [
            "scenario",
            "years_ahead",
            "census_year",
            "plans",
            "specialist_places_short",
            "independent_placements",
            "annual_spend",
            "cumulative_spend",
            "cumulative_change",
        ],
        compare_rows,
    )
    return [plans, gap, spend, scenarios]


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.1f}%".replace("-", "−")


def _model_flows(report: Report, shown_next: float | None) -> tuple[str, str]:
    """The model's new plans and net outflow in its first forecast year, each with its 80%
    interval where the run kept one, or why there are none. ``shown_next`` is the
    forecast's next January as the page shows it."""
    flows = report.demand.flows
    if flows is None:
        if "flows" not in report.run.outputs.get("demand", {}):
            why = "– (this run was made before the model's flows were kept: re-running fills it)"
        else:
            why = "– (this run's totals did not come from the stock-and-flow model)"
        return why, why
    new_band, out_band = flows.new_plans_band, flows.net_outflow_band
    if new_band is None:
        new_interval = (
            "no 80% interval: this run was made before the flows' intervals were kept, "
            "re-running fills it"
        )
    else:
        new_interval = f"80% interval {count(new_band.lower)} to {count(new_band.upper)}"
    new = f"{count(flows.new_plans)} in {flows.year} (January to December; {new_interval})"
    out_interval = (
        ""
        if out_band is None
        else f" (80% interval {count(out_band.lower)} to {count(out_band.upper)})"
    )
    out = (
        f"Net outflow of {count(flows.net_outflow)} in {flows.year}{out_interval}: plans "
        "ceased plus plans moving to other councils, less plans moving in (the published "
        "figures do not separate them)"
    )
    if shown_next is not None and abs(round(flows.plans_after) - round(shown_next)) >= 1:
        out += (
            f". The flows alone give {count(flows.plans_after)} next January; the population "
            f"projection and the assumptions move the forecast to {count(shown_next)}"
        )
    return new, out


def nowcast_rows(n: Nowcast, report: Report | None) -> list[dict[str, str]]:
    """The live record's nowcast beside the published-data model, row by row: plans now,
    new plans and plans ceasing over the 12 months, plans then and the year's growth."""
    model_now = model_next = model_growth = model_new = model_out = "–"
    if report is not None and report.demand.actuals:
        year, actual = report.demand.actuals[-1]
        first = report.years[0]
        band = report.baseline.total[first]
        model_new, model_out = _model_flows(report, band.median if first == year + 1 else None)
        model_now = f"{count(actual)} in January {year}"
        model_next = (
            f"{count(band.median)} in January {first} (80% interval {count(band.lower)} to "
            f"{count(band.upper)})"
        )
        if actual > 0 and first > year:
            model_growth = percent((band.median / actual) ** (1 / (first - year)) - 1)
    rates = ", ".join(
        f"{stage} {n.conversion[stage]:.0%} ({'the record' if n.from_record[stage] else 'England'})"
        for stage in n.conversion
    )
    return [
        {
            "label": "EHC plans now",
            "live": f"{count(n.plans)} on {n.on:%-d %B %Y}",
            "model": model_now,
        },
        {
            "label": "New plans in the next 12 months",
            "live": f"{count(n.new_plans)}: {count(n.new_from_open)} from the open requests and "
            f"assessments, {count(n.new_from_requests)} from requests still to come "
            f"(share ending in a plan: {rates})",
            "model": model_new,
        },
        {
            "label": "Plans ceasing in the next 12 months",
            "live": f"{count(n.ceasing)}: {count(n.ceasing_age)} reaching the end of the "
            f"academic year in which the young person is 25, {count(n.ceasing_other)} for other "
            "reasons (leaving education, needs met, moving away)",
            "model": model_out,
        },
        {
            "label": "EHC plans in 12 months",
            "live": f"{count(n.plans_after)} on {n.until:%-d %B %Y}",
            "model": model_next,
        },
        {"label": "Growth in a year", "live": percent(n.growth), "model": model_growth},
    ]
