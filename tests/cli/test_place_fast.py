"""The polars fast path reads exactly what the careful reader reads, or steps aside."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sendplan.cli import place_fast
from sendplan.cli.place import InvalidInput, load

SETTINGS = """setting_id,name,lat,lon,min_age,max_age,needs,places,annual_cost,kind
S1,Near,52.0,-1.0,11,16,ASD;SLD,1,10000,special
S2,Far,52.1,-1.0,11,16,ASD,1,30000,independent
"""


def _learners(rows: int) -> str:
    lines = ["learner_id,age,extra,need,lat,lon,preferred_setting"]
    for i in range(rows):
        pref = ("", "S1", "S2")[i % 3]
        lat = 52 + (i % 97) * 0.0012345678901
        lines.append(f"L{i},{i % 26},x,{('ASD', 'SLD', 'OTH')[i % 3]},{lat!r},-1.{i:06d},{pref}")
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, learners: str) -> tuple[str, str]:
    (tmp_path / "l.csv").write_text(learners, encoding="utf-8")
    (tmp_path / "s.csv").write_text(SETTINGS, encoding="utf-8")
    return str(tmp_path / "l.csv"), str(tmp_path / "s.csv")


def test_fast_path_reads_the_same_bits_as_the_careful_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _write(tmp_path, _learners(500))
    monkeypatch.setattr(place_fast, "FAST_BYTES", 0)
    assert place_fast.read_learners_fast(paths[0], ("ASD", "SLD", "OTH"), {"S1": 0, "S2": 1})
    fast = load(*paths)
    monkeypatch.setattr(place_fast, "FAST_BYTES", 10**12)
    slow = load(*paths)
    assert fast[0] == slow[0] and fast[1] == slow[1]
    for name in ("need", "age", "lat", "lon", "preferred"):
        a, b = getattr(fast[2], name), getattr(slow[2], name)
        assert a.dtype == b.dtype
        assert a.tobytes() == b.tobytes(), name


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("L7,", "L3,"), "learner_id: duplicate id 'L3' (first on line 5)"),
        ((",ASD,", ",AUT,", 1), "need: unknown need code 'AUT'"),
        ((",S2\n", ",S9\n", 1), "preferred_setting: 'S9' is not a setting_id"),
        (("-1.000004", "west", 1), "lon: 'west' is not a number"),
    ],
)
def test_a_big_file_with_a_problem_is_refused_with_its_exact_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple, expected: str
) -> None:
    original = _learners(500)
    text = original.replace(*change)
    paths = _write(tmp_path, text)
    monkeypatch.setattr(place_fast, "FAST_BYTES", 0)
    assert place_fast.read_learners_fast(paths[0], ("ASD", "SLD", "OTH"), {"S1": 0}) is None
    with pytest.raises(InvalidInput) as err:
        load(*paths)
    rows = (original + "\n").splitlines()
    line = 1 + next(i for i, row in enumerate(rows) if change[0].strip() in row + "\n")
    assert any(p.startswith(f"{paths[0]}:{line}: ") and expected in p for p in err.value.problems)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("L10,", '"L10",'),  # quotes
        lambda t: t.replace("\nL11,", "\n\nL11,"),  # a blank line
        lambda t: t.replace("L12,", " L12,"),  # padding the careful reader strips
        lambda t: "\ufeff" + t,  # a byte-order mark
        lambda t: t.replace("\n", "\r\n"),  # Windows line ends
    ],
)
def test_unusual_but_valid_files_give_the_same_problem_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: object
) -> None:
    assert callable(edit)
    paths = _write(tmp_path, edit(_learners(300)))
    monkeypatch.setattr(place_fast, "FAST_BYTES", 0)
    fast = load(*paths)
    monkeypatch.setattr(place_fast, "FAST_BYTES", 10**12)
    slow = load(*paths)
    assert fast[0] == slow[0]
    assert np.array_equal(fast[2].lat, slow[2].lat)
    assert np.array_equal(fast[2].preferred, slow[2].preferred)


def _stable_learners(rows: int) -> str:
    lines = ["learner_id,need,age,lat,lon,current_setting,may_move"]
    for i in range(rows):
        current, may = ("", "S1", "S2", "S2")[i % 4], ("", "yes", "NO", "Yes", "no")[i % 5]
        # At most one learner may not move from each setting (each has one place).
        if may.lower() == "no" and i > 4:
            may = "yes"
        lines.append(f"L{i},ASD,12,52.{i:04d},-1.0,{current},{may}")
    return "\n".join(lines) + "\n"


def test_fast_path_reads_stability_columns_as_the_careful_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _write(tmp_path, _stable_learners(400))
    monkeypatch.setattr(place_fast, "FAST_BYTES", 0)
    read = place_fast.read_learners_fast(paths[0], ("ASD",), {"S1": 0, "S2": 1})
    assert read is not None
    assert read.may_move.tolist().count(False) == 2  # one of them has no current setting
    fast = load(*paths)
    assert int(fast[2].fixed().sum()) == 1
    monkeypatch.setattr(place_fast, "FAST_BYTES", 10**12)
    slow = load(*paths)
    for name in ("current", "may_move"):
        a, b = getattr(fast[2], name), getattr(slow[2], name)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ((",S1,yes", ",S7,yes", 1), "current_setting: 'S7' is not a setting_id"),
        ((",S1,yes", ",S1,maybe", 1), "may_move: 'maybe' is not yes or no"),
        ((",S1,yes", ",S1,no", 2), "current_setting: 2 learners must stay in 'S1'"),
    ],
)
def test_a_big_stable_file_with_a_problem_is_refused_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple, expected: str
) -> None:
    paths = _write(tmp_path, _stable_learners(400).replace(*change))
    monkeypatch.setattr(place_fast, "FAST_BYTES", 0)
    with pytest.raises(InvalidInput) as refused:
        load(*paths)
    assert len(refused.value.problems) == 1
    assert expected in refused.value.problems[0]
