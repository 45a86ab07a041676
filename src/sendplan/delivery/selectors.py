"""Reads of the delivery log, through the access policy: the rows a setting or provider
records, one row's log, the shortfalls on a caseworker's caseload, a plan's delivery in
plain words, and the rows still to quantify (ADR 0135)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework.plans.models import Plan
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.delivery.models import Commitment, DeliveryEntry, MissedReason
from sendplan.delivery.services import may_record, minutes_per_week
from sendplan.engine import (
    DeliveryFigures,
    Quantity,
    Term,
    WeekRecord,
    delivery_figures,
    is_shortfall,
    last_weeks,
    term_of,
    term_weeks,
)
from sendplan.learners.access import coordinating, learner_can_edit, records_delivery_for
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_read

#: How long after a row ends its setting may still record the weeks before the end.
RECORD_AFTER_END = dt.timedelta(weeks=12)


def threshold() -> int:
    return int(settings.SENDPLAN_DELIVERY_SHORTFALL_PERCENT)


def window_weeks() -> int:
    return int(settings.SENDPLAN_DELIVERY_WINDOW_WEEKS)


def _visible(user: User, today: dt.date) -> Exists:
    return Exists(
        learners_visible_to(fetched_by=user, today=today).filter(pk=OuterRef("learner_id"))
    )


def recordable_commitments(*, fetched_by: User, today: dt.date) -> QuerySet[Commitment]:
    """The rows this user records delivery for: delivered by an organisation they work for
    in a delivering role, of learners they may see, open or ended lately."""
    return (
        Commitment.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today - RECORD_AFTER_END),
            organisation_id__in=records_delivery_for(fetched_by, on=today),
        )
        .filter(_visible(fetched_by, today))
        .select_related("provision", "learner", "organisation")
        .order_by("learner__family_name", "learner__given_name", "learner_id", "section", "pk")
    )


def quantity_of(commitment: Commitment) -> Quantity | None:
    if not commitment.is_quantified:
        return None
    assert commitment.minutes_per_session is not None and commitment.sessions is not None
    return Quantity(
        minutes_per_session=commitment.minutes_per_session,
        sessions=commitment.sessions,
        period=commitment.period,
    )


def records_of(entries: Sequence[DeliveryEntry]) -> dict[dt.date, WeekRecord]:
    return {
        e.week_starting: WeekRecord(e.delivered_minutes, e.missed_minutes, e.due) for e in entries
    }


def _weeks_in_force(commitment: Commitment, weeks: list[dt.date]) -> list[dt.date]:
    return [
        w
        for w in weeks
        if w + dt.timedelta(days=6) >= commitment.started_on
        and (commitment.ended_on is None or w <= commitment.ended_on)
    ]


def recent_figures(
    commitment: Commitment, entries: Sequence[DeliveryEntry], *, today: dt.date
) -> DeliveryFigures:
    """Delivered against specified over the shortfall window (the last complete weeks)."""
    weeks = _weeks_in_force(commitment, last_weeks(today, window_weeks()))
    return delivery_figures(
        minutes_per_week=minutes_per_week(commitment), weeks=weeks, records=records_of(entries)
    )


def term_figures(
    commitment: Commitment, entries: Sequence[DeliveryEntry], term: Term, *, today: dt.date
) -> DeliveryFigures:
    weeks = term_weeks(
        term, started_on=commitment.started_on, ended_on=commitment.ended_on, today=today
    )
    return delivery_figures(
        minutes_per_week=minutes_per_week(commitment), weeks=weeks, records=records_of(entries)
    )


@dataclass(frozen=True)
class RowStatus:
    """A commitment with its recent delivery, for lists."""

    commitment: Commitment
    quantity: Quantity | None
    recent: DeliveryFigures
    last_recorded: dt.date | None
    shortfall: bool


def _entries_since(
    commitments: Sequence[Commitment], since: dt.date
) -> dict[int, list[DeliveryEntry]]:
    by: dict[int, list[DeliveryEntry]] = {c.pk: [] for c in commitments}
    for entry in DeliveryEntry.objects.filter(
        commitment_id__in=list(by), week_starting__gte=since
    ).only(
        "commitment_id",
        "week_starting",
        "due",
        "delivered_minutes",
        "missed_minutes",
        "missed_reason",
    ):
        by[entry.commitment_id].append(entry)
    return by


def statuses(commitments: Sequence[Commitment], *, today: dt.date) -> list[RowStatus]:
    """Each row with its figures over the shortfall window and its last week recorded, in
    two queries whatever the number of rows."""
    since = last_weeks(today, window_weeks())[0]
    recent = _entries_since(commitments, since)
    latest = dict(
        DeliveryEntry.objects.filter(commitment_id__in=[c.pk for c in commitments])
        .order_by()
        .values("commitment_id")
        .annotate(last=Max("week_starting"))
        .values_list("commitment_id", "last")
    )
    rows = []
    for c in commitments:
        figures = recent_figures(c, recent[c.pk], today=today)
        rows.append(
            RowStatus(
                c,
                quantity_of(c),
                figures,
                latest.get(c.pk),
                c.is_quantified and is_shortfall(figures, threshold_percent=threshold()),
            )
        )
    return rows


def commitment_for_user(user: User, pk: int, *, purpose: str) -> Commitment:
    """The row if the user may see its learner (else 404); the read is audited."""
    commitment = (
        Commitment.objects.filter(pk=pk)
        .filter(_visible(user, timezone.localdate()))
        .select_related("provision", "learner", "organisation", "plan", "setting")
        .first()
    )
    if commitment is None:
        raise Http404("No provision found")
    audit_read(user=user, learner=commitment.learner, what=purpose)
    return commitment


def may_quantify(user: User, commitment: Commitment) -> bool:
    return standing_for(user).is_la_staff and learner_can_edit(
        learner=commitment.learner, user=user
    )


def caseload_commitments(*, fetched_by: User, today: dt.date) -> QuerySet[Commitment]:
    """Open rows of maintained plans of the learners the user coordinates."""
    return (
        Commitment.objects.filter(
            ended_on__isnull=True,
            plan__status=Plan.Status.MAINTAINED,
            learner__in=learners_visible_to(fetched_by=fetched_by, today=today).filter(
                coordinating(fetched_by, on=today)
            ),
        )
        .select_related("provision", "learner", "organisation")
        .order_by("learner__family_name", "learner__given_name", "learner_id", "section", "pk")
    )


def caseload_shortfalls(*, fetched_by: User, today: dt.date) -> list[RowStatus]:
    """The rows on the user's caseload delivered below the threshold lately, worst first."""
    rows = [
        s
        for s in statuses(
            list(caseload_commitments(fetched_by=fetched_by, today=today)), today=today
        )
        if s.shortfall
    ]
    rows.sort(key=lambda s: (s.recent.percent or 0.0, s.commitment.pk))
    return rows


