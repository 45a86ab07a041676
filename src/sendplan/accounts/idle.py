"""Signing people out after a period of inactivity, and the absolute limit on a session.

A shared computer in a school office left signed in shows children's records to whoever sits
down next. So a signed-in session keeps two times (seconds since the epoch):

* when it began. Its expiry is pinned to that time plus ``SESSION_COOKIE_AGE`` (8 hours), so
  that saving the session on every request cannot push the absolute limit back;
* when it last made a request. A request that comes more than ``SENDPLAN_IDLE_MINUTES`` after
  the one before signs the user out, is not processed (a POST included), and is redirected to
  sign in again, with a message and a way back to the page asked for.

The warning shown two minutes before (``sendplan/idle-timeout.mjs``) is an enhancement; this
middleware is the rule. See ADR 0109, decision 10.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("sendplan.accounts")

STARTED_KEY = "sendplan_session_started"
LAST_SEEN_KEY = "sendplan_last_seen"
#: The query parameter that makes the sign-in page say why the user was signed out.
SIGNED_OUT_PARAMETER = "signed-out"
INACTIVE = "inactive"
#: Where templates find the timings for the warning: ``request.idle_timeout``.
REQUEST_ATTRIBUTE = "idle_timeout"
#: Seconds before the timeout that the warning appears.
WARNING_SECONDS = 120


@dataclass(frozen=True)
class IdleTimeout:
    """What the page's warning needs: the idle period in seconds, and when the session's
    absolute limit falls, in whole seconds since the epoch. The page gets the fixed end, not
    the time left, so that two pages of one session differ in nothing but their content."""

    idle_seconds: int
    session_ends: int
    warning_seconds: int = WARNING_SECONDS


def idle_minutes() -> int:
    return settings.SENDPLAN_IDLE_MINUTES  # type: ignore[no-any-return]


def idle_seconds() -> int:
    # round(): a test may shorten the period to a fraction of a minute.
    return round(settings.SENDPLAN_IDLE_MINUTES * 60)


def _exempt(path: str) -> bool:
    """Static files, and the sign-in and sign-out pages themselves."""
    return path.startswith(settings.STATIC_URL) or path in {
        resolve_url(settings.LOGIN_URL),
        reverse("accounts:sign-out"),
    }


def _local(target: str, request: HttpRequest) -> str:
    """The target if it is a path on this site, else nothing."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return ""


def _return_path(request: HttpRequest) -> str:
    """Where to go after signing in again: the page asked for, or for a POST (which is not
    processed, and whose address may answer only POST) the page the form was on."""
    if request.method in {"GET", "HEAD"}:
        return _local(request.get_full_path(), request)
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc != request.get_host():
        return ""
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    return _local(path, request)


def _signed_out(request: HttpRequest, *, reason: str | None) -> HttpResponse:
    next_path = _return_path(request)
    logger.info("signed out reason=%s user=%s", reason or "session-limit", request.user.pk)
    # logout() flushes the session: its data and its key are gone.
    logout(request)
    query = {}
    if reason:
        query[SIGNED_OUT_PARAMETER] = reason
    if next_path:
        query["next"] = next_path
    url = resolve_url(settings.LOGIN_URL)
    return HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)


def start_session(request: HttpRequest) -> None:
    """Start both clocks afresh; called on signing in."""
    request.session.pop(STARTED_KEY, None)
    request.session.pop(LAST_SEEN_KEY, None)
    _mark(request, time.time())


def _mark(request: HttpRequest, now: float) -> float:
    """Note this request, and when the session began if not yet known; return the start."""
    session = request.session
    started = session.get(STARTED_KEY)
    if started is None:
        started = now
        session[STARTED_KEY] = started
        # A fixed expiry: later saves of the session keep it, so the limit stays absolute.
        session.set_expiry(
            dt.datetime.fromtimestamp(started + settings.SESSION_COOKIE_AGE, tz=dt.UTC)
        )
    session[LAST_SEEN_KEY] = now
    return float(started)


def idle_timeout(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out a signed-in user whose last request was more than the idle period ago, or
    whose session has reached its absolute limit; otherwise note the time of this request.

    Sits right after the authentication middleware, so that nothing later (a view, a form, a
    message) sees a request that has timed out.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or _exempt(request.path):
            return get_response(request)
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - float(last_seen) > idle_seconds():
            return _signed_out(request, reason=INACTIVE)
        started = request.session.get(STARTED_KEY)
        if started is not None and now - float(started) >= settings.SESSION_COOKIE_AGE:
            return _signed_out(request, reason=None)
        started = _mark(request, now)
        setattr(
            request,
            REQUEST_ATTRIBUTE,
            IdleTimeout(
                idle_seconds=idle_seconds(),
                session_ends=int(started + settings.SESSION_COOKIE_AGE),
            ),
        )
        return get_response(request)

    return middleware
