"""Tokens that let another system (a school's MIS, a therapy provider, a council's data
warehouse) call the API as one user, seeing exactly what that user sees (ADR 0129)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A bearer token for the API, acting as ``user``.

    Only the SHA-256 digest of the token is kept: the token itself is printed once, by
    ``sendplan api-token create``, and a copy of this table cannot be turned back into
    working tokens. ``public_id`` is the token's public part (it is also inside the token),
    used to find the row and to name the token when revoking it or reading the audit trail.
    """

    public_id = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    # What the token is for ("Oak School MIS"), given by whoever created it.
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"API token {self.public_id}"

    def state_on(self, now: dt.datetime) -> str:
        """``active``, ``expired`` or ``revoked`` at the moment ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"
