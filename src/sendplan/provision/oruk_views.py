"""``/oruk/``: the Local Offer as an Open Referral UK feed (ADR 0143).

Plain Django views returning JSON, public and read-only: the feed is open data, the same for
everyone, so it takes no token and no session, and it is not part of the ``/api/v1/`` API
(whose every call acts as a user and is audited). Paths and pagination are those of the UK
profile of HSDS 3.0: ``/``, ``/services``, ``/services/{id}``, ``/organizations``,
``/organizations/{id}``, ``/service_at_locations``, ``/service_at_locations/{id}``,
``/taxonomies``, ``/taxonomies/{id}``, ``/taxonomy_terms`` and ``/taxonomy_terms/{id}``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from sendplan.accounts.guards import public
from sendplan.provision.local_offer import (
    HSDS_VERSION,
    PROFILE_OPENAPI_URL,
    PROFILE_URL,
    Feed,
    local_offer_feed,
    postcode_key,
    postcode_point,
    service_distances,
)

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
#: How far a proximity search may reach, in metres (a council's area and its neighbours').
MAX_PROXIMITY = 100_000
#: Open data that changes a few times a day: a cache or aggregator may keep a copy for five
#: minutes, then asks again with the ETag and gets a 304 while nothing has changed.
CACHE_CONTROL = "public, max-age=300"


def problem(status: int, detail: str) -> JsonResponse:
    """An RFC 9457 problem detail, as the API answers (the feed sits below the API's layer,
    so it does not borrow the API's helper)."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    return JsonResponse(
        {**body, "detail": detail}, status=status, content_type="application/problem+json"
    )


class BadQuery(ValueError):
    """A query parameter the feed cannot read: a 400 problem naming it."""


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Open data: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _etag(content: bytes) -> str:
    """A strong entity tag: a digest of the exact bytes sent, so it changes when the data
    (or the query, or the feed's own address) does and never because time passed."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison, which If-None-Match uses: ``W/`` is ignored, ``*``
    matches anything."""
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}


