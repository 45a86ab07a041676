"""Check and bump: the one rule for optimistic locks."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from sendplan.core.errors import StaleEdit
from sendplan.core.locking import lock_bump, lock_check, lock_of

SAVED_AT = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def _row(lock: int, pk: int | None = 1) -> SimpleNamespace:
    who = SimpleNamespace(display_name="Sam Jones")
    return SimpleNamespace(pk=pk, lock=lock, modified_by=who, modified_at=SAVED_AT)


def test_a_save_from_the_current_lock_moves_it_on():
    row = _row(3)
    lock_check(row, expected=3)
    assert row.lock == 4


def test_a_save_from_an_older_lock_is_refused_naming_who_saved_last():
    row = _row(4)
    with pytest.raises(StaleEdit) as refused:
        lock_check(row, expected=3)
    assert refused.value.changed_by == "Sam Jones"
    assert row.lock == 4  # nothing moved on


def test_defaults_not_yet_saved_count_as_lock_0():
    row = _row(1, pk=None)
    assert lock_of(row) == 0
    lock_check(row, expected=0)
    assert row.lock == 1


def test_a_change_without_a_form_moves_the_lock_on():
    row = _row(2)
    lock_bump(row)
    assert row.lock == 3
