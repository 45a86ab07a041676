"""`sendplan place` with the stability columns and --move-cost, per the contract."""

from __future__ import annotations

import json
from pathlib import Path

from sendplan.cli.place import main

# All on one meridian: 0.1 degree of latitude is 11.11951 km (400 pounds a km: 4,448).
SETTINGS = """setting_id,name,lat,lon,min_age,max_age,needs,places,annual_cost,kind
CHEAP,Near,52.0,-1.0,11,16,ASD,2,10000,special
DEAR,Far,52.1,-1.0,5,16,SLD,2,60000,independent
"""


def _run(tmp_path: Path, learners: str, *options: str) -> tuple[int, list[str], dict]:
    (tmp_path / "l.csv").write_text(learners, encoding="utf-8")
    (tmp_path / "s.csv").write_text(SETTINGS, encoding="utf-8")
    status = main(["--learners", str(tmp_path / "l.csv"), "--settings", str(tmp_path / "s.csv"),
                   "--out", str(tmp_path / "p.csv"), "--summary", str(tmp_path / "sum.json"),
                   *options])  # fmt: skip
    rows = (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()[1:]
    return status, rows, json.loads((tmp_path / "sum.json").read_text(encoding="utf-8"))


def test_a_learner_who_may_not_move_stays_even_where_not_eligible(tmp_path: Path) -> None:
    # ASD learner in DEAR (designated SLD only): may not move, so stays at 60,000 + 4,448.
    learners = "learner_id,need,age,lat,lon,current_setting,may_move\nL1,ASD,12,52.0,-1.0,DEAR,no\n"
    status, rows, summary = _run(tmp_path, learners)
    assert status == 0
    assert rows == ["L1,DEAR,11.120,64448"]
    assert summary["objective"] == 64448


def test_a_mover_leaves_when_the_saving_beats_the_move_cost(tmp_path: Path) -> None:
    learners = "learner_id,need,age,lat,lon,current_setting,may_move\nL1,ASD,12,52.0,-1.0,DEAR,\n"
    status, rows, summary = _run(tmp_path, learners, "--move-cost", "54448")
    assert (status, rows) == (0, ["L1,CHEAP,0.000,10000"])
    assert summary["objective"] == 10000 + 54448  # the move cost counts; the file shows cost(l, s)
    status, rows, summary = _run(tmp_path, learners, "--move-cost", "54449")
    assert (status, rows) == (0, ["L1,DEAR,11.120,64448"])
    assert summary["objective"] == 64448


def test_learners_who_stay_hold_places_others_then_lack(tmp_path: Path) -> None:
    learners = (
        "learner_id,need,age,lat,lon,current_setting,may_move\n"
        "A,ASD,12,52.0,-1.0,CHEAP,no\nB,ASD,12,52.0,-1.0,CHEAP,NO\nC,ASD,12,52.0,-1.0,,no\n"
    )
    status, rows, summary = _run(tmp_path, learners, "--unplaced-cost", "99999")
    assert status == 0
    assert rows == ["A,CHEAP,0.000,10000", "B,CHEAP,0.000,10000", "C,,,"]
    assert (summary["placed"], summary["unplaced"]) == (2, 1)
    assert summary["objective"] == 20000 + 99999
    assert summary["shortfall"] == [{"need": "ASD", "phase": "secondary", "count": 1}]


def test_more_learners_who_must_stay_than_places_is_invalid(tmp_path: Path, capsys) -> None:
    learners = "learner_id,need,age,lat,lon,current_setting,may_move\n" + "".join(
        f"L{i},ASD,12,52.0,-1.0,CHEAP,no\n" for i in range(3)
    )
    (tmp_path / "l.csv").write_text(learners, encoding="utf-8")
    (tmp_path / "s.csv").write_text(SETTINGS, encoding="utf-8")
    status = main(["--learners", str(tmp_path / "l.csv"), "--settings", str(tmp_path / "s.csv"),
                   "--out", str(tmp_path / "p.csv")])  # fmt: skip
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / 'l.csv'}:4: current_setting: 3 learners must stay in 'CHEAP' (may_move no) "
        f"but it has 2 places in {tmp_path / 's.csv'}"
    ]
    assert not (tmp_path / "p.csv").exists()
