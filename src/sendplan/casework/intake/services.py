"""Writes at the front door: a request sent online, a request a caseworker records from post,
phone or email, and the caseworker's confirmation of a provisional record (as a new learner,
or the same child as a learner on record). Keyword-only and atomic, as every service.

A request sent online for a child the council does not know makes a provisional learner
(``Learner.provisional``) and a case at the request stage received that day: the legal
clock starts when the council receives the request, not when a caseworker confirms it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, Role, User
from sendplan.casework import notifications
from sendplan.casework.case.models import OPEN_STAGES, Case
from sendplan.casework.case.services import DateChecks, request_record, save
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.intake.matching import normalise_postcode
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.casework.plans.models import Plan
from sendplan.core.errors import PermissionDenied
from sendplan.core.models import open_on
from sendplan.documents.held import held_files_adopt
from sendplan.documents.models import Document
from sendplan.engine import MAX_AGE
from sendplan.learners.access import (
    REQUEST_ROLES,
    may_confirm_requests,
    may_request_for,
    may_request_for_new_child,
    receiving_council,
    requesting_organisation,
)
from sendplan.learners.models import Involvement, Learner
from sendplan.learners.services import involvement_add

#: The case's source for each role that may ask online.
ROLE_SOURCES: dict[str, str] = {
    Role.PARENT: Case.Source.PARENT,
    Role.YOUNG_PERSON: Case.Source.YOUNG_PERSON,
    Role.SETTING_STAFF: Case.Source.SETTING,
}

#: Letters and digits that cannot be mistaken for one another when read out or typed.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A random reference such as ``K7QM-2XHD``: 40 bits, nothing about anyone in it."""
    while True:
        chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{chars[:4]}-{chars[4:]}"
        if not AssessmentRequest.objects.filter(reference=reference).exists():
            return reference


