"""Every page, opened by every kind of user, with objects that belong to someone else's scope:
no page shows a learner's name to a user who may not see that learner, and none fails with
a server error. The same world and URL table as the audit walk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.casework.advice.models import AdviceRequest
from sendplan.learners.access import advice_awaiting_triage
from sendplan.learners.models import Learner
from sendplan.learners.selectors import learners_visible_to
from tests.api.helpers import TokenClient
from tests.api.routes import API_ROUTES
from tests.casework.conftest import at
from tests.web.test_audit_by_construction import ON, ROUTES, _world

pytestmark = pytest.mark.django_db

#: Everyone in the cast: staff of the council, two schools, a health trust (one of them on
#: triage duty) and two families, each seeing a different part of the world.
USERS = (
    "caseworker",
    "la_colleague",
    "senco",
    "other_senco",
    "health",
    "other_health",
    "duty",
    "parent",
    "other_parent",
)


def test_no_page_shows_a_learner_to_someone_who_may_not_see_them(cast):
    world = _world(cast)
    learners = [cast.learner, cast.other_learner]
    leaks: list[str] = []
    errors: list[str] = []
    tried = 0
    for who in USERS:
        user = getattr(cast, who)
        client = cast.client_for(user)
        with at(ON):
            visible = set(learners_visible_to(fetched_by=user).values_list("pk", flat=True))
            # The triage role is shown the name of each request it is to assign (ADR 0122).
            visible |= set(
                AdviceRequest.objects.filter(advice_awaiting_triage(user)).values_list(
                    "case__learner_id", flat=True
                )
            )
        hidden: list[Learner] = [x for x in learners if x.pk not in visible]
        for name, route in ROUTES.items():
            url = reverse(name, args=route.args(world))
            with at(ON):
                response = client.get(url)
            tried += 1
            if response.status_code >= 500:
                errors.append(f"{who} {name}")
                continue
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode("utf-8", errors="replace")
            leaks += [f"{who} saw {x.full_name} on {name}" for x in hidden if x.full_name in body]
    assert errors == [], f"server errors: {errors}"
    assert leaks == [], f"pages showing a learner the user may not see: {leaks}"
    assert tried == len(USERS) * len(ROUTES)


def _learner_ids(value: object) -> set[int]:
    """Every ``learner_id`` in a JSON answer, and the ``id`` of learner records and rows."""
    found: set[int] = set()
    if isinstance(value, dict):
        if "learner_id" in value and isinstance(value["learner_id"], int):
            found.add(value["learner_id"])
        if "full_name" in value and isinstance(value.get("id"), int):
            found.add(value["id"])
        for inner in value.values():
            found |= _learner_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _learner_ids(inner)
    return found


def test_no_api_operation_shows_a_learner_to_a_token_that_may_not_see_them(cast):
    """The same walk over the API, each member of the cast calling with their own token: no
    answer names a hidden learner or carries their id, and none is a server error."""
    world = _world(cast)
    learners = [cast.learner, cast.other_learner]
    leaks: list[str] = []
    errors: list[str] = []
    tried = 0
    for who in USERS:
        user = getattr(cast, who)
        client = TokenClient(user)
        with at(ON):
            visible = set(learners_visible_to(fetched_by=user).values_list("pk", flat=True))
        hidden: list[Learner] = [x for x in learners if x.pk not in visible]
        for name, route in API_ROUTES.items():
            with at(ON):
                response = getattr(client, route.method)(
                    route.path.format(**route.args(world)), route.body
                )
            tried += 1
            if response.status_code >= 500:
                errors.append(f"{who} {name}")
                continue
            body = response.content.decode()
            leaks += [f"{who} saw {x.full_name} on {name}" for x in hidden if x.full_name in body]
            ids = _learner_ids(response.json())
            leaks += [
                f"{who} got the id of learner {x.pk} on {name}" for x in hidden if x.pk in ids
            ]
    assert errors == [], f"server errors: {errors}"
    assert leaks == [], f"API answers showing a learner the caller may not see: {leaks}"
    assert tried == len(USERS) * len(API_ROUTES)
