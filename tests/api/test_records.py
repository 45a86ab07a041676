"""Cases, plans, reviews, the register, planning and forecasts through the API: each
follows the same rules as its pages (not visible: 404; not for this role: 403)."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.casework.case.models import Stage
from sendplan.casework.reviews import services as review_services
from sendplan.learners.models import AuditEvent
from sendplan.sufficiency.models import ForecastRun
from tests.api.helpers import TokenClient
from tests.casework.conftest import FINAL, TODAY, at, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(cast):
    with at(FINAL):
        return make_case(cast, Stage.FINAL_ISSUED)


def test_a_case_comes_with_its_legal_clock(cast, issued):
    with at(TODAY):
        body = TokenClient(cast.parent).get(f"/cases/{issued.pk}").json()
    assert body["learner_id"] == cast.learner.pk
    assert body["stage"] == Stage.FINAL_ISSUED
    deadlines = {d["id"]: d for d in body["deadlines"]}
    assert deadlines["final_plan"]["due"] == "2025-05-26"
    assert deadlines["final_plan"]["done"] == FINAL.isoformat()
    assert all(d["basis"] for d in body["deadlines"])
    read = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_RECORD)
    assert (read.learner, read.detail) == (cast.learner, "case deadlines")


def test_cases_are_listed_only_for_learners_the_caller_may_see(cast, issued):
    assert TokenClient(cast.caseworker).get("/cases").json()["count"] == 1
    assert TokenClient(cast.other_parent).get("/cases").json()["count"] == 0
    assert TokenClient(cast.other_parent).get(f"/cases/{issued.pk}").status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count() == 2


def test_a_plan_lists_its_issued_versions_and_gives_each_by_number(cast, issued):
    client = TokenClient(cast.senco)
    plan = issued.plan
    assert [p["id"] for p in client.get("/plans").json()["items"]] == [plan.pk]
    body = client.get(f"/plans/{plan.pk}").json()
    assert body["versions"] == [{"number": 1, "purpose": "first", "issued_on": FINAL.isoformat()}]
    version = client.get(f"/plans/{plan.pk}/versions/1").json()
    assert version["needs"] == [
        {"section": "B", "text": "Needs support with spoken language in class."}
    ]
    assert version["provision"][0]["what"] == "Speech and language therapy"
    assert version["outcomes"][0]["need_sections"] == ["B"]
    assert client.get(f"/plans/{plan.pk}/versions/2").status_code == 404
    assert TokenClient(cast.other_senco).get(f"/plans/{plan.pk}").status_code == 404


def test_a_draft_is_not_given_even_to_the_caseworker(cast):
    with at(FINAL):
        case = make_case(cast, Stage.DRAFTING)
    client = TokenClient(cast.caseworker)
    assert client.get(f"/plans/{case.plan.pk}").json()["versions"] == []
    response = client.get(f"/plans/{case.plan.pk}/versions/1")
    assert response.status_code == 404
    assert response.json()["detail"] == "No issued plan version found"
    assert client.get("/plans").json()["count"] == 0


def test_a_plans_reviews(cast, issued):
    with at(TODAY):
        review_services.review_schedule(
            plan_id=issued.plan.pk,
            meeting_on=TODAY + dt.timedelta(days=30),
            invitations_sent_on=TODAY,
            changed_by=cast.caseworker,
        )
    body = TokenClient(cast.parent).get(f"/plans/{issued.plan.pk}/reviews").json()
    assert body["count"] == 1
    assert body["items"][0]["meeting_on"] == "2025-07-02"


def test_the_register_is_for_professionals(cast):
    body = TokenClient(cast.health).get("/settings", {"need": "ASD"}).json()
    assert [s["name"] for s in body["items"]] == ["Test Special School"]
    assert set(body["items"][0]["strands"][0]["needs"]) == {"ASD", "SLCN"}
    one = TokenClient(cast.senco).get(f"/settings/{cast.setting.pk}").json()
    assert one["name"] == "Test Special School"
    refused = TokenClient(cast.parent).get("/settings")
    assert refused.status_code == 403
    assert "professionals" in refused.json()["detail"]


def test_the_register_refuses_an_unknown_need(cast):
    response = TokenClient(cast.caseworker).get("/settings", {"need": "XYZ"})
    assert response.status_code == 422


def test_planning_and_forecasts_are_for_the_councils_staff(cast):
    for path in ("/planning/runs", "/forecasts"):
        assert TokenClient(cast.caseworker).get(path).status_code == 200, path
        for who in ("senco", "parent", "health"):
            assert TokenClient(getattr(cast, who)).get(path).status_code == 403, (path, who)


def test_another_councils_forecast_is_a_404(cast):
    theirs = ForecastRun.objects.create(la_code="E09000028")
    ours = ForecastRun.objects.create(la_code="E09000022")
    client = TokenClient(cast.caseworker)
    assert client.get(f"/forecasts/{theirs.pk}").status_code == 404
    assert client.get(f"/forecasts/{ours.pk}").json()["outputs"] == {}
    assert [r["id"] for r in client.get("/forecasts").json()["items"]] == [ours.pk]
