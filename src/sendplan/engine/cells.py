"""Text cells that stay text when a person opens a CSV file in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is read by Excel, LibreOffice and Google Sheets
as a formula: a setting named ``=HYPERLINK(...)`` or ``=cmd|...`` in a file from GIAS would
run when the export is opened (OWASP "CSV injection"). Every CSV or workbook SENDplan writes
for people, from the web pages and from the command line, passes its cells through
:func:`safe_cell`, which puts an apostrophe in front of such text: spreadsheets show the
text as typed and hide the apostrophe. Numbers stay numbers (a negative gap is a value, not
a formula).

It lives in the engine, the lowest layer, only so that the web exports and the command
line share one definition.
"""

from __future__ import annotations

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would read as a formula, escaped; everything else as is.

    Examples
    --------
    >>> safe_cell("=cmd|' /C calc'!A0"), safe_cell("Oak Lodge"), safe_cell(-3)
    ("'=cmd|' /C calc'!A0", 'Oak Lodge', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: list[str]) -> list[str]:
    """A row of text cells, each through :func:`safe_cell`."""
    return ["'" + v if v.startswith(FORMULA_START) else v for v in values]
