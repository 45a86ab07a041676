"""Files written whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sendplan.files import atomic_files, write_atomically


def test_text_is_written_and_nothing_else_is_left_beside_it(tmp_path: Path):
    with write_atomically(tmp_path / "out.csv") as out:
        out.write("name,places\r\nOak,4\r\n")
    assert (tmp_path / "out.csv").read_bytes() == b"name,places\r\nOak,4\r\n"  # newlines as written
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_bytes_are_written(tmp_path: Path):
    with write_atomically(tmp_path / "out.zip", binary=True) as out:
        out.write(b"PK\x03\x04")
    assert (tmp_path / "out.zip").read_bytes() == b"PK\x03\x04"


def test_an_error_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), write_atomically(target) as out:
        out.write("half a")
        raise RuntimeError("stopped")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_several_files_are_renamed_together_or_not_at_all(tmp_path: Path):
    with pytest.raises(RuntimeError), atomic_files() as files:
        with files.open(tmp_path / "a.csv") as a:
            a.write("a")
        files.temporary(tmp_path / "b.csv").write_text("b")
        raise RuntimeError("the second writer failed")
    assert list(tmp_path.iterdir()) == []
    with atomic_files() as files:
        with files.open(tmp_path / "a.csv") as a:
            a.write("a")
        files.temporary(tmp_path / "b.csv").write_text("b")
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == ["a", "b"]


def test_a_file_is_as_readable_as_a_plain_open_unless_private(tmp_path: Path):
    mask = os.umask(0o022)
    try:
        with write_atomically(tmp_path / "shared.csv") as out:
            out.write("x")
        with write_atomically(tmp_path / "private.zip", binary=True, private=True) as out:
            out.write(b"x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "shared.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.zip").stat().st_mode) == 0o600
