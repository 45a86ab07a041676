"""One case walked end to end in a browser, each person from their own home page, following
links (only the sign-in page and the home page are typed): a parent asks online for an
assessment of a child the council does not know, with evidence; the caseworker confirms the
record from the work tray, decides to assess and asks for health advice; the practitioner
answers from their home page with a report attached; the caseworker writes the draft from
that advice and sends it; the family comment and name the school they would like; the
caseworker consults it; the SENCO answers; the caseworker issues the final plan after
checking the answers; the parent reads it. axe on every page; the family's part by keyboard,
at a phone's width and a desktop's. Everything happens today."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from sendplan.casework.case.models import Case, Stage
from sendplan.casework.plans.models import PlanVersion
from sendplan.documents.models import Document
from tests.browser.conftest import (
    check_page,
    choose,
    continue_by_keyboard,
    tab_to_field,
    tab_to_text,
    type_into,
)
from tests.documents.files import PDF

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("council")]

CHILD = "Amira Khan-Test"
SCHOOL = "Test Special School"


def sign_in_as(site, username: str, width: int = 1280) -> None:
    site.page.context.clear_cookies()
    site.page.set_viewport_size({"width": width, "height": 900})
    site.sign_in(username)
    site.assert_accessible()  # the home page


def click(site, name: str | re.Pattern[str], role: str = "link") -> None:
    """Follow a link (or press a button) in the page's main part, then run axe."""
    target = site.page.locator("main").get_by_role(role, name=name).first
    try:
        target.wait_for(timeout=5_000)
    except Exception as missing:
        raise AssertionError(
            f"no {role} {name!r} on {site.page.url}:\n{main_text(site)}"
        ) from missing
    site.follow(target)
    site.assert_accessible()


def fill_today(site, name: str) -> None:
    today = timezone.localdate()
    site.page.locator(f"input[name={name}_day]").fill(str(today.day))
    site.page.locator(f"input[name={name}_month]").fill(str(today.month))
    site.page.locator(f"input[name={name}_year]").fill(str(today.year))


def main_text(site) -> str:
    return site.page.locator("main").inner_text()


# The family's part, by keyboard.


