"""Who may call: a working bearer token acts as its user; anything else is a 401 problem.
A signed-in session works too, with the CSRF check on anything but a read."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from sendplan.api.services import api_token_create, api_token_revoke
from sendplan.learners.models import AuditEvent
from tests.api.helpers import API, TokenClient

pytestmark = pytest.mark.django_db


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_working_token_acts_as_its_user_and_notes_when_it_was_used(cast):
    client = TokenClient(cast.caseworker)
    response = client.get(f"/learners/{cast.learner.pk}")
    assert response.status_code == 200
    assert response.json()["full_name"] == "Jamie Okonkwo-Test"
    client.issued.token.refresh_from_db()
    assert client.issued.token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nonsense", "Basic Y2FzZXdvcmtlcjpwYXNz", "Token abc"],
)
def test_no_token_or_a_malformed_one_is_a_401_problem(cast, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get(f"{API}/learners/{cast.learner.pk}", headers=headers)
    body = _problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="sendplan"'
    assert "Jamie" not in response.content.decode()
    assert body["type"] == "about:blank"


def test_a_token_with_a_wrong_secret_is_refused(cast):
    secret = api_token_create(user=cast.caseworker).secret
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = Client().get(f"{API}/learners/{cast.learner.pk}", headers=_bearer(forged))
    assert "not one this service issued" in _problem(response, 401)["detail"]


def test_a_revoked_token_is_refused(cast):
    issued = api_token_create(user=cast.caseworker)
    api_token_revoke(public_id=issued.token.public_id)
    response = Client().get(f"{API}/learners/{cast.learner.pk}", headers=_bearer(issued.secret))
    assert "revoked" in _problem(response, 401)["detail"]


def test_a_token_works_until_it_expires_and_not_after(cast):
    issued = api_token_create(user=cast.caseworker, expires_days=1)
    path = f"{API}/learners/{cast.learner.pk}"
    before = issued.token.expires_at - dt.timedelta(seconds=1)
    with time_machine.travel(before, tick=False):
        assert Client().get(path, headers=_bearer(issued.secret)).status_code == 200
    with time_machine.travel(issued.token.expires_at, tick=False):
        response = Client().get(path, headers=_bearer(issued.secret))
    assert "expired" in _problem(response, 401)["detail"]


def test_a_token_of_a_deactivated_user_is_refused(cast):
    issued = api_token_create(user=cast.caseworker)
    cast.caseworker.is_active = False
    cast.caseworker.save()
    response = Client().get(f"{API}/learners/{cast.learner.pk}", headers=_bearer(issued.secret))
    assert "not active" in _problem(response, 401)["detail"]


def test_a_refused_call_writes_no_audit_event(cast):
    Client().get(f"{API}/learners/{cast.learner.pk}", headers=_bearer("sendplan_x"))
    assert not AuditEvent.objects.exists()


def test_a_bad_token_is_not_rescued_by_a_session(cast):
    client = cast.client_for(cast.caseworker)
    response = client.get(f"{API}/learners/{cast.learner.pk}", headers=_bearer("nonsense"))
    _problem(response, 401)


def test_a_signed_in_session_may_read(cast):
    client = cast.client_for(cast.caseworker)
    response = client.get(f"{API}/learners/{cast.learner.pk}")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.API)
    assert event.detail.endswith("(session)")


def test_a_session_post_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.caseworker)
    path = f"{API}/learners/search"
    refused = client.post(path, {}, content_type="application/json")
    assert "CSRF" in _problem(refused, 403)["detail"]
    client.get("/learners/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    allowed = client.post(path, {}, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert allowed.status_code == 200


def test_a_token_needs_no_csrf_token(cast):
    client = TokenClient(cast.caseworker)
    client.client = Client(enforce_csrf_checks=True)
    assert client.post("/learners/search").status_code == 200


def test_a_session_still_owing_the_second_factor_is_refused(cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    client = cast.client_for(cast.caseworker)
    _problem(client.get(f"{API}/learners/{cast.learner.pk}"), 401)
