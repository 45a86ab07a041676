"""Reads of advice: the requests a contributor may see and answer (named in them or
assigned to them, at an organisation they work for), those waiting for the organisation's
triage role to assign, their status, and the sections each kind of advice asks for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import OPEN_STAGES
from sendplan.casework.plans.models import SECTIONS_ADVISED_BY, Section
from sendplan.core.errors import Http404
from sendplan.learners.access import advice_answered_by, advice_awaiting_triage
from sendplan.learners.services import audit_read


def advice_requests_for(
    *, fetched_by: User, outstanding_only: bool = False
) -> QuerySet[AdviceRequest]:
    """The advice requests a contributor may see: those they answer (named or assigned).
    LA staff see those of their LA's learners.
    """
    standing = standing_for(fetched_by)
    condition = addressed_to(fetched_by)
    if standing.is_la_staff:
        condition |= Q(case__learner__responsible_la_id__in=standing.la_ids)
    queryset = AdviceRequest.objects.filter(condition, case__learner__archived_at__isnull=True)
    if outstanding_only:
        queryset = queryset.filter(
            received_on__isnull=True, case__stage__in=[s.value for s in OPEN_STAGES]
        )
    return (
        queryset.select_related("case__learner", "organisation", "practitioner")
        .prefetch_related("sections")
        .order_by("received_on", "due_on", "id")
    )


def addressed_to(user: User) -> Q:
    """Requests this user answers today (the access policy's ``advice_answered_by``)."""
    return advice_answered_by(user)


def is_addressed_to(user: User, advice: AdviceRequest) -> bool:
    """Whether ``advice`` was asked of this user (one query)."""
    return AdviceRequest.objects.filter(addressed_to(user), pk=advice.pk).exists()


#: The plan sections each kind of advice is written into: one table, in ``plans.models``.
ADVICE_SECTIONS: dict[str, tuple[Section, ...]] = SECTIONS_ADVISED_BY


#: What each section asks for, in a sentence (shown as the textarea's hint).
SECTION_HINTS: dict[str, str] = {
    Section.B: "The child or young person's special educational needs.",
    Section.C: "Health care needs that relate to their special educational needs.",
    Section.D: "Social care needs that relate to their special educational needs or disability.",
    Section.E: "The outcomes sought, including for adult life (employment, independent living, "
    "friends and community, good health).",
    Section.F: "Special educational provision: what, how much, how often and who gives it.",
    Section.G: "Health provision reasonably required by their needs.",
    Section.H1: "Social care provision under section 2 of the Chronically Sick and Disabled "
    "Persons Act 1970.",
    Section.H2: "Any other social care provision reasonably required.",
}


@dataclass(frozen=True)
class AdviceStatus:
    text: str
    colour: str  # a govuk-tag--<colour> modifier
    late: bool = False


def advice_status(advice: AdviceRequest, *, today: dt.date) -> AdviceStatus:
    """The request's status in words (the tag colour only repeats it)."""
    if advice.received_on is not None:
        if advice.received_on > advice.due_on:
            return AdviceStatus("Sent late", "purple", late=True)
        return AdviceStatus("Sent", "green")
    if advice.case.stage not in OPEN_STAGES:
        return AdviceStatus("No longer needed", "grey")
    if today > advice.due_on:
        return AdviceStatus("Overdue", "red", late=True)
    if (advice.due_on - today).days <= 7:
        return AdviceStatus("Due soon", "orange")
    return AdviceStatus("To do", "blue")


def advice_addressed_to(*, fetched_by: User, outstanding: bool) -> QuerySet[AdviceRequest]:
    """Requests addressed to this user, outstanding (oldest due first) or answered (newest
    first). The row data come in a fixed number of queries."""
    queryset = AdviceRequest.objects.filter(
        addressed_to(fetched_by), case__learner__archived_at__isnull=True
    ).select_related("case__learner", "case__caseworker", "organisation", "practitioner")
    if outstanding:
        return queryset.filter(
            received_on__isnull=True, case__stage__in=[s.value for s in OPEN_STAGES]
        ).order_by("due_on", "id")
    return queryset.exclude(
        received_on__isnull=True, case__stage__in=[s.value for s in OPEN_STAGES]
    ).order_by("-received_on", "-due_on", "-id")


def advice_request_for_user(user: User, pk: int, *, purpose: str) -> tuple[AdviceRequest, bool]:
    """One request and whether this user may send the advice; the read of the learner's
    details is audited, ``purpose`` naming the page or step.

    Named or assigned to them: theirs. LA staff responsible for the learner: read only (they
    record posted advice from the case page). Anyone else, colleagues at the organisation
    asked included: 404, which says nothing of whether the request exists.
    """
    advice = (
        AdviceRequest.objects.select_related(
            "case__learner", "case__caseworker", "organisation", "practitioner"
        )
        .filter(pk=pk, case__learner__archived_at__isnull=True)
        .first()
    )
    if advice is None:
        raise Http404("No request found")
    if is_addressed_to(user, advice):
        may_send = True
    elif advice.case.learner.responsible_la_id in standing_for(user).la_ids:
        may_send = False
    else:
        raise Http404("No request found")
    audit_read(user=user, learner=advice.case.learner, what=purpose)
    return advice, may_send


def advice_sections_given(advice: AdviceRequest) -> list[AdviceSection]:
    return list(advice.sections.all())


def advice_awaiting_assignment(*, fetched_by: User) -> QuerySet[AdviceRequest]:
    """Outstanding requests waiting for this user, in the triage role, to assign them to a
    colleague; oldest due first. Empty for anyone without the role."""
    return (
        AdviceRequest.objects.filter(
            advice_awaiting_triage(fetched_by),
            received_on__isnull=True,
            case__stage__in=[s.value for s in OPEN_STAGES],
            case__learner__archived_at__isnull=True,
        )
        .select_related("case__learner", "organisation")
        .order_by("due_on", "id")
    )


def advice_request_to_assign(user: User, pk: int, *, purpose: str) -> AdviceRequest:
    """One request waiting for this user to assign it, or 404 (already answered by someone,
    another organisation's, or the user has no triage role there). The read of the learner's
    name and date of birth is audited, ``purpose`` naming the page or step."""
    advice = (
        advice_awaiting_assignment(fetched_by=user)
        .select_related("case__learner", "organisation")
        .filter(pk=pk)
        .first()
    )
    if advice is None:
        raise Http404("No request found")
    audit_read(user=user, learner=advice.case.learner, what=purpose)
    return advice
