"""Whole journeys in a real browser, with axe-core run on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sendplan.provision.models import ProvisionStrand, Setting
from tests.factories import PASSWORD, SettingFactory, StrandFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def area(cast):
    """The standing cast plus settings that the need and phase filters tell apart."""
    junior = SettingFactory(name="Junior ASD Base", kind=Setting.Kind.RESOURCED, max_age=10)
    StrandFactory(
        setting=junior, kind=ProvisionStrand.Kind.RESOURCED_PROVISION, max_age=10, needs=["ASD"]
    )
    semh = SettingFactory(name="Secondary SEMH School", min_age=11, max_age=16)
    StrandFactory(setting=semh, min_age=11, max_age=16, needs=["SEMH"])
    return cast


def test_caseworker_finds_a_learner_then_browses_the_register(site, area):
    page = site.page
    site.sign_in("caseworker")
    site.assert_accessible()  # the home page

    site.follow(page.get_by_role("link", name="Learners", exact=True))
    site.assert_accessible()

    page.locator("input[name=text]").fill("Okonkwo")
    site.follow(page.locator("form:has(input[name=text]) button[type=submit]").first)
    expect(page.locator("main")).to_contain_text("Okonkwo-Test")
    expect(page.locator("main")).not_to_contain_text("Other-Test")
    site.assert_accessible()

    site.follow(page.locator("main").get_by_role("link", name=re.compile("Okonkwo-Test")).first)
    expect(page.locator("h1")).to_contain_text("Okonkwo-Test")
    expect(page.locator("main")).to_contain_text("Autistic spectrum disorder")
    expect(page.locator("main")).to_contain_text("Test Special School")
    site.assert_accessible()

    # The caseworker may edit: the change form is checked too, then back to the record.
    site.follow(page.get_by_role("link", name=re.compile("Change details")).first)
    site.assert_accessible()
    page.go_back()

    site.follow(page.get_by_role("link", name="Register of places").first)
    expect(page.locator("h1")).to_have_text("Register of places")
    site.assert_accessible()

    page.get_by_label("Autistic spectrum disorder (ASD)").check()
    page.get_by_label("Secondary (11 to 15)").check()
    site.follow(page.get_by_role("button", name="Apply filters").first)
    assert "need=ASD" in page.url and "phase=secondary" in page.url
    results = page.locator("main table")
    expect(results).to_contain_text("Test Special School")
    expect(results).not_to_contain_text("Junior ASD Base")
    expect(results).not_to_contain_text("Secondary SEMH School")
    expect(page.get_by_label("Autistic spectrum disorder (ASD)")).to_be_checked()
    site.assert_accessible()

    site.follow(results.get_by_role("link", name="Test Special School"))
    expect(page.locator("h1")).to_have_text("Test Special School")
    expect(page.locator("main")).to_contain_text("Speech, language and communication needs")
    site.assert_accessible()


def test_parent_sees_only_their_own_child_and_not_the_register(site, area):
    page = site.page
    site.sign_in("parent")
    site.assert_accessible()
    expect(page.get_by_role("link", name="Register of places")).to_have_count(0)

    site.goto("learners:list")
    main = page.locator("main")
    expect(main).to_contain_text("Okonkwo-Test")
    expect(main).not_to_contain_text("Other-Test")
    site.assert_accessible()

    response = site.goto("learners:record", area.other_learner.pk)
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("Other-Test")
    site.assert_accessible()

    response = site.goto("provision:register")
    assert response.status == 403
    expect(page.locator("main")).not_to_contain_text("Test Special School")
    site.assert_accessible()


def test_keyboard_alone_reaches_the_skip_link_and_signs_in(site, area):
    page = site.page
    site.goto("accounts:sign-in")

    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent.trim()")
    assert skip == "Skip to main content"
    page.keyboard.press("Enter")

    assert _tab_to(page, "username"), "Tab from the skip link never reached the username field"
    page.keyboard.type("caseworker")
    assert _tab_to(page, "password"), "Tab from the username never reached the password field"
    page.keyboard.type(PASSWORD)
    site.press_and_wait("Enter")
    assert "/account/sign-in/" not in page.url
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    site.assert_accessible()


def _tab_to(page, field_name: str, limit: int = 10) -> bool:
    """Press Tab until the field with this name has focus; False if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name || ''") == field_name:
            return True
    return False


def test_stylesheet_is_served_so_colour_contrast_is_checked_on_styled_pages(site, area):
    page = site.page
    styles = []
    page.on("response", lambda r: styles.append(r) if r.url.endswith(".css") else None)
    site.goto("accounts:sign-in")
    assert styles and all(r.status == 200 for r in styles), [(r.url, r.status) for r in styles]
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "arial" in font.lower()
