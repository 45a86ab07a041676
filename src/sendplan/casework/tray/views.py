"""The caseworker's work tray (overdue, at risk and due this week, with filters, sorting,
pages and a CSV download) and the LA manager's dashboard (caseloads and 20-week
timeliness).

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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.access import local_area_for
from sendplan.accounts.guards import la_staff, requires_access
from sendplan.accounts.models import User
from sendplan.casework.case.models import Stage
from sendplan.casework.intake.selectors import requests_to_confirm
from sendplan.casework.plans.selectors import amendments_in_progress
from sendplan.casework.reviews.setting_selectors import reports_to_answer
from sendplan.casework.tray import selectors as tray_selectors
from sendplan.casework.tray.selectors import (
    DEFAULT_SORT,
    TRAY_GROUPS,
    TRAY_SORTS,
    TRAY_STAGES,
    Tray,
    caseloads,
    timeliness,
)
from sendplan.core.charts import paired_bar_chart
from sendplan.core.dates import govuk_date
from sendplan.core.published import TimelinessComparison, published_timeliness
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.paging import PER_PAGE, page_links
from sendplan.web.panels import panels_for
from sendplan.web.spreadsheets import Cell, Table, to_csv

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


def tray_for(user: User, options: TrayOptions, today: dt.date) -> tray_selectors.Tray:
    return tray_selectors.work_tray(
        fetched_by=user,
        today=today,
        stage=options.stage,
        group=options.group,
        sort=options.sort,
        descending=options.descending,
    )


def _headers(
    options: TrayOptions | CaseloadOptions,
    columns: tuple[tuple[str, str | None], ...] = COLUMNS,
    url_name: str = "casework:tray",
) -> list[dict[str, Any]]:
    """Each column heading; sortable ones link to that sort (MOJ sortable table, without
    JavaScript), the sorted one with ``aria-sort`` and its direction in words. A new sort
    keeps the filters and returns to the first page."""
    headers = []
    for label, key in columns:
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
            header["href"] = target.href(url_name, explicit_sort=True)
        headers.append(header)
    return headers


#: How many review reports waiting for an answer the tray lists.
REPORTS_SHOWN = 20


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
            "to_confirm": requests_to_confirm(fetched_by=user),
            # Review reports sent by settings, waiting for the caseworker (ADR 0134).
            "review_reports": list(reports_to_answer(fetched_by=user)[:REPORTS_SHOWN]),
            "amendments": amendments_in_progress(fetched_by=user),
            "group": group,
            "group_label": dict(TRAY_GROUPS).get(group or "", ""),
            "stage": stage,
            "stage_label": Stage(stage).label if stage else "",
            "stage_items": [{"value": "", "label": "All stages", "checked": not stage}]
            + [
                {
                    "value": s,
                    "label": f"{Stage(s).label} ({tray.stage_counts.get(s, 0)})",
                    "checked": s == stage,
                }
                for s in TRAY_STAGES
            ],
            # The stage filter's form keeps the sort in hidden fields.
            "sort_params": {k: v for k, v in options.query().items() if k in ("sort", "order")},
            "headers": _headers(options),
            "clear_stage_href": replace(options, stage=None).href("casework:tray"),
            "csv_href": options.href("casework:tray-csv"),
            "panels": panels_for("casework:tray", user=user, today=today),
        },
    )


# A caseload: every open case of one coordinator, the coordinator's own or, for a SEND
# manager, any coordinator's of their council.

CASELOAD_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Learner", "learner"),
    ("Stage", "stage"),
    ("Received", "received"),
    ("Next deadline", None),
    ("Due", "due"),
    ("Status", None),
)


@dataclass(frozen=True)
class CaseloadOptions:
    """The caseload's coordinator, stage filter and sort, as read from the query string."""

    caseworker: int | None = None
    stage: str | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False

    def href(self, url_name: str, *, explicit_sort: bool = False) -> str:
        params = {"caseworker": str(self.caseworker or ""), "stage": self.stage or ""}
        if explicit_sort or (self.sort, self.descending) != (DEFAULT_SORT, False):
            params.update(sort=self.sort, order="desc" if self.descending else "asc")
        query = {key: value for key, value in params.items() if value}
        url = reverse(url_name)
        return f"{url}?{urlencode(query)}" if query else url


