"""Who is calling: a system with a bearer token, or a person signed in to the service.

Either way the request then acts as that user (``request.user``), so the selectors apply the
same access policy as on the pages. A token acts as its user; a session only once the second
factor has been given, and with Django's CSRF check on anything but a read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sendplan.accounts import second_factor
from sendplan.api.selectors import api_token_check
from sendplan.api.services import api_token_used
from sendplan.core.request_context import (
    RequestFacts,
    current_request_facts,
    set_request_facts,
)


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN`` with a token from ``sendplan api-token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        check = api_token_check(token, now=now)
        if check.token is None:
            request.api_auth_problem = check.problem  # type: ignore[attr-defined]
            return None
        api_token_used(token=check.token, at=now)
        request.user = check.token.user
        request.api_token = check.token  # type: ignore[attr-defined]
        # The audit trail's "session" column names the token for requests made with one
        # (the request_facts middleware resets it when the request ends).
        set_request_facts(
            RequestFacts(
                session=f"api:{check.token.public_id}", address=current_request_facts().address
            )
        )
        return check.token.user


class SignedInSession(SessionAuth):
    """The service's own session, for its pages' scripts and the docs page: signed in with
    the second factor given. CSRF is checked (by ninja, through Django) on unsafe methods."""

    def __call__(self, request: HttpRequest) -> Any:
        # A call that presents a token stands or falls by it; without a session cookie there
        # is no session to check (and no CSRF check to fail before the 401 it should get).
        if "authorization" in request.headers:
            return None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated or second_factor.is_pending(request):
            return None
        return user
