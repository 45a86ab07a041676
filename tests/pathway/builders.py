"""Young people on the pathway for the tests (not collected)."""

from __future__ import annotations

import datetime as dt

from sendplan.casework.plans.models import Plan
from sendplan.casework.reviews.models import Review
from sendplan.learners.models import Involvement
from tests.casework_pages.plan_builders import issued_plan
from tests.factories import InvolvementFactory, LearnerFactory

__all__ = ["young_person", "review_of"]


def young_person(cast, *, born: dt.date, name: str = "Riley Pathway-Test") -> Plan:
    """A young person with the cast's caseworker and an issued plan (12 May 2025)."""
    given, _, family = name.partition(" ")
    learner = LearnerFactory(
        given_name=given, family_name=family, responsible_la=cast.la, date_of_birth=born
    )
    InvolvementFactory(
        learner=learner,
        kind=Involvement.Kind.CASEWORKER,
        organisation=cast.la,
        user=cast.caseworker,
        reason="EHC coordinator",
    )
    return issued_plan(cast, learner=learner)


def review_of(plan: Plan, *, due_on: dt.date, decided_on: dt.date | None = None) -> Review:
    """A review row (set up directly: the review services are tested elsewhere)."""
    review = plan.reviews.filter(decided_on__isnull=True).first() or Review(plan=plan)
    review.due_on = due_on
    review.preparing_for_adulthood = True
    if decided_on is not None:
        review.meeting_on = decided_on
        review.decided_on = decided_on
        review.decision = Review.Decision.MAINTAIN
    review.save()
    return review
