"""Our own JSON Schema for the Open Referral UK feed (ADR 0143).

Written by hand from the UK profile of HSDS 3.0 (Open Referral UK version 3.0): for each
entity, the fields the profile makes required and the type and format it gives every field
the feed publishes. It is not the profile's schema file (we copy none): it checks what the
profile asks of a feed, offline, in CI. Unknown fields are refused, so a field added to the
feed must be added here too, with the profile's type.
"""

from __future__ import annotations

from typing import Any

UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
AGE = {"type": "number", "minimum": 0}


def _entity(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


ORGANIZATION_IDENTIFIER = _entity(
    ["id", "identifier_type", "identifier"],
    {
        "id": UUID,
        "organization_id": UUID,
        "identifier_scheme": TEXT,
        "identifier_type": TEXT,
        "identifier": TEXT,
    },
)
ORGANIZATION = _entity(
    ["id", "name", "description"],
    {
        "id": UUID,
        "name": {"type": "string", "minLength": 1},
        "description": TEXT,
        "organization_identifiers": {"type": "array", "items": ORGANIZATION_IDENTIFIER},
    },
)
TAXONOMY = _entity(
    ["id", "name", "description"],
    {"id": UUID, "name": TEXT, "description": TEXT, "version": TEXT},
)
TAXONOMY_TERM = _entity(
    ["id", "name", "description"],
    {
        "id": UUID,
        "name": TEXT,
        "description": TEXT,
        "taxonomy": TEXT,
        "taxonomy_id": UUID,
        "term": TEXT,
    },
)
ATTRIBUTE = _entity(
    ["id"],
    {
        "id": UUID,
        "link_id": UUID,
        "link_type": TEXT,
        "taxonomy_term_id": UUID,
        "taxonomy_term": TAXONOMY_TERM,
    },
)
ADDRESS = _entity(
    ["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    {
        "id": UUID,
        "location_id": UUID,
        "address_1": TEXT,
        "city": TEXT,
        "state_province": TEXT,
        "postal_code": TEXT,
        # ISO 3166-1 alpha-2, as HSDS asks.
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "address_type": {"enum": ["physical", "postal", "virtual"]},
    },
)
LOCATION = _entity(
    ["id", "location_type"],
    {
        "id": UUID,
        "location_type": {"enum": ["physical", "postal", "virtual"]},
        "name": TEXT,
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
        "external_identifier": TEXT,
        "external_identifier_type": TEXT,
        "addresses": {"type": "array", "items": ADDRESS},
    },
)
SERVICE_AT_LOCATION = _entity(
    ["id"],
    {"id": UUID, "service_id": UUID, "location_id": UUID, "location": LOCATION},
)
_SERVICE_FIELDS: dict[str, Any] = {
    "id": UUID,
    "organization_id": UUID,
    "name": {"type": "string", "minLength": 1},
    "description": TEXT,
    "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
    "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
    "minimum_age": AGE,
    "maximum_age": AGE,
    "last_modified": {"type": "string", "format": "date-time"},
    "organization": ORGANIZATION,
}
#: A service in a list: one-to-one fields (the profile's list requires a url too), and with
#: a proximity search its distance in whole metres (as ORUK version 1 listed it).
SERVICE_IN_LIST = _entity(
    ["id", "name", "status", "url"],
    {**_SERVICE_FIELDS, "distance": {"type": "integer", "minimum": 0}},
)
PHONE = _entity(
    ["id", "number"],
    {
        "id": UUID,
        "service_id": UUID,
        "contact_id": UUID,
        "number": {"type": "string", "minLength": 1},
        "type": TEXT,
    },
)
#: A contact: the profile's fields a service contact fills (a team, never a person's title).
CONTACT = _entity(
    ["id"],
    {
        "id": UUID,
        "service_id": UUID,
        "name": TEXT,
        "email": {"type": "string", "format": "email"},
        "phones": {"type": "array", "items": PHONE},
    },
)
SERVICE = _entity(
    ["id", "name", "status"],
    {
        **_SERVICE_FIELDS,
        "email": {"type": "string", "format": "email"},
        "eligibility_description": TEXT,
        "application_process": TEXT,
        "phones": {"type": "array", "items": PHONE},
        "contacts": {"type": "array", "items": CONTACT},
        "attributes": {"type": "array", "items": ATTRIBUTE},
        "service_at_locations": {"type": "array", "items": SERVICE_AT_LOCATION},
    },
)
ORGANIZATION_WITH_SERVICES = _entity(
    ["id", "name", "description"],
    {**ORGANIZATION["properties"], "services": {"type": "array", "items": SERVICE}},
)
SERVICE_AT_LOCATION_FULL = _entity(
    ["id"], {**SERVICE_AT_LOCATION["properties"], "service": SERVICE}
)


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    """The profile's Page: its counts and flags, and the entities in ``contents``."""
    count = {"type": "integer", "minimum": 0}
    return _entity(
        [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        {
            "total_items": count,
            "total_pages": count,
            "page_number": {"type": "integer", "minimum": 1},
            "size": count,
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": item},
        },
    )


INDEX = _entity(
    ["version", "profile"],
    {
        "version": {"const": "3.0"},
        "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string", "format": "uri"},
    },
)

#: URL name -> the schema of its answer.
SCHEMAS: dict[str, dict[str, Any]] = {
    "oruk:index": INDEX,
    "oruk:services": page_of(SERVICE_IN_LIST),
    "oruk:service": SERVICE,
    "oruk:organizations": page_of(ORGANIZATION),
    "oruk:organization": ORGANIZATION_WITH_SERVICES,
    "oruk:service-at-locations": page_of(SERVICE_AT_LOCATION),
    "oruk:service-at-location": SERVICE_AT_LOCATION_FULL,
    "oruk:taxonomies": page_of(TAXONOMY),
    "oruk:taxonomy": TAXONOMY,
    "oruk:taxonomy-terms": page_of(TAXONOMY_TERM),
    "oruk:taxonomy-term": TAXONOMY_TERM,
}
