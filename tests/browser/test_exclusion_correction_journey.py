"""A caseworker corrects a suspension from the learner's record, then removes one recorded
in error, in a real browser: Home, the learner, the change page (a mistake first, then put
right), back to the record, and the removal with its confirmation. Every page is checked by
axe (ADR 0145)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sendplan.learners.models import Exclusion
from sendplan.learners.services import exclusion_record, exclusion_remove

pytestmark = pytest.mark.browser


def _suspend(cast, day: dt.date, reason: str) -> Exclusion:
    return exclusion_record(
        learner=cast.learner,
        kind=Exclusion.Kind.SUSPENSION,
        started_on=day,
        school_days=Decimal(2),
        setting=cast.setting,
        reason=reason,
        by=cast.senco,
    )


def _open_the_record(site) -> None:
    page = site.page
    site.follow(page.get_by_role("link", name="Learners", exact=True))
    page.locator("input[name=text]").fill("Okonkwo")
    site.follow(page.locator("form:has(input[name=text]) button[type=submit]").first)
    site.follow(page.locator("main").get_by_role("link", name=re.compile("Okonkwo-Test")).first)


def test_caseworker_corrects_a_suspension_and_removes_one_from_the_record(site, cast):
    kept = _suspend(cast, dt.date(2025, 3, 3), Exclusion.Reason.DISRUPTIVE)
    wrong = _suspend(cast, dt.date(2025, 1, 13), Exclusion.Reason.THEFT)
    page = site.page
    site.sign_in("caseworker")
    site.assert_accessible()  # the home page

    _open_the_record(site)
    expect(page.locator("main")).to_contain_text("Exclusions and suspensions")
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Change the suspension from 3 March 2025"))
    expect(page.locator("h1")).to_have_text("Change a suspension or exclusion")
    expect(page.locator("input[name=school_days]")).to_have_value("2")
    site.assert_accessible()

    # Too many days: the error names the field, and what was typed is kept.
    page.get_by_label(re.compile("How many school days")).fill("50")
    page.get_by_label("Reason").select_option("DM")
    site.follow(page.get_by_role("button", name="Save changes"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the school days as a whole or half number, from 0.5 to 45"
    )
    expect(page.locator("input[name=school_days]")).to_have_value("50")
    site.assert_accessible()

    page.get_by_label(re.compile("How many school days")).fill("1.5")
    site.follow(page.get_by_role("button", name="Save changes"))
    main = page.locator("main")
    expect(main).to_contain_text("The suspension or exclusion has been changed")
    expect(main).to_contain_text("Damage")
    site.assert_accessible()
    kept.refresh_from_db()
    assert (kept.school_days, kept.reason, kept.modified_by) == (
        Decimal("1.5"),
        "DM",
        cast.caseworker,
    )

    # The one recorded in error: removed, after a question.
    site.follow(page.get_by_role("link", name="Change the suspension from 13 January 2025"))
    site.follow(page.get_by_role("link", name="Remove this suspension"))
    expect(page.locator("h1")).to_have_text("Are you sure you want to remove this suspension?")
    expect(page.locator("main")).to_contain_text("Theft")
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Yes, remove it"))
    expect(page.locator("main")).to_contain_text("The suspension or exclusion has been removed")
    expect(page.locator("main")).not_to_contain_text("13 January 2025")
    site.assert_accessible()
    assert list(Exclusion.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Exclusion.history.filter(id=wrong.pk, history_type="-").exists()


def test_a_suspension_a_colleague_removed_meanwhile_says_who_and_leads_back(site, cast):
    gone = _suspend(cast, dt.date(2025, 2, 10), Exclusion.Reason.DISRUPTIVE)
    page = site.page
    site.sign_in("caseworker")
    _open_the_record(site)
    site.follow(page.get_by_role("link", name="Change the suspension from 10 February 2025"))
    # The school's SENCO removes it while the caseworker has the change page open.
    exclusion_remove(exclusion_id=gone.pk, expected_lock=gone.lock, by=cast.senco)
    page.get_by_label(re.compile("How many school days")).fill("1")
    site.follow(page.get_by_role("button", name="Save changes"))
    expect(page.locator("h1")).to_have_text("This suspension or exclusion has already been removed")
    expect(page.locator("#removed-by")).to_contain_text(cast.senco.display_name)
    site.assert_accessible()
    site.follow(page.get_by_role("link", name=re.compile("Go back to .+ record")))
    expect(page.locator("main")).to_contain_text("Exclusions and suspensions")
    expect(page.locator("main")).not_to_contain_text("10 February 2025")
    assert not Exclusion.objects.filter(pk=gone.pk).exists()
