"""The one palette of every chart and map."""

DARK_BLUE = "#12436D"
ORANGE = "#F46A25"
TURQUOISE = "#28A197"
TEXT = "#0B0C0C"
SECONDARY_TEXT = "#505A5F"
GRID = "#B1B4B6"
LIGHT_FILL = "#F3F2F1"


def n(value: float) -> str:
    """A coordinate for an SVG attribute (format_html escapes its arguments to text)."""
    return f"{value:.1f}"
