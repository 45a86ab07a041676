"""Paging long lists the GOV.UK way: page numbers in the URL, nothing else."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 25


def page_links(page: Page, *, around: int = 1) -> list[int | None]:
    """Page numbers to link to: first, last, the current one and its neighbours, None for a gap.

    >>> from django.core.paginator import Paginator
    >>> page_links(Paginator(range(250), 25).page(5))
    [1, None, 4, 5, 6, None, 10]
    """
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    links: list[int | None] = []
    for number in numbers:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = PER_PAGE) -> Page:
    """The page named by ``?page=N``; out-of-range or nonsense numbers give the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
