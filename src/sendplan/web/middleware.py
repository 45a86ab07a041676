"""Middleware of the service's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
