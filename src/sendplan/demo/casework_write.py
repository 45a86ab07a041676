"""Write the simulated casework (``casework_data``) for the demo learners, and remove it.

Rows go in with ``bulk_create`` (a few dozen queries), keeping the invariants the casework
services keep: due dates from the legal clock, one open case and one current plan per learner,
dates in order, refusals with rights given, quantified provision, issued versions dated,
preparing-for-adulthood advice only from Year 9, a review scheduled for every issued plan.
``tests/demo/test_demo_casework.py`` runs the engine's own consistency check on every case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Model, QuerySet

from sendplan.accounts.models import Organisation, User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Case, CaseException
from sendplan.casework.disputes.models import Mediation, Tribunal, TribunalOrder
from sendplan.casework.family.models import FamilyComment
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.casework.plans.models import (
    Consultation,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
)
from sendplan.casework.reviews.models import Review, ReviewChange, ReviewInvitation
from sendplan.demo.case_story import write_case_story
from sendplan.demo.casework_data import (
    AdviceSim,
    CaseSim,
    PublishedCasework,
    age_label,
    read_published_casework,
    simulate,
)
from sendplan.demo.casework_rows import write_rows
from sendplan.demo.learners_data import SyntheticLearner
from sendplan.demo.people import weighted_sample
from sendplan.demo.plan_history import write_standing_plans
from sendplan.demo.relationships import InvolvementPlan, Showcase
from sendplan.learners.models import Involvement, Learner
from sendplan.provision.models import Setting

DEMO_CASEWORKER = "demo.caseworker"
#: The demo caseworker's learners are this much likelier to have a request under way, so her
#: tray shows a full open caseload (a heavy but real one) next to her 200 plans.
OPEN_CASE_WEIGHT = 3.0


@dataclass(frozen=True)
class Cast:
    """What the casework needs from the rest of the demo build."""

    learners: Sequence[SyntheticLearner]
    rows: Sequence[Learner]
    involvements: Sequence[InvolvementPlan]
    users: dict[str, User]
    orgs: dict[str, Organisation]
    showcase: Showcase
    setting_of: dict[int, Setting]  # learner index -> current setting


def reset_casework(learners: QuerySet[Learner]) -> int:
    """Delete every casework row of these learners, history rows included.

    Raw deletes in dependency order: no per-row signals, so removing the demo writes no
    "deleted" history rows, and it takes a few queries whatever the size.
    """
    cases = Case.objects.filter(learner__in=learners)
    plans = Plan.objects.filter(learner__in=learners)
    versions = PlanVersion.objects.filter(plan__in=plans)
    advice = AdviceRequest.objects.filter(case__in=cases)
    tribunals = Tribunal.objects.filter(case__in=cases)
    tracked: dict[type[Model], list[int]] = {
        model: list(queryset.values_list("pk", flat=True))
        for model, queryset in (
            (Case, cases),
            (AssessmentRequest, AssessmentRequest.objects.filter(case__in=cases)),
            (AdviceRequest, advice),
            (Consultation, Consultation.objects.filter(case__in=cases)),
            (PlanVersion, versions),
            (Review, Review.objects.filter(plan__in=plans)),
            (Mediation, Mediation.objects.filter(case__in=cases)),
            (Tribunal, tribunals),
        )
    }
    steps: list[QuerySet[Any]] = [
        # The setting's review steps name plan rows and involvements (demo/reviews.py).
        ReviewChange.objects.filter(review__plan__in=plans),
        ReviewInvitation.objects.filter(review__plan__in=plans),
        AssessmentRequest.objects.filter(case__in=cases),
        FamilyComment.objects.filter(case__in=cases),
        PlanVersion.advice.through.objects.filter(planversion__in=versions),
        PlanProvision.outcomes.through.objects.filter(planprovision__version__in=versions),
        PlanOutcome.needs.through.objects.filter(planoutcome__version__in=versions),
        PlanProvision.objects.filter(version__in=versions),
        PlanOutcome.objects.filter(version__in=versions),
        PlanNeed.objects.filter(version__in=versions),
        AdviceSection.objects.filter(advice_request__in=advice),
        CaseException.objects.filter(case__in=cases),
        Consultation.objects.filter(case__in=cases),
        TribunalOrder.objects.filter(tribunal__in=tribunals),
        tribunals,
        Mediation.objects.filter(case__in=cases),
    ]
    # The settings' access their consultations opened goes with them.
    consulted = Involvement.objects.filter(
        pk__in=list(
            Involvement.objects.filter(consultation__case__in=cases).values_list("pk", flat=True)
        )
    )
    for queryset in steps:
        _raw(queryset)
    _raw(consulted)
    # Versions point at reviews and at each other: clear the links, then delete.
    versions.update(based_on=None, review=None)
    for queryset in (versions, Review.objects.filter(plan__in=plans), plans, advice, cases):
        _raw(queryset)
    for model, ids in tracked.items():
        manager: Any = getattr(model, "history", None)
        if manager is not None:
            _raw(manager.model.objects.filter(id__in=ids))
    return len(tracked[Case])


def _raw(queryset: QuerySet[Any]) -> None:
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        queryset.model.objects.filter(pk__in=ids)._raw_delete(queryset.db)


def _by_learner(involvements: Sequence[InvolvementPlan]) -> dict[tuple[int, str], InvolvementPlan]:
    return {(p.learner, p.kind): p for p in involvements}


def _age(learner: SyntheticLearner, on: dt.date) -> int:
    dob = learner.date_of_birth
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _match_learners(
    cases: list[CaseSim],
    cast: Cast,
    published: PublishedCasework,
    rng: np.random.Generator,
    as_at: dt.date,
) -> None:
    """Give each simulated request a distinct learner, in the published age shares."""
    involved = _by_learner(cast.involvements)
    excluded = {cast.showcase.child, cast.showcase.sibling, cast.showcase.young_person}
    ages = [age_label(_age(x, as_at)) for x in cast.learners]
    per_label: dict[str, int] = {}
    for label in ages:
        per_label[label] = per_label.get(label, 0) + 1
    base = np.array(
        [
            0.0
            if x.index in excluded
            else published.request_ages.get(ages[x.index], 0) / per_label[ages[x.index]]
            for x in cast.learners
        ]
    )
    mine = np.array(
        [
            OPEN_CASE_WEIGHT
            if (p := involved.get((x.index, "caseworker"))) and p.username == DEMO_CASEWORKER
            else 1.0
            for x in cast.learners
        ]
    )
    open_cases = [c for c in cases if c.stage in ("requested", "assessing", "drafting",
                                                   "consulting")]  # fmt: skip
    closed = [c for c in cases if c not in open_cases]
    chosen = weighted_sample(rng, base * mine, len(open_cases))
    for case, index in zip(open_cases, rng.permutation(chosen), strict=True):
        case.learner = int(index)
    remaining = base.copy()
    remaining[chosen] = 0.0
    chosen_closed = weighted_sample(rng, remaining, len(closed))
    for case, index in zip(closed, rng.permutation(chosen_closed), strict=True):
        case.learner = int(index)


def _a_full_tray(cases: list[CaseSim], cast: Cast, as_at: dt.date) -> None:
    """Whatever day the demo is built, the demo caseworker's tray shows every kind of open
    deadline (the simulation gives them on most days, not all): of her requests awaiting the
    decision to assess, one is due in three days and one two days overdue; and the first of
    her assessments with no draft yet, whose final plan is due in ten days or later, moves
    earlier so that the plan is due in ten days, too soon for a draft and 15 days of
    comments: at risk."""
    involved = _by_learner(cast.involvements)
    mine = [
        case
        for case in cases
        if (p := involved.get((case.learner, "caseworker"))) and p.username == DEMO_CASEWORKER
    ]
    six_weeks = clock.due(clock.DECISION_TO_ASSESS, as_at) - as_at
    requested = [case for case in mine if case.stage == "requested"]
    for case, days in zip(requested, (3, -2), strict=False):
        case.received_on = as_at + dt.timedelta(days=days) - six_weeks
    target = as_at + dt.timedelta(days=10)
    for case in mine:
        if case.stage in ("assessing", "drafting") and case.draft_issued_on is None:
            due = clock.due(clock.FINAL_PLAN, case.received_on)
            if due >= target:
                _earlier(case, due - target)
                return


def _earlier(case: CaseSim, by: dt.timedelta) -> None:
    """Move every date of an open case earlier, keeping their order (none passes as_at)."""
    for name in ("received_on", "decision_on", "draft_started_on"):
        if (day := getattr(case, name)) is not None:
            setattr(case, name, day - by)
    for advice in case.advice:
        advice.requested_on -= by
        advice.due_on -= by
        if advice.received_on is not None:
            advice.received_on -= by


def _showcase_case(as_at: dt.date) -> CaseSim:
    """The demo parent's child: a draft out for comments, sent four days ago."""
    received = as_at - dt.timedelta(weeks=17)
    decision = received + dt.timedelta(weeks=5)
    asked = decision + dt.timedelta(days=2)
    due = clock.due(clock.ADVICE, asked)
    advice = [
        AdviceSim(kind, asked, due, asked + dt.timedelta(days=30 + k))
        for k, kind in enumerate(("education", "health", "ep", "social_care"))
    ]
    return CaseSim(
        received_on=received,
        stage="consulting",
        decision_on=decision,
        assess=True,
        draft_started_on=asked + dt.timedelta(days=36),
        draft_issued_on=as_at - dt.timedelta(days=4),
        advice=advice,
    )


