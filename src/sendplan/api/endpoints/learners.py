"""Learners: one record by id, and a search by POST (criteria in the body, never in a URL).

How much of a record each caller sees is the table in ``learners.fields``, applied by the
selectors: a group the caller may not see is absent from the answer, not empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sendplan.accounts.models import User
from sendplan.api.paging import MAX_PAGE_SIZE, Page, PageQuery, page_of
from sendplan.api.problems import responses
from sendplan.api.types import IsoDate, WholeNumber
from sendplan.core.errors import PermissionDenied
from sendplan.learners.fields import FieldGroup
from sendplan.learners.models import AuditEvent, Learner, Placement
from sendplan.learners.selectors import (
    LearnerQuery,
    learner_list,
    learner_record_for_user,
    list_field_groups,
)
from sendplan.learners.services import audit_record

router = Router(tags=["learners"])


class NeedOut(Schema):
    code: str = Field(description="SEN2 need code")
    rank: int = Field(description="1 is the primary need")
    description: str


class PlacementOut(Schema):
    id: int
    setting_id: int
    setting_name: str
    strand_id: int | None
    started_on: dt.date
    ended_on: dt.date | None


class ExclusionOut(Schema):
    """A suspension (with its school days, in halves) or a permanent exclusion (ADR 0145)."""

    id: int
    kind: str = Field(description="suspension or permanent")
    started_on: dt.date = Field(description="the first day")
    school_days: float | None = Field(
        description="a suspension's school days; none for a permanent exclusion"
    )
    setting_id: int
    setting_name: str
    reason: str = Field(description="the school census reason code")
    reason_label: str


class HomeEducationOut(Schema):
    """A period of elective home education (ADR 0145)."""

    id: int
    started_on: dt.date
    ended_on: dt.date | None = Field(description="none while it lasts")
    notified_on: dt.date | None = Field(description="the day the council was told; none: not told")


class LearnerOut(Schema):
    """A learner's record as the caller may see it. Groups the caller's roles may not see
    (``shown`` lists those given) are left out."""

    id: int
    full_name: str
    date_of_birth: dt.date
    sex: str
    responsible_la: str
    shown: list[str] = Field(description="the groups of the record given to this caller")
    upn: str | None = None
    uln: str | None = None
    nhs_number: str | None = None
    postcode: str | None = None
    lsoa_code: str | None = None
    needs: list[NeedOut] | None = None
    placements: list[PlacementOut] | None = None


class LearnerRow(Schema):
    id: int
    full_name: str
    date_of_birth: dt.date
    primary_need: str | None = Field(None, description="when needs are shown to the caller")
    current_setting_ids: list[int] | None = Field(
        None, description="when placements are shown to the caller"
    )


class LearnerSearch(Schema):
    text: str = Field(
        "",
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="the start of a given or family name, a whole name, or a UPN (only "
        "matched for learners whose UPN the caller may see); empty: every learner",
    )
    date_of_birth: IsoDate | None = None
    page: WholeNumber = Field(1, ge=1)
    page_size: WholeNumber = Field(50, ge=1, le=MAX_PAGE_SIZE)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def placement_out(placement: Placement) -> dict[str, Any]:
    return {
        "id": placement.pk,
        "setting_id": placement.setting_id,
        "setting_name": placement.setting.name,
        "strand_id": placement.strand_id,
        "started_on": placement.started_on,
        "ended_on": placement.ended_on,
    }


def _record(user: User, pk: int) -> tuple[dict[str, Any], Learner]:
    record, _, learner = learner_record_for_user(user, pk)
    identity = record["learner"]
    out: dict[str, Any] = {
        "id": identity.pk,
        "full_name": identity.full_name,
        "date_of_birth": identity.date_of_birth,
        "sex": identity.sex,
        "responsible_la": identity.responsible_la,
        "shown": sorted(record["shown"]),
    }
    if "school_ids" in record:
        out.update(record["school_ids"])
    if "nhs_number" in record:
        out["nhs_number"] = learner.nhs_number
    if "home" in record:
        out.update(record["home"])
    if "needs" in record:
        out["needs"] = [
            {"code": n.code, "rank": n.rank, "description": n.description} for n in record["needs"]
        ]
    if "current_placements" in record:
        placements = record["current_placements"] + record["past_placements"]
        out["placements"] = [placement_out(p) for p in placements]
    return out, learner


@router.get("/learners/{int:learner_id}", response=responses(LearnerOut), exclude_unset=True)
def learner_read(request: HttpRequest, learner_id: int) -> dict[str, Any]:
    """One learner's record (404 if the caller may not see the learner)."""
    return _record(_user(request), learner_id)[0]


