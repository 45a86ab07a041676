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

from sendplan.engine.forecast_placement import (
    PLACEMENTS,
    has_placement_columns,
    placement_counts,
)

# The cells of the age vector: DfE publishes "under 3" as one group, then single ages.
AGE_CELLS: tuple[str, ...] = ("under 3", *(f"age {a}" for a in range(3, 26)))
# DfE's published age bands, as index ranges into AGE_CELLS.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 5", 0, 3),
    ("5 to 10", 3, 9),
    ("11 to 15", 9, 14),
    ("16 to 19", 14, 18),
    ("20 to 25", 18, 24),
)
# The 2022 release's ``characteristic_age`` labels of the same bands, in the same order.
_BAND_LABELS_2022: tuple[str, ...] = (
    "Under 5",
    "Age 5 to 10",
    "Age 11 to 15",
    "Age 16 to 19",
    "Age 20 to 25",
)
NEEDS: tuple[str, ...] = (
    "ASD",
    "HI",
    "MLD",
    "MSI",
    "OTH",
    "PD",
    "PMLD",
    "SEMH",
    "SLCN",
    "SLD",
    "SPLD",
    "VI",
    "Unknown",
)
_NEED_COLUMNS = tuple(
    f"number_{n.lower()}" if n != "Unknown" else "number_need_unknown" for n in NEEDS
)
ENGLAND_CODE = "E92000001"

# Local government reorganisations inside the published series: (first census year of the
# successors, predecessor DfE codes, successor DfE codes). Successors' earlier years are
# back-cast as their first-year share of the predecessors' combined caseload.
REORGANISATIONS: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (2020, ("835", "836", "837"), ("838", "839")),  # Dorset, Poole, Bournemouth -> Dorset, BCP
    (2022, ("928",), ("940", "941")),  # Northamptonshire -> North, West
    (2024, ("909",), ("942", "943")),  # Cumbria -> Cumberland, Westmorland and Furness
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


@dataclass(frozen=True)
class Area:
    """One area: ``level`` is ``"la"``, ``"region"`` or ``"national"``."""

    code: str
    dfe_code: str
    name: str
    level: str
    region_code: str


@dataclass(frozen=True)
class CaseloadHistory:
    """Caseload history of the current local authorities, oldest year first.

    ``totals[l, y]`` is plans in LA ``l`` at the January census of ``years[y]`` (NaN where
    the release says ``x``/``z``); ``ages[l, y, c]`` the plans in age cell ``AGE_CELLS[c]``
    (NaN where not published); ``needs[l, c, n]`` the plans by age cell and primary need in
    ``need_year`` (None when no need file was given). ``bands[l, y, b]`` is the plans in
    age band ``AGE_BANDS[b]`` (the 2022 release's bands for 2010-2022, sums of single ages
    from 2024; NaN where not published or suppressed), or None for histories built by hand.
    """

    years: np.ndarray
    las: tuple[Area, ...]
    regions: tuple[Area, ...]
    totals: np.ndarray
    ages: np.ndarray
    needs: np.ndarray | None
    need_year: int | None
    notes: tuple[str, ...]
    backcast: np.ndarray | None = None
    placements: np.ndarray | None = None
    placement_ages: np.ndarray | None = None
    placement_year: int | None = None
    bands: np.ndarray | None = None

    def until(self, last_year: int) -> CaseloadHistory:
        """The same history without the census years after ``last_year``."""
        keep = self.years <= last_year
        needs = self.needs if (self.need_year or 0) <= last_year else None
        by_age = self.placement_ages if (self.placement_year or 0) <= last_year else None
        return CaseloadHistory(
            self.years[keep],
            self.las,
            self.regions,
            self.totals[:, keep],
            self.ages[:, keep],
            needs,
            self.need_year if needs is not None else None,
            self.notes,
            None if self.backcast is None else self.backcast[:, keep],
            None if self.placements is None else self.placements[:, keep],
            by_age,
            self.placement_year if by_age is not None else None,
            None if self.bands is None else self.bands[:, keep],
        )


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
        for c, n in zip(_NEED_COLUMNS, NEEDS, strict=True)
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
    sources: list[tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]] = []
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


def _assemble(
    sources: list[tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]],
) -> CaseloadHistory:
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
    _backcast(totals, years, current, merged)
    backcast = ~observed & ~np.isnan(totals)
    las = tuple(Area(names[d][0], d, names[d][1], "la", names[d][2]) for d in current)
    region_areas = tuple(
        Area(code, "", regions[code], "region", code)
        for code in sorted(regions)
        if any(a.region_code == code for a in las)
    )
    ages = _age_array(sources, current, years)
    needs, need_year = _need_array(sources, current)
    placements, by_age, placement_year = _placement_arrays(sources, current, years)
    bands = _band_array(sources, current, years, ages)
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


