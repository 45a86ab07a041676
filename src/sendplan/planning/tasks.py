"""Placement-planning runs on the queue (``core.tasks``): the task a worker runs, and how the
queue drives this kind of run (one running run per LA; see ADR 0114)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django_tasks import task

from sendplan.core.tasks import RunKind, work_on
from sendplan.planning.models import PlanningRun
from sendplan.planning.runs import planning_run_execute


@task()
def planning_run_task(*, run_id: int) -> str:
    """Compute one placement-planning run (or leave it waiting for its area's turn)."""
    return work_on(PlanningRun, run_id)


def _progress(text: str) -> dict[str, Any]:
    return {"progress_text": text}


PLANNING = RunKind(
    name="placement planning",
    model=PlanningRun,
    area_field="la_id",
    stale_after=timedelta(minutes=10),
    claimed={"progress": 5, "progress_text": "Reading the register of places"},
    progress=_progress,
    execute=planning_run_execute,
    task=planning_run_task,
    requeued={"progress": 0},  # the page shows a number as well as a sentence
)
