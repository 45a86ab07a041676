"""Password spraying: one address trying one password against many usernames is held after
SENDPLAN_ADDRESS_FAILURE_LIMIT different usernames have failed (ADR 0120). The address is the
one sendplan.core.client_address finds, behind AXES_PROXY_COUNT trusted proxies."""

from __future__ import annotations

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from sendplan.core.client_address import client_address
from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")
ADMIN_SIGN_IN = reverse("admin:login")
LIMIT = 4


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.SENDPLAN_ADDRESS_FAILURE_LIMIT = LIMIT


def _spray(client, count, *, start=0, path=SIGN_IN, **extra):
    """One wrong password each for `count` different usernames; the last response."""
    last = None
    for n in range(start, start + count):
        last = client.post(path, {"username": f"person-{n}", "password": "Summer2026!!"}, **extra)
    return last


def test_spraying_usernames_from_one_address_holds_it_at_the_limit(client, cast):
    below = _spray(client, LIMIT - 1)
    assert below.status_code == 200
    reaching = _spray(client, 1, start=LIMIT - 1)
    assert reaching.status_code == 429
    assert "Wait 15 minutes" in reaching.content.decode()
    # Held: even a colleague with the right password, from the same address, waits.
    held = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert held.status_code == 429
    assert "_auth_user_id" not in client.session


def test_forty_usernames_get_no_more_than_the_limit_of_real_tries(client, cast):
    statuses = [
        client.post(SIGN_IN, {"username": f"person-{n}", "password": "Summer2026!!"}).status_code
        for n in range(40)
    ]
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert set(statuses[LIMIT - 1 :]) == {429}


def test_another_address_is_not_held(client, cast):
    _spray(client, LIMIT)
    elsewhere = client.post(
        SIGN_IN, {"username": "caseworker", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert elsewhere.status_code == 302


def test_one_person_mistyping_many_times_counts_as_one_username(client, cast):
    for _ in range(3):
        client.post(SIGN_IN, {"username": "caseworker", "password": "not-the-password"})
    _spray(client, LIMIT - 2)
    # One username short of the limit: a colleague still signs in.
    assert client.post(SIGN_IN, {"username": "manager", "password": PASSWORD}).status_code == 302


def test_a_username_that_then_signs_in_stops_counting(client, cast):
    client.post(SIGN_IN, {"username": "caseworker", "password": "not-the-password"})
    client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    client.logout()
    _spray(client, LIMIT - 1)
    assert client.post(SIGN_IN, {"username": "manager", "password": PASSWORD}).status_code == 302


def test_the_hold_ends_after_the_cool_off(client, cast):
    with time_machine.travel("2026-01-05 09:00:00+00:00", tick=False):
        _spray(client, LIMIT)
    with time_machine.travel("2026-01-05 09:14:00+00:00", tick=False):
        still = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
        assert still.status_code == 429
    with time_machine.travel("2026-01-05 09:16:00+00:00", tick=False):
        after = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert after.status_code == 302


def test_tries_while_held_do_not_push_the_end_back(client, cast):
    with time_machine.travel("2026-01-05 09:00:00+00:00", tick=False):
        _spray(client, LIMIT)
    with time_machine.travel("2026-01-05 09:10:00+00:00", tick=False):
        assert _spray(client, 5, start=100).status_code == 429
    with time_machine.travel("2026-01-05 09:16:00+00:00", tick=False):
        after = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert after.status_code == 302


def test_the_admin_sign_in_counts_and_is_held_too(client, cast):
    _spray(client, LIMIT, path=ADMIN_SIGN_IN)
    held = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert held.status_code == 429


# Behind a proxy


def test_behind_a_proxy_clients_are_told_apart_by_the_forwarded_address(client, cast, settings):
    settings.SENDPLAN_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    _spray(client, LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    # The same proxy, another client: not held.
    other = client.post(
        SIGN_IN,
        {"username": "caseworker", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert other.status_code == 302


def test_behind_a_proxy_a_forged_forwarded_entry_does_not_escape_the_hold(client, cast, settings):
    settings.SENDPLAN_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    _spray(client, LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    # The client writes its own entry first; our proxy appends the real address after it.
    forged = client.post(
        SIGN_IN,
        {"username": "caseworker", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66",
        **proxy,
    )
    assert forged.status_code == 429


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "203.0.113.9", "10.0.0.2"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 192.0.2.1", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(settings, count, forwarded, expected):
    settings.SENDPLAN_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
