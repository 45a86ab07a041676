"""Forecast runs on the queue (``core.tasks``): the task a worker runs, and how the queue
drives this kind of run (one running run per LA; see ADR 0114)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django_tasks import task

from sendplan.core.tasks import RunKind, work_on
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.runs import forecast_run_execute


@task()
def forecast_run_task(*, run_id: int) -> str:
    """Compute one forecast run (or leave it waiting for its area's turn)."""
    return work_on(ForecastRun, run_id)


def _progress(text: str) -> dict[str, Any]:
    return {"progress": text}


FORECAST = RunKind(
    name="forecast",
    model=ForecastRun,
    area_field="la_code",
    stale_after=timedelta(minutes=30),
    claimed={"progress": "Reading the release files"},
    progress=_progress,
    execute=forecast_run_execute,
    task=forecast_run_task,
)
