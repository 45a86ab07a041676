"""A SENCO answers a consultation from their home page: the list, the consultation, the
draft plan, the answer and its confirmation, by keyboard where it matters, with axe."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.casework.plans import services as plan_services

pytestmark = pytest.mark.browser


def test_a_senco_answers_a_consultation_from_home(site, cast, case_out_for_comments):
    case = case_out_for_comments
    plan_services.consultation_send(
        case_id=case.pk,
        setting_id=cast.setting.pk,
        sent_on=case.draft_issued_on + dt.timedelta(days=1),
        changed_by=cast.caseworker,
    )
    site.sign_in("senco")
    assert "1 waiting for your answer" in site.page.locator("main").inner_text()
    site.follow(site.page.get_by_role("main").get_by_role("link", name="Consultations"))
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Jamie Okonkwo-Test"))
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Read the draft plan"))
    assert site.page.locator("h1").inner_text() == "Education, health and care plan"
    site.page.go_back()
    # Submitting without an answer: the error summary, then the answer by keyboard.
    site.follow(site.page.get_by_role("button", name="Send your answer"))
    assert "Select whether your setting can meet the needs" in site.page.inner_text(
        ".govuk-error-summary"
    )
    site.assert_accessible()
    site.page.get_by_label("Can meet the needs").check()
    site.page.get_by_label("Your reasons").fill("We have a place in the autism base.")
    site.page.get_by_role("button", name="Send your answer").focus()
    site.press_and_wait("Enter")
    assert "Your answer has been sent to the council." in site.page.inner_text("main")
    site.assert_accessible()
