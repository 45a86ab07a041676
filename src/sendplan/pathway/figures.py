"""The 16–25 page's charts and tables, and DfE's published 16–25 caseload by kind of setting
to set beside them (read from the shared data; never written into the code)."""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from sendplan.casework.plans.models import CeaseReason
from sendplan.core.charts import bar_chart, paired_bar_chart
from sendplan.core.published import Area
from sendplan.pathway.models import DestinationKind, Outcome, Progress
from sendplan.pathway.selectors import NOT_RECORDED, PartnershipFigures
from sendplan.web.spreadsheets import Table

#: DfE caseload by single year of age and setting (the 2025 release's caseload.csv, key
#: columns), relative to the shared data folder.
CASELOAD = Path("dfe-ehcp-sen2") / "caseload_2025release_all_LAs_by_age_and_setting.csv"
SOURCE = "DfE, Education, health and care plans, 2025 release (caseload.csv)"
AGES = range(16, 26)
CEASE_REASONS = tuple(CeaseReason.choices)

#: The groups both sides can be put in: the published columns summed, and the destination
#: kinds of this service that fall in each.
GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "School, including sixth forms and special schools",
        ("mainstream_total", "special_total", "ap_pru_total"),
        (DestinationKind.SCHOOL_SIXTH_FORM,),
    ),
    (
        "General further education college",
        ("general_fe_tertiary_colleges",),
        (DestinationKind.COLLEGE,),
    ),
    (
        "Specialist post-16 institution",
        ("specialist_post_16_institutions",),
        (DestinationKind.SPECIALIST_POST16,),
    ),
    (
        "Training provider: apprenticeship or supported internship",
        ("ukrlp_provider",),
        (DestinationKind.SUPPORTED_INTERNSHIP, DestinationKind.APPRENTICESHIP),
    ),
    (
        "Elsewhere or not in education",
        ("ed_elsewhere", "elective_home_education"),
        (
            DestinationKind.EMPLOYMENT,
            DestinationKind.HIGHER_EDUCATION,
            DestinationKind.ADULT_SOCIAL_CARE,
            DestinationKind.NONE,
        ),
    ),
)


@dataclass(frozen=True)
class PublishedMix:
    area: str
    period: str
    total: int
    shares: dict[str, float | None]  # group label -> percentage of the 16–25 plans


@dataclass(frozen=True)
class GroupBar:
    """A row of the comparison chart: this service's share and the area's published one."""

    area: str  # the group (the chart's row label)
    period: str
    with_exceptions: float | None  # this service
    without_exceptions: float | None  # published


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None  # "x" suppressed, "z" not applicable


@functools.lru_cache(maxsize=4)
def _read(path: str, stamp: tuple[int, int]) -> dict[str, tuple[str, str, dict[str, int | None]]]:
    """Latest year's 16–25 sums per area code (England as "E92000001"): name, period, sums."""
    latest: dict[str, int] = {}
    sums: dict[str, tuple[str, str, dict[str, int | None]]] = {}
    columns = {c for _, cols, _ in GROUPS for c in cols}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("breakdown_topic") != "Child or young persons age":
                continue
            age = row.get("breakdown", "").removeprefix("age ")
            if not age.isdigit() or int(age) not in AGES:
                continue
            level = row.get("geographic_level")
            if level == "National":
                code, name = "E92000001", "England"
            elif level == "Local authority":
                code, name = row.get("new_la_code", ""), row.get("la_name", "")
            else:
                continue
            period = int(row["time_period"])
            if period < latest.get(code, 0):
                continue
            if period > latest.get(code, 0):
                latest[code] = period
                label = f"January {str(period)[:2]}{str(period)[-2:]}"
                sums[code] = (name, label, dict.fromkeys(columns, 0))
            totals = sums[code][2]
            for column in columns:
                value = _int(row.get(column, ""))
                current = totals[column]
                totals[column] = None if value is None or current is None else current + value
    return sums


