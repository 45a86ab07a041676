"""Fan charts: a projection with its uncertainty bands.

Series are told apart by line pattern as well as colour (solid actuals, dashed median,
dotted capacity) and labelled directly, so the chart reads in greyscale. Every chart sits
beside a table of the same numbers and a sentence saying what it shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sendplan.core.charts.palette import DARK_BLUE, GRID, ORANGE, TEXT
from sendplan.engine import Band

WIDTH, HEIGHT = 680, 340
LEFT, RIGHT, TOP, BOTTOM = 78, 150, 20, 44


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def fan_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    actual: Sequence[tuple[int, float]],
    forecast: Sequence[tuple[int, Band]],
    fmt: Callable[[float], str],
    reference: Sequence[tuple[int, float]] = (),
    reference_label: str = "",
) -> SafeString:
    """An SVG fan chart: actuals (solid), median (dashed) and the 80 % band (shaded)."""
    years = [y for y, _ in actual] + [y for y, _ in forecast]
    if not years:
        return mark_safe("")
    x0, x1 = min(years), max(years)
    top = _nice_max(
        max(
            [v for _, v in actual]
            + [b.upper for _, b in forecast]
            + [v for _, v in reference]
            + [0.0]
        )
    )
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: float) -> float:
        return LEFT + (year - x0) / max(x1 - x0, 1) * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    parts: list[str] = []
    for i in range(6):  # y axis from zero, five gridlines
        value = top * i / 5
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                LEFT,
                f"{y(value):.1f}",
                LEFT + plot_w,
                f"{y(value):.1f}",
                GRID,
                LEFT - 6,
                f"{y(value) + 4:.1f}",
                TEXT,
                fmt(value),
            )
        )
    step = 1 if x1 - x0 <= 10 else 2 if x1 - x0 <= 20 else 5
    for year in range(x0, x1 + 1):
        if (year - x0) % step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
                    f"{x(year):.1f}",
                    HEIGHT - BOTTOM + 18,
                    TEXT,
                    year,
                )
            )
    if forecast:
        upper = " ".join(f"{x(yr):.1f},{y(b.upper):.1f}" for yr, b in forecast)
        lower = " ".join(f"{x(yr):.1f},{y(b.lower):.1f}" for yr, b in reversed(forecast))
        start = f"{x(actual[-1][0]):.1f},{y(actual[-1][1]):.1f} " if actual else ""
        parts.append(
            format_html(
                '<polygon points="{}" fill="{}" fill-opacity="0.22" stroke="none"/>',
                start + upper + " " + lower,
                DARK_BLUE,
            )
        )
    if actual:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in actual),
                DARK_BLUE,
            )
        )
        last_year, last_value = actual[-1]
        parts.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1" '
                'stroke-dasharray="2 3"/>'
                '<text x="{4}" y="{5}" font-size="12" fill="{6}">Last actual: January {7}</text>',
                f"{x(last_year):.1f}",
                TOP,
                TOP + plot_h,
                TEXT,
                f"{x(last_year) + 4:.1f}",
                TOP + 12,
                TEXT,
                last_year,
            )
        )
    if forecast:
        points = ([f"{x(actual[-1][0]):.1f},{y(actual[-1][1]):.1f}"] if actual else []) + [
            f"{x(yr):.1f},{y(b.median):.1f}" for yr, b in forecast
        ]
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" '
                'stroke-dasharray="8 5"/>',
                " ".join(points),
                DARK_BLUE,
            )
        )
        end_year, end = forecast[-1]
        label_x = x(end_year) + 8
        labels = [
            (y(end.median), f"Median {fmt(end.median)}"),
            (y(end.upper), f"80% band to {fmt(end.upper)}"),
            (y(end.lower), f"80% band from {fmt(end.lower)}"),
        ]
        for pos, text in _spread_labels(labels):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                    f"{label_x:.1f}",
                    f"{pos + 4:.1f}",
                    TEXT,
                    text,
                )
            )
    if reference:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" '
                'stroke-dasharray="2 4"/>',
                " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in reference),
                ORANGE,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                f"{x(reference[-1][0]) + 8:.1f}",
                f"{y(reference[-1][1]) + 18:.1f}",
                TEXT,
                reference_label,
            )
        )
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return format_html(
        '<svg class="sp-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{t} {d}" font-family="Arial, sans-serif" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{t}">{title}</title><desc id="{d}">{summary}</desc>{body}</svg>',
        w=WIDTH,
        h=HEIGHT,
        t=title_id,
        d=desc_id,
        title=title,
        summary=summary,
        body=mark_safe("".join(parts)),  # every part was built with format_html
    )


def _spread_labels(labels: list[tuple[float, str]], gap: float = 15) -> list[tuple[float, str]]:
    """Keep direct labels from overlapping: push each at least ``gap`` below the last."""
    out: list[tuple[float, str]] = []
    for pos, text in sorted(labels):
        if out and pos - out[-1][0] < gap:
            pos = out[-1][0] + gap
        out.append((pos, escape(text)))
    return out
