"""The Local Offer as open data: the register of places as an Open Referral UK feed (ADR 0143).

The feed follows the UK profile of HSDS 3.0 (Open Referral UK, version 3.0). It is built
from the register alone: settings (organisations, and their locations) and their provision
strands (services, with the needs and ages they take as eligibility). It is public and holds
no personal data: no learner, no number on roll, no vacancies, no cost and no free-text note
a member of staff typed (any of those could name or point to a child). What it publishes
about a strand is its kind, its designated needs, its age range and the places commissioned.

Nothing here takes a user: the feed is the same for everyone, so there is nothing to scope
and no learner to audit. Identifiers are UUIDs, as the profile asks, derived from the
register's keys (so a service keeps its identifier from one day to the next).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sendplan.engine import NEEDS, haversine_km
from sendplan.provision.models import LocalService, ProvisionStrand, Setting

#: The version of HSDS the feed follows, and where the UK profile of it is described.
HSDS_VERSION = "3.0"
PROFILE_URL = "https://open-referral-uk-profile.readthedocs.io/en/latest/"
PROFILE_OPENAPI_URL = (
    "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"
)

#: The namespace every identifier in the feed is derived in (a fixed, random UUID).
NAMESPACE = uuid.UUID("6f0c9d0e-5b1a-4c44-9f3e-2b7d8a1c0e43")

NEED_TAXONOMY = "SEN2 primary type of need"
KIND_TAXONOMY = "Kind of SEND provision"
#: A setting with no strand still offers places: its one service is of this kind.
SETTING_PLACES = "setting_places"
SETTING_PLACES_LABEL = "Places at the setting, with support as each plan sets out"


def feed_id(kind: str, key: object) -> str:
    """The feed's identifier of one thing in the register: stable, and a UUID."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


@dataclass
class Feed:
    """The whole feed, each kind of entity in the order it is listed."""

    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    service_at_locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    taxonomies: dict[str, dict[str, Any]] = field(default_factory=dict)
    taxonomy_terms: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The register's settings in the feed (for matching plans' provision against it).
    setting_ids: set[int] = field(default_factory=set)
    organisation_ids: set[int] = field(default_factory=set)
    setting_names: dict[str, int] = field(default_factory=dict)
    #: Local services (ADR 0147) and their providers, by name as compared.
    local_service_names: dict[str, int] = field(default_factory=dict)


def published_settings() -> list[Setting]:
    """The settings the Local Offer lists: open, and a provider (not an arrangement such as
    home education, which the register keeps only for the SEN2 return)."""
    return list(
        Setting.objects.filter(is_open=True, sen2_code="")
        .prefetch_related("strands__designations")
        .order_by("name", "pk")
    )


def _timestamp(value: Any) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _taxonomies(feed: Feed) -> None:
    needs_id = feed_id("taxonomy", "need")
    kinds_id = feed_id("taxonomy", "kind")
    feed.taxonomies[needs_id] = {
        "id": needs_id,
        "name": NEED_TAXONOMY,
        "description": "The primary types of special educational need that the Department "
        "for Education's SEN2 return and school census use; a service lists those it is "
        "designated for.",
        "version": "SEN2",
    }
    feed.taxonomies[kinds_id] = {
        "id": kinds_id,
        "name": KIND_TAXONOMY,
        "description": "What kind of place or support a service offers: special school "
        "places, bases in mainstream schools, post-16 places, therapies, short breaks and so "
        "on.",
    }
    for code, label in NEEDS.items():
        term_id = feed_id("need", code)
        feed.taxonomy_terms[term_id] = {
            "id": term_id,
            "name": label,
            "description": f"{label} (SEN2 code {code})",
            "term": code,
            "taxonomy": NEED_TAXONOMY,
            "taxonomy_id": needs_id,
        }
    kinds = [
        *ProvisionStrand.Kind.choices,
        (SETTING_PLACES, SETTING_PLACES_LABEL),
        *LocalService.Kind.choices,
    ]
    for code, label in kinds:
        term_id = feed_id("kind", code)
        feed.taxonomy_terms[term_id] = {
            "id": term_id,
            "name": str(label),
            "description": str(label),
            "term": code,
            "taxonomy": KIND_TAXONOMY,
            "taxonomy_id": kinds_id,
        }


def _attribute(feed: Feed, link_id: str, term_id: str) -> dict[str, Any]:
    term = feed.taxonomy_terms[term_id]
    return {
        "id": feed_id("attribute", f"{link_id}:{term_id}"),
        "link_id": link_id,
        "link_type": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": dict(term),
    }


