"""Email notices: sent by the wrapper services after the change commits, to the right people,
useful without signing in, and with no names, needs or diagnoses in them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from sendplan.accounts.models import Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion
from tests.casework_pages.portal_builders import (
    ADVICE,
    DECISION,
    DRAFT,
    FINAL,
    at,
    health_org,
    make_case,
    young_person_case,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OPENING = (
    "There is an update about an education, health and care plan. Sign in to SENDplan to see it."
)


def assert_nothing_sensitive(message, cast) -> None:
    text = f"{message.subject}\n{message.body}"
    for secret in ("Jamie", "Okonkwo", "ASD", "SLCN", "autis", "F820200109001", "Speech"):
        assert secret.lower() not in text.lower()


def test_advice_request_emails_the_named_practitioner_with_the_due_date(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with at(ADVICE):
        case = make_case(cast, Stage.ASSESSING)
        with django_capture_on_commit_callbacks(execute=True):
            advice_services.advice_request(
                case_id=case.pk,
                kind=AdviceRequest.Kind.HEALTH,
                organisation_id=health_org(cast).pk,
                requested_on=ADVICE,
                practitioner=cast.health,
                changed_by=cast.caseworker,
            )
    assert [m.to for m in mailoutbox] == [[cast.health.email]]
    message = mailoutbox[0]
    assert message.body.startswith(OPENING)
    assert "Please send your advice by: Tuesday 25 March 2025." in message.body
    assert f"Reference: {case.pk}" in message.body
    assert_nothing_sensitive(message, cast)


def test_advice_request_to_a_team_emails_each_triage_member_separately(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    desks = [
        MembershipFactory(
            user=UserFactory(username=name), organisation=health_org(cast), role=Role.ADVICE_TRIAGE
        ).user
        for name in ("duty-a", "duty-b")
    ]
    with at(ADVICE):
        case = make_case(cast, Stage.ASSESSING)
        with django_capture_on_commit_callbacks(execute=True):
            advice_services.advice_request(
                case_id=case.pk,
                kind=AdviceRequest.Kind.HEALTH,
                organisation_id=health_org(cast).pk,
                requested_on=ADVICE,
                changed_by=cast.caseworker,
            )
    # Those who assign it, each alone; not every practitioner at the trust.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(d.email for d in desks)
    assert all(len(m.to) == 1 for m in mailoutbox)


def test_assigning_a_request_emails_the_assignee_only(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    desk = MembershipFactory(
        user=UserFactory(username="duty"), organisation=health_org(cast), role=Role.ADVICE_TRIAGE
    ).user
    with at(ADVICE):
        case = make_case(cast, Stage.ASSESSING)
        advice = advice_services.advice_request(
            case_id=case.pk,
            kind=AdviceRequest.Kind.HEALTH,
            organisation_id=health_org(cast).pk,
            requested_on=ADVICE,
            changed_by=cast.caseworker,
        )
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            advice_services.advice_assign(
                advice_request_id=advice.pk, assignee=cast.other_health, assigned_by=desk
            )
    assert [m.to for m in mailoutbox] == [[cast.other_health.email]]
    assert "has been assigned to you" in mailoutbox[0].body
    assert "Please send your advice by: Tuesday 25 March 2025." in mailoutbox[0].body
    assert_nothing_sensitive(mailoutbox[0], cast)


def test_decision_to_assess_emails_the_parent_with_the_final_plan_date(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with at(DECISION):
        case = make_case(cast, Stage.REQUESTED)
        with django_capture_on_commit_callbacks(execute=True):
            case_services.assessment_decide(
                case_id=case.pk,
                assess=True,
                decided_on=DECISION,
                reasons="May need a plan",
                changed_by=cast.caseworker,
            )
    assert [m.to for m in mailoutbox] == [[cast.parent.email]]
    assert "Monday 26 May 2025" in mailoutbox[0].body
    assert_nothing_sensitive(mailoutbox[0], cast)


def test_refusal_email_gives_the_last_day_to_appeal(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with at(DECISION):
        case = make_case(cast, Stage.REQUESTED)
        with django_capture_on_commit_callbacks(execute=True):
            case_services.assessment_decide(
                case_id=case.pk,
                assess=False,
                decided_on=DECISION,
                reasons="Needs met in school",
                rights_given=True,
                changed_by=cast.caseworker,
            )
    body = mailoutbox[0].body
    assert "If you disagree, the last day to appeal is: Thursday 10 April 2025." in body
    assert "Needs met" not in body


def test_draft_issue_emails_the_family_the_last_day_for_comments(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with at(DRAFT):
        case = make_case(cast, Stage.DRAFTING)
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
    assert [m.to for m in mailoutbox] == [[cast.parent.email]]
    assert "Please send your comments by: Tuesday 29 April 2025." in mailoutbox[0].body
    assert_nothing_sensitive(mailoutbox[0], cast)


def test_final_plan_emails_the_family(cast, mailoutbox, django_capture_on_commit_callbacks):
    with at(FINAL):
        case = make_case(cast, Stage.CONSULTING)
        version = PlanVersion.objects.get(plan__case=case)
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.plan_issue(
                version_id=version.pk,
                expected_lock=version.lock,
                issued_on=FINAL,
                changed_by=cast.caseworker,
            )
    assert [m.to for m in mailoutbox] == [[cast.parent.email]]
    assert "The final EHC plan has been issued." in mailoutbox[0].body
    assert "Saturday 12 July 2025" in mailoutbox[0].body
    # The link leads to the plan itself once signed in, by its number only.
    plan_page = reverse("casework:plan", args=[version.plan_id])
    assert f"/account/sign-in/?{urlencode({'next': plan_page})}" in mailoutbox[0].body


def test_from_16_the_young_person_is_told_and_not_the_parent(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with at(DRAFT):
        case, young, parent = young_person_case(cast, Stage.DRAFTING)
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
    assert [m.to for m in mailoutbox] == [[young.email]]


def test_a_refused_change_sends_nothing(cast, mailoutbox, django_capture_on_commit_callbacks):
    with at(DRAFT):
        case = make_case(cast, Stage.ASSESSING)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused):
            plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
    assert mailoutbox == []
