"""The plans the demo's learners already hold, with their history.

Every demo learner stands for a child or young person on Lambeth's EHC plan caseload, except
those who play a request under way, refused or withdrawn (``casework_write``). Those whose plan
came from a case in the casework window get it from that case (``casework_rows``); every other
one gets here the plan they have held since ``plan_start``: the first issued version, an annual
review each year since (the latest held ones on record, decided, the next one scheduled) and,
at the latest review that allows it, an amended version issued within the legal time. Earlier
versions stay issued, so each plan's history reads as it would in the service.

Rows go in with ``bulk_create``: a few queries per version round, whatever the caseload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sendplan.casework import clock
from sendplan.casework.plans.models import (
    CeaseReason,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
)
from sendplan.casework.reviews.models import Review
from sendplan.demo.casework_rows import plan_text

if TYPE_CHECKING:
    from sendplan.accounts.models import Organisation, User
    from sendplan.demo.casework_write import Cast
    from sendplan.demo.learners_data import SyntheticLearner

#: A review due within this many days of the demo's date is still to be held.
STILL_OPEN_DAYS = 30
#: One amendment per plan, at the latest review that allows it. Earlier reviews are not on
#: record, as for a council that moved its caseload into the service.
MOST_AMENDMENTS = 1
BATCH = 1000


@dataclass
class _Held:
    review: Review
    amended_on: dt.date | None = None


@dataclass
class _Story:
    """One learner's plan: when it was first issued and the reviews held since."""

    learner: SyntheticLearner
    caseworker: User | None
    held: list[_Held] = field(default_factory=list)
    next_due: dt.date = dt.date.min


def _held_review(anchor: dt.date, due: dt.date, story: _Story, rng: np.random.Generator) -> Review:
    meeting = max(due - dt.timedelta(days=int(rng.integers(0, 22))), anchor + dt.timedelta(1))
    decision_due = clock.due(clock.REVIEW_DECISION, meeting)
    decided = min(meeting + dt.timedelta(days=int(rng.integers(7, 28))), decision_due)
    report_due = clock.due(clock.REVIEW_REPORT, meeting)
    invitations = clock.due(clock.REVIEW_INVITATIONS, meeting) - dt.timedelta(
        days=int(rng.integers(0, 6))
    )
    by = story.caseworker
    return Review(
        due_on=due, invitations_sent_on=invitations, meeting_on=meeting,
        report_due_on=report_due,
        report_received_on=max(meeting, report_due - dt.timedelta(days=int(rng.integers(0, 6)))),
        decision_due_on=decision_due, decision=Review.Decision.MAINTAIN, decided_on=decided,
        decision_reasons="The plan still meets the needs; the outcomes are on track.",
        preparing_for_adulthood=clock.pfa_applies(story.learner.date_of_birth, on=due),
        created_by=by, modified_by=by,
    )  # fmt: skip


def _amend(held: _Held, as_at: dt.date, rng: np.random.Generator) -> bool:
    """Make a held review an amendment, when the amended plan is issued by ``as_at``."""
    review = held.review
    assert review.decided_on is not None
    deadline = clock.amended_plan_due(proposed_on=review.decided_on, meeting_on=review.meeting_on)
    issued = min(review.decided_on + dt.timedelta(days=int(rng.integers(28, 50))), deadline.due)
    if issued > as_at:
        return False
    review.decision = Review.Decision.AMEND
    review.decision_reasons = "Needs have changed since the plan; sections F and E amended."
    review.amendment_proposed_on = review.decided_on
    review.amended_plan_due_on, review.amended_plan_due_rule = deadline.due, deadline.rule
    review.amended_plan_issued_on = issued
    held.amended_on = issued
    return True


def _story(
    learner: SyntheticLearner, caseworker: User | None, as_at: dt.date, rng: np.random.Generator
) -> _Story:
    story = _Story(learner, caseworker)
    anchor = learner.plan_start
    due = clock.due(clock.ANNUAL_REVIEW, anchor)
    while due <= as_at - dt.timedelta(days=STILL_OPEN_DAYS):
        review = _held_review(anchor, due, story, rng)
        story.held.append(_Held(review))
        assert review.meeting_on is not None
        anchor = review.meeting_on
        due = clock.due(clock.ANNUAL_REVIEW, anchor)
    story.next_due = due
    # The latest review whose amended plan is out by as_at amends the plan; it and the reviews
    # since are on record (the latest held one at least).
    amended_at = next(
        (k for k in range(len(story.held) - 1, -1, -1) if _amend(story.held[k], as_at, rng)),
        len(story.held) - 1,
    )
    story.held = story.held[max(amended_at, 0) :]
    return story


def _version_rows(
    version: PlanVersion, story: _Story, number: int
) -> tuple[PlanNeed, PlanOutcome, PlanProvision]:
    need, outcome, (what, much, often, who) = plan_text(story.learner.primary_need)
    if number > 1:
        outcome = f"{outcome} Next step agreed at the review: do it with less adult help."
        often = f"{often}, reviewed each term"
    by = version.created_by
    return (
        PlanNeed(version=version, section="B", text=need, created_by=by, modified_by=by),
        PlanOutcome(version=version, text=outcome, created_by=by, modified_by=by),
        PlanProvision(version=version, section="F", what=what, how_much=much, how_often=often,
                      delivered_by=who, created_by=by, modified_by=by),
    )  # fmt: skip


