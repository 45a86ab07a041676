"""``sendplan api-token create|revoke|list``: the token printed once, only its hash kept;
exit 1 for what the command cannot serve, 2 for a usage error."""

from __future__ import annotations

import hashlib
import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from sendplan.__main__ import main
from sendplan.api.models import ApiToken
from sendplan.api.selectors import TOKEN_SHAPE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    # A command run from the command line closes every connection when it ends; on
    # PostgreSQL that would close the test's own connection and its transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def _run(*args: str) -> tuple[int, str, str]:
    """The command as `sendplan` runs it: exit status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(["api-token", *args])
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_on_its_own_last_line_and_keeps_only_its_hash():
    UserFactory(username="oak-mis")
    status, out, err = _run("create", "oak-mis", "--name", "Oak School MIS")
    assert (status, err) == (0, "")
    secret = out.splitlines()[-1]
    assert TOKEN_SHAPE.match(secret)
    token = ApiToken.objects.get()
    assert token.name == "Oak School MIS"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.public_id in secret
    # The secret is in no column of the row.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    assert secret.split("_")[-1] not in str(row)


def test_create_sets_the_expiry_it_is_asked_for():
    UserFactory(username="oak-mis")
    _run("create", "oak-mis", "--expires-days", "7")
    token = ApiToken.objects.get()
    assert (token.expires_at - token.created_at).days == 7


def test_create_refuses_an_unknown_or_inactive_user_with_status_1():
    UserFactory(username="left", is_active=False)
    for username in ("nobody", "left"):
        status, out, err = _run("create", username)
        assert status == 1
        assert "no active user" in err
        assert out == ""
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "367", "soon"])
def test_create_refuses_an_impossible_expiry_as_a_usage_error(days):
    UserFactory(username="oak-mis")
    status, _, err = _run("create", "oak-mis", "--expires-days", days)
    assert status == 2
    assert "--expires-days" in err
    assert not ApiToken.objects.exists()


def test_no_action_is_a_usage_error():
    assert _run()[0] == 2


def test_list_shows_every_token_but_never_a_secret():
    UserFactory(username="oak-mis")
    UserFactory(username="ash-mis")
    secrets = [_run("create", name)[1].splitlines()[-1] for name in ("oak-mis", "ash-mis")]
    status, out, _ = _run("list")
    assert status == 0
    assert out.splitlines()[0].split() == [
        "id",
        "user",
        "name",
        "created",
        "expires",
        "last",
        "used",
        "state",
    ]
    assert len(out.splitlines()) == 3
    for secret in secrets:
        assert secret not in out
        assert secret.split("_")[1] in out  # the public id
    _, only_oak, _ = _run("list", "oak-mis")
    assert "oak-mis" in only_oak
    assert "ash-mis" not in only_oak
    assert _run("list", "nobody")[0] == 1


def test_revoke_stops_a_token_and_list_says_so():
    UserFactory(username="oak-mis")
    _run("create", "oak-mis")
    token = ApiToken.objects.get()
    status, out, _ = _run("revoke", token.public_id)
    assert status == 0
    assert "revoked" in out
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in _run("list")[1].splitlines()[1]
    # Twice changes nothing.
    revoked_at = token.revoked_at
    assert _run("revoke", token.public_id)[0] == 0
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


def test_revoke_refuses_an_unknown_id_with_status_1():
    status, _, err = _run("revoke", "0123456789ab")
    assert status == 1
    assert "no token" in err