def to_quantify(*, fetched_by: User, today: dt.date) -> QuerySet[Commitment]:
    """Rows on the user's caseload whose words the service could not read as a quantity."""
    return caseload_commitments(fetched_by=fetched_by, today=today).filter(
        minutes_per_session__isnull=True
    )


# The plan page: what was delivered, in plain words.


@dataclass(frozen=True)
class PlanRowDelivery:
    commitment: Commitment
    quantity: Quantity | None
    term: DeliveryFigures
    recent: DeliveryFigures
    missed_reasons: list[tuple[str, int]]  # reason in words, weeks
    shortfall: bool


@dataclass(frozen=True)
class PlanDelivery:
    term: Term | None
    rows: list[PlanRowDelivery]
    unquantified: int


def plan_delivery(*, plan: Plan, today: dt.date) -> PlanDelivery:
    """The plan's open rows with what was delivered this term and lately. The caller has
    checked and audited the read of the plan."""
    term = term_of(today) or term_of(dt.date(today.year, 7, 31))
    assert term is not None
    commitments = list(
        plan.commitments.filter(ended_on__isnull=True)
        .select_related("provision", "organisation")
        .order_by("section", "provision__position", "pk")
    )
    since = min(term.start, last_weeks(today, window_weeks())[0])
    entries = _entries_since(commitments, since)
    rows = []
    unquantified = 0
    labels = dict(MissedReason.choices)
    for c in commitments:
        if not c.is_quantified:
            unquantified += 1
            continue
        these = entries[c.pk]
        term_entries = [e for e in these if e.week_starting >= term.start]
        reasons = Counter(labels[e.missed_reason] for e in term_entries if e.missed_minutes)
        recent = recent_figures(c, these, today=today)
        rows.append(
            PlanRowDelivery(
                c,
                quantity_of(c),
                term_figures(c, term_entries, term, today=today),
                recent,
                sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
                is_shortfall(recent, threshold_percent=threshold()),
            )
        )
    return PlanDelivery(term, rows, unquantified)


# The open API's reads (``api.endpoints.delivery``): the same rows and rules as the pages.


def commitment_for_recorder(user: User, pk: int, *, purpose: str) -> Commitment:
    """The row if the user records its delivery: 404 if they may not see its learner, 403
    if they may but do not deliver it (``services.may_record``); the read is audited."""
    commitment = commitment_for_user(user, pk, purpose=purpose)
    if not may_record(user, commitment):
        raise PermissionDenied(
            "Only staff of the organisation that delivers this provision record it"
        )
    return commitment


def commitment_weeks(commitment: Commitment) -> QuerySet[DeliveryEntry]:
    """A row's weeks recorded, newest first. The caller has read the row through
    :func:`commitment_for_user`, which checked and audited it."""
    return DeliveryEntry.objects.filter(commitment=commitment).order_by("-week_starting")


def commitment_week(commitment: Commitment, week_starting: dt.date) -> DeliveryEntry:
    """One week of a row the caller has read through :func:`commitment_for_user`; 404 when
    the week is not recorded."""
    entry = DeliveryEntry.objects.filter(commitment=commitment, week_starting=week_starting).first()
    if entry is None:
        raise Http404("No delivery is recorded for that week")
    return entry
