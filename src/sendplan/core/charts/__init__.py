"""Charts as server-rendered inline SVG: no chart library, no tiles, no external assets.

One palette for every chart and map (the Analysis Function's dark blue, orange and turquoise,
each at least 3:1 against white, with GOV.UK text and grid greys). The content security
policy forbids ``style`` attributes, so colours, widths and dashes are SVG presentation
attributes. Series differ by shape or line pattern as well as colour and are labelled
directly, so every chart reads in greyscale; each sits beside a table of the same numbers
and a sentence saying what it shows (the text alternative).

- :func:`bar_chart`: horizontal bars from zero, one series (``bars.py``).
- :func:`paired_bar_chart`: two bars per row, all plans and excluding exceptions (``bars.py``).
- :func:`fan_chart`: a projection with its uncertainty bands (``fan.py``).
"""

from __future__ import annotations

from sendplan.core.charts.bars import PairedBar, bar_chart, paired_bar_chart
from sendplan.core.charts.fan import fan_chart
from sendplan.core.charts.palette import (
    DARK_BLUE,
    GRID,
    LIGHT_FILL,
    ORANGE,
    SECONDARY_TEXT,
    TEXT,
    TURQUOISE,
)

__all__ = [
    "DARK_BLUE",
    "GRID",
    "LIGHT_FILL",
    "ORANGE",
    "SECONDARY_TEXT",
    "TEXT",
    "TURQUOISE",
    "PairedBar",
    "bar_chart",
    "fan_chart",
    "paired_bar_chart",
]
