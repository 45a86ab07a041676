"""Errors as problem details (RFC 9457): ``application/problem+json`` with ``type``,
``title``, ``status`` and a ``detail`` a person can act on. Only the statuses the OpenAPI
document declares are used: 400, 401, 403, 404, 409, 422, and 405 for a method a path does
not take (and 500 if the service breaks). A write that finds the record changed since the
caller read it (a stale ``If-Match``, or none where the record exists) is a 409."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ServiceInvalid
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sendplan.core.errors import StaleEdit

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


def _where(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    """Where a field is as the caller sent it: ninja puts the operation's parameter name
    after ``body`` (``body.body.note``), which the caller never sees: ``body.note``."""
    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "body":
        del parts[1]
    return parts


def _invalid(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [
        {
            "loc": _where(error.get("loc", ())),
            "msg": error.get("msg", ""),
            "type": error.get("type"),
        }
        for error in exc.errors
    ]
    where = "; ".join(f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem(422, f"The request is not valid: {where}", errors=errors)


def _stale(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(
        409,
        exc.message(
            what="this record",
            then="Nothing was saved: read it again and send its ETag in If-Match to replace it",
        ),
    )


def refused(error: ServiceInvalid, *, where: dict[str, tuple[str, ...]]) -> ValidationError:
    """A service's refusal (Django's ``ValidationError``, by field) as the API's 422: each
    field placed where the request carries it (``where``: field to location; the body by
    default), in the same form as a request the schema itself refuses."""
    errors = [
        {"loc": where.get(name, ("body", name)), "msg": message, "type": "value_error"}
        for name, messages in error.message_dict.items()
        for message in messages
    ]
    return ValidationError(errors)


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
    api.add_exception_handler(StaleEdit, _stale)


#: The error responses every operation documents, each a problem detail.
ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


def responses(ok: Any, *, body: bool = False, write: bool = False) -> dict[int, Any]:
    """An operation's documented responses: ``ok`` and the problem details (with 400, a body
    that is not JSON, for an operation that takes one). A write (``PUT``) answers 201 when it
    made the record and 200 when it replaced it, and 409 when the record changed since the
    caller read it."""
    made = {201: ok} if write else {}
    stale = {409: Problem} if write else {}
    return {200: ok, **made, **({400: Problem} if body or write else {}), **ERRORS, **stale}
