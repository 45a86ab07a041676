"""`sendplan place` on the command line: outputs per contract, refusals with their line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendplan.cli.place import main

LEARNERS = """learner_id,need,age,lat,lon,preferred_setting
L1,ASD,12,52.0,-1.0,
L2,SLD,12,52.0,-1.0,S2
L3,PMLD,3,52.0,-1.0,
"""
SETTINGS = """setting_id,name,lat,lon,min_age,max_age,needs,places,annual_cost,kind,extra
S1,Near,52.0,-1.0,11,16,ASD;SLD,1,10000,special,x
S2,Far,52.1,-1.0,11,16,ASD,1,30000,independent,y
"""


def _files(tmp_path: Path, learners: str = LEARNERS, settings: str = SETTINGS) -> list[str]:
    (tmp_path / "l.csv").write_text(learners, encoding="utf-8")
    (tmp_path / "s.csv").write_text(settings, encoding="utf-8")
    return ["--learners", str(tmp_path / "l.csv"), "--settings", str(tmp_path / "s.csv"),
            "--out", str(tmp_path / "p.csv"), "--summary", str(tmp_path / "sum.json")]  # fmt: skip


def test_console_writes_placements_and_summary_per_contract(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "sendplan", "place", *_files(tmp_path)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()
    # SLD learner can only use S1, so the ASD learner goes to S2 (11.119 km):
    # 30,000 + 400 * 11.11951 = 34,447.8 -> 34,448.
    assert rows == [
        "learner_id,setting_id,distance_km,annual_cost",
        "L1,S2,11.120,34448",
        "L2,S1,0.000,10000",
        "L3,,,",
    ]
    summary = json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))
    assert list(summary) == ["status", "objective", "placed", "unplaced", "total_place_cost",
                             "total_travel_cost", "shortfall", "solve_seconds"]  # fmt: skip
    assert summary["status"] == "optimal"
    assert summary["objective"] == 34_448 + 10_000 + 250_000
    assert (summary["placed"], summary["unplaced"]) == (2, 1)
    assert (summary["total_place_cost"], summary["total_travel_cost"]) == (40_000, 4_448)
    assert summary["shortfall"] == [{"need": "PMLD", "phase": "early_years", "count": 1}]
    assert isinstance(summary["solve_seconds"], float)


def test_honoured_preference_is_refused_when_it_would_leave_another_unplaced(
    tmp_path: Path,
) -> None:
    # L2 prefers S2, which it cannot attend (S2 is not designated for SLD).
    args = _files(tmp_path) + ["--honour-preferences", "--preference-tolerance", "10%"]
    assert main(args) == 0
    assert "L2,S1," in (tmp_path / "p.csv").read_text(encoding="utf-8")


def _refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], **files: str) -> list[str]:
    code = main(_files(tmp_path, **files))
    assert code == 1
    assert not (tmp_path / "p.csv").exists()
    assert not (tmp_path / "sum.json").exists()
    assert list(tmp_path.glob(".*tmp")) == []
    return capsys.readouterr().err.splitlines()


def test_missing_column_is_reported_on_the_header_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(tmp_path, capsys, learners="learner_id,need,lat,lon\nL1,ASD,52,-1\n")
    assert err == [f"{tmp_path / 'l.csv'}:1: age: required column is missing"]


def test_unknown_need_code_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(tmp_path, capsys, learners=LEARNERS.replace("L2,SLD", "L2,AUT"))
    assert err == [f"{tmp_path / 'l.csv'}:3: need: unknown need code 'AUT' (expected one of "
                   "SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH)"]  # fmt: skip


def test_negative_places_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(tmp_path, capsys, settings=SETTINGS.replace("ASD,1,30000", "ASD,-2,30000"))
    assert err == [f"{tmp_path / 's.csv'}:3: places: -2 is negative"]


def test_non_numeric_coordinate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(tmp_path, capsys, learners=LEARNERS.replace("L3,PMLD,3,52.0", "L3,PMLD,3,north"))
    assert err == [f"{tmp_path / 'l.csv'}:4: lat: 'north' is not a number"]


def test_latitude_out_of_range_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(tmp_path, capsys, settings=SETTINGS.replace("S2,Far,52.1", "S2,Far,95"))
    assert err == [f"{tmp_path / 's.csv'}:3: lat: 95 is outside -90 to 90"]


def test_duplicate_ids_name_the_first_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(tmp_path, capsys, learners=LEARNERS.replace("L3,", "L1,"))
    assert err == [f"{tmp_path / 'l.csv'}:4: learner_id: duplicate id 'L1' (first on line 2)"]


def test_every_problem_in_both_files_is_listed_in_line_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = SETTINGS.replace("11,16,ASD;SLD", "16,11,ASD;SLD").replace("independent", "charity")
    learners = LEARNERS.replace(",S2\n", ",S9\n")
    err = _refused(tmp_path, capsys, learners=learners, settings=settings)
    s, lf = tmp_path / "s.csv", tmp_path / "l.csv"
    assert err == [
        f"{s}:2: min_age: min_age 16 is above max_age 11",
        f"{s}:3: kind: unknown kind 'charity' (expected one of mainstream, resourced, special, "
        "independent, post16, other)",
        f"{lf}:3: preferred_setting: 'S9' is not a setting_id in {s}",
    ]


def test_physical_line_numbers_count_blank_lines_and_quoted_newlines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = (
        SETTINGS.replace("S1,Near", 'S1,"Near\nthe park"') + "\nS3,X,52,-1,5,11,XYZ,1,1,special,\n"
    )
    err = _refused(tmp_path, capsys, settings=settings)
    assert err == [f"{tmp_path / 's.csv'}:6: needs: unknown need code 'XYZ' (expected one of "
                   "SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH)"]  # fmt: skip


def test_unreadable_file_is_invalid_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _files(tmp_path)
    (tmp_path / "s.csv").unlink()
    assert main(args) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 's.csv'}:1: file: cannot be read")
    assert not (tmp_path / "p.csv").exists()


def test_negative_option_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(_files(tmp_path) + ["--max-km", "-3"])
    assert stop.value.code == 2


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--unplaced-cost", "10000000000000000000", "must be at most 1,000,000,000"),
        ("--cost-per-km", "1e12", "must be at most 100,000"),
        ("--preference-tolerance", "1e30", "must be at most 1,000,000,000"),
        ("--preference-tolerance", "1e30%", "must be at most 10,000"),
    ],
)
def test_amounts_beyond_what_the_optimiser_adds_up_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(_files(tmp_path) + [option, value])
    assert stop.value.code == 2
    assert f"argument {option}: '{value}' {message}" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_help_describes_the_preference_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    assert "--preference-tolerance" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stages_are_shown_on_a_terminal_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(_files(tmp_path)) == 0
    stages = [line.split("] ", 1)[1] for line in terminal.getvalue().splitlines()]
    assert stages == [
        "Reading the learners and settings",
        "Grouping 3 learners and finding the settings each can reach",
        "Solving: 3 groups of learners, 2 settings, 3 possible placements",
        "Handing out the places",
        "Writing the placements",
    ]
    assert (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()[1] == "L1,S2,11.120,34448"


def test_nothing_but_problems_goes_to_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert main(_files(tmp_path)) == 0
    assert pipe.getvalue() == ""
