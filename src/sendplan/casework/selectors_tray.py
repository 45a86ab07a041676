"""Reads for the work tray, the case page, the manager's dashboard and the learner record.

Built on ``casework.selectors`` (which owns access and the legal clock); this module only
reshapes what those return for the pages: the work tray (``work_tray``, the only tray
selector), a case's timeline of events, and a learner's cases in brief.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet

from sendplan.accounts.models import User
from sendplan.casework.models import (
    AdviceRequest,
    Case,
    CaseException,
    Consultation,
    Mediation,
    Plan,
    Review,
    Stage,
    Tribunal,
    TribunalOrder,
)
from sendplan.casework.selectors import (
    CaseDeadline,
    ClockRows,
    _case_queryset,
    _plan_of,
    deadlines_for,
    learners_visible_to,
)
from sendplan.learners.models import Learner

#: The tray's groups in the order a caseworker should act on them, with their labels.
TRAY_GROUPS: tuple[tuple[str, str], ...] = (
    ("overdue", "Overdue"),
    ("at_risk", "At risk"),
    ("due_soon", "Due this week"),
)
GROUP_LABELS = dict(TRAY_GROUPS)
#: Stages whose cases are always in the tray.
RUNNING_STAGES: tuple[str, ...] = (
    Stage.REQUESTED,
    Stage.ASSESSING,
    Stage.DRAFTING,
    Stage.CONSULTING,
    Stage.FINAL_ISSUED,
)
#: Stages after a refusal or closure: in the tray only with mediation or an appeal, whose
#: deadlines (T25–T27) outlive the case's own.
DISPUTE_STAGES: tuple[str, ...] = (Stage.NOT_ASSESSING, Stage.NOT_ISSUING, Stage.CLOSED)
#: Stages a case can be at while it is in the tray (the stage filter's options).
TRAY_STAGES: tuple[str, ...] = RUNNING_STAGES + DISPUTE_STAGES
#: Columns the tray can be sorted by. "due" is the default and keeps the urgency groups
#: (worst group first, then soonest due); the others give one list across the groups.
TRAY_SORTS: tuple[str, ...] = ("due", "learner", "stage", "received")
DEFAULT_SORT = "due"
# Stages sort in the order of the process (Stage's declaration order), not by label.
_STAGE_ORDER = {value: i for i, value in enumerate(Stage.values)}


@dataclass(frozen=True)
class TrayRow:
    case: Case
    deadline: CaseDeadline
    group: str
    days: int  # days left; negative when overdue

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]


@dataclass
class Tray:
    """What ``work_tray`` returns: the rows shown and the counts the tabs and filters need."""

    rows: list[TrayRow]
    counts: dict[str, int]
    total: int
    cases: int = 0
    stage_counts: dict[str, int] = field(default_factory=dict)


def _own_fields(model: type[Model]) -> list[str]:
    """Concrete columns of a model except the audit timestamps the tray never shows."""
    skip = {"created_at", "modified_at"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


# The tray prefetches into plain lists (``to_attr``) rather than the relations' caches: for
# a relation cache Django builds a filtered queryset per case, about a quarter of the time
# of a 200-case tray. The lists are read back by ``_clock_rows`` only.
_ADVICE, _EXCEPTIONS, _CONSULTATIONS = "tray_advice", "tray_exceptions", "tray_consultations"
_APPEALS, _ORDERS, _REVIEWS = "tray_appeals", "tray_orders", "tray_reviews"
_MEDIATIONS = "tray_mediations"


def _tray_cases(user: User) -> QuerySet[Case]:
    """The user's cases in the tray's stages, with what the legal clock reads, in 8 queries.

    Visibility is a correlated EXISTS on the learner's primary key: cheap for a caseload,
    where ``learner IN (all visible learners)`` made SQLite walk the whole LA each time.
    Refused and closed cases come in only with mediation or an appeal (EXISTS again).
    """
    visible = learners_visible_to(fetched_by=user).filter(pk=OuterRef("learner_id"))
    disputed = Exists(Mediation.objects.filter(case=OuterRef("pk"))) | Exists(
        Tribunal.objects.filter(case=OuterRef("pk"))
    )
    in_tray = Q(stage__in=RUNNING_STAGES) | (Q(stage__in=DISPUTE_STAGES) & disputed)
    # The tray shows the learner's name (its download also the date of birth) and nothing
    # else of the record; the caseworker is the user. Fewer columns and instances is most
    # of what a 200-case tray costs.
    learner_fields = (
        "learner__id",
        "learner__given_name",
        "learner__family_name",
        "learner__date_of_birth",  # for the tray's download
    )
    orders = Prefetch("orders", TribunalOrder.objects.order_by("due_on"), to_attr=_ORDERS)
    return (
        Case.objects.select_related("learner", "plan")
        .filter(Exists(visible), in_tray, caseworker=user)
        .only(*_own_fields(Case), *learner_fields, *(f"plan__{f}" for f in _own_fields(Plan)))
        .prefetch_related(
            Prefetch(
                "advice_requests",
                AdviceRequest.objects.select_related("organisation"),
                to_attr=_ADVICE,
            ),
            Prefetch(
                "exceptions",
                CaseException.objects.select_related("advice_request"),
                to_attr=_EXCEPTIONS,
            ),
            Prefetch(
                "consultations",
                Consultation.objects.select_related("setting"),
                to_attr=_CONSULTATIONS,
            ),
            Prefetch("appeals", Tribunal.objects.prefetch_related(orders), to_attr=_APPEALS),
            Prefetch("mediations", Mediation.objects.all(), to_attr=_MEDIATIONS),
            Prefetch("plan__reviews", Review.objects.order_by("due_on", "id"), to_attr=_REVIEWS),
        )
    )


def _clock_rows(case: Case) -> ClockRows:
    plan = _plan_of(case)
    return ClockRows(
        advice=getattr(case, _ADVICE),
        exceptions=getattr(case, _EXCEPTIONS),
        consultations=getattr(case, _CONSULTATIONS),
        appeals=[(appeal, getattr(appeal, _ORDERS)) for appeal in getattr(case, _APPEALS)],
        reviews=getattr(plan, _REVIEWS) if plan is not None else [],
        mediations=getattr(case, _MEDIATIONS),
    )


def work_tray(
    *,
    fetched_by: User,
    today: dt.date,
    stage: str | None = None,
    group: str | None = None,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
) -> Tray:
    """A caseworker's deadlines that are overdue, at risk or due this week on their own
    cases, filtered by stage and group, worst group first then soonest due.

    ``sort`` (one of ``TRAY_SORTS``) reorders the rows shown: by due date (the grouped
    order above; descending is its exact reverse), learner name, stage in the process, or
    date the request was received. Rows that tie keep the grouped order, so a learner's
    most urgent deadline stays first. Sorting is done here in Python on the rows already
    built, so it costs no query.

    "At risk" is the engine's rule: not yet late, but the step cannot lawfully be completed
    in time from the stage reached. Counts per group honour the stage filter (so the tabs
    add up to what the filter shows); counts per stage honour neither, so every stage option
    shows what it would give. The query count does not grow with the caseload.
    """
    if sort not in TRAY_SORTS:
        raise ValueError(f"sort must be one of {', '.join(TRAY_SORTS)}, not {sort!r}")
    every: list[TrayRow] = []
    for case in _tray_cases(fetched_by):
        case.caseworker = fetched_by  # the filter says so; saves a query if anything reads it
        for deadline in deadlines_for(case, today=today, rows=_clock_rows(case)):
            if deadline.status in GROUP_LABELS:
                every.append(TrayRow(case, deadline, deadline.status, (deadline.due - today).days))
    rank = {key: i for i, (key, _) in enumerate(TRAY_GROUPS)}
    every.sort(key=lambda r: (rank[r.group], r.deadline.due, r.case.pk))
    stage_counts: dict[str, int] = {}
    for row in every:
        stage_counts[row.case.stage] = stage_counts.get(row.case.stage, 0) + 1
    staged = [r for r in every if stage is None or r.case.stage == stage]
    counts = {key: sum(1 for r in staged if r.group == key) for key, _ in TRAY_GROUPS}
    shown = [r for r in staged if group is None or r.group == group]
    _sort_rows(shown, sort, descending)
    return Tray(
        rows=shown,
        counts=counts,
        total=len(staged),
        cases=len({r.case.pk for r in shown}),
        stage_counts=stage_counts,
    )


def _learner_key(row: TrayRow) -> tuple[str, str, int]:
    # The name as the tray shows it (given then family name), then the record, so rows of
    # two learners with the same name never interleave.
    learner = row.case.learner
    return (learner.full_name.casefold(), learner.family_name.casefold(), learner.pk)


def _stage_key(row: TrayRow) -> int:
    return _STAGE_ORDER.get(row.case.stage, len(_STAGE_ORDER))


def _received_key(row: TrayRow) -> tuple[dt.date, int]:
    return (row.case.received_on, row.case.pk)


_SORT_KEYS: dict[str, Callable[[TrayRow], Any]] = {
    "learner": _learner_key,
    "stage": _stage_key,
    "received": _received_key,
}


def _sort_rows(rows: list[TrayRow], sort: str, descending: bool) -> None:
    """Reorder rows that arrive in the grouped order, in place.

    Python's sort is stable, also with ``reverse=True``, so rows with equal keys keep the
    grouped order whichever way the column is sorted.
    """
    if sort == DEFAULT_SORT:
        if descending:
            rows.reverse()
        return
    rows.sort(key=_SORT_KEYS[sort], reverse=descending)


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
    from sendplan.casework import clock

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
        _case_queryset()
        .filter(learner=learner, learner__in=learners_visible_to(fetched_by=fetched_by))
        .order_by("-received_on", "-id")
    )
    result = []
    for case in cases:
        open_deadlines = [d for d in deadlines_for(case, today=today) if d.is_open]
        result.append(LearnerCase(case, open_deadlines[0] if open_deadlines else None))
    return result
