"""'Who has looked at this record': the access log of one learner, as a page and as CSV.

For investigators only (``audit_queries``: LA managers and administrators of the learner's
LA). The window is two dates in the URL's query string and nothing else: no names, no
search text. Viewing the page and downloading the file each write an audit event with
counts only, so an investigation is itself on the record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.guards import requires_access
from sendplan.accounts.models import User
from sendplan.learners.audit_queries import (
    ACCESS_LOG_DETAIL,
    access_table,
    accesses_of,
    learner_for_investigator,
    may_investigate,
)
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.forms import DATE_PARTS, GovukDateField, error_summary
from sendplan.web.paging import PER_PAGE, page_links
from sendplan.web.spreadsheets import to_csv

DEFAULT_DAYS = 30


class AccessWindowForm(forms.Form):
    since = GovukDateField(label_text="From", past_only=False)
    until = GovukDateField(label_text="To", past_only=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


def _window_form(request: HttpRequest) -> AccessWindowForm:
    """Bound to the query string if it names any date; otherwise the last 30 days."""
    names = {f"{field}_{part}" for field in ("since", "until") for part in DATE_PARTS}
    if names & set(request.GET):
        return AccessWindowForm(request.GET)
    today = timezone.localdate()
    data = {}
    for name, day in (("since", today - dt.timedelta(days=DEFAULT_DAYS)), ("until", today)):
        data.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
    return AccessWindowForm(data)


def _window_query(since: dt.date, until: dt.date) -> str:
    return urlencode(
        {
            f"{name}_{part}": getattr(day, part)
            for name, day in (("since", since), ("until", until))
            for part in DATE_PARTS
        }
    )


def _days(since: dt.date, until: dt.date) -> int:
    return (until - since).days + 1


@requires_access(may_investigate)
@require_GET
def learner_accesses(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    learner = learner_for_investigator(user, pk)
    form = _window_form(request)
    context: dict[str, Any] = {"learner": learner, "form": form}
    if not form.is_valid():
        context["errors"] = error_summary(form)
        return render(request, "learners/accesses.html", context)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    log = accesses_of(learner=learner, fetched_by=user, since=since, until=until)
    page = Paginator(log, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        user=user,
        action=AuditEvent.Action.VIEW_RECORD,
        learner=learner,
        detail=(
            f"{ACCESS_LOG_DETAIL}: page {page.number} of {page.paginator.num_pages}, "
            f"{page.paginator.count} events over {_days(since, until)} days"
        ),
    )
    query = _window_query(since, until)
    context.update(
        since=since,
        until=until,
        page_obj=page,
        page_links=page_links(page),
        csv_url=f"{reverse('learners:accesses-csv', args=[learner.pk])}?{query}",
    )
    return render(request, "learners/accesses.html", context)


@requires_access(may_investigate)
@require_GET
def learner_accesses_csv(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    learner = learner_for_investigator(user, pk)
    form = _window_form(request)
    if not form.is_valid():
        # Only reachable by editing the link: the page explains what is wrong.
        return render(
            request,
            "learners/accesses.html",
            {"learner": learner, "form": form, "errors": error_summary(form)},
            status=400,
        )
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    rows = list(accesses_of(learner=learner, fetched_by=user, since=since, until=until))
    audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        learner=learner,
        detail=f"{ACCESS_LOG_DETAIL} CSV, {len(rows)} events over {_days(since, until)} days",
    )
    response = HttpResponse(to_csv(access_table(rows)), content_type="text/csv; charset=utf-8")
    # A numeric id and the dates only: the file name says nothing about who the learner is.
    name = f"accesses-learner-{learner.pk}-{since.isoformat()}-to-{until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