def _young_person_case(as_at: dt.date) -> CaseSim:
    """The demo young person's own case: their plan issued in the summer, on time."""
    received = as_at - dt.timedelta(weeks=30)
    decision = received + dt.timedelta(weeks=5)
    asked = decision + dt.timedelta(days=2)
    due = clock.due(clock.ADVICE, asked)
    advice = [
        AdviceSim(kind, asked, due, asked + dt.timedelta(days=25 + k))
        for k, kind in enumerate(("education", "health", "ep"))
    ]
    draft_issued = asked + dt.timedelta(days=45)
    return CaseSim(
        received_on=received,
        stage="final_issued",
        decision_on=decision,
        assess=True,
        draft_started_on=asked + dt.timedelta(days=35),
        draft_issued_on=draft_issued,
        comments_on=draft_issued + dt.timedelta(days=10),
        final_issued_on=received + dt.timedelta(weeks=19),
        advice=advice,
    )


def build_casework(cast: Cast, *, as_at: dt.date, seed: int, data_dir: Any) -> dict[str, int]:
    """Simulate and write the demo's casework; return counts by stage and of rows."""
    rng = np.random.default_rng([seed, 2026])
    published = read_published_casework(data_dir)
    cases = simulate(published, as_at=as_at, rng=rng)
    _match_learners(cases, cast, published, rng, as_at)
    _a_full_tray(cases, cast, as_at)
    child = _showcase_case(as_at)
    child.learner = cast.showcase.child
    cases.append(child)
    young = _young_person_case(as_at)
    young.learner = cast.showcase.young_person
    cases.append(young)
    counts = write_rows(cases, cast, as_at=as_at, rng=rng)
    counts.update(_write_story(cast, cases, as_at=as_at, seed=seed))
    return counts


def _write_story(cast: Cast, cases: list[CaseSim], *, as_at: dt.date, seed: int) -> dict[str, int]:
    """The plans held before the casework window, with their history, and what the cases
    carry: advice reports, the family's comments, consultations answered by the SENCO."""
    rng = np.random.default_rng([seed, 2027])
    with_cases = {c.learner for c in cases}
    counts = write_standing_plans(cast, with_cases=with_cases, as_at=as_at, rng=rng)
    counts.update(write_case_story(cast, as_at=as_at, rng=rng))
    return counts


__all__ = ["Cast", "build_casework", "reset_casework"]
