"""``/api/v1/``: the API's operations (each authenticates itself, ``api.auth``), its
OpenAPI document (public: a contract, no data) and its docs page, which only signed-in
professionals may open (a page guard, as on every page)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from sendplan.accounts.guards import professional, requires_access
from sendplan.api.main import api

DOCS_PAGE = "openapi-view"


def _guard_docs(patterns: list[Any]) -> list[Any]:
    guarded = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == DOCS_PAGE:
            view = requires_access(professional)(pattern.callback)
            pattern = path(str(pattern.pattern), view, name=pattern.name)
        guarded.append(pattern)
    return guarded


# Not module-level names `app_name`: include() would read it as this module's namespace.
_patterns, _app, _namespace = api.urls
urlpatterns = [path("v1/", (_guard_docs(_patterns), _app, _namespace))]
