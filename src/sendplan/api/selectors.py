"""Reads of API tokens: the list an administrator sees (never a secret, which is not kept),
and the check of a presented token."""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass

from django.db.models import QuerySet

from sendplan.api.models import ApiToken
from sendplan.api.services import PREFIX, token_digest

#: ``sendplan_<12 hex public id>_<43 url-safe characters>``
TOKEN_SHAPE = re.compile(rf"^{PREFIX}_([0-9a-f]{{12}})_[A-Za-z0-9_-]{{43}}$")
#: Compared against when no row matches, so a wrong id costs the same as a wrong secret.
_NO_TOKEN = "0" * 64


def api_tokens(*, username: str | None = None) -> QuerySet[ApiToken]:
    """Every token, or one user's, newest first, with its user."""
    tokens = ApiToken.objects.select_related("user")
    if username is not None:
        tokens = tokens.filter(user__username=username)
    return tokens.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class TokenCheck:
    """The token presented, if it works (``token``), else why not (``problem``)."""

    token: ApiToken | None
    problem: str = ""


NOT_A_TOKEN = "The bearer token is not one this service issued"


def api_token_check(raw: str, *, now: dt.datetime) -> TokenCheck:
    """Whether ``raw`` is a working token: the row found by its public id, then its digest
    compared in constant time; then revoked, expired and inactive users are refused."""
    match = TOKEN_SHAPE.match(raw)
    token = None
    if match:
        token = ApiToken.objects.select_related("user").filter(public_id=match[1]).first()
    expected = token.digest if token is not None else _NO_TOKEN
    if not hmac.compare_digest(expected, token_digest(raw)) or token is None:
        return TokenCheck(None, NOT_A_TOKEN)
    if token.revoked_at is not None:
        return TokenCheck(None, "The bearer token has been revoked")
    if token.expires_at <= now:
        return TokenCheck(None, "The bearer token has expired")
    if not token.user.is_active:
        return TokenCheck(None, "The bearer token's user account is not active")
    return TokenCheck(token)
