"""Every deadline of a case, from its rows: the engine's legal clock (through
``casework.clock``) fed with the case's request, advice, draft, reviews, mediations, appeals
and Tribunal orders, plus the consultations the engine does not track.

Nothing here computes a statutory date; it adapts rows to the engine's events and names the
results as a page shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case, CaseException
from sendplan.casework.disputes.models import Appealable, Mediation, Tribunal, TribunalOrder
from sendplan.casework.plans.models import Consultation, Plan
from sendplan.casework.reviews.models import Review

OPEN_STATUSES = ("overdue", "at_risk", "due_soon", "on_time")


@dataclass(frozen=True)
class CaseDeadline:
    """One deadline of a case, as a page shows it: due date, status and the law behind it."""

    id: str
    name: str
    due: dt.date
    status: str
    basis: str
    unconfirmed: bool
    done: dt.date | None = None
    excused: bool = False
    why: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass
class CaseWithDeadlines:
    case: Case
    deadlines: list[CaseDeadline]

    @property
    def open(self) -> list[CaseDeadline]:
        return [d for d in self.deadlines if d.is_open]

    @property
    def next_deadline(self) -> CaseDeadline | None:
        return self.open[0] if self.open else None


def case_queryset() -> QuerySet[Case]:
    """Cases with everything their legal clock needs, in a fixed number of queries."""
    return Case.objects.select_related("learner", "caseworker", "plan").prefetch_related(
        Prefetch("advice_requests", queryset=AdviceRequest.objects.select_related("organisation")),
        Prefetch(
            "exceptions",
            queryset=CaseException.objects.select_related("advice_request"),
        ),
        "consultations__setting",
        "mediations",
        Prefetch(
            "appeals__orders",
            queryset=TribunalOrder.objects.order_by("due_on"),
        ),
        Prefetch("plan__reviews", queryset=Review.objects.order_by("due_on", "id")),
    )


def plan_of(case: Case) -> Plan | None:
    try:
        return case.plan
    except Plan.DoesNotExist:
        return None


def advice_key(advice: AdviceRequest) -> str:
    return f"{advice.kind}-{advice.pk}"


@dataclass(frozen=True)
class ClockRows:
    """The rows of one case that its deadlines are computed from.

    ``ClockRows.of(case)`` reads them from the case's relations (prefetched by
    ``case_queryset``); a caller that loaded them another way, such as the work tray,
    passes them in directly.
    """

    advice: Sequence[AdviceRequest]
    exceptions: Sequence[CaseException]
    consultations: Sequence[Consultation]
    appeals: Sequence[tuple[Tribunal, Sequence[TribunalOrder]]]  # each with its orders
    reviews: Sequence[Review]  # of the case's plan, by due date
    mediations: Sequence[Mediation] = ()

    @classmethod
    def of(cls, case: Case) -> ClockRows:
        plan = plan_of(case)
        return cls(
            advice=list(case.advice_requests.all()),
            exceptions=list(case.exceptions.all()),
            consultations=list(case.consultations.all()),
            appeals=[(appeal, list(appeal.orders.all())) for appeal in case.appeals.all()],
            reviews=list(plan.reviews.all()) if plan is not None else [],
            mediations=list(case.mediations.all()),
        )


def review_event_fields(reviews: Sequence[Review]) -> dict[str, Any]:
    """The engine's review, amendment and transfer events from a plan's reviews.

    A meeting date alone may be a planned (future) meeting: it was held once recorded
    (report and decision dates set) or decided. The engine refuses future events.
    """
    held = [
        r
        for r in reviews
        if r.meeting_on is not None and (r.report_due_on is not None or r.decided_on is not None)
    ]
    last = max(held, key=lambda r: (r.meeting_on, r.pk)) if held else None
    upcoming = next((r for r in reviews if r.decided_on is None and r not in held), None)
    with_transfer = [r for r in reviews if r.transfer]
    transfer = with_transfer[-1] if with_transfer else None
    return {
        "review_meeting": last.meeting_on if last else None,
        "review_invitations_sent": upcoming.invitations_sent_on if upcoming else None,
        "review_report_circulated": last.report_received_on if last else None,
        "review_decision_notified": last.decided_on if last else None,
        "amendment_proposed": last.amendment_proposed_on if last else None,
        "amended_plan_issued": last.amended_plan_issued_on if last else None,
        "transfer": transfer.transfer if transfer else None,
        "transfer_year": transfer.transfer_year if transfer else None,
        "transfer_date": transfer.transfer_date if transfer else None,
        "transfer_review_completed": (
            (transfer.amended_plan_issued_on or transfer.decided_on) if transfer else None
        ),
    }


def _decision_on(
    case: Case, about: str, reviews: Sequence[Review], *, by: dt.date
) -> dt.date | None:
    """The day the family were told of the decision a mediation is about: the latest such
    decision on or before ``by`` (the day they contacted the mediation adviser)."""
    plan = plan_of(case)
    found: list[dt.date | None] = []
    if about == Appealable.NOT_TO_ASSESS and case.assess is False:
        found = [case.decision_on]
    elif about == Appealable.NOT_TO_ISSUE:
        found = [case.not_to_issue_on]
    elif about in (Appealable.PLAN_CONTENTS, Appealable.PLACEMENT_ONLY):
        found = [case.final_issued_on, *(r.amended_plan_issued_on for r in reviews)]
    elif about == Appealable.NOT_TO_AMEND:
        found = [r.decided_on for r in reviews if r.decision == Review.Decision.MAINTAIN]
    elif about == Appealable.CEASE and plan is not None:
        found = [plan.cease_decided_on]
    return max((d for d in found if d is not None and d <= by), default=None)


def _chosen(mediation: Mediation, choice: str) -> dt.date | None:
    """The day the family made ``choice`` (asked for mediation, or declined it), if they did."""
    return mediation.family_choice_on if mediation.family_choice == choice else None


def dispute_events(
    case: Case, rows: ClockRows
) -> tuple[tuple[clock.EngineMediation, ...], tuple[clock.EngineAppeal, ...]]:
    """The engine's mediations and appeals (with their orders) from a case's rows.

    The authority's notice that it will not oppose an appeal is the appeal's outcome
    "not opposed" and its date (Reg 45(2): the appeal is then treated as decided).
    """
    mediations = tuple(
        clock.EngineMediation(
            key=str(m.pk),
            about=m.about,
            decision=_decision_on(case, m.about, rows.reviews, by=m.adviser_contacted_on),
            requested=_chosen(m, Mediation.Choice.MEDIATION),
            declined=_chosen(m, Mediation.Choice.CERTIFICATE),
            certificate=m.certificate_on,
            held=m.mediation_on,
        )
        for m in rows.mediations
    )
    appeals = tuple(
        clock.EngineAppeal(
            key=str(a.pk),
            registered=a.registered_on,
            about=a.about,
            unopposed=a.decided_on if a.outcome == Tribunal.Outcome.CONCEDED else None,
            decided=a.decided_on,
            orders=tuple(
                clock.EngineOrder(
                    key=str(o.pk),
                    due=o.due_on,
                    made=o.made_on,
                    done=o.complied_on,
                    rule=o.due_rule or clock.ORDER_COMPLIANCE,
                )
                for o in orders
            ),
        )
        for a, orders in rows.appeals
    )
    return mediations, appeals


def case_events(
    case: Case, rows: ClockRows | None = None
) -> tuple[clock.CaseEvents, list[clock.ExceptionRecord]]:
    """Adapt a case (with its prefetched rows, or ``rows``) to the engine's events and
    exceptions.
    """
    if rows is None:
        rows = ClockRows.of(case)
    plan = plan_of(case)
    advice = tuple(
        clock.EngineAdvice(body=advice_key(a), requested=a.requested_on, received=a.received_on)
        for a in rows.advice
    )
    mediations, appeals = dispute_events(case, rows)
    events = clock.CaseEvents(
        request_received=case.received_on,
        decision_to_assess_notified=case.decision_on,
        assess=case.assess,
        advice=advice,
        draft_issued=case.draft_issued_on,
        draft_comments_received=case.draft_comments_received_on,
        not_to_issue_notified=case.not_to_issue_on,
        plan_issued=case.final_issued_on,
        **review_event_fields(rows.reviews),
        plan_ceased=plan.ceased_on if plan is not None else None,
        mediations=mediations,
        appeals=appeals,
    )
    exceptions = [
        clock.ExceptionRecord(
            key=x.key,
            reason=x.reason,
            evidence=x.evidence,
            deadline=f"advice:{advice_key(x.advice_request)}" if x.advice_request else None,
        )
        for x in rows.exceptions
    ]
    return events, exceptions


def _simple_status(due: dt.date, done: dt.date | None, today: dt.date) -> str:
    # For dates the engine does not track (consultations): plain comparison only.
    if done is not None:
        return "met" if done <= due else "late"
    if today > due:
        return "overdue"
    return "due_soon" if (due - today).days <= 7 else "on_time"


def _names(rows: ClockRows) -> dict[str, str]:
    """What a page calls the deadlines of this case's advice, mediations and orders."""
    names = {
        f"advice:{advice_key(a)}": f"{a.get_kind_display()} from {a.organisation.name}"
        for a in rows.advice
    }
    for m in rows.mediations:
        about = m.get_about_display().lower()
        names[f"mediation_certificate:{m.pk}"] = f"Mediation certificate: {about}"
        names[f"mediation_arranged:{m.pk}"] = f"Arrange mediation: {about}"
        names[f"appeal:{m.pk}"] = f"Family's time to appeal: {about}"
    for _, orders in rows.appeals:
        for order in orders:
            names[f"order:{order.pk}"] = f"Tribunal order: {order.get_kind_display()}"
    return names


