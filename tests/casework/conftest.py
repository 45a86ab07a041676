"""Builders that walk a case through the services to a given stage, on a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion, Section
from tests.factories import OrganisationFactory

REQUEST = dt.date(2025, 1, 6)  # a Monday; the 20-week day is 26 May 2025
DECISION = dt.date(2025, 2, 10)
ADVICE = dt.date(2025, 2, 11)
DRAFT = dt.date(2025, 4, 14)
FINAL = dt.date(2025, 5, 12)
TODAY = dt.date(2025, 6, 2)


def at(day: dt.date):
    """Freeze the clock at midday on ``day`` (London)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, 0), tick=False)


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


def fill_draft(version: PlanVersion, user) -> PlanVersion:
    """Give a draft the rows a draft needs (B, E, F) and a placement (I)."""
    need = plan_services.plan_need_save(
        version_id=version.pk,
        expected_lock=version.lock,
        changed_by=user,
        section=Section.B,
        text="Needs support with spoken language in class.",
    )
    version.refresh_from_db()
    outcome = plan_services.plan_outcome_save(
        version_id=version.pk,
        expected_lock=version.lock,
        changed_by=user,
        text="By the end of Year 7, Jamie will ask for help in class.",
        need_ids=[need.pk],
    )
    version.refresh_from_db()
    plan_services.plan_provision_save(
        version_id=version.pk,
        expected_lock=version.lock,
        changed_by=user,
        section=Section.F,
        what="Speech and language therapy",
        how_much="45 minutes",
        how_often="weekly in term time",
        delivered_by="Speech and language therapist",
        outcome_ids=[outcome.pk],
    )
    version.refresh_from_db()
    version = plan_services.plan_version_update(
        version_id=version.pk,
        expected_lock=version.lock,
        changed_by=user,
        placement_type="Special school",
        views="Jamie likes trains.",
    )
    return version


def make_case(cast, stage: str = Stage.REQUESTED, *, learner=None, received_on=REQUEST) -> Case:
    """A case for ``learner`` (default: the cast's learner) taken to ``stage`` by the services."""
    user = cast.caseworker
    learner = learner or cast.learner
    shift = received_on - REQUEST
    case = case_services.request_record(
        learner_id=learner.pk,
        received_on=received_on,
        source=Case.Source.PARENT,
        requested_by="Mother",
        caseworker=user,
        changed_by=user,
    )
    if stage == Stage.REQUESTED:
        return case
    if stage == Stage.NOT_ASSESSING:
        return case_services.assessment_decide(
            case_id=case.pk,
            assess=False,
            decided_on=DECISION + shift,
            reasons="Needs met",
            rights_given=True,
            changed_by=user,
        )
    case_services.assessment_decide(
        case_id=case.pk,
        assess=True,
        decided_on=DECISION + shift,
        reasons="May need a plan",
        changed_by=user,
    )
    if stage == Stage.ASSESSING:
        return Case.objects.get(pk=case.pk)
    version = plan_services.plan_draft_start(case_id=case.pk, changed_by=user)
    fill_draft(version, user)
    if stage == Stage.DRAFTING:
        return Case.objects.get(pk=case.pk)
    plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT + shift, changed_by=user)
    if stage == Stage.CONSULTING:
        return Case.objects.get(pk=case.pk)
    version.refresh_from_db()
    plan_services.plan_issue(
        version_id=version.pk, expected_lock=version.lock, issued_on=FINAL + shift, changed_by=user
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def health_org(cast):
    return cast.learner.involvements.get(user=cast.health).organisation


@pytest.fixture
def social_care_org():
    return OrganisationFactory(name="Children's social care (test)")
