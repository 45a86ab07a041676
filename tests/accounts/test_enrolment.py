"""Setting up an authenticator app needs a one-time set-up link as well as the password
(ADR 0109): the link is random, stored hashed, works once and expires."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import enrolment, services
from sendplan.accounts.enrolment import SESSION_KEY, LinkState
from sendplan.accounts.models import EnrolmentLink
from sendplan.accounts.second_factor import QR_CODE_LABEL, otpauth_uri, qr_code_svg
from tests.accounts.helpers import (
    CODE,
    HOME,
    NEEDS_LINK,
    SET_UP,
    SIGN_IN,
    app_for,
    code_for,
    guarded_paths,
    issue_link,
    link_path,
    sign_in,
)
from tests.factories import UserFactory

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SENDPLAN_SECOND_FACTOR = True


def _enrol(client, user, issued, next_url: str = "/"):
    """Open the link, sign in, confirm the app: the whole journey, returning the last page."""
    client.get(link_path(issued))
    sign_in(client, user.username)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(SET_UP, {"code": code_for(device), "next": next_url})


# Without a link, the password reaches nothing.


@pytest.mark.parametrize("who", ["caseworker", "senco", "health"])
def test_a_password_without_a_link_reaches_no_page_and_no_set_up(client, cast, who):
    user = getattr(cast, who)
    response = sign_in(client, user.username, next="/learners/")
    assert response["Location"] == f"{NEEDS_LINK}?next=%2Flearners%2F"
    for path in [SET_UP, CODE, *guarded_paths()]:
        for answer in (client.get(path), client.post(path)):
            assert answer.status_code == 302, path
            assert answer["Location"].startswith(NEEDS_LINK + "?next="), path
    # Nothing was made that could become an app.
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_page_without_a_link_says_to_ask_the_administrator_and_has_no_form(client, cast):
    sign_in(client, "caseworker")
    page = client.get(NEEDS_LINK)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>You need a set-up link – SENDplan</title>" in html
    assert '<h1 class="govuk-heading-l">You need a set-up link</h1>' in html
    assert "you need a set-up link from your organisation's SENDplan administrator" in html
    assert "for 72 hours" in html
    # No enrolment form: no key, no QR code, no code box. Only signing out.
    assert 'id="secret-key"' not in html
    assert "<svg" not in html
    assert 'name="code"' not in html
    assert html.count("<form") == 2  # the header's sign-out and this page's
    assert not TOTPDevice.objects.filter(user=cast.caseworker).exists()


def test_posting_a_code_to_set_up_without_a_link_confirms_nothing(client, cast):
    sign_in(client, "caseworker")
    response = client.post(SET_UP, {"code": "123456"})
    assert response["Location"].startswith(NEEDS_LINK)
    assert not TOTPDevice.objects.filter(user=cast.caseworker).exists()
    assert client.get(HOME)["Location"].startswith(NEEDS_LINK)


def test_the_page_without_a_link_lets_others_through(client, cast):
    app_for(cast.caseworker)
    sign_in(client, "caseworker")
    assert client.get(NEEDS_LINK)["Location"].startswith(CODE)
    sign_in(client, "parent")
    assert client.get(NEEDS_LINK)["Location"] == HOME


# A valid link.


def test_a_link_sends_a_signed_out_visitor_to_sign_in_then_to_set_up(client, cast):
    issued = issue_link(cast.caseworker)
    opened = client.get(link_path(issued))
    assert opened.status_code == 302
    assert opened["Location"] == SIGN_IN
    # The sign-in page says what comes next; the token is in no later address.
    page = client.get(SIGN_IN).content.decode()
    assert "You can then set up your authenticator app." in page
    assert issued.token not in page
    response = sign_in(client, "caseworker")
    assert response["Location"] == f"{SET_UP}?next=%2F"
    assert issued.token not in response["Location"]
    assert client.get(response["Location"]).status_code == 200


def test_a_valid_link_lets_the_user_enrol_and_is_then_used(client, cast):
    with time_machine.travel(NOW, tick=False):
        issued = issue_link(cast.caseworker)
        done = _enrol(client, cast.caseworker, issued, next_url="/learners/")
        # Still inside the frozen clock: the session is younger than the idle timeout.
        assert done.status_code == 200
        assert TOTPDevice.objects.get(user=cast.caseworker).confirmed
        link = EnrolmentLink.objects.get(pk=issued.link.pk)
        assert link.used_at == NOW
        assert SESSION_KEY not in client.session
        assert client.session[DEVICE_ID_SESSION_KEY]
        assert client.get("/learners/").status_code == 200


def test_a_link_opened_after_signing_in_goes_straight_to_set_up(client, cast):
    issued = issue_link(cast.caseworker)
    assert sign_in(client, "caseworker")["Location"].startswith(NEEDS_LINK)
    assert client.get(link_path(issued))["Location"] == SET_UP
    assert client.get(SET_UP).status_code == 200
    assert client.get(HOME)["Location"].startswith(SET_UP)


def test_a_link_does_not_replace_an_app_the_user_already_has(client, cast):
    app_for(cast.caseworker)
    issued = issue_link(cast.caseworker)
    client.get(link_path(issued))
    assert sign_in(client, "caseworker")["Location"].startswith(CODE)
    assert client.get(SET_UP)["Location"].startswith(CODE)
    assert TOTPDevice.objects.filter(user=cast.caseworker).count() == 1


def test_with_the_setting_off_a_link_changes_nothing(client, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = False
    client.get(link_path(issue_link(cast.caseworker)))
    assert sign_in(client, "caseworker")["Location"] == HOME
    assert client.get(SET_UP)["Location"] == HOME
    assert not TOTPDevice.objects.filter(user=cast.caseworker).exists()


# Used, expired and wrong links.


def test_a_used_link_is_refused_with_a_clear_message(client, cast):
    issued = issue_link(cast.caseworker)
    _enrol(client, cast.caseworker, issued)
    client.post(reverse("accounts:sign-out"))
    page = client.get(link_path(issued))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">This set-up link has already been used</h1>' in html
    assert "If you did not use it yourself, tell your administrator straight away." in html
    assert "Ask your organisation's SENDplan administrator for a new set-up link." in html
    assert SESSION_KEY not in client.session


def test_a_link_works_until_its_72_hours_are_up(client, cast):
    with time_machine.travel(NOW, tick=False):
        issued = issue_link(cast.caseworker)
    assert issued.link.expires_at == NOW + dt.timedelta(hours=72)
    with time_machine.travel(NOW + dt.timedelta(hours=72) - dt.timedelta(seconds=1), tick=False):
        assert client.get(link_path(issued))["Location"] == SIGN_IN
    client.logout()
    with time_machine.travel(NOW + dt.timedelta(hours=72), tick=False):
        page = client.get(link_path(issued))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">This set-up link has expired</h1>' in html
    assert "Set-up links work for 72 hours after they are sent." in html


def test_the_hours_come_from_the_setting(cast, settings):
    settings.SENDPLAN_ENROLMENT_LINK_HOURS = 2
    with time_machine.travel(NOW, tick=False):
        issued = issue_link(cast.caseworker)
    assert issued.link.expires_at == NOW + dt.timedelta(hours=2)
    assert issued.expires == "1 December 2026 at 11am"


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43])
def test_a_wrong_link_is_refused_with_a_clear_message(client, cast, token):
    issue_link(cast.caseworker)
    page = client.get(reverse("accounts:set-up-link", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">This set-up link is not valid</h1>' in html
    assert "Check that you copied the whole link." in html
    assert SESSION_KEY not in client.session


def test_a_new_link_replaces_an_unused_one(client, cast):
    first = issue_link(cast.caseworker)
    second = issue_link(cast.caseworker)
    assert enrolment.state_of(enrolment.link_for_token(first.token)) is LinkState.UNKNOWN
    assert "This set-up link is not valid" in client.get(link_path(first)).content.decode()
    assert client.get(link_path(second))["Location"] == SIGN_IN


def test_a_new_link_brings_a_new_key(client, cast):
    client.get(link_path(issue_link(cast.caseworker)))
    sign_in(client, "caseworker")
    client.get(SET_UP)
    old_key = TOTPDevice.objects.get(user=cast.caseworker).key
    issue_link(cast.caseworker)
    assert not TOTPDevice.objects.filter(user=cast.caseworker, key=old_key).exists()


def test_someone_elses_link_is_refused_to_a_signed_in_user(client, cast):
    issued = issue_link(cast.la_colleague)
    sign_in(client, "caseworker")
    html = client.get(link_path(issued)).content.decode()
    assert "This set-up link is for a different account" in html
    assert SESSION_KEY not in client.session
    assert client.get(HOME)["Location"].startswith(NEEDS_LINK)


def test_a_link_opened_before_someone_else_signs_in_does_not_set_them_up(client, cast):
    client.get(link_path(issue_link(cast.la_colleague)))
    assert sign_in(client, "caseworker")["Location"].startswith(NEEDS_LINK)
    html = client.get(NEEDS_LINK).content.decode()
    assert "This set-up link is for a different account" in html
    assert client.get(SET_UP)["Location"].startswith(NEEDS_LINK)


def test_a_link_that_expires_before_the_code_is_confirmed_sets_nothing_up(client, cast, settings):
    # An hour, so the session (8 hours) is still alive when the link has run out; and an
    # idle timeout longer than the wait, so that the session is not ended for inactivity.
    settings.SENDPLAN_ENROLMENT_LINK_HOURS = 1
    settings.SENDPLAN_IDLE_MINUTES = 180
    with time_machine.travel(NOW, tick=False):
        issued = issue_link(cast.caseworker)
        client.get(link_path(issued))
        sign_in(client, "caseworker")
        client.get(SET_UP)
    device = TOTPDevice.objects.get(user=cast.caseworker)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        response = client.post(SET_UP, {"code": code_for(device)})
        assert response["Location"].startswith(NEEDS_LINK)
        html = client.get(response["Location"]).content.decode()
    assert "This set-up link has expired" in html
    device.refresh_from_db()
    assert not device.confirmed
    assert EnrolmentLink.objects.get(pk=issued.link.pk).used_at is None


def test_a_link_used_in_another_session_meanwhile_is_refused(client, cast):
    issued = issue_link(cast.caseworker)
    client.get(link_path(issued))
    sign_in(client, "caseworker")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=cast.caseworker)
    with pytest.raises(services.EnrolmentRefused) as refused:
        EnrolmentLink.objects.filter(pk=issued.link.pk).update(used_at=timezone.now())
        services.second_factor_enrol(user=cast.caseworker, device=device, link=issued.link)
    assert refused.value.state is LinkState.USED
    device.refresh_from_db()
    assert not device.confirmed


# How links are made and kept.


def test_the_token_is_stored_only_as_its_sha256_digest(cast):
    issued = issue_link(cast.caseworker)
    row = EnrolmentLink.objects.filter(pk=issued.link.pk).values().get()
    assert row["token_digest"] == hashlib.sha256(issued.token.encode()).hexdigest()
    assert all(issued.token not in str(value) for value in row.values())
    assert issued.url.endswith(f"/account/set-up/{issued.token}/")


def test_tokens_are_random_and_at_least_128_bits(cast):
    tokens = {issue_link(cast.caseworker).token for _ in range(20)}
    assert len(tokens) == 20
    # token_urlsafe: 6 bits a character, so 43 characters carry 256 bits.
    assert all(len(token) >= 43 for token in tokens)


def test_the_link_is_built_on_the_service_address(cast, settings):
    settings.SENDPLAN_SERVICE_URL = "https://send.example.test/"
    issued = issue_link(cast.caseworker)
    assert issued.url == f"https://send.example.test/account/set-up/{issued.token}/"


def test_a_user_has_at_most_one_unused_link(cast):
    issued = issue_link(cast.caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentLink.objects.create(
            user=cast.caseworker,
            token_digest=enrolment.digest("another"),
            issued_at=issued.link.issued_at,
            expires_at=issued.link.expires_at,
        )


def test_no_token_code_or_username_reaches_the_log(client, cast, caplog):
    caplog.set_level(logging.DEBUG)
    issued = issue_link(cast.caseworker)
    client.get(reverse("accounts:set-up-link", args=["wrong-token"]))
    done = _enrol(client, cast.caseworker, issued)
    text = caplog.text
    assert "set-up link issued" in text and "second factor set up" in text
    assert issued.token not in text
    assert issued.link.token_digest not in text
    assert "wrong-token" not in text
    assert "caseworker" not in text
    assert all(code.replace(" ", "") not in text for code in done.context["codes"])


# The QR code.


def test_the_set_up_page_shows_the_address_as_an_svg_qr_code_with_a_text_alternative(client, cast):
    client.get(link_path(issue_link(cast.caseworker)))
    sign_in(client, "caseworker")
    html = client.get(SET_UP).content.decode()
    device = TOTPDevice.objects.get(user=cast.caseworker)
    svg = str(qr_code_svg(otpauth_uri(device)))
    assert f'<div class="govuk-!-margin-bottom-6" id="qr-code">{svg}</div>' in html
    assert svg.startswith(f'<svg role="img" aria-label="{QR_CODE_LABEL}" ')
    assert "<path" in svg and svg.endswith("</svg>")
    # Presentation attributes only: the CSP refuses inline styles, and no data: address.
    assert "style=" not in svg
    assert "data:" not in svg
    # The key stays as text for people who cannot scan.
    assert 'id="secret-key"' in html


def test_the_qr_code_changes_with_the_address():
    first = qr_code_svg("otpauth://totp/SENDplan%3Aa?secret=AAAAAAAAAAAAAAAA")
    second = qr_code_svg("otpauth://totp/SENDplan%3Aa?secret=BBBBBBBBBBBBBBBB")
    assert first != second


# Reset in the admin.


@pytest.fixture
def verified_admin(client, db):
    staff = UserFactory(username="admin-person", is_staff=True, is_superuser=True)
    device = app_for(staff)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return staff


def test_reset_in_the_admin_removes_the_apps_and_shows_a_fresh_link(client, cast, verified_admin):
    old = app_for(cast.caseworker)
    services.recovery_codes_replace(user=cast.caseworker)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator_app", "_selected_action": [cast.caseworker.pk]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticDevice.objects.filter(user=cast.caseworker).exists()
    link = EnrolmentLink.objects.get(user=cast.caseworker, used_at__isnull=True)
    assert link.issued_by == verified_admin
    [token] = re.findall(r"http://127\.0\.0\.1:8000/account/set-up/([\w-]+)/", html)
    assert enrolment.digest(token) == link.token_digest
    assert "caseworker" in html
    # Not kept in a message for a later page.
    assert "messages" not in response.cookies
    assert not LogEntry.objects.filter(change_message__contains=token).exists()

    # The link now lets the user set up a new app.
    other = Client()
    other.get(f"/account/set-up/{token}/")
    assert sign_in(other, "caseworker")["Location"].startswith(SET_UP)


def test_reset_ends_the_second_factor_on_the_users_sessions(client, cast):
    device = app_for(cast.caseworker)
    sign_in(client, "caseworker")
    client.post(CODE, {"code": code_for(device)})
    assert client.get(HOME).status_code == 200
    services.second_factor_reset(user=cast.caseworker, reset_by=None)
    assert client.get(HOME)["Location"].startswith(NEEDS_LINK)


def test_the_admin_lists_set_up_links_read_only_without_their_digests(client, cast, verified_admin):
    issued = issue_link(cast.caseworker)
    changelist = client.get(reverse("admin:accounts_enrolmentlink_changelist"))
    assert changelist.status_code == 200
    assert issued.link.token_digest not in changelist.content.decode()
    assert client.get(reverse("admin:accounts_enrolmentlink_add")).status_code == 403
    change = client.get(reverse("admin:accounts_enrolmentlink_change", args=[issued.link.pk]))
    assert change.status_code == 200
    assert issued.link.token_digest not in change.content.decode()
    assert 'name="used_at"' not in change.content.decode()


def test_reset_in_the_admin_makes_no_link_for_a_parent(client, cast, verified_admin):
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_authenticator_app", "_selected_action": [cast.parent.pk]},
    )
    assert response.status_code == 200
    assert "signs in with a password only" in response.content.decode()
    assert not EnrolmentLink.objects.filter(user=cast.parent).exists()