def write_standing_plans(
    cast: Cast, *, with_cases: set[int], as_at: dt.date, rng: np.random.Generator
) -> dict[str, int]:
    """Write the plan, reviews and versions of every learner who has no case in the window."""
    caseworker = {
        p.learner: cast.users[p.username]
        for p in cast.involvements
        if p.kind == "caseworker" and p.username
    }
    stories = [
        _story(x, caseworker.get(x.index), as_at, rng)
        for x in cast.learners
        if x.index not in with_cases and x.plan_start <= as_at
    ]
    plans = Plan.objects.bulk_create(
        (
            Plan(learner=cast.rows[s.learner.index], status=Plan.Status.MAINTAINED,
                 issued_on=s.learner.plan_start, created_by=s.caseworker,
                 modified_by=s.caseworker)
            for s in stories
        ),
        batch_size=BATCH,
    )  # fmt: skip
    reviews: list[Review] = []
    for plan, story in zip(plans, stories, strict=True):
        for held in story.held:
            held.review.plan = plan
            reviews.append(held.review)
        reviews.append(
            Review(plan=plan, due_on=story.next_due,
                   preparing_for_adulthood=clock.pfa_applies(story.learner.date_of_birth,
                                                             on=story.next_due),
                   created_by=story.caseworker, modified_by=story.caseworker)
        )  # fmt: skip
    Review.objects.bulk_create(reviews, batch_size=BATCH)

    # Versions round by round (first issue, then each amendment), each based on the last.
    latest: dict[int, PlanVersion] = {}
    counts = {"standing plans": len(plans), "standing plan versions": 0}
    rounds: list[list[tuple[Plan, _Story, dt.date, Review | None]]] = [
        [(p, s, s.learner.plan_start, None) for p, s in zip(plans, stories, strict=True)]
    ]
    amendments = [
        [(p, s, h.amended_on, h.review) for h in s.held if h.amended_on]
        for p, s in zip(plans, stories, strict=True)
    ]
    for n in range(MOST_AMENDMENTS):
        rounds.append([(p, s, on, r) for a in amendments if len(a) > n for p, s, on, r in [a[n]]])
    for number, batch in enumerate(rounds, start=1):
        versions = [
            _version(plan, story, number, issued_on, review, latest.get(plan.pk), cast)
            for plan, story, issued_on, review in batch
        ]
        PlanVersion.objects.bulk_create(versions, batch_size=BATCH)
        _write_contents(versions, [story for _, story, _, _ in batch])
        latest.update((v.plan_id, v) for v in versions)
        counts["standing plan versions"] += len(versions)
    counts["standing plan reviews"] = len(reviews)
    return counts


def _version(
    plan: Plan,
    story: _Story,
    number: int,
    issued_on: dt.date,
    review: Review | None,
    based_on: PlanVersion | None,
    cast: Cast,
) -> PlanVersion:
    learner = story.learner
    setting = cast.setting_of.get(learner.index)
    return PlanVersion(
        plan=plan, number=number, status=PlanVersion.Status.ISSUED,
        purpose=PlanVersion.Purpose.AMENDMENT if review else PlanVersion.Purpose.FIRST,
        based_on=based_on, review=review, issued_on=issued_on,
        views=f"{learner.given_name} says school is better when adults explain changes first.",
        interests="Drawing, football and music.",
        aspirations="To stay with friends and, later, to work with animals.",
        placement_setting=setting,
        placement_type="" if setting else "Mainstream school with support",
        created_by=story.caseworker, modified_by=story.caseworker,
    )  # fmt: skip


def _write_contents(versions: list[PlanVersion], stories: list[_Story]) -> None:
    rows = [_version_rows(v, s, v.number) for v, s in zip(versions, stories, strict=True)]
    PlanNeed.objects.bulk_create([r[0] for r in rows], batch_size=BATCH)
    PlanOutcome.objects.bulk_create([r[1] for r in rows], batch_size=BATCH)
    PlanProvision.objects.bulk_create([r[2] for r in rows], batch_size=BATCH)
    PlanOutcome.needs.through.objects.bulk_create(
        (PlanOutcome.needs.through(planoutcome_id=o.pk, planneed_id=n.pk) for n, o, _ in rows),
        batch_size=BATCH,
    )
    PlanProvision.outcomes.through.objects.bulk_create(
        (
            PlanProvision.outcomes.through(planprovision_id=p.pk, planoutcome_id=o.pk)
            for _, o, p in rows
        ),
        batch_size=BATCH,
    )


__all__ = ["write_standing_plans"]


def cease_aged_out(*, la: Organisation, as_at: dt.date) -> dict[str, int]:
    """End the plans the law has already ended: a plan lasts to the end of the academic year
    in which the young person turns 25 (s.45, Children and Families Act 2014). The demo's
    cohort is calibrated to a census, so as the days pass its oldest young people age out;
    their plans are ceased on the 31 August that ended that year (CeaseReason 1, maximum age),
    and their open reviews go with them."""
    ceased: list[Plan] = []
    plans = Plan.objects.filter(learner__responsible_la=la, status=Plan.Status.MAINTAINED)
    for plan in plans.select_related("learner"):
        born = plan.learner.date_of_birth
        leap_day = (born.month, born.day) == (2, 29)
        turned = dt.date(born.year + 25, born.month, 28 if leap_day else born.day)
        ends = dt.date(turned.year if turned.month < 9 else turned.year + 1, 8, 31)
        if ends >= as_at:
            continue
        plan.status = Plan.Status.CEASED
        plan.ceased_on = max(ends, plan.issued_on or ends)
        plan.cease_decided_on = plan.ceased_on
        plan.cease_reason = CeaseReason.MAXIMUM_AGE
        plan.cease_detail = "The end of the academic year in which they turned 25."
        ceased.append(plan)
    Plan.objects.bulk_update(
        ceased, ["status", "ceased_on", "cease_decided_on", "cease_reason", "cease_detail"]
    )
    Review.objects.filter(plan__in=ceased, decided_on=None).delete()
    return {"plans ceased at 25": len(ceased)}
