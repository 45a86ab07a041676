"""Provision delivered, week by week (ADR 0135): the rows a school's or provider's system
records, one row's weeks, and recording a week, so their own systems can post delivery.

Reads and writes go through the delivery app's selectors and services and its access rule:
a row whose learner the caller may not see is 404; one they may see but do not deliver is
403 to record. A week is a resource, ``/delivery/commitments/{id}/weeks/{monday}``, written
with ``PUT`` (the same week sent twice changes nothing more): 201 when it is first
recorded, 200 when it is replaced. Replacing needs ``If-Match`` with the week's ``ETag``;
a stale tag, or none where the week is already recorded, is a 409 and saves nothing
(ADR 0144).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError as ServiceInvalid
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool

from sendplan.accounts.models import User
from sendplan.api import conditional
from sendplan.api.paging import Page, PageQuery, page_of
from sendplan.api.problems import refused, responses
from sendplan.api.types import WholeNumber
from sendplan.delivery import selectors, services
from sendplan.delivery.models import Commitment, DeliveryEntry
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record

router = Router(tags=["delivery"])

#: A week's minutes, as the form takes them: at most a whole week.
MINUTES_IN_A_WEEK = 10_080

#: A reason provision was missed, or "" when none was (``MissedReason``'s values; a test
#: keeps the two the same).
Reason = Literal[
    "", "learner_absent", "staff_absent", "provider_cancelled", "setting_closed", "other"
]

#: Where a request carries the fields the delivery service names in a refusal.
WHERE: dict[str, tuple[str, ...]] = {
    "week_starting": ("path", "week"),
    "commitment": ("path", "commitment_id"),
}


class CommitmentOut(Schema):
    """A provision row of the plan in force, as something owed week by week."""

    id: int
    plan_id: int
    learner_id: int
    section: str = Field(description="F (education), G (health) or H (social care)")
    what: str
    how_much: str
    how_often: str
    delivered_by: str = Field(description="who delivers it, in the plan's words")
    organisation_id: int | None = Field(description="the organisation whose staff record it")
    responsible: str = Field(description="setting, health or council")
    minutes_per_session: int | None = Field(description="empty until the row is quantified")
    sessions: int | None
    period: str = Field(description="week, fortnight or term (empty until quantified)")
    minutes_per_week: float = Field(description="what is due in a week it is due (0: not yet)")
    started_on: dt.date
    ended_on: dt.date | None


class WeekOut(Schema):
    """One week of one row. ``etag`` is the week's ``ETag``, to send in ``If-Match``."""

    commitment_id: int
    week_starting: dt.date = Field(description="the Monday of the week")
    due: bool = Field(description="false: nothing was due (a school holiday)")
    expected_minutes: int = Field(description="the minutes due that week, when it was recorded")
    delivered_minutes: int
    missed_minutes: int
    missed_reason: str = Field(description="why minutes were missed (empty if none were)")
    note: str
    recorded_at: dt.datetime = Field(description="when the week was last recorded")
    etag: str


class WeekIn(Schema):
    """A week as the delivering setting or provider records it."""

    model_config = ConfigDict(extra="forbid")

    due: StrictBool = Field(True, description="false: nothing was due this week (a holiday)")
    delivered_minutes: WholeNumber = Field(0, ge=0, le=MINUTES_IN_A_WEEK)
    missed_minutes: WholeNumber = Field(0, ge=0, le=MINUTES_IN_A_WEEK)
    missed_reason: Reason = Field("", description="needed when any minutes were missed")
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")