@router.get("/learners/{int:learner_id}/placements", response=responses(Page[PlacementOut]))
def learner_placements(
    request: HttpRequest, learner_id: int, paging: Query[PageQuery]
) -> dict[str, Any]:
    """A learner's placements, current and past, newest first."""
    record, _ = _record(_user(request), learner_id)
    if "placements" not in record:
        raise PermissionDenied("Your role does not show this learner's placements")
    items, figures = page_of(record["placements"], paging)
    return {**figures, "items": items}


@router.get("/learners/{int:learner_id}/exclusions", response=responses(Page[ExclusionOut]))
def learner_exclusions(
    request: HttpRequest, learner_id: int, paging: Query[PageQuery]
) -> dict[str, Any]:
    """A learner's suspensions and permanent exclusions, latest first (403 if the caller's
    roles do not show them: ``learners.fields``)."""
    record, _, _ = learner_record_for_user(_user(request), learner_id)
    if "exclusions" not in record:
        raise PermissionDenied("Your role does not show this learner's exclusions")
    rows = [
        {
            "id": e.pk,
            "kind": e.kind,
            "started_on": e.started_on,
            "school_days": None if e.school_days is None else float(e.school_days),
            "setting_id": e.setting_id,
            "setting_name": e.setting.name,
            "reason": e.reason,
            "reason_label": e.get_reason_display(),
        }
        for e in record["exclusions"]
    ]
    items, figures = page_of(rows, paging)
    return {**figures, "items": items}


@router.get("/learners/{int:learner_id}/home-education", response=responses(Page[HomeEducationOut]))
def learner_home_education(
    request: HttpRequest, learner_id: int, paging: Query[PageQuery]
) -> dict[str, Any]:
    """A learner's periods of elective home education, latest first (403 if the caller's
    roles do not show them: LA staff and the family only)."""
    record, _, _ = learner_record_for_user(_user(request), learner_id)
    if "home_education" not in record:
        raise PermissionDenied("Your role does not show this learner's home education")
    rows = [
        {
            "id": p.pk,
            "started_on": p.started_on,
            "ended_on": p.ended_on,
            "notified_on": p.notified_on,
        }
        for p in record["home_education"]
    ]
    items, figures = page_of(rows, paging)
    return {**figures, "items": items}


@router.post(
    "/learners/search", response=responses(Page[LearnerRow], body=True), exclude_unset=True
)
def learner_search(request: HttpRequest, search: LearnerSearch) -> dict[str, Any]:
    """The learners the caller may see that match the search, by family then given name."""
    user = _user(request)
    query = LearnerQuery(text=search.text, date_of_birth=search.date_of_birth)
    rows, figures = page_of(
        learner_list(fetched_by=user, query=query),
        PageQuery(page=search.page, page_size=search.page_size),
    )
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST if query.is_empty else AuditEvent.Action.SEARCH,
        detail=f"API page {figures['page']} of {figures['pages']}, {figures['count']} learners",
    )
    shown = list_field_groups(fetched_by=user)
    items = []
    for learner in rows:
        row: dict[str, Any] = {
            "id": learner.pk,
            "full_name": learner.full_name,
            "date_of_birth": learner.date_of_birth,
        }
        if FieldGroup.NEEDS in shown:
            primary = learner.primary_needs
            row["primary_need"] = primary[0].code if primary else None
        if FieldGroup.PLACEMENTS in shown:
            row["current_setting_ids"] = [p.setting_id for p in learner.current_placements]
        items.append(row)
    return {**figures, "items": items}
