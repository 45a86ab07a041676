import re

import time_machine
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")


def _comparable(response) -> str:
    # The CSP nonce changes on every response; nothing else may differ.
    return re.sub(r'nonce="[^"]+"', "", response.content.decode())


def _fail(client, username, times, **extra):
    last = None
    for _ in range(times):
        last = client.post(SIGN_IN, {"username": username, "password": "not-the-password"}, **extra)
    return last


def test_sign_in_is_locked_after_the_failure_limit_even_with_the_right_password(client, cast):
    _fail(client, "caseworker", settings.AXES_FAILURE_LIMIT)
    response = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Wait 15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, cast):
    _fail(client, "caseworker", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 302


def test_lockout_page_is_the_same_for_an_unknown_username_and_never_repeats_it(client, cast):
    known = _fail(client, "caseworker", settings.AXES_FAILURE_LIMIT + 1)
    unknown = _fail(client, "no-such-person", settings.AXES_FAILURE_LIMIT + 1)
    assert known.status_code == unknown.status_code == 429
    assert _comparable(known) == _comparable(unknown)
    assert "caseworker" not in known.content.decode()
    assert "no-such-person" not in unknown.content.decode()


def test_lockout_is_by_username_and_address_together(client, cast):
    _fail(client, "caseworker", settings.AXES_FAILURE_LIMIT)
    # The same council address, another colleague: not locked.
    other_user = client.post(SIGN_IN, {"username": "manager", "password": PASSWORD})
    assert other_user.status_code == 302
    # The same username from another address: not locked either.
    elsewhere = client.post(
        SIGN_IN, {"username": "caseworker", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert elsewhere.status_code == 302


def test_lockout_ends_after_the_cool_off(client, cast):
    with time_machine.travel("2026-01-05 09:00:00+00:00", tick=False):
        _fail(client, "caseworker", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel("2026-01-05 09:16:00+00:00", tick=False):
        after = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert after.status_code == 302


def test_lockout_still_holds_just_before_the_cool_off_ends(client, cast):
    with time_machine.travel("2026-01-05 09:00:00+00:00", tick=False):
        _fail(client, "caseworker", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel("2026-01-05 09:14:00+00:00", tick=False):
        still = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert still.status_code == 429
