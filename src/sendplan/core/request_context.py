"""What the audit trail records about the request a read happened in: a short fingerprint of
the signed-in session (never the session key) and the client's address, as the middleware
``web.middleware.request_facts`` found them. Outside a request (a command, a worker) both are
empty."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestFacts:
    session: str = ""  # the first 16 hex digits of SHA-256 of the session key
    address: str | None = None


NO_REQUEST = RequestFacts()
_current: contextvars.ContextVar[RequestFacts] = contextvars.ContextVar(
    "sendplan_request_facts", default=NO_REQUEST
)


def current_request_facts() -> RequestFacts:
    return _current.get()


def set_request_facts(facts: RequestFacts) -> contextvars.Token[RequestFacts]:
    return _current.set(facts)


def reset_request_facts(token: contextvars.Token[RequestFacts]) -> None:
    _current.reset(token)
