"""``sendplan enrol-link USERNAME``: prints a one-time set-up link and nothing else personal;
exit status 1 for a username it cannot serve."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.__main__ import main
from sendplan.accounts import enrolment, services
from sendplan.accounts.models import EnrolmentLink
from tests.accounts.helpers import SET_UP, SIGN_IN, app_for, sign_in
from tests.factories import UserFactory

LINK = re.compile(r"^(https?://\S+/account/set-up/([\w-]+)/)$", re.M)


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    # Run from the command line, a command closes every database connection when it ends;
    # on PostgreSQL that would close the test's own connection and its transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def _run(*args: str) -> tuple[int, str, str]:
    """The command as `python -m sendplan` runs it: exit status, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(["enrol-link", *args])
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_it_prints_a_working_link_and_no_other_personal_data(client, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    user = cast.caseworker
    status, out, err = _run("caseworker")
    assert status == 0, err
    [(url, token)] = LINK.findall(out)
    assert url.startswith("http://127.0.0.1:8000/account/set-up/")
    link = EnrolmentLink.objects.get(user=user)
    assert link.token_digest == enrolment.digest(token)
    assert link.issued_by is None
    assert re.search(r"works once, until \d{1,2} \w+ \d{4} at ", out)
    for personal in (user.username, user.first_name, user.last_name, user.email):
        assert personal not in out
        assert personal not in err
    # Standard error has the log line at most, by user id, without the token.
    assert token not in err
    # The printed link is the way in to set-up.
    assert client.get(url.removeprefix("http://127.0.0.1:8000"))["Location"] == SIGN_IN
    assert sign_in(client, "caseworker")["Location"].startswith(SET_UP)


def test_the_link_uses_the_service_address(cast, settings):
    settings.SENDPLAN_SERVICE_URL = "https://send.example.test"
    out = io.StringIO()
    call_command("enrol-link", "caseworker", stdout=out)
    assert "https://send.example.test/account/set-up/" in out.getvalue()


def test_an_unknown_username_is_refused_with_exit_status_1(db):
    status, out, err = _run("nobody-has-this-name")
    assert status == 1
    assert out == ""
    assert "There is no active user with that username." in err
    assert "nobody-has-this-name" not in err
    assert not EnrolmentLink.objects.exists()


def test_an_inactive_user_is_refused_with_exit_status_1(db):
    UserFactory(username="gone", is_active=False)
    status, _, err = _run("gone")
    assert status == 1
    assert "There is no active user with that username." in err
    assert not EnrolmentLink.objects.exists()


def test_a_parent_is_refused_with_exit_status_1(cast):
    status, _, err = _run("parent")
    assert status == 1
    assert "signs in with a password only" in err
    assert not EnrolmentLink.objects.exists()


def test_a_user_with_an_app_needs_reset(cast):
    device = app_for(cast.caseworker)
    services.recovery_codes_replace(user=cast.caseworker)
    status, _, err = _run("caseworker")
    assert status == 1
    assert "already has an authenticator app" in err
    assert "--reset" in err
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    status, out, _ = _run("caseworker", "--reset")
    assert status == 0
    assert "Removed the user's authenticator app and recovery codes." in out
    assert len(LINK.findall(out)) == 1
    assert not TOTPDevice.objects.filter(user=cast.caseworker).exists()
    assert not StaticDevice.objects.filter(user=cast.caseworker).exists()


@pytest.mark.parametrize("args", [[], ["a", "b"]])
def test_it_needs_exactly_one_username(db, args):
    status, _, err = _run(*args)
    assert status != 0
    assert "usage:" in err
