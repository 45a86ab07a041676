"""Reads at the front door, always on behalf of a user: the requests waiting for a
caseworker to confirm, one request, and the learners on record that may be the same child
(the duplicate check). Each read of a learner's data is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework.intake.matching import (
    SHOWN_FROM,
    Described,
    Match,
    match,
    normalise_postcode,
)
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.core.errors import Http404
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_read, audit_record

#: At most this many possible matches are shown, best first.
MOST_CANDIDATES = 10


def requests_to_confirm(*, fetched_by: User) -> list[AssessmentRequest]:
    """Requests received by the user's council waiting for a caseworker, oldest first (LA
    staff only; everyone else: none). Audited as a list."""
    la_ids = standing_for(fetched_by).la_ids
    if not la_ids:
        return []
    rows = list(
        AssessmentRequest.objects.filter(
            status=AssessmentRequest.Status.TO_CONFIRM,
            case__learner__responsible_la_id__in=la_ids,
        )
        .select_related("case", "case__learner")
        .order_by("case__received_on", "pk")
    )
    if rows:
        audit_record(
            user=fetched_by,
            action=AuditEvent.Action.LIST,
            detail=f"requests to confirm: {len(rows)}",
        )
    return rows


def request_for_user(user: User, pk: int, *, purpose: str) -> AssessmentRequest:
    """One request, if the user is staff of the council that received it (else 404); the
    read of its learner is audited, ``purpose`` naming the page."""
    la_ids = standing_for(user).la_ids
    request = (
        AssessmentRequest.objects.select_related("case", "case__learner", "requester_organisation")
        .filter(pk=pk, case__learner__responsible_la_id__in=la_ids)
        .first()
    )
    if request is None:
        raise Http404("No request found")
    audit_read(user=user, learner=request.case.learner, what=purpose)
    return request


@dataclass(frozen=True)
class Candidate:
    learner: Learner
    match: Match


def _described(request: AssessmentRequest) -> Described:
    return Described(
        given_name=request.given_name,
        family_name=request.family_name,
        date_of_birth=request.date_of_birth,
        postcode=request.postcode,
        upn=request.upn,
    )


def duplicate_candidates(
    *,
    described: Described,
    fetched_by: User,
    leave_out: int | None = None,
    today: dt.date | None = None,
) -> list[Candidate]:
    """Learners on record the user may see who may be the described child, scored with
    their reasons, best first; only those scoring :data:`SHOWN_FROM` or more. Each learner
    shown is an audited read."""
    on = today or timezone.localdate()
    near = Q(date_of_birth=described.date_of_birth) | Q(
        family_name__iexact=described.family_name.strip()
    )
    if described.upn.strip():
        near |= Q(upn=described.upn.strip().upper())
    if described.postcode.strip():
        near |= Q(postcode__iexact=normalise_postcode(described.postcode))
    pool = learners_visible_to(fetched_by=fetched_by, today=on).filter(near, provisional=False)
    if leave_out is not None:
        pool = pool.exclude(pk=leave_out)
    scored = [
        Candidate(
            learner,
            match(
                described,
                given_name=learner.given_name,
                family_name=learner.family_name,
                date_of_birth=learner.date_of_birth,
                postcode=learner.postcode,
                upn=learner.upn,
            ),
        )
        for learner in pool[:200]
    ]
    shown = sorted(
        (c for c in scored if c.match.score >= SHOWN_FROM),
        key=lambda c: (-c.match.score, c.learner.family_name, c.learner.pk),
    )[:MOST_CANDIDATES]
    for candidate in shown:
        audit_read(user=fetched_by, learner=candidate.learner, what="duplicate check")
    return shown


def request_duplicates(*, request: AssessmentRequest, fetched_by: User) -> list[Candidate]:
    """The duplicate check for a request's provisional record (none for a learner already
    on record)."""
    if not request.case.learner.provisional:
        return []
    return duplicate_candidates(
        described=_described(request), fetched_by=fetched_by, leave_out=request.case.learner_id
    )
