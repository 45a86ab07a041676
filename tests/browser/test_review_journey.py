"""An annual review convened by the setting, from the SENCO's home page to the amended plan
the family reads: the list, invitations, the child's views, the meeting, a report proposing
a change to a provision row; the caseworker's tray, accepting the change, deciding to
amend, the draft holding it; then the family's plan once issued. axe on every page."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.casework.case.models import Stage
from sendplan.casework.plans.models import PlanVersion
from tests.casework.conftest import make_case

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def fill_date(site, name: str, day: dt.date) -> None:
    site.page.locator(f"input[name={name}_day]").fill(str(day.day))
    site.page.locator(f"input[name={name}_month]").fill(str(day.month))
    site.page.locator(f"input[name={name}_year]").fill(str(day.year))


def submit(site, name: str) -> None:
    site.follow(site.page.get_by_role("button", name=name))
    site.assert_accessible()


def test_a_review_from_the_senco_to_the_family(site, cast):
    # The plan was issued about ten months ago: its review is due in the coming weeks.
    case = make_case(cast, Stage.FINAL_ISSUED, received_on=TODAY - dt.timedelta(days=430))
    plan = case.plan
    meeting = TODAY - dt.timedelta(days=40)

    site.sign_in("senco")
    site.assert_accessible()
    site.follow(
        site.page.get_by_role("main").get_by_role("link", name="Annual reviews at your setting")
    )
    site.assert_accessible()
    main = site.page.locator("main").inner_text()
    assert "Meeting date not set" in main and "Lambeth Council (test)" in main
    site.follow(site.page.get_by_role("link", name="Jamie Okonkwo-Test"))
    site.assert_accessible()

    site.follow(site.page.get_by_role("link", name="Set the meeting and send invitations"))
    site.assert_accessible()
    fill_date(site, "meeting_on", meeting)
    fill_date(site, "sent_on", meeting - dt.timedelta(days=10))
    submit(site, "Save the invitations")
    assert "Invitations must go out by" in site.page.inner_text(".govuk-error-summary")
    fill_date(site, "sent_on", meeting - dt.timedelta(days=21))
    submit(site, "Save the invitations")
    assert "The meeting date and invitations have been recorded" in site.page.inner_text("main")

    site.follow(site.page.get_by_role("link", name="Their views, in their own words"))
    site.assert_accessible()
    site.page.get_by_label("Pictures, symbols or talking mats").check()
    site.page.get_by_label("Their views, in their own words").fill(
        "I like speech group. I want it more times but shorter."
    )
    fill_date(site, "gathered_on", meeting - dt.timedelta(days=5))
    submit(site, "Save their views")
    assert "I want it more times but shorter." in site.page.inner_text("main")

    site.follow(site.page.get_by_role("link", name="Record the meeting"))
    site.assert_accessible()
    fill_date(site, "meeting_on", meeting)
    submit(site, "Record the meeting")

    site.follow(site.page.get_by_role("link", name="Propose changes to the plan"))
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Propose a change to this row of section F"))
    site.assert_accessible()
    site.page.get_by_label("Change it").check()
    site.page.get_by_label("What the provision is").fill("Speech and language therapy")
    site.page.get_by_label("How much").fill("30 minutes")
    site.page.get_by_label("How often").fill("twice a week in term time")
    site.page.get_by_label("Delivered by").fill("Speech and language therapist")
    site.page.get_by_label("Why").fill("Jamie asked for shorter, more frequent sessions.")
    submit(site, "Save the proposal")
    assert "twice a week in term time" in site.page.inner_text("main")

    site.follow(site.page.get_by_role("link", name="Continue to send the report"))
    site.assert_accessible()
    site.page.get_by_label("What the meeting found").fill("Jamie is asking for help in class.")
    site.page.get_by_label("Amend the plan").check()
    fill_date(site, "sent_on", meeting + dt.timedelta(days=10))
    submit(site, "Continue")
    assert "Check the review report" in site.page.locator("h1").inner_text()
    submit(site, "Send the report to the council")
    assert "sent to the council" in site.page.inner_text("main")

    # The caseworker: the report in the work tray, the proposal accepted, the decision.
    site.page.context.clear_cookies()
    site.sign_in("caseworker")
    site.follow(
        site.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Work tray")
    )
    site.assert_accessible()
    reports = site.page.locator("table", has_text="Review reports waiting for your decision")
    site.follow(reports.get_by_role("link", name="Jamie Okonkwo-Test"))
    site.assert_accessible()
    assert "I want it more times but shorter." in site.page.inner_text("main")
    site.page.get_by_label("Accept").check()
    submit(site, "Save and continue to the decision")
    assert "accepted" in site.page.inner_text("main")
    site.page.get_by_label("Amend the plan").check()
    fill_date(site, "decided_on", meeting + dt.timedelta(days=20))
    fill_date(site, "amendment_proposed_on", meeting + dt.timedelta(days=20))
    submit(site, "Record the decision")
    site.follow(
        site.page.get_by_role("navigation", name="Plan pages").get_by_role("link", name="Draft")
    )
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="See the whole draft"))
    site.assert_accessible()
    assert "twice a week in term time" in site.page.inner_text("main")

    # The family's 15 days for representations have run: the caseworker issues it.
    site.follow(
        site.page.get_by_role("navigation", name="Plan pages").get_by_role("link", name="Draft")
    )
    site.follow(site.page.get_by_role("link", name="Check and issue this version"))
    fill_date(site, "issued_on", TODAY)
    submit(site, "Continue")
    submit(site, "Issue the plan")
    assert PlanVersion.objects.filter(plan=plan, status=PlanVersion.Status.DRAFT).count() == 0
    site.page.context.clear_cookies()
    site.sign_in("parent")
    site.follow(site.page.get_by_role("link", name="Read Jamie's EHC plan"))
    site.assert_accessible()
    assert "twice a week in term time" in site.page.inner_text("main")


def test_the_council_sees_reviews_at_risk_by_setting(site, cast):
    make_case(cast, Stage.FINAL_ISSUED, received_on=TODAY - dt.timedelta(days=470))
    site.sign_in("caseworker")
    site.follow(
        site.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reviews")
    )
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Reviews overdue or at risk, by setting"))
    site.assert_accessible()
    main = site.page.inner_text("main")
    assert "Reviews held within 12 months" in main
    assert "Test Special School" in main and "Jamie Okonkwo-Test" in main
