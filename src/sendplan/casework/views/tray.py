"""The caseworker's work tray: overdue, at risk and due this week, with filters and pages.

Filters are GET parameters naming a stage or a group (fixed words, no personal data), so a
filtered tray can be bookmarked; learners appear in the page only, never in a URL.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.models import User
from sendplan.casework import selectors_tray
from sendplan.casework.models import Stage
from sendplan.casework.selectors_tray import TRAY_GROUPS, TRAY_STAGES
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.access import la_staff, requires_access
from sendplan.web.paging import PER_PAGE, page_links


@requires_access(la_staff)
@require_GET
def work_tray(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    stage = request.GET.get("stage") or None
    group = request.GET.get("status") or None
    stage = stage if stage in TRAY_STAGES else None
    group = group if group in dict(TRAY_GROUPS) else None
    today = timezone.localdate()
    tray = selectors_tray.work_tray(fetched_by=user, today=today, stage=stage, group=group)
    page = Paginator(tray.rows, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"work tray page {page.number} of {page.paginator.num_pages}, "
        f"{page.paginator.count} deadlines",
    )
    tabs = [{"key": None, "label": "All", "count": tray.total}] + [
        {"key": key, "label": label, "count": tray.counts[key]} for key, label in TRAY_GROUPS
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
        },
    )
