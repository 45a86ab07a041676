"""Reads behind the caseworker's work tray and the manager's dashboard: open cases with their
next deadline, grouped and sorted; caseloads; the 20-week measure (DfE's published figures
to set beside it are read by ``sendplan.core.published``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import OPEN_STAGES, Case, CaseException, Stage
from sendplan.casework.case.selectors import cases_visible_to
from sendplan.casework.deadlines import CaseDeadline, ClockRows, deadlines_for, plan_of
from sendplan.casework.disputes.models import Mediation, Tribunal, TribunalOrder
from sendplan.casework.plans.models import Consultation, Plan
from sendplan.casework.reviews.models import Review
from sendplan.learners.access import caseloads_open_to
from sendplan.learners.selectors import learners_visible_to


def timeliness(*, fetched_by: User, today: dt.date | None = None) -> clock.TimelinessMeasure:
    """The DfE 20-week measure for final plans issued in the 12 months to ``today``, with
    and without the cases where a Reg 10(4) exception applied. LA staff only.
    """
    today = today or timezone.localdate()
    if not standing_for(fetched_by).is_la_staff:
        return clock.twenty_week_measure([])
    since = today - dt.timedelta(days=365)
    excepted = CaseException.objects.filter(case=OuterRef("pk"), advice_request__isnull=True)
    rows = (
        cases_visible_to(fetched_by=fetched_by)
        .filter(final_issued_on__gt=since, final_issued_on__lte=today)
        .annotate(has_exception=Exists(excepted))
        .values_list("received_on", "final_issued_on", "has_exception")
    )
    return clock.twenty_week_measure(
        (received, issued, excepted_case)
        for received, issued, excepted_case in rows
        if issued is not None
    )


def caseloads(*, fetched_by: User) -> list[tuple[User | None, int]]:
    """Open cases per caseworker, for an LA manager's dashboard."""
    if not standing_for(fetched_by).is_la_staff:
        return []
    counts = (
        cases_visible_to(fetched_by=fetched_by)
        .filter(stage__in=[s.value for s in OPEN_STAGES])
        .values("caseworker")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    users = User.objects.in_bulk([c["caseworker"] for c in counts if c["caseworker"]])
    return [(users.get(c["caseworker"]), c["n"]) for c in counts]


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


def _tray_cases(user: User, caseworker: User | None = None) -> QuerySet[Case]:
    """The open cases of ``caseworker`` (by default the user) that the user may see, in the
    tray's stages, with what the legal clock reads, in 8 queries.

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
        .filter(Exists(visible), in_tray, caseworker=caseworker or user)
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
    plan = plan_of(case)
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


# A caseload: every open case of one coordinator, each with its most pressing deadline.


#: Columns a caseload can be sorted by; "due" (the default) puts the worst status first,
#: then the soonest due, and cases with nothing due last.
CASELOAD_SORTS: tuple[str, ...] = ("due", "learner", "stage", "received")
_STATUS_RANK = {key: i for i, (key, _) in enumerate(TRAY_GROUPS)} | {"on_time": len(TRAY_GROUPS)}


@dataclass(frozen=True)
class CaseloadRow:
    case: Case
    next: CaseDeadline | None  # the most pressing open deadline, if the clock has one
    days: int | None  # days until it is due; negative when overdue


@dataclass
class Caseload:
    caseworker: User
    rows: list[CaseloadRow]
    stage_counts: dict[str, int]
    total: int  # open cases before the stage filter


class CaseloadNotOpen(LookupError):
    """The user may not open this coordinator's caseload (the view answers 404)."""


def caseworkers_for(*, fetched_by: User) -> list[User]:
    """Coordinators whose caseload the user may open, by name (the chooser's options)."""
    return sorted(caseloads_open_to(fetched_by), key=lambda u: (u.display_name.casefold(), u.pk))


def caseload(
    *,
    fetched_by: User,
    caseworker: User,
    today: dt.date,
    stage: str | None = None,
    sort: str = "due",
    descending: bool = False,
) -> Caseload:
    """Every open case of ``caseworker`` that the user may see, with its next deadline.

    Open means in the tray's stages (refused or closed cases only while mediation or an
    appeal runs). The user must be that coordinator or manage their council
    (``caseloads_open_to``); otherwise ``CaseloadNotOpen``. Sorting is as the tray's, on
    rows already built; the query count does not grow with the caseload.
    """
    if sort not in CASELOAD_SORTS:
        raise ValueError(f"sort must be one of {', '.join(CASELOAD_SORTS)}, not {sort!r}")
    if not caseloads_open_to(fetched_by).filter(pk=caseworker.pk).exists():
        raise CaseloadNotOpen
    every: list[CaseloadRow] = []
    for case in _tray_cases(fetched_by, caseworker):
        case.caseworker = caseworker
        pending = [
            d
            for d in deadlines_for(case, today=today, rows=_clock_rows(case))
            if d.status in _STATUS_RANK
        ]
        pending.sort(key=lambda d: (_STATUS_RANK[d.status], d.due, d.id))
        first = pending[0] if pending else None
        every.append(CaseloadRow(case, first, (first.due - today).days if first else None))
    stage_counts: dict[str, int] = {}
    for row in every:
        stage_counts[row.case.stage] = stage_counts.get(row.case.stage, 0) + 1
    rows = [r for r in every if stage is None or r.case.stage == stage]
    rows.sort(key=_CASELOAD_KEYS[sort], reverse=descending)
    return Caseload(caseworker, rows, stage_counts, len(every))


def _caseload_due_key(row: CaseloadRow) -> tuple[int, dt.date, int]:
    if row.next is None:
        return (len(_STATUS_RANK), dt.date.max, row.case.pk)
    return (_STATUS_RANK[row.next.status], row.next.due, row.case.pk)


_CASELOAD_KEYS: dict[str, Callable[[CaseloadRow], Any]] = {
    "due": _caseload_due_key,
    "learner": lambda r: (r.case.learner.full_name.casefold(), r.case.learner.pk, r.case.pk),
    "stage": lambda r: (_STAGE_ORDER.get(r.case.stage, len(_STAGE_ORDER)), r.case.pk),
    "received": lambda r: (r.case.received_on, r.case.pk),
}
