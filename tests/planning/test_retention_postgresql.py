"""Erasure under concurrency, on two real database connections.

SQLite has no row locks (``select_for_update`` is a no-op and writers are serialised by the
file lock), so these run only in the PostgreSQL pass (``DATABASE_URL`` set).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from sendplan.casework.models import Plan
from sendplan.core.tasks import run_claim
from sendplan.learners.models import Learner
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, PlanningRunInputs
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.planning.snapshot import load_inputs
from tests.planning.conftest import PLANNING_DATE

# Deselected (not skipped) on SQLite by tests/conftest.py.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def _computed(cast) -> PlanningRun:
    run = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    return run


def _held(run: PlanningRun) -> set[int]:
    return {x.learner_id for x in load_inputs(PlanningRunInputs.objects.get(run=run).data).learners}


def _in_thread(target, errors: list[BaseException]) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    return threading.Thread(target=run)


def _erase(learner_id: int) -> None:
    """The learner's plan (a move is on the table at its review) goes with them."""
    with transaction.atomic():
        Plan.objects.filter(learner_id=learner_id).delete()
        Learner.objects.filter(pk=learner_id).delete()


def test_two_deletes_at_once_both_leave_the_stored_inputs(cast, area):
    runs = [_computed(cast), _computed(cast)]
    first, second = area.transfers
    errors: list[BaseException] = []
    other = _in_thread(lambda: Learner.objects.filter(pk=second.pk).delete(), errors)

    with transaction.atomic():
        Learner.objects.filter(pk=first.pk).delete()
        # The second delete must wait for this one's lock on the blobs it rewrote; without
        # the lock it would write back a blob that still holds the first learner.
        other.start()
        other.join(timeout=1)
        assert other.is_alive(), "the second erasure must wait for the first's row lock"
    other.join(timeout=30)

    assert not errors
    for run in runs:
        assert _held(run) == {area.in_independent.pk}
        assert PlanningRunInputs.objects.get(run=run).learners_erased == 2


def test_a_delete_waits_for_a_run_storing_its_inputs_then_erases_them(cast, area):
    gone = area.in_independent.pk
    errors: list[BaseException] = []
    deleter = _in_thread(lambda: _erase(gone), errors)
    run = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    run_claim(run=run)

    with transaction.atomic():
        # The run's saving transaction: it locks its learners before storing anything.
        run = planning_run_execute(run)
        deleter.start()
        deleter.join(timeout=1)
        assert deleter.is_alive(), "the delete must wait for the run's lock on its learners"
    deleter.join(timeout=30)

    assert not errors
    assert run.status == PlanningRun.Status.DONE, run.message
    assert not Learner.objects.filter(pk=gone).exists()
    assert gone not in _held(run)
    assert PlanningRunInputs.objects.get(run=run).learners_erased == 1
    assert not run.proposals.filter(learner_id=gone).exists()
