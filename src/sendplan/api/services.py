"""Writes for API tokens: create one (the only moment its secret exists outside the caller),
revoke one, and note its use. Keyword-only and atomic, as every service."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.api.models import ApiToken

#: Every token starts with this, so a secret scanner (or a person) can tell what it is.
PREFIX = "sendplan"
#: Days a token works unless ``--expires-days`` says otherwise.
DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 366


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, shown once


def token_digest(raw: str) -> str:
    """SHA-256 of the whole token. The secret part has 256 random bits, so a fast hash is
    enough: there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", expires_days: int = DEFAULT_EXPIRY_DAYS
) -> IssuedToken:
    """A new token acting as ``user``, working for ``expires_days`` days (1 to 366)."""
    if not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise ValueError(f"expires-days must be between 1 and {MAX_EXPIRY_DAYS}")
    if not user.is_active:
        raise ValueError("the user is not active")
    public_id = secrets.token_hex(6)
    while ApiToken.objects.filter(public_id=public_id).exists():
        public_id = secrets.token_hex(6)  # pragma: no cover - 48 random bits
    raw = f"{PREFIX}_{public_id}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken(
        public_id=public_id,
        digest=token_digest(raw),
        user=user,
        name=name.strip()[:100],
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_days),
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, secret=raw)


@transaction.atomic
def api_token_revoke(*, public_id: str) -> ApiToken:
    """Stop the token working from now on. Revoking a revoked token changes nothing.

    Raises ``ApiToken.DoesNotExist`` when there is no such token.
    """
    token = ApiToken.objects.select_for_update().get(public_id=public_id.strip().lower())
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_used(*, token: ApiToken, at: dt.datetime) -> None:
    """Note when the token was last used (one UPDATE, no read-modify-write)."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
