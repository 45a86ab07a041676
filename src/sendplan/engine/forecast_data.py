"""Read and check DfE "Education, health and care plans" release files for the forecast.

Two layouts are understood, both as published on explore-education-statistics:

* the 2023-onwards release (``data/caseload.csv``, ``time_period`` 201819 ... 202425, one
  row per area, year and ``breakdown``; single ages in the "Child or young persons age"
  breakdown from 2023/24) with ``data/sen_needs_all_plans.csv`` beside it (need by age);
* the 2022 release (``data/sen2_age_caseload.csv``, ``time_period`` 2010 ... 2022,
  statements and EHC plans combined in ``Total_all`` by age band).

Areas are keyed on the three-digit DfE LA code (``old_la_code``): it survives the ONS code
changes (Gateshead and Northumberland in 2014, Buckinghamshire's codes in 2021-2024), while
``new_la_code`` is what the output shows. Every problem is reported as
``FILE:LINE: column: what is wrong``; the loader raises :class:`ForecastInputError` listing
them all, so a malformed release never produces a silent wrong forecast.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from sendplan.engine.codes import RELEASE_NEEDS
from sendplan.engine.forecast_history import (
    AGE_BANDS,
    AGE_CELLS,
    ENGLAND_CODE,
    REORGANISATIONS,
    Area,
    CaseloadHistory,
    Release,
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

# The history's names are re-exported: callers import them from here, beside load_caseload.
__all__ = [
    "AGE_BANDS",
    "AGE_CELLS",
    "ENGLAND_CODE",
    "REORGANISATIONS",
    "Area",
    "CaseloadHistory",
    "ForecastInputError",
    "load_caseload",
]

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
_MAX_PROBLEMS = 200


class ForecastInputError(ValueError):
    """A release file that cannot be forecast from; ``problems`` holds one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class _Table:
    label: str
    frame: pl.DataFrame


def _read_csv(label: str, raw: bytes) -> pl.DataFrame:
    text = raw.decode("utf-8-sig", errors="replace")
    frame = pl.read_csv(
        io.StringIO(text), infer_schema_length=0, truncate_ragged_lines=True
    ).fill_null("")
    return frame.with_row_index("_line", offset=2)


def _open_tables(path: Path, problems: list[str]) -> list[_Table]:
    """Return the caseload (and need) tables in ``path``: a release zip or a bare CSV."""
    if not path.exists():
        problems.append(f"{path}:1: -: file not found")
        return []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            wanted: list[str] = [
                n for n in ("data/caseload.csv", "data/sen2_age_caseload.csv") if n in names
            ]
            if not wanted:
                problems.append(
                    f"{path}:1: -: no data/caseload.csv or data/sen2_age_caseload.csv in the zip"
                )
                return []
            if "data/caseload.csv" in wanted and "data/sen_needs_all_plans.csv" in names:
                wanted.append("data/sen_needs_all_plans.csv")
            return [
                _Table(f"{path}/{n}", _read_csv(f"{path}/{n}", archive.read(n))) for n in wanted
            ]
    tables = [_Table(str(path), _read_csv(str(path), path.read_bytes()))]
    sibling = path.with_name("sen_needs_all_plans.csv")
    if path.name == "caseload.csv" and sibling.exists():
        tables.append(_Table(str(sibling), _read_csv(str(sibling), sibling.read_bytes())))
    return tables


def _census_year(period: str) -> int | None:
    """``202425`` -> 2025 (academic-year layout); ``2022`` -> 2022 (2022 layout)."""
    if re.fullmatch(r"\d{6}", period):
        start, end = int(period[:4]), int(period[4:])
        return start + 1 if (start + 1) % 100 == end else None
    if re.fullmatch(r"\d{4}", period):
        return int(period)
    return None


def _known_areas() -> dict[str, tuple[str, str, str]]:
    """new_la_code -> (DfE code, name, region code), from the bundled list."""
    text = resources.files("sendplan.engine").joinpath("forecast_areas.csv").read_text("utf-8")
    rows = pl.read_csv(io.StringIO(text), infer_schema_length=0)
    return {
        r["new_la_code"]: (r["old_la_code"], r["la_name"], r["region_code"])
        for r in rows.iter_rows(named=True)
    }


def _check_columns(table: _Table, required: Sequence[str], problems: list[str]) -> bool:
    missing = [c for c in required if c not in table.frame.columns]
    for column in missing:
        problems.append(f"{table.label}:1: {column}: required column missing")
    return not missing


