"""Reading DfE releases and population files for the forecast: zips, bare CSVs, refusals."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from sendplan.cli.forecast_files import load_caseload, read_population, read_release
from sendplan.engine import ForecastInputError
from tests.engine.test_forecast_data import RELEASE_2022, RELEASE_2025, write_release


def _problems(paths: list[Path]) -> list[str]:
    with pytest.raises(ForecastInputError) as caught:
        load_caseload(paths)
    return list(caught.value.problems)


def test_a_zip_as_published_gives_its_caseload_and_need_tables_named_by_member() -> None:
    newer = read_release(RELEASE_2025)
    assert newer.caseload.label == f"{RELEASE_2025}/data/caseload.csv"
    assert newer.needs is not None
    assert newer.needs.label == f"{RELEASE_2025}/data/sen_needs_all_plans.csv"
    older = read_release(RELEASE_2022)
    assert older.caseload.label == f"{RELEASE_2022}/data/sen2_age_caseload.csv"
    assert older.needs is None


def test_every_column_is_read_as_text_so_the_engine_sees_what_the_file_says() -> None:
    frame = read_release(RELEASE_2025).caseload.frame
    assert set(frame.dtypes) == {frame.dtypes[0]} and str(frame.dtypes[0]) == "String"
    assert frame["time_period"][0].isdigit()


def test_a_bare_caseload_csv_brings_the_need_table_beside_it(tmp_path: Path) -> None:
    path = write_release(tmp_path)
    assert read_release(path).needs is None
    (tmp_path / "sen_needs_all_plans.csv").write_text("time_period\n202425\n", encoding="utf-8")
    needs = read_release(path).needs
    assert needs is not None and needs.label == str(tmp_path / "sen_needs_all_plans.csv")


def test_a_zip_without_a_caseload_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "release.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/other.csv", "a,b\n1,2\n")
    assert _problems([path]) == [
        f"{path}:1: -: no data/caseload.csv or data/sen2_age_caseload.csv in the zip"
    ]


def test_a_missing_file_is_reported_with_the_other_files_problems_in_the_order_given(
    tmp_path: Path,
) -> None:
    broken = write_release(tmp_path, value={("E09000001", 2020): "twelve"})
    missing = tmp_path / "nowhere.zip"
    assert _problems([missing, broken]) == [
        f"{missing}:1: -: file not found",
        f"{broken}:7: ehcplans: 'twelve' is not a count, 'x' or 'z'",
    ]
    assert _problems([broken, missing]) == [
        f"{broken}:7: ehcplans: 'twelve' is not a count, 'x' or 'z'",
        f"{missing}:1: -: file not found",
    ]


def test_while_a_file_is_missing_no_history_is_built_from_the_others(tmp_path: Path) -> None:
    # The suppressed origin is a problem of the history, not of the file on its own.
    suppressed = write_release(tmp_path, value={("E09000022", 2025): "x"})
    missing = tmp_path / "nowhere.zip"
    assert _problems([suppressed, missing]) == [f"{missing}:1: -: file not found"]


def test_no_file_at_all_is_refused() -> None:
    assert _problems([]) == ["-:1: --caseload: no caseload file given"]


def test_population_file_is_read_for_the_histories_areas(tmp_path: Path) -> None:
    history = load_caseload([write_release(tmp_path)])
    path = tmp_path / "snpp.csv"
    rows = ["AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2024,2025"]
    rows += [f"E09000022,Lambeth,Population,persons,{a},{1000 + a},{1010 + a}" for a in range(26)]
    rows.append("E09000022,Lambeth,Births,persons,0,99,99")
    path.write_text("\ufeff" + "\n".join(rows) + "\n", encoding="utf-8")
    population = read_population(path, history)
    lambeth = [a.code for a in history.las].index("E09000022")
    assert list(population) == [lambeth]
    grid = population[lambeth]
    assert grid[0, 25] == 1010 + 1011 + 1012  # ages 0-2 form "under 3"
    assert grid[1, 24] == 1003 and np.isnan(grid[1, 23])


def test_missing_population_file_is_refused() -> None:
    with pytest.raises(ForecastInputError, match=r"^/no/such\.csv:1: -: file not found$"):
        read_population("/no/such.csv", None)  # type: ignore[arg-type]
