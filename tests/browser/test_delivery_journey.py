"""Provision delivered, in a real browser with axe-core on every page: the SENCO records a
week and uploads a file, the therapist records theirs, the caseworker finds the shortfall in
the work tray and quantifies a row, the manager reads the figures, and the parent reads what
was delivered on the plan. Each starts at home.

Dates are relative to the day the test runs (the live server reads the real clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.delivery.models import DeliveryEntry
from sendplan.delivery.services import WeekInput, delivery_record
from sendplan.engine import last_weeks
from tests.delivery.conftest import issue_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def plan_with_gaps(cast):
    today = dt.date.today()
    issued = issue_plan(cast, issued_on=today - dt.timedelta(weeks=10))
    # The school's speech work: 20 of 60 minutes a week for the last four weeks.
    for monday in last_weeks(today, 4):
        delivery_record(
            commitment_id=issued.speech.pk,
            week=WeekInput(monday, True, 20, 40, "staff_absent", "TA off sick"),
            expected_lock=0,
            changed_by=cast.senco,
            today=today,
        )
    return issued


def test_the_senco_records_a_week_from_home(site, cast, plan_with_gaps):
    page = site.page
    site.sign_in("senco")
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Provision you deliver").first)
    site.assert_accessible()
    assert "Speech and language work" in page.locator("main").inner_text()
    site.follow(page.get_by_role("link", name="Record a week of Speech and language work"))
    site.assert_accessible()
    # A Continue without choosing keeps the first week not yet recorded: this week.
    site.follow(page.get_by_role("button", name="Continue"))
    site.assert_accessible()
    assert page.get_by_label("Minutes delivered").input_value() == "60"
    page.get_by_label("Minutes delivered").fill("30")
    page.get_by_label("Minutes missed").fill("30")
    site.follow(page.get_by_role("button", name="Save this week"))
    # Missed without a reason: the error summary, what was typed kept.
    site.assert_accessible()
    assert "Say why provision was missed" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Minutes missed").input_value() == "30"
    page.get_by_label("The child or young person was absent").check()
    site.follow(page.get_by_role("button", name="Save this week"))
    site.assert_accessible()
    assert (
        "recorded for Speech and language work"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    this_week = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    entry = DeliveryEntry.objects.get(commitment=plan_with_gaps.speech, week_starting=this_week)
    assert (entry.delivered_minutes, entry.missed_reason) == (30, "learner_absent")
    site.follow(page.get_by_role("link", name="See the log of Speech and language work"))
    site.assert_accessible()
    assert "Delivered by term" in page.locator("main").inner_text()


def test_the_senco_uploads_a_file_and_is_told_each_bad_line(site, cast, plan_with_gaps, tmp_path):
    page = site.page
    speech = plan_with_gaps.speech.pk
    monday = last_weeks(dt.date.today(), 5)[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "commitment,week_starting,delivered_minutes,missed_minutes,missed_reason\n"
        f"{speech},{monday.isoformat()},60,0,\n"
        f"{speech},{(monday + dt.timedelta(days=1)).isoformat()},60,0,\n"
        f"{speech},{monday.isoformat()},lots,0,\n"
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "commitment,week_starting,delivered_minutes,missed_minutes,missed_reason,note\n"
        f"{speech},{monday.isoformat()},45,15,provider_cancelled,Therapist away\n"
    )
    site.sign_in("senco")
    site.follow(page.get_by_role("link", name="Provision you deliver").first)
    site.follow(page.get_by_role("link", name="upload a CSV file from your own system"))
    site.assert_accessible()
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    site.follow(page.get_by_role("button", name="Upload and record"))
    site.assert_accessible()
    problems = page.locator("#problems").inner_text()
    assert "the file:3: week_starting: Give the Monday the week starts on" in problems
    assert "the file:4: delivered_minutes: 'lots' is not a whole number of minutes" in problems
    assert not DeliveryEntry.objects.filter(week_starting=monday).exists()
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    site.follow(page.get_by_role("button", name="Upload and record"))
    site.assert_accessible()
    assert (
        "1 week recorded from the file" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert DeliveryEntry.objects.get(week_starting=monday).missed_reason == "provider_cancelled"


def test_the_therapist_records_the_trusts_row(site, cast, plan_with_gaps):
    page = site.page
    site.sign_in("health")
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Provision you deliver").first)
    site.assert_accessible()
    main = page.locator("main").inner_text()
    assert "Occupational therapy" in main and "Speech and language work" not in main
    site.follow(page.get_by_role("link", name="Record a week of Occupational therapy"))
    site.follow(page.get_by_role("button", name="Continue"))
    site.assert_accessible()
    page.get_by_label("No: a school holiday, or nothing was planned this week").check()
    page.get_by_label("Minutes delivered").fill("0")
    site.follow(page.get_by_role("button", name="Save this week"))
    site.assert_accessible()
    assert DeliveryEntry.objects.get(commitment=plan_with_gaps.therapy).due is False


def test_the_caseworker_finds_the_shortfall_in_the_tray_and_quantifies_a_row(
    site, cast, plan_with_gaps
):
    page = site.page
    site.sign_in("caseworker")
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Provision not delivered"))
    site.assert_accessible()
    panel = page.locator("table", has_text="in shortfall").inner_text()
    assert "Speech and language work" in panel
    assert "School or setting: Test Special School" in panel
    assert "33%" in panel
    site.follow(page.get_by_role("link", name="Speech and language work for Jamie Okonkwo-Test"))
    site.assert_accessible()
    assert "TA off sick" in page.locator("main").inner_text()
    site.goto("casework:tray")
    site.follow(page.get_by_role("link", name="1 provision row to quantify"))
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Jamie Okonkwo-Test: Social skills group"))
    site.assert_accessible()
    page.get_by_label("Minutes in each session").fill("40")
    page.get_by_label("Number of sessions").fill("1")
    page.get_by_label("Sessions a week").check()
    site.follow(page.get_by_role("button", name="Save"))
    site.assert_accessible()
    assert "Every row of your learners' plans is quantified" in page.locator("main").inner_text()


def test_the_manager_reads_delivery_by_provider_setting_and_kind(site, cast, plan_with_gaps):
    page = site.page
    site.sign_in("manager")
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Provision delivered", exact=True))
    site.assert_accessible()
    table = page.locator("#delivery-table").inner_text()
    assert "Test Special School" in table and "33%" in table
    assert page.locator("svg#delivery-chart").count() == 1
    site.follow(page.get_by_role("link", name="By kind of provision"))
    site.assert_accessible()
    assert "Special educational provision (F)" in page.locator("#delivery-table").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures for the whole year (CSV)").click()
    assert download.value.suggested_filename.startswith("provision-delivered-by-kind-")


def test_the_parent_reads_what_was_delivered_on_the_plan(site, cast, plan_with_gaps):
    page = site.page
    site.sign_in("parent")
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Read Jamie's EHC plan"))
    site.assert_accessible()
    delivered = page.locator("main").inner_text()
    assert "What was delivered" in delivered
    assert "The plan says 30 minutes, 2 times a week" in delivered
    assert "Staff absent or post vacant" in delivered or "Nothing has been due yet" in delivered
