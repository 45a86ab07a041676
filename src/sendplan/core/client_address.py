"""The address a request came from, as sign-in lockout, the address throttle and the audit
trail all count it.

With no proxy in front (``AXES_PROXY_COUNT=0``, the default) it is the TCP peer,
``REMOTE_ADDR``. Behind N trusted proxies, each appends the address it received the request
from to ``X-Forwarded-For``, so the client is the Nth entry from the right: entries to the
left of it were written by the client and prove nothing. When the header has fewer entries
than there are proxies, the request did not come through all of them, and the left-most
entry is used (it was still written by one of ours, or the peer is the address).

django-axes asks this function for the address (``AXES_CLIENT_IP_CALLABLE``): its own
``AXES_IPWARE_*`` settings take effect only with django-ipware installed, which SENDplan
does not use.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_proxy_count() -> int:
    return int(getattr(settings, "SENDPLAN_TRUSTED_PROXY_COUNT", 0))


def client_address(request: HttpRequest) -> str | None:
    """The client's address, or None when there is no usable one.

    >>> from django.test import RequestFactory
    >>> from django.test.utils import override_settings
    >>> request = RequestFactory().get(
    ...     "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    ... )
    >>> client_address(request)
    '10.0.0.2'
    >>> with override_settings(SENDPLAN_TRUSTED_PROXY_COUNT=1):
    ...     client_address(request)
    '203.0.113.9'
    """
    peer = _valid(request.META.get("REMOTE_ADDR", ""))
    count = trusted_proxy_count()
    if count <= 0:
        return peer
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        return peer
    chosen = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    return _valid(chosen) or peer


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
