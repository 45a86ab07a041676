"""Check DfE "Education, health and care plans" release tables and build the caseload history.

Two layouts are understood, both as published on explore-education-statistics:

* the 2023-onwards release (``data/caseload.csv``, ``time_period`` 201819 ... 202425, one
  row per area, year and ``breakdown``; single ages in the "Child or young persons age"
  breakdown from 2023/24) with ``data/sen_needs_all_plans.csv`` beside it (need by age);
* the 2022 release (``data/sen2_age_caseload.csv``, ``time_period`` 2010 ... 2022,
  statements and EHC plans combined in ``Total_all`` by age band).

The engine reads no files: the command line and the sufficiency app open the zips and CSVs
(``sendplan.cli.forecast_files``) and hand over each table as text, in a :class:`Release`.
Areas are keyed on the three-digit DfE LA code (``old_la_code``): it survives the ONS code
changes (Gateshead and Northumberland in 2014, Buckinghamshire's codes in 2021-2024), while
``new_la_code`` is what the output shows. Every problem is reported as
``FILE:LINE: column: what is wrong``, FILE being the table's label; the checks raise
:class:`ForecastInputError` listing them all, so a malformed release never produces a silent
wrong forecast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from sendplan.engine.codes import RELEASE_NEEDS
from sendplan.engine.forecast_areas import KNOWN_AREAS
from sendplan.engine.forecast_history import (
    AGE_BANDS,
    AGE_CELLS,
    ENGLAND_CODE,
    REORGANISATIONS,
    Area,
    CaseloadHistory,
    ParsedRelease,
    age_array,
    backcast_successors,
    band_array,
    need_array,
    placement_arrays,
)
from sendplan.engine.forecast_placement import (
    PLACEMENTS,
    has_placement_columns,
    placement_counts,
)

# The history's names are re-exported: callers import them from here, beside caseload_history.
__all__ = [
    "AGE_BANDS",
    "AGE_CELLS",
    "ENGLAND_CODE",
    "MAX_PROBLEMS",
    "REORGANISATIONS",
    "Area",
    "CaseloadHistory",
    "ForecastInputError",
    "Release",
    "TextTable",
    "caseload_history",
    "check_release",
]

#: Largest count a release may hold: far above England's whole caseload, far below what
#: the forecast's arithmetic could lose precision on.
MAX_COUNT = 10_000_000

# The 2022 release's ``characteristic_age`` labels of the same bands, in the same order.
_BAND_LABELS_2022: tuple[str, ...] = (
    "Under 5",
    "Age 5 to 10",
    "Age 11 to 15",
    "Age 16 to 19",
    "Age 20 to 25",
)
_NEED_COLUMNS = tuple(
    f"number_{n.lower()}" if n != "Unknown" else "number_need_unknown" for n in RELEASE_NEEDS
)

_COMMON = ("time_period", "geographic_level", "old_la_code", "new_la_code", "la_name")
_LAYOUT_2025 = (*_COMMON, "region_code", "region_name", "breakdown_topic", "breakdown", "ehcplans")
_LAYOUT_2022 = (*_COMMON, "region_code", "region_name", "characteristic_age", "Total_all")
_LAYOUT_NEEDS = (*_COMMON, "breakdown_topic", "breakdown", *_NEED_COLUMNS)
_LEVELS = {"National", "Regional", "Local authority"}
#: At most this many problems are listed: a file in the wrong layout would give one a row.
MAX_PROBLEMS = 200


class ForecastInputError(ValueError):
    """Tables (a release, a population projection) that cannot be forecast from;
    ``problems`` holds one ``FILE:LINE: column: what is wrong`` line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class TextTable:
    """A CSV table read with every column as text, as the file gave it.

    ``label`` names the table in problems (its path, or ``ZIP/data/caseload.csv`` for a
    member of a zip). The header was line 1, so the frame's first row is line 2.
    """

    label: str
    frame: pl.DataFrame


