"""Walks over every API operation: each is in the route table, refuses a caller with no
credentials, and writes an audit event for the call (and one about the learner it shows)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sendplan.learners.models import AuditEvent
from tests.api.helpers import API, TokenClient
from tests.api.routes import API_ROUTES
from tests.casework.conftest import at
from tests.web.test_audit_by_construction import ON, _world

pytestmark = pytest.mark.django_db

#: Not operations: the root (a 404 that ninja needs to name paths), the document (public),
#: the docs page (a page guard) and the 404 problem for any other address.
NOT_OPERATIONS = {"api-root", "openapi-json", "openapi-view", "api-unknown"}


def _api_names() -> set[str]:
    names: set[str] = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == "api/":
            for inner in entry.url_patterns:
                assert isinstance(inner, URLResolver)
                for pattern in inner.url_patterns:
                    assert isinstance(pattern, URLPattern)
                    names.add(pattern.name or "")
    return names - NOT_OPERATIONS


def test_every_operation_is_in_the_route_table():
    names = _api_names()
    assert names, "the walk found no API operations"
    assert sorted(names - set(API_ROUTES)) == [], "API operations missing from API_ROUTES"
    assert sorted(set(API_ROUTES) - names) == [], "API_ROUTES names no such operation"


def test_every_operation_declares_authentication_in_the_document(db):
    schema = Client().get(f"{API}/openapi.json").json()
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert len(operations) == len(API_ROUTES)
    for operation in operations:
        assert operation["security"] == [{"BearerToken": []}, {"SignedInSession": []}]
        assert "401" in operation["responses"]


def test_every_operation_refuses_a_caller_without_credentials(db):
    client = Client()
    for name, route in API_ROUTES.items():
        path = API + route.path.format(run=1, pk=1)
        response = getattr(client, route.method)(path, {}, content_type="application/json")
        assert response.status_code == 401, name
        assert response["Content-Type"] == "application/problem+json", name
        assert response["WWW-Authenticate"].startswith("Bearer"), name
    assert not AuditEvent.objects.exists()


def test_every_operation_refuses_a_session_still_owing_the_second_factor(cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    client = cast.client_for(cast.caseworker)
    for name, route in API_ROUTES.items():
        path = API + route.path.format(run=1, pk=1)
        response = getattr(client, route.method)(path, {}, content_type="application/json")
        assert response.status_code == 401, name
    assert not AuditEvent.objects.exists()


def test_every_call_is_audited_and_every_learner_shown_is_audited_against_them(cast):
    world = _world(cast)
    learners = {"learner": cast.learner, "other": cast.other_learner}
    clients: dict[str, TokenClient] = {}
    missing: list[str] = []
    for name, route in API_ROUTES.items():
        user = getattr(cast, route.who)
        client = clients.setdefault(route.who, TokenClient(user))
        path = route.path.format(**route.args(world))
        with at(ON):
            before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = getattr(client, route.method)(path, route.body)
            events = AuditEvent.objects.filter(pk__gt=before, user=user)
        assert response.status_code in {200, 201, 404}, f"{name}: {response.status_code}"
        call = events.filter(action=AuditEvent.Action.API).get()
        assert f"{route.method.upper()} {API}{path} {response.status_code}" in call.detail
        assert client.issued.token.public_id in call.detail
        assert call.session == f"api:{client.issued.token.public_id}"
        if response.status_code not in {200, 201}:
            continue
        if route.shows in learners and not events.filter(learner=learners[route.shows]).exists():
            missing.append(name)
        if route.shows == "list" and not events.exclude(action=AuditEvent.Action.API).exists():
            missing.append(name)
    assert missing == [], f"operations that show a learner without an audit event: {missing}"
