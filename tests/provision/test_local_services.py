"""Local services in the register (ADR 0147): the service that saves them, their pages and
forms, the Open Referral UK feed that publishes them, and the report of provision the Local
Offer does not list."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker

from sendplan.accounts.models import Organisation
from sendplan.core.errors import PermissionDenied, StaleEdit
from sendplan.engine import NEEDS
from sendplan.provision.local_offer import feed_id
from sendplan.provision.models import LocalService
from sendplan.provision.services import local_service_save
from sendplan.provision.unmatched import unmatched_provision
from tests.factories import OrganisationFactory, SettingFactory
from tests.provision.local_service_factory import LocalServiceFactory
from tests.provision.oruk_schema import SCHEMAS
from tests.provision.test_unmatched import plans  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

LIST = reverse("provision:local-services")
ADD = reverse("provision:local-service-add")


def _values(organisation: Organisation, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Children's occupational therapy",
        "organisation_id": organisation.pk,
        "kind": LocalService.Kind.OCCUPATIONAL,
        "description": "Help with everyday skills such as dressing and writing.",
        "min_age": 0,
        "max_age": 18,
        "needs": ["PD", "ASD"],
        "access": LocalService.Access.REFERRAL,
        "access_note": "A school or GP refers.",
        "email": "ot.team@example.org",
        "phone": "",
        "website": "",
        "area_served": "Lambeth",
        "active": True,
    }
    values.update(changes)
    return values


def _form(organisation: Organisation, **changes: object) -> dict[str, object]:
    values = _values(organisation, **changes)
    data = {k: v for k, v in values.items() if k not in {"organisation_id", "active", "needs"}}
    data["organisation"] = values["organisation_id"]
    data["needs"] = values["needs"]
    data["expected_lock"] = changes.get("expected_lock", 0)
    if values["active"]:
        data["active"] = "on"
    return data


# The service ---------------------------------------------------------------------------


def test_council_staff_add_and_change_a_service_with_its_history(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    added = local_service_save(
        changed_by=cast.caseworker, expected_lock=0, **_values(health, needs=["PD", "ASD"])
    )
    assert added.created_by == cast.caseworker and added.lock == 1
    assert added.needs == [code for code in NEEDS if code in {"PD", "ASD"}]  # SEN2 order
    changed = local_service_save(
        changed_by=cast.la_colleague,
        expected_lock=1,
        pk=added.pk,
        **_values(health, name="Occupational therapy for children"),
    )
    assert changed.name == "Occupational therapy for children"
    assert changed.modified_by == cast.la_colleague and changed.created_by == cast.caseworker
    assert changed.lock == 2


def test_a_save_from_an_older_read_is_refused(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    row = local_service_save(changed_by=cast.caseworker, expected_lock=0, **_values(health))
    local_service_save(changed_by=cast.caseworker, expected_lock=1, pk=row.pk, **_values(health))
    with pytest.raises(StaleEdit):
        local_service_save(
            changed_by=cast.la_colleague, expected_lock=1, pk=row.pk, **_values(health)
        )


def test_a_service_needs_a_way_to_reach_it_and_ages_in_order(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    with pytest.raises(ValidationError) as refused:
        local_service_save(
            changed_by=cast.caseworker,
            expected_lock=0,
            **_values(health, email="", min_age=12, max_age=5, needs=["XX"]),
        )
    assert set(refused.value.message_dict) == {"email", "max_age", "needs"}
    assert not LocalService.objects.exists()


def test_only_council_staff_change_the_register(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    for user in (cast.health, cast.senco, cast.parent):
        with pytest.raises(PermissionDenied):
            local_service_save(changed_by=user, expected_lock=0, **_values(health))


# The pages -----------------------------------------------------------------------------


def test_the_register_links_to_local_services_and_they_list_and_show(cast):
    service = LocalServiceFactory(name="Sensory support team", kind=LocalService.Kind.SENSORY)
    client = cast.client_for(cast.health)
    register = client.get(reverse("provision:register")).content.decode()
    assert LIST in register
    listed = client.get(LIST).content.decode()
    page = reverse("provision:local-service", args=[service.pk])
    assert "Sensory support team" in listed and page in listed
    assert ADD not in listed  # health staff read the register but do not change it
    shown = client.get(page).content.decode()
    assert "therapy.team@example.org" in shown and "Speech, language and communication" in shown
    assert client.get(ADD).status_code == 403
    assert cast.client_for(cast.parent).get(LIST).status_code == 403


def test_the_form_adds_a_service(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    client = cast.client_for(cast.caseworker)
    assert ADD in client.get(LIST).content.decode()
    response = client.post(ADD, _form(health))
    added = LocalService.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("provision:local-service", args=[added.pk])
    assert (added.organisation, added.kind, added.email) == (
        health,
        "occupational",
        "ot.team@example.org",
    )


def test_form_errors_re_show_what_was_typed(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    client = cast.client_for(cast.caseworker)
    response = client.post(
        ADD,
        _form(health, email="", min_age=9, max_age=4, description="Typed words stay put"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Error: Add a local service" in body
    assert "Enter an email address, phone number or web page for the service" in body
    assert "Oldest age must be the same as or more than youngest age" in body
    assert "Typed words stay put" in body and "Children&#x27;s occupational therapy" in body
    assert not LocalService.objects.exists()


def test_the_change_form_refuses_an_older_read_and_keeps_the_typing(cast):
    service = LocalServiceFactory(organisation=Organisation.objects.get(name="Test NHS Trust"))
    LocalService.objects.filter(pk=service.pk).update(lock=2)
    client = cast.client_for(cast.caseworker)
    page = reverse("provision:local-service-edit", args=[service.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, _form(service.organisation, name="Renamed by me", expected_lock=1))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Renamed by me" in body and 'value="2"' in body
    service.refresh_from_db()
    assert service.name != "Renamed by me"


# The feed ------------------------------------------------------------------------------


def _valid(name: str, body: dict) -> None:
    validator = Draft202012Validator(SCHEMAS[name], format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], f"{name}: {errors[:5]}"


def test_the_feed_publishes_active_services_with_service_contacts_only(cast):
    trust = OrganisationFactory(name="Riverside NHS Trust", kind=Organisation.Kind.HEALTH)
    salt = LocalServiceFactory(
        name="Children's speech and language therapy", organisation=trust, needs=["SLCN"]
    )
    LocalServiceFactory(name="Closed outreach", organisation=trust, active=False)
    client = Client()
    listed = client.get(reverse("oruk:services"), {"per_page": 500}).json()
    _valid("oruk:services", listed)
    names = [s["name"] for s in listed["contents"]]
    assert "Children's speech and language therapy" in names
    assert "Closed outreach" not in json.dumps(listed)
    body = client.get(reverse("oruk:service", args=[feed_id("local_service", salt.pk)])).json()
    _valid("oruk:service", body)
    assert body["organization"]["name"] == "Riverside NHS Trust"
    assert (body["minimum_age"], body["maximum_age"]) == (0, 19)
    assert body["url"] == "https://www.example.org/therapy"
    assert body["email"] == "therapy.team@example.org"
    assert "A school, GP or health visitor refers." in body["application_process"]
    assert "Area served: Lambeth." in body["eligibility_description"]
    assert {a["taxonomy_term"]["term"] for a in body["attributes"]} == {
        "speech_language",
        "SLCN",
    }
    (contact,) = body["contacts"]
    assert contact["name"] == salt.name  # the service, not a person
    assert set(contact) == {"id", "service_id", "name", "email", "phones"}
    assert contact["phones"][0]["number"] == "020 7946 0101"
    organisation = client.get(
        reverse("oruk:organization", args=[feed_id("organisation", trust.pk)])
    ).json()
    _valid("oruk:organization", organisation)
    assert [s["name"] for s in organisation["services"]] == [salt.name]
    text = json.dumps(body)
    assert cast.caseworker.username not in text
    for user in (cast.caseworker, cast.health):
        assert user.last_name not in text and user.email not in text


def test_a_service_of_a_setting_is_listed_under_the_setting(cast):
    service = LocalServiceFactory(
        name="Outreach from the special school",
        organisation=cast.setting.organisation,
        kind=LocalService.Kind.SENSORY,
    )
    body = Client().get(reverse("oruk:service", args=[feed_id("local_service", service.pk)]))
    assert body.json()["organization_id"] == feed_id("setting", cast.setting.pk)


def test_a_service_based_at_a_setting_is_there_and_found_near_it(cast):
    centre = SettingFactory(
        name="Greenway Short Breaks Centre", postcode="M1 1AA", latitude=53.48, longitude=-2.24
    )
    health = Organisation.objects.get(name="Test NHS Trust")
    client = cast.client_for(cast.caseworker)
    assert "Greenway Short Breaks Centre" in client.get(ADD).content.decode()
    response = client.post(ADD, _form(health, based_at=centre.pk))
    assert response.status_code == 302
    added = LocalService.objects.get()
    assert added.based_at == centre
    assert "Greenway Short Breaks Centre" in client.get(response["Location"]).content.decode()
    roaming = LocalServiceFactory(name="Portage visits", organisation=health)

    feed = Client()
    body = feed.get(reverse("oruk:service", args=[feed_id("local_service", added.pk)])).json()
    _valid("oruk:service", body)
    (at,) = body["service_at_locations"]
    assert at["location"]["id"] == feed_id("location", centre.pk)
    near = feed.get(reverse("oruk:services"), {"postcode": "M1 1AA", "proximity": 100}).json()
    assert {(s["name"], s["distance"]) for s in near["contents"]} == {
        ("Special school (maintained, academy or free) places: Greenway Short Breaks Centre", 0),
        ("Children's occupational therapy", 0),
    }
    assert roaming.name not in json.dumps(near)
    alone = feed.get(reverse("oruk:service", args=[feed_id("local_service", roaming.pk)]))
    assert alone.json()["service_at_locations"] == []


def test_the_form_refuses_a_base_that_is_not_a_setting_in_the_offer(cast):
    health = Organisation.objects.get(name="Test NHS Trust")
    closed = SettingFactory(name="Closed Centre", is_open=False)
    client = cast.client_for(cast.caseworker)
    response = client.post(ADD, _form(health, based_at=closed.pk))
    assert response.status_code == 200
    assert "Choose a setting from the list" in response.content.decode()
    assert not LocalService.objects.exists()


# The report of provision not listed ----------------------------------------------------


def test_plan_rows_match_local_services_by_provider_and_by_name(cast, plans):  # noqa: F811
    LocalServiceFactory(name="Children's therapies", organisation=plans)
    LocalServiceFactory(
        name="Short breaks",
        kind=LocalService.Kind.SHORT_BREAKS,
        organisation=OrganisationFactory(name="Council social care", kind="social_care"),
    )
    report = unmatched_provision(fetched_by=cast.la_colleague)
    providers = {u.provider for u in report.unmatched}
    assert "Riverside NHS Trust" not in providers  # by the providing organisation
    assert "Short breaks service" not in providers  # by the words "short breaks"
    assert providers == {"Occupational therapy (Acme Therapy Ltd)", "Class teacher"}
    assert report.rows_matched == 7


def test_an_inactive_service_matches_nothing(cast, plans):  # noqa: F811
    LocalServiceFactory(name="Children's therapies", organisation=plans, active=False)
    report = unmatched_provision(fetched_by=cast.la_colleague)
    assert "Riverside NHS Trust" in {u.provider for u in report.unmatched}