@dataclass(frozen=True)
class Release:
    """The tables of one DfE release: the caseload (``caseload.csv``, or the 2022 release's
    ``sen2_age_caseload.csv``) and, when the release has them, need by age
    (``sen_needs_all_plans.csv``) and the flow tables (``newplans.csv``, ``requests.csv``,
    or the 2022 release's ``sen2_mi.csv``; :mod:`~sendplan.engine.forecast_flow_data`)."""

    caseload: TextTable
    needs: TextTable | None = None
    flows: tuple[TextTable, ...] = ()


def _prepared(table: TextTable) -> TextTable:
    """Every column as text with blanks for missing values, and each row's line number."""
    frame = table.frame.select(pl.all().cast(pl.String)).fill_null("")
    return TextTable(table.label, frame.with_row_index("_line", offset=2))


def _census_year(period: str) -> int | None:
    """``202425`` -> 2025 (academic-year layout); ``2022`` -> 2022 (2022 layout)."""
    if re.fullmatch(r"\d{6}", period):
        start, end = int(period[:4]), int(period[4:])
        return start + 1 if (start + 1) % 100 == end else None
    if re.fullmatch(r"\d{4}", period):
        return int(period)
    return None


def _check_columns(table: TextTable, required: Sequence[str], problems: list[str]) -> bool:
    missing = [c for c in required if c not in table.frame.columns]
    for column in missing:
        problems.append(f"{table.label}:1: {column}: required column missing")
    return not missing


def _count_column(table: TextTable, column: str, problems: list[str]) -> pl.Series:
    """Parse a count column: integers >= 0; ``x``/``z`` (and blank) become null."""
    raw = table.frame[column].str.strip_chars()
    suppressed = raw.is_in(["x", "z", ""])
    parsed = raw.str.replace_all(",", "").cast(pl.Int64, strict=False)
    bad = table.frame.filter(~suppressed & (parsed.is_null() | (parsed < 0)))
    for line, value in zip(bad["_line"], bad[column], strict=True):
        problems.append(f"{table.label}:{line}: {column}: {value!r} is not a count, 'x' or 'z'")
    huge = table.frame.filter(parsed > MAX_COUNT)
    for line, value in zip(huge["_line"], huge[column], strict=True):
        problems.append(
            f"{table.label}:{line}: {column}: {value} is more than {MAX_COUNT:,}, "
            "beyond any caseload in England"
        )
    kept = pl.select(pl.when(parsed <= MAX_COUNT).then(parsed)).to_series()
    return kept.cast(pl.Float64)


def _common_rows(
    table: TextTable, value: pl.Series, known: dict[str, tuple[str, str, str]], problems: list[str]
) -> pl.DataFrame:
    """Validate area and period columns; return one tidy frame of the rows."""
    frame = table.frame
    years = [_census_year(p) for p in frame["time_period"]]
    for line, period, year in zip(frame["_line"], frame["time_period"], years, strict=True):
        if year is None:
            problems.append(f"{table.label}:{line}: time_period: {period!r} is not a year")
    for line, level in zip(frame["_line"], frame["geographic_level"], strict=True):
        if level not in _LEVELS:
            problems.append(f"{table.label}:{line}: geographic_level: unknown level {level!r}")
    las = frame.filter(pl.col("geographic_level") == "Local authority")
    for row in las.select("_line", "new_la_code", "old_la_code", "la_name").iter_rows():
        line, code, dfe, name = row
        if code not in known:
            problems.append(f"{table.label}:{line}: new_la_code: unknown area {code!r} ({name})")
        elif known[code][0] != dfe:
            problems.append(
                f"{table.label}:{line}: old_la_code: {dfe!r} does not belong to {code} "
                f"(expected {known[code][0]})"
            )
    return pl.DataFrame(
        {
            "line": frame["_line"],
            "year": pl.Series(years, dtype=pl.Int64),
            "level": frame["geographic_level"],
            "code": frame["new_la_code"],
            "dfe": frame["old_la_code"],
            "name": frame["la_name"],
            "region": frame["region_code"] if "region_code" in frame.columns else None,
            "region_name": frame["region_name"] if "region_name" in frame.columns else None,
            "value": value,
        }
    )