def caseload_options(request: HttpRequest) -> CaseloadOptions:
    caseworker = request.GET.get("caseworker", "")
    stage = request.GET.get("stage") or None
    sort = request.GET.get("sort", "")
    return CaseloadOptions(
        caseworker=int(caseworker) if caseworker.isascii() and caseworker.isdigit() else None,
        stage=stage if stage in TRAY_STAGES else None,
        sort=sort if sort in tray_selectors.CASELOAD_SORTS else DEFAULT_SORT,
        descending=sort in tray_selectors.CASELOAD_SORTS and request.GET.get("order") == "desc",
    )


@requires_access(la_staff)
@require_GET
def caseload_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    options = caseload_options(request)
    choices = tray_selectors.caseworkers_for(fetched_by=user)
    by_id = {worker.pk: worker for worker in choices}
    if options.caseworker is not None and options.caseworker not in by_id:
        raise Http404
    caseworker = by_id.get(options.caseworker or user.pk) or (choices[0] if choices else None)
    if caseworker is None:
        return render(request, "casework/tray/caseload.html", {"caseload": None})
    options = replace(options, caseworker=caseworker.pk)
    today = timezone.localdate()
    load = tray_selectors.caseload(
        fetched_by=user,
        caseworker=caseworker,
        today=today,
        stage=options.stage,
        sort=options.sort,
        descending=options.descending,
    )
    page = Paginator(load.rows, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"caseload page {page.number} of {page.paginator.num_pages}, "
        f"{page.paginator.count} cases",
    )
    return render(
        request,
        "casework/tray/caseload.html",
        {
            "caseload": load,
            "own": caseworker == user,
            "choices": choices if len(choices) > 1 else [],
            "page_obj": page,
            "page_links": page_links(page),
            "today": today,
            "stage": options.stage,
            "stage_label": Stage(options.stage).label if options.stage else "",
            "stage_options": [
                (s, Stage(s).label, load.stage_counts.get(s, 0)) for s in TRAY_STAGES
            ],
            # The filter's form keeps the coordinator and the sort in hidden fields.
            "sort_params": (
                {"sort": options.sort, "order": "desc" if options.descending else "asc"}
                if (options.sort, options.descending) != (DEFAULT_SORT, False)
                else {}
            ),
            "headers": _headers(options, CASELOAD_COLUMNS, "casework:caseload"),
            "clear_stage_href": replace(options, stage=None).href("casework:caseload"),
        },
    )


HEADER = (
    "Case number",
    "Learner record number",
    "Learner",
    "Date of birth",
    "Stage",
    "Deadline",
    "Due date",
    "Days until due",
    "Status",
    "Why at risk",
    "Legal basis",
    "Check locally",
    "Date received",
    "Caseworker",
)


def tray_rows(tray: Tray) -> list[list[Cell]]:
    """One row per tray row, in the tray's order. Dates as YYYY-MM-DD so a spreadsheet
    sorts them; days until due is a number (negative when overdue)."""
    rows: list[list[Cell]] = []
    for row in tray.rows:
        case, learner, deadline = row.case, row.case.learner, row.deadline
        caseworker = case.caseworker
        rows.append(
            [
                case.pk,
                learner.pk,
                learner.full_name,
                learner.date_of_birth.isoformat(),
                case.get_stage_display(),
                deadline.name,
                deadline.due.isoformat(),
                row.days,
                row.group_label,
                deadline.why,
                deadline.basis,
                "Yes" if deadline.unconfirmed else "",
                case.received_on.isoformat(),
                caseworker.display_name if caseworker is not None else "",
            ]
        )
    return rows


