"""Set-up links: the one-time links that let a professional set up an authenticator app.

A password alone is not enough to enrol an app (ADR 0109): whoever set up the first app on
an account would own its second factor. So the set-up page needs a link issued by an
administrator (``sendplan enrol-link USERNAME``, or "Reset authenticator app" in the admin)
as well as the password.

The token in a link is 32 random bytes (256 bits). Only its SHA-256 digest is stored; a
slow hash would add nothing to a token that cannot be guessed. Opening the link puts the
digest in the session and sends the user on without the token in the address, the way
Django's password reset does, so the token is not left in the address bar or in any later
request. Nothing here logs a token, a digest or a name.

This module reads; ``sendplan.accounts.services`` writes.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sendplan.accounts.models import EnrolmentLink, User
from sendplan.core.dates import govuk_date

#: Where the digest of an opened link waits in the session until the user signs in.
SESSION_KEY = "sendplan_enrolment_link"
#: Bytes of randomness in a token: 256 bits, above the 128 that ASVS asks for.
TOKEN_BYTES = 32
#: URL name of the link itself.
LINK_PAGE = "accounts:set-up-link"


class LinkState(enum.Enum):
    USABLE = "usable"
    USED = "used"
    EXPIRED = "expired"
    #: No such link: mistyped, never issued, or replaced by a newer link.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the only time the token exists outside the user's message."""

    token: str
    link: EnrolmentLink

    @property
    def url(self) -> str:
        return link_url(self.token)

    @property
    def expires(self) -> str:
        return when(self.link.expires_at)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The stored form of a token.

    >>> digest("example")
    '50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_url(token: str) -> str:
    """The whole address to send the user, on the service's own address."""
    base = settings.SENDPLAN_SERVICE_URL.rstrip("/")
    return base + reverse(LINK_PAGE, args=[token])


def lifetime_hours() -> int:
    return int(settings.SENDPLAN_ENROLMENT_LINK_HOURS)


def state_of(link: EnrolmentLink | None) -> LinkState:
    if link is None:
        return LinkState.UNKNOWN
    if link.used_at is not None:
        return LinkState.USED
    if link.expires_at <= timezone.now():
        return LinkState.EXPIRED
    return LinkState.USABLE


def link_for_token(token: str) -> EnrolmentLink | None:
    return EnrolmentLink.objects.filter(token_digest=digest(token)).first()


def session_link(request: HttpRequest) -> EnrolmentLink | None:
    """The link this session opened, whoever it was for; None if it opened none."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, str):
        return None
    return EnrolmentLink.objects.filter(token_digest=stored).first()


def session_has_link(request: HttpRequest) -> bool:
    return isinstance(request.session.get(SESSION_KEY), str)


def usable_link_for(request: HttpRequest, user: User) -> EnrolmentLink | None:
    """The link this session opened, if it is this user's and still works."""
    link = session_link(request)
    if link is None or link.user_id != user.pk or state_of(link) is not LinkState.USABLE:
        return None
    return link


def when(moment: dt.datetime) -> str:
    """A moment in GOV.UK style, in the service's time zone.

    >>> when(dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC))
    '5 January 2026 at 9:30am'
    >>> when(dt.datetime(2026, 7, 5, 11, 0, tzinfo=dt.UTC))
    '5 July 2026 at midday'
    """
    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (12, 0):
        time = "midday"
    else:
        minutes = f":{local.minute:02d}" if local.minute else ""
        time = f"{local.hour % 12 or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return f"{govuk_date(local)} at {time}"
