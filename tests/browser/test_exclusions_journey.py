"""A caseworker records a suspension from the learner's record, in a real browser: Home,
the learner, the add page (a mistake first, then put right), and back to the record with
the suspension shown. Every page is checked by axe (ADR 0145)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sendplan.learners.models import Exclusion

pytestmark = pytest.mark.browser


def test_caseworker_adds_a_suspension_from_the_record(site, cast):
    page = site.page
    site.sign_in("caseworker")
    site.assert_accessible()  # the home page

    site.follow(page.get_by_role("link", name="Learners", exact=True))
    page.locator("input[name=text]").fill("Okonkwo")
    site.follow(page.locator("form:has(input[name=text]) button[type=submit]").first)
    site.follow(page.locator("main").get_by_role("link", name=re.compile("Okonkwo-Test")).first)
    expect(page.locator("main")).to_contain_text("Exclusions and suspensions")
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Add a suspension or exclusion"))
    expect(page.locator("h1")).to_have_text("Add a suspension or exclusion")
    site.assert_accessible()

    # A suspension without its days: the error is shown, and what was typed is kept.
    page.get_by_label("Suspension", exact=True).check()
    page.locator("input[name=started_on_day]").fill("3")
    page.locator("input[name=started_on_month]").fill("3")
    page.locator("input[name=started_on_year]").fill("2025")
    page.get_by_label("Test Special School").check()
    page.get_by_label("Reason").select_option("DM")
    site.follow(page.get_by_role("button", name="Add"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter how many school days the suspension is"
    )
    expect(page.locator("input[name=started_on_year]")).to_have_value("2025")
    site.assert_accessible()

    page.get_by_label(re.compile("How many school days")).fill("1.5")
    site.follow(page.get_by_role("button", name="Add"))
    expect(page.locator("#exclusions")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("The suspension or exclusion has been added")
    expect(main).to_contain_text("3 March 2025")
    expect(main).to_contain_text("Damage")
    site.assert_accessible()
    assert Exclusion.objects.get().school_days == 1.5
