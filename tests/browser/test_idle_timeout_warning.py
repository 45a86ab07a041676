"""The warning before the idle timeout in a real browser (ADR 0109, decision 10).

The idle period is shortened to 2 minutes 6 seconds, so the warning, which comes 2 minutes
before the timeout, opens about 6 seconds after the page loads.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_warning_opens_takes_focus_and_lets_the_user_stay_signed_in(site, cast, settings):
    settings.SENDPLAN_IDLE_MINUTES = 2.1
    site.sign_in("parent")
    page = site.page
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible")
    stay = dialog.get_by_role("button", name="Stay signed in")
    assert stay.evaluate("button => button.closest('dialog').contains(document.activeElement)")
    assert dialog.get_by_role("button", name="Sign out").is_visible()
    message = dialog.locator("[aria-live=polite]")
    assert message.inner_text() == (
        "You have not done anything for a while. You will be signed out in 2 minutes."
    )
    site.assert_accessible()

    with page.expect_response(lambda response: "/keep-alive/" in response.url) as answer:
        stay.click()
    assert answer.value.status == 204
    dialog.wait_for(state="hidden")
    assert page.url == site.url("home")


def test_sign_out_in_the_warning_signs_out(site, cast, settings):
    settings.SENDPLAN_IDLE_MINUTES = 2.1
    site.sign_in("caseworker")
    dialog = site.page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible")
    site.follow(dialog.get_by_role("button", name="Sign out"))
    assert "/account/sign-in/" in site.page.url
    assert site.page.get_by_role("dialog").count() == 0
