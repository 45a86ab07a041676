"""A practitioner writes advice in a real browser: save as draft, come back, continue to
check their answers, change one, then send. axe-core runs on every page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Stage
from tests.casework.conftest import make_case

pytestmark = pytest.mark.browser


@pytest.fixture
def advice(cast):
    """Health advice asked of the cast's practitioner, on a case being assessed."""
    received = dt.date.today() - dt.timedelta(days=60)
    case = make_case(cast, Stage.ASSESSING, received_on=received)
    health_org = cast.learner.involvements.get(user=cast.health).organisation
    return advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        requested_on=received + dt.timedelta(days=45),
        practitioner=cast.health,
        changed_by=cast.caseworker,
    )


def test_practitioner_saves_a_draft_checks_it_and_sends_it(site, advice):
    page = site.page
    main = page.locator("main")
    site.sign_in("health")
    site.goto("casework:advice-detail", advice.pk)
    site.assert_accessible()

    # Continue with nothing written: the error summary, as before.
    site.follow(main.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Write your advice in at least one section"
    )
    site.assert_accessible()

    # Save an unfinished draft and come back to it.
    page.get_by_label("Section C: health care needs").fill("Asthma; inhaler kept in class.")
    site.follow(main.get_by_role("button", name="Save as draft"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    expect(page.locator("#draft-saved")).to_contain_text("Draft saved by")
    site.assert_accessible()
    site.goto("casework:advice-list")
    site.goto("casework:advice-detail", advice.pk)
    expect(page.get_by_label("Section C: health care needs")).to_have_value(
        "Asthma; inhaler kept in class."
    )

    # Continue to check the answers.
    site.follow(main.get_by_role("button", name="Continue"))
    expect(page.locator("h1")).to_have_text("Check your answers before sending your advice")
    expect(page.locator("#check-answers")).to_contain_text("Asthma; inhaler kept in class.")
    site.assert_accessible()

    # Change section G, which was left empty, and continue again.
    site.follow(main.get_by_role("link", name=re.compile("Change section G")))
    assert page.url.endswith("#section_G")
    page.get_by_label("Section G: health care provision").fill("School nurse, termly.")
    site.follow(main.get_by_role("button", name="Continue"))
    expect(page.locator("#check-answers")).to_contain_text("School nurse, termly.")

    site.follow(main.get_by_role("button", name="Send advice"))
    expect(page.locator("h1")).to_have_text("Advice sent")
    site.assert_accessible()
    assert dict(AdviceSection.objects.values_list("section", "text")) == {
        "C": "Asthma; inhaler kept in class.",
        "G": "School nurse, termly.",
    }
    assert AdviceRequest.objects.get(pk=advice.pk).draft is None