@dataclass(frozen=True)
class Child:
    """The child as the requester describes them."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    postcode: str = ""
    school: str = ""
    upn: str = ""


def _today() -> dt.date:
    return timezone.localdate()


def check_child(child: Child, *, on: dt.date) -> None:
    """Refuse a description the council could not act on, field by field."""
    checks = DateChecks()
    checks.required("given_name", child.given_name, "Enter the child's first name")
    checks.required("family_name", child.family_name, "Enter the child's last name")
    if child.date_of_birth > on:
        checks.add("date_of_birth", "Date of birth must be in the past")
    elif child.date_of_birth < on.replace(year=on.year - MAX_AGE - 1):
        checks.add(
            "date_of_birth",
            f"An EHC needs assessment is for children and young people up to {MAX_AGE}",
        )
    checks.raise_if_any()


def _new_learner(child: Child, *, council_id: int, by: User, provisional: bool) -> Learner:
    """A learner made from a request's description: provisional until a caseworker confirms
    it; a UPN only once confirmed (another record may hold it)."""
    learner = Learner(
        given_name=" ".join(child.given_name.split()),
        family_name=" ".join(child.family_name.split()),
        date_of_birth=child.date_of_birth,
        postcode=normalise_postcode(child.postcode) if child.postcode.strip() else "",
        upn="" if provisional else _free_upn(child.upn.strip().upper(), but=0),
        responsible_la_id=council_id,
        provisional=provisional,
    )
    save(learner, changed_by=by, created=True)
    return learner


def _describe(learner: Learner) -> Child:
    return Child(
        given_name=learner.given_name,
        family_name=learner.family_name,
        date_of_birth=learner.date_of_birth,
        postcode=learner.postcode,
        upn=learner.upn,
    )


@transaction.atomic
def request_submit(
    *,
    requester: User,
    as_role: str,
    child: Child | None,
    learner_id: int | None = None,
    needs: str,
    tried: str = "",
    family_aware: bool | None = None,
    family_not_told_why: str = "",
    evidence_batch: str = "",
) -> AssessmentRequest:
    """Send a request for an EHC needs assessment made online, for a learner the requester
    may ask for (``learner_id``) or a child the council does not know yet (``child``).

    The council receives it today: the case's clock starts today. A new child gets a
    provisional record for a caseworker to confirm; the requester gets an involvement in
    it, so they can follow the case. Held evidence becomes the learner's documents. The
    requester is emailed the reference and the date the decision is due, and nothing else.
    """
    on = _today()
    council = receiving_council()
    if council is None:
        raise TransitionRefused(
            "The council cannot take requests online yet. Contact its SEND team instead."
        )
    if as_role not in ROLE_SOURCES:
        raise PermissionDenied
    checks = DateChecks()
    checks.required("needs", needs, "Tell us why you are asking for an assessment")
    if as_role == Role.SETTING_STAFF and family_aware is None:
        checks.add("family_aware", "Select whether the family know you are asking")
    checks.raise_if_any()
    if learner_id is not None:
        learner = Learner.objects.filter(pk=learner_id, archived_at__isnull=True).first()
        if learner is None or not may_request_for(requester, learner, as_role=as_role, on=on):
            raise PermissionDenied
        described = _describe(learner)
        if child is not None:
            described = Child(**{**described.__dict__, "school": child.school, "upn": child.upn})
    else:
        if child is None:
            raise ValidationError({"given_name": "Tell us who the child is"})
        check_child(child, on=on)
        if not may_request_for_new_child(
            requester, as_role=as_role, date_of_birth=child.date_of_birth, on=on
        ):
            raise ValidationError(
                {
                    "date_of_birth": "A young person over compulsory school age asks for themselves"
                    if as_role == Role.PARENT
                    else "Your date of birth shows you are not yet over compulsory school age: "
                    "your parent or carer asks for you"
                }
            )
        described = child
        learner = _new_learner(child, council_id=council.pk, by=requester, provisional=True)
    organisation_id = requesting_organisation(requester, as_role=as_role, on=on)
    organisation = (
        Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    )
    if learner.provisional and organisation is not None:
        involvement_add(
            learner=learner,
            kind=REQUEST_ROLES[as_role],
            organisation=organisation,
            user=requester,
            reason="Asked for an EHC needs assessment",
            started_on=on,
            by=requester,
        )
    case = request_record(
        learner_id=learner.pk,
        received_on=on,
        source=ROLE_SOURCES[as_role],
        requested_by=_requested_by(as_role, organisation),
        changed_by=requester,
    )
    request = AssessmentRequest(
        reference=new_reference(),
        channel=AssessmentRequest.Channel.ONLINE,
        case=case,
        requester=requester,
        requester_organisation=organisation if as_role == Role.SETTING_STAFF else None,
        given_name=described.given_name.strip(),
        family_name=described.family_name.strip(),
        date_of_birth=described.date_of_birth,
        postcode=normalise_postcode(described.postcode) if described.postcode.strip() else "",
        school=described.school.strip(),
        upn=described.upn.strip().upper(),
        needs=needs.strip(),
        tried=tried.strip(),
        family_aware=family_aware if as_role == Role.SETTING_STAFF else None,
        family_not_told_why=family_not_told_why.strip() if family_aware is False else "",
    )
    save(request, changed_by=requester, created=True)
    if evidence_batch:
        held_files_adopt(user=requester, batch=evidence_batch, learner=learner, case=case)
    notifications.request_received(request, to=requester)
    return request


def _requested_by(as_role: str, organisation: Organisation | None) -> str:
    if as_role == Role.SETTING_STAFF:
        where = organisation.name if organisation is not None else "their school or college"
        return f"SENCO at {where}, online"[:200]
    return f"{Case.Source(ROLE_SOURCES[as_role]).label}, online"


def _caseworker_involvement(learner: Learner, *, user: User, on: dt.date) -> None:
    held = Involvement.objects.filter(
        open_on(on), learner=learner, user=user, kind=Involvement.Kind.CASEWORKER
    ).exists()
    if not held:
        involvement_add(
            learner=learner,
            kind=Involvement.Kind.CASEWORKER,
            organisation=learner.responsible_la,
            user=user,
            reason="EHC coordinator",
            started_on=on,
            by=user,
        )


def _free_upn(upn: str, *, but: int) -> str:
    if upn and not Learner.objects.filter(upn=upn).exclude(pk=but).exists():
        return upn
    return ""


def _merge(provisional: Learner, into: Learner, *, case: Case, by: User) -> None:
    """Move the case and the documents to the learner on record, then archive the
    provisional record with the reason (records are archived, never deleted).

    The requester's involvement stays with the archived record: a matching name and date of
    birth do not show that the person who asked has parental responsibility for the child
    on record, or teaches them. The caseworker adds them to the record once they know."""
    if into.provisional or into.archived_at is not None or into.pk == provisional.pk:
        raise TransitionRefused("Choose a learner on record to merge into.")
    if into.responsible_la_id != provisional.responsible_la_id:
        raise TransitionRefused("That learner is another council's.")
    open_case = Case.objects.filter(learner=into, stage__in=OPEN_STAGES).first()
    if open_case is not None:
        raise TransitionRefused(
            f"That learner already has an open request (case {open_case.pk}). Withdraw one "
            "of the requests first, then merge."
        )
    if Plan.objects.filter(learner=into, status=Plan.Status.MAINTAINED).exists():
        raise TransitionRefused(
            "That learner already has a maintained plan: a new request is a request to "
            "re-assess, handled through a review. Withdraw this request and tell the family."
        )
    case.learner = into
    save(case, changed_by=by)
    Document.objects.filter(learner=provisional).update(learner=into)
    provisional.archived_at = timezone.now()
    provisional.archived_reason = f"Merged into learner {into.pk} after a duplicate check"
    save(provisional, changed_by=by)


@transaction.atomic
def request_confirm(
    *, request_id: int, changed_by: User, same_as_id: int | None = None
) -> AssessmentRequest:
    """Confirm a request: its provisional record becomes a new learner, or (``same_as_id``)
    is merged into the learner on record the duplicate check found, the case and the
    documents moving with it. Either way the caseworker takes the case (a request for a
    learner already on record is only taken). The history tables keep who did it."""
    on = _today()
    request = (
        AssessmentRequest.objects.select_for_update().select_related("case").get(pk=request_id)
    )
    case = Case.objects.select_for_update().select_related("learner").get(pk=request.case_id)
    learner = Learner.objects.select_for_update().get(pk=case.learner_id)
    if not may_confirm_requests(changed_by, council_id=learner.responsible_la_id):
        raise PermissionDenied
    if request.status != AssessmentRequest.Status.TO_CONFIRM:
        raise TransitionRefused("This request has already been confirmed.")
    if same_as_id is not None:
        if not learner.provisional:
            raise TransitionRefused("This request is for a learner on record: nothing to merge.")
        into = Learner.objects.select_for_update().filter(pk=same_as_id).first()
        if into is None:
            raise TransitionRefused("Choose a learner on record to merge into.")
        _merge(learner, into, case=case, by=changed_by)
        learner = into
        request.merged = True
    elif learner.provisional:
        learner.provisional = False
        learner.upn = learner.upn or _free_upn(request.upn, but=learner.pk)
        save(learner, changed_by=changed_by)
    _caseworker_involvement(learner, user=changed_by, on=on)
    case.caseworker = changed_by
    save(case, changed_by=changed_by)
    request.status = AssessmentRequest.Status.CONFIRMED
    request.confirmed_at = timezone.now()
    request.confirmed_by = changed_by
    save(request, changed_by=changed_by)
    return request


@transaction.atomic
def request_record_received(
    *,
    channel: str,
    received_on: dt.date,
    source: str,
    requested_by: str,
    changed_by: User,
    child: Child | None = None,
    learner_id: int | None = None,
    needs: str = "",
) -> AssessmentRequest:
    """Record a request that reached the council by post, phone or email, for a learner on
    record (``learner_id``) or a new child (``child``), after the caseworker's duplicate
    check; the clock starts on ``received_on``. The caseworker takes the case."""
    if channel == AssessmentRequest.Channel.ONLINE or channel not in (
        AssessmentRequest.Channel.values
    ):
        raise ValidationError({"channel": "Select how the request arrived"})
    on = _today()
    if learner_id is not None:
        learner = Learner.objects.get(pk=learner_id, archived_at__isnull=True)
        described = _describe(learner)
    else:
        if child is None:
            raise ValidationError({"given_name": "Enter the child's details"})
        check_child(child, on=on)
        council = receiving_council()
        la_ids = standing_for(changed_by).la_ids
        council_id = council.pk if council and council.pk in la_ids else min(la_ids, default=0)
        if not may_confirm_requests(changed_by, council_id=council_id):
            raise PermissionDenied
        learner = _new_learner(child, council_id=council_id, by=changed_by, provisional=False)
        described = child
    if not may_confirm_requests(changed_by, council_id=learner.responsible_la_id):
        raise PermissionDenied
    _caseworker_involvement(learner, user=changed_by, on=on)
    case = request_record(
        learner_id=learner.pk,
        received_on=received_on,
        source=source,
        requested_by=requested_by,
        changed_by=changed_by,
        caseworker=changed_by,
    )
    request = AssessmentRequest(
        reference=new_reference(),
        channel=channel,
        case=case,
        given_name=described.given_name,
        family_name=described.family_name,
        date_of_birth=described.date_of_birth,
        postcode=normalise_postcode(described.postcode) if described.postcode.strip() else "",
        school=described.school,
        upn=described.upn.strip().upper(),
        needs=needs.strip(),
        status=AssessmentRequest.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        confirmed_by=changed_by,
    )
    save(request, changed_by=changed_by, created=True)
    return request
