"""The caseworker's work tray: overdue, at risk and due this week, with filters, sorting and
pages, and its download as CSV (``tray_export``).

Filters and sorting are GET parameters naming a stage, a group, a column and a direction
(fixed words, no personal data), so a filtered, sorted tray can be bookmarked; learners
appear in the page only, never in a URL. Unknown values are ignored, never an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.models import User
from sendplan.casework import selectors_tray
from sendplan.casework.models import Stage
from sendplan.casework.selectors_tray import DEFAULT_SORT, TRAY_GROUPS, TRAY_SORTS, TRAY_STAGES
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.access import la_staff, requires_access
from sendplan.web.paging import PER_PAGE, page_links

#: The table's columns in order: heading and the sort key it offers (None: not sortable).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Learner", "learner"),
    ("Stage", "stage"),
    ("Received", "received"),
    ("Deadline", None),
    ("Due", "due"),
    ("Status", None),
    ("Legal basis", None),
)
#: What ascending and descending mean for each sortable column, in words.
SORT_WORDS: dict[str, tuple[str, str]] = {
    "due": ("most urgent first", "least urgent first"),
    "learner": ("A to Z", "Z to A"),
    "stage": ("earliest stage first", "latest stage first"),
    "received": ("oldest request first", "newest request first"),
}


@dataclass(frozen=True)
class TrayOptions:
    """The tray's filters and sort, as read from the query string and checked."""

    stage: str | None = None
    group: str | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False

    def query(self, *, explicit_sort: bool = False) -> dict[str, str]:
        """The GET parameters that give these options (the default sort left out unless
        ``explicit_sort``), in a fixed order."""
        params = {"stage": self.stage or "", "status": self.group or ""}
        if explicit_sort or (self.sort, self.descending) != (DEFAULT_SORT, False):
            params.update(sort=self.sort, order="desc" if self.descending else "asc")
        return {key: value for key, value in params.items() if value}

    def href(self, url_name: str, *, explicit_sort: bool = False) -> str:
        url = reverse(url_name)
        query = self.query(explicit_sort=explicit_sort)
        return f"{url}?{urlencode(query)}" if query else url


def tray_options(request: HttpRequest) -> TrayOptions:
    stage = request.GET.get("stage") or None
    group = request.GET.get("status") or None
    sort = request.GET.get("sort", "")
    return TrayOptions(
        stage=stage if stage in TRAY_STAGES else None,
        group=group if group in dict(TRAY_GROUPS) else None,
        # A missing or unknown column ignores the direction too: the default, no error.
        sort=sort if sort in TRAY_SORTS else DEFAULT_SORT,
        descending=sort in TRAY_SORTS and request.GET.get("order") == "desc",
    )


def tray_for(user: User, options: TrayOptions, today: dt.date) -> selectors_tray.Tray:
    return selectors_tray.work_tray(
        fetched_by=user,
        today=today,
        stage=options.stage,
        group=options.group,
        sort=options.sort,
        descending=options.descending,
    )


def _headers(options: TrayOptions) -> list[dict[str, Any]]:
    """Each column heading; sortable ones link to that sort (MOJ sortable table, without
    JavaScript), the sorted one with ``aria-sort`` and its direction in words. A new sort
    keeps the filters and returns to the first page."""
    headers = []
    for label, key in COLUMNS:
        header: dict[str, Any] = {"label": label, "href": None, "aria_sort": None}
        if key is not None:
            ascending_words, descending_words = SORT_WORDS[key]
            if key == options.sort:
                flip = not options.descending
                now = descending_words if options.descending else ascending_words
                then = ascending_words if options.descending else descending_words
                header.update(
                    aria_sort="descending" if options.descending else "ascending",
                    hidden=f", sorted {now}; select to sort {then}",
                    arrow="▼" if options.descending else "▲",
                )
            else:
                flip = False
                header.update(aria_sort="none", hidden=f", select to sort {ascending_words}")
            target = replace(options, sort=key, descending=flip)
            header["href"] = target.href("casework:tray", explicit_sort=True)
        headers.append(header)
    return headers


@requires_access(la_staff)
@require_GET
def work_tray(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    options = tray_options(request)
    stage, group = options.stage, options.group
    today = timezone.localdate()
    tray = tray_for(user, options, today)
    page = Paginator(tray.rows, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"work tray page {page.number} of {page.paginator.num_pages}, "
        f"{page.paginator.count} deadlines",
    )
    tabs = [
        {
            "key": key,
            "label": label,
            "count": tray.total if key is None else tray.counts[key],
            "href": replace(options, group=key).href("casework:tray"),
        }
        for key, label in ((None, "All"), *TRAY_GROUPS)
    ]
    return render(
        request,
        "casework/tray/tray.html",
        {
            "today": today,
            "week_end": today + dt.timedelta(days=7),
            "tray": tray,
            "page_obj": page,
            "page_links": page_links(page),
            "tabs": tabs,
            "group": group,
            "group_label": dict(TRAY_GROUPS).get(group or "", ""),
            "stage": stage,
            "stage_label": Stage(stage).label if stage else "",
            "stage_options": [
                (s, Stage(s).label, tray.stage_counts.get(s, 0)) for s in TRAY_STAGES
            ],
            # The stage filter's form keeps the sort in hidden fields.
            "sort_params": {k: v for k, v in options.query().items() if k in ("sort", "order")},
            "headers": _headers(options),
            "clear_stage_href": replace(options, stage=None).href("casework:tray"),
            "csv_href": options.href("casework:tray-csv"),
        },
    )
