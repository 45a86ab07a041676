"""The LA manager's dashboard: caseloads per caseworker and 20-week timeliness.

Timeliness is the DfE measure over final plans issued in the last 12 months, with and
without the cases where a lawful exception applied, beside the latest published national
and local figures from DfE's ``timeliness_20_week.csv`` (``sendplan.core.published``), or a
sentence saying which of them is missing. The chart is inline SVG drawn with
presentation attributes (the CSP forbids inline styles) and always comes with its table
and a sentence saying what it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from sendplan.accounts.models import User
from sendplan.casework.selectors import caseloads, timeliness
from sendplan.core.published import TimelinessComparison, local_area_for, published_timeliness
from sendplan.web.access import la_staff, requires_access

# Analysis Function palette: dark blue and orange for two series (3:1 against white).
DARK_BLUE, ORANGE = "#12436D", "#F46A25"


@dataclass(frozen=True)
class Bar:
    area: str
    period: str
    with_exceptions: float | None  # all plans, DfE "including exceptions"
    without_exceptions: float | None  # exception cases left out, DfE "excluding exceptions"
    plans: int | None
    source: str


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _pc(value: float | None) -> str:
    return "no plans" if value is None else f"{value:.1f}%"


def timeliness_bars(user: User, today: dt.date, published: TimelinessComparison) -> list[Bar]:
    ours = timeliness(fetched_by=user, today=today)
    since = today - dt.timedelta(days=365)
    bars = [
        Bar(
            "This service",
            f"{_long(since + dt.timedelta(days=1))} to {_long(today)}",
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


def bar_chart(bars: list[Bar]) -> SafeString:
    """Horizontal bars, two per area, labelled directly with their values (no legend)."""
    left, width, row_h, bar_h, top = 190, 420, 64, 22, 28
    height = top + row_h * len(bars) + 24
    scale = width / 100
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="#505a5f">{}%</text>',
            left + tick * scale,
            top - 6,
            left + tick * scale,
            height - 22,
            left + tick * scale,
            height - 6,
            tick,
        )
        for tick in (0, 25, 50, 75, 100)
    ]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" font-weight="bold" text-anchor="end" '
                'fill="#0b0c0c">{}</text><text x="{}" y="{}" font-size="12" text-anchor="end" '
                'fill="#505a5f">{}</text>',
                left - 8,
                y + 18,
                bar.area,
                left - 8,
                y + 36,
                bar.period,
            )
        )
        for j, (value, colour, words, dash) in enumerate(
            (
                (bar.with_exceptions, DARK_BLUE, "all plans", ""),
                (bar.without_exceptions, ORANGE, "excluding exceptions", "4 2"),
            )
        ):
            by = y + j * (bar_h + 2)
            length = (value or 0) * scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#0b0c0c" '
                    'stroke-width="1"{}/><text x="{}" y="{}" font-size="13" fill="#0b0c0c">{}'
                    "</text>",
                    left,
                    by,
                    f"{length:.1f}",
                    bar_h,
                    colour,
                    format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    left + length + 6,
                    by + 16,
                    f"{_pc(value)} {words}",
                )
            )
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="timeliness-title" aria-describedby="timeliness-summary" '
        'focusable="false">{}</svg>',
        left + width + 190,
        height,
        body,
    )


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
            "chart": bar_chart(bars),
            "chart_title": title,
            "chart_summary": summary,
            "published_missing": published.missing,
        },
    )
