"""The API at ``/api/v1/``: one NinjaAPI, its routers, its authentication and its errors.

Every operation needs a bearer token or a signed-in session (``api.auth``) and writes one
audit event for the request, on top of the events the selectors write for each learner read.
The OpenAPI 3.1 document (``/api/v1/openapi.json``) is public, like any published contract:
it describes the API and holds no data. The interactive docs (``/api/v1/docs``) are for
signed-in professionals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser

from sendplan.accounts.models import User
from sendplan.api import problems
from sendplan.api.auth import BearerToken, SignedInSession
from sendplan.api.endpoints import casework, delivery, forecasts, learners, planning, register
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record

DESCRIPTION = """\
SENDplan's record for other systems. Each call acts as one user, with a token made for them
(`sendplan api-token create USERNAME`, sent as `Authorization: Bearer TOKEN`) or the
service's own signed-in session, and sees exactly what that user sees on the pages. Every
call is audited. Errors are problem details (RFC 9457). Lists come in pages
(`page`, `page_size` up to 100). Learners are searched by POST: names never go in a URL.
"""


class SendplanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's name (``learner_read``), unique across the API, not its module path.
        return str(operation.view_func.__name__)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Errors are served as problem details; say so in the document too.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.CONTENT_TYPE] = content.pop("application/json")
        return schema


class ObjectBodies(Parser):
    """Every body the API takes is a JSON object: anything else (a list, a string, null) is
    refused as a 400, where ninja would otherwise read it as an empty object and answer as
    if no criteria were given."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = super().parse_body(request)
        if not isinstance(body, dict):
            raise ValueError("The body must be a JSON object")
        return body


def audited(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Write one audit event for each call made by a known user: what was asked (method and
    path, which carry ids only), by which token, and the status it got."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        user = getattr(request, "auth", None)
        if isinstance(user, User):
            token = getattr(request, "api_token", None)
            by = f"token {token.public_id}" if token is not None else "session"
            audit_record(
                user=user,
                action=AuditEvent.Action.API,
                detail=f"{request.method} {request.path} {response.status_code} ({by})",
            )
        return response

    return wrapper


api = SendplanAPI(
    title="SENDplan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    parser=ObjectBodies(),
    auth=[BearerToken(), SignedInSession()],
    # The docs page is guarded in api.urls, not here: ninja's docs_decorator would guard
    # the OpenAPI document as well.
)
problems.install(api)
api.add_decorator(audited, mode="view")
for module in (learners, register, casework, planning, forecasts, delivery):
    api.add_router("", module.router)
