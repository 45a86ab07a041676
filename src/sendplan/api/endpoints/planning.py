"""Placement planning runs and their proposals, for the council's own staff: each run
belongs to a council and only its staff see it (``planning.selectors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sendplan.accounts.models import User
from sendplan.api.paging import Page, PageQuery, page_of
from sendplan.api.problems import responses
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_read, audit_record
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.selectors import (
    planning_la,
    proposal_for_user,
    proposals_page_queryset,
    run_for_user,
    runs_visible_to,
)

router = Router(tags=["planning"])


class RunOut(Schema):
    id: int
    status: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    what_if_of: int | None = Field(description="the run this what-if changes, if it is one")
    summary: dict[str, Any] = Field(description="the run's totals, once it is done")


class ProposalOut(Schema):
    id: int
    run_id: int
    learner_id: int
    need: str
    age: int
    phase: str
    reason_in_cohort: str
    current_setting_id: int | None
    current_cost: int | None
    placed: bool
    proposed_setting_id: int | None
    proposed_strand_id: int | None
    proposed_setting_name: str
    km: float | None
    proposed_cost: int
    decision: str = Field(description="accepted, rejected, or empty while undecided")
    decided_at: dt.datetime | None
    starts_on: dt.date | None


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _run(run: PlanningRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "what_if_of": run.base_run_id,
        "summary": run.summary if run.status == PlanningRun.Status.DONE else {},
    }


def _proposal(p: Proposal) -> dict[str, Any]:
    current = p.current_strand
    return {
        "id": p.pk,
        "run_id": p.run_id,
        "learner_id": p.learner_id,
        "need": p.need,
        "age": p.age,
        "phase": p.phase,
        "reason_in_cohort": p.reason_in_cohort,
        "current_setting_id": current.setting_id if current is not None else None,
        "current_cost": p.current_cost,
        "placed": p.placed,
        "proposed_setting_id": p.proposed_setting_id,
        "proposed_strand_id": p.proposed_strand_id,
        "proposed_setting_name": p.proposed_setting_name,
        "km": p.km,
        "proposed_cost": p.proposed_cost,
        "decision": p.decision,
        "decided_at": p.decided_at,
        "starts_on": p.starts_on,
    }


@router.get("/planning/runs", response=responses(Page[RunOut]))
def run_list(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """The caller's council's planning runs, newest first (403 for anyone not its staff)."""
    user = _user(request)
    planning_la(fetched_by=user)
    runs, figures = page_of(runs_visible_to(fetched_by=user).order_by("-created_at", "-pk"), paging)
    return {**figures, "items": [_run(r) for r in runs]}


@router.get("/planning/runs/{int:run_id}", response=responses(RunOut))
def run_read(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run(run_for_user(_user(request), run_id))


@router.get("/planning/runs/{int:run_id}/proposals", response=responses(Page[ProposalOut]))
def proposal_list(request: HttpRequest, run_id: int, paging: Query[PageQuery]) -> dict[str, Any]:
    """A run's proposals: learners with no suitable place first, then by setting."""
    user = _user(request)
    run = run_for_user(user, run_id)
    rows = proposals_page_queryset(run).select_related("current_strand")
    proposals, figures = page_of(rows, paging)
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"API planning run {run.pk} proposals page {figures['page']}, "
        f"{figures['count']} learners",
    )
    return {**figures, "items": [_proposal(p) for p in proposals]}


@router.get(
    "/planning/runs/{int:run_id}/proposals/{int:proposal_id}", response=responses(ProposalOut)
)
def proposal_read(request: HttpRequest, run_id: int, proposal_id: int) -> dict[str, Any]:
    user = _user(request)
    proposal = proposal_for_user(user, run_id, proposal_id)
    audit_read(user=user, learner=proposal.learner, what="API planning proposal")
    return _proposal(proposal)
