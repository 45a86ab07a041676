"""Ten recovery codes when an app is set up, shown once; each works once in place of a code
from the app, throttled as app codes are (ADR 0109)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import services
from sendplan.accounts.forms import ENTER_RECOVERY_CODE, RECOVERY_CODE_SHAPE, RECOVERY_CODE_WRONG
from tests.accounts.helpers import (
    CODE,
    HOME,
    NEEDS_LINK,
    RECOVERY,
    SET_UP,
    app_for,
    code_for,
    issue_link,
    link_path,
    sign_in,
)


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SENDPLAN_SECOND_FACTOR = True


@pytest.fixture
def codes(cast) -> list[str]:
    """A caseworker with an app and a fresh set of recovery codes."""
    app_for(cast.caseworker)
    return services.recovery_codes_replace(user=cast.caseworker)


def _codes_on_page(html: str) -> list[str]:
    listed = re.search(r'<ul [^>]*id="recovery-codes">(.*?)</ul>', html, re.S)
    assert listed, "no list of recovery codes"
    return re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", listed[1])


def test_setting_up_an_app_shows_ten_recovery_codes_once(client, cast):
    client.get(link_path(issue_link(cast.caseworker)))
    sign_in(client, "caseworker", next="/learners/")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=cast.caseworker)
    page = client.post(SET_UP, {"code": code_for(device), "next": "/learners/"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-panel__title">Your authenticator app is set up</h1>' in html
    assert "Save your recovery codes" in html
    assert "You will not be able to see these codes again." in html
    assert 'href="/learners/"' in html
    shown = [code.replace(" ", "") for code in _codes_on_page(html)]
    assert len(shown) == 10 == len(set(shown))
    stored = StaticToken.objects.filter(device__user=cast.caseworker)
    assert sorted(shown) == sorted(stored.values_list("token", flat=True))
    # Nowhere to see them again: not in the session, and set-up is over.
    assert all(code not in str(dict(client.session.items())) for code in shown)
    assert client.get(SET_UP)["Location"] == HOME
    assert not any(code in client.get(HOME).content.decode() for code in shown)


def test_the_code_page_offers_a_recovery_code(client, codes):
    sign_in(client, "caseworker", next="/learners/")
    html = client.get(f"{CODE}?next=/learners/").content.decode()
    assert f'<a class="govuk-link" href="{RECOVERY}?next=/learners/">Use a recovery code</a>' in (
        html.replace("%2F", "/")
    )
    page = client.get(f"{RECOVERY}?next=/learners/").content.decode()
    assert '<label class="govuk-label govuk-label--l" for="code">Enter a recovery code</label>' in (
        page
    )


def test_a_recovery_code_signs_in_once(client, cast, codes):
    sign_in(client, "caseworker", next="/learners/")
    response = client.post(RECOVERY, {"code": codes[0], "next": "/learners/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "You have 9 recovery codes left." in html
    assert 'href="/learners/"' in html
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_static")
    assert client.get("/learners/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    client.post("/account/sign-out/")
    sign_in(client, "caseworker")
    again = client.post(RECOVERY, {"code": codes[0]})
    assert f'<a href="#code">{RECOVERY_CODE_WRONG}</a>' in again.content.decode()
    assert client.get(HOME)["Location"].startswith(CODE)


def test_case_spaces_and_dashes_in_a_recovery_code_do_not_matter(client, codes):
    sign_in(client, "caseworker")
    typed = f" {codes[1][:4].upper()}-{codes[1][4:]} "
    assert client.post(RECOVERY, {"code": typed}).status_code == 200
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize(
    "typed, message",
    [("", ENTER_RECOVERY_CODE), ("abc", RECOVERY_CODE_SHAPE), ("abcd efg1", RECOVERY_CODE_SHAPE)],
)
def test_a_missing_or_misshapen_recovery_code_says_what_to_do(client, codes, typed, message):
    sign_in(client, "caseworker")
    response = client.post(RECOVERY, {"code": typed})
    html = response.content.decode()
    assert f'<a href="#code">{message}</a>' in html
    assert "<title>Error: Enter a recovery code" in html
    assert client.get(HOME)["Location"].startswith(CODE)


def test_after_a_wrong_recovery_code_the_next_try_must_wait_even_if_right(client, codes):
    with time_machine.travel("2026-11-30 10:00:00+00:00", tick=False):
        sign_in(client, "caseworker")
        client.post(RECOVERY, {"code": "zzzzzzzz" if "zzzzzzzz" not in codes else "yyyyyyyy"})
        response = client.post(RECOVERY, {"code": codes[0]})
        html = response.content.decode()
        assert "You have entered too many wrong codes. Wait 1 second, then enter a new code" in html
        assert StaticToken.objects.filter(token=codes[0]).exists()
        assert client.get(HOME)["Location"].startswith(CODE)


def test_the_wait_doubles_after_each_wrong_recovery_code(cast, codes):
    device = StaticDevice.objects.get(user=cast.caseworker)
    with time_machine.travel("2026-11-30 10:00:00+00:00", tick=False) as traveller:
        for _ in range(3):
            assert not device.verify_token("zzzzzzzz")
            traveller.shift(60)
    device.refresh_from_db()
    assert device.throttling_failure_count == 3


def test_the_recovery_page_sends_a_user_with_no_app_to_get_a_link(client, cast):
    sign_in(client, "caseworker")
    assert client.get(RECOVERY)["Location"].startswith(NEEDS_LINK)


def test_the_recovery_page_lets_others_through(client, cast, codes):
    sign_in(client, "parent")
    assert client.get(RECOVERY)["Location"] == HOME


def test_new_recovery_codes_replace_the_old_ones(cast, codes):
    fresh = services.recovery_codes_replace(user=cast.caseworker)
    tokens = set(StaticToken.objects.filter(device__user=cast.caseworker).values_list("token"))
    assert {(code,) for code in fresh} == tokens
    assert StaticDevice.objects.filter(user=cast.caseworker).count() == 1
