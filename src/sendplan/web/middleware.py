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
