"""A signed-in user changes their password, giving the current one; new passwords found in the
shipped breach list are refused offline (ADR 0120)."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sendplan.accounts.forms import (
    CURRENT_PASSWORD_WRONG,
    ENTER_CURRENT_PASSWORD,
    PASSWORD_UNCHANGED,
    PASSWORDS_DIFFER,
)
from sendplan.accounts.passwords import BREACHED, BreachedPasswordValidator
from sendplan.accounts.views import PASSWORD_CHANGED
from tests.factories import PASSWORD

CHANGE = reverse("accounts:change-password")
HOME = reverse("home")
SIGN_IN = reverse("accounts:sign-in")
NEW = "a-fresh-long-passphrase-for-tests"


def _change(client, current=PASSWORD, new=NEW, again=None):
    return client.post(
        CHANGE,
        {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if again is None else again,
        },
    )


# The validator


@pytest.mark.parametrize(
    "password",
    ["password123456", "iloveyou12345", "correcthorsebatterystaple", "PASSWORD123456"],
)
def test_breached_passwords_are_refused_with_a_clear_message(password):
    with pytest.raises(ValidationError) as refused:
        BreachedPasswordValidator().validate(password)
    assert refused.value.messages == [BREACHED]


@pytest.mark.parametrize("password", [NEW, "correct-horse-battery-staple", "short"])
def test_passwords_not_in_the_list_pass_this_validator(password):
    BreachedPasswordValidator().validate(password)


def test_the_validator_is_one_of_the_services_password_validators():
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("correcthorsebatterystaple")
    assert BREACHED in refused.value.messages
    # Django's own list of 20,000 does not know it: only the large list refuses it.
    common = password_validation.CommonPasswordValidator()
    common.validate("correcthorsebatterystaple")


# The page


def test_the_page_is_linked_from_every_signed_in_page(cast):
    html = cast.client_for(cast.caseworker).get(HOME).content.decode()
    assert f'href="{CHANGE}">Change password</a>' in html


def test_the_page_asks_for_the_current_password_and_a_new_one_twice(cast):
    response = cast.client_for(cast.parent).get(CHANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Change your password</h1>' in html
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert 'type="password"' in html


def test_changing_the_password_keeps_this_session_and_ends_others(cast):
    client = cast.client_for(cast.caseworker)
    elsewhere = cast.client_for(cast.caseworker)
    before = client.session.session_key
    response = _change(client)
    assert response.status_code == 302
    assert response["Location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    assert PASSWORD_CHANGED in home.content.decode()
    assert client.session.session_key != before
    assert elsewhere.get(HOME)["Location"].startswith(SIGN_IN)
    cast.caseworker.refresh_from_db()
    assert cast.caseworker.check_password(NEW)
    fresh = Client()
    assert fresh.post(SIGN_IN, {"username": "caseworker", "password": NEW}).status_code == 302


def test_a_wrong_current_password_changes_nothing(cast):
    client = cast.client_for(cast.caseworker)
    response = _change(client, current="not-my-password-at-all")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#current_password">{CURRENT_PASSWORD_WRONG}</a>' in html
    assert "not-my-password-at-all" not in html
    assert NEW not in html
    cast.caseworker.refresh_from_db()
    assert cast.caseworker.check_password(PASSWORD)


def test_wrong_current_passwords_count_towards_the_sign_in_lockout(cast, settings):
    client = cast.client_for(cast.caseworker)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _change(client, current="not-my-password-at-all").status_code == 200
    locked = _change(client, current="not-my-password-at-all")
    assert locked.status_code == 429
    # Even the right one now waits.
    assert _change(client).status_code == 429
    cast.caseworker.refresh_from_db()
    assert cast.caseworker.check_password(PASSWORD)


def test_a_breached_new_password_is_refused_on_the_page(cast):
    client = cast.client_for(cast.caseworker)
    html = _change(client, new="correcthorsebatterystaple").content.decode()
    assert f'<a href="#new_password">{BREACHED}</a>' in html
    assert 'id="new_password-error"' in html
    cast.caseworker.refresh_from_db()
    assert cast.caseworker.check_password(PASSWORD)


@pytest.mark.parametrize(
    "fields, anchor, message",
    [
        ({"current": ""}, "current_password", ENTER_CURRENT_PASSWORD),
        ({"again": "something-else-entirely"}, "confirm_password", PASSWORDS_DIFFER),
        ({"new": PASSWORD}, "new_password", PASSWORD_UNCHANGED),
        ({"new": "short"}, "new_password", "at least 12 characters"),
    ],
)
def test_each_problem_is_named_against_its_field(cast, fields, anchor, message):
    client = cast.client_for(cast.caseworker)
    html = _change(client, **fields).content.decode()
    assert "<title>Error: Change your password" in html
    assert f'<a href="#{anchor}">' in html
    assert message in html
    cast.caseworker.refresh_from_db()
    assert cast.caseworker.check_password(PASSWORD)


def test_signed_out_visitors_are_sent_to_sign_in(client, cast):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_wrong_method_is_refused(cast):
    assert cast.client_for(cast.caseworker).put(CHANGE).status_code == 405