def _organisation(setting: Setting) -> dict[str, Any]:
    org_id = feed_id("setting", setting.pk)
    where = ", ".join(part for part in (setting.town, setting.la_name) if part)
    kind = setting.get_kind_display()
    description = f"{kind}, ages {setting.min_age} to {setting.max_age}"
    if setting.phase_of_education:
        description += f", {setting.phase_of_education.lower()} phase"
    if where:
        description += f", in {where}"
    description += "."
    if setting.is_estimate:
        description += f" Not a verified entry: {setting.get_source_display().lower()}."
    identifiers = []
    if setting.urn:
        identifiers.append(
            {
                "id": feed_id("urn", setting.urn),
                "organization_id": org_id,
                "identifier_scheme": "GB-EDU",
                "identifier_type": "Unique Reference Number (DfE)",
                "identifier": str(setting.urn),
            }
        )
    if setting.ukprn:
        identifiers.append(
            {
                "id": feed_id("ukprn", setting.ukprn),
                "organization_id": org_id,
                "identifier_scheme": "GB-UKPRN",
                "identifier_type": "UK Provider Reference Number",
                "identifier": str(setting.ukprn),
            }
        )
    return {
        "id": org_id,
        "name": setting.name,
        "description": description,
        "organization_identifiers": identifiers,
    }


def _location(setting: Setting) -> dict[str, Any] | None:
    if not setting.postcode and setting.latitude is None:
        return None
    location_id = feed_id("location", setting.pk)
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "name": setting.name,
        "addresses": [],
    }
    if setting.latitude is not None and setting.longitude is not None:
        location["latitude"] = setting.latitude
        location["longitude"] = setting.longitude
    if setting.urn:
        location["external_identifier"] = str(setting.urn)
        location["external_identifier_type"] = "GB-EDU"
    if setting.postcode:
        location["addresses"].append(
            {
                "id": feed_id("address", setting.pk),
                "location_id": location_id,
                "address_1": setting.street,
                "city": setting.town,
                "state_province": setting.la_name,
                "postal_code": setting.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        )
    return location


def _ages(low: int, high: int) -> str:
    return f"aged {low} to {high}"


def _service(
    feed: Feed,
    *,
    key: str,
    setting: Setting,
    name: str,
    kind: str,
    min_age: int,
    max_age: int,
    needs: list[str],
    places: int | None,
    modified: Any,
    base_url: str,
) -> dict[str, Any]:
    service_id = feed_id("service", key)
    description = f"For children and young people {_ages(min_age, max_age)}"
    if needs:
        description += " whose needs include " + ", ".join(NEEDS[n].lower() for n in needs)
    description += "."
    if places is not None:
        description += f" Places commissioned: {places}."
    description += " A place is named in an education, health and care plan by the council."
    terms = [feed_id("kind", kind)] + [feed_id("need", n) for n in needs]
    return {
        "id": service_id,
        "organization_id": feed_id("setting", setting.pk),
        "name": name,
        "description": description,
        # The register has no web page of its own for a setting: the service's address in
        # this feed stands in (the profile's list of services asks for one).
        "url": f"{base_url}services/{service_id}",
        "status": "active",
        "minimum_age": min_age,
        "maximum_age": max_age,
        "last_modified": _timestamp(modified),
        "attributes": [_attribute(feed, service_id, term) for term in terms],
    }


def local_offer_feed(base_url: str = "") -> Feed:
    """The feed, from the register, in a handful of queries whatever its size.

    ``base_url`` is the feed's own address ending in a slash (``https://host/oruk/``)."""
    feed = Feed()
    _taxonomies(feed)
    for setting in published_settings():
        organisation = _organisation(setting)
        feed.organizations[organisation["id"]] = organisation
        feed.setting_ids.add(setting.pk)
        feed.setting_names.setdefault(normalised(setting.name), setting.pk)
        if setting.organisation_id:
            feed.organisation_ids.add(setting.organisation_id)
        location = _location(setting)
        if location:
            feed.locations[location["id"]] = location
        strands = list(setting.strands.all())
        services = []
        for strand in strands:
            label = strand.get_kind_display()
            services.append(
                _service(
                    feed,
                    key=f"strand:{strand.pk}",
                    setting=setting,
                    name=f"{label}: {setting.name}",
                    kind=strand.kind,
                    min_age=strand.min_age,
                    max_age=strand.max_age,
                    needs=sorted(strand.need_codes),
                    places=strand.capacity,
                    modified=max(strand.modified_at, setting.modified_at),
                    base_url=base_url,
                )
            )
        if not strands:
            services.append(
                _service(
                    feed,
                    key=f"setting:{setting.pk}",
                    setting=setting,
                    name=f"{setting.get_kind_display()} places: {setting.name}",
                    kind=SETTING_PLACES,
                    min_age=setting.min_age,
                    max_age=setting.max_age,
                    needs=[],
                    places=None,
                    modified=setting.modified_at,
                    base_url=base_url,
                )
            )
        for service in services:
            feed.services[service["id"]] = service
            if location:
                sal_id = feed_id("service_at_location", service["id"])
                feed.service_at_locations[sal_id] = {
                    "id": sal_id,
                    "service_id": service["id"],
                    "location_id": location["id"],
                }
    _local_services(feed, base_url)
    return feed


def published_local_services() -> list[LocalService]:
    """The local services the Local Offer lists: the active ones (ADR 0147)."""
    return list(
        LocalService.objects.filter(active=True)
        .select_related("organisation", "organisation__setting")
        .order_by("name", "pk")
    )


def _provider(feed: Feed, service: LocalService) -> str:
    """The feed's organisation for a local service's provider: the setting's entry when the
    provider is a setting the feed lists, else one entry for the organisation."""
    organisation = service.organisation
    setting = getattr(organisation, "setting", None)
    if setting is not None and setting.pk in feed.setting_ids:
        return feed_id("setting", setting.pk)
    org_id = feed_id("organisation", organisation.pk)
    if org_id not in feed.organizations:
        feed.organizations[org_id] = {
            "id": org_id,
            "name": organisation.name,
            "description": f"{organisation.get_kind_display()} providing local services.",
            "organization_identifiers": [],
        }
    return org_id


def _local_service(feed: Feed, service: LocalService, base_url: str) -> dict[str, Any]:
    """A local service as the feed publishes it: its contacts are the service's own (a team
    inbox, a switchboard, a web page), never a person's."""
    service_id = feed_id("local_service", service.pk)
    needs = service.need_codes
    eligibility = f"For children and young people {_ages(service.min_age, service.max_age)}"
    if needs:
        eligibility += " whose needs include " + ", ".join(NEEDS[n].lower() for n in needs)
    eligibility += "."
    application = str(service.get_access_display()) + "."
    if service.access_note:
        application += f" {service.access_note}"
    terms = [feed_id("kind", service.kind)] + [feed_id("need", n) for n in needs]
    phones = []
    if service.phone:
        phones.append(
            {
                "id": feed_id("phone", service.pk),
                "service_id": service_id,
                "number": service.phone,
                "type": "voice",
            }
        )
    contact: dict[str, Any] = {
        "id": feed_id("contact", service.pk),
        "service_id": service_id,
        "name": service.name,
        "phones": [{**phone, "contact_id": feed_id("contact", service.pk)} for phone in phones],
    }
    if service.email:
        contact["email"] = service.email
    published: dict[str, Any] = {
        "id": service_id,
        "organization_id": _provider(feed, service),
        "name": service.name,
        "description": service.description,
        "url": service.website or f"{base_url}services/{service_id}",
        "status": "active",
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "last_modified": _timestamp(service.modified_at),
        "eligibility_description": eligibility,
        "application_process": application,
        "attributes": [_attribute(feed, service_id, term) for term in terms],
        "phones": phones,
        "contacts": [contact],
    }
    if service.email:
        published["email"] = service.email
    if service.area_served:
        published["eligibility_description"] += f" Area served: {service.area_served}."
    return published


def _local_services(feed: Feed, base_url: str) -> None:
    for service in published_local_services():
        published = _local_service(feed, service, base_url)
        feed.services[published["id"]] = published
        # Based at a setting the feed lists: that setting's location is the service's too.
        location_id = feed_id("location", service.based_at_id)
        if service.based_at_id in feed.setting_ids and location_id in feed.locations:
            sal_id = feed_id("service_at_location", published["id"])
            feed.service_at_locations[sal_id] = {
                "id": sal_id,
                "service_id": published["id"],
                "location_id": location_id,
            }
        feed.organisation_ids.add(service.organisation_id)
        feed.local_service_names.setdefault(normalised(service.name), service.pk)
        feed.local_service_names.setdefault(normalised(service.organisation.name), service.pk)


_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}")


