import re

import pytest
from django.urls import reverse

from sendplan.accounts.forms import SIGN_IN_FAILED
from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")


def _without_csrf(html: str) -> str:
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_sign_in_page_is_a_govuk_form_with_labelled_fields(client, db):
    response = client.get(SIGN_IN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="govuk-label" for="username">Username</label>' in html
    assert 'autocomplete="current-password"' in html
    assert 'data-module="govuk-password-input"' in html


def test_right_password_signs_in_and_rotates_the_session(client, cast):
    client.get(SIGN_IN)
    before = client.session.session_key
    response = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == cast.caseworker.pk


def test_wrong_password_reshows_the_username_but_never_the_password(client, cast):
    response = client.post(SIGN_IN, {"username": "caseworker", "password": "wrong-password-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="caseworker"' in html
    assert "wrong-password-1" not in html
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#username">{SIGN_IN_FAILED}</a>' in html
    assert "<title>Error: Sign in" in html


def test_wrong_password_and_unknown_username_give_the_same_page(client, cast):
    known = client.post(SIGN_IN, {"username": "caseworker", "password": "not-it-at-all"})
    unknown = client.post(SIGN_IN, {"username": "nobody-here", "password": "not-it-at-all"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.content.decode()).replace("caseworker", "X") == _without_csrf(
        unknown.content.decode()
    ).replace("nobody-here", "X")


def test_empty_sign_in_names_each_missing_field(client, db):
    html = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#username">Enter your username</a>' in html
    assert '<a href="#password">Enter your password</a>' in html
    assert 'id="password-error"' in html


def test_sign_in_follows_next_only_within_the_site(client, cast):
    ok = client.post(
        SIGN_IN, {"username": "caseworker", "password": PASSWORD, "next": "/learners/"}
    )
    assert ok["Location"] == "/learners/"
    client.logout()
    away = client.post(
        SIGN_IN,
        {"username": "caseworker", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert away["Location"] == reverse("home")


def test_signed_in_user_visiting_sign_in_goes_home(cast):
    response = cast.client_for(cast.caseworker).get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_in_refuses_other_methods(client, db):
    assert client.put(SIGN_IN).status_code == 405


def test_sign_out_is_post_only(cast):
    client = cast.client_for(cast.caseworker)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert "_auth_user_id" in client.session


def test_sign_out_ends_the_session(cast):
    client = cast.client_for(cast.caseworker)
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("learners:list")).status_code == 302


@pytest.mark.parametrize("path", ["/", "/learners/"])
def test_signed_out_visitor_is_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN + "?next=")


def test_inactive_account_gets_the_same_message_as_a_wrong_password(client, cast):
    cast.caseworker.is_active = False
    cast.caseworker.save()
    response = client.post(SIGN_IN, {"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 200
    assert f'<a href="#username">{SIGN_IN_FAILED}</a>' in response.content.decode()
    assert "_auth_user_id" not in client.session
