"""Planning runs through the queue with a real worker: one run per LA works at a time, the
others wait their turn, and none waits for ever (ADR 0114). On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sendplan.core import tasks
from sendplan.core.tasks import run_claim
from sendplan.planning.models import PlanningRun
from sendplan.planning.runs import planning_run_execute
from sendplan.planning.tasks import PLANNING
from tests.planning.conftest import NOW
from tests.queue import drain_queue, task_states

pytestmark = pytest.mark.django_db(transaction=True)

GROUPS = ("phase_transfers", "independent", "without_placement")
KINDS = (["special_school", "independent"], ["special_school"])


def _forty_requests() -> list[dict[str, object]]:
    """Forty quick presses of "Start", with whatever was ticked each time (14 questions)."""
    asked = [
        {**dict.fromkeys(groups, "on"), "kinds": kinds}
        for groups in itertools.chain.from_iterable(
            itertools.combinations(GROUPS, n) for n in (1, 2, 3)
        )
        for kinds in KINDS
    ]
    return [asked[i % len(asked)] for i in range(40)]


def _running() -> int:
    return PlanningRun.objects.filter(status=PlanningRun.Status.RUNNING).count()


@pytest.fixture
def watched(monkeypatch):
    """Every computation of a run, with how many runs of its LA were running as it began."""
    seen: list[tuple[int, int]] = []

    def execute(run: PlanningRun) -> PlanningRun:
        seen.append((run.pk, PlanningRun.objects.filter(la_id=run.la_id, status="running").count()))
        return planning_run_execute(run)

    monkeypatch.setitem(
        tasks.RUN_KINDS, PlanningRun, dataclasses.replace(PLANNING, execute=execute)
    )
    return seen


def test_forty_quick_requests_work_one_run_at_a_time_and_leave_none_waiting(cast, area, watched):
    client = cast.client_for(cast.la_colleague)
    for data in _forty_requests():
        response = client.post(reverse("planning:start"), data)
        assert response.status_code == 302
    runs = PlanningRun.objects.all()
    # The same question again while it waits is the same run: 14 questions, 14 runs, and
    # one task each; no process was started by any request.
    assert runs.count() == 14
    assert task_states() == {"READY": 14}
    assert _running() == 0

    drain_queue()

    assert set(runs.values_list("status", flat=True)) == {PlanningRun.Status.DONE}
    assert sorted(pk for pk, _ in watched) == sorted(runs.values_list("pk", flat=True))
    assert {running for _, running in watched} == {1}
    assert set(task_states()) == {"SUCCESSFUL"}


def test_while_one_run_works_a_second_worker_leaves_the_others_waiting(cast, area, monkeypatch):
    client = cast.client_for(cast.la_colleague)
    for data in _forty_requests()[:3]:
        client.post(reverse("planning:start"), data)
    first, second, third = PlanningRun.objects.order_by("pk")
    during: dict[str, object] = {}

    def execute(run: PlanningRun) -> PlanningRun:
        if run.pk == first.pk:
            # Another worker, while this run works: every task it finds is for a run that
            # must wait.
            drain_queue()
            during["statuses"] = dict(PlanningRun.objects.values_list("pk", "status"))
            during["waiting"] = set(
                PlanningRun.objects.filter(status="queued").values_list("progress_text", flat=True)
            )
        return planning_run_execute(run)

    monkeypatch.setitem(
        tasks.RUN_KINDS, PlanningRun, dataclasses.replace(PLANNING, execute=execute)
    )
    drain_queue()

    assert during["statuses"] == {first.pk: "running", second.pk: "queued", third.pk: "queued"}
    assert during["waiting"] == {tasks.BUSY}
    # Each run, finishing, handed the next to the queue: all done, nothing left waiting.
    assert set(PlanningRun.objects.values_list("status", flat=True)) == {"done"}
    assert task_states()["READY"] == task_states()["RUNNING"] == 0


def _as_a_dead_worker_left_it(run: PlanningRun) -> None:
    """A worker took the run's task and claimed the run, then was killed (no code ran)."""
    taken = DBTaskResult.objects.filter(args_kwargs__kwargs__run_id=run.pk, status="READY").update(
        status="RUNNING"
    )
    assert taken == 1
    assert run_claim(run=run)


def test_a_run_whose_worker_died_is_tried_again_and_the_next_one_follows(cast, area):
    client = cast.client_for(cast.la_colleague)
    first_data, second_data = _forty_requests()[:2]
    client.post(reverse("planning:start"), first_data)
    lost = PlanningRun.objects.get()
    _as_a_dead_worker_left_it(lost)
    client.post(reverse("planning:start"), second_data)
    waiting = PlanningRun.objects.exclude(pk=lost.pk).get()

    drain_queue()  # the second run's task finds its LA busy
    waiting.refresh_from_db()
    assert (waiting.status, waiting.progress_text) == ("queued", tasks.BUSY)

    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        # Whoever watches the waiting run's page sees the queue notice the lost worker.
        page = client.get(reverse("planning:run", args=[waiting.pk]))
        assert page.status_code == 200
        lost.refresh_from_db()
        assert lost.status == "queued"
        assert lost.progress_text.startswith("Waiting to try again: the worker stopped")
        drain_queue()

    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert (lost.status, lost.attempts) == ("done", 2)
    assert waiting.status == "done"


def test_a_run_whose_worker_dies_twice_fails_and_the_next_one_follows(cast, area):
    client = cast.client_for(cast.la_colleague)
    first_data, second_data = _forty_requests()[:2]
    client.post(reverse("planning:start"), first_data)
    lost = PlanningRun.objects.get()
    _as_a_dead_worker_left_it(lost)
    client.post(reverse("planning:start"), second_data)
    waiting = PlanningRun.objects.exclude(pk=lost.pk).get()

    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        client.get(reverse("planning:index"))
        _as_a_dead_worker_left_it(lost)
    with time_machine.travel(NOW + dt.timedelta(minutes=22), tick=False):
        client.get(reverse("planning:index"))
        drain_queue()

    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == "failed"
    assert "tried 2 times. Start a new run." in lost.message
    assert waiting.status == "done"
    assert task_states()["READY"] == 0


def test_a_run_whose_task_was_lost_is_handed_to_the_queue_again(cast, area):
    client = cast.client_for(cast.la_colleague)
    client.post(reverse("planning:start"), _forty_requests()[0])
    run = PlanningRun.objects.get()
    DBTaskResult.objects.all().delete()  # the queue lost it (a backend's store wiped, say)

    client.get(reverse("planning:index"))
    assert task_states() == {}  # handed over a moment ago: not lost yet
    with time_machine.travel(NOW + tasks.ORPHAN_AFTER + dt.timedelta(seconds=1), tick=False):
        client.get(reverse("planning:index"))
        assert task_states() == {"READY": 1}
        drain_queue()
    run.refresh_from_db()
    assert run.status == "done"
