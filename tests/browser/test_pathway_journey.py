"""The pathway to 25, walked from home in a real browser with axe-core on every page: the
caseworker records a planned destination and adulthood progress from the learner's record,
sees a Care Act transition assessment flagged in the work tray, and the SEND manager opens
the 16 to 25 page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sendplan.engine import add_months
from sendplan.learners.models import Learner
from sendplan.pathway.models import Destination, Transition
from tests.browser.conftest import choose
from tests.casework_pages.plan_builders import issued_plan
from tests.factories import SettingFactory, StrandFactory
from tests.pathway.builders import young_person

pytestmark = pytest.mark.browser


def _born(years: int, months: int = 0) -> dt.date:
    """A birthday that makes the learner this old today (whatever today is)."""
    return add_months(timezone.localdate(), -(years * 12 + months))


def _find_on_record(site, name: str) -> None:
    page = site.page
    site.follow(page.get_by_role("link", name="Learners", exact=True))
    page.locator("input[name=text]").fill(name.split()[-1])
    site.follow(page.locator("form:has(input[name=text]) button[type=submit]").first)
    site.assert_accessible()
    site.follow(page.locator("main").get_by_role("link", name=re.compile(name)).first)
    site.assert_accessible()


def test_caseworker_records_a_planned_destination_and_adulthood_progress(site, cast):
    college = SettingFactory(
        name="Vauxhall College (test)", min_age=16, max_age=25, post16_offer="college"
    )
    StrandFactory(setting=college, kind="post16", min_age=16, max_age=25, needs=["ASD"])
    Learner.objects.filter(pk=cast.learner.pk).update(date_of_birth=_born(15, 3))
    plan = issued_plan(cast)
    review = plan.reviews.get(decided_on__isnull=True)
    review.preparing_for_adulthood = True
    review.save()
    page = site.page
    site.sign_in("caseworker")
    site.assert_accessible()
    _find_on_record(site, "Jamie Okonkwo-Test")

    site.follow(page.get_by_role("link", name="Pathway to adulthood", exact=True))
    expect(page.locator("h1")).to_have_text("Pathway to adulthood")
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Record the destination at 16"))
    site.assert_accessible()
    page.get_by_label("Planned destination").select_option("college")
    choose(site, "Planned place", "Vauxhall", "Vauxhall College (test)")
    site.follow(page.get_by_role("button", name="Save"))
    expect(page.locator("#destinations")).to_contain_text("College: Vauxhall College (test)")
    site.assert_accessible()
    assert Destination.objects.get(learner=cast.learner).planned_setting == college

    site.follow(page.get_by_role("link", name=re.compile("Record progress")))
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Save"))  # nothing chosen: the errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the progress")
    site.assert_accessible()
    for outcome in ("employment", "independent_living", "community", "health"):
        page.locator(f"input[name={outcome}_progress][value=emerging]").check()
    page.get_by_label("Independent living: what was said and agreed").fill(
        "I want to take the bus to college on my own."
    )
    site.follow(page.get_by_role("button", name="Save"))
    main = page.locator("main")
    expect(main).to_contain_text("Some progress")
    expect(main).to_contain_text("I want to take the bus to college on my own.")
    site.assert_accessible()

    # The same progress is reached from the plan's reviews page.
    site.follow(page.get_by_role("link", name="Maintained plan"))
    site.follow(page.get_by_role("link", name="Reviews and transfers"))
    site.follow(page.get_by_role("link", name=re.compile("Preparing for adulthood: progress")))
    expect(page.get_by_label("Independent living: what was said and agreed")).to_have_value(
        "I want to take the bus to college on my own."
    )
    site.assert_accessible()


def test_the_care_act_assessment_is_flagged_in_the_caseworkers_tray(site, cast):
    plan = young_person(cast, born=_born(17, 1), name="Morgan Carefield-Test")
    Transition.objects.create(learner=plan.learner, likely_needs_adult_care=True)
    page = site.page
    site.sign_in("caseworker")
    site.follow(page.get_by_role("main").get_by_role("link", name=re.compile("Overdue")))
    banner = page.get_by_role("region", name="Pathway to adulthood")
    expect(banner).to_contain_text("1 Care Act transition assessment to ask for")
    site.assert_accessible()
    site.follow(banner.get_by_role("link", name="See the young people"))
    expect(page.locator("#care-act")).to_contain_text("Morgan Carefield-Test")
    site.assert_accessible()
    site.follow(page.get_by_role("link", name=re.compile("Morgan Carefield-Test")))
    expect(page.locator("main")).to_contain_text("Care Act transition assessment due by")
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Change adult care and health"))
    site.assert_accessible()
    today = timezone.localdate()
    page.locator("#care_act_requested_on_day").fill(str(today.day))
    page.locator("#care_act_requested_on_month").fill(str(today.month))
    page.locator("#care_act_requested_on_year").fill(str(today.year))
    site.follow(page.get_by_role("button", name="Save"))
    expect(page.locator("#adult-services")).to_contain_text("Asked for")
    site.assert_accessible()


def test_the_manager_sees_the_16_to_25_page_from_home(site, cast):
    college = SettingFactory(name="Far College (test)", in_area=False, min_age=16, max_age=25)
    plan = young_person(cast, born=_born(18), name="Alex Sixteen-Test")
    Destination.objects.create(
        learner=plan.learner, stage="at_16", actual_kind="college", actual_setting=college
    )
    page = site.page
    site.sign_in("manager")
    site.follow(page.get_by_role("link", name="Young people aged 16 to 25"))
    expect(page.locator("h1")).to_have_text("Young people aged 16 to 25")
    expect(page.locator("#pathways")).to_contain_text("College")
    expect(page.locator("#local")).to_contain_text("Out of the area")
    expect(page.locator("#comparison")).to_contain_text("England published")
    site.assert_accessible()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile("Download this table .*Where young people")
        ).click()
    assert download.value.suggested_filename.endswith("-pathways.csv")
