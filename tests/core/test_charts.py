"""One chart module and one palette."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sendplan
from sendplan.core.charts import DARK_BLUE, ORANGE, paired_bar_chart

SRC = Path(sendplan.__file__).parent
COLOUR = re.compile(r"[\"']#[0-9A-Fa-f]{6}[\"']")
#: The sign-in QR code is drawn by its library in ink and paper, not a chart.
NOT_CHARTS = {"accounts/second_factor.py"}


def test_no_module_but_the_palette_names_a_colour():
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if COLOUR.search(path.read_text(encoding="utf-8"))
    ]
    assert sorted(found) == sorted({"core/charts/palette.py", *NOT_CHARTS})


@dataclass(frozen=True)
class Row:
    area: str
    period: str
    with_exceptions: float | None
    without_exceptions: float | None


def test_paired_bars_are_labelled_directly_and_dashed_for_the_second_series():
    svg = str(paired_bar_chart([Row("This service", "last 12 months", 50.0, None)]))
    assert "50.0% all plans" in svg and "no plans excluding exceptions" in svg
    assert f'fill="{DARK_BLUE}"' in svg and f'fill="{ORANGE}"' in svg
    assert 'stroke-dasharray="4 2"' in svg
    assert 'aria-labelledby="timeliness-title"' in svg
