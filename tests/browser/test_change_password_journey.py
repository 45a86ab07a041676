"""Changing your password in a real browser, from the home page, with axe-core on every page
it shows (ADR 0120). Browsers report nothing wrong with the Permissions-Policy header."""

from __future__ import annotations

import pytest

from sendplan.accounts.forms import CURRENT_PASSWORD_WRONG
from sendplan.accounts.passwords import BREACHED
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW = "a-fresh-long-passphrase-for-tests"


def test_a_user_changes_their_password_from_the_home_page(site, cast):
    console: list[str] = []
    site.page.on("console", lambda message: console.append(message.text))
    site.sign_in("caseworker")
    page = site.page
    assert page.url == site.url("home")
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Change password"))
    assert page.url == site.url("accounts:change-password")
    assert page.get_by_role("heading", level=1).inner_text() == "Change your password"
    site.assert_accessible()

    # A wrong current password and a breached new one: both named, nothing changed.
    page.get_by_label("Current password").fill("not-my-password-at-all")
    page.get_by_label("New password", exact=True).fill("correcthorsebatterystaple")
    page.get_by_label("Confirm new password").fill("correcthorsebatterystaple")
    site.follow(page.get_by_role("button", name="Change password"))
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert CURRENT_PASSWORD_WRONG in summary.inner_text()
    assert BREACHED in summary.inner_text()
    assert page.title().startswith("Error: Change your password")
    assert page.get_by_label("Current password").input_value() == ""
    site.assert_accessible()

    # The error summary's link takes focus to the field.
    page.get_by_role("link", name=CURRENT_PASSWORD_WRONG).click()
    assert page.evaluate("document.activeElement.id") == "current_password"

    # "Show" reveals what was typed, for people who need to check it.
    page.get_by_label("Current password").fill(PASSWORD)
    page.locator("#current_password ~ button", has_text="Show").click()
    assert page.get_by_label("Current password").get_attribute("type") == "text"
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    site.follow(page.get_by_role("button", name="Change password"))

    assert page.url == site.url("home")
    banner = page.locator(".govuk-notification-banner--success")
    assert "You have changed your password" in banner.inner_text()
    site.assert_accessible()

    # Still signed in; and the new password is the one that signs in next time.
    site.follow(page.get_by_role("button", name="Sign out"))
    site.sign_in("caseworker", NEW)
    assert page.url == site.url("home")
    assert not [line for line in console if "Permissions-Policy" in line], console
