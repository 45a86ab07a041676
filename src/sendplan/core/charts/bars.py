"""Bar charts: one series from zero, or two percentage bars per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from sendplan.core.charts.palette import DARK_BLUE, GRID, ORANGE, SECONDARY_TEXT, TEXT, n


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float]],
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
    colour: str = DARK_BLUE,
) -> SafeString:
    """Horizontal bars from zero, each labelled with its value (no legend needed)."""
    if not rows:
        return mark_safe("")
    label_w, bar_w, row_h, value_w = 230, 330, 28, 110
    width = label_w + bar_w + value_w
    height = row_h * len(rows) + 10
    top = max((v for _, v in rows), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        w = max(bar_w * value / top, 0)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" font-size="14" fill="{}">{}</text>',
                label_w - 8,
                y + 18,
                TEXT,
                label,
                label_w,
                y + 4,
                n(w),
                row_h - 8,
                colour,
                label,
                fmt(value),
                n(label_w + w + 6),
                y + 18,
                TEXT,
                fmt(value),
            )
        )
    return format_html(
        '<svg id="{}" class="sp-chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>'
        '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>{}</svg>',
        chart_id,
        width,
        height,
        chart_id,
        chart_id,
        title,
        label_w,
        label_w,
        height,
        GRID,
        mark_safe("".join(parts)),
    )


class PairedBar(Protocol):
    """A row of :func:`paired_bar_chart`: its name, its period and two percentages."""

    @property
    def area(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def with_exceptions(self) -> float | None: ...
    @property
    def without_exceptions(self) -> float | None: ...


def _pc(value: float | None) -> str:
    return "no plans" if value is None else f"{value:.1f}%"


def paired_bar_chart(
    bars: Sequence[PairedBar],
    *,
    words: tuple[str, str] = ("all plans", "excluding exceptions"),
    labelled_by: str = "timeliness-title",
    described_by: str = "timeliness-summary",
) -> SafeString:
    """Horizontal percentage bars, two per row (solid, then dashed), labelled directly with
    their values and ``words`` (no legend); the page holds the title and the summary."""
    left, width, row_h, bar_h, top = 190, 420, 64, 22, 28
    height = top + row_h * len(bars) + 24
    scale = width / 100
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="{}">{}%</text>',
            left + tick * scale,
            top - 6,
            left + tick * scale,
            height - 22,
            GRID,
            left + tick * scale,
            height - 6,
            SECONDARY_TEXT,
            tick,
        )
        for tick in (0, 25, 50, 75, 100)
    ]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" font-weight="bold" text-anchor="end" '
                'fill="{}">{}</text><text x="{}" y="{}" font-size="12" text-anchor="end" '
                'fill="{}">{}</text>',
                left - 8,
                y + 18,
                TEXT,
                bar.area,
                left - 8,
                y + 36,
                SECONDARY_TEXT,
                bar.period,
            )
        )
        for j, (value, colour, said, dash) in enumerate(
            (
                (bar.with_exceptions, DARK_BLUE, words[0], ""),
                (bar.without_exceptions, ORANGE, words[1], "4 2"),
            )
        ):
            by = y + j * (bar_h + 2)
            length = (value or 0) * scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="1"{}/><text x="{}" y="{}" font-size="13" fill="{}">{}'
                    "</text>",
                    left,
                    by,
                    f"{length:.1f}",
                    bar_h,
                    colour,
                    TEXT,
                    format_html(' stroke-dasharray="{}"', dash) if dash else "",
                    left + length + 6,
                    by + 16,
                    TEXT,
                    f"{_pc(value)} {said}",
                )
            )
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}" aria-describedby="{}" focusable="false">{}</svg>',
        left + width + 190,
        height,
        labelled_by,
        described_by,
        body,
    )