class Which(Schema):
    which: Literal["record", "caseload"] = Field(
        "record",
        description="record: the rows the caller's organisation delivers and records; "
        "caseload: the open rows of the plans the caller coordinates",
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _tag_name(commitment_id: int, monday: dt.date) -> str:
    return f"delivery-{commitment_id}-{monday.isoformat()}"


def _commitment(c: Commitment) -> dict[str, Any]:
    row = c.provision
    return {
        "id": c.pk,
        "plan_id": c.plan_id,
        "learner_id": c.learner_id,
        "section": c.section,
        "what": row.what,
        "how_much": row.how_much,
        "how_often": row.how_often,
        "delivered_by": row.delivered_by,
        "organisation_id": c.organisation_id,
        "responsible": c.responsible,
        "minutes_per_session": c.minutes_per_session,
        "sessions": c.sessions,
        "period": c.period,
        "minutes_per_week": services.minutes_per_week(c),
        "started_on": c.started_on,
        "ended_on": c.ended_on,
    }


def _week(entry: DeliveryEntry) -> dict[str, Any]:
    return {
        "commitment_id": entry.commitment_id,
        "week_starting": entry.week_starting,
        "due": entry.due,
        "expected_minutes": entry.expected_minutes,
        "delivered_minutes": entry.delivered_minutes,
        "missed_minutes": entry.missed_minutes,
        "missed_reason": entry.missed_reason,
        "note": entry.note,
        "recorded_at": entry.modified_at,
        "etag": conditional.etag(_tag_name(entry.commitment_id, entry.week_starting), entry.lock),
    }


@router.get("/delivery/commitments", response=responses(Page[CommitmentOut]))
def commitment_list(
    request: HttpRequest, paging: Query[PageQuery], which: Query[Which]
) -> dict[str, Any]:
    """The provision rows the caller records (by learner, then section), or with
    ``which=caseload`` the open rows of the plans the caller coordinates."""
    user = _user(request)
    today = timezone.localdate()
    if which.which == "caseload":
        rows = selectors.caseload_commitments(fetched_by=user, today=today)
    else:
        rows = selectors.recordable_commitments(fetched_by=user, today=today)
    commitments, figures = page_of(rows, paging)
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"API provision rows ({which.which}) page {figures['page']}, "
        f"{figures['count']} rows",
    )
    return {**figures, "items": [_commitment(c) for c in commitments]}


@router.get("/delivery/commitments/{int:commitment_id}", response=responses(CommitmentOut))
def commitment_read(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    """One provision row (404 if the caller may not see its learner)."""
    user = _user(request)
    return _commitment(selectors.commitment_for_user(user, commitment_id, purpose="API delivery"))


@router.get("/delivery/commitments/{int:commitment_id}/weeks", response=responses(Page[WeekOut]))
def commitment_weeks(
    request: HttpRequest, commitment_id: int, paging: Query[PageQuery]
) -> dict[str, Any]:
    """A row's weeks recorded, newest first."""
    user = _user(request)
    commitment = selectors.commitment_for_user(user, commitment_id, purpose="API delivery log")
    entries, figures = page_of(selectors.commitment_weeks(commitment), paging)
    return {**figures, "items": [_week(e) for e in entries]}


@router.get(
    "/delivery/commitments/{int:commitment_id}/weeks/{week}",
    response=responses(WeekOut),
    openapi_extra={"responses": {200: {"headers": {"ETag": {"schema": {"type": "string"}}}}}},
)
def week_read(
    request: HttpRequest, response: HttpResponse, commitment_id: int, week: dt.date
) -> dict[str, Any]:
    """One week of a row, with its ``ETag`` (404 when the week is not recorded)."""
    user = _user(request)
    commitment = selectors.commitment_for_user(user, commitment_id, purpose="API delivery week")
    entry = selectors.commitment_week(commitment, week)
    body = _week(entry)
    response["ETag"] = body["etag"]
    return body


@router.put(
    "/delivery/commitments/{int:commitment_id}/weeks/{week}",
    response=responses(WeekOut, write=True),
    openapi_extra={
        "responses": {
            status: {"headers": {"ETag": {"schema": {"type": "string"}}}} for status in (200, 201)
        }
    },
)
def week_record(
    request: HttpRequest,
    response: HttpResponse,
    commitment_id: int,
    week: dt.date,
    body: WeekIn,
    if_match: str | None = Header(  # type: ignore[assignment]
        None,
        alias="If-Match",
        description="the week's ETag, to replace a week already recorded; leave it out to "
        "record a week for the first time",
    ),
) -> Status[dict[str, Any]]:
    """Record one week of a row the caller's organisation delivers: 201 when the week is
    new, 200 when it replaces the version named in ``If-Match``. Sending it again with the
    new ETag changes nothing further; a stale or missing ``If-Match`` on a recorded week is
    a 409 and saves nothing."""
    user = _user(request)
    commitment = selectors.commitment_for_recorder(
        user, commitment_id, purpose="API delivery week recorded"
    )
    expected = conditional.expected_lock(if_match, _tag_name(commitment.pk, week))
    try:
        entry = services.delivery_record(
            commitment_id=commitment.pk,
            week=services.WeekInput(
                week_starting=week,
                due=body.due,
                delivered_minutes=body.delivered_minutes,
                missed_minutes=body.missed_minutes,
                missed_reason=body.missed_reason,
                note=body.note,
            ),
            expected_lock=expected,
            changed_by=user,
        )
    except ServiceInvalid as error:
        raise refused(error, where=WHERE) from None
    out = _week(entry)
    response["ETag"] = out["etag"]
    return Status(201 if expected == 0 else 200, out)