def published_mix(
    *, area: Area | None, data_dir: Path | None = None
) -> tuple[list[PublishedMix], list[str]]:
    """England's and the area's 16–25 plans by group of setting, and what is missing."""
    path = Path(data_dir or settings.SHARED_DATA_DIR) / CASELOAD
    try:
        stat = path.stat()
    except OSError:
        return [], [
            f"The published figures are not available: {CASELOAD} is not in the shared data folder."
        ]
    sums = _read(str(path), (stat.st_mtime_ns, stat.st_size))
    found, missing = [], []
    codes = [("E92000001", "England")]
    if area is None:
        missing.append(
            "No local area is set for this service, so there are no local published figures "
            "to compare with. An administrator sets it with SENDPLAN_LA_CODE."
        )
    else:
        codes.insert(0, (area.code, area.name))
    for code, name in codes:
        if code not in sums:
            missing.append(
                f"There are no published 16 to 25 figures for {name} ({code}) in the {SOURCE}."
            )
            continue
        label, period, totals = sums[code]
        group_sums = {
            g: (None if any(totals[c] is None for c in cols) else sum(totals[c] or 0 for c in cols))
            for g, cols, _ in GROUPS
        }
        known = sum(v for v in group_sums.values() if v is not None)
        shares = {
            g: (None if v is None or not known else 100 * v / known) for g, v in group_sums.items()
        }
        found.append(PublishedMix(label, period, known, shares))
    return found, missing


#: DfE's plans ceased in a calendar year by reason (the 2025 release's ceased_plans.csv),
#: the columns in the order of the SEN2 cease reason codes 1 to 9.
RELEASE = Path("dfe-ehcp-sen2") / "education-health-and-care-plans_2025.zip"
CEASED_MEMBER = "data/ceased_plans.csv"
CEASED_SOURCE = "DfE, Education, health and care plans, 2025 release (ceased_plans.csv)"
CEASED_COLUMNS = (
    "max_age", "needs_met", "he", "employ", "transfer", "no_engage", "moved_outside_eng",
    "deceased", "other",
)  # fmt: skip


@dataclass(frozen=True)
class PublishedCeased:
    area: str
    year: int
    counts: dict[int, int | None]  # SEN2 cease reason -> plans ceased
    total: int | None


@functools.lru_cache(maxsize=4)
def _read_ceased(path: str, stamp: tuple[int, int]) -> dict[str, PublishedCeased]:
    found: dict[str, PublishedCeased] = {}
    with zipfile.ZipFile(path) as archive, archive.open(CEASED_MEMBER) as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")):
            if row.get("breakdown_topic") != "All ceased EHC plans":
                continue
            level = row.get("geographic_level")
            if level == "National":
                code, name = "E92000001", "England"
            elif level == "Local authority":
                code, name = row.get("new_la_code", ""), row.get("la_name", "")
            else:
                continue
            year = int(row["time_period"])
            if code in found and found[code].year >= year:
                continue
            counts = {i: _int(row.get(c, "")) for i, c in enumerate(CEASED_COLUMNS, start=1)}
            found[code] = PublishedCeased(name, year, counts, _int(row.get("total_ceased", "")))
    return found


def published_ceased(*, area: Area | None, data_dir: Path | None = None) -> list[PublishedCeased]:
    """The area's and England's latest plans ceased by reason (what is there of them)."""
    path = Path(data_dir or settings.SHARED_DATA_DIR) / RELEASE
    try:
        stat = path.stat()
        rows = _read_ceased(str(path), (stat.st_mtime_ns, stat.st_size))
    except (OSError, KeyError, zipfile.BadZipFile):
        return []
    codes = ([area.code] if area is not None else []) + ["E92000001"]
    return [rows[c] for c in codes if c in rows]


