"""DfE's published figures for the service's area and for England, from the shared data.

A page that sets the service's own figures beside published ones shows the area's own and
England's, or says plainly which is missing and why. It never shows another area's figures
in their place, and no published figure is written into the code.

Which area a user's pages compare with is ``accounts.access.local_area_for``: their own
council, or the one the service is set up for (``SENDPLAN_LA_CODE``).
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

#: DfE's "Education, health and care plans" release, as published (every area of England),
#: relative to the shared data folder; the forecasts read the same file.
RELEASE = Path("dfe-ehcp-sen2") / "education-health-and-care-plans_2025.zip"
RELEASE_TITLE = "DfE, Education, health and care plans, 2025 release"
TIMELINESS_MEMBER = "data/timeliness_20_week.csv"
#: The one breakdown of the timeliness table that counts every plan issued.
ALL_PLANS = "All EHC plans issued"


@dataclass(frozen=True)
class Area:
    code: str  # ONS code, such as E09000022
    name: str


@dataclass(frozen=True)
class PublishedTimeliness:
    """One area's latest calendar year in DfE's ``timeliness_20_week.csv``."""

    year: int
    area: str
    plans: int | None
    with_exceptions_pc: float | None  # pc_plans_issued_within_20_weeks
    without_exceptions_pc: float | None  # PC_plans_issued_20_weeks_ex


@dataclass(frozen=True)
class TimelinessComparison:
    national: PublishedTimeliness | None
    local: PublishedTimeliness | None
    #: One plain sentence for each figure that is not there, saying why.
    missing: tuple[str, ...]
    source: str = RELEASE_TITLE


class _Unavailable(Exception):
    pass


def _number(text: str | None) -> float | None:
    # DfE marks suppressed or missing cells with letters ("x", "c", "z").
    try:
        return float(text or "")
    except ValueError:
        return None


def _row(lowered: dict[str, str], year: int, area: str) -> PublishedTimeliness:
    plans = _number(lowered.get("plans_issued_den"))
    return PublishedTimeliness(
        year=year,
        area=area,
        plans=int(plans) if plans is not None else None,
        with_exceptions_pc=_number(lowered.get("pc_plans_issued_within_20_weeks")),
        without_exceptions_pc=_number(lowered.get("pc_plans_issued_20_weeks_ex")),
    )


@functools.lru_cache(maxsize=4)
def _latest_rows(
    path: str, _mtime_ns: int, _size: int
) -> tuple[PublishedTimeliness | None, dict[str, PublishedTimeliness]]:
    """England's and each council's latest row (keyed on the file's identity, so a new file
    is read again)."""
    try:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(TIMELINESS_MEMBER).decode("utf-8-sig")
    except (OSError, KeyError, zipfile.BadZipFile) as error:
        raise _Unavailable(f"{RELEASE} has no readable {TIMELINESS_MEMBER}") from error
    national: PublishedTimeliness | None = None
    local: dict[str, PublishedTimeliness] = {}
    # Columns are found by name, in any order and case; others are ignored.
    for row in csv.DictReader(io.StringIO(raw)):
        lowered = {k.lower(): v for k, v in row.items() if k}
        if lowered.get("breakdown") != ALL_PLANS:
            continue
        try:
            year = int(lowered.get("time_period") or "")
        except ValueError:
            continue
        level = lowered.get("geographic_level")
        if level == "National":
            if national is None or national.year < year:
                national = _row(lowered, year, lowered.get("country_name") or "England")
        elif level == "Local authority" and (code := lowered.get("new_la_code")):
            current = local.get(code)
            if current is None or current.year < year:
                local[code] = _row(lowered, year, lowered.get("la_name") or code)
    return national, local


def published_timeliness(
    *, area: Area | None, data_dir: Path | None = None
) -> TimelinessComparison:
    """England's and ``area``'s latest published 20-week timeliness, with what is missing."""
    path = Path(data_dir or settings.SHARED_DATA_DIR) / RELEASE
    try:
        stat = path.stat()
    except OSError:
        return TimelinessComparison(
            None,
            None,
            (
                f"The published figures are not available: {RELEASE} is not in the shared "
                "data folder.",
            ),
        )
    try:
        national, by_code = _latest_rows(str(path), stat.st_mtime_ns, stat.st_size)
    except _Unavailable as error:
        return TimelinessComparison(
            None, None, (f"The published figures are not available: {error}.",)
        )
    missing = []
    if national is None:
        missing.append(f"There are no published figures for England in the {RELEASE_TITLE}.")
    local = by_code.get(area.code) if area is not None else None
    if area is None:
        missing.append(
            "No local area is set for this service, so there are no local published figures "
            "to compare with. An administrator sets it with SENDPLAN_LA_CODE."
        )
    elif local is None:
        missing.append(
            f"There are no published figures for {area.name} ({area.code}) in the {RELEASE_TITLE}."
        )
    return TimelinessComparison(national, local, tuple(missing))


CASELOAD_MEMBER = "data/caseload.csv"
#: The breakdown of the caseload table that counts every plan in force in January.
ALL_CASELOAD = "All EHC plans"


@dataclass(frozen=True)
class PublishedCaseload:
    """An area's EHC plans in force at one January census, as DfE published them."""

    census_year: int  # the January of the academic year DfE's time_period names
    area: str
    plans: int


@functools.lru_cache(maxsize=4)
def _caseload_rows(path: str, _mtime_ns: int, _size: int) -> dict[str, dict[int, int]]:
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(CASELOAD_MEMBER).decode("utf-8-sig")
    found: dict[str, dict[int, int]] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        lowered = {k.lower(): v for k, v in row.items() if k}
        if lowered.get("geographic_level") != "Local authority":
            continue
        if lowered.get("breakdown") != ALL_CASELOAD or not lowered.get("new_la_code"):
            continue
        period, plans = lowered.get("time_period") or "", lowered.get("ehcplans") or ""
        if len(period) == 6 and period.isdigit() and plans.isdigit():
            # 202425 is the academic year 2024/25, whose census is in January 2025.
            found.setdefault(lowered["new_la_code"], {})[int(period[:4]) + 1] = int(plans)
    return found


def published_caseload(
    *, area: Area | None, census_year: int, data_dir: Path | None = None
) -> PublishedCaseload | None:
    """``area``'s published plans in force at the January ``census_year`` census, or None
    when the release, the area or that year is not there."""
    if area is None:
        return None
    path = Path(data_dir or settings.SHARED_DATA_DIR) / RELEASE
    try:
        stat = path.stat()
        rows = _caseload_rows(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    plans = rows.get(area.code, {}).get(census_year)
    return None if plans is None else PublishedCaseload(census_year, area.name, plans)
