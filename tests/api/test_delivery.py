"""Provision delivery through the API: the rows a school or provider records, a row's weeks,
and recording a week with ETag / If-Match (ADR 0144), by the same rules as the pages."""

from __future__ import annotations

from typing import get_args

import pytest

from sendplan.api.conditional import NO_MATCH, etag, expected_lock
from sendplan.api.endpoints.delivery import Reason
from sendplan.delivery.models import DeliveryEntry, MissedReason, WeeklyTotal
from sendplan.learners.models import AuditEvent
from tests.api.helpers import API, TokenClient
from tests.casework.conftest import at
from tests.delivery.conftest import TODAY, WEEKS, issue_plan

pytestmark = pytest.mark.django_db

MONDAY = WEEKS[-1].isoformat()


@pytest.fixture
def issued(cast):
    return issue_plan(cast)


def _week(issued, monday: str = MONDAY) -> str:
    return f"/delivery/commitments/{issued.speech.pk}/weeks/{monday}"


def test_a_school_lists_the_rows_it_records_and_nobody_else_s(cast, issued):
    with at(TODAY):
        mine = TokenClient(cast.senco).get("/delivery/commitments").json()
        theirs = TokenClient(cast.health).get("/delivery/commitments").json()
        other = TokenClient(cast.other_senco).get("/delivery/commitments").json()
        paged = TokenClient(cast.senco).get("/delivery/commitments", {"page_size": 1}).json()
    assert [row["id"] for row in mine["items"]] == [issued.speech.pk, issued.group.pk]
    assert mine["items"][0]["minutes_per_week"] == 60.0
    assert mine["items"][0]["learner_id"] == cast.learner.pk
    assert [row["id"] for row in theirs["items"]] == [issued.therapy.pk]
    assert other["items"] == [] and other["count"] == 0
    assert (paged["count"], paged["pages"], len(paged["items"])) == (2, 2, 1)


def test_the_caseworker_lists_the_rows_of_the_plans_they_coordinate(cast, issued):
    with at(TODAY):
        caseload = TokenClient(cast.caseworker).get("/delivery/commitments", {"which": "caseload"})
        records = TokenClient(cast.caseworker).get("/delivery/commitments").json()
    assert {row["id"] for row in caseload.json()["items"]} == {
        issued.speech.pk,
        issued.therapy.pk,
        issued.group.pk,
    }
    assert records["items"] == []  # the council records none of them


def test_a_week_is_recorded_then_replaced_only_with_its_current_etag(cast, issued):
    school = TokenClient(cast.senco)
    with at(TODAY):
        assert school.get(_week(issued)).status_code == 404  # not recorded yet
        made = school.put(_week(issued), {"delivered_minutes": 60})
        assert made.status_code == 201
        first = made["ETag"]
        assert made.json()["etag"] == first
        assert made.json()["expected_minutes"] == 60

        read = TokenClient(cast.caseworker).get(_week(issued))
        assert read.status_code == 200 and read["ETag"] == first

        again = school.put(_week(issued), {"delivered_minutes": 30})
        assert again.status_code == 409  # recorded already: If-Match is needed
        assert again["Content-Type"] == "application/problem+json"
        assert "If-Match" in again.json()["detail"]

        body = {"delivered_minutes": 30, "missed_minutes": 30, "missed_reason": "staff_absent"}
        replaced = school.put(_week(issued), body, if_match=first)
        assert replaced.status_code == 200
        assert replaced["ETag"] != first

        stale = school.put(_week(issued), {"delivered_minutes": 0, "due": False}, if_match=first)
        assert stale.status_code == 409
        other_week = school.put(_week(issued), body, if_match=replaced["ETag"].replace(
            MONDAY, WEEKS[0].isoformat()))  # fmt: skip
        assert other_week.status_code == 409  # a tag of another week never matches

    entry = DeliveryEntry.objects.get(commitment=issued.speech)
    assert (entry.delivered_minutes, entry.missed_minutes, entry.missed_reason) == (
        30,
        30,
        "staff_absent",
    )
    assert entry.modified_by == cast.senco
    assert WeeklyTotal.objects.get().delivered_minutes == 30  # replaced, not added twice
    with at(TODAY):
        weeks = TokenClient(cast.parent).get(f"/delivery/commitments/{issued.speech.pk}/weeks")
    assert weeks.status_code == 200
    assert [w["week_starting"] for w in weeks.json()["items"]] == [MONDAY]