def service_mix(figures: PartnershipFigures) -> tuple[dict[str, float | None], int]:
    """This service's young people by group, as percentages of those with a destination."""
    labels = dict(DestinationKind.choices)
    counts = dict(figures.by_pathway)
    in_group = {g: sum(counts.get(labels[k], 0) for k in kinds) for g, _, kinds in GROUPS}
    known = sum(in_group.values())
    return {g: (100 * v / known if known else None) for g, v in in_group.items()}, known


def _pc(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def partnership_tables(figures: PartnershipFigures, *, area: Area | None) -> list[Table]:
    """Every chart's table, for the page and for its CSV download."""
    published, _ = published_mix(area=area)
    ours, known = service_mix(figures)
    progress = list(Progress)
    tables = [
        Table(
            "pathways",
            "Young people aged 16 to 25 with a plan, by where they are now",
            ["Pathway", "Young people"],
            [[label, n] for label, n in figures.by_pathway],
        ),
        Table(
            "local",
            "Local or out of area",
            ["Where", "Young people"],
            [
                ["In the area", figures.local["local"]],
                ["Out of the area", figures.local["out"]],
                ["No place recorded", figures.local["none"]],
            ],
        ),
        Table(
            "comparison",
            "Share of young people aged 16 to 25 by kind of setting, beside published figures",
            [
                "Kind of setting",
                f"This service, % (of {known})",
                *(f"{p.area} published {p.period}, % (of {p.total})" for p in published),
            ],
            [[g, _pc(ours[g]), *(_pc(p.shares[g]) for p in published)] for g, _, _ in GROUPS],
        ),
        Table(
            "outcomes",
            "Latest progress on the preparing-for-adulthood outcomes",
            ["Outcome", *(p.label for p in progress)],
            [[label, *(counts[p.value] for p in progress)] for label, counts in figures.by_outcome],
        ),
        Table(
            "destinations",
            "Destinations on leaving the plan and a year after",
            ["Destination", "Planned on leaving", "On leaving", "A year after leaving"],
            [
                [
                    k.label,
                    dict(figures.planned_leaving).get(k.label, 0),
                    dict(figures.on_leaving).get(k.label, 0),
                    dict(figures.year_after).get(k.label, 0),
                ]
                for k in DestinationKind
            ],
        ),
    ]
    ceased = published_ceased(area=area)
    ours_ceased = dict(figures.ceased_by_reason)
    tables.append(
        Table(
            "ceased",
            "Plans ceased by reason, beside published figures",
            [
                "Reason",
                "This service, last 12 months",
                *(f"{p.area} published {p.year}" for p in ceased),
            ],
            [
                [
                    label,
                    ours_ceased.get(code, 0),
                    *("x" if p.counts.get(code) is None else p.counts.get(code) for p in ceased),
                ]
                for code, label in CEASE_REASONS
            ],
        )
    )
    return tables


def _ceased_bars(figures: PartnershipFigures, ceased: list[PublishedCeased]) -> list[GroupBar]:
    ours = dict(figures.ceased_by_reason)
    total = sum(ours.values())
    local = ceased[0] if ceased else None
    known = sum(v or 0 for v in local.counts.values()) if local else 0
    return [
        GroupBar(
            label,
            "",
            100 * ours.get(code, 0) / total if total else None,
            100 * (local.counts.get(code) or 0) / known if local and known else None,
        )
        for code, label in CEASE_REASONS
    ]


def partnership_page(figures: PartnershipFigures, *, area: Area | None) -> dict[str, Any]:
    """The page's context: each chart with its table, sentence and download link."""
    tables = {t.name: t for t in partnership_tables(figures, area=area)}
    published, missing = published_mix(area=area)
    ours, known = service_mix(figures)
    local_pub = (
        published[0] if published and area is not None and published[0].area != "England" else None
    )
    bars = [
        GroupBar(
            g,
            "",
            ours[g],
            local_pub.shares[g] if local_pub else (published[0].shares[g] if published else None),
        )
        for g, _, _ in GROUPS
    ]
    compared_with = local_pub or (published[0] if published else None)
    achieving = [
        (label, 100 * (c[Progress.ON_TRACK] + c[Progress.ACHIEVED]) / total)
        for label, c in figures.by_outcome
        if (total := sum(c.values()))
    ]
    charts: list[dict[str, Any]] = [
        {
            "id": "pathways",
            "title": "Where young people aged 16 to 25 are now",
            "summary": f"{figures.young_people} young people aged 16 to 25 have a plan. "
            + (
                f"The most common pathway is {figures.by_pathway[0][0].lower()}."
                if figures.by_pathway and figures.by_pathway[0][0] != NOT_RECORDED
                else ""
            ),
            "svg": bar_chart(
                chart_id="pathways-chart",
                title="Young people by pathway",
                rows=[(label, n) for label, n in sorted(figures.by_pathway, key=lambda kv: -kv[1])],
            ),
        },
        {
            "id": "local",
            "title": "Local or out of area",
            "summary": f"{figures.local['local']} are at a place in the area and "
            f"{figures.local['out']} out of the area; {figures.local['none']} have no place recorded.",
            "svg": bar_chart(
                chart_id="local-chart",
                title="Young people in or out of the area",
                rows=[
                    ("In the area", figures.local["local"]),
                    ("Out of the area", figures.local["out"]),
                    ("No place recorded", figures.local["none"]),
                ],
            ),
        },
        {
            "id": "comparison",
            "title": "Kinds of setting, beside the published figures",
            "summary": (
                f"Of the {known} young people with a destination recorded, the share at each kind "
                f"of setting, beside {compared_with.area}'s published figures for {compared_with.period}."
                if compared_with
                else "There are no published figures to compare with."
            ),
            "svg": paired_bar_chart(
                bars,
                words=(
                    "this service",
                    f"{compared_with.area} published" if compared_with else "published",
                ),
                labelled_by="comparison-title",
                described_by="comparison-summary",
            ),
        },
        {
            "id": "outcomes",
            "title": "Preparing for adulthood: on track or achieved",
            "summary": "The share of young people whose latest review found each outcome on track "
            "or achieved.",
            "svg": bar_chart(
                chart_id="outcomes-chart",
                title="Outcomes on track or achieved, percent",
                rows=achieving,
                fmt=lambda v: f"{v:.0f}%",
            ),
        },
        {
            "id": "destinations",
            "title": "Destinations on leaving and a year after",
            "summary": f"{sum(n for _, n in figures.planned_leaving)} young people still on a "
            "plan have a planned destination for when they leave; "
            f"{sum(n for _, n in figures.on_leaving)} destinations on leaving and "
            f"{sum(n for _, n in figures.year_after)} a year after leaving are recorded. The "
            "chart shows the actual destinations on leaving, or the planned ones while "
            "nobody has left.",
            "svg": bar_chart(
                chart_id="destinations-chart",
                title="Destinations on leaving the plan",
                rows=list(figures.on_leaving or figures.planned_leaving),
            ),
        },
        {
            "id": "ceased",
            "title": "Why plans ceased, beside the published figures",
            "summary": f"{sum(n for _, n in figures.ceased_by_reason)} plans of young people "
            "aged 16 to 25 ceased in the last 12 months. The published figures count plans "
            "ceased at every age in the calendar year; the chart compares shares, the table "
            "has the counts (x: suppressed).",
            "svg": paired_bar_chart(
                _ceased_bars(figures, published_ceased(area=area)),
                words=("this service", "published"),
                labelled_by="ceased-title",
                described_by="ceased-summary",
            ),
        },
    ]
    for chart in charts:
        chart["table"] = tables[chart["id"]]
        chart["download"] = reverse("pathway:download", args=[chart["id"]])
    return {
        "figures": figures,
        "charts": charts,
        "published_missing": missing,
        "source": SOURCE,
        "outcomes": [o.label for o in Outcome],
    }
