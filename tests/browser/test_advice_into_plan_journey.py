"""Advice into the plan, in the browser: the family says which school they would like; the
caseworker sees their comments and choice on the case page, reads the health advice (and its
report) beside section C of the draft, brings its words in with the source kept, is stopped
from issuing with section G empty, confirms no provision is needed there, checks the plan
and issues it. axe on every page."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.casework.advice import services as advice_services
from sendplan.casework.family import services as family_services
from sendplan.casework.plans.models import PlanVersion
from tests.browser.conftest import choose
from tests.casework.advice_builders import attach_report

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("document_store")]


@pytest.fixture
def advised_case(cast, case_out_for_comments):
    """The draft out for comments with the health advice given (C and G) and its report,
    and the family's comments saying that is everything."""
    case = case_out_for_comments
    advice = case.advice_requests.get()
    advice_services.advice_submit(
        advice_request_id=advice.pk,
        received_on=dt.date.today() - dt.timedelta(days=20),
        changed_by=cast.health,
        sections={"C": "Glue ear in both ears.", "G": "Hearing review every 6 months."},
    )
    attach_report(cast.health, case, advice)
    family_services.family_comment_give(
        case_id=case.pk,
        text="Please add swimming to the plan.",
        finished=True,
        changed_by=cast.parent,
    )
    return case


def fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"input[name={name}_day]").fill(str(day.day))
    page.locator(f"input[name={name}_month]").fill(str(day.month))
    page.locator(f"input[name={name}_year]").fill(str(day.year))


def continue_to_issue(site, today: dt.date) -> None:
    page = site.page
    site.follow(page.get_by_role("link", name="Return to the draft"))
    site.follow(page.get_by_role("link", name="Check and issue this version"))
    site.assert_accessible()
    fill_date(page, "issued_on", today)
    site.follow(page.get_by_role("button", name="Continue"))
    site.assert_accessible()


def test_advice_reaches_the_draft_and_a_covered_section_is_not_left_empty(site, cast, advised_case):
    case, page, today = advised_case, site.page, dt.date.today()

    # The parent says which school they would like, from their page.
    site.sign_in("parent")
    site.follow(page.get_by_role("link", name="Where things are now for Jamie"))
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Tell us which school or college you would like"))
    site.assert_accessible()
    choose(site, "Which school or college would you like?", "special", "Test Special School")
    page.locator("textarea#reason").fill("It is near home.")
    site.follow(page.get_by_role("button", name="Send to your caseworker"))
    assert "Test Special School" in page.locator("main").inner_text()
    page.context.clear_cookies()

    # The caseworker sees the family's comments and choice on the case page.
    site.sign_in("caseworker")
    site.goto("casework:case", case.pk)
    site.assert_accessible()
    main = page.locator("main")
    assert "Please add swimming to the plan." in main.inner_text()
    assert "School or college they would like" in main.inner_text()
    assert page.get_by_role("button", name="Consult Test Special School today").is_visible()

    # Section C of the draft shows the health advice and its report.
    site.follow(page.get_by_role("link", name="See the plan"))
    site.follow(page.get_by_role("link", name="Edit this draft"))
    site.follow(page.get_by_role("link", name="C: health care needs"))
    site.assert_accessible()
    assert "Glue ear in both ears." in main.inner_text()
    assert page.get_by_role("link", name="Audiology report").is_visible()

    # Bring it in: the words arrive in the form, and the row keeps its source.
    site.follow(page.get_by_role("link", name="Bring this into section C"))
    site.assert_accessible()
    assert page.locator("textarea#text").input_value() == "Glue ear in both ears."
    site.follow(page.get_by_role("button", name="Save"))
    assert "From medical and health advice by" in main.inner_text()

    # Section G is still empty though advice covers it: issuing stops there.
    continue_to_issue(site, today)
    assert "The plan cannot be issued yet" in main.inner_text()
    assert page.get_by_role("button", name="Issue the plan").count() == 0
    site.follow(page.get_by_role("link", name="Write section G from the advice"))
    site.follow(page.get_by_role("link", name="confirm that no provision is needed in section G"))
    site.assert_accessible()
    page.locator("textarea#reason").fill("The hearing review is already arranged by the GP.")
    site.follow(page.get_by_role("button", name="Confirm no provision is needed"))
    assert "No provision is needed in this section." in main.inner_text()

    # Check your answers, then issue.
    continue_to_issue(site, today)
    assert "The plan cannot be issued yet" not in main.inner_text()
    assert page.get_by_role("link", name="Change the date the plan is issued").is_visible()
    site.follow(page.get_by_role("button", name="Issue the plan"))
    site.assert_accessible()
    version = PlanVersion.objects.get(plan__case=case, number=1)
    assert version.status == PlanVersion.Status.ISSUED and version.issued_on == today
    assert "From medical and health advice by" in main.inner_text()
