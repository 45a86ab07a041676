"""The area map as server-rendered inline SVG, in the charts' palette (``core.charts``):
no tiles, no external assets. Marks differ by shape as well as colour, so the map reads in
greyscale; it sits beside a table of the same numbers (the text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from sendplan.core.charts import DARK_BLUE, GRID, LIGHT_FILL, ORANGE, TEXT, TURQUOISE
from sendplan.planning.geography import Area

WARD_FILL = LIGHT_FILL


def _n(value: float) -> str:
    """A coordinate for an SVG attribute (format_html escapes its arguments to text)."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class HomeMark:
    lat: float
    lon: float
    learners: int
    unplaced: int
    label: str


@dataclass(frozen=True)
class SettingMark:
    lat: float
    lon: float
    learners: int
    label: str


class _Projection:
    """Equirectangular, scaled by cos(latitude): true enough at a borough's size."""

    def __init__(self, areas: Sequence[Area], width: int, pad: int = 12) -> None:
        lons = [float(r[:, 0].min()) for a in areas for r in a.rings] + [
            float(r[:, 0].max()) for a in areas for r in a.rings
        ]
        lats = [float(r[:, 1].min()) for a in areas for r in a.rings] + [
            float(r[:, 1].max()) for a in areas for r in a.rings
        ]
        self.lon0, self.lat1 = min(lons), max(lats)
        self.k = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = (max(lons) - self.lon0) * self.k
        self.scale = (width - 2 * pad) / span_x
        self.pad = pad
        self.width = width
        self.height = int((self.lat1 - min(lats)) * self.scale + 2 * pad)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.pad + (lon - self.lon0) * self.k * self.scale
        y = self.pad + (self.lat1 - lat) * self.scale
        return x, y

    def inside(self, lat: float, lon: float) -> bool:
        x, y = self.xy(lat, lon)
        return 0 <= x <= self.width and 0 <= y <= self.height

    def path(self, area: Area) -> str:
        out = []
        for ring in area.rings:
            points = [self.xy(lat, lon) for lon, lat in ring]
            out.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
        return "".join(out)


def area_map(
    *,
    chart_id: str,
    title: str,
    wards: Sequence[Area],
    lsoas: Sequence[Area],
    homes: Sequence[HomeMark],
    settings: Sequence[SettingMark],
    width: int = 560,
) -> SafeString:
    """Ward and LSOA outlines, homes counted by LSOA (dark blue circles, an orange dashed
    ring where some have no proposed place) and proposed settings (turquoise squares)."""
    if not wards:
        return mark_safe("")
    proj = _Projection(wards, width)
    lsoa_paths = format_html_join(
        "",
        '<path d="{}" fill="none" stroke="{}" stroke-width="0.5"/>',
        ((proj.path(a), GRID) for a in lsoas),
    )
    ward_paths = format_html_join(
        "",
        '<path d="{}" fill="{}" fill-rule="evenodd" stroke="{}" stroke-width="1.2">'
        "<title>{}</title></path>",
        ((proj.path(w), WARD_FILL, TEXT, w.name) for w in wards),
    )
    marks = []
    for h in homes:
        if not proj.inside(h.lat, h.lon):
            continue
        x, y = map(_n, proj.xy(h.lat, h.lon))
        radius = 2.5 + 2.2 * math.sqrt(h.learners)
        r, ring = _n(radius), _n(radius + 3)
        marks.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.75">'
                "<title>{}</title></circle>",
                x,
                y,
                r,
                DARK_BLUE,
                h.label,
            )
        )
        if h.unplaced:
            marks.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" '
                    'stroke-width="2.5" stroke-dasharray="3 2"><title>{}</title></circle>',
                    x,
                    y,
                    ring,
                    ORANGE,
                    h.label,
                )
            )
    for s in settings:
        if not proj.inside(s.lat, s.lon):
            continue
        cx, cy = proj.xy(s.lat, s.lon)
        half = 3 + 1.5 * math.sqrt(s.learners)
        x, y, side = _n(cx - half), _n(cy - half), _n(2 * half)
        marks.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'stroke="{}" stroke-width="1"><title>{}</title></rect>',
                x,
                y,
                side,
                side,
                TURQUOISE,
                TEXT,
                s.label,
            )
        )
    return format_html(
        '<svg id="{}" class="sp-map" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>{}{}{}</svg>',
        chart_id,
        proj.width,
        proj.height,
        chart_id,
        chart_id,
        title,
        ward_paths,
        lsoa_paths,
        mark_safe("".join(marks)),
    )
