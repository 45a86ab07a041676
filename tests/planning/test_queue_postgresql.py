"""Two workers at once on PostgreSQL, where production runs any number of them: the
database still lets one run per LA work at a time, and the queue ends empty.

SQLite is for one worker beside the web server (README), so this runs only in the
PostgreSQL pass (``DATABASE_URL`` set).
"""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.urls import reverse

from sendplan.core import tasks
from sendplan.planning.models import PlanningRun
from sendplan.planning.runs import planning_run_execute
from sendplan.planning.tasks import PLANNING
from tests.planning.test_queue import _forty_requests
from tests.queue import drain_queue_in_this_thread, task_states

# Deselected (not skipped) on SQLite by tests/conftest.py.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def test_two_workers_at_once_work_one_run_per_la_at_a_time(cast, area, monkeypatch):
    client = cast.client_for(cast.la_colleague)
    for data in _forty_requests():
        client.post(reverse("planning:start"), data)
    seen: list[int] = []
    lock = threading.Lock()

    def execute(run: PlanningRun) -> PlanningRun:
        running = PlanningRun.objects.filter(la_id=run.la_id, status="running").count()
        with lock:
            seen.append(running)
        return planning_run_execute(run)

    monkeypatch.setitem(
        tasks.RUN_KINDS, PlanningRun, dataclasses.replace(PLANNING, execute=execute)
    )
    errors: list[BaseException] = []

    def work(worker_id: str) -> None:
        try:
            drain_queue_in_this_thread(worker_id)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert not errors
    assert len(seen) == 14
    assert set(seen) == {1}
    assert set(PlanningRun.objects.values_list("status", flat=True)) == {"done"}
    assert set(task_states()) == {"SUCCESSFUL"}