def _parse_caseload(
    table: TextTable, known: dict[str, tuple[str, str, str]], problems: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Totals (``cell`` = "All") and single-age rows (``cell`` = age cell) of one file."""
    frame = table.frame
    if "characteristic_age" in frame.columns or "Total_all" in frame.columns:
        if not _check_columns(table, _LAYOUT_2022, problems):
            return None
        keep = frame["characteristic_age"] == "Total"
        totals_t = TextTable(table.label, frame.filter(keep))
        value = _count_column(totals_t, "Total_all", problems)
        # Band rows ride in the age frame with the band name as their cell.
        is_band = frame["characteristic_age"].is_in(list(_BAND_LABELS_2022)) & (
            frame["geographic_level"] == "Local authority"
        )
        bands_t = TextTable(table.label, frame.filter(is_band))
        bands = _common_rows(
            bands_t, _count_column(bands_t, "Total_all", problems), known, problems
        )
        names = dict(zip(_BAND_LABELS_2022, (b[0] for b in AGE_BANDS), strict=True))
        bands = bands.with_columns(
            cell=bands_t.frame["characteristic_age"].replace_strict(names, return_dtype=pl.String)
        )
        return _common_rows(totals_t, value, known, problems), bands
    if not _check_columns(table, _LAYOUT_2025, problems):
        return None
    is_total = frame["breakdown_topic"] == "All EHC plans"
    is_age = (frame["breakdown_topic"] == "Child or young persons age") & frame["breakdown"].is_in(
        list(AGE_CELLS)
    )
    totals_t = TextTable(table.label, frame.filter(is_total))
    ages_t = TextTable(table.label, frame.filter(is_age))
    totals = _common_rows(totals_t, _count_column(totals_t, "ehcplans", problems), known, problems)
    ages = _common_rows(ages_t, _count_column(ages_t, "ehcplans", problems), known, problems)
    ages = ages.with_columns(cell=ages_t.frame["breakdown"])
    if has_placement_columns(frame.columns):
        # Setting columns present: the six placement groups ride along with each row.
        totals = pl.concat(
            [totals, _placement_frame(totals_t, totals["value"], problems)], how="horizontal"
        )
        ages = pl.concat(
            [ages, _placement_frame(ages_t, ages["value"], problems)], how="horizontal"
        )
    return totals, ages


def _placement_frame(table: TextTable, total: pl.Series, problems: list[str]) -> pl.DataFrame:
    frame = placement_counts(lambda c: _count_column(table, c, problems), total)
    return frame.rename({p: f"p_{p}" for p in PLACEMENTS})


def _parse_needs(
    table: TextTable, known: dict[str, tuple[str, str, str]], problems: list[str]
) -> pl.DataFrame | None:
    if not _check_columns(table, _LAYOUT_NEEDS, problems):
        return None
    frame = table.frame
    keep = (frame["breakdown_topic"] == "Child or young persons age") & frame["breakdown"].is_in(
        list(AGE_CELLS)
    )
    t = TextTable(
        table.label, frame.filter(keep & (frame["geographic_level"] == "Local authority"))
    )
    parts = [
        _common_rows(t, _count_column(t, c, problems), known, problems).with_columns(
            cell=t.frame["breakdown"], need=pl.lit(n)
        )
        for c, n in zip(_NEED_COLUMNS, RELEASE_NEEDS, strict=True)
    ]
    return pl.concat(parts)


def _duplicates(rows: pl.DataFrame, keys: list[str], label: str, problems: list[str]) -> None:
    dup = rows.filter(pl.struct(keys).is_duplicated()).sort("line")
    for line, dfe in zip(dup["line"], dup["dfe"], strict=True):
        problems.append(f"{label}:{line}: time_period: duplicate row for area {dfe} and year")


def _parse_release(
    release: Release, known: dict[str, tuple[str, str, str]], problems: list[str]
) -> ParsedRelease | None:
    """The checked rows of one release, or None when its caseload table is unusable."""
    caseload = _prepared(release.caseload)
    parsed = _parse_caseload(caseload, known, problems)
    needs = (
        None if release.needs is None else _parse_needs(_prepared(release.needs), known, problems)
    )
    if parsed is None:
        return None
    totals, ages = parsed
    _duplicates(totals, ["level", "dfe", "region", "year"], caseload.label, problems)
    latest = int(totals["year"].max() or 0)  # type: ignore[arg-type]
    return (caseload.label, latest, totals, ages, needs)


def check_release(*, release: Release) -> None:
    """Check one release's tables on their own, without building a history.

    For a caller that could not read every release it was given: it still reports each
    readable release's problems, as :func:`caseload_history` would have.

    Parameters
    ----------
    release
        The release's tables.

    Raises
    ------
    ForecastInputError
        Listing every problem as ``FILE:LINE: column: what is wrong``.

    Examples
    --------
    >>> table = TextTable("caseload.csv", pl.DataFrame({"time_period": ["202425"]}))
    >>> check_release(release=Release(caseload=table))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sendplan.engine.forecast_data.ForecastInputError: caseload.csv:1: geographic_level: required column missing
    ...
    """
    problems: list[str] = []
    _parse_release(release, KNOWN_AREAS, problems)
    if problems:
        raise ForecastInputError(problems[:MAX_PROBLEMS])


def caseload_history(*, releases: Sequence[Release]) -> CaseloadHistory:
    """Check one or more DfE releases and return the caseload history they give.

    Parameters
    ----------
    releases
        The tables of each release, in any order. Where years overlap, the release with the
        latest year wins.

    Returns
    -------
    CaseloadHistory

    Raises
    ------
    ForecastInputError
        Listing every problem as ``FILE:LINE: column: what is wrong``.
    ValueError
        When no release is given.

    Examples
    --------
    >>> rows = {
    ...     "time_period": [f"{y - 1}{y % 100:02d}" for y in range(2019, 2026)],
    ...     "geographic_level": "Local authority", "old_la_code": "208",
    ...     "new_la_code": "E09000022", "la_name": "Lambeth", "region_code": "E12000007",
    ...     "region_name": "London", "breakdown_topic": "All EHC plans",
    ...     "breakdown": "All EHC plans", "ehcplans": [str(2000 + 150 * k) for k in range(7)],
    ... }
    >>> table = TextTable("caseload.csv", pl.DataFrame(rows))
    >>> history = caseload_history(releases=[Release(caseload=table)])
    >>> [a.name for a in history.las], history.years.tolist(), history.totals[0, -1]
    (['Lambeth'], [2019, 2020, 2021, 2022, 2023, 2024, 2025], np.float64(2900.0))
    """
    if not releases:
        raise ValueError("at least one release is needed")
    problems: list[str] = []
    sources = [_parse_release(release, KNOWN_AREAS, problems) for release in releases]
    if problems:
        raise ForecastInputError(problems[:MAX_PROBLEMS])
    history = _assemble(sorted((s for s in sources if s is not None), key=lambda s: s[1]))
    tables = [t for release in releases for t in release.flows]
    if not tables:
        return history
    # Imported here: the flow tables are checked with this module's helpers.
    from sendplan.engine.forecast_flow_data import flow_series

    flows, notes = flow_series(tables=tables, history=history, problems=problems)
    if problems:
        raise ForecastInputError(problems[:MAX_PROBLEMS])
    return replace(history, flows=flows, notes=(*history.notes, *notes))


def _assemble(sources: list[ParsedRelease]) -> CaseloadHistory:
    problems: list[str] = []
    notes: list[str] = []
    # Newer releases overwrite older ones for the years both hold.
    merged: dict[tuple[str, int], tuple[float, str, int]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    regions: dict[str, str] = {}
    for label, _latest, rows_t, _ages, _needs in sources:
        for row in rows_t.iter_rows(named=True):
            if row["level"] == "Regional" and row["region"]:
                regions[row["region"]] = row["region_name"]
            if row["level"] != "Local authority":
                continue
            merged[(row["dfe"], row["year"])] = (row["value"], label, row["line"])
            names[row["dfe"]] = (row["code"], row["name"], row["region"] or "")
            if row["value"] is None or np.isnan(row["value"]):
                notes.append(
                    f"{label}:{row['line']}: ehcplans: unavailable ('x'/'z') for "
                    f"{row['name']} {row['year']}; that year is left out of its growth history"
                )
    all_years = sorted({y for _, y in merged})
    if not all_years:
        labels = ", ".join(label for label, *_ in sources) or "-"
        raise ForecastInputError(
            [f"{labels}:2: geographic_level: no 'Local authority' rows to forecast from"]
        )
    if len(all_years) < 2:
        raise ForecastInputError(
            [
                f"{sources[-1][0]}:2: time_period: only {all_years[0]} is given; a forecast "
                "needs at least two census years"
            ]
        )
    years = np.arange(all_years[0], all_years[-1] + 1)
    for y in years:
        if y not in all_years:
            problems.append(f"{sources[-1][0]}:1: time_period: missing year {y} in the series")
    last = int(years[-1])
    current = sorted(d for d, y in merged if y == last)
    succ_first = {s: (f, preds, succs) for f, preds, succs in REORGANISATIONS for s in succs}
    # An area missing from the latest year must be a known predecessor, never silently dropped.
    predecessors = {p for _, preds, _ in REORGANISATIONS for p in preds}
    for dfe in sorted({d for d, _ in merged} - set(current) - predecessors):
        label, line = _first_ref(merged, dfe)
        problems.append(f"{label}:{line}: time_period: area {dfe} has no row for {last}")
    totals = np.full((len(current), len(years)), np.nan)
    for i, dfe in enumerate(current):
        for j, y in enumerate(years):
            if (dfe, int(y)) in merged:
                v = merged[(dfe, int(y))][0]
                totals[i, j] = np.nan if v is None else v
            elif not (dfe in succ_first and y < succ_first[dfe][0]):
                label, line = _first_ref(merged, dfe)
                problems.append(f"{label}:{line}: time_period: area {dfe} has no row for {y}")
        if np.isnan(totals[i, -1]):
            _, label, line = merged[(dfe, last)]
            problems.append(
                f"{label}:{line}: ehcplans: no figure ('x'/'z') for {last}, the forecast origin"
            )
    if problems:
        raise ForecastInputError(problems[:MAX_PROBLEMS])
    observed = ~np.isnan(totals)
    backcast_successors(totals, years, current, merged)
    backcast = ~observed & ~np.isnan(totals)
    las = tuple(Area(names[d][0], d, names[d][1], "la", names[d][2]) for d in current)
    region_areas = tuple(
        Area(code, "", regions[code], "region", code)
        for code in sorted(regions)
        if any(a.region_code == code for a in las)
    )
    ages = age_array(sources, current, years)
    needs, need_year = need_array(sources, current)
    placements, by_age, placement_year = placement_arrays(sources, current, years)
    bands = band_array(sources, current, years, ages)
    return CaseloadHistory(
        years,
        las,
        region_areas,
        totals,
        ages,
        needs,
        need_year,
        tuple(notes),
        backcast,
        placements,
        by_age,
        placement_year,
        bands,
    )


def _first_ref(merged: dict[tuple[str, int], tuple[float, str, int]], dfe: str) -> tuple[str, int]:
    refs = sorted(v[1:] for (d, _), v in merged.items() if d == dfe)
    return refs[0][0], refs[0][1]
