"""Reads of cases, always on behalf of a user: which cases a user may see and change, and the
cases on a learner's record. A case's timeline is read from the steps that made it
(``casework.steps``).

Access follows the learner: a case is visible to whoever may see its learner
(``learners_visible_to``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from sendplan.accounts.models import Role, User
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case
from sendplan.casework.deadlines import (
    CaseDeadline,
    CaseWithDeadlines,
    case_queryset,
    deadlines_for,
)
from sendplan.casework.plans.models import Consultation
from sendplan.core.errors import Http404
from sendplan.learners.access import (
    advice_answered,
    learner_can_edit,
    organisations_with_members,
)
from sendplan.learners.models import Learner
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_read


def case_for_user(user: User, pk: int, *, purpose: str) -> tuple[Case, bool]:
    """The case if the user may see its learner, and whether they may change it (else 404);
    the read is audited, ``purpose`` naming the page or step."""
    visible = learners_visible_to(fetched_by=user).filter(pk=OuterRef("learner_id"))
    case = case_queryset().filter(Exists(visible), pk=pk).first()
    if case is None:
        raise Http404("No case found")
    audit_read(user=user, learner=case.learner, what=purpose)
    can_edit = case.caseworker_id == user.pk or learner_can_edit(learner=case.learner, user=user)
    return case, can_edit


def case_with_deadlines(
    *, fetched_by: User, case_id: int, today: dt.date | None = None
) -> CaseWithDeadlines:
    case, _ = case_for_user(fetched_by, case_id, purpose="case deadlines")
    return CaseWithDeadlines(case, deadlines_for(case, today=today or timezone.localdate()))


def cases_visible_to(*, fetched_by: User) -> QuerySet[Case]:
    visible = learners_visible_to(fetched_by=fetched_by).filter(pk=OuterRef("learner_id"))
    return Case.objects.filter(Exists(visible))


@dataclass(frozen=True)
class LearnerCase:
    case: Case
    next_deadline: CaseDeadline | None


def cases_of_learner(*, learner: Learner, fetched_by: User, today: dt.date) -> list[LearnerCase]:
    """A learner's cases, newest first, each with its next open deadline.

    For a learner already checked by ``learner_for_user``; the visibility filter is applied
    again so this can never widen what the caller may see.
    """
    cases = (
        case_queryset()
        .filter(learner=learner, learner__in=learners_visible_to(fetched_by=fetched_by))
        .order_by("-received_on", "-id")
    )
    result = []
    for case in cases:
        open_deadlines = [d for d in deadlines_for(case, today=today) if d.is_open]
        result.append(LearnerCase(case, open_deadlines[0] if open_deadlines else None))
    return result


@dataclass(frozen=True)
class OutsideTheService:
    """Requests on a case that nobody can answer in the service: the caseworker records the
    answer when it arrives by post, phone or email."""

    advice_ids: frozenset[int]
    consultation_ids: frozenset[int]


def outside_the_service(case: Case, *, today: dt.date | None = None) -> OutsideTheService:
    """Waiting advice requests that reach nobody (no one named or assigned works there, and
    no triage role) and waiting consultations of settings with no staff in the service.
    Three queries, however many requests (or none)."""
    today = today or timezone.localdate()
    waiting = AdviceRequest.objects.filter(case=case, received_on__isnull=True)
    answered = set(waiting.filter(advice_answered(on=today)).values_list("pk", flat=True))
    triaged = organisations_with_members(
        waiting.values("organisation_id"), roles=[Role.ADVICE_TRIAGE], on=today
    )
    advice = {
        a.pk
        for a in case.advice_requests.all()
        if a.received_on is None and a.pk not in answered and a.organisation_id not in triaged
    }
    open_settings = Consultation.objects.filter(case=case, responded_on__isnull=True)
    staffed = organisations_with_members(
        open_settings.values("setting__organisation_id"), roles=[Role.SETTING_STAFF], on=today
    )
    consultations = {
        c.pk
        for c in case.consultations.all()
        if c.responded_on is None and c.setting.organisation_id not in staffed
    }
    return OutsideTheService(frozenset(advice), frozenset(consultations))
