"""Reading DfE releases: the real files, and malformed ones refused with FILE:LINE messages."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sendplan.cli.forecast_files import load_caseload
from sendplan.engine.forecast_data import (
    ForecastInputError,
    Release,
    TextTable,
    caseload_history,
    check_release,
)

SHARED = Path(
    os.environ.get("SENDPLAN_SHARED_DATA", Path(__file__).parents[2].parent / "shared" / "data")
)
RELEASE_2025 = SHARED / "dfe-ehcp-sen2" / "education-health-and-care-plans_2025.zip"
RELEASE_2022 = SHARED / "dfe-ehcp-sen2" / "education-health-and-care-plans_2022.zip"

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehcplans"
)
LAS = (
    ("E09000022", "208", "Lambeth", 2000),
    ("E09000028", "210", "Southwark", 2400),
    ("E09000001", "201", "City of London", 20),
)


def write_release(
    folder: Path,
    *,
    years: range = range(2019, 2026),
    value: dict[tuple[str, int], str] | None = None,
    skip: set[tuple[str, int]] | None = None,
    header: str = HEADER,
    extra_rows: tuple[str, ...] = (),
) -> Path:
    """A small caseload.csv in the 2025 layout: three London LAs growing about 9 % a year."""
    lines = [header]
    for year in years:
        period = f"{year - 1}{year % 100:02d}"
        for code, dfe, name, base in LAS:
            if skip and (code, year) in skip:
                continue
            n = (value or {}).get((code, year), str(round(base * 1.09 ** (year - 2019))))
            lines.append(
                f"{period},Academic year,Local authority,E92000001,England,E12000007,London,"
                f"{code},{dfe},{name},All EHC plans,All EHC plans,{n}"
            )
    lines.extend(extra_rows)
    path = folder / "caseload.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(path: Path) -> str:
    with pytest.raises(ForecastInputError) as caught:
        load_caseload([path])
    return str(caught.value)


def test_both_real_releases_give_every_current_la_from_2010_to_2025() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    assert list(history.years) == list(range(2010, 2026))
    assert len(history.las) == 153
    assert history.totals[:, -1].sum() == 638_745
    assert history.totals[:, 9].sum() == 353_995  # January 2019, the same in both releases
    assert not np.isnan(history.totals).any()
    # Surrey gave need totals without ages (data guidance), so need-by-age is ~2.5 % short.
    assert history.needs is not None and history.needs.sum() == pytest.approx(
        np.nansum(history.ages[:, -1]), rel=0.03
    )


def test_successor_las_get_back_cast_history_from_their_predecessors() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    names = [a.name for a in history.las]
    north = history.totals[names.index("North Northamptonshire")]
    west = history.totals[names.index("West Northamptonshire")]
    # 2010: Northamptonshire had 3,511 plans, split in the successors' 2022 proportions.
    assert north[0] + west[0] == pytest.approx(3511)
    assert history.backcast is not None and history.backcast[names.index("Cumberland"), 13]
    assert "Cumbria" not in names


def test_changed_column_is_refused_naming_file_line_and_column(tmp_path: Path) -> None:
    path = write_release(tmp_path, header=HEADER.replace("ehcplans", "ehc_plans"))
    assert f"{path}:1: ehcplans: required column missing" in problems_of(path)


def test_suppressed_origin_value_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write_release(tmp_path, value={("E09000022", 2025): "x"})
    # Header, then 6 years x 3 LAs, then Lambeth is the first 2025 row.
    assert f"{path}:20: ehcplans: no figure ('x'/'z') for 2025" in problems_of(path)


def test_suppressed_middle_value_is_left_out_and_noted(tmp_path: Path) -> None:
    path = write_release(tmp_path, value={("E09000028", 2021): "z"})
    history = load_caseload([path])
    assert np.isnan(history.totals[2, 2])  # LAs sorted by DfE code: 201, 208, 210
    assert any("unavailable" in note and "Southwark 2021" in note for note in history.notes)


def test_non_numeric_count_is_refused(tmp_path: Path) -> None:
    path = write_release(tmp_path, value={("E09000001", 2020): "twelve"})
    assert f"{path}:7: ehcplans: 'twelve' is not a count" in problems_of(path)


def test_missing_year_in_the_series_is_refused(tmp_path: Path) -> None:
    path = write_release(tmp_path, years=range(2019, 2026), skip={(code, 2022) for code, *_ in LAS})
    assert f"{path}:1: time_period: missing year 2022 in the series" in problems_of(path)


def test_area_missing_a_year_is_refused(tmp_path: Path) -> None:
    path = write_release(tmp_path, skip={("E09000028", 2023)})
    assert "time_period: area 210 has no row for 2023" in problems_of(path)


def test_unknown_area_is_refused(tmp_path: Path) -> None:
    row = (
        "202425,Academic year,Local authority,E92000001,England,E12000007,London,"
        "E09999999,999,Nowhere,All EHC plans,All EHC plans,50"
    )
    path = write_release(tmp_path, extra_rows=(row,))
    assert f"{path}:23: new_la_code: unknown area 'E09999999' (Nowhere)" in problems_of(path)


def test_the_engine_builds_the_history_from_tables_without_reading_a_file(tmp_path: Path) -> None:
    path = write_release(tmp_path, value={("E09000028", 2021): "z"})
    from_file = load_caseload([path])
    # Columns inferred as numbers are taken as their text, as a file would give them.
    table = TextTable("in memory", pl.read_csv(path))
    from_tables = caseload_history(releases=[Release(caseload=table)])
    assert [a.code for a in from_tables.las] == [a.code for a in from_file.las]
    assert np.array_equal(from_tables.totals, from_file.totals, equal_nan=True)
    assert from_tables.notes == tuple(n.replace(str(path), "in memory") for n in from_file.notes)


def test_checking_one_release_reports_its_own_problems_with_their_lines() -> None:
    row = (
        "202425,Academic year,Borough,E92000001,England,E12000007,London,"
        "E09000022,208,Lambeth,All EHC plans,All EHC plans,2000"
    )
    frame = pl.read_csv(f"{HEADER}\n{row}\n".encode(), infer_schema_length=0)
    with pytest.raises(ForecastInputError) as caught:
        check_release(release=Release(caseload=TextTable("short.csv", frame)))
    assert caught.value.problems == ("short.csv:2: geographic_level: unknown level 'Borough'",)


def test_no_release_at_all_is_a_bad_argument() -> None:
    with pytest.raises(ValueError, match="at least one release is needed"):
        caseload_history(releases=[])
