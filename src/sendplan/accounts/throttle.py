"""Sign-in throttles: by username and address together (django-axes), and by address across
usernames, against password spraying (ADR 0120).

django-axes locks a username at one address after ``AXES_FAILURE_LIMIT`` failures. That
alone lets one address try one password against every username. So an address is also held
once ``SENDPLAN_ADDRESS_FAILURE_LIMIT`` different usernames have failed from it within the
cool-off (``AXES_COOLOFF_MINUTES``), until enough of those failures are older than that.

It counts usernames, not failures, and axes forgets a username's failures when it signs in
(``AXES_RESET_ON_SUCCESS``): a colleague who mistypes and then gets it right does not count,
so a council behind one address is held only when many different names keep failing.
Tries made while held are not recorded, so the hold always ends.

The check lives in the axes handler, so it covers every path that signs in through Django's
``authenticate`` (the service's page and the admin's) and answers with the same page.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest


def address_failure_limit() -> int:
    return int(settings.SENDPLAN_ADDRESS_FAILURE_LIMIT)


def usernames_failed_from(request: HttpRequest) -> int:
    """How many different usernames have failed to sign in from this request's address
    within the cool-off."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    return (
        AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        .values("username")
        .distinct()
        .count()
    )


def address_is_held(request: HttpRequest) -> bool:
    return usernames_failed_from(request) >= address_failure_limit()


class SignInThrottle(AxesDatabaseHandler):
    """axes' database handler, plus the hold on an address across usernames."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_is_held(request)

    def user_login_failed(
        self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not request.axes_locked_out and address_is_held(request):
            # This failure reached the limit: answer it with the lockout page, as axes does
            # for the failure that locks a username.
            request.axes_locked_out = True
            request.axes_credentials = credentials
