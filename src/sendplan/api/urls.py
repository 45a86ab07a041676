"""``/api/v1/``: the API's operations (each authenticates itself, ``api.auth``), its
OpenAPI document (public: a contract, no data) and its docs page, which only signed-in
professionals may open (a page guard, as on every page)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from sendplan.accounts.guards import professional, requires_access
from sendplan.api.main import api
from sendplan.api.problems import problem

DOCS_PAGE = "openapi-view"
#: Any other address under /api/v1/: a 404 problem detail, not the pages' HTML one.
UNKNOWN = "api-unknown"


def _method_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A method the path does not take is a 405 problem detail too, naming those it does."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.has_header("Allow"):
            allowed = response["Allow"]
            response = problem(405, f"This address takes {allowed} only")
            response["Allow"] = allowed
        return response

    return wrapper


def _guarded(patterns: list[Any]) -> list[Any]:
    guarded = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            if pattern.name == DOCS_PAGE:
                view = requires_access(professional)(pattern.callback)
            else:
                view = _method_problem(pattern.callback)
            pattern = path(str(pattern.pattern), view, name=pattern.name)
        guarded.append(pattern)
    return guarded


@csrf_exempt  # it changes nothing, and should answer a PUT with a 404 problem, not a CSRF page
def _unknown(request: HttpRequest, rest: str) -> HttpResponse:
    """An address the API does not have (or an id that is not a whole number)."""
    return problem(404, "Nothing was found at this address")


# Not module-level names `app_name`: include() would read it as this module's namespace.
_patterns, _app, _namespace = api.urls
urlpatterns = [
    path(
        "v1/",
        (
            [*_guarded(_patterns), re_path(r"^(?P<rest>.*)$", _unknown, name=UNKNOWN)],
            _app,
            _namespace,
        ),
    )
]
