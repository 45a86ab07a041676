"""The front door, walked in a browser: a parent asks for an assessment for a child the
council does not know, from their home page, by keyboard, with evidence attached; the
caseworker confirms the provisional record from the work tray after the duplicate check; and
a SENCO asks for a child at their school. axe on each page, at a phone's width and a
desktop's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sendplan.casework.case.models import Stage
from sendplan.casework.intake.models import AssessmentRequest
from tests.browser.conftest import (
    check_page,
    continue_by_keyboard,
    tab_to_field,
    tab_to_text,
    type_into,
)
from tests.documents.files import PDF
from tests.factories import LearnerFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_a_parent_asks_for_a_new_child_and_the_caseworker_confirms_it(site, cast, council, width):
    # A learner on record with the same last name and birthday: the duplicate check shows
    # them, and the caseworker decides this is another child.
    namesake = LearnerFactory(
        given_name="Zara",
        family_name="Khan-Test",
        date_of_birth=dt.date(2016, 3, 4),
        responsible_la=cast.la,
    )
    page = site.page
    page.set_viewport_size({"width": width, "height": 900})
    site.sign_in("parent")
    check_page(site, width)
    tab_to_text(site, "Ask for an education, health and care (EHC) needs assessment")
    site.press_and_wait("Enter")
    assert (
        "Ask for an education, health and care (EHC) needs assessment"
        in page.locator("h1").inner_text()
    )
    check_page(site, width)
    tab_to_text(site, "Start now")
    site.press_and_wait("Enter")

    # Who: one of the parent's children, or a child not listed.
    assert page.locator("h1").inner_text() == "Who is the request for?"
    check_page(site, width)
    tab_to_field(site, "child")
    page.keyboard.press("ArrowDown")  # from Jamie to "A child not listed here"
    assert page.get_by_label("A child not listed here").is_checked()
    continue_by_keyboard(site)

    # The child's details, with a mistake shown in the error summary first.
    assert page.locator("h1").inner_text() == "About the child"
    check_page(site, width)
    type_into(site, "family_name", "Khan-Test")
    continue_by_keyboard(site)
    assert page.locator(".govuk-error-summary").is_visible()
    check_page(site, width)
    assert page.locator("input[name=family_name]").input_value() == "Khan-Test"
    type_into(site, "given_name", "Amira")
    type_into(site, "date_of_birth_day", "4")
    type_into(site, "date_of_birth_month", "3")
    type_into(site, "date_of_birth_year", "2016")
    type_into(site, "postcode", "SE1 7PB")
    type_into(site, "school", "Riverside Primary")
    continue_by_keyboard(site)

    assert page.locator("h1").inner_text() == "Why are you asking for an assessment?"
    check_page(site, width)
    type_into(site, "needs", "She is not talking yet and cannot settle at nursery.")
    continue_by_keyboard(site)
    assert page.locator("h1").inner_text() == "What support has been tried so far? (optional)"
    check_page(site, width)
    type_into(site, "tried", "Help from the nursery's SENCO since September.")
    continue_by_keyboard(site)

    # Evidence: choosing a file needs the system's file dialog, so the test sets it; the
    # rest is by keyboard.
    assert page.locator("h1").inner_text() == "Add evidence (optional)"
    check_page(site, width)
    page.locator("#upload").set_input_files(
        {"name": "nursery-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    tab_to_text(site, "Add file")
    site.press_and_wait("Enter")
    assert page.get_by_text("nursery-report.pdf added").is_visible()
    check_page(site, width)
    continue_by_keyboard(site)

    # Check your answers, with a change that comes back here.
    assert page.locator("h1").inner_text() == "Check your answers before sending your request"
    check_page(site, width)
    answers = page.locator("#answers").inner_text()
    for typed in ("Amira Khan-Test", "4 March 2016", "SE1 7PB", "nursery-report.pdf"):
        assert typed in answers
    tab_to_text(site, "Change support tried so far")
    site.press_and_wait("Enter")
    assert page.locator("textarea[name=tried]").input_value().startswith("Help from")
    continue_by_keyboard(site)
    assert page.locator("h1").inner_text() == "Check your answers before sending your request"
    tab_to_text(site, "Send request")
    site.press_and_wait("Enter")

    # The confirmation, with the reference and what happens next.
    assert page.locator("h1").inner_text() == "Request sent"
    check_page(site, width)
    reference = page.locator("#reference").inner_text()
    sent = AssessmentRequest.objects.get()
    assert reference == sent.reference
    today = timezone.localdate()
    assert sent.case.received_on == today
    assert "within 6 weeks" in page.locator("main").inner_text()

    # The caseworker confirms the provisional record from the work tray.
    site.follow(page.get_by_role("button", name="Sign out"))
    page.set_viewport_size({"width": 1280, "height": 900})
    site.sign_in("caseworker")
    site.follow(page.get_by_role("link", name="Work tray"))
    tray = page.locator("#to-confirm").locator("..")
    assert "New child" in tray.inner_text()
    site.assert_accessible()
    # The link's hidden words (the reference) follow the name as a block of their own.
    confirm = re.compile(rf"^Amira Khan-Test\s*: confirm request {reference}$")
    site.follow(page.get_by_role("link", name=confirm))
    assert page.locator("h1").inner_text() == "Confirm the child's record"
    site.assert_accessible()
    duplicates = page.get_by_role("region", name="Possible matches").inner_text()
    assert "Zara Khan-Test" in duplicates
    assert "Same date of birth" in duplicates and "Same last name" in duplicates
    page.get_by_label("No, this is a new learner").check()
    site.follow(page.get_by_role("button", name="Confirm"))
    assert page.url.endswith(f"/cases/{sent.case_id}/")
    site.assert_accessible()
    sent.refresh_from_db()
    case = sent.case
    assert case.stage == Stage.REQUESTED
    assert case.received_on == today
    assert case.caseworker == cast.caseworker
    assert not case.learner.provisional
    assert case.learner != namesake


def test_a_senco_asks_for_a_child_new_to_the_council(site, cast, council):
    page = site.page
    site.sign_in("senco")
    site.follow(
        page.get_by_role(
            "link", name="Ask for an education, health and care (EHC) needs assessment"
        )
    )
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Start now"))
    assert page.locator("h1").inner_text() == "About the child"
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Setting-Test")
    page.locator("#date_of_birth_day").fill("9")
    page.locator("#date_of_birth_month").fill("9")
    page.locator("#date_of_birth_year").fill("2017")
    page.get_by_label("Unique pupil number (UPN) (optional)").fill("A123456789012")
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Continue"))
    page.locator("textarea[name=needs]").fill("Needs more than our SEN support can give.")
    site.follow(page.get_by_role("button", name="Continue"))
    site.follow(page.get_by_role("button", name="Continue"))
    site.follow(page.get_by_role("button", name="Continue"))
    assert page.locator("h1").inner_text() == (
        "Does the child's family know you are asking for an assessment?"
    )
    site.assert_accessible()
    page.get_by_label("Yes").check()
    site.follow(page.get_by_role("button", name="Continue"))
    assert "A123456789012" in page.locator("#answers").inner_text()
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Send request"))
    assert page.locator("h1").inner_text() == "Request sent"
    site.assert_accessible()
    sent = AssessmentRequest.objects.get()
    assert sent.case.sen2_request_source == 2
    assert sent.requester_organisation.name == "Test Special School"
