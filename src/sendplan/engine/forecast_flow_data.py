"""Check the flow tables of DfE releases and build the new plans and requests by LA and year.

Three layouts are understood, each recognised by its count column:

* ``data/newplans.csv`` (2023-onwards releases): ``new_ehc_plans``, the "New EHC plans" rows;
* ``data/requests.csv`` (2023-onwards): ``requests_received_in_year``, the "All requests
  for EHC needs assessments" rows;
* ``data/sen2_mi.csv`` (the 2022 release): ``NewallEHC`` and ``InreqEHC``.

``time_period`` is a calendar year. Where releases overlap, the table whose latest year is
newest wins. A new-plans figure above 60 % of the LA's January caseload (the 2025 release
repeats a regional total on 15 Yorkshire and Humber rows for 2022) is left out with a note;
so is a request figure above 120 %.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import polars as pl

from sendplan.engine.forecast_data import (
    CaseloadHistory,
    TextTable,
    _check_columns,
    _count_column,
    _prepared,
)
from sendplan.engine.forecast_flows import FlowSeries

#: (count column, flow, breakdown_topic of the all-plans rows or None) of each layout.
FLOW_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("new_ehc_plans", "new", "New EHC plans"),
    ("requests_received_in_year", "requests", "All requests for EHC needs assessments"),
    ("NewallEHC", "new", None),
    ("InreqEHC", "requests", None),
)
_LIMIT = {"new": 0.6, "requests": 1.2}  # largest plausible flow per plan in January


def _rows(table: TextTable, problems: list[str]) -> list[tuple[str, str, pl.DataFrame]]:
    """(flow, count column, rows with line, year, dfe, value) for each flow the table holds."""
    found = [c for c in FLOW_COLUMNS if c[0] in table.frame.columns]
    if not found:
        names = ", ".join(c[0] for c in FLOW_COLUMNS)
        problems.append(f"{table.label}:1: -: no flow column ({names})")
        return []
    if not _check_columns(table, ("time_period", "geographic_level", "old_la_code"), problems):
        return []
    out = []
    for column, flow, topic in found:
        frame = table.frame
        if topic is not None:
            if not _check_columns(table, ("breakdown_topic",), problems):
                continue
            frame = frame.filter(pl.col("breakdown_topic") == topic)
        frame = frame.filter(pl.col("geographic_level") == "Local authority")
        part = TextTable(table.label, frame)
        value = _count_column(part, column, problems)
        rows = frame.select(
            pl.col("_line").alias("line"),
            pl.col("time_period").str.strip_chars().alias("period"),
            pl.col("old_la_code").str.strip_chars().alias("dfe"),
        ).with_columns(value=value)
        for line, period in rows.select("line", "period").iter_rows():
            if not re.fullmatch(r"(19|20)\d\d", period):
                problems.append(f"{table.label}:{line}: time_period: {period!r} is not a year")
        rows = rows.filter(pl.col("period").str.contains(r"^(19|20)\d\d$")).with_columns(
            year=pl.col("period").cast(pl.Int64)
        )
        dup = rows.filter(pl.struct("dfe", "year").is_duplicated()).sort("line")
        for line, dfe in dup.select("line", "dfe").iter_rows():
            problems.append(f"{table.label}:{line}: time_period: duplicate row for area {dfe}")
        out.append((flow, column, rows))
    return out


def flow_series(
    *, tables: Sequence[TextTable], history: CaseloadHistory, problems: list[str]
) -> tuple[FlowSeries | None, list[str]]:
    """New plans and requests of ``history``'s LAs from the releases' flow tables.

    Parameters
    ----------
    tables
        Flow tables in any of the layouts above, every column as text.
    history
        The caseload history the flows are for (its LAs, and its totals for the checks).
    problems
        Problems are appended here, as ``FILE:LINE: column: what is wrong``.

    Returns
    -------
    (FlowSeries or None, notes)
        None when no table gives both new plans and requests; notes name each figure left
        out as implausible.

    Examples
    --------
    >>> from sendplan.engine.forecast_data import Area, AGE_CELLS
    >>> las = (Area("E09000022", "208", "Lambeth", "la", "E12000007"),)
    >>> h = CaseloadHistory(np.array([2023, 2024]), las, (), np.array([[3000.0, 3200]]),
    ...                     np.full((1, 2, len(AGE_CELLS)), np.nan), None, None, ())
    >>> t = TextTable("mi.csv", pl.DataFrame({"time_period": ["2023"], "old_la_code": ["208"],
    ...     "geographic_level": ["Local authority"], "NewallEHC": ["400"], "InreqEHC": ["x"]}))
    >>> flows, notes = flow_series(tables=[t], history=h, problems=[])
    >>> flows.years.tolist(), flows.new_plans.tolist(), np.isnan(flows.requests).all()
    ([2023], [[400.0]], np.True_)
    """
    index = {a.dfe_code: i for i, a in enumerate(history.las)}
    parsed: list[tuple[int, str, str, str, pl.DataFrame]] = []
    for table in tables:
        for flow, column, rows in _rows(_prepared(table), problems):
            latest = int(rows["year"].max() or 0)  # type: ignore[arg-type]
            parsed.append((latest, table.label, flow, column, rows))
    kinds = {p[2] for p in parsed}
    if problems or kinds != {"new", "requests"}:
        return None, []
    years = np.array(sorted({int(y) for p in parsed for y in p[4]["year"]}))
    arrays = {k: np.full((len(history.las), years.size), np.nan) for k in kinds}
    census = {int(y): j for j, y in enumerate(history.years)}
    notes = []
    for _, label, flow, column, rows in sorted(parsed, key=lambda p: p[0]):
        for line, dfe, year, value in rows.select("line", "dfe", "year", "value").iter_rows():
            if dfe not in index:
                continue  # an abolished predecessor: its successors are back-cast
            j = int(np.searchsorted(years, year))
            stock = history.totals[index[dfe], census[year]] if year in census else np.nan
            if value is not None and stock > 0 and value > _LIMIT[flow] * stock:
                notes.append(
                    f"{label}:{line}: {column}: {value:.0f} {flow} in {year} against "
                    f"{stock:.0f} plans that January is implausible; left out"
                )
                value = None
            arrays[flow][index[dfe], j] = np.nan if value is None else value
    return FlowSeries(years, arrays["new"], arrays["requests"]), notes
