"""The proposal page: works, outsider 404, not a deciding officer 403, wrong method 405."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.core.tasks import run_claim
from sendplan.learners.models import AuditEvent, Placement
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.provision.models import ProvisionStrand
from tests.factories import MembershipFactory, UserFactory
from tests.planning.conftest import PLANNING_DATE, plans_naming_their_places

ACCEPT = {
    "decision": "accept",
    "reason": "",
    "starts_on_day": "1",
    "starts_on_month": "9",
    "starts_on_year": "2027",
}


def _done_run(cast, la=None) -> PlanningRun:
    run = planning_run_request(
        la=la or cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    run_claim(run=run)
    return planning_run_execute(run)


def _url(proposal: Proposal) -> str:
    return reverse("planning:proposal", args=[proposal.run_id, proposal.pk])


@pytest.fixture
def proposal(cast, area) -> Proposal:
    plans_naming_their_places()
    return _done_run(cast).proposals.get(placed=True)


def test_proposal_page_shows_the_proposal_placement_now_and_cost_difference(cast, proposal):
    response = cast.client_for(cast.caseworker).get(_url(proposal))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Oak Secondary" in content
    assert proposal.current_setting_name and proposal.current_setting_name in content
    difference = abs(proposal.proposed_cost - proposal.current_cost)
    assert f"£{difference:,} a year" in content
    assert 'name="starts_on_day"' in content and 'class="govuk-date-input"' in content
    assert 'type="radio" value="accept"' in content and 'value="reject"' in content
    assert proposal.learner.family_name not in content


def test_reading_a_proposal_is_audited_as_a_read_of_the_record(cast, proposal):
    cast.client_for(cast.caseworker).get(_url(proposal))
    event = AuditEvent.objects.get()
    assert (event.action, event.learner_id) == (AuditEvent.Action.VIEW_RECORD, proposal.learner_id)


def test_run_page_links_each_proposal_to_its_decision_page(cast, proposal):
    response = cast.client_for(cast.la_colleague).get(
        reverse("planning:run", args=[proposal.run_id])
    )
    assert _url(proposal).encode() in response.content
    assert response.content.count(b">Decide<") == 3


def test_accepting_returns_to_the_run_with_a_banner_and_proposes_an_amendment(cast, proposal):
    client = cast.client_for(cast.caseworker)
    before = Placement.objects.get(learner=proposal.learner, ended_on__isnull=True)
    response = client.post(_url(proposal), ACCEPT, follow=True)
    assert response.redirect_chain == [(reverse("planning:run", args=[proposal.run_id]), 302)]
    content = response.content.decode()
    assert "govuk-notification-banner--success" in content
    assert "an amendment of their plan naming Oak Secondary from 1 September 2027" in content
    assert Placement.objects.get(learner=proposal.learner, ended_on__isnull=True) == before
    proposal.refresh_from_db()
    assert proposal.decision == Proposal.Decision.ACCEPTED
    assert proposal.amendment.placement_strand_id == proposal.proposed_strand_id
    page = client.get(_url(proposal)).content.decode()
    assert "proposed as an amendment of the plan, not yet sent to the family" in page


def test_rejecting_returns_to_the_run_and_the_page_then_shows_the_decision(cast, proposal):
    client = cast.client_for(cast.la_colleague)
    response = client.post(_url(proposal), {"decision": "reject", "reason": "Family prefer Elm"})
    assert response.status_code == 302
    page = client.get(_url(proposal)).content.decode()
    assert "Rejected" in page and "Family prefer Elm" in page
    assert 'name="decision"' not in page


def test_missing_answers_are_shown_with_the_input_kept(cast, proposal):
    response = cast.client_for(cast.caseworker).post(
        _url(proposal), {"decision": "reject", "reason": "", "starts_on_day": "31"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert 'href="#reason"' in content and "Enter the reason for rejecting" in content
    assert 'value="reject" checked' in content
    assert 'name="starts_on_day" type="text" inputmode="numeric" value="31"' in content
    assert proposal.learner.placements.count() == 1


def test_accepting_without_a_real_date_highlights_the_date(cast, proposal):
    response = cast.client_for(cast.caseworker).post(
        _url(proposal), {**ACCEPT, "starts_on_month": "13", "reason": "Agreed at review"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "must be a real date" in content and 'href="#starts_on_day"' in content
    assert "Agreed at review</textarea>" in content


def test_a_refused_decision_is_explained_on_the_form(cast, area, proposal):
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=area.oak.capacity)
    response = cast.client_for(cast.caseworker).post(_url(proposal), ACCEPT)
    assert response.status_code == 409
    assert b"has no vacancy left now" in response.content
    assert b'href="#decision"' in response.content
    assert Placement.objects.filter(learner=proposal.learner).count() == 1


def test_a_proposal_of_another_las_run_is_not_found(cast, area):
    theirs = _done_run(cast, la=cast.other_la)
    other = Proposal.objects.create(
        run=theirs,
        learner=cast.other_learner,
        need="ASD",
        age=11,
        phase="secondary",
        reason_in_cohort="requested",
        placed=False,
        proposed_cost=60_000,
    )
    client = cast.client_for(cast.caseworker)
    assert client.get(_url(other)).status_code == 404
    assert client.post(_url(other), ACCEPT).status_code == 404


def test_a_proposal_asked_for_under_another_run_is_not_found(cast, proposal):
    other_run = _done_run(cast)
    url = reverse("planning:proposal", args=[other_run.pk, proposal.pk])
    assert cast.client_for(cast.caseworker).get(url).status_code == 404


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_proposal_page_is_for_la_staff_only(cast, proposal, who):
    client = cast.client_for(getattr(cast, who))
    assert client.get(_url(proposal)).status_code == 403
    assert client.post(_url(proposal), ACCEPT).status_code == 403
    assert Placement.objects.filter(learner=proposal.learner).count() == 1


def test_an_la_administrator_may_not_decide(cast, proposal):
    admin = MembershipFactory(
        user=UserFactory(username="la-admin"), organisation=cast.la, role=Role.ADMIN
    ).user
    assert cast.client_for(admin).post(_url(proposal), ACCEPT).status_code == 403
    proposal.refresh_from_db()
    assert proposal.decision == ""


@pytest.mark.parametrize("method", ["put", "delete"])
def test_proposal_page_refuses_other_methods(cast, proposal, method):
    response = getattr(cast.client_for(cast.caseworker), method)(_url(proposal))
    assert response.status_code == 405


def test_dates_are_kept_as_typed_after_a_refusal(cast, proposal):
    response = cast.client_for(cast.caseworker).post(
        _url(proposal), {**ACCEPT, "starts_on_year": "2020"}
    )
    assert response.status_code == 409
    assert b"must start after the current one started" in response.content
    assert b'value="2020"' in response.content
    assert proposal.learner.placements.get().ended_on is None
    assert dt.date(2020, 9, 1) not in proposal.learner.placements.values_list(
        "started_on", flat=True
    )


def test_export_shows_the_decision_but_not_its_reason(cast, proposal):
    client = cast.client_for(cast.la_colleague)
    client.post(_url(proposal), {"decision": "reject", "reason": "Sibling at Elm"})
    response = client.get(reverse("planning:export-csv", args=[proposal.run_id]))
    text = response.content.decode("utf-8-sig")
    assert "proposed; rejected" in text
    assert "Sibling at Elm" not in text
