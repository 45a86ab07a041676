"""Every URL is guarded: a declared access rule, or a deliberate place on the public list.

Walks the whole URL resolver (GOV.UK Notify's test_routes_have_permissions_decorators),
so a view added anywhere without a check fails here.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from sendplan.accounts.guards import (
    BEFORE_SECOND_FACTOR,
    PUBLIC,
    PUBLIC_VIEWS,
    SECOND_FACTOR_VIEWS,
    SELF_GUARDED_NAMESPACES,
    access_of,
    before_second_factor,
    has_a_role,
    public,
    requires_access,
)


def _walk(
    patterns: list, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SELF_GUARDED_NAMESPACES:
                continue
            inner = (
                f"{namespace}:{entry.namespace}"
                if entry.namespace and namespace
                else (entry.namespace or namespace)
            )
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield prefix + str(entry.pattern), name, entry


def _routes() -> list[tuple[str, str, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def test_every_view_declares_an_access_check_or_is_deliberately_public():
    unguarded = [
        f"/{route} ({name or 'unnamed'})"
        for route, name, pattern in _routes()
        if access_of(pattern.callback) is None
    ]
    assert unguarded == [], "views without an access check: " + ", ".join(unguarded)


def test_public_views_are_exactly_the_allow_list():
    marked_public = {name for _, name, p in _routes() if access_of(p.callback) == PUBLIC}
    assert marked_public == set(PUBLIC_VIEWS)


def test_the_walk_reaches_the_pages_it_guards():
    names = {name for _, name, _ in _routes()}
    assert {"home", "learners:list", "learners:record", "learners:change"} <= names
    assert "accounts:sign-in" in names


def test_the_walk_would_catch_an_unguarded_view():
    def bare(request):
        raise AssertionError("never called")

    assert access_of(bare) is None
    assert access_of(requires_access(has_a_role)(bare)) == "has_a_role"
    assert access_of(public(bare)) == PUBLIC


def test_pages_before_the_second_factor_are_exactly_the_allow_list():
    marked = {name for _, name, p in _routes() if access_of(p.callback) == BEFORE_SECOND_FACTOR}
    assert marked == set(SECOND_FACTOR_VIEWS)
    assert access_of(before_second_factor(lambda request: None)) == BEFORE_SECOND_FACTOR
