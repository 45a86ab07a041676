"""The delivery log's pages: the rows a setting or provider records and a week's form, the
file upload, one row's log, the caseworker's quantifying, and the manager's figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import la_staff, professional, requires_access, signed_in_user
from sendplan.accounts.models import User
from sendplan.core.charts import bar_chart
from sendplan.core.dates import govuk_date
from sendplan.core.errors import StaleEdit
from sendplan.delivery import figures as delivery_figures
from sendplan.delivery import selectors, services
from sendplan.delivery.csv_format import read_delivery_file
from sendplan.delivery.forms import QuantifyForm, UploadForm, WeekChoiceForm, WeekForm
from sendplan.delivery.models import Commitment, DeliveryEntry
from sendplan.engine import last_weeks, term_of, week_start
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate
from sendplan.web.spreadsheets import Cell, Table, to_csv

#: Weeks offered on the week chooser: this week and the ones before it.
WEEKS_OFFERED = 8


@requires_access(professional)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The provision rows this user records, with how delivery stands lately."""
    user = signed_in_user(request)
    today = timezone.localdate()
    page = paginate(request, selectors.recordable_commitments(fetched_by=user, today=today))
    rows = selectors.statuses(list(page.object_list), today=today)
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"provision you deliver page {page.number}, {page.paginator.count} rows",
    )
    return render(
        request,
        "delivery/mine.html",
        {
            "rows": rows,
            "page_obj": page,
            "page_links": page_links(page),
            "threshold": selectors.threshold(),
            "weeks": selectors.window_weeks(),
        },
    )


def _recordable(request: HttpRequest, pk: int, purpose: str) -> tuple[User, Commitment]:
    user = signed_in_user(request)
    commitment = selectors.commitment_for_user(user, pk, purpose=purpose)
    if not services.may_record(user, commitment):
        raise PermissionDenied
    return user, commitment


@requires_access(professional)
@require_http_methods(["GET", "POST"])
def week_choose(request: HttpRequest, pk: int) -> HttpResponse:
    user, commitment = _recordable(request, pk, "delivery week choice")
    today = timezone.localdate()
    mondays = [*last_weeks(today, WEEKS_OFFERED - 1), week_start(today)]
    mondays = [
        m
        for m in reversed(mondays)
        if m + dt.timedelta(days=6) >= commitment.started_on
        and (commitment.ended_on is None or m <= commitment.ended_on)
    ]
    done = set(
        DeliveryEntry.objects.filter(commitment=commitment, week_starting__in=mondays).values_list(
            "week_starting", flat=True
        )
    )
    form = WeekChoiceForm(
        request.POST or None,
        weeks=[(m, m in done) for m in mondays],
        initial={"week": next((m.isoformat() for m in mondays if m not in done), None)},
    )
    if request.method == "POST" and form.is_valid():
        return redirect("delivery:week", pk=pk, week=form.cleaned_data["week"])
    return render(
        request,
        "delivery/week_choose.html",
        {
            "commitment": commitment,
            "form": form,
            "errors": error_summary(form) if form.errors else [],
        },
        status=400 if form.errors else 200,
    )


def _week_of(week: str) -> dt.date:
    try:
        monday = dt.date.fromisoformat(week)
    except ValueError:
        raise Http404("No such week") from None
    if monday.weekday() != 0:
        raise Http404("No such week")
    return monday


def _initial(entry: DeliveryEntry | None, expected: float) -> dict[str, object]:
    if entry is None:
        return {"lock": 0, "due": "yes", "delivered_minutes": round(expected), "missed_minutes": 0}
    return {
        "lock": entry.lock,
        "due": "yes" if entry.due else "no",
        "delivered_minutes": entry.delivered_minutes,
        "missed_minutes": entry.missed_minutes,
        "missed_reason": entry.missed_reason,
        "note": entry.note,
    }