def parent_asks_for_an_assessment(site, width: int) -> str:
    page = site.page
    sign_in_as(site, "parent", width)
    tab_to_text(site, "Ask for an education, health and care (EHC) needs assessment")
    site.press_and_wait("Enter")
    check_page(site, width)
    tab_to_text(site, "Start now")
    site.press_and_wait("Enter")
    assert page.locator("h1").inner_text() == "Who is the request for?"
    check_page(site, width)
    tab_to_field(site, "child")
    page.keyboard.press("ArrowDown")  # from Jamie to "A child not listed here"
    continue_by_keyboard(site)
    assert page.locator("h1").inner_text() == "About the child"
    check_page(site, width)
    type_into(site, "given_name", "Amira")
    type_into(site, "family_name", "Khan-Test")
    type_into(site, "date_of_birth_day", "4")
    type_into(site, "date_of_birth_month", "3")
    type_into(site, "date_of_birth_year", "2016")
    type_into(site, "postcode", "SE1 7PB")
    type_into(site, "school", "Riverside Primary")
    continue_by_keyboard(site)
    check_page(site, width)
    type_into(site, "needs", "She is not talking yet and cannot settle at school.")
    continue_by_keyboard(site)
    check_page(site, width)
    continue_by_keyboard(site)  # nothing more on what has been tried
    assert page.locator("h1").inner_text() == "Add evidence (optional)"
    # Choosing a file needs the system's file dialog: the test sets it, the rest is keys.
    page.locator("#upload").set_input_files(
        {"name": "school-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    tab_to_text(site, "Add file")
    site.press_and_wait("Enter")
    check_page(site, width)
    continue_by_keyboard(site)
    assert page.locator("h1").inner_text() == "Check your answers before sending your request"
    check_page(site, width)
    tab_to_text(site, "Send request")
    site.press_and_wait("Enter")
    assert page.locator("h1").inner_text() == "Request sent"
    check_page(site, width)
    return page.locator("#reference").inner_text()


def family_comment_and_choose_a_school(site, width: int) -> None:
    page = site.page
    sign_in_as(site, "parent", width)
    tab_to_text(site, "Where things are now for Amira")
    site.press_and_wait("Enter")
    check_page(site, width)
    tab_to_text(site, "Read the draft plan")
    site.press_and_wait("Enter")
    check_page(site, width)
    assert "Glue ear in both ears." in main_text(site)
    tab_to_text(site, "Comment on the draft plan")
    site.press_and_wait("Enter")
    check_page(site, width)
    type_into(site, "text", "Please add swimming to the plan.")
    tab_to_field(site, "finished")  # the first choice: "Yes, this is everything"
    page.keyboard.press("Space")
    tab_to_text(site, "Send comments")
    site.press_and_wait("Enter")
    check_page(site, width)
    tab_to_text(site, "Back to where things are now")
    site.press_and_wait("Enter")
    check_page(site, width)
    tab_to_text(site, "Tell us which school or college you would like")
    site.press_and_wait("Enter")
    check_page(site, width)
    choose(site, "Which school or college would you like?", "special", SCHOOL)
    check_page(site, width)
    type_into(site, "reason", "It is near home.")
    tab_to_text(site, "Send to your caseworker")
    site.press_and_wait("Enter")
    check_page(site, width)
    assert SCHOOL in main_text(site)


def parent_reads_the_final_plan(site, width: int) -> None:
    sign_in_as(site, "parent", width)
    tab_to_text(site, "Read Amira's EHC plan")
    site.press_and_wait("Enter")
    assert site.page.locator("h1").inner_text() == "Education, health and care plan"
    check_page(site, width)
    text = main_text(site)
    assert "Glue ear in both ears." in text and SCHOOL in text


# The professionals' part, by mouse.


def open_the_case(site) -> None:
    """From the caseworker's home page: "My cases", then the child's case."""
    click(site, "My cases")
    click(site, re.compile(rf"^{CHILD}\s*, case"))


@pytest.mark.parametrize("width", [1280, 375])
def test_one_case_from_the_online_request_to_the_final_plan(site, cast, width):
    page = site.page
    reference = parent_asks_for_an_assessment(site, width)
    case = Case.objects.get(learner__family_name="Khan-Test")
    today = timezone.localdate()
    assert case.received_on == today and case.learner.provisional

    # The caseworker confirms the record from the work tray and decides to assess.
    sign_in_as(site, "caseworker")
    site.follow(page.get_by_role("link", name="Work tray"))
    site.assert_accessible()
    click(site, re.compile(rf"^{CHILD}\s*: confirm request {reference}$"))
    page.get_by_label("No, this is a new learner").check()
    click(site, "Confirm", role="button")
    assert page.locator("h1").inner_text() == CHILD
    assert "school-report" in main_text(site)  # the evidence, on the case
    click(site, "Decide whether to assess")
    page.get_by_label("Yes, assess").check()
    fill_today(site, "decided_on")
    page.get_by_label("Reasons for the decision").fill("The school's report shows the need.")
    click(site, "Record the decision", role="button")

    # It asks the practitioner at the trust for health advice.
    click(site, "Request advice")
    page.get_by_label("Medical and health advice").check()
    choose(site, "Organisation asked", "nhs tr", "Test NHS Trust")
    health = cast.health.display_name
    choose(site, "Named practitioner (optional)", health, health)
    fill_today(site, "requested_on")
    click(site, "Record the request for advice", role="button")
    assert "The request for advice has been recorded" in main_text(site), main_text(site)

    # The practitioner answers from their home page, with their report attached.
    sign_in_as(site, "health")
    click(site, re.compile("Write advice"))
    page.get_by_label("Upload the report").set_input_files(
        {"name": "audiology.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Title of the report").fill("Audiology report")
    click(site, "Attach the report", role="button")
    assert "Audiology report" in page.locator("#attached").inner_text()
    page.get_by_label("Section C: health care needs").fill("Glue ear in both ears.")
    click(site, "Continue", role="button")
    click(site, "Send advice", role="button")
    assert page.locator("h1").inner_text() == "Advice sent"
    assert Document.objects.filter(advice_request__case=case).count() == 1

    # The caseworker reads it and writes the draft from it, then sends the draft.
    sign_in_as(site, "caseworker")
    open_the_case(site)
    click(site, re.compile("^Read the advice"))
    assert "Glue ear in both ears." in main_text(site)
    assert page.get_by_role("link", name=re.compile("Audiology report")).is_visible()
    page.go_back()
    click(site, "Decide to issue a plan and start the draft")
    click(site, "Start the draft plan", role="button")
    click(site, "See the plan")
    click(site, "Edit this draft")
    click(site, "B: special educational needs")
    click(site, "Add a need")
    page.get_by_label("Describe the need").fill("Speech and language: few words yet.")
    click(site, "Save", role="button")
    click(site, "Return to the draft")
    click(site, "C: health care needs")
    assert "Glue ear in both ears." in main_text(site)
    click(site, "Bring this into section C")
    click(site, "Save", role="button")
    assert "From medical and health advice by" in main_text(site)
    click(site, "Return to the draft")
    click(site, "E: outcomes")
    click(site, "Add an outcome")
    page.get_by_label("Outcome sought").fill("Asks for help in words by next summer.")
    page.locator("input[name=need_ids]").first.check()
    click(site, "Save", role="button")
    click(site, "Return to the draft")
    click(site, "F: special educational provision")
    click(site, "Add provision")
    page.get_by_label("What is the provision?").fill("Speech and language therapy.")
    page.get_by_label("How much").fill("45 minutes")
    page.get_by_label("How often").fill("Weekly")
    page.get_by_label("Who delivers it").fill("A speech and language therapist")
    page.locator("input[name=outcome_ids]").first.check()
    click(site, "Save", role="button")
    click(site, "Return to the draft")
    click(site, "Send the draft from the case page")
    click(site, "Send the draft plan for comments")
    fill_today(site, "issued_on")
    click(site, "Record that the draft was sent", role="button")

    # The family comment and say which school they would like.
    family_comment_and_choose_a_school(site, width)

    # The caseworker sees both on the case page and consults that school in one click.
    sign_in_as(site, "caseworker")
    open_the_case(site)
    assert "Please add swimming to the plan." in main_text(site)
    click(site, f"Consult {SCHOOL} today", role="button")

    # The SENCO answers from their home page.
    sign_in_as(site, "senco")
    click(site, "Consultations")
    click(site, CHILD)
    page.get_by_label("Can meet the needs").check()
    page.get_by_label("Your reasons").fill("We have speech and language support on site.")
    click(site, "Send your answer", role="button")
    assert "Your answer has been sent to the council." in main_text(site)

    # The caseworker names the school in section I and issues the final plan, checking first.
    sign_in_as(site, "caseworker")
    open_the_case(site)
    assert "Can meet the needs" in main_text(site)
    click(site, "See the plan")
    click(site, "Edit this draft")
    click(site, "I: placement")
    choose(site, "Setting", "special", SCHOOL)
    click(site, "Save section I", role="button")
    click(site, "Check and issue this version")
    fill_today(site, "issued_on")
    click(site, "Continue", role="button")
    assert "The plan cannot be issued yet" not in main_text(site)
    click(site, "Issue the plan", role="button")
    case.refresh_from_db()
    assert case.stage == Stage.FINAL_ISSUED and case.final_issued_on == today
    version = PlanVersion.objects.get(plan__case=case, number=1)
    assert version.status == PlanVersion.Status.ISSUED and version.issued_on == today

    # The parent reads the final plan from their home page.
    parent_reads_the_final_plan(site, width)
