"""Reads behind the review pages: one plan's reviews with their legal clock, a caseworker's
list of upcoming reviews and phase transfers.

Every date and status comes from the engine through ``casework.clock``; the plan's own events
are adapted here, so a plan with no case in the system (one transferred in, say) still has a
review clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.deadlines import OPEN_STATUSES, CaseDeadline, review_event_fields
from sendplan.casework.plans.models import Plan
from sendplan.casework.plans.selectors import plan_for_user
from sendplan.casework.reviews.models import Review
from sendplan.learners.models import Involvement
from sendplan.learners.selectors import learners_visible_to


def transfer_planning(
    learners: Iterable[object], *, on: dt.date | None = None
) -> list[tuple[object, clock.TransferPlan]]:
    """The next phase transfer for each learner (with ``date_of_birth``), soonest first."""
    on = on or timezone.localdate()
    plans = []
    for learner in learners:
        nxt = clock.next_phase_transfer(learner.date_of_birth, on=on)  # type: ignore[attr-defined]
        if nxt is not None:
            plans.append((learner, nxt))
    return sorted(plans, key=lambda item: item[1].due)


#: The review deadlines the engine computes, in the order a review runs.
REVIEW_IDS = (
    "annual_review",
    "early_years_review",
    "review_report",
    "review_decision",
    "amendment_representations",
    "amended_plan",
    "phase_transfer",
)


def plan_review_events(plan: Plan, reviews: Sequence[Review]) -> clock.CaseEvents:
    """The plan's review history as the engine's events (no request or assessment events)."""
    return clock.CaseEvents(
        plan_issued=plan.issued_on,
        **review_event_fields(reviews),
        plan_ceased=plan.ceased_on,
    )


@dataclass
class ReviewClock:
    deadlines: list[CaseDeadline]
    problem: str = ""

    @property
    def open(self) -> list[CaseDeadline]:
        return [d for d in self.deadlines if d.status in OPEN_STATUSES]

    @property
    def worst(self) -> CaseDeadline | None:
        return self.open[0] if self.open else None


def review_clock(plan: Plan, reviews: Sequence[Review], *, today: dt.date) -> ReviewClock:
    """The plan's review deadlines, open ones worst first, then those met or missed."""
    if plan.issued_on is None:
        return ReviewClock([])
    try:
        result = clock.case_clock(events=plan_review_events(plan, reviews), today=today)
    except ValueError as exc:
        # Impossible recorded dates: show the problem rather than a wrong clock.
        return ReviewClock([], problem=str(exc).splitlines()[0])
    deadlines = [
        CaseDeadline(
            id=d.id,
            name=d.name,
            due=d.due,
            status=d.status,
            basis=d.basis,
            unconfirmed=d.unconfirmed,
            done=d.done,
            why=d.why,
        )
        for d in (*result.open, *result.closed)
        if d.id in REVIEW_IDS
    ]
    return ReviewClock(deadlines)


@dataclass
class LearnerStage:
    """Where a learner is in school, for transfer and adulthood planning."""

    year_group: int
    preparing_for_adulthood: bool
    next_transfer: clock.TransferPlan | None
    transfer_status: str
    maximum_age_end: dt.date

    @property
    def year_label(self) -> str:
        if self.year_group > 13:
            return "Beyond Year 13"
        if self.year_group == 0:
            return "Reception"
        if self.year_group < 0:
            return "Early years"
        return f"Year {self.year_group}"

    @property
    def under_five(self) -> bool:
        return self.year_group < 0


def _status(due: dt.date, today: dt.date) -> str:
    if today > due:
        return "overdue"
    return "due_soon" if (due - today).days <= 7 else "on_time"


def learner_stage(
    date_of_birth: dt.date, *, today: dt.date, reviews: Sequence[Review] = ()
) -> LearnerStage:
    """School year, adulthood and the next usual transfer; a transfer whose review has been
    completed (decided, or the amended plan issued) counts as met."""
    nxt = clock.next_phase_transfer(date_of_birth, on=today)
    status = ""
    if nxt is not None:
        done = [
            r.amended_plan_issued_on or r.decided_on
            for r in reviews
            if r.transfer == nxt.transfer and r.transfer_year == nxt.transfer_year
        ]
        finished = min((d for d in done if d is not None), default=None)
        if finished is not None:
            status = "met" if finished <= nxt.due else "late"
        else:
            status = _status(nxt.due, today)
    return LearnerStage(
        year_group=clock.year_group(date_of_birth, on=today),
        preparing_for_adulthood=clock.pfa_applies(date_of_birth, on=today),
        next_transfer=nxt,
        transfer_status=status,
        maximum_age_end=clock.maximum_age_end(date_of_birth),
    )


@dataclass
class ReviewPage:
    plan: Plan
    can_edit: bool
    reviews: list[Review]
    open_review: Review | None
    clock: ReviewClock
    stage: LearnerStage


def review_page(*, fetched_by: User, plan_id: int, today: dt.date | None = None) -> ReviewPage:
    """One plan's reviews for its page (404 when the learner is not visible)."""
    today = today or timezone.localdate()
    plan, can_edit = plan_for_user(fetched_by, plan_id, purpose="reviews")
    reviews = list(plan.reviews.order_by("due_on", "id"))
    open_review = next((r for r in reviews if r.decided_on is None), None)
    return ReviewPage(
        plan=plan,
        can_edit=can_edit,
        reviews=list(reversed(reviews)),
        open_review=open_review,
        clock=review_clock(plan, reviews, today=today),
        stage=learner_stage(plan.learner.date_of_birth, today=today, reviews=reviews),
    )


def upcoming_reviews(*, fetched_by: User, mine: bool = True) -> QuerySet[Plan]:
    """Maintained plans the user may see, soonest open review first (for paging).

    ``mine`` keeps the plans whose case, or learner, has the user as caseworker.
    """
    visible = learners_visible_to(fetched_by=fetched_by).filter(pk=OuterRef("learner_id"))
    next_due = Review.objects.filter(plan=OuterRef("pk"), decided_on__isnull=True).values("due_on")[
        :1
    ]
    plans = Plan.objects.filter(Exists(visible), status=Plan.Status.MAINTAINED)
    if mine:
        caseworker_of = Involvement.objects.filter(
            kind=Involvement.Kind.CASEWORKER, user=fetched_by
        ).values("learner_id")
        plans = plans.filter(Q(case__caseworker=fetched_by) | Q(learner_id__in=caseworker_of))
    return (
        plans.annotate(next_review_due=Subquery(next_due))
        .select_related("learner")
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.order_by("due_on", "id")))
        .order_by("next_review_due", "pk")
    )


@dataclass
class UpcomingRow:
    plan: Plan
    open_review: Review | None
    worst: CaseDeadline | None
    review_due: CaseDeadline | None
    stage: LearnerStage
    problem: str


def upcoming_rows(plans: Iterable[Plan], *, today: dt.date) -> list[UpcomingRow]:
    """The list's rows for one page of prefetched plans: no query per plan."""
    rows = []
    for plan in plans:
        reviews = list(plan.reviews.all())
        review_clock_ = review_clock(plan, reviews, today=today)
        review_due = next(
            (d for d in review_clock_.open if d.id in ("annual_review", "early_years_review")),
            None,
        )
        rows.append(
            UpcomingRow(
                plan=plan,
                open_review=next((r for r in reviews if r.decided_on is None), None),
                worst=review_clock_.worst,
                review_due=review_due,
                stage=learner_stage(plan.learner.date_of_birth, today=today, reviews=reviews),
                problem=review_clock_.problem,
            )
        )
    return rows
