"""The second factor in a real browser, with axe-core on each of its pages (ADR 0109)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.browser


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_a_caseworker_sets_up_an_app_then_signs_in_with_a_code(site, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    site.sign_in("caseworker")
    assert "/account/second-factor/set-up/" in site.page.url
    site.assert_accessible()
    assert len(site.page.locator("#secret-key").inner_text().split()) == 8

    code_box = site.page.get_by_label("Enter the 6-digit code from your authenticator app")
    code_box.fill("12345")
    site.press_and_wait("Enter")
    assert site.page.locator(".govuk-error-summary").is_visible()
    site.assert_accessible()

    device = TOTPDevice.objects.get(user=cast.caseworker)
    code_box.fill(_code(device))
    site.press_and_wait("Enter")
    assert site.page.url == site.url("web:home")

    site.follow(site.page.get_by_role("button", name="Sign out"))
    site.sign_in("caseworker")
    assert "/account/second-factor/?" in site.page.url
    site.assert_accessible()
    site.page.get_by_label("Enter the 6-digit code from your authenticator app").fill("000000")
    site.press_and_wait("Enter")
    assert "There is a problem" in site.page.locator(".govuk-error-summary").inner_text()
    site.assert_accessible()