def _count_column(table: _Table, column: str, problems: list[str]) -> pl.Series:
    """Parse a count column: integers >= 0; ``x``/``z`` (and blank) become null."""
    raw = table.frame[column].str.strip_chars()
    suppressed = raw.is_in(["x", "z", ""])
    parsed = raw.str.replace_all(",", "").cast(pl.Int64, strict=False)
    bad = table.frame.filter(~suppressed & (parsed.is_null() | (parsed < 0)))
    for line, value in zip(bad["_line"], bad[column], strict=True):
        problems.append(f"{table.label}:{line}: {column}: {value!r} is not a count, 'x' or 'z'")
    return parsed.cast(pl.Float64)


def _common_rows(
    table: _Table, value: pl.Series, known: dict[str, tuple[str, str, str]], problems: list[str]
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
    table: _Table, known: dict[str, tuple[str, str, str]], problems: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Totals (``cell`` = "All") and single-age rows (``cell`` = age cell) of one file."""
    frame = table.frame
    if "characteristic_age" in frame.columns or "Total_all" in frame.columns:
        if not _check_columns(table, _LAYOUT_2022, problems):
            return None
        keep = frame["characteristic_age"] == "Total"
        totals_t = _Table(table.label, frame.filter(keep))
        value = _count_column(totals_t, "Total_all", problems)
        # Band rows ride in the age frame with the band name as their cell.
        is_band = frame["characteristic_age"].is_in(list(_BAND_LABELS_2022)) & (
            frame["geographic_level"] == "Local authority"
        )
        bands_t = _Table(table.label, frame.filter(is_band))
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
    totals_t = _Table(table.label, frame.filter(is_total))
    ages_t = _Table(table.label, frame.filter(is_age))
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


def _placement_frame(table: _Table, total: pl.Series, problems: list[str]) -> pl.DataFrame:
    frame = placement_counts(lambda c: _count_column(table, c, problems), total)
    return frame.rename({p: f"p_{p}" for p in PLACEMENTS})


def _parse_needs(
    table: _Table, known: dict[str, tuple[str, str, str]], problems: list[str]
) -> pl.DataFrame | None:
    if not _check_columns(table, _LAYOUT_NEEDS, problems):
        return None
    frame = table.frame
    keep = (frame["breakdown_topic"] == "Child or young persons age") & frame["breakdown"].is_in(
        list(AGE_CELLS)
    )
    t = _Table(table.label, frame.filter(keep & (frame["geographic_level"] == "Local authority")))
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


def load_caseload(paths: Sequence[Path | str]) -> CaseloadHistory:
    """Read one or more DfE releases and return the checked caseload history.

    Parameters
    ----------
    paths
        Release zips as published, or their ``data/caseload.csv`` /
        ``data/sen2_age_caseload.csv``. Where years overlap, the file with the latest year wins.

    Returns
    -------
    CaseloadHistory

    Raises
    ------
    ForecastInputError
        Listing every problem as ``FILE:LINE: column: what is wrong``.

    Examples
    --------
    >>> load_caseload(["/no/such/release.zip"])
    Traceback (most recent call last):
    ...
    sendplan.engine.forecast_data.ForecastInputError: /no/such/release.zip:1: -: file not found
    """
    problems: list[str] = []
    known = _known_areas()
    sources: list[Release] = []
    for raw_path in paths:
        path = Path(raw_path)
        tables = _open_tables(path, problems)
        totals = ages = None
        needs = None
        label = str(path)
        for table in tables:
            if table.label.endswith("sen_needs_all_plans.csv"):
                needs = _parse_needs(table, known, problems)
                continue
            parsed = _parse_caseload(table, known, problems)
            label = table.label
            if parsed is not None:
                totals, ages = parsed
        if totals is not None and ages is not None:
            _duplicates(totals, ["level", "dfe", "region", "year"], label, problems)
            latest = int(totals["year"].max() or 0)  # type: ignore[arg-type]
            sources.append((label, latest, totals, ages, needs))
    if problems:
        raise ForecastInputError(problems[:_MAX_PROBLEMS])
    if not sources:
        raise ForecastInputError(["-:1: --caseload: no caseload file given"])
    return _assemble(sorted(sources, key=lambda s: s[1]))


def _assemble(sources: list[Release]) -> CaseloadHistory:
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
        raise ForecastInputError(problems[:_MAX_PROBLEMS])
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
