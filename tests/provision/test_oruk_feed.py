"""The Local Offer's Open Referral UK feed: its shape against our schema of the profile,
its pagination and filters, and that it carries no personal data (ADR 0143)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker

from sendplan.provision.local_offer import feed_id
from sendplan.provision.models import ProvisionStrand, Setting
from tests.factories import SettingFactory, StrandFactory
from tests.provision.oruk_schema import SCHEMAS

pytestmark = pytest.mark.django_db


def _get(name: str, *args: str, client: Client | None = None, **query: object):
    return (client or Client()).get(reverse(name, args=args), query)


def _valid(name: str, body: dict) -> None:
    validator = Draft202012Validator(SCHEMAS[name], format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], f"{name}: {errors[:5]}"


@pytest.fixture
def offer(cast):
    """The cast's two settings, a base with two strands, a closed school and a home
    education arrangement (which the Local Offer does not list)."""
    base = SettingFactory(
        name="Northside Primary",
        kind=Setting.Kind.RESOURCED,
        urn=100001,
        min_age=4,
        max_age=11,
        street="1 High Street",
        town="London",
        postcode="SW9 0AA",
    )
    StrandFactory(
        setting=base,
        kind=ProvisionStrand.Kind.INCLUSION_BASE,
        min_age=4,
        max_age=11,
        capacity=12,
        on_roll=11,
        needs=["SEMH"],
        note="Room for Jamie Okonkwo-Test next term",
    )
    StrandFactory(
        setting=base,
        kind=ProvisionStrand.Kind.SEN_UNIT,
        min_age=7,
        max_age=11,
        capacity=8,
        on_roll=3,
        needs=["HI", "VI"],
    )
    SettingFactory(name="Closed Academy", is_open=False)
    SettingFactory(name="Home education", kind=Setting.Kind.OTHER, sen2_code="EHE")
    return base


def test_every_address_answers_in_the_shape_the_profile_asks(offer):
    everything = {}
    for name in [
        n
        for n in SCHEMAS
        if not n.endswith(
            ("service", "organization", "taxonomy", "taxonomy-term", "service-at-location")
        )
    ]:
        response = _get(name)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        everything[name] = body = response.json()
        _valid(name, body)
    one_of = {
        "oruk:service": "oruk:services",
        "oruk:organization": "oruk:organizations",
        "oruk:service-at-location": "oruk:service-at-locations",
        "oruk:taxonomy": "oruk:taxonomies",
        "oruk:taxonomy-term": "oruk:taxonomy-terms",
    }
    for name, listed in one_of.items():
        ids = [item["id"] for item in everything[listed]["contents"]]
        assert ids, listed
        for pk in ids:
            response = _get(name, pk)
            assert response.status_code == 200, (name, pk)
            _valid(name, response.json())


def test_the_register_becomes_services_organisations_and_locations(offer):
    services = _get("oruk:services").json()["contents"]
    names = sorted(s["name"] for s in services)
    assert names == [
        "Inclusion base in a mainstream school: Northside Primary",
        "SEN unit: Northside Primary",
        "Special school (maintained, academy or free) places: Other School",
        "Special school places: Test Special School",
    ]
    assert "Closed Academy" not in json.dumps(services)
    assert "Home education" not in json.dumps(services)
    organisations = {o["name"] for o in _get("oruk:organizations").json()["contents"]}
    assert organisations == {"Northside Primary", "Other School", "Test Special School"}

    unit = _get(
        "oruk:service", feed_id("service", f"strand:{offer.strands.get(kind='sen_unit').pk}")
    )
    body = unit.json()
    assert body["minimum_age"] == 7 and body["maximum_age"] == 11
    assert body["organization"]["name"] == "Northside Primary"
    assert {
        "id": feed_id("urn", 100001),
        "organization_id": feed_id("setting", offer.pk),
        "identifier_scheme": "GB-EDU",
        "identifier_type": "Unique Reference Number (DfE)",
        "identifier": "100001",
    } in body["organization"]["organization_identifiers"]
    terms = {a["taxonomy_term"]["term"] for a in body["attributes"]}
    assert terms == {"sen_unit", "HI", "VI"}
    (at,) = body["service_at_locations"]
    assert at["location"]["addresses"][0]["postal_code"] == "SW9 0AA"
    assert at["location"]["addresses"][0]["country"] == "GB"
    assert body["url"] == f"http://testserver/oruk/services/{body['id']}"
    assert "Places commissioned: 8." in body["description"]


def test_a_setting_with_no_strand_offers_its_places(offer):
    services = _get("oruk:services", search="other school").json()["contents"]
    assert [s["name"] for s in services] == [
        "Special school (maintained, academy or free) places: Other School"
    ]


def test_identifiers_stay_the_same_from_one_call_to_the_next(offer):
    first = [s["id"] for s in _get("oruk:services").json()["contents"]]
    second = [s["id"] for s in _get("oruk:services").json()["contents"]]
    assert first == second and len(set(first)) == len(first)


def test_no_personal_data_and_no_numbers_about_children(offer, cast):
    """No learner, no user, no number on roll or vacancies, no cost, no staff's notes."""
    text = ""
    for name in SCHEMAS:
        if name.startswith("oruk:") and not name.endswith(
            ("service", "organization", "taxonomy", "taxonomy-term", "service-at-location")
        ):
            text += _get(name, per_page=500).content.decode()
    for listed in ("oruk:services", "oruk:organizations", "oruk:service-at-locations"):
        single = listed.removesuffix("s")
        for item in _get(listed).json()["contents"]:
            text += _get(single, item["id"]).content.decode()
    for learner in (cast.learner, cast.other_learner):
        for word in (learner.given_name, learner.family_name, learner.upn):
            assert not word or word not in text
    for user in (cast.caseworker, cast.senco, cast.parent):
        assert user.username not in text and user.last_name not in text
    assert "Okonkwo" not in text  # the note typed on a strand
    for number in ("on_roll", "vacanc", "top_up", "annual_fee", "place_funding", "pupils"):
        assert number not in text.casefold()
    assert "Places commissioned: 12." in text
    # The on-roll figures (11 and 3) appear nowhere as figures about a service.
    assert ": 11." not in text and ": 3." not in text


