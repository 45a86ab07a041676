"""Requests for advice addressed to an organisation: its triage role assigns each to a
colleague; only the person named or assigned sees it, while they work there (ADR 0122)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sendplan.accounts.models import Membership, Organisation, Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.errors import TransitionRefused
from sendplan.learners.models import AuditEvent
from tests.casework_pages.portal_builders import ADVICE, advice_for, at, health_org
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LIST = reverse("casework:advice-list")
DAY = ADVICE + dt.timedelta(days=1)  # the request arrived yesterday
YESTERDAY = DAY - dt.timedelta(days=1)
TOMORROW = DAY + dt.timedelta(days=1)


def detail(advice: AdviceRequest) -> str:
    return reverse("casework:advice-detail", args=[advice.pk])


def assign_url(advice: AdviceRequest) -> str:
    return reverse("casework:advice-assign", args=[advice.pk])


def duty(cast, organisation: Organisation | None = None, **membership):
    """A colleague in the triage role at the cast's health trust (or ``organisation``)."""
    return MembershipFactory(
        user=UserFactory(username="duty", first_name="Dana", last_name="Duty"),
        organisation=organisation or health_org(cast),
        role=Role.ADVICE_TRIAGE,
        **membership,
    ).user


@pytest.fixture
def unnamed(cast):
    """A request to the trust with nobody named, made the day before DAY."""
    with at(ADVICE):
        return advice_for(cast, named=False)


def assign(advice, *, to, by):
    return advice_services.advice_assign(advice_request_id=advice.pk, assignee=to, assigned_by=by)


# Nobody at the organisation sees a request they do not answer.


def test_colleague_at_the_trust_gets_404_on_an_unassigned_request(cast, unnamed):
    with at(DAY):
        response = cast.client_for(cast.other_health).get(detail(unnamed))
    assert response.status_code == 404
    assert "Jamie" not in response.content.decode()


def test_unassigned_request_is_in_no_colleagues_list_or_home_page(cast, unnamed):
    with at(DAY):
        listed = cast.client_for(cast.other_health).get(LIST)
        home = cast.client_for(cast.health).get(HOME)
    assert listed.context["page_obj"].paginator.count == 0
    assert "Okonkwo-Test" not in home.content.decode()


