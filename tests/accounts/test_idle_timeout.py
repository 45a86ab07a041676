"""Signing out after a period of inactivity, under the session's absolute limit (ADR 0109,
decision 10). The clock is frozen and moved by hand either side of each boundary."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sendplan.accounts import idle
from tests.accounts.helpers import HOME, SIGN_IN, sign_in
from tests.learners.test_change_views import _form

KEEP_ALIVE = reverse("accounts:keep-alive")
SIGN_OUT = reverse("accounts:sign-out")
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
MESSAGE = (
    "You were signed out because you had not done anything for 30 minutes. "
    "Sign in again to continue."
)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _record(cast) -> str:
    return reverse("learners:record", args=[cast.learner.pk])


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _query(response) -> dict[str, list[str]]:
    return parse_qs(urlsplit(response["Location"]).query)


@pytest.mark.parametrize("who", ["caseworker", "senco", "health", "parent"])
def test_a_request_within_the_idle_period_keeps_the_session(cast, clock, who):
    client = cast.client_for(getattr(cast, who))
    assert client.get(HOME).status_code == 200
    clock.shift(dt.timedelta(minutes=29, seconds=59))
    assert client.get(HOME).status_code == 200
    # Each request starts the idle period again.
    clock.shift(dt.timedelta(minutes=29, seconds=59))
    assert client.get(HOME).status_code == 200
    assert _signed_in(client)


@pytest.mark.parametrize("who", ["caseworker", "senco", "health", "parent"])
def test_after_the_idle_period_the_user_is_signed_out_and_sent_to_sign_in(cast, clock, who):
    client = cast.client_for(getattr(cast, who))
    client.get(HOME)
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = client.get(_record(cast) + "?tab=needs")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == SIGN_IN
    assert _query(response) == {"signed-out": ["inactive"], "next": [_record(cast) + "?tab=needs"]}
    assert not _signed_in(client)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert MESSAGE in html
    assert f'name="next" value="{_record(cast)}?tab=needs"' in html


def test_signing_in_again_returns_to_the_page_asked_for(cast, clock):
    client = cast.client_for(cast.caseworker)
    client.get(HOME)
    clock.shift(dt.timedelta(hours=1))
    response = client.get(_record(cast))
    assert not _signed_in(client)
    again = sign_in(client, "caseworker", next=_query(response)["next"][0])
    assert again["Location"] == _record(cast)
    assert client.get(_record(cast)).status_code == 200


def test_the_message_uses_the_configured_period(cast, clock, settings):
    settings.SENDPLAN_IDLE_MINUTES = 45
    client = cast.client_for(cast.parent)
    client.get(HOME)
    clock.shift(dt.timedelta(minutes=44))
    assert client.get(HOME).status_code == 200
    clock.shift(dt.timedelta(minutes=45, seconds=1))
    page = client.get(client.get(HOME)["Location"])
    assert "had not done anything for 45 minutes." in page.content.decode()


def test_the_sign_in_page_says_nothing_about_timing_out_otherwise(client, db):
    assert "You were signed out" not in client.get(SIGN_IN).content.decode()


def test_a_post_after_the_timeout_is_not_processed(cast, clock):
    client = cast.client_for(cast.caseworker)
    change = reverse("learners:change", args=[cast.learner.pk])
    client.get(change)
    clock.shift(dt.timedelta(minutes=31))
    response = client.post(
        change,
        _form(cast.learner, postcode="SE11 5QY"),
        HTTP_REFERER=f"http://testserver{change}",
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == SIGN_IN
    assert _query(response)["next"] == [change]
    cast.learner.refresh_from_db()
    assert cast.learner.postcode != "SE11 5QY"
    assert cast.learner.lock == 1
    assert not _signed_in(client)


def test_a_post_from_another_site_gets_no_next(cast, clock):
    client = cast.client_for(cast.caseworker)
    client.get(HOME)
    clock.shift(dt.timedelta(minutes=31))
    response = client.post(KEEP_ALIVE, HTTP_REFERER="https://elsewhere.example/x")
    assert _query(response) == {"signed-out": ["inactive"]}


def test_the_same_post_in_time_is_processed(cast, clock):
    client = cast.client_for(cast.caseworker)
    change = reverse("learners:change", args=[cast.learner.pk])
    client.get(change)
    clock.shift(dt.timedelta(minutes=29))
    response = client.post(change, _form(cast.learner, postcode="SE11 5QY"))
    assert response["Location"] == _record(cast)
    cast.learner.refresh_from_db()
    assert cast.learner.postcode == "SE11 5QY"


def test_signing_out_and_the_sign_in_page_are_not_timed(cast, clock):
    client = cast.client_for(cast.caseworker)
    client.get(HOME)
    clock.shift(dt.timedelta(hours=1))
    assert client.post(SIGN_OUT)["Location"] == SIGN_IN
    assert not _signed_in(client)

    client = cast.client_for(cast.caseworker)
    client.get(HOME)
    clock.shift(dt.timedelta(hours=1))
    # Still signed in here, so the sign-in page sends them on; the next page times out.
    assert client.get(SIGN_IN)["Location"] == HOME
    assert _signed_in(client)
    assert "signed-out=inactive" in client.get(HOME)["Location"]


def test_signed_in_pages_load_the_warning_script_and_the_sign_in_page_does_not(cast, clock):
    html = cast.client_for(cast.parent).get(HOME).content.decode()
    assert 'src="/static/sendplan/idle-timeout.mjs"' in html
    assert 'data-idle-seconds="1800"' in html
    assert 'data-warning-seconds="120"' in html
    ends = int((START + dt.timedelta(hours=8)).timestamp())
    assert f'data-session-ends="{ends}"' in html
    assert f'data-keep-alive-url="{KEEP_ALIVE}"' in html
    assert "idle-timeout.mjs" not in Client().get(SIGN_IN).content.decode()


@pytest.mark.parametrize("who", ["caseworker", "parent"])
def test_keep_alive_extends_the_idle_period(cast, clock, who):
    client = cast.client_for(getattr(cast, who))
    client.get(HOME)
    clock.shift(dt.timedelta(minutes=25))
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 204
    assert response.content == b""
    clock.shift(dt.timedelta(minutes=25))
    assert client.get(HOME).status_code == 200


def test_keep_alive_never_passes_the_absolute_limit(cast, clock):
    client = cast.client_for(cast.caseworker)
    client.get(HOME)
    ends = START + dt.timedelta(hours=8)
    assert client.session.get_expiry_date() == ends
    for _ in range(7 * 3 + 2):  # every 20 minutes for 7 hours 40 minutes
        clock.shift(dt.timedelta(minutes=20))
        assert client.post(KEEP_ALIVE).status_code == 204
        assert client.session.get_expiry_date() == ends
    clock.shift(dt.timedelta(minutes=19, seconds=59))
    assert client.post(KEEP_ALIVE).status_code == 204
    clock.shift(dt.timedelta(seconds=1))
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == SIGN_IN
    assert "signed-out" not in _query(response)
    assert not _signed_in(client)


def test_the_absolute_limit_is_eight_hours_from_signing_in_not_from_the_first_page(cast, clock):
    client = cast.client_for(cast.caseworker)
    sign_in(client, "caseworker")
    clock.shift(dt.timedelta(minutes=10))
    client.get(HOME)
    assert client.session.get_expiry_date() == START + dt.timedelta(hours=8)
    assert client.session[idle.STARTED_KEY] == START.timestamp()


def test_keep_alive_needs_sign_in_and_a_post(cast, client, clock):
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == SIGN_IN
    assert cast.client_for(cast.parent).get(KEEP_ALIVE).status_code == 405


def test_keep_alive_checks_the_csrf_token(cast, clock):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.caseworker)
    assert client.post(KEEP_ALIVE).status_code == 403
