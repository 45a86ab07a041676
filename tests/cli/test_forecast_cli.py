"""`sendplan forecast` on the command line: output columns, refusals, backtest mode."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sendplan.cli.forecast import main
from tests.engine.test_forecast_data import RELEASE_2025, write_release


def test_forecast_writes_the_contract_columns(tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "--caseload",
            str(RELEASE_2025),
            "--horizon",
            "2",
            "--out",
            str(out),
            "--simulations",
            "100",
            "--seed",
            "1",
        ]
    )
    assert code == 0
    table = pl.read_csv(out)
    assert table.columns == [
        "area_code",
        "area_name",
        "census_year",
        "age_band",
        "need",
        "ehcplans",
        "lower80",
        "upper80",
    ]
    england = table.filter(
        (pl.col("area_code") == "E92000001")
        & (pl.col("age_band") == "All")
        & (pl.col("need") == "All")
    )
    assert england["census_year"].to_list() == [2026, 2027]
    assert 640_000 < england["ehcplans"][0] < 760_000


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"header": "time_period,geographic_level,new_la_code"}, ":1: ehcplans: required column"),
        ({"value": {("E09000022", 2025): "x"}}, ":20: ehcplans: no figure"),
        ({"skip": {("E09000028", 2023)}}, "area 210 has no row for 2023"),
    ],
)
def test_bad_release_exits_1_with_file_line_message_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kwargs: dict, expected: str
) -> None:
    release = write_release(tmp_path, **kwargs)
    out = tmp_path / "forecast.csv"
    code = main(["--caseload", str(release), "--horizon", "3", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{release}:")
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.glob(".forecast.csv.*")) == []


def test_missing_horizon_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--caseload", str(RELEASE_2025), "--out", str(tmp_path / "f.csv")])
    assert caught.value.code == 2


def test_backtest_mode_writes_one_row_per_origin_horizon_and_method(tmp_path: Path) -> None:
    release = write_release(tmp_path, years=range(2016, 2026))
    out = tmp_path / "backtest.csv"
    assert (
        main(["--caseload", str(release), "--backtest", "--out", str(out), "--simulations", "50"])
        == 0
    )
    rows = pl.read_csv(out)
    assert set(rows["method"]) == {
        "model",
        "cohort",
        "combined",
        "persistence",
        "last_growth",
        "mean_growth_3y",
        "linear_trend_5y",
    }
    assert rows["origin"].min() == 2020 and rows["horizon"].max() == 3


def test_breakdowns_out_writes_placement_types_in_a_separate_file(tmp_path: Path) -> None:
    out, types = tmp_path / "forecast.csv", tmp_path / "placements.csv"
    argv = ["--caseload", str(RELEASE_2025), "--horizon", "1", "--out", str(out)]
    assert main([*argv, "--simulations", "50", "--breakdowns-out", str(types)]) == 0
    assert pl.read_csv(out).columns[-3:] == ["ehcplans", "lower80", "upper80"]
    assert "placement_type" not in pl.read_csv(out).columns
    rows = pl.read_csv(types)
    assert rows.columns[5] == "placement_type"
    lambeth = rows.filter(pl.col("area_code") == "E09000022")
    assert lambeth["placement_type"].to_list() == [
        "mainstream",
        "resourced",
        "special",
        "independent",
        "post16",
        "other",
    ]


def test_breakdowns_out_without_setting_columns_writes_a_header_and_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = write_release(tmp_path)
    out, types = tmp_path / "forecast.csv", tmp_path / "placements.csv"
    argv = ["--caseload", str(release), "--horizon", "1", "--out", str(out)]
    assert main([*argv, "--simulations", "20", "--breakdowns-out", str(types)]) == 0
    assert types.read_text().strip().split(",")[5] == "placement_type"
    assert len(types.read_text().strip().splitlines()) == 1
    assert "header only" in capsys.readouterr().err


def test_method_option_changes_the_totals_and_rejects_unknown_names(tmp_path: Path) -> None:
    base = ["--caseload", str(RELEASE_2025), "--horizon", "2", "--simulations", "50"]
    outs = {}
    for method in ("growth", "combined"):
        outs[method] = tmp_path / f"{method}.csv"
        assert main([*base, "--out", str(outs[method]), "--method", method]) == 0
    growth, combined = (pl.read_csv(outs[m])["ehcplans"] for m in ("growth", "combined"))
    assert not growth.equals(combined)
    with pytest.raises(SystemExit) as caught:
        main([*base, "--out", str(tmp_path / "x.csv"), "--method", "magic"])
    assert caught.value.code == 2


def test_the_release_zip_is_forecast_by_the_flows_model_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "forecast.csv"
    argv = ["--caseload", str(RELEASE_2025), "--horizon", "1", "--out", str(out)]
    assert main([*argv, "--simulations", "50"]) == 0
    captured = capsys.readouterr()
    assert "by the flows method" in captured.out
    assert "growth model" not in captured.err


def test_a_caseload_csv_alone_falls_back_to_the_growth_model_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = write_release(tmp_path)
    out = tmp_path / "forecast.csv"
    argv = ["--caseload", str(release), "--horizon", "1", "--out", str(out)]
    assert main([*argv, "--simulations", "20"]) == 0
    captured = capsys.readouterr()
    assert "by the growth method" in captured.out
    assert (
        "note: no flow tables (newplans.csv, requests.csv) were given: forecast by the growth "
        "model" in captured.err
    )
    assert pl.read_csv(out).columns[-3:] == ["ehcplans", "lower80", "upper80"]