def test_only_the_organisation_that_delivers_a_row_records_it(cast, issued):
    body = {"delivered_minutes": 60}
    with at(TODAY):
        # Another school's SENCO may not see the learner: the row is not there for them.
        assert TokenClient(cast.other_senco).put(_week(issued), body).status_code == 404
        assert (
            TokenClient(cast.other_senco).get(f"/delivery/commitments/{issued.speech.pk}")
        ).status_code == 404
        # They may see the learner, but do not deliver this row.
        for who in (cast.health, cast.caseworker, cast.parent):
            refused = TokenClient(who).put(_week(issued), body)
            assert refused.status_code == 403, who
            assert refused["Content-Type"] == "application/problem+json"
        therapy = f"/delivery/commitments/{issued.therapy.pk}/weeks/{MONDAY}"
        assert TokenClient(cast.health).put(therapy, {"delivered_minutes": 45}).status_code == 201
    assert DeliveryEntry.objects.get().commitment_id == issued.therapy.pk


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        (None, {"delivered_minutes": 0, "missed_minutes": 60}, ["body", "missed_reason"]),
        (None, {"due": False, "delivered_minutes": 60}, ["body", "due"]),
        (None, {"delivered_minutes": False}, ["body", "delivered_minutes"]),
        (None, {"delivered_minutes": "60"}, ["body", "delivered_minutes"]),
        (None, {"delivered_minutes": 20_000}, ["body", "delivered_minutes"]),
        (None, {"missed_reason": "weather", "missed_minutes": 5}, ["body", "missed_reason"]),
        (None, {"delivered_minutes": 60, "minutes": 1}, ["body", "minutes"]),
        ("tuesday", {"delivered_minutes": 60}, ["path", "week"]),
        ("future", {"delivered_minutes": 60}, ["path", "week"]),
        ("unquantified", {"delivered_minutes": 60}, ["path", "commitment_id"]),
    ],
)
def test_a_week_that_cannot_be_saved_is_a_422_naming_the_field(cast, issued, path, body, where):
    target = {
        None: _week(issued),
        "tuesday": _week(issued, "2026-11-24"),
        "future": _week(issued, "2026-12-07"),
        "unquantified": f"/delivery/commitments/{issued.group.pk}/weeks/{MONDAY}",
    }[path]
    with at(TODAY):
        response = TokenClient(cast.senco).put(target, body)
    assert response.status_code == 422, response.content
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert problem["status"] == 422
    assert where in [error["loc"][: len(where)] for error in problem["errors"]]
    assert not DeliveryEntry.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(cast, issued):
    client = TokenClient(cast.senco)
    with at(TODAY):
        for raw in ("[]", "null", '"60"', "{"):
            response = client.client.put(
                API + _week(issued), raw, content_type="application/json", headers=client.headers
            )
            assert response.status_code == 400, raw
            assert response["Content-Type"] == "application/problem+json"


def test_each_use_is_audited_with_the_token_and_the_learner(cast, issued):
    school = TokenClient(cast.senco)
    with at(TODAY):
        made = school.put(_week(issued), {"delivered_minutes": 60})
        school.put(_week(issued), {"delivered_minutes": 10}, if_match='"stale.1"')
        school.get(f"/delivery/commitments/{issued.speech.pk}/weeks")
    calls = list(
        AuditEvent.objects.filter(user=cast.senco, action=AuditEvent.Action.API)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    public_id = school.issued.token.public_id
    assert calls == [
        f"PUT {API}{_week(issued)} 201 (token {public_id})",
        f"PUT {API}{_week(issued)} 409 (token {public_id})",
        f"GET {API}/delivery/commitments/{issued.speech.pk}/weeks 200 (token {public_id})",
    ]
    assert made.status_code == 201
    about = AuditEvent.objects.filter(user=cast.senco, learner=cast.learner)
    assert about.exclude(action=AuditEvent.Action.API).count() == 3  # each read of the row
    assert set(about.values_list("session", flat=True)) == {f"api:{public_id}"}


def test_the_document_describes_the_write_statuses_and_the_etag(db):
    from django.test import Client

    document = Client().get(f"{API}/openapi.json").json()
    put = document["paths"][f"{API}/delivery/commitments/{{commitment_id}}/weeks/{{week}}"]["put"]
    assert set(put["responses"]) == {"200", "201", "400", "401", "403", "404", "409", "422"}
    assert "ETag" in put["responses"]["201"]["headers"]
    assert [p["name"] for p in put["parameters"] if p["in"] == "header"] == ["If-Match"]
    statuses = {
        status
        for ops in document["paths"].values()
        for op in ops.values()
        for status in op["responses"]
    }
    assert statuses <= {"200", "201", "400", "401", "403", "404", "409", "422"}


def test_the_reasons_the_api_takes_are_the_delivery_log_s():
    assert set(get_args(Reason)) == {"", *MissedReason.values}


@pytest.mark.parametrize(
    ("header", "lock"),
    [
        (None, 0),
        ("", 0),
        (etag("delivery-1-2026-11-23", 3), 3),
        (f'"x.1", {etag("delivery-1-2026-11-23", 4)}', 4),
        ("W/" + etag("delivery-1-2026-11-23", 3), NO_MATCH),  # weak: never matches
        ("*", NO_MATCH),
        (etag("delivery-2-2026-11-23", 3), NO_MATCH),  # another row's week
        ('"delivery-1-2026-11-23.-3"', NO_MATCH),
        ('"delivery-1-2026-11-23.99999999999"', NO_MATCH),
        ("delivery-1-2026-11-23.3", NO_MATCH),  # not quoted
    ],
)
def test_if_match_names_a_version_of_this_week_or_none(header, lock):
    assert expected_lock(header, "delivery-1-2026-11-23") == lock