@requires_access(la_staff)
@require_GET
def work_tray_csv(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    tray = tray_for(user, tray_options(request), today)
    rows = tray_rows(tray)
    audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        detail=f"work tray CSV, {len(rows)} deadlines on {tray.cases} cases",
    )
    table = Table(name="Work tray", title="Work tray", header=HEADER, rows=rows)
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    # The date only: the file name must say nothing about who is in it.
    response["Content-Disposition"] = f'attachment; filename="work-tray-{today.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# Analysis Function palette: dark blue and orange for two series (3:1 against white).


@dataclass(frozen=True)
class Bar:
    area: str
    period: str
    with_exceptions: float | None  # all plans, DfE "including exceptions"
    without_exceptions: float | None  # exception cases left out, DfE "excluding exceptions"
    plans: int | None
    source: str


def _pc(value: float | None) -> str:
    return "no plans" if value is None else f"{value:.1f}%"


def timeliness_bars(user: User, today: dt.date, published: TimelinessComparison) -> list[Bar]:
    ours = timeliness(fetched_by=user, today=today)
    since = today - dt.timedelta(days=365)
    bars = [
        Bar(
            "This service",
            f"{govuk_date(since + dt.timedelta(days=1))} to {govuk_date(today)}",
            ours.pc_plans_issued_within_20_weeks,
            ours.pc_plans_issued_20_weeks_ex,
            ours.plans_issued_den,
            "casework records",
        )
    ]
    for row in (published.local, published.national):
        if row is not None:
            bars.append(
                Bar(
                    row.area,
                    f"calendar year {row.year}",
                    row.with_exceptions_pc,
                    row.without_exceptions_pc,
                    row.plans,
                    published.source,
                )
            )
    return bars


def _title_and_summary(bars: list[Bar]) -> tuple[str, str]:
    ours, others = bars[0], bars[1:]
    national = next((b for b in others if b.area == "England"), None)
    if not ours.plans:
        return (
            "No final plans issued in the last 12 months",
            "No final plans were issued in the last 12 months, so there is no figure to "
            "compare yet.",
        )
    figure = ours.without_exceptions
    title = f"{_pc(figure)} of plans issued within 20 weeks"
    if national is not None and figure is not None and national.without_exceptions is not None:
        word = (
            "above"
            if figure > national.without_exceptions
            else ("below" if figure < national.without_exceptions else "level with")
        )
        title += f", {word} England's {_pc(national.without_exceptions)}"
    sentences = [
        f"In the last 12 months {ours.plans} final plan{'s were' if ours.plans != 1 else ' was'} "
        f"issued: {_pc(ours.with_exceptions)} within 20 weeks counting every plan, and "
        f"{_pc(ours.without_exceptions)} leaving out the plans where a lawful exception "
        "applied, as DfE reports it."
    ]
    for bar in others:
        sentences.append(
            f"{bar.area} published {_pc(bar.with_exceptions)} (all plans) and "
            f"{_pc(bar.without_exceptions)} (excluding exceptions) for {bar.period}."
        )
    return title, " ".join(sentences)


@requires_access(la_staff)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    loads = caseloads(fetched_by=user)
    # The area's and England's published figures, or sentences saying which are missing.
    published = published_timeliness(area=local_area_for(user))
    bars = timeliness_bars(user, today, published)
    title, summary = _title_and_summary(bars)
    return render(
        request,
        "casework/dashboard/dashboard.html",
        {
            "today": today,
            "caseloads": loads,
            "open_cases": sum(n for _, n in loads),
            "bars": bars,
            "chart": paired_bar_chart(bars),
            "chart_title": title,
            "chart_summary": summary,
            "published_missing": published.missing,
            "panels": panels_for("casework:dashboard", user=user, today=today),
        },
    )