def _cached(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The feed's caching headers, and a 304 with no body when the client's copy is
    current."""
    etag = _etag(response.content)
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
        response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _feed(request: HttpRequest) -> Feed:
    return local_offer_feed(base_url=request.build_absolute_uri(reverse("oruk:index")))


def _whole_number(request: HttpRequest, name: str, default: int | None) -> int | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number") from None
    if value < 0:
        raise BadQuery(f"{name} must not be negative")
    return value


def _page(request: HttpRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
    """One page of ``items``, with the page fields the profile's Page schema names."""
    page = _whole_number(request, "page", 1) or 0
    per_page = _whole_number(request, "per_page", DEFAULT_PER_PAGE) or 0
    if page < 1:
        raise BadQuery("page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise BadQuery(f"per_page must be from 1 to {MAX_PER_PAGE}")
    total = len(items)
    pages = math.ceil(total / per_page) if total else 0
    contents = items[(page - 1) * per_page : page * per_page]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _feed_view(build: Callable[..., dict[str, Any] | None]) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            body = build(request, _feed(request), **kwargs)
        except BadQuery as exc:
            return problem(400, str(exc))
        if body is None:
            return problem(404, "The feed holds nothing with that identifier")
        return _cached(request, _json(body))

    view.__name__ = build.__name__
    view.__qualname__ = build.__qualname__
    view.__doc__ = build.__doc__
    return public(require_safe(view))


# -- The entities, one-to-one fields only (lists) or fully nested (one by its id) -----------

_SERVICE_LIST_FIELDS = (
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "status",
    "minimum_age",
    "maximum_age",
    "last_modified",
)


def _service_summary(feed: Feed, service: dict[str, Any]) -> dict[str, Any]:
    summary = {key: service[key] for key in _SERVICE_LIST_FIELDS}
    summary["organization"] = feed.organizations[service["organization_id"]]
    return summary


def _service_full(feed: Feed, service: dict[str, Any]) -> dict[str, Any]:
    full = _service_summary(feed, service)
    full["attributes"] = service["attributes"]
    # A local service's own contact details and how to get it (ADR 0147).
    for key in ("email", "eligibility_description", "application_process", "phones", "contacts"):
        if key in service:
            full[key] = service[key]
    full["service_at_locations"] = [
        {**link, "location": feed.locations[link["location_id"]]}
        for link in feed.service_at_locations.values()
        if link["service_id"] == service["id"]
    ]
    return full


def _number(request: HttpRequest, name: str, low: float, high: float) -> float | None:
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a number") from None
    if not low <= value <= high:  # also refuses nan and inf
        raise BadQuery(f"{name} must be from {low:g} to {high:g}")
    return value


def _modified_after(request: HttpRequest) -> datetime | None:
    """``modified_after`` as an ISO 8601 date-time (or a date, meaning its midnight), UTC
    when no offset is given."""
    raw = request.GET.get("modified_after", "").strip()
    if raw == "":
        return None
    problem_text = (
        f"modified_after must be an ISO 8601 date-time such as 2026-12-01T09:00:00Z, not {raw!r}"
    )
    try:
        when = parse_datetime(raw)
        if when is None:
            day = parse_date(raw)
            when = datetime.combine(day, time()) if day else None
    except ValueError:
        raise BadQuery(problem_text) from None
    if when is None:
        raise BadQuery(problem_text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _point(request: HttpRequest, feed: Feed) -> tuple[float, float] | None:
    """Where a proximity search is from: ``postcode``, or ``lat`` and ``lng``."""
    postcode = request.GET.get("postcode", "").strip()
    lat = _number(request, "lat", -90, 90)
    lng = _number(request, "lng", -180, 180)
    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        raise BadQuery(f"{missing} is needed too: give lat and lng together")
    if postcode and lat is not None:
        raise BadQuery("Give postcode or lat and lng, not both")
    if postcode:
        if postcode_key(postcode) is None:
            raise BadQuery(f"postcode {postcode!r} is not a full UK postcode")
        found = postcode_point(feed, postcode)
        if found is None:
            raise BadQuery(
                f"postcode {postcode!r} is not one the feed can place (only the postcodes "
                "of its own locations are known): give lat and lng instead"
            )
        return found
    if lat is not None and lng is not None:
        return lat, lng
    return None


def _services_matching(
    request: HttpRequest, feed: Feed
) -> list[tuple[dict[str, Any], float | None]]:
    """The services the query asks for, each with its distance in metres when the query
    gives a point: ``search`` (or ``text``, as ORUK version 1 named it: words in the name
    or description), ``taxonomy_term_id``, ``taxonomy_id``, ``organization_id``, an age
    range that the service's ages must overlap (``minimum_age``, ``maximum_age``),
    ``modified_after``, and ``postcode`` or ``lat`` and ``lng`` with ``proximity`` (metres):
    located services within that distance, nearest first."""
    words = (request.GET.get("search", "") + " " + request.GET.get("text", "")).casefold()
    words_wanted = words.split()
    term = request.GET.get("taxonomy_term_id", "")
    taxonomy = request.GET.get("taxonomy_id", "")
    organisation = request.GET.get("organization_id", "")
    low = _whole_number(request, "minimum_age", None)
    high = _whole_number(request, "maximum_age", None)
    since = _modified_after(request)
    point = _point(request, feed)
    proximity = _whole_number(request, "proximity", None)
    if proximity is not None and not 1 <= proximity <= MAX_PROXIMITY:
        raise BadQuery(f"proximity must be from 1 to {MAX_PROXIMITY} metres")
    if proximity is not None and point is None:
        raise BadQuery("proximity needs a postcode, or lat and lng, to measure from")
    distances = service_distances(feed, *point) if point else {}
    found: list[tuple[dict[str, Any], float | None]] = []
    for service in feed.services.values():
        text = f"{service['name']} {service['description']}".casefold()
        terms = [a["taxonomy_term"] for a in service["attributes"]]
        if words_wanted and not all(word in text for word in words_wanted):
            continue
        if term and term not in {t["id"] for t in terms}:
            continue
        if taxonomy and taxonomy not in {t["taxonomy_id"] for t in terms}:
            continue
        if organisation and service["organization_id"] != organisation:
            continue
        if low is not None and service["maximum_age"] < low:
            continue
        if high is not None and service["minimum_age"] > high:
            continue
        if since is not None and datetime.fromisoformat(service["last_modified"]) <= since:
            continue
        distance = distances.get(service["id"])
        too_far = distance is None or (proximity is not None and distance > proximity)
        if point is not None and too_far:
            continue
        found.append((service, distance))
    if point is not None:
        found.sort(key=lambda pair: pair[1] or 0.0)
    return found


def index(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    """What this feed is: the HSDS version and the profile it follows."""
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": PROFILE_OPENAPI_URL}


def services(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    """A page of services, one-to-one fields and their organisation; with a proximity
    search, each one's ``distance`` in whole metres from the point, nearest first."""
    summaries = []
    for found, distance in _services_matching(request, feed):
        summary = _service_summary(feed, found)
        if distance is not None:
            summary["distance"] = round(distance)
        summaries.append(summary)
    return _page(request, summaries)


def service(request: HttpRequest, feed: Feed, pk: str) -> dict[str, Any] | None:
    """One service, fully nested: organisation, eligibility terms, locations."""
    found = feed.services.get(pk)
    return _service_full(feed, found) if found else None


def organizations(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    """A page of organisations (the settings)."""
    return _page(request, list(feed.organizations.values()))


def organization(request: HttpRequest, feed: Feed, pk: str) -> dict[str, Any] | None:
    """One organisation with its services."""
    found = feed.organizations.get(pk)
    if found is None:
        return None
    offered = [s for s in feed.services.values() if s["organization_id"] == pk]
    return {**found, "services": [_service_full(feed, s) for s in offered]}


def _with_location(feed: Feed, links: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**link, "location": feed.locations[link["location_id"]]} for link in links]


def service_at_locations(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    """A page of services at locations; the same filters as the services."""
    order = {found["id"]: n for n, (found, _) in enumerate(_services_matching(request, feed))}
    links = sorted(
        (link for link in feed.service_at_locations.values() if link["service_id"] in order),
        key=lambda link: order[link["service_id"]],
    )
    return _page(request, _with_location(feed, links))


def service_at_location(request: HttpRequest, feed: Feed, pk: str) -> dict[str, Any] | None:
    """One service at a location, fully nested."""
    link = feed.service_at_locations.get(pk)
    if link is None:
        return None
    nested = _with_location(feed, [link])[0]
    nested["service"] = _service_full(feed, feed.services[link["service_id"]])
    return nested


def taxonomies(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    """A page of the taxonomies the services' terms come from."""
    return _page(request, list(feed.taxonomies.values()))


def taxonomy(request: HttpRequest, feed: Feed, pk: str) -> dict[str, Any] | None:
    found = feed.taxonomies.get(pk)
    return dict(found) if found else None


def taxonomy_terms(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    """A page of taxonomy terms (``taxonomy_id`` keeps one taxonomy's)."""
    taxonomy_id = request.GET.get("taxonomy_id", "")
    terms = [
        t
        for t in feed.taxonomy_terms.values()
        if not taxonomy_id or t["taxonomy_id"] == taxonomy_id
    ]
    return _page(request, terms)


def taxonomy_term(request: HttpRequest, feed: Feed, pk: str) -> dict[str, Any] | None:
    found = feed.taxonomy_terms.get(pk)
    return dict(found) if found else None


index_view = _feed_view(index)
services_view = _feed_view(services)
service_view = _feed_view(service)
organizations_view = _feed_view(organizations)
organization_view = _feed_view(organization)
service_at_locations_view = _feed_view(service_at_locations)
service_at_location_view = _feed_view(service_at_location)
taxonomies_view = _feed_view(taxonomies)
taxonomy_view = _feed_view(taxonomy)
taxonomy_terms_view = _feed_view(taxonomy_terms)
taxonomy_term_view = _feed_view(taxonomy_term)
