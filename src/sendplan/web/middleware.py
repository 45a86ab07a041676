"""Middleware of the service's own."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from sendplan.core.request_context import (
    RequestFacts,
    reset_request_facts,
    set_request_facts,
)


def no_store(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """``Cache-Control: no-store`` (with ``max-age=0, no-cache, must-revalidate, private``)
    on every page and download, so that no browser, shared computer or proxy keeps a copy of
    a child's record. Static files never get here: WhiteNoise serves them first, with their
    own long-lived headers. A response that set its own Cache-Control keeps it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    return middleware


#: Browser features the service never uses, each allowed to no origin at all (not even its
#: own), so a script that got onto a page still cannot switch on a camera or ask where a
#: family lives. Only features Chromium recognises: it logs an error for any other
#: (tests/browser/test_change_password_journey.py watches for one).
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


def permissions_policy(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    """``Permissions-Policy`` denying every feature in :data:`DENIED_FEATURES`, on every
    response: pages, downloads, redirects, errors and (being above WhiteNoise) static files."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def request_facts(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    """Make the session's fingerprint and the client's address (behind the configured number
    of trusted proxies, as sign-in lockout counts them) available to the audit trail for the
    length of the request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        key = getattr(getattr(request, "session", None), "session_key", None) or ""
        session = hashlib.sha256(key.encode()).hexdigest()[:16] if key else ""
        token = set_request_facts(
            RequestFacts(session=session, address=get_client_ip_address(request) or None)
        )
        try:
            return get_response(request)
        finally:
            reset_request_facts(token)

    return middleware
