"""The caseload history the forecast is fitted to, and how it is built from release rows.

:class:`CaseloadHistory` holds, for the current local authorities, the plans at each January
census (totals, single-age cells, age bands, placement groups, and need by age in one year).
:mod:`sendplan.engine.forecast_data` checks the DfE release tables and hands the parsed rows
here; the functions below turn them into those arrays, back-casting the
successors of a local government reorganisation over the years before they existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import polars as pl

from sendplan.engine.codes import MAX_AGE, PHASES, RELEASE_NEEDS
from sendplan.engine.forecast_flows import FlowSeries
from sendplan.engine.forecast_placement import PLACEMENTS

__all__ = [
    "AGE_BANDS",
    "AGE_CELLS",
    "ENGLAND_CODE",
    "REORGANISATIONS",
    "Area",
    "CaseloadHistory",
    "ParsedRelease",
    "age_array",
    "backcast_successors",
    "band_array",
    "need_array",
    "placement_arrays",
]

# The cells of the age vector: DfE publishes "under 3" as one group, then single ages.
AGE_CELLS: tuple[str, ...] = ("under 3", *(f"age {a}" for a in range(3, MAX_AGE + 1)))
# DfE's names for its published age bands, which are the phases of education.
_BAND_NAMES: dict[str, str] = {
    "early_years": "Under 5",
    "primary": "5 to 10",
    "secondary": "11 to 15",
    "post16": "16 to 19",
    "post19": "20 to 25",
}


def _cell(age: int) -> int:
    """Index into AGE_CELLS of an age (0-2 share the "under 3" cell)."""
    return max(age - 2, 0)


#: DfE's published age bands (the phases, in phase order) as index ranges into AGE_CELLS:
#: ("Under 5", 0, 3), ("5 to 10", 3, 9), ("11 to 15", 9, 14), ("16 to 19", 14, 18),
#: ("20 to 25", 18, 24).
AGE_BANDS: tuple[tuple[str, int, int], ...] = tuple(
    (_BAND_NAMES[phase], _cell(low), _cell(high) + 1) for phase, (low, high) in PHASES.items()
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

# One parsed release: (caseload table's label, its latest census year, total rows, age rows,
# need rows or None), as checked by forecast_data; lists of them are ordered oldest first.
ParsedRelease: TypeAlias = tuple[str, int, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]


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
    #: New plans and requests by LA and calendar year (the flow tables), or None.
    flows: FlowSeries | None = None

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
            None if self.flows is None else self.flows.until(last_year),
        )


def backcast_successors(
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


def age_array(sources: list[ParsedRelease], current: list[str], years: np.ndarray) -> np.ndarray:
    """Plans by single-age cell (L, years, cells); NaN for the years without single ages."""
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


def band_array(
    sources: list[ParsedRelease], current: list[str], years: np.ndarray, ages: np.ndarray
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


def need_array(
    sources: list[ParsedRelease], current: list[str]
) -> tuple[np.ndarray | None, int | None]:
    """Plans by age cell and need (L, cells, needs) in the newest need file's latest year."""
    with_needs = [s[4] for s in sources if s[4] is not None and s[4].height]
    if not with_needs:
        return None, None
    rows = with_needs[-1]
    year = int(rows["year"].max())  # type: ignore[arg-type]
    rows = rows.filter(pl.col("year") == year)
    needs = np.zeros((len(current), len(AGE_CELLS), len(RELEASE_NEEDS)))
    index = {d: i for i, d in enumerate(current)}
    cell = {c: k for k, c in enumerate(AGE_CELLS)}
    need = {n: k for k, n in enumerate(RELEASE_NEEDS)}
    for dfe, name, nd, value in rows.select("dfe", "cell", "need", "value").iter_rows():
        if dfe in index and value is not None and not np.isnan(value):
            needs[index[dfe], cell[name], need[nd]] = value
    return needs, year


def placement_arrays(
    sources: list[ParsedRelease], current: list[str], years: np.ndarray
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
