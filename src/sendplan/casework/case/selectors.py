"""Reads of cases, always on behalf of a user: which cases a user may see and change, a case's
timeline, and the cases on a learner's record.

Access follows the learner: a case is visible to whoever may see its learner
(``learners_visible_to``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.deadlines import (
    CaseDeadline,
    CaseWithDeadlines,
    case_queryset,
    deadlines_for,
)
from sendplan.casework.disputes.models import Mediation
from sendplan.core.errors import Http404
from sendplan.learners.models import Learner
from sendplan.learners.selectors import learner_can_edit, learners_visible_to


def case_for_user(user: User, pk: int) -> tuple[Case, bool]:
    """The case if the user may see its learner, and whether they may change it (else 404)."""
    visible = learners_visible_to(fetched_by=user).filter(pk=OuterRef("learner_id"))
    case = case_queryset().filter(Exists(visible), pk=pk).first()
    if case is None:
        raise Http404("No case found")
    can_edit = case.caseworker_id == user.pk or learner_can_edit(learner=case.learner, user=user)
    return case, can_edit


def case_with_deadlines(
    *, fetched_by: User, case_id: int, today: dt.date | None = None
) -> CaseWithDeadlines:
    case, _ = case_for_user(fetched_by, case_id)
    return CaseWithDeadlines(case, deadlines_for(case, today=today or timezone.localdate()))


def cases_visible_to(*, fetched_by: User) -> QuerySet[Case]:
    visible = learners_visible_to(fetched_by=fetched_by).filter(pk=OuterRef("learner_id"))
    return Case.objects.filter(Exists(visible))


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    title: str
    detail: str = ""


def case_timeline(case: Case) -> list[TimelineEvent]:
    """What has happened on a case (a case from ``case_for_user``), newest first.

    Dates only: the services record the day of each step, not the time, so no time is
    invented (MOJ Timeline guidance).
    """
    events = [
        TimelineEvent(
            case.received_on,
            "Request for an EHC needs assessment received",
            f"From {case.get_source_display().lower()}: {case.requested_by}",
        )
    ]
    if case.decision_on:
        if case.assess:
            events.append(
                TimelineEvent(case.decision_on, "Decided to assess", case.decision_reasons)
            )
        else:
            events.append(
                TimelineEvent(
                    case.decision_on,
                    "Decided not to assess",
                    f"{case.decision_reasons} The family were told of their right to appeal "
                    "and to mediation.",
                )
            )
    for advice in case.advice_requests.all():
        who = advice.organisation.name
        events.append(
            TimelineEvent(advice.requested_on, f"{advice.get_kind_display()} requested", who)
        )
        if advice.received_on:
            events.append(
                TimelineEvent(advice.received_on, f"{advice.get_kind_display()} received", who)
            )
    if case.draft_issued_on:
        events.append(TimelineEvent(case.draft_issued_on, "Draft plan sent for comments"))
    if case.draft_comments_received_on:
        events.append(
            TimelineEvent(
                case.draft_comments_received_on, "Family's comments on the draft received"
            )
        )
    for consultation in case.consultations.all():
        name = consultation.setting.name
        events.append(TimelineEvent(consultation.sent_on, "Setting consulted", name))
        if consultation.responded_on:
            events.append(
                TimelineEvent(
                    consultation.responded_on,
                    f"Setting answered: {consultation.get_response_display().lower()}",
                    f"{name}. {consultation.reasons}".strip(),
                )
            )
    if case.final_issued_on:
        events.append(TimelineEvent(case.final_issued_on, "Final plan issued"))
    if case.not_to_issue_on:
        events.append(
            TimelineEvent(
                case.not_to_issue_on, "Decided not to issue a plan", case.not_to_issue_reasons
            )
        )
    for exception in case.exceptions.all():
        events.append(
            TimelineEvent(
                exception.starts_on,
                f"Lawful exception recorded ({exception_label(exception.key)})",
                exception.reason,
            )
        )
    for mediation in case.mediations.all():
        about = mediation.get_about_display().lower()
        events.append(
            TimelineEvent(
                mediation.adviser_contacted_on, f"Mediation adviser contacted about the {about}"
            )
        )
        if mediation.family_choice_on:
            chose = (
                "The family asked for mediation"
                if mediation.family_choice == Mediation.Choice.MEDIATION
                else "The family declined mediation and asked for a certificate"
            )
            events.append(TimelineEvent(mediation.family_choice_on, chose))
        if mediation.certificate_on:
            events.append(TimelineEvent(mediation.certificate_on, "Mediation certificate issued"))
        if mediation.mediation_on:
            outcome = mediation.get_outcome_display() or "Outcome not recorded yet"
            events.append(TimelineEvent(mediation.mediation_on, "Mediation held", outcome))
    for appeal in case.appeals.all():
        about = appeal.get_about_display().lower()
        events.append(TimelineEvent(appeal.registered_on, f"Appeal registered about the {about}"))
        if appeal.decided_on:
            events.append(TimelineEvent(appeal.decided_on, appeal.get_outcome_display()))
        for order in appeal.orders.all():
            what = order.get_kind_display().lower()
            if order.made_on:
                events.append(TimelineEvent(order.made_on, f"Tribunal order: {what}"))
            if order.complied_on:
                events.append(TimelineEvent(order.complied_on, f"Order done: {what}"))
    if case.closed_on:
        what = "Request withdrawn" if case.stage == Stage.WITHDRAWN else "Case closed"
        events.append(TimelineEvent(case.closed_on, what, case.closed_reason))
    events.sort(key=lambda e: e.on, reverse=True)
    return events


def exception_label(key: str) -> str:

    found = clock.EXCEPTIONS.get(key)
    return found.basis.split(";")[0] if found else key


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
