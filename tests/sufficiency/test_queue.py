"""Forecast runs through the queue with a real worker (ADR 0114), on SQLite and PostgreSQL.

The engine's figures are tested elsewhere; here it returns the session's forecast, counted,
so that a worker's run takes a moment instead of a thousand simulations.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sendplan.core import tasks
from sendplan.core.tasks import run_claim
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun
from sendplan.planning.runs import planning_run_request
from sendplan.planning.tasks import PLANNING
from sendplan.sufficiency import runs as forecast_runs
from sendplan.sufficiency.models import ForecastRun
from tests.queue import drain_queue, task_states

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine_runs(demand, monkeypatch) -> list[str]:
    calls: list[str] = []

    def demand_for(inputs):
        calls.append(inputs["la_code"])
        return demand

    monkeypatch.setattr(forecast_runs, "demand_for", demand_for)
    return calls


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_forty_quick_presses_of_run_now_queue_one_run_and_leave_none_waiting(cast, engine_runs):
    client = cast.client_for(cast.la_colleague)
    for _ in range(40):
        assert client.post(reverse("sufficiency:run-now")).status_code == 302
    run = ForecastRun.objects.get()
    assert run.status == ForecastRun.Status.QUEUED
    assert task_states() == {"READY": 1}

    drain_queue()

    run.refresh_from_db()
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    assert engine_runs == [cast.la.code]
    assert task_states() == {"SUCCESSFUL": 1}


def test_a_forecast_whose_worker_died_is_tried_again(cast, engine_runs):
    client = cast.client_for(cast.la_colleague)
    client.post(reverse("sufficiency:run-now"))
    run = ForecastRun.objects.get()
    # A worker took the task and claimed the run, then was killed.
    assert DBTaskResult.objects.update(status="RUNNING") == 1
    assert run_claim(run=run)
    # Asking again meanwhile returns the run that seems to be working.
    client.post(reverse("sufficiency:run-now"))
    assert ForecastRun.objects.count() == 1

    with time_machine.travel(NOW + dt.timedelta(minutes=29), tick=False):
        client.get(reverse("sufficiency:run", args=[run.pk]))
        run.refresh_from_db()
        assert run.status == ForecastRun.Status.RUNNING  # a forecast may take a while
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        page = client.get(reverse("sufficiency:run", args=[run.pk])).content.decode()
        assert "Waiting to try again: the worker stopped" in page
        drain_queue()

    run.refresh_from_db()
    assert (run.status, run.attempts) == (ForecastRun.Status.SUCCEEDED, 2)
    assert task_states()["READY"] == 0


def test_a_forecast_and_a_planning_run_of_one_la_work_side_by_side(cast, engine_runs):
    """The limit is per area *and kind*: a forecast never waits for a placement run."""
    planning = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=NOW.date())
    )
    assert run_claim(run=planning)
    cast.client_for(cast.la_colleague).post(reverse("sufficiency:run-now"))
    drain_queue()
    assert ForecastRun.objects.get().status == ForecastRun.Status.SUCCEEDED
    assert PlanningRun.objects.get().status == PlanningRun.Status.RUNNING
    assert tasks.runs_recover(kind=PLANNING, area=cast.la.pk) == 0
