"""The EHC process as one table (``casework.steps``): every step and stage is complete, the
family's page is written from it, and its counts come from the engine's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import get_template
from django.urls import reverse

from sendplan.casework import clock
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.steps import (
    CASE_PAGE_STEPS,
    FAMILY_PROGRESS,
    FAMILY_STAGES,
    STEPS,
    case_timeline,
    family_timeline,
    offered_steps,
)
from tests.casework.conftest import DECISION, DRAFT, REQUEST, at, make_case

pytestmark = pytest.mark.django_db


def test_every_step_has_a_unique_slug_and_every_case_page_step_a_service_or_a_plan_page():
    slugs = [step.slug for step in STEPS]
    assert len(slugs) == len(set(slugs))
    assert CASE_PAGE_STEPS
    for step in CASE_PAGE_STEPS.values():
        # One or the other: a step taken on the plan's pages is never run by the case's route.
        assert (step.run is None) == bool(step.plan_page), step.slug
        assert step.stages <= set(Stage.values), step.slug
    assert {s.slug for s in CASE_PAGE_STEPS.values() if s.plan_page} == {"issue-final"}


def test_every_stage_has_the_familys_words_in_a_template_that_exists():
    assert set(FAMILY_STAGES) == set(Stage.values)
    for stage in FAMILY_STAGES.values():
        get_template(f"casework/family/stages/{stage.template}.html")
        assert stage.now is not None or 0 < stage.reached <= len(FAMILY_PROGRESS)


def test_a_new_request_offers_only_the_decision_and_the_steps_open_to_any_open_case(cast):
    with at(REQUEST):
        case = make_case(cast, Stage.REQUESTED)
    offered = {step.slug for step in offered_steps(case)}
    assert offered == {"decide-assessment", "exception", "withdraw"}


def test_the_timeline_reads_each_step_newest_first(cast):
    with at(DRAFT):
        case = make_case(cast, Stage.CONSULTING)
    titles = [event.title for event in case_timeline(Case.objects.get(pk=case.pk))]
    assert titles == [
        "Draft plan sent for comments",
        "Decided to assess",
        "Request for an EHC needs assessment received",
    ]


def test_the_family_timeline_has_plain_words_and_no_professional_detail(cast):
    with at(DECISION):
        case = make_case(cast, Stage.NOT_ASSESSING)
    events = family_timeline(Case.objects.get(pk=case.pk))
    assert [e.family for e in events] == [
        "The council decided not to carry out an assessment",
        "We received the request for an EHC needs assessment",
    ]
    with at(DECISION + dt.timedelta(days=1)):
        page = cast.client_for(cast.parent).get(reverse("casework:family-case", args=[case.pk]))
    html = page.content.decode()
    assert "What has happened so far" in html
    assert "10 February 2025</strong>: The council decided not to carry out an assessment." in html
    # The reasons and who asked are for the professionals' timeline, not this list.
    assert "Needs met" not in html
    assert "Mother" not in html


def test_a_lawful_exception_is_told_to_the_family_without_its_legal_reference(cast):
    with at(REQUEST + dt.timedelta(days=3)):
        case = make_case(cast, Stage.REQUESTED)
        case_services.exception_record(
            case_id=case.pk,
            key="reg10_4_d",
            starts_on=REQUEST + dt.timedelta(days=2),
            ends_on=None,
            reason="Family abroad for six weeks",
            evidence="Letter",
            advice_request_id=None,
            changed_by=cast.caseworker,
        )
        page = cast.client_for(cast.parent).get(reverse("casework:family-case", args=[case.pk]))
    html = page.content.decode()
    assert "A time limit does not apply for a reason the law allows." in html
    assert "Reg 10(4)" not in html
    assert "Family abroad" not in html


def test_the_assessment_week_counts_to_the_engines_limit(cast):
    weeks = clock.RULES[clock.FINAL_PLAN].length.amount
    with at(DECISION + dt.timedelta(days=7)):
        case = make_case(cast, Stage.ASSESSING)
        page = cast.client_for(cast.parent).get(reverse("casework:family-case", args=[case.pk]))
    assert f"(week 7 of {weeks})." in page.content.decode()


def test_the_comment_period_is_the_engines(cast):
    comment_period = clock.RULES[clock.DRAFT_COMMENTS].length.describe()
    with at(DRAFT):
        case = make_case(cast, Stage.DRAFTING)
        page = cast.client_for(cast.parent).get(reverse("casework:family-case", args=[case.pk]))
    assert f"You will have {comment_period} to comment on it." in page.content.decode()