def postcode_key(value: str) -> str | None:
    """A full UK postcode in capitals with one space before its last three characters, or
    None when ``value`` does not look like one."""
    squeezed = "".join(value.upper().split())
    if not _POSTCODE.fullmatch(squeezed):
        return None
    return f"{squeezed[:-3]} {squeezed[-3:]}"


def postcode_point(feed: Feed, postcode: str) -> tuple[float, float] | None:
    """Where a postcode is, from the feed's own published locations: the coordinates the
    register records for a setting at that postcode (the mean, if several). The project
    holds no national postcode lookup, so a postcode no published setting has is unknown."""
    wanted = postcode_key(postcode)
    points = [
        (location["latitude"], location["longitude"])
        for location in feed.locations.values()
        if "latitude" in location
        and any(postcode_key(address["postal_code"]) == wanted for address in location["addresses"])
    ]
    if wanted is None or not points:
        return None
    return (
        sum(lat for lat, _ in points) / len(points),
        sum(lng for _, lng in points) / len(points),
    )


def service_distances(feed: Feed, lat: float, lng: float) -> dict[str, float]:
    """Each located service's distance in metres from a point: to its nearest location."""
    distances: dict[str, float] = {}
    for link in feed.service_at_locations.values():
        location = feed.locations[link["location_id"]]
        if "latitude" not in location:
            continue
        metres = 1000 * float(haversine_km(lat, lng, location["latitude"], location["longitude"]))
        service_id = link["service_id"]
        distances[service_id] = min(metres, distances.get(service_id, metres))
    return distances


_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


def normalised(name: str) -> str:
    """A provider's name as compared: case, punctuation and spacing ignored."""
    return " ".join(_NOT_A_WORD.sub(" ", name.casefold()).split())