def test_pages_of_the_feed(offer):
    for n in range(7):
        SettingFactory(name=f"Extra School {n}")
    first = _get("oruk:services", per_page=3).json()
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (11, 4, 1)
    assert (first["size"], first["first_page"], first["last_page"], first["empty"]) == (
        3,
        True,
        False,
        False,
    )
    last = _get("oruk:services", per_page=3, page=4).json()
    assert (last["size"], last["first_page"], last["last_page"], last["empty"]) == (
        2,
        False,
        True,
        False,
    )
    pages = [_get("oruk:services", per_page=3, page=p).json()["contents"] for p in (1, 2, 3, 4)]
    ids = [s["id"] for page in pages for s in page]
    assert len(ids) == len(set(ids)) == 11
    beyond = _get("oruk:services", per_page=3, page=9).json()
    assert beyond["contents"] == [] and beyond["empty"] and beyond["size"] == 0
    assert _get("oruk:services").json()["size"] == 11  # 50 a page unless asked


@pytest.mark.parametrize(
    "query",
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "501"}, "per_page"),
        ({"minimum_age": "-1"}, "minimum_age"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_after": "2026-13-01T00:00:00Z"}, "modified_after"),
        ({"lat": "91", "lng": "0"}, "lat"),
        ({"lat": "51.5", "lng": "east"}, "lng"),
        ({"lat": "51.5"}, "lng"),
        ({"postcode": "not a postcode"}, "not a postcode"),
        ({"postcode": "ZZ9 9ZZ", "proximity": "1000"}, "ZZ9 9ZZ"),
        ({"postcode": "SW9 0AA", "lat": "51.5", "lng": "0"}, "postcode"),
        ({"proximity": "1000"}, "proximity"),
        ({"lat": "51.5", "lng": "0", "proximity": "0"}, "proximity"),
        ({"lat": "51.5", "lng": "0", "proximity": "a mile"}, "proximity"),
    ],
)
def test_a_query_the_feed_cannot_read_is_a_400_problem_naming_it(offer, query):
    params, named = query
    response = _get("oruk:services", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert named in body["detail"]
    assert "ETag" not in response


def test_an_unknown_identifier_is_a_404_problem(offer):
    for name in ("oruk:service", "oruk:organization", "oruk:taxonomy-term"):
        response = _get(name, feed_id("service", "no-such-thing"))
        assert response.status_code == 404
        assert response.json()["status"] == 404


def test_the_feed_is_read_only(offer):
    response = Client().post(reverse("oruk:services"), {})
    assert response.status_code == 405


def test_filters_by_need_age_and_organisation(offer):
    semh = feed_id("need", "SEMH")
    by_need = _get("oruk:services", taxonomy_term_id=semh).json()["contents"]
    assert [s["name"] for s in by_need] == [
        "Inclusion base in a mainstream school: Northside Primary"
    ]
    older = _get("oruk:services", minimum_age=12).json()["contents"]
    assert "Northside Primary" not in json.dumps(older)
    mine = _get("oruk:services", organization_id=feed_id("setting", offer.pk)).json()
    assert mine["total_items"] == 2
    needs = _get("oruk:taxonomy-terms", taxonomy_id=feed_id("taxonomy", "need")).json()
    assert {t["term"] for t in needs["contents"]} >= {"ASD", "SEMH", "SLCN"}


def test_the_feed_reads_the_register_in_a_few_queries(offer):
    for n in range(20):
        StrandFactory(setting=SettingFactory(name=f"More School {n}"))
    with CaptureQueriesContext(connection) as queries:
        assert _get("oruk:services", per_page=100).json()["total_items"] == 24
    assert len(queries) <= 4


def _when(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_modified_after_keeps_services_changed_since(offer):
    Setting.objects.update(modified_at=_when(2026, 1, 10, 9))
    ProvisionStrand.objects.update(modified_at=_when(2026, 1, 10, 9))
    offer.strands.filter(kind="sen_unit").update(modified_at=_when(2026, 6, 1, 12))
    for since in ("2026-03-01T00:00:00Z", "2026-03-01", "2026-06-01T12:30:00+01:00"):
        found = _get("oruk:services", modified_after=since).json()["contents"]
        assert [s["name"] for s in found] == ["SEN unit: Northside Primary"], since
    assert _get("oruk:services", modified_after="2026-06-01T12:00:00Z").json()["empty"]
    assert _get("oruk:services", modified_after="2026-01-10").json()["total_items"] == 4


def test_text_is_read_as_search(offer):
    for name in ("text", "search"):
        found = _get("oruk:services", **{name: "sen UNIT"}).json()["contents"]
        assert [s["name"] for s in found] == ["SEN unit: Northside Primary"], name


@pytest.fixture
def far_north(offer):
    """Three settings far from the cast's (which are in Lambeth): at a postcode, 556 metres
    north of it and about 11 km north."""
    here = SettingFactory(name="Here School", postcode="M1 1AA", latitude=53.48, longitude=-2.24)
    near = SettingFactory(name="Near School", latitude=53.485, longitude=-2.24)
    far = SettingFactory(name="Far School", latitude=53.58, longitude=-2.24)
    return here, near, far


def test_proximity_search_from_a_postcode_nearest_first(far_north):
    body = _get("oruk:services", postcode="m11aa", proximity=2000).json()
    _valid("oruk:services", body)
    found = [(s["organization"]["name"], s["distance"]) for s in body["contents"]]
    assert found == [("Here School", 0), ("Near School", 556)]
    wider = _get("oruk:services", postcode="M1 1AA", proximity=20_000).json()["contents"]
    assert [(s["organization"]["name"], s["distance"]) for s in wider] == [
        ("Here School", 0),
        ("Near School", 556),
        ("Far School", 11120),
    ]
    links = _get("oruk:service-at-locations", postcode="M1 1AA", proximity=2000).json()
    _valid("oruk:service-at-locations", links)
    assert [link["location"]["name"] for link in links["contents"]] == [
        "Here School",
        "Near School",
    ]


def test_proximity_search_from_coordinates(far_north):
    body = _get("oruk:services", lat="53.58", lng="-2.24", proximity=1000).json()
    assert [(s["organization"]["name"], s["distance"]) for s in body["contents"]] == [
        ("Far School", 0)
    ]
    # With no distance given, every located service, nearest first; no distance otherwise.
    everything = _get("oruk:services", lat="53.58", lng="-2.24").json()["contents"]
    assert [s["organization"]["name"] for s in everything[:3]] == [
        "Far School",
        "Near School",
        "Here School",
    ]
    assert len(everything) == 7
    distances = [s["distance"] for s in everything]
    assert distances == sorted(distances)
    assert all("distance" not in s for s in _get("oruk:services").json()["contents"])


def test_feed_answers_carry_a_strong_etag_and_a_short_public_cache(offer):
    first = _get("oruk:services", per_page=2)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first["Cache-Control"] == "public, max-age=300"
    assert _get("oruk:services", per_page=2)["ETag"] == etag  # the data's, not the clock's
    assert _get("oruk:services", per_page=3)["ETag"] != etag

    client = Client(headers={"If-None-Match": etag})
    again = client.get(reverse("oruk:services"), {"per_page": 2})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "public, max-age=300"
    assert again["Access-Control-Allow-Origin"] == "*"
    weak = Client(headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.get(reverse("oruk:services"), {"per_page": 2}).status_code == 304

    offer.name = "Northside Primary and Nursery"
    offer.save()
    changed = client.get(reverse("oruk:services"), {"per_page": 2})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    one = _get("oruk:service", changed.json()["contents"][0]["id"])
    assert one["ETag"] and one["Cache-Control"] == "public, max-age=300"