def test_triage_person_cannot_open_the_advice_page_itself(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        assert cast.client_for(desk).get(detail(unnamed)).status_code == 404


# The triage role: the queue on the home page, and assigning.


def test_triage_person_sees_unassigned_requests_on_their_home_page(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        response = cast.client_for(desk).get(HOME)
    page = response.content.decode()
    assert "Unassigned advice requests" in page
    assert "Jamie Okonkwo-Test" in page
    assert assign_url(unnamed) in page
    event = AuditEvent.objects.get(user=desk, action=AuditEvent.Action.LIST)
    assert event.detail == "home page advice, 0 to write, 1 to assign"


def test_assigned_colleague_sees_it_on_their_home_page_and_writes_the_advice(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        form = cast.client_for(desk).get(assign_url(unnamed))
        assert form.status_code == 200
        choices = [label for _, label in form.context["form"].fields["assignee"].choices]
        assert choices == [cast.health.display_name, cast.other_health.display_name]
        response = cast.client_for(desk).post(
            assign_url(unnamed), {"assignee": cast.other_health.pk}
        )
        assert response.status_code == 302 and response.url == HOME
        colleague = cast.client_for(cast.other_health)
        home = colleague.get(HOME).content.decode()
        page = colleague.get(detail(unnamed))
        lock = AdviceRequest.objects.get(pk=unnamed.pk).lock
        sent = colleague.post(
            detail(unnamed), {"section_C": "Asthma.", "action": "save", "lock": lock}
        )
        queue = cast.client_for(desk).get(HOME).content.decode()
        others = cast.client_for(cast.health).get(detail(unnamed))
    assert "Advice requests for you" in home and detail(unnamed) in home
    assert page.status_code == 200 and page.context["can_submit"] is True
    assert sent.status_code == 302
    assert AdviceRequest.objects.get(pk=unnamed.pk).draft_saved_by == cast.other_health
    assert "There are no unassigned requests." in queue
    assert others.status_code == 404  # the colleague not assigned
    advice = AdviceRequest.objects.get(pk=unnamed.pk)
    assert (advice.assigned_to, advice.assigned_on, advice.assigned_by) == (
        cast.other_health,
        DAY,
        desk,
    )
    assert advice.history.first().assigned_to_id == cast.other_health.pk


def test_assigning_with_nobody_chosen_says_so_and_changes_nothing(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        response = cast.client_for(desk).post(assign_url(unnamed), {})
    assert response.status_code == 200
    assert response.context["errors"] == [
        {"href": "#assignee", "text": "Select who should write this advice"}
    ]
    assert AdviceRequest.objects.get(pk=unnamed.pk).assigned_to is None


def test_an_assigned_request_is_404_on_the_assign_page(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        assign(unnamed, to=cast.health, by=desk)
        assert cast.client_for(desk).get(assign_url(unnamed)).status_code == 404


def test_triage_at_another_organisation_gets_404(cast, unnamed):
    elsewhere = duty(cast, OrganisationFactory(name="Other Trust", kind=Organisation.Kind.HEALTH))
    with at(DAY):
        assert cast.client_for(elsewhere).get(assign_url(unnamed)).status_code == 404
        with pytest.raises(PermissionDenied):
            assign(unnamed, to=cast.health, by=elsewhere)


def test_assign_page_is_403_without_the_triage_role(cast, unnamed):
    with at(DAY):
        assert cast.client_for(cast.health).get(assign_url(unnamed)).status_code == 403


def test_assign_page_wrong_method_is_405(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        assert cast.client_for(desk).put(assign_url(unnamed)).status_code == 405


def test_a_request_already_with_someone_is_not_assigned_again(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        assign(unnamed, to=cast.other_health, by=desk)
        with pytest.raises(
            TransitionRefused, match=f"already with {cast.other_health.display_name}"
        ):
            assign(unnamed, to=cast.health, by=desk)
        listed = cast.client_for(cast.other_health).get(LIST).content.decode()
    assert "Assigned to you" in listed
    assert AdviceRequest.objects.get(pk=unnamed.pk).assigned_to == cast.other_health


def test_triage_role_that_ended_yesterday_sees_no_queue(cast, unnamed):
    desk = duty(cast, ended_on=YESTERDAY)
    with at(DAY):
        page = cast.client_for(desk).get(HOME)
        with pytest.raises(PermissionDenied):
            assign(unnamed, to=cast.health, by=desk)
    assert "Okonkwo-Test" not in page.content.decode()


# The relationship's edges: who may be assigned, and who keeps access.


def _colleague(cast, **membership):
    return MembershipFactory(
        user=UserFactory(username="colleague"),
        organisation=health_org(cast),
        role=Role.HEALTH,
        **membership,
    ).user


@pytest.mark.parametrize(
    "membership",
    [{"ended_on": YESTERDAY}, {"started_on": TOMORROW}],
    ids=["ended-yesterday", "starts-tomorrow"],
)
def test_assignment_needs_a_membership_open_today(cast, unnamed, membership):
    desk = duty(cast)
    colleague = _colleague(cast, **membership)
    with at(DAY), pytest.raises(ValidationError) as refused:
        assign(unnamed, to=colleague, by=desk)
    assert refused.value.message_dict["assignee"] == [
        "Choose someone who works for Test NHS Trust now"
    ]
    assert AdviceRequest.objects.get(pk=unnamed.pk).assigned_to is None


def test_membership_that_ends_today_still_counts(cast, unnamed):
    desk = duty(cast)
    colleague = _colleague(cast, ended_on=DAY)
    with at(DAY):
        assert assign(unnamed, to=colleague, by=desk).assigned_to == colleague


def test_someone_at_another_organisation_cannot_be_assigned(cast, unnamed):
    desk = duty(cast)
    with at(DAY), pytest.raises(ValidationError):
        assign(unnamed, to=cast.senco, by=desk)


def test_a_colleague_who_only_triages_cannot_be_assigned(cast, unnamed):
    desk = duty(cast)
    with at(DAY), pytest.raises(ValidationError):
        assign(unnamed, to=desk, by=desk)


def test_assignee_who_moves_to_another_organisation_loses_access(cast, unnamed):
    desk = duty(cast)
    with at(DAY):
        assign(unnamed, to=cast.other_health, by=desk)
    Membership.objects.filter(user=cast.other_health).update(ended_on=DAY)
    MembershipFactory(
        user=cast.other_health,
        organisation=OrganisationFactory(name="New Trust", kind=Organisation.Kind.HEALTH),
        role=Role.HEALTH,
        started_on=DAY + dt.timedelta(days=1),
    )
    later = DAY + dt.timedelta(days=1)
    with at(later):
        colleague = cast.client_for(cast.other_health)
        page = colleague.get(detail(unnamed))
        listed = colleague.get(LIST)
        queue = cast.client_for(desk).get(HOME).content.decode()
        with pytest.raises(PermissionDenied):
            advice_services.advice_draft_save(
                advice_request_id=unnamed.pk, changed_by=cast.other_health, sections={"C": "x"}
            )
    assert page.status_code == 404
    assert listed.context["page_obj"].paginator.count == 0
    # Back with the triage role, to assign again.
    assert assign_url(unnamed) in queue
    with at(later):
        assert assign(unnamed, to=cast.health, by=desk).assigned_to == cast.health


def test_named_practitioner_who_has_left_returns_the_request_to_triage(cast):
    desk = duty(cast)
    with at(ADVICE):
        named = advice_for(cast)
    Membership.objects.filter(user=cast.health).update(ended_on=YESTERDAY)
    MembershipFactory(
        user=cast.health,
        organisation=OrganisationFactory(name="New Trust", kind=Organisation.Kind.HEALTH),
        role=Role.HEALTH,
        started_on=DAY,
    )
    with at(DAY):
        queue = cast.client_for(desk).get(HOME).content.decode()
        page = cast.client_for(cast.health).get(detail(named))
    assert assign_url(named) in queue
    assert page.status_code == 404


# Nothing is lost when nobody at the organisation triages.


def test_request_to_an_organisation_without_triage_still_reaches_the_la(cast, unnamed):
    with at(DAY):
        page = cast.client_for(cast.caseworker).get(detail(unnamed))
    assert page.status_code == 200 and page.context["can_submit"] is False