def deadlines_for(
    case: Case, *, today: dt.date, rows: ClockRows | None = None
) -> list[CaseDeadline]:
    """Every deadline of a prefetched case (or of a case and its ``rows``): the engine's
    clock (with mediation, appeals and Tribunal orders) plus consultations.
    """
    if rows is None:
        rows = ClockRows.of(case)
    events, exceptions = case_events(case, rows)
    result = clock.case_clock(events=events, today=today, exceptions=exceptions)
    names = _names(rows)
    deadlines = [
        CaseDeadline(
            id=d.id,
            name=names.get(d.id, d.name),
            due=d.due,
            status=d.status,
            basis=d.basis,
            unconfirmed=d.unconfirmed,
            done=d.done,
            excused=d.excused,
            why=d.why,
        )
        for d in (*result.open, *result.closed)
        # The engine keeps "not to issue" open until a draft is sent; once the LA has started
        # a plan it has decided to issue, so that limit no longer applies.
        if not (d.id == "not_to_issue" and d.done is None and plan_of(case) is not None)
    ]
    consult = clock.basis(clock.DRAFT_COMMENTS)
    for c in rows.consultations:
        deadlines.append(
            CaseDeadline(
                id=f"consultation:{c.pk}",
                name=f"Answer from {c.setting.name}",
                due=c.response_due_on,
                status=_simple_status(c.response_due_on, c.responded_on, today),
                basis=consult.basis,
                unconfirmed=consult.unconfirmed,
                done=c.responded_on,
            )
        )
    rank = {s: i for i, s in enumerate((*OPEN_STATUSES, "met", "late", "ended"))}
    deadlines.sort(key=lambda d: (rank.get(d.status, 9), d.due, d.id))
    return deadlines
