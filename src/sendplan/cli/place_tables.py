"""The careful reader of the planning CSV files (LEARNERS.csv, SETTINGS.csv, CANDIDATES.csv).

Reads a file completely and records every problem as ``FILE:LINE: column: what is wrong``
(LINE is the physical line in the file, the header being line 1), for ``sendplan place`` and
``sendplan site`` alike.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from sendplan.cli.input_files import InputFileError, read_text
from sendplan.engine import ALL_NEEDS, NEED_CODES

KINDS = ("mainstream", "resourced", "special", "independent", "post16", "other")
NEED_INDEX = {code: i for i, code in enumerate(NEED_CODES)}


class InvalidInput(Exception):
    """Raised with the list of ``FILE:LINE: column: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Table:
    """A CSV file read as text columns, with the physical line of each row."""

    path: str
    columns: dict[str, list[str]]
    lines: list[int]
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, order, text)

    def error(self, line: int, column: str, message: str) -> None:
        self.problems.append((line, len(self.problems), f"{self.path}:{line}: {column}: {message}"))

    def messages(self) -> list[str]:
        return [text for _, _, text in sorted(self.problems)]


def read_table(path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Table:
    """Read ``path`` keeping only the named columns (extra columns are ignored)."""
    table = Table(path, {}, [])
    try:
        text, _ = read_text(path)
    except InputFileError as error:
        table.problems.append((error.line, 0, str(error)))
        return table
    # Strict: a quote left open swallows the rest of the file, which is a problem to report.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0  # the last physical line of the record read so far
    try:
        header = next(reader)
        names = [h.strip() for h in header]
        missing = [c for c in required if c not in names]
        for c in missing:
            table.error(1, c, "required column is missing")
        for c in (*required, *optional):
            if names.count(c) > 1:
                table.error(1, c, "the column appears more than once in the header")
        wanted = [c for c in (*required, *optional) if c in names]
        index = [names.index(c) for c in wanted]
        cols: list[list[str]] = [[] for _ in wanted]
        lines: list[int] = []
        last = reader.line_num
        width = len(names)
        for row in reader:
            start, last = last + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) < width:
                row = row + [""] * (width - len(row))
            lines.append(start)
            for col, i in zip(cols, index, strict=True):
                col.append(row[i].strip())
    except csv.Error as exc:
        # The record that failed starts on the line after the last one read.
        table.error(last + 1, "row", f"is not valid CSV ({exc})")
        return table
    table.columns = dict(zip(wanted, cols, strict=True))
    table.lines = lines
    return table


def numbers(table: Table, column: str, *, whole: bool) -> np.ndarray:
    """Parse a column; bad values are reported and become nan."""
    if column not in table.columns:  # reported once as a missing column
        return np.full(len(table.lines), np.nan)
    text = table.columns[column]
    try:
        values = np.fromiter(map(float, text), dtype=float, count=len(text))
        ok = np.isfinite(values)
        if whole:
            ok &= values == np.round(values)
        if ok.all():
            return values
    except ValueError:
        pass
    out = np.full(len(text), np.nan)
    what = "a whole number" if whole else "a number"
    for i, raw in enumerate(text):
        try:
            v = float(raw)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or (whole and v != round(v)):
            table.error(
                table.lines[i], column, "missing" if raw == "" else f"'{raw}' is not {what}"
            )
            continue
        out[i] = v
    return out


def check_range(table: Table, column: str, values: np.ndarray, lo: float, hi: float) -> None:
    for i in np.flatnonzero((values < lo) | (values > hi)).tolist():
        table.error(table.lines[i], column, f"{values[i]:g} is outside {lo:g} to {hi:g}")


def check_bounds(table: Table, column: str, values: np.ndarray, maximum: int, unit: str) -> None:
    """Negative values and values above what the optimiser can add up are problems."""
    raw = table.columns.get(column, [])
    for i in np.flatnonzero(values < 0).tolist():
        table.error(table.lines[i], column, f"{raw[i]} is negative")
    for i in np.flatnonzero(values > maximum).tolist():
        table.error(table.lines[i], column, f"{raw[i]} is more than {maximum:,} {unit}")


def check_ids(table: Table, column: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, value in enumerate(table.columns.get(column, [])):
        if value == "":
            table.error(table.lines[i], column, "missing")
        elif value in seen:
            first = table.lines[seen[value]]
            table.error(table.lines[i], column, f"duplicate id '{value}' (first on line {first})")
        else:
            seen[value] = i
    return seen


def coordinates(table: Table) -> tuple[np.ndarray, np.ndarray]:
    lat = numbers(table, "lat", whole=False)
    lon = numbers(table, "lon", whole=False)
    check_range(table, "lat", lat, -90, 90)
    check_range(table, "lon", lon, -180, 180)
    return lat, lon


def ages(table: Table, column: str) -> np.ndarray:
    ages = numbers(table, column, whole=True)
    check_range(table, column, ages, 0, 25)
    return ages


def unknown_need(code: str) -> str:
    return f"unknown need code '{code}' (expected one of {' '.join(NEED_CODES)})"


def needs_masks(table: Table) -> np.ndarray:
    """The ``needs`` column as bit masks over NEED_CODES; bad values are reported (mask 0)."""
    masks = np.zeros(len(table.lines), dtype=np.int64)
    cache: dict[str, int] = {}
    for i, text in enumerate(table.columns.get("needs", [])):
        if text in cache:
            masks[i] = cache[text]
            continue
        codes = [c.strip() for c in text.split(";") if c.strip()]
        with_all = [c for c in codes if c.upper() == "ALL"]
        if with_all and len(with_all) == len(codes):
            mask = ALL_NEEDS
        else:
            if not codes:
                table.error(
                    table.lines[i], "needs", "missing (give SEN2 codes separated by ';' or ALL)"
                )
            if with_all:
                table.error(
                    table.lines[i],
                    "needs",
                    f"'{text}': ALL means every need and cannot be listed with other codes",
                )
            bad = [c for c in codes if c not in NEED_INDEX and c.upper() != "ALL"]
            for c in bad:
                table.error(table.lines[i], "needs", unknown_need(c))
            if bad or not codes or with_all:
                continue
            mask = sum(1 << NEED_INDEX[c] for c in set(codes))
        cache[text] = mask
        masks[i] = mask
    return masks


def check_kinds(table: Table) -> None:
    for i, kind in enumerate(table.columns.get("kind", [])):
        if kind not in KINDS:
            table.error(
                table.lines[i],
                "kind",
                f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})",
            )
