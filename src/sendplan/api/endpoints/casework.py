"""Cases with their deadlines, plans with their issued versions, and annual reviews.

Every read goes through the casework selectors, which follow the learner: a case or plan is
visible to whoever may see its learner, and each one read is audited against its learner.
Lists, which show ids and dates only, are audited as one event with their counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sendplan.accounts.models import User
from sendplan.api.paging import Page, PageQuery, page_of
from sendplan.api.problems import responses
from sendplan.casework.case.models import Case
from sendplan.casework.case.selectors import case_with_deadlines, cases_visible_to
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.plans.selectors import (
    issued_versions,
    plan_for_user,
    plans_visible_to,
    version_for_user,
)
from sendplan.casework.reviews.models import Review
from sendplan.casework.reviews.selectors import review_page
from sendplan.core.errors import Http404
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record

router = Router(tags=["casework"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class CaseOut(Schema):
    id: int
    learner_id: int
    received_on: dt.date = Field(description="the request for an assessment; starts the clock")
    stage: str
    decision_on: dt.date | None
    assess: bool | None = Field(description="whether the council decided to assess")
    draft_issued_on: dt.date | None
    final_issued_on: dt.date | None
    not_to_issue_on: dt.date | None
    closed_on: dt.date | None


class DeadlineOut(Schema):
    id: str
    name: str
    due: dt.date
    status: str = Field(description="overdue, at_risk, due_soon, on_time, met, late, ...")
    basis: str = Field(description="the regulation or Code paragraph")
    unconfirmed: bool
    done: dt.date | None
    excused: bool


class CaseDetailOut(CaseOut):
    deadlines: list[DeadlineOut]


_CASE_FIELDS = tuple(name for name in CaseOut.model_fields if name != "id")


def _case(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in _CASE_FIELDS} | {"id": case.pk}


def _audit_list(user: User, what: str, figures: dict[str, int]) -> None:
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"API {what} page {figures['page']} of {figures['pages']}, {figures['count']}",
    )


@router.get("/cases", response=responses(Page[CaseOut]))
def case_list(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """Cases of the learners the caller may see, newest request first."""
    user = _user(request)
    cases, figures = page_of(
        cases_visible_to(fetched_by=user).order_by("-received_on", "-pk"), paging
    )
    _audit_list(user, "cases", figures)
    return {**figures, "items": [_case(c) for c in cases]}


@router.get("/cases/{int:case_id}", response=responses(CaseDetailOut))
def case_read(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """One case with every deadline of its legal clock."""
    found = case_with_deadlines(fetched_by=_user(request), case_id=case_id)
    deadlines = [
        {
            "id": d.id,
            "name": d.name,
            "due": d.due,
            "status": d.status,
            "basis": d.basis,
            "unconfirmed": d.unconfirmed,
            "done": d.done,
            "excused": d.excused,
        }
        for d in found.deadlines
    ]
    return _case(found.case) | {"deadlines": deadlines}


class VersionRow(Schema):
    number: int
    purpose: str
    issued_on: dt.date | None


class PlanOut(Schema):
    id: int
    learner_id: int
    case_id: int | None
    status: str
    issued_on: dt.date | None = Field(description="when the plan was first issued")
    ceased_on: dt.date | None


class PlanDetailOut(PlanOut):
    versions: list[VersionRow] = Field(description="issued versions, newest first")


class SectionRow(Schema):
    section: str
    text: str


class OutcomeRow(Schema):
    id: int
    text: str
    preparing_for_adulthood: bool
    need_sections: list[str]


class ProvisionRow(Schema):
    section: str
    what: str
    how_much: str
    how_often: str
    delivered_by: str


class PlanVersionOut(Schema):
    """One issued version of a plan, section by section."""

    plan_id: int
    number: int
    purpose: str
    issued_on: dt.date | None
    views: str = Field(description="section A: the child's or young person's views")
    interests: str
    aspirations: str
    needs: list[SectionRow] = Field(description="sections B, C and D")
    outcomes: list[OutcomeRow] = Field(description="section E")
    provision: list[ProvisionRow] = Field(description="sections F, G, H1 and H2")
    placement_setting_id: int | None = Field(description="section I")
    placement_type: str
    personal_budget_amount: Decimal | None = Field(description="section J, pounds a year")


def _plan(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "learner_id": plan.learner_id,
        "case_id": plan.case_id,
        "status": plan.status,
        "issued_on": plan.issued_on,
        "ceased_on": plan.ceased_on,
    }


@router.get("/plans", response=responses(Page[PlanOut]))
def plan_list(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """Issued plans (maintained or ceased) of the learners the caller may see."""
    user = _user(request)
    plans, figures = page_of(plans_visible_to(fetched_by=user), paging)
    _audit_list(user, "plans", figures)
    return {**figures, "items": [_plan(p) for p in plans]}


@router.get("/plans/{int:plan_id}", response=responses(PlanDetailOut))
def plan_read(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """One plan and the list of its issued versions."""
    plan, _ = plan_for_user(_user(request), plan_id, purpose="API plan")
    versions = [
        {"number": v.number, "purpose": v.purpose, "issued_on": v.issued_on}
        for v in issued_versions(plan)
    ]
    return _plan(plan) | {"versions": versions}


@router.get("/plans/{int:plan_id}/versions/{int:number}", response=responses(PlanVersionOut))
def plan_version_read(request: HttpRequest, plan_id: int, number: int) -> dict[str, Any]:
    """One issued version of a plan (drafts are not given: 404)."""
    user = _user(request)
    plan, _ = plan_for_user(user, plan_id, purpose=f"API plan version {number}")
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    if version.status != PlanVersion.Status.ISSUED:
        raise Http404("No issued plan version found")
    return {
        "plan_id": plan.pk,
        "number": version.number,
        "purpose": version.purpose,
        "issued_on": version.issued_on,
        "views": version.views,
        "interests": version.interests,
        "aspirations": version.aspirations,
        "needs": [{"section": n.section, "text": n.text} for n in version.needs.all()],
        "outcomes": [
            {
                "id": o.pk,
                "text": o.text,
                "preparing_for_adulthood": o.preparing_for_adulthood,
                "need_sections": sorted({n.section for n in o.needs.all()}),
            }
            for o in version.outcomes.all()
        ],
        "provision": [
            {
                "section": p.section,
                "what": p.what,
                "how_much": p.how_much,
                "how_often": p.how_often,
                "delivered_by": p.delivered_by,
            }
            for p in version.provision.all()
        ],
        "placement_setting_id": version.placement_setting_id,
        "placement_type": version.placement_type,
        "personal_budget_amount": version.personal_budget_amount,
    }


class ReviewOut(Schema):
    id: int
    due_on: dt.date
    invitations_sent_on: dt.date | None
    meeting_on: dt.date | None
    report_received_on: dt.date | None
    decision: str = Field(description="empty until decided")
    decided_on: dt.date | None
    amendment_proposed_on: dt.date | None
    amended_plan_due_on: dt.date | None
    amended_plan_issued_on: dt.date | None
    transfer: str
    transfer_year: int | None


REVIEW_FIELDS = tuple(name for name in ReviewOut.model_fields if name != "id")


def _review(review: Review) -> dict[str, Any]:
    return {name: getattr(review, name) for name in REVIEW_FIELDS} | {"id": review.pk}


@router.get("/plans/{int:plan_id}/reviews", response=responses(Page[ReviewOut]))
def plan_reviews(request: HttpRequest, plan_id: int, paging: Query[PageQuery]) -> dict[str, Any]:
    """A plan's annual reviews, newest first."""
    page = review_page(fetched_by=_user(request), plan_id=plan_id)
    reviews, figures = page_of(page.reviews, paging)
    return {**figures, "items": [_review(r) for r in reviews]}
