"""The server's entry point keeps long-lived objects out of full garbage collections."""

from __future__ import annotations

import gc

import pytest
from django.core.signals import request_finished

from sendplan.web import gc_freeze


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(gc_freeze.gc, "freeze", lambda: calls.append(1))
    yield calls
    request_finished.disconnect(dispatch_uid=gc_freeze._UID)


def test_freezes_at_start_and_once_more_after_the_first_request(freezes: list[int]) -> None:
    gc_freeze.freeze_long_lived_objects()
    assert len(freezes) == 1
    # The receiver is called directly: sending request_finished would also run Django's
    # own receivers, which touch the database connection.
    gc_freeze._after_first_request()
    assert len(freezes) == 2
    assert not request_finished.disconnect(dispatch_uid=gc_freeze._UID)  # it removed itself


def test_the_second_freeze_waits_for_the_end_of_a_request(freezes: list[int]) -> None:
    gc_freeze.freeze_long_lived_objects()
    assert request_finished.disconnect(dispatch_uid=gc_freeze._UID)
    assert len(freezes) == 1


def test_freezing_really_moves_objects_out_of_the_collectors_reach() -> None:
    kept = [object() for _ in range(1_000)]
    gc_freeze.freeze_now()
    try:
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
