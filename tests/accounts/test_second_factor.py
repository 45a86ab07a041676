"""A second factor after the password, for everyone but parents and young people (ADR 0109).

These tests turn SENDPLAN_SECOND_FACTOR on; the rest of the suite runs with it off, as the
laptop demo does.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts.forms import CODE_NOT_SIX_DIGITS, CODE_WRONG, ENTER_CODE
from sendplan.accounts.models import Organisation, Role
from sendplan.accounts.second_factor import grouped, otpauth_uri, secret_key
from tests.accounts.helpers import (
    CODE,
    HOME,
    NEEDS_LINK,
    RECOVERY,
    SET_UP,
    SIGN_IN,
    app_for,
    code_for,
    guarded_paths,
    issue_link,
    link_path,
    sign_in,
    wrong_code_for,
)
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SENDPLAN_SECOND_FACTOR = True


@pytest.mark.parametrize("who", ["caseworker", "la_colleague", "senco", "health"])
def test_password_alone_reaches_no_page_for_staff(cast, who):
    client = cast.client_for(getattr(cast, who))
    app_for(getattr(cast, who))
    paths = guarded_paths()
    assert {HOME, "/learners/", reverse("learners:record", args=[1])} <= set(paths)
    for path in paths:
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 302, path
            assert response["Location"].startswith(CODE + "?next="), path


def test_password_sends_staff_to_the_code_page_keeping_where_they_were_going(client, cast):
    app_for(cast.caseworker)
    response = sign_in(client, "caseworker", next="/learners/")
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Flearners%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        '<label class="govuk-label govuk-label--l" for="code">'
        "Enter the 6-digit code from your authenticator app</label>" in html
    )
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    # No section links: every one would come straight back here (sign out is in the header).
    assert f'href="{reverse("learners:list")}"' not in html
    assert 'value="/learners/"' in html


def test_a_correct_code_reaches_the_page_asked_for(client, cast):
    device = app_for(cast.caseworker)
    sign_in(client, "caseworker", next="/learners/")
    before = client.session.session_key
    response = client.post(CODE, {"code": code_for(device), "next": "/learners/"})
    assert response.status_code == 302
    assert response["Location"] == "/learners/"
    assert client.session.session_key != before
    assert client.get("/learners/").status_code == 200
    assert client.get(HOME).status_code == 200


def test_the_code_may_be_typed_with_a_space(client, cast):
    device = app_for(cast.caseworker)
    sign_in(client, "caseworker")
    code = code_for(device)
    response = client.post(CODE, {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused_with_the_error_summary(client, cast):
    device = app_for(cast.caseworker)
    sign_in(client, "caseworker")
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Enter the 6-digit code" in html
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#code">{CODE_WRONG}</a>' in html
    assert 'id="code-error"' in html
    assert 'aria-describedby="code-hint code-error"' in html
    assert wrong not in html
    assert client.get(HOME)["Location"].startswith(CODE)


@pytest.mark.parametrize(
    "typed, message",
    [("", ENTER_CODE), ("12345", CODE_NOT_SIX_DIGITS), ("12a456", CODE_NOT_SIX_DIGITS)],
)
def test_a_missing_or_misshapen_code_says_what_to_do(client, cast, typed, message):
    app_for(cast.caseworker)
    sign_in(client, "caseworker")
    html = client.post(CODE, {"code": typed}).content.decode()
    assert f'<a href="#code">{message}</a>' in html


def test_after_a_wrong_code_the_next_try_must_wait_even_if_right(client, cast):
    device = app_for(cast.caseworker)
    with time_machine.travel("2026-11-30 10:00:00+00:00", tick=False):
        sign_in(client, "caseworker")
        client.post(CODE, {"code": "000000" if code_for(device) != "000000" else "111111"})
        response = client.post(CODE, {"code": code_for(device)})
        html = response.content.decode()
        assert response.status_code == 200
        assert "You have entered too many wrong codes. Wait 1 second, then enter a new code" in html
        assert client.get(HOME)["Location"].startswith(CODE)


def test_a_code_works_once(client, cast):
    device = app_for(cast.caseworker)
    with time_machine.travel("2026-11-30 10:00:00+00:00", tick=False):
        sign_in(client, "caseworker")
        code = code_for(device)
        assert client.post(CODE, {"code": code}).status_code == 302
        client.post(reverse("accounts:sign-out"))
        sign_in(client, "caseworker")
        response = client.post(CODE, {"code": code})
    assert f'<a href="#code">{CODE_WRONG}</a>' in response.content.decode()


def test_sign_out_ends_the_verification(client, cast):
    device = app_for(cast.caseworker)
    sign_in(client, "caseworker")
    client.post(CODE, {"code": code_for(device)})
    assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:sign-out"))
    response = sign_in(client, "caseworker")
    assert response["Location"].startswith(CODE)
    assert client.get(HOME)["Location"].startswith(CODE)


def test_staff_with_a_set_up_link_set_up_an_app_and_confirm_it_with_a_first_code(client, cast):
    issued = issue_link(cast.caseworker)
    client.get(link_path(issued))
    response = sign_in(client, "caseworker", next="/learners/")
    assert response["Location"] == f"{SET_UP}?next=%2Flearners%2F"
    # The code page sends them to set up too, and every other page does.
    assert client.get(CODE)["Location"].startswith(SET_UP)
    assert client.get(HOME)["Location"].startswith(SET_UP)
    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=cast.caseworker)
    assert not device.confirmed
    key = secret_key(device)
    assert len(key) == 32
    assert f'<code id="secret-key">{grouped(key)}</code>' in html
    assert re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", grouped(key))
    assert "otpauth://totp/SENDplan%3Acaseworker?secret=" + key in html.replace("&amp;", "&")
    assert otpauth_uri(device).endswith("&algorithm=SHA1&digits=6&period=30")
    # The key stays the same when the page is shown again.
    assert f'<code id="secret-key">{grouped(key)}</code>' in client.get(SET_UP).content.decode()
    assert TOTPDevice.objects.filter(user=cast.caseworker).count() == 1

    wrong = client.post(SET_UP, {"code": "12345", "next": "/learners/"})
    assert f'<a href="#code">{CODE_NOT_SIX_DIGITS}</a>' in wrong.content.decode()
    done = client.post(SET_UP, {"code": code_for(device), "next": "/learners/"})
    # The recovery codes come next, once, with the way on to the page asked for.
    assert done.status_code == 200
    assert 'href="/learners/"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/learners/").status_code == 200
    # Set up once: the set-up page is no way to swap the app for another.
    assert client.get(SET_UP)["Location"] == HOME


def test_a_wrong_first_code_leaves_the_app_unconfirmed(client, cast):
    client.get(link_path(issue_link(cast.caseworker)))
    sign_in(client, "caseworker")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=cast.caseworker)
    html = client.post(SET_UP, {"code": wrong_code_for(device)}).content.decode()
    assert f'<a href="#code">{CODE_WRONG}</a>' in html
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME)["Location"].startswith(SET_UP)


def test_an_administrator_needs_the_second_factor(client, db):
    la = OrganisationFactory()
    MembershipFactory(user=UserFactory(username="la-admin"), organisation=la, role=Role.ADMIN)
    assert sign_in(client, "la-admin")["Location"].startswith(NEEDS_LINK)


@pytest.mark.parametrize("role", [Role.EP, Role.SOCIAL_WORKER])
def test_other_professionals_need_the_second_factor(client, db, role):
    org = OrganisationFactory(kind=Organisation.Kind.SOCIAL_CARE)
    MembershipFactory(user=UserFactory(username="pro"), organisation=org, role=role)
    assert sign_in(client, "pro")["Location"].startswith(NEEDS_LINK)


def test_parents_are_not_asked_for_a_second_factor(client, cast):
    response = sign_in(client, "parent")
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(CODE)["Location"] == HOME
    assert not TOTPDevice.objects.filter(user=cast.parent).exists()


def test_young_people_are_not_asked_for_a_second_factor(client, db):
    family = OrganisationFactory(kind=Organisation.Kind.FAMILY)
    MembershipFactory(user=UserFactory(username="yp"), organisation=family, role=Role.YOUNG_PERSON)
    assert sign_in(client, "yp")["Location"] == HOME


def test_a_parent_who_is_also_staff_is_asked(client, cast):
    MembershipFactory(user=cast.parent, organisation=cast.la, role=Role.LA_CASEWORKER)
    assert sign_in(client, "parent")["Location"].startswith(NEEDS_LINK)


def test_the_code_pages_send_a_signed_out_visitor_to_sign_in(client, db):
    for path in (CODE, SET_UP, RECOVERY, NEEDS_LINK):
        assert client.get(path)["Location"].startswith(SIGN_IN + "?next=")


def test_the_code_page_never_follows_next_off_the_site(client, cast):
    device = app_for(cast.caseworker)
    sign_in(client, "caseworker")
    response = client.post(CODE, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == HOME


def test_with_the_setting_off_the_password_is_enough(client, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = False
    app_for(cast.caseworker)
    assert sign_in(client, "caseworker")["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(CODE)["Location"] == HOME


def test_a_password_only_session_does_not_open_the_admin(client, db):
    staff = UserFactory(username="admin-person", is_staff=True, is_superuser=True)
    app_for(staff)
    assert sign_in(client, "admin-person")["Location"].startswith(CODE)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    # Nor does the admin's own sign-in page without a code.
    client.post(reverse("admin:login"), {"username": "admin-person", "password": PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_code_passed_on_the_service_also_counts_in_the_admin(client, db):
    staff = UserFactory(username="admin-person", is_staff=True, is_superuser=True)
    device = app_for(staff)
    sign_in(client, "admin-person")
    client.post(CODE, {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200