@requires_access(professional)
@require_http_methods(["GET", "POST"])
def week_record(request: HttpRequest, pk: int, week: str) -> HttpResponse:
    """One week of one row: minutes delivered and missed, and why."""
    user, commitment = _recordable(request, pk, "delivery week")
    monday = _week_of(week)
    entry = DeliveryEntry.objects.filter(commitment=commitment, week_starting=monday).first()
    expected = services.minutes_per_week(commitment)
    form = WeekForm(request.POST or None, initial=_initial(entry, expected))
    stale: StaleEdit | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.delivery_record(
                    commitment_id=pk,
                    week=services.WeekInput(
                        week_starting=monday,
                        due=data["due"] == "yes",
                        delivered_minutes=data["delivered_minutes"] or 0,
                        missed_minutes=data["missed_minutes"] or 0,
                        missed_reason=data["missed_reason"] or "",
                        note=data["note"],
                    ),
                    expected_lock=data["lock"],
                    changed_by=user,
                )
            except StaleEdit as refused:
                stale = refused
                entry = DeliveryEntry.objects.filter(
                    commitment=commitment, week_starting=monday
                ).first()
                retry = request.POST.copy()
                retry["lock"] = str(entry.lock if entry else 0)
                form = WeekForm(retry)
                form.is_valid()
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    f"Week starting {govuk_date(monday)} recorded for {commitment.provision.what}.",
                )
                return redirect("delivery:mine")
        else:
            status = 400
    errors = error_summary(form) if form.errors else []
    if stale is not None:
        errors = [{"href": "#saved-now", "text": stale.message(what="this week's record")}]
    return render(
        request,
        "delivery/week.html",
        {
            "commitment": commitment,
            "quantity": selectors.quantity_of(commitment),
            "expected": expected,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "entry": entry,
            "form": form,
            "errors": errors,
            "stale": stale,
        },
        status=status,
    )


@requires_access(professional)
@require_GET
def commitment_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One row's log: what the plan says, delivery by term, and each week recorded."""
    user = signed_in_user(request)
    commitment = selectors.commitment_for_user(user, pk, purpose="delivery log")
    today = timezone.localdate()
    entries = list(commitment.entries.select_related("modified_by").order_by("-week_starting"))
    terms = []
    seen: set[object] = set()
    for entry in [None, *entries]:
        day = today if entry is None else entry.week_starting
        term = term_of(day)
        if term is None or term in seen:
            continue
        seen.add(term)
        terms.append((term, selectors.term_figures(commitment, entries, term, today=today)))
    return render(
        request,
        "delivery/commitment.html",
        {
            "commitment": commitment,
            "quantity": selectors.quantity_of(commitment),
            "recent": selectors.recent_figures(commitment, entries, today=today),
            "terms": terms,
            "entries": entries,
            "may_record": services.may_record(user, commitment),
            "may_quantify": selectors.may_quantify(user, commitment),
            "threshold": selectors.threshold(),
            "weeks": selectors.window_weeks(),
        },
    )


