"""The second factor in a real browser, with axe-core on each of its pages (ADR 0109)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import services

pytestmark = pytest.mark.browser


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_without_a_set_up_link_a_caseworker_is_told_to_ask_for_one(site, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    site.sign_in("caseworker")
    assert "/account/second-factor/set-up-link-needed/" in site.page.url
    assert site.page.get_by_role("heading", level=1).inner_text() == "You need a set-up link"
    assert site.page.locator("#secret-key").count() == 0
    site.assert_accessible()


def test_a_caseworker_sets_up_an_app_then_signs_in_with_a_code(site, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    issued = services.enrolment_link_issue(user=cast.caseworker)
    site.page.goto(site.base + reverse("accounts:set-up-link", args=[issued.token]))
    assert "/account/sign-in/" in site.page.url
    site.sign_in("caseworker")
    assert "/account/second-factor/set-up/" in site.page.url
    site.assert_accessible()
    assert len(site.page.locator("#secret-key").inner_text().split()) == 8
    qr_code = site.page.get_by_role("img", name="QR code to scan with your authenticator app")
    assert qr_code.is_visible()
    assert qr_code.bounding_box()["width"] >= 150

    code_box = site.page.get_by_label("Enter the 6-digit code from your authenticator app")
    code_box.fill("12345")
    site.press_and_wait("Enter")
    assert site.page.locator(".govuk-error-summary").is_visible()
    site.assert_accessible()

    device = TOTPDevice.objects.get(user=cast.caseworker)
    code_box.fill(_code(device))
    site.press_and_wait("Enter")
    assert site.page.locator(".govuk-panel__title").inner_text() == (
        "Your authenticator app is set up"
    )
    codes = site.page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    site.assert_accessible()
    site.follow(site.page.get_by_role("button", name="I have saved my recovery codes"))
    assert site.page.url == site.url("home")

    site.follow(site.page.get_by_role("button", name="Sign out"))
    site.sign_in("caseworker")
    assert "/account/second-factor/?" in site.page.url
    site.assert_accessible()
    site.page.get_by_label("Enter the 6-digit code from your authenticator app").fill("000000")
    site.press_and_wait("Enter")
    assert "There is a problem" in site.page.locator(".govuk-error-summary").inner_text()
    site.assert_accessible()

    # A recovery code instead of the app.
    site.follow(site.page.get_by_role("link", name="Use a recovery code"))
    site.assert_accessible()
    site.page.get_by_label("Enter a recovery code").fill(codes[0])
    site.press_and_wait("Enter")
    assert "You have 9 recovery codes left." in site.page.locator("#codes-left").inner_text()
    site.assert_accessible()
    site.follow(site.page.get_by_role("button", name="Continue"))
    assert site.page.url == site.url("home")


def test_a_used_set_up_link_says_so(site, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    issued = services.enrolment_link_issue(user=cast.caseworker)
    issued.link.used_at = issued.link.issued_at
    issued.link.save(update_fields=["used_at"])
    site.page.goto(site.base + reverse("accounts:set-up-link", args=[issued.token]))
    heading = site.page.get_by_role("heading", level=1).inner_text()
    assert heading == "This set-up link has already been used"
    site.assert_accessible()
