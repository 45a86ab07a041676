"""`sendplan site` on the command line: outputs per contract, usage errors, time limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendplan.cli.site import main

# On one meridian: 0.1 degree of latitude is 11.11951 km. FAR has 3 places for 4 learners;
# L1 must stay there, L2 may move (at 1,000), L3 and L4 have no place yet.
LEARNERS = """learner_id,need,age,lat,lon,current_setting,may_move
L1,ASD,12,52.0,-1.0,FAR,no
L2,ASD,12,52.0,-1.0,FAR,yes
L3,ASD,12,52.0,-1.0,,
L4,SLD,8,52.05,-1.0,,
"""
SETTINGS = """setting_id,name,lat,lon,min_age,max_age,needs,places,annual_cost,kind
FAR,Far,52.2,-1.0,5,16,ASD;SLD,3,60000,independent
"""
CANDIDATES = """candidate_id,name,lat,lon,min_age,max_age,needs,kind,block_places,max_blocks,capital_per_block,annual_cost,notes
C1,Base at Elm,52.0,-1.0,11,16,ASD,resourced,1,3,300000,20000,x
C2,New school,52.05,-1.0,5,16,ALL,special,8,1,6000000,30000,y
"""


def _files(tmp_path: Path, *options: str) -> list[str]:
    for name, text in (("l", LEARNERS), ("s", SETTINGS), ("c", CANDIDATES)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return ["--learners", str(tmp_path / "l.csv"), "--settings", str(tmp_path / "s.csv"),
            "--candidates", str(tmp_path / "c.csv"), "--out", str(tmp_path / "sites.csv"),
            "--placements", str(tmp_path / "p.csv"), "--summary", str(tmp_path / "sum.json"),
            *options]  # fmt: skip


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_console_writes_sites_placements_and_summary_per_contract(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "sendplan", "site",
         *_files(tmp_path, "--budget", "1000000", "--move-cost", "1000")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    # Two blocks of C1 (600,000 of the 1,000,000) take L2 and L3 home; C2 is beyond the budget.
    assert _lines(tmp_path / "sites.csv") == [
        "candidate_id,blocks,places,capital,places_used",
        "C1,2,2,600000,2",
        "C2,0,0,0,0",
    ]
    # L1 stays (60,000 + 400 x 22.239 km); the file shows cost(l, s) without the move cost.
    assert _lines(tmp_path / "p.csv") == [
        "learner_id,setting_id,distance_km,annual_cost",
        "L1,FAR,22.239,68896",
        "L2,C1,0.000,20000",
        "L3,C1,0.000,20000",
        "L4,FAR,16.679,66672",
    ]
    summary = json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))
    assert list(summary) == ["status", "objective", "capital", "placed", "unplaced",
                             "annual_saving", "gap", "solve_seconds"]  # fmt: skip
    placements = 68896 + 20000 + 1000 + 20000 + 66672
    # With no new places one learner of L2, L3 is left unplaced (250,000).
    baseline = 68896 + 68896 + 66672 + 250000
    assert summary["objective"] == placements + 600000 / 30
    assert (summary["status"], summary["capital"], summary["gap"]) == ("optimal", 600000, 0.0)
    assert (summary["placed"], summary["unplaced"]) == (4, 0)
    assert summary["annual_saving"] == baseline - placements


def test_a_smaller_budget_and_fewer_capital_years_open_fewer_blocks(tmp_path: Path) -> None:
    assert main(_files(tmp_path, "--budget", "599999.99")) == 0
    assert _lines(tmp_path / "sites.csv")[1:] == ["C1,1,1,300000,1", "C2,0,0,0,0"]
    # Over one year a block costs 300,000 a year: more than the 250,000 of leaving L3 out.
    assert main(_files(tmp_path, "--budget", "1000000", "--capital-years", "1")) == 0
    assert _lines(tmp_path / "sites.csv")[1:] == ["C1,0,0,0,0", "C2,0,0,0,0"]
    summary = json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))
    assert (summary["capital"], summary["annual_saving"]) == (0, 0)


def test_a_time_limit_of_zero_says_so_with_a_gap(tmp_path: Path) -> None:
    assert main(_files(tmp_path, "--budget", "1000000", "--time-limit", "0")) == 0
    summary = json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))
    assert summary["status"] == "time_limit"
    assert 0 < summary["gap"] <= 1
    assert len(_lines(tmp_path / "p.csv")) == 5


@pytest.mark.parametrize(
    "options",
    [
        [],  # --budget is required
        ["--budget", "-1"],
        ["--budget", "lots"],
        ["--budget", "1000", "--capital-years", "0"],
        ["--budget", "1000", "--move-cost", "2.5"],
    ],
)
def test_usage_errors_exit_2_and_write_nothing(tmp_path: Path, options: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(_files(tmp_path, *options))
    assert exit_.value.code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "l.csv", "s.csv"]


def test_bad_learners_and_bad_candidates_are_all_listed(tmp_path: Path, capsys) -> None:
    argv = _files(tmp_path, "--budget", "1")
    (tmp_path / "l.csv").write_text(LEARNERS.replace("FAR,no", "NEAR,no"), encoding="utf-8")
    (tmp_path / "c.csv").write_text(CANDIDATES.replace("C2,", "FAR,"), encoding="utf-8")
    assert main(argv) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / 'l.csv'}:2: current_setting: 'NEAR' is not a setting_id in "
        f"{tmp_path / 's.csv'}",
        f"{tmp_path / 'c.csv'}:3: candidate_id: 'FAR' is also a setting_id in {tmp_path / 's.csv'}",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "l.csv", "s.csv"]
