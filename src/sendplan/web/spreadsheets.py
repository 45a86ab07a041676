"""Tables as CSV and Excel, safe to open in a spreadsheet: every web export uses this module.

Every cell passes through :func:`sendplan.engine.safe_cell` (the command line's CSV outputs
use the same function): a text cell that a spreadsheet would read as a formula, such as
``=HYPERLINK(...)``, is written with a leading apostrophe so it stays text (DESIGN.md, OWASP
CSV injection). Numbers are written as numbers: a negative gap is a value, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from sendplan.engine import safe_cell

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str  # sheet name and file stem
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    # A byte-order mark so Excel opens the UTF-8 (the pound sign) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: Iterable[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(title=table.name[:31])
        sheet.append([safe_cell(h) for h in table.header])
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    # Stored as a plain string: openpyxl never turns it into a formula.
                    cell.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
