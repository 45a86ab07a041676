"""Forecast runs of the council's caseload, demand, places and spend: the council's own
planning, for its staff only (``sufficiency.selectors``); aggregates, no learner in them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.api.paging import Page, PageQuery, page_of
from sendplan.api.problems import responses
from sendplan.core.errors import PermissionDenied
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.selectors import run_for_user, run_list

router = Router(tags=["forecasts"])

#: How many runs the list goes back over (the pages show the 20 newest).
RUNS_KEPT_IN_LIST = 200


class ForecastRunOut(Schema):
    id: int
    la_code: str
    status: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    horizon: int = Field(description="years forecast")
    simulations: int
    seed: int
    fingerprint: str = Field(description="sha256 of the run's inputs")


class ForecastRunDetailOut(ForecastRunOut):
    outputs: dict[str, Any] = Field(description="the run's figures, once it has succeeded")


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not standing_for(user).is_la_staff:
        raise PermissionDenied("Forecasts are for the council's own staff")
    return user


_FIELDS = tuple(n for n in ForecastRunOut.model_fields if n != "id")


def _run(run: ForecastRun) -> dict[str, Any]:
    return {n: getattr(run, n) for n in _FIELDS} | {"id": run.pk}


@router.get("/forecasts", response=responses(Page[ForecastRunOut]))
def forecast_list(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """The council's forecast runs, newest first."""
    runs = run_list(fetched_by=_user(request), limit=RUNS_KEPT_IN_LIST)
    items, figures = page_of(runs, paging)
    return {**figures, "items": [_run(r) for r in items]}


@router.get("/forecasts/{int:run_id}", response=responses(ForecastRunDetailOut))
def forecast_read(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = run_for_user(_user(request), run_id)
    outputs = run.outputs if run.status == ForecastRun.Status.SUCCEEDED else {}
    return _run(run) | {"outputs": outputs}
