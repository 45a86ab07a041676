"""Calling the API as a member of the cast: a client that sends a fresh bearer token."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sendplan.api.services import api_token_create

API = "/api/v1"


class TokenClient:
    """Django's test client with ``Authorization: Bearer`` on every request (no session)."""

    def __init__(self, user: Any) -> None:
        self.issued = api_token_create(user=user, name="test system")
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {self.issued.secret}"}

    def get(self, path: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.get(API + path, data or {}, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", headers=self.headers
        )

    def put(
        self, path: str, body: dict[str, Any] | None = None, *, if_match: str | None = None
    ) -> Any:
        headers = dict(self.headers)
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.client.put(
            API + path, body or {}, content_type="application/json", headers=headers
        )
