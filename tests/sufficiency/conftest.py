"""Sufficiency fixtures: one real engine run on the DfE files, shared by the whole session.

The engine takes a few seconds on the real release files, so it runs once (with few
simulations) and each test that needs a finished run stores that forecast through the
same service path a worker uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from sendplan.accounts.models import User
from sendplan.core.tasks import run_claim
from sendplan.engine import Demand
from sendplan.sufficiency.inputs import default_paths, forecast_demand
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.runs import (
    forecast_run_execute,
    forecast_run_request,
)

LA = "E09000022"
SIMULATIONS = 40
HORIZON = 10


@pytest.fixture(autouse=True)
def _queue_only(settings):
    # The database queue with no worker: a queued run waits for a test to compute it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(scope="session")
def demand() -> Demand:
    releases, population = default_paths(Path(django_settings.SHARED_DATA_DIR))
    return forecast_demand(
        releases=releases,
        population=population,
        la_code=LA,
        horizon=HORIZON,
        simulations=SIMULATIONS,
        seed=0,
    )


def finish_run(demand: Demand, user: User | None = None) -> ForecastRun:
    run = forecast_run_request(
        la_code=LA, requested_by=user, simulations=SIMULATIONS, horizon=HORIZON
    )
    assert run_claim(run=run)
    return forecast_run_execute(run, demand=demand)


@pytest.fixture
def finished_run(db, demand) -> ForecastRun:
    run = finish_run(demand)
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    return run
