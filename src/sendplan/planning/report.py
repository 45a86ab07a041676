"""What the run page shows: headline figures, charts with their tables, titles that state
the finding. Built from the run's summary and a fixed number of aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from sendplan.core.charts import DARK_BLUE, ORANGE, bar_chart
from sendplan.planning import selectors
from sendplan.planning.charts import HomeMark, SettingMark, area_map
from sendplan.planning.geography import lsoas, wards
from sendplan.planning.models import PlanningRun


def money(value: float | int | None) -> str:
    """Whole pounds with a sign for changes: "£1,200", "−£300".

    >>> money(1200), money(-300), money(None)
    ('£1,200', '−£300', '')
    """
    if value is None:
        return ""
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(round(value)):,}"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    rows: list[dict[str, Any]]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _unplaced_chart(kind: str, rows: list[dict[str, Any]], total: int) -> Chart:
    if not rows:
        title = "Every learner in the cohort has a proposed place"
    else:
        top = max(rows, key=lambda r: r["n"])
        title = f"Most of the {total:,} without a local place: {top['label']}"
    svg = bar_chart(
        chart_id=f"unplaced-{kind}",
        title=title,
        rows=[(r["label"], r["n"]) for r in rows],
        colour=ORANGE,
    )
    return Chart(title=title, svg=svg, rows=rows)


def _cost_chart(summary: dict[str, Any]) -> Chart:
    now, proposed = summary.get("current_per_learner"), summary.get("proposed_per_learner")
    if now is None or proposed is None:
        return Chart(
            "No learner in the cohort has a current placement to compare", SafeString(""), []
        )
    change = proposed - now
    verb = "less" if change < 0 else "more"
    title = f"Proposals cost {money(abs(change))} {verb} a year per learner than now"
    rows = [
        {"label": "Now (current placements)", "per_learner": now,
         "total": summary["current_total"]},
        {"label": "Proposed", "per_learner": proposed, "total": summary["proposed_total_same"]},
    ]  # fmt: skip
    svg = bar_chart(
        chart_id="cost-per-learner",
        title=title,
        rows=[(r["label"], r["per_learner"]) for r in rows],
        fmt=money,
        colour=DARK_BLUE,
    )
    return Chart(title=title, svg=svg, rows=rows)


def _map(run: PlanningRun, settings_rows: list[dict[str, Any]]) -> Chart:
    homes = selectors.homes_by_lsoa(run)
    marks = [
        HomeMark(
            lat=h["lat"],
            lon=h["lon"],
            learners=h["learners"],
            unplaced=h["unplaced"],
            label=f"{h['lsoa_code'] or 'No LSOA'}: {_plural(h['learners'], 'learner')}"
            + (f", {h['unplaced']} with no local place" if h["unplaced"] else ""),
        )
        for h in homes
        if h["lat"] is not None
    ]
    places = [
        SettingMark(
            lat=s["proposed_setting__latitude"],
            lon=s["proposed_setting__longitude"],
            learners=s["learners"],
            label=f"{s['proposed_setting_name']}: {_plural(s['learners'], 'learner')} proposed",
        )
        for s in settings_rows
        if s["proposed_setting__latitude"] is not None
    ]
    learners = sum(h["learners"] for h in homes)
    title = (
        f"Homes of the {_plural(learners, 'learner')} planned, by LSOA, "
        f"and the {len(places)} settings proposed"
    )
    svg = area_map(
        chart_id="area-map", title=title, wards=wards(), lsoas=lsoas(), homes=marks,
        settings=places,
    )  # fmt: skip
    return Chart(title=title, svg=svg, rows=selectors.by_ward(run))


def run_report(run: PlanningRun) -> dict[str, Any]:
    summary = run.summary
    unplaced = selectors.unplaced_by(run)
    total_unplaced = int(summary.get("unplaced", 0))
    settings_rows = selectors.proposed_settings(run)
    outside = [s for s in settings_rows if not s["proposed_setting__in_area"]]
    what_if = summary.get("what_if")
    return {
        "summary": summary,
        "money": {
            k: money(summary.get(k))
            for k in (
                "place_cost",
                "travel_cost",
                "unplaced_cost",
                "objective",
                "current_total",
                "proposed_total_same",
                "current_per_learner",
                "proposed_per_learner",
            )
        },
        "saving": (
            money(summary["current_total"] - summary["proposed_total_same"])
            if summary.get("with_current_cost")
            else ""
        ),
        "cost_chart": _cost_chart(summary),
        "need_chart": _unplaced_chart("need", unplaced["need"], total_unplaced),
        "phase_chart": _unplaced_chart("phase", unplaced["phase"], total_unplaced),
        "ward_rows": unplaced["ward"],
        "map": _map(run, settings_rows),
        "settings_rows": settings_rows,
        "outside_count": sum(s["learners"] for s in outside),
        "what_if": what_if,
        "what_if_money": (
            {
                k: money(what_if[k])
                for k in ("delta_place_cost", "delta_travel_cost", "delta_objective")
            }
            if what_if
            else {}
        ),
        "defaults": run.parameters.get("defaults", []),
    }