@requires_access(la_staff)
@require_GET
def quantify_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = list(selectors.to_quantify(fetched_by=user, today=timezone.localdate()))
    audit_record(
        user=user, action=AuditEvent.Action.LIST, detail=f"provision to quantify, {len(rows)} rows"
    )
    return render(request, "delivery/quantify_list.html", {"rows": rows})


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def quantify(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    commitment = selectors.commitment_for_user(user, pk, purpose="quantify provision")
    if not selectors.may_quantify(user, commitment):
        raise PermissionDenied
    initial = {
        "lock": commitment.lock,
        "minutes_per_session": commitment.minutes_per_session,
        "sessions": commitment.sessions,
        "period": commitment.period or None,
    }
    form = QuantifyForm(request.POST or None, initial=initial)
    stale: StaleEdit | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.commitment_quantify(
                    commitment_id=pk,
                    expected_lock=data["lock"],
                    minutes_per_session=data["minutes_per_session"],
                    sessions=data["sessions"],
                    period=data["period"],
                    changed_by=user,
                )
            except StaleEdit as refused:
                stale = refused
                commitment.refresh_from_db()
                retry = request.POST.copy()
                retry["lock"] = str(commitment.lock)
                form = QuantifyForm(retry)
                form.is_valid()
                status = 409
            else:
                messages.success(request, f"How much {commitment.provision.what} is due is saved.")
                return redirect("delivery:quantify-list")
        else:
            status = 400
    errors = error_summary(form) if form.errors else []
    if stale is not None:
        errors = [{"href": "#saved-now", "text": stale.message(what="this provision")}]
    return render(
        request,
        "delivery/quantify.html",
        {"commitment": commitment, "form": form, "errors": errors, "stale": stale},
        status=status,
    )


@requires_access(professional)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """A file of weeks from the setting's or provider's own system: all of it or none."""
    user = signed_in_user(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        today = timezone.localdate()
        read = read_delivery_file(label="the file", data=upload.read(), user=user, today=today)
        problems = read.problems
        if not problems:
            count = services.delivery_import(weeks=read.weeks, changed_by=user, today=today)
            audit_record(
                user=user,
                action=AuditEvent.Action.LIST,
                detail=f"delivery file, {count} weeks recorded",
            )
            messages.success(
                request, f"{count} week{'s' if count != 1 else ''} recorded from the file."
            )
            return redirect("delivery:mine")
    bad = request.method == "POST" and (bool(form.errors) or bool(problems))
    return render(
        request,
        "delivery/upload.html",
        {
            "form": form,
            "errors": error_summary(form) if form.errors else [],
            "problems": problems,
            "shown_problems": problems[:100],
        },
        status=400 if bad else 200,
    )


@requires_access(professional)
@require_GET
def upload_template(request: HttpRequest) -> HttpResponse:
    """A file to fill in: a line for last week of every row the user records."""
    user = signed_in_user(request)
    today = timezone.localdate()
    monday = last_weeks(today, 1)[0]
    rows = list(selectors.recordable_commitments(fetched_by=user, today=today))
    audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        detail=f"delivery file template, {len(rows)} rows",
    )
    table = Table(
        name="Delivery",
        title="Delivery",
        header=(
            "commitment",
            "week_starting",
            "delivered_minutes",
            "missed_minutes",
            "missed_reason",
            "nothing_due",
            "note",
        ),
        rows=[
            [c.pk, monday.isoformat(), round(services.minutes_per_week(c)), 0, "", "no",
             f"{c.learner.full_name}: {c.provision.what}"]
            for c in rows
            if c.is_quantified
        ],
    )  # fmt: skip
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="delivery-{monday.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _dimension(request: HttpRequest) -> str:
    by = request.GET.get("by", "provider")
    return by if by in delivery_figures.DIMENSIONS else "provider"


def _pc(value: float | None) -> str:
    return "nothing due" if value is None else f"{value:.0f}%"


@requires_access(la_staff)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Delivered against specified, by provider, setting or kind, over the last year."""
    user = signed_in_user(request)
    by = _dimension(request)
    figures = delivery_figures.delivery_figures_for(
        fetched_by=user, today=timezone.localdate(), dimension=by
    )
    latest = figures.periods[-1]
    charted = [(g.label, g.latest) for g in figures.groups if g.latest is not None][:20]
    title = (
        f"Provision delivered by {delivery_figures.DIMENSIONS[by].lower()}, "
        f"{latest.label}: lowest first"
    )
    below = [g for g in figures.groups if g.latest is not None and g.latest < selectors.threshold()]
    return render(
        request,
        "delivery/dashboard.html",
        {
            "figures": figures,
            "by": by,
            "dimensions": delivery_figures.DIMENSIONS,
            "shown_periods": list(enumerate(figures.periods))[-4:],
            "chart": bar_chart(
                chart_id="delivery-chart",
                title=title,
                rows=[(label, value) for label, value in charted if value is not None],
                fmt=lambda v: f"{v:.0f}%",
            ),
            "chart_title": title,
            "below": below,
            "threshold": selectors.threshold(),
            "area_latest": _pc(figures.area.latest),
            "area_year": _pc(figures.area.year_percent),
        },
    )


@requires_access(la_staff)
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    by = _dimension(request)
    today = timezone.localdate()
    figures = delivery_figures.delivery_figures_for(fetched_by=user, today=today, dimension=by)
    rows: list[list[Cell]] = []
    for group in [figures.area, *figures.groups]:
        for i, period in enumerate(figures.periods):
            pc = group.percent(i)
            rows.append(
                [
                    delivery_figures.DIMENSIONS[by],
                    group.label,
                    period.start.isoformat(),
                    period.end.isoformat(),
                    group.expected[i],
                    group.delivered[i],
                    None if pc is None else round(pc, 1),
                ]
            )
    table = Table(
        name="Provision delivered",
        title="Provision delivered",
        header=(
            "By",
            "Group",
            "Period start",
            "Period end",
            "Minutes specified",
            "Minutes delivered",
            "Percent delivered",
        ),
        rows=rows,
    )
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="provision-delivered-by-{by}-{today.isoformat()}.csv"'
    )
    return response