def _band_array(
    sources: list[tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]],
    current: list[str],
    years: np.ndarray,
    ages: np.ndarray,
) -> np.ndarray:
    """Plans by age band (L, years, bands): published bands, then sums of single ages."""
    bands = np.full((len(current), len(years), len(AGE_BANDS)), np.nan)
    index = {d: i for i, d in enumerate(current)}
    band = {b[0]: k for k, b in enumerate(AGE_BANDS)}
    suppressed = np.zeros(bands.shape[:2], dtype=bool)
    for _label, _latest, _totals, age_rows, _needs in sources:
        if age_rows.height == 0:
            continue
        rows = age_rows.filter(pl.col("cell").is_in(list(band)))
        for dfe, year, name, value in rows.select("dfe", "year", "cell", "value").iter_rows():
            if dfe in index:
                j = int(year) - int(years[0])
                bands[index[dfe], j, band[name]] = value
                if value is None or np.isnan(value):
                    suppressed[index[dfe], j] = True
    # A band absent from a published year has no plans (the 20-25 band before 2015);
    # a suppressed band makes that LA-year's bands unknown.
    published = ~np.all(np.isnan(bands), axis=2, keepdims=True)
    bands = np.where(published & np.isnan(bands), 0.0, bands)
    bands[suppressed] = np.nan
    from_ages = np.stack([ages[..., lo:hi].sum(axis=2) for _, lo, hi in AGE_BANDS], axis=2)
    single = ~np.isnan(ages).any(axis=2)
    return np.where(single[..., None], from_ages, bands)


def _placement_arrays(
    sources: list[tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]],
    current: list[str],
    years: np.ndarray,
) -> tuple[np.ndarray | None, np.ndarray | None, int | None]:
    """Placement counts by LA and year, and by LA and age cell in the latest age year."""
    columns = [f"p_{p}" for p in PLACEMENTS]
    with_p = [s for s in sources if "p_other" in s[2].columns]
    if not with_p:
        return None, None, None
    index = {d: i for i, d in enumerate(current)}
    counts = np.full((len(current), len(years), len(PLACEMENTS)), np.nan)
    for _label, _latest, rows_t, _ages, _needs in with_p:  # newer releases overwrite older
        rows = rows_t.filter(pl.col("level") == "Local authority")
        for dfe, year, *values in rows.select("dfe", "year", *columns).iter_rows():
            if dfe in index:
                counts[index[dfe], int(year) - int(years[0])] = np.array(values, dtype=float)
    age_rows = with_p[-1][3].filter(pl.col("level") == "Local authority")
    if age_rows.height == 0:
        return counts, None, None
    year = int(age_rows["year"].max())  # type: ignore[arg-type]
    by_age = np.zeros((len(current), len(AGE_CELLS), len(PLACEMENTS)))
    cell = {c: k for k, c in enumerate(AGE_CELLS)}
    for dfe, name, *values in (
        age_rows.filter(pl.col("year") == year).select("dfe", "cell", *columns).iter_rows()
    ):
        if dfe in index:
            # A suppressed cell ('x') counts as no data and falls back to England's mix.
            by_age[index[dfe], cell[name]] = np.nan_to_num(np.array(values, dtype=float))
    return counts, by_age, year


def _first_ref(merged: dict[tuple[str, int], tuple[float, str, int]], dfe: str) -> tuple[str, int]:
    refs = sorted(v[1:] for (d, _), v in merged.items() if d == dfe)
    return refs[0][0], refs[0][1]


def _backcast(
    totals: np.ndarray,
    years: np.ndarray,
    current: list[str],
    merged: dict[tuple[str, int], tuple[float, str, int]],
) -> None:
    """Fill successor LAs' years before a reorganisation from their predecessors."""
    index = {d: i for i, d in enumerate(current)}
    for first, preds, succs in REORGANISATIONS:
        if not all(s in index for s in succs):
            continue
        first_j = int(np.searchsorted(years, first))
        if first_j >= len(years) or years[first_j] != first:
            continue
        combined = totals[[index[s] for s in succs], first_j]
        for s in succs:
            share = totals[index[s], first_j] / combined.sum()
            for j in range(first_j):
                pred = [merged.get((p, int(years[j])), (np.nan, "", 0))[0] for p in preds]
                totals[index[s], j] = share * float(np.sum(np.asarray(pred, dtype=float)))


def _age_array(
    sources: list[tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]],
    current: list[str],
    years: np.ndarray,
) -> np.ndarray:
    ages = np.full((len(current), len(years), len(AGE_CELLS)), np.nan)
    index = {d: i for i, d in enumerate(current)}
    cell = {c: k for k, c in enumerate(AGE_CELLS)}
    for _label, _latest, _totals, age_rows, _needs in sources:
        if age_rows.height == 0:
            continue
        rows = age_rows.filter(
            (pl.col("level") == "Local authority") & pl.col("cell").is_in(list(AGE_CELLS))
        )
        for dfe, year, name, value in rows.select("dfe", "year", "cell", "value").iter_rows():
            if dfe in index:
                ages[index[dfe], int(year) - int(years[0]), cell[name]] = value
    # A published year with some cells absent means "no plans of that age" (DfE omits rows).
    published = ~np.all(np.isnan(ages), axis=2, keepdims=True)
    return np.where(published & np.isnan(ages), 0.0, ages)


def _need_array(
    sources: list[tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]],
    current: list[str],
) -> tuple[np.ndarray | None, int | None]:
    with_needs = [s[4] for s in sources if s[4] is not None and s[4].height]
    if not with_needs:
        return None, None
    rows = with_needs[-1]
    year = int(rows["year"].max())  # type: ignore[arg-type]
    rows = rows.filter(pl.col("year") == year)
    needs = np.zeros((len(current), len(AGE_CELLS), len(NEEDS)))
    index = {d: i for i, d in enumerate(current)}
    cell = {c: k for k, c in enumerate(AGE_CELLS)}
    need = {n: k for k, n in enumerate(NEEDS)}
    for dfe, name, nd, value in rows.select("dfe", "cell", "need", "value").iter_rows():
        if dfe in index and value is not None and not np.isnan(value):
            needs[index[dfe], cell[name], need[nd]] = value
    return needs, year
