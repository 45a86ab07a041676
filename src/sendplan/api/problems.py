"""Errors as problem details (RFC 9457): ``application/problem+json`` with ``type``,
``title``, ``status`` and a ``detail`` a person can act on. Only the statuses the OpenAPI
document declares are used: 400, 401, 403, 404, 405, 422 (and 500 if the service breaks)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
#: How the API names the scheme that a 401 asks for.
CHALLENGE = 'Bearer realm="sendplan"'


class Problem(Schema):
    """A problem detail (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    #: For 422 only: each field that is wrong, where it is and what is wrong with it.
    errors: list[dict[str, Any]] | None = None


def problem(status: int, detail: str, **extra: Any) -> JsonResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    body.update({key: value for key, value in extra.items() if value is not None})
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


def _unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
    detail = getattr(request, "api_auth_problem", "") or (
        "Sign in, or send a token as 'Authorization: Bearer TOKEN'"
    )
    response = problem(401, detail)
    response["WWW-Authenticate"] = CHALLENGE
    return response


def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    # The selectors' own messages ("No learner found") say nothing about whether a hidden
    # object exists; anything else is replaced by a message that says as little.
    message = str(exc) if str(exc).startswith("No ") else "Nothing was found at this address"
    return problem(404, message)


def _forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(403, str(exc) or "Your role does not allow this")


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(exc.status_code, str(exc))


def _invalid(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type")}
        for error in exc.errors
    ]
    where = "; ".join(f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem(422, f"The request is not valid: {where}", errors=errors)


def _broken(request: HttpRequest, exc: Any) -> HttpResponse:
    logger.exception("API request failed", exc_info=exc)
    return problem(500, "Something went wrong in the service; nothing was changed")


def install(api: NinjaAPI) -> None:
    """Answer every error the API can meet with a problem detail."""
    api.add_exception_handler(Exception, _broken)
    api.add_exception_handler(AuthenticationError, _unauthenticated)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(PermissionDenied, _forbidden)
    api.add_exception_handler(ValidationError, _invalid)


#: The error responses every operation documents, each a problem detail.
ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


def responses(ok: Any, *, body: bool = False) -> dict[int, Any]:
    """An operation's documented responses: ``ok`` and the problem details (with 400, a body
    that is not JSON, for an operation that takes one)."""
    return {200: ok, **({400: Problem} if body else {}), **ERRORS}
