"""Reads behind the council's review compliance page: every open review overdue or at risk,
by setting, and the figures a council reports on its reviews, each counted once here
(ADR 0134). LA staff only; the learners are those the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.plans.models import Plan
from sendplan.casework.reviews.models import Review
from sendplan.casework.reviews.setting_selectors import HORIZON, Missing, review_missing
from sendplan.learners.models import Placement
from sendplan.learners.selectors import learners_visible_to

#: The period the figures cover: the 12 months to the day.
PERIOD = dt.timedelta(days=365)

NO_SETTING = "No current setting"


@dataclass(frozen=True)
class AtRiskRow:
    review: Review
    setting: str
    worst: Missing
    missing: list[Missing]


@dataclass(frozen=True)
class Figure:
    """One reported figure: how many of ``total`` met the time limit."""

    label: str
    basis: str
    met: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


def reviews_at_risk(*, fetched_by: User, today: dt.date) -> list[AtRiskRow]:
    """Open reviews with a step overdue or due within two weeks, by setting (the learner's
    current placement) then most urgent first. Empty for anyone but LA staff."""
    if not standing_for(fetched_by).is_la_staff:
        return []
    visible = learners_visible_to(fetched_by=fetched_by, today=today)
    setting = Placement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today),
        learner_id=OuterRef("plan__learner_id"),
        started_on__lte=today,
    ).order_by("-started_on")
    reviews = (
        Review.objects.filter(
            Q(due_on__lte=today + HORIZON) | Q(meeting_on__isnull=False),
            decided_on__isnull=True,
            plan__status=Plan.Status.MAINTAINED,
            plan__learner__in=visible.values("pk"),
        )
        .annotate(setting_name=Subquery(setting.values("setting__name")[:1]))
        .select_related("plan__learner")
        .only(
            *(
                f.name
                for f in Review._meta.concrete_fields
                if f.name not in ("views_words", "report_summary", "decision_reasons")
            ),
            "plan__id",
            "plan__learner__id",
            "plan__learner__given_name",
            "plan__learner__family_name",
        )
    )
    rank = {"overdue": 0, "due_soon": 1}
    rows: list[AtRiskRow] = []
    for review in reviews:
        missing = [m for m in review_missing(review, today=today) if m.status in rank]
        if not missing:
            continue
        missing.sort(key=lambda m: (rank[m.status], m.due or today))
        name = getattr(review, "setting_name", None) or NO_SETTING
        rows.append(AtRiskRow(review, name, missing[0], missing))
    rows.sort(key=lambda r: (r.setting.casefold(), rank[r.worst.status], r.worst.due or today))
    return rows


def review_figures(*, fetched_by: User, today: dt.date) -> list[Figure]:
    """The review figures for the 12 months to ``today``, in one query: reviews held within
    12 months (CFA s44), reports within 2 weeks of the meeting, decisions within 4 weeks of
    it, and amended plans issued by their due date (Reg 22)."""
    if not standing_for(fetched_by).is_la_staff:
        return []
    since = today - PERIOD
    visible = learners_visible_to(fetched_by=fetched_by, today=today)
    held = Q(meeting_on__gt=since, meeting_on__lte=today, report_due_on__isnull=False)
    reported = Q(report_received_on__gt=since, report_received_on__lte=today)
    decided = Q(decided_on__gt=since, decided_on__lte=today)
    amended = Q(amended_plan_issued_on__gt=since, amended_plan_issued_on__lte=today)
    counts = Review.objects.filter(plan__learner__in=visible.values("pk")).aggregate(
        held=Count("pk", filter=held),
        held_on_time=Count("pk", filter=held & Q(meeting_on__lte=F("due_on"))),
        reported=Count("pk", filter=reported),
        reported_on_time=Count(
            "pk", filter=reported & Q(report_received_on__lte=F("report_due_on"))
        ),
        decided=Count("pk", filter=decided),
        decided_on_time=Count("pk", filter=decided & Q(decided_on__lte=F("decision_due_on"))),
        amended=Count("pk", filter=amended),
        amended_on_time=Count(
            "pk", filter=amended & Q(amended_plan_issued_on__lte=F("amended_plan_due_on"))
        ),
    )
    return [
        Figure(
            "Reviews held within 12 months",
            clock.basis(clock.ANNUAL_REVIEW).basis,
            counts["held_on_time"],
            counts["held"],
        ),
        Figure(
            "Review reports sent within 2 weeks of the meeting",
            clock.basis(clock.REVIEW_REPORT).basis,
            counts["reported_on_time"],
            counts["reported"],
        ),
        Figure(
            "Decisions within 4 weeks of the meeting",
            clock.basis(clock.REVIEW_DECISION).basis,
            counts["decided_on_time"],
            counts["decided"],
        ),
        Figure(
            "Amended plans issued on time",
            clock.basis("amended_plan").basis,
            counts["amended_on_time"],
            counts["amended"],
        ),
    ]
