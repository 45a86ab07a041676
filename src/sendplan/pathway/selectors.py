"""Reads of the pathway, always for a user (``fetched_by``): one young person's tracker, the
caseworker's pathway actions (Care Act assessments due, plans of those 19 and over without
a recent review decision), and the partnership's 16–25 figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.plans.models import Plan
from sendplan.casework.plans.selectors import plan_for_user
from sendplan.casework.reviews.models import Review
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.engine import (
    ADULTHOOD_RULES,
    AdulthoodRule,
    CareActFlag,
    add_months,
    age_in_years,
    care_act_flag,
    plan_at_risk_of_lapsing,
)
from sendplan.learners.models import Involvement, Learner, Placement
from sendplan.learners.selectors import learner_for_user, learners_visible_to
from sendplan.pathway.models import (
    OUTCOME_FIELDS,
    AdulthoodProgress,
    Destination,
    DestinationKind,
    Outcome,
    Progress,
    Transition,
)

#: Latest first: the stage whose actual destination says where a young person is now.
STAGES_LATEST_FIRST = (
    Destination.Stage.YEAR_AFTER,
    Destination.Stage.ON_LEAVING,
    Destination.Stage.AT_19,
    Destination.Stage.AT_16,
)


@dataclass(frozen=True)
class ProgressRow:
    outcome: str
    label: str
    progress: str
    note: str


@dataclass(frozen=True)
class ReviewProgress:
    review: Review
    rows: list[ProgressRow]  # empty when nothing is recorded yet


@dataclass
class LearnerPathway:
    learner: Learner
    can_edit: bool
    age: int
    year_group: int
    plan: Plan | None
    destinations: list[tuple[str, str, Destination | None]]  # stage, label, row
    transition: Transition | None
    care_act: CareActFlag | None
    lapsing: bool
    last_decision_on: dt.date | None
    reviews: list[ReviewProgress] = field(default_factory=list)
    rules: dict[str, AdulthoodRule] = field(default_factory=lambda: dict(ADULTHOOD_RULES))


def progress_rows(row: AdulthoodProgress | None) -> list[ProgressRow]:
    if row is None:
        return []
    labels = dict(Progress.choices)
    return [
        ProgressRow(
            o.value,
            o.label,
            labels.get(getattr(row, OUTCOME_FIELDS[o.value][0]), ""),
            getattr(row, OUTCOME_FIELDS[o.value][1]),
        )
        for o in Outcome
    ]


def _pfa_review(review: Review, date_of_birth: dt.date) -> bool:
    return review.preparing_for_adulthood or clock.pfa_applies(
        date_of_birth, on=review.meeting_on or review.due_on
    )


def learner_pathway(*, fetched_by: User, learner_id: int, today: dt.date) -> LearnerPathway:
    """The tracker of one young person (audited read; 404 when not visible)."""
    learner, can_edit = learner_for_user(fetched_by, learner_id, purpose="pathway to adulthood")
    can_edit = can_edit and standing_for(fetched_by).is_la_staff
    plan = (
        Plan.objects.filter(learner=learner)
        .exclude(status=Plan.Status.WITHDRAWN)
        .order_by("-issued_on", "-pk")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("adulthood").order_by("-due_on", "-pk"),
            )
        )
        .first()
    )
    by_stage = {
        d.stage: d
        for d in Destination.objects.filter(learner=learner).select_related(
            "planned_setting", "actual_setting"
        )
    }
    transition = Transition.objects.filter(learner=learner).first()
    reviews: list[ReviewProgress] = []
    last_decision = None
    if plan is not None:
        for review in plan.reviews.all():
            if review.decided_on and (last_decision is None or review.decided_on > last_decision):
                last_decision = review.decided_on
            if _pfa_review(review, learner.date_of_birth):
                row = getattr(review, "adulthood", None)
                reviews.append(ReviewProgress(review, progress_rows(row)))
    lapsing = (
        plan is not None
        and plan.status == Plan.Status.MAINTAINED
        and plan_at_risk_of_lapsing(
            date_of_birth=learner.date_of_birth,
            on=today,
            last_decision_on=last_decision,
            plan_issued_on=plan.issued_on,
        )
    )
    return LearnerPathway(
        learner=learner,
        can_edit=can_edit,
        age=age_in_years(learner.date_of_birth, today),
        year_group=clock.year_group(learner.date_of_birth, on=today),
        plan=plan,
        destinations=[(s.value, s.label, by_stage.get(s.value)) for s in Destination.Stage],
        transition=transition,
        care_act=care_act_flag(
            date_of_birth=learner.date_of_birth,
            on=today,
            likely_needs_adult_care=bool(transition and transition.likely_needs_adult_care),
            assessment_done=bool(transition and transition.care_act_completed_on),
        ),
        lapsing=lapsing,
        last_decision_on=last_decision,
        reviews=reviews,
    )


def editable_learner(*, fetched_by: User, learner_id: int, purpose: str) -> Learner:
    """The learner if the user may change their pathway (their caseworker), else 404/403."""
    learner, can_edit = learner_for_user(fetched_by, learner_id, purpose=purpose)
    if not (can_edit and standing_for(fetched_by).is_la_staff):
        raise PermissionDenied
    return learner


def review_for_adulthood(
    *, fetched_by: User, plan_id: int, review_id: int
) -> tuple[Review, Plan, bool]:
    """A review of a plan the user may see, from Year 9 (404 otherwise), and whether the
    user may record progress at it."""
    plan, can_edit = plan_for_user(fetched_by, plan_id, purpose="adulthood progress at review")
    review = Review.objects.filter(plan=plan, pk=review_id).select_related("adulthood").first()
    if review is None:
        raise Http404("No review found")
    if not _pfa_review(review, plan.learner.date_of_birth):
        raise Http404("Not a review from Year 9")
    return review, plan, can_edit


# The caseworker's actions on the pathway.


@dataclass(frozen=True)
class CareActRow:
    learner: Learner
    flag: CareActFlag
    requested_on: dt.date | None


@dataclass(frozen=True)
class LapsingRow:
    plan: Plan
    age: int
    last_decision_on: dt.date | None


@dataclass
class PathwayActions:
    care_act: list[CareActRow]
    lapsing: list[LapsingRow]

    @property
    def count(self) -> int:
        return len(self.care_act) + len(self.lapsing)


def _my_learners(user: User, today: dt.date) -> QuerySet[Learner]:
    caseworker_of = Involvement.objects.filter(kind=Involvement.Kind.CASEWORKER, user=user).values(
        "learner_id"
    )
    plans = Plan.objects.filter(case__caseworker=user).values("learner_id")
    return learners_visible_to(fetched_by=user, today=today).filter(
        Q(pk__in=caseworker_of) | Q(pk__in=plans)
    )


def pathway_actions(*, fetched_by: User, today: dt.date) -> PathwayActions:
    """Care Act assessments to ask for (from age 17, due by 17½) and plans of young people
    19 and over without a review decision in 12 months, of the user's own learners. Three
    queries whatever the caseload."""
    if not standing_for(fetched_by).is_la_staff:
        return PathwayActions([], [])
    mine = _my_learners(fetched_by, today)
    # From 17 (six months before the 17½ flag) to 25.
    born_by = add_months(today, -(17 * 12))
    born_after = add_months(today, -(26 * 12))
    rows = (
        Transition.objects.filter(
            learner__in=mine,
            likely_needs_adult_care=True,
            care_act_completed_on__isnull=True,
            learner__date_of_birth__lte=born_by,
            learner__date_of_birth__gt=born_after,
        )
        .select_related("learner")
        .order_by("learner__date_of_birth", "pk")
    )
    care: list[CareActRow] = []
    for row in rows:
        flag = care_act_flag(
            date_of_birth=row.learner.date_of_birth,
            on=today,
            likely_needs_adult_care=True,
            assessment_done=False,
        )
        if flag is not None:
            care.append(CareActRow(row.learner, flag, row.care_act_requested_on))
    nineteen = add_months(today, -(19 * 12))
    plans = (
        Plan.objects.filter(
            learner__in=mine,
            status=Plan.Status.MAINTAINED,
            learner__date_of_birth__lte=nineteen,
        )
        .annotate(last_decision=Max("reviews__decided_on"))
        .select_related("learner")
        .order_by("learner__date_of_birth", "pk")
    )
    lapsing = [
        LapsingRow(p, age_in_years(p.learner.date_of_birth, today), p.last_decision)
        for p in plans
        if plan_at_risk_of_lapsing(
            date_of_birth=p.learner.date_of_birth,
            on=today,
            last_decision_on=p.last_decision,
            plan_issued_on=p.issued_on,
        )
    ]
    return PathwayActions(care, lapsing)


# The partnership's 16–25 figures.


@dataclass
class PartnershipFigures:
    today: dt.date
    young_people: int
    by_age: list[tuple[int, int]]
    by_pathway: list[tuple[str, int]]
    local: dict[str, int]
    by_outcome: list[tuple[str, dict[str, int]]]
    planned_leaving: list[tuple[str, int]]  # still on a plan, with a leaving destination
    on_leaving: list[tuple[str, int]]
    year_after: list[tuple[str, int]]
    ceased_by_reason: list[tuple[int, int]]  # SEN2 cease reason, plans ceased in 12 months
    care_act_needed: int
    care_act_done: int
    health_moved: int


NOT_RECORDED = "Not recorded"


def partnership_learners(*, fetched_by: User, today: dt.date) -> QuerySet[Learner]:
    """Young people aged 16 to 25 with a maintained plan, whom the user may see."""
    oldest = add_months(today, -(26 * 12))
    youngest = add_months(today, -(16 * 12))
    maintained = Plan.objects.filter(learner=OuterRef("pk"), status=Plan.Status.MAINTAINED)
    return learners_visible_to(fetched_by=fetched_by, today=today).filter(
        Exists(maintained), date_of_birth__gt=oldest, date_of_birth__lte=youngest
    )


def partnership_figures(*, fetched_by: User, today: dt.date) -> PartnershipFigures:
    """The 16–25 page's figures; a fixed number of queries whatever the numbers."""
    learners = partnership_learners(fetched_by=fetched_by, today=today)
    births = dict(learners.values_list("pk", "date_of_birth"))
    ages = Counter(age_in_years(b, today) for b in births.values())
    # Plain tuples rather than model rows: a thousand young people read in a few queries.
    # (learner, stage) -> (actual kind, whether its place is in the area, or None)
    by_learner: dict[int, dict[str, tuple[str, bool | None]]] = {}
    for learner_id, stage, actual_kind, in_area in Destination.objects.filter(
        learner_id__in=list(births)
    ).values_list("learner_id", "stage", "actual_kind", "actual_setting__in_area"):
        by_learner.setdefault(learner_id, {})[stage] = (actual_kind, in_area)
    # Where each is now: the latest actual destination, else the current placement's place.
    current_in_area = dict(
        Placement.objects.filter(learner_id__in=list(births), ended_on__isnull=True).values_list(
            "learner_id", "setting__in_area"
        )
    )
    kinds = dict(DestinationKind.choices)
    pathway: Counter[str] = Counter()
    local: Counter[str] = Counter()
    for pk in births:
        stages = by_learner.get(pk, {})
        now = next(
            (stages[s] for s in STAGES_LATEST_FIRST if s in stages and stages[s][0]),
            None,
        )
        pathway[kinds[now[0]] if now else NOT_RECORDED] += 1
        if now is not None and now[1] is not None:
            local["local" if now[1] else "out"] += 1
        elif now is None and pk in current_in_area:
            local["local" if current_in_area[pk] else "out"] += 1
        else:
            local["none"] += 1
    # Leaving counts those whose plans have ceased too (up to 26, so a year after shows).
    issued = Plan.objects.filter(
        learner=OuterRef("learner_id"), status__in=[Plan.Status.MAINTAINED, Plan.Status.CEASED]
    )
    leavers = Destination.objects.filter(
        Exists(issued),
        learner__in=learners_visible_to(fetched_by=fetched_by, today=today),
        learner__date_of_birth__gt=add_months(today, -(27 * 12)),
        stage__in=[Destination.Stage.ON_LEAVING, Destination.Stage.YEAR_AFTER],
    ).values_list("stage", "planned_kind", "actual_kind")
    planned_leaving: Counter[str] = Counter()
    leaving: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for stage, planned_kind, actual_kind in leavers:
        if stage == Destination.Stage.YEAR_AFTER:
            if actual_kind:
                after[kinds[actual_kind]] += 1
            continue
        if actual_kind:
            leaving[kinds[actual_kind]] += 1
        elif planned_kind:
            planned_leaving[kinds[planned_kind]] += 1
    # The latest recorded progress of each young person on each outcome.
    levels = [OUTCOME_FIELDS[o.value][0] for o in Outcome]
    latest: dict[int, tuple[str, ...]] = {}
    for learner_id, *row in (
        AdulthoodProgress.objects.filter(review__plan__learner_id__in=list(births))
        .order_by("review__due_on", "pk")
        .values_list("review__plan__learner_id", *levels)
    ):
        latest[learner_id] = tuple(row)
    by_outcome: list[tuple[str, dict[str, int]]] = []
    for i, o in enumerate(Outcome):
        counts: Counter[str] = Counter(row[i] for row in latest.values())
        by_outcome.append((o.label, {p.value: counts.get(p.value, 0) for p in Progress}))
    ceased = Counter(
        Plan.objects.filter(
            status=Plan.Status.CEASED,
            ceased_on__gt=add_months(today, -12),
            ceased_on__lte=today,
            learner__in=learners_visible_to(fetched_by=fetched_by, today=today),
            learner__date_of_birth__gt=add_months(today, -(27 * 12)),
        ).values_list("cease_reason", flat=True)
    )
    transitions = Transition.objects.filter(learner_id__in=list(births))
    order = [k.label for k in DestinationKind]
    return PartnershipFigures(
        today=today,
        young_people=len(births),
        by_age=sorted(ages.items()),
        by_pathway=sorted(
            pathway.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        ),
        local={k: local.get(k, 0) for k in ("local", "out", "none")},
        by_outcome=by_outcome,
        planned_leaving=sorted(planned_leaving.items(), key=lambda kv: order.index(kv[0])),
        on_leaving=sorted(leaving.items(), key=lambda kv: order.index(kv[0])),
        year_after=sorted(after.items(), key=lambda kv: order.index(kv[0])),
        ceased_by_reason=sorted((r, n) for r, n in ceased.items() if r is not None),
        care_act_needed=transitions.filter(likely_needs_adult_care=True).count(),
        care_act_done=transitions.filter(
            likely_needs_adult_care=True, care_act_completed_on__isnull=False
        ).count(),
        health_moved=transitions.filter(health_transition=Transition.Health.MOVED).count(),
    )
