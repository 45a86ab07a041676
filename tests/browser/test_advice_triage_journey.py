"""Routing a request for advice in a real browser: the trust's triage person sees it on
their home page and assigns it; the colleague assigned sees it on theirs and writes the
advice; a colleague not assigned is told the page is not found. axe-core runs on every page
on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sendplan.accounts.models import Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Stage
from tests.casework.conftest import make_case
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def unassigned(cast):
    """Health advice asked of the cast's trust with nobody named, and its triage person."""
    received = dt.date.today() - dt.timedelta(days=60)
    case = make_case(cast, Stage.ASSESSING, received_on=received)
    trust = cast.learner.involvements.get(user=cast.health).organisation
    MembershipFactory(
        user=UserFactory(username="duty", first_name="Dana", last_name="Duty"),
        organisation=trust,
        role=Role.ADVICE_TRIAGE,
    )
    return advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=trust.pk,
        requested_on=received + dt.timedelta(days=45),
        changed_by=cast.caseworker,
    )


def test_triage_assigns_a_request_and_only_the_assignee_can_open_it(
    site, cast, unassigned, browser
):
    page = site.page
    main = page.locator("main")
    site.sign_in("duty")
    expect(main.locator("#role-advice_triage")).to_have_text("Unassigned advice requests")
    expect(main).to_contain_text("Jamie Okonkwo-Test")
    site.assert_accessible()

    # Assign it: nothing chosen first, then the colleague.
    site.follow(main.get_by_role("link", name="Assign medical and health advice for Jamie"))
    expect(page.locator("h1")).to_have_text("Assign medical and health advice")
    site.assert_accessible()
    site.follow(main.get_by_role("button", name="Assign"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select who should write this advice"
    )
    site.assert_accessible()
    page.get_by_label(cast.other_health.display_name).check()
    site.follow(main.get_by_role("button", name="Assign"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"assigned to {cast.other_health.display_name}"
    )
    expect(main).to_contain_text("There are no unassigned requests.")
    site.assert_accessible()

    # The assignee, in a browser of their own: on their home page, then writing it.
    assignee = type(site)(site.base, browser.new_context(locale="en-GB").new_page())
    assignee.sign_in("other-health")
    mine = assignee.page.locator("main")
    expect(mine.locator("#advice-to-write")).to_have_text("Advice requests for you")
    assignee.assert_accessible()
    assignee.follow(mine.get_by_role("link", name="Write advice medical and health advice"))
    expect(assignee.page.locator("h1")).to_have_text("Medical and health advice")
    assignee.page.get_by_label("Section C: health care needs").fill("Asthma; inhaler in class.")
    assignee.follow(mine.get_by_role("button", name="Save as draft"))
    expect(assignee.page.locator("#draft-saved")).to_contain_text("Draft saved by")
    assignee.assert_accessible()

    # A colleague at the trust who was not assigned: not found, and nothing about the child.
    other = type(site)(site.base, browser.new_context(locale="en-GB").new_page())
    other.sign_in("health")
    response = other.goto("casework:advice-detail", unassigned.pk)
    assert response.status == 404
    expect(other.page.locator("main")).not_to_contain_text("Jamie")
    other.assert_accessible()
