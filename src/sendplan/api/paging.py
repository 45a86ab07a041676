"""Pages of a list: ``?page=1&page_size=50`` (at most 100), answered with the items and
``count``, ``page``, ``pages`` and ``page_size``. A page past the end is empty, not an error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="which page, from 1")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="items a page, at most 100"
    )


class Page(Schema, Generic[T]):
    count: int = Field(description="items in the whole list")
    page: int
    pages: int = Field(description="pages in the whole list (0 when it is empty)")
    page_size: int
    items: list[T]


def page_of(rows: QuerySet[Any] | Sequence[Any], query: PageQuery) -> tuple[list[Any], dict]:
    """One page of ``rows``: its items and the figures that describe the whole list."""
    paginator = Paginator(rows, query.page_size)
    count = paginator.count
    pages = paginator.num_pages if count else 0
    items = list(paginator.page(query.page).object_list) if query.page <= pages else []
    return items, {"count": count, "page": query.page, "pages": pages, "page_size": query.page_size}
