"""Learners through the API: exactly what the token's user may see, by POST search, with
the field groups of their role, and every read audited."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.learners.models import AuditEvent
from tests.api.helpers import TokenClient
from tests.factories import LearnerFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["full_name"] for row in response.json()["items"]]


def test_a_sencos_token_finds_only_the_learners_of_their_setting(cast):
    assert _names(TokenClient(cast.senco).post("/learners/search")) == ["Jamie Okonkwo-Test"]
    assert _names(TokenClient(cast.other_senco).post("/learners/search")) == []


def test_a_parents_token_finds_only_their_own_children(cast):
    assert _names(TokenClient(cast.parent).post("/learners/search")) == ["Jamie Okonkwo-Test"]
    assert _names(TokenClient(cast.other_parent).post("/learners/search")) == ["Sam Other-Test"]


def test_la_staff_find_every_learner_of_their_council(cast):
    names = _names(TokenClient(cast.la_colleague).post("/learners/search"))
    assert names == ["Jamie Okonkwo-Test", "Sam Other-Test"]


def test_a_learner_someone_may_not_see_is_a_404_that_says_nothing_more(cast):
    for who in ("other_senco", "other_parent", "other_health"):
        response = TokenClient(getattr(cast, who)).get(f"/learners/{cast.learner.pk}")
        assert response.status_code == 404, who
        assert response.json()["detail"] == "No learner found"
        assert "Jamie" not in response.content.decode()
    missing = TokenClient(cast.caseworker).get("/learners/999999")
    assert missing.status_code == 404


def test_search_matches_the_start_of_a_name_and_a_date_of_birth(cast):
    client = TokenClient(cast.caseworker)
    assert _names(client.post("/learners/search", {"text": "okon"})) == ["Jamie Okonkwo-Test"]
    cast.other_learner.date_of_birth = dt.date(2013, 3, 9)
    cast.other_learner.save()
    born = "2013-03-09"
    assert _names(client.post("/learners/search", {"date_of_birth": born})) == ["Sam Other-Test"]
    assert _names(client.post("/learners/search", {"text": "Zed"})) == []


def test_search_is_by_post_only_so_names_never_go_in_a_url(cast):
    response = TokenClient(cast.caseworker).get("/learners/search", {"text": "Jamie"})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "POST"
    assert response.json()["detail"] == "This address takes POST only"


def test_search_is_audited_with_counts_only(cast):
    TokenClient(cast.caseworker).post("/learners/search", {"text": "Okonkwo"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH)
    assert event.detail == "API page 1 of 1, 1 learners"
    assert "Okonkwo" not in event.detail


def test_search_pages(cast):
    setting = cast.setting
    for n in range(3):
        PlacementFactory(
            learner=LearnerFactory(family_name=f"Zz{n}", responsible_la=cast.la), setting=setting
        )
    client = TokenClient(cast.senco)
    first = client.post("/learners/search", {"page_size": 2}).json()
    assert (first["count"], first["pages"], len(first["items"])) == (4, 2, 2)
    second = client.post("/learners/search", {"page_size": 2, "page": 2}).json()
    assert [r["full_name"].split()[-1] for r in second["items"]] == ["Zz1", "Zz2"]
    beyond = client.post("/learners/search", {"page_size": 2, "page": 3}).json()
    assert beyond["items"] == []


def test_a_body_that_is_not_json_is_a_400_problem(cast):
    client = TokenClient(cast.caseworker)
    response = client.client.post(
        "/api/v1/learners/search",
        "{not json",
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Cannot parse request body")


def test_an_impossible_page_size_is_a_422_problem_naming_the_field(cast):
    response = TokenClient(cast.caseworker).post("/learners/search", {"page_size": 1000})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert "page_size" in body["detail"]
    assert body["errors"][0]["loc"][-1] == "page_size"


def test_a_record_has_the_field_groups_of_the_callers_role(cast):
    caseworker = TokenClient(cast.caseworker).get(f"/learners/{cast.learner.pk}").json()
    assert caseworker["upn"] == "F820200109001"
    assert "nhs_number" in caseworker and "postcode" in caseworker
    assert [n["code"] for n in caseworker["needs"]] == ["ASD", "SLCN"]
    assert caseworker["placements"][0]["setting_id"] == cast.setting.pk
    health = TokenClient(cast.health).get(f"/learners/{cast.learner.pk}").json()
    assert "nhs_number" in health
    assert "upn" not in health and "postcode" not in health
    assert "school_ids" not in health["shown"]
    senco = TokenClient(cast.senco).get(f"/learners/{cast.learner.pk}").json()
    assert senco["upn"] == "F820200109001"
    assert "nhs_number" not in senco and "postcode" not in senco


def test_a_record_read_is_audited_against_the_learner(cast):
    client = TokenClient(cast.health)
    client.get(f"/learners/{cast.learner.pk}")
    read = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_RECORD)
    assert (read.learner, read.user) == (cast.learner, cast.health)
    assert read.detail.startswith("shown: ")
    call = AuditEvent.objects.get(action=AuditEvent.Action.API)
    assert call.detail == (
        f"GET /api/v1/learners/{cast.learner.pk} 200 (token {client.issued.token.public_id})"
    )


def test_placements_of_a_learner(cast):
    body = TokenClient(cast.parent).get(f"/learners/{cast.learner.pk}/placements").json()
    assert body["count"] == 1
    assert body["items"][0]["setting_name"] == cast.setting.name


def test_exclusions_and_home_education_by_the_field_rules_and_audited(cast):
    from decimal import Decimal

    from sendplan.learners.models import Exclusion
    from sendplan.learners.services import exclusion_record, home_education_record

    exclusion_record(
        learner=cast.learner,
        kind=Exclusion.Kind.SUSPENSION,
        started_on=dt.date(2025, 3, 3),
        school_days=Decimal("1.5"),
        setting=cast.setting,
        reason=Exclusion.Reason.DAMAGE,
        by=cast.caseworker,
    )
    home_education_record(learner=cast.learner, started_on=dt.date(2024, 9, 2), by=cast.caseworker)
    exclusions = f"/learners/{cast.learner.pk}/exclusions"
    home = f"/learners/{cast.learner.pk}/home-education"
    body = TokenClient(cast.senco).get(exclusions).json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["kind"], row["school_days"], row["reason"]) == ("suspension", 1.5, "DM")
    assert row["setting_name"] == "Test Special School"
    assert AuditEvent.objects.filter(user=cast.senco, learner=cast.learner).exists()
    # The school sees exclusions but not home education; health sees neither.
    assert TokenClient(cast.senco).get(home).status_code == 403
    assert TokenClient(cast.health).get(exclusions).status_code == 403
    periods = TokenClient(cast.parent).get(home).json()["items"]
    assert periods == [
        {"id": periods[0]["id"], "started_on": "2024-09-02", "ended_on": None, "notified_on": None}
    ]
