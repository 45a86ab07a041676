"""The delivery file: weeks of provision delivered, one line per provision row and week, as a
setting's or provider's own system exports it (docs/delivery-csv.md).

Read whole before anything is saved: every bad line is named with its line and column, and
one bad line means nothing is recorded (ADR 0121, 0135).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sendplan.accounts.models import User
from sendplan.cli.input_files import InputFileError, decode_text, problem
from sendplan.delivery.models import MissedReason
from sendplan.delivery.selectors import recordable_commitments
from sendplan.delivery.services import WeekInput, week_problems

REQUIRED = ("commitment", "week_starting", "delivered_minutes", "missed_minutes", "missed_reason")
OPTIONAL = ("nothing_due", "note")
COLUMNS = REQUIRED + OPTIONAL

#: Most lines a file may hold: a year of weeks for a large setting's rows.
MAX_LINES = 20_000

_YES = {"yes", "y", "true", "1"}
_NO = {"", "no", "n", "false", "0"}


@dataclass
class ReadFile:
    """A file read through: the weeks to record, or the problems that stop it."""

    weeks: list[tuple[int, WeekInput]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _minutes(raw: str) -> int | None:
    text = raw.strip()
    if text == "":
        return 0
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= 7 * 24 * 60 else None


def read_delivery_file(*, label: str, data: bytes, user: User, today: dt.date) -> ReadFile:
    """Check every line of a delivery file for ``user`` (who must record each row named)."""
    result = ReadFile()
    try:
        text, _ = decode_text(label, data)
    except InputFileError as error:
        result.problems = error.problems
        return result
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing:
        result.problems.append(problem(label, 1, "header", f"missing column {', '.join(missing)}"))
    if unknown:
        result.problems.append(problem(label, 1, "header", f"unknown column {', '.join(unknown)}"))
    if result.problems:
        return result
    lines = [(n, row) for n, row in enumerate(reader, start=2) if any(c.strip() for c in row)]
    if not lines:
        result.problems.append(problem(label, 1, "file", "has a header but no lines"))
        return result
    if len(lines) > MAX_LINES:
        result.problems.append(
            problem(label, 1, "file", f"has {len(lines)} lines; send at most {MAX_LINES}")
        )
        return result
    ids = {int(r[header.index("commitment")]) for _, r in lines
           if len(r) == len(header) and r[header.index("commitment")].strip().isdigit()}  # fmt: skip
    commitments = recordable_commitments(fetched_by=user, today=today).in_bulk(sorted(ids))
    recordable = set(commitments)
    seen: dict[tuple[int, dt.date], int] = {}
    reasons = set(MissedReason.values)
    for number, row in lines:
        if len(row) != len(header):
            result.problems.append(
                problem(
                    label, number, "line", f"has {len(row)} fields; the header has {len(header)}"
                )
            )
            continue
        cells = dict(zip(header, (c.strip() for c in row), strict=True))
        before = len(result.problems)

        def bad(column: str, message: str, number: int = number) -> None:
            result.problems.append(problem(label, number, column, message))

        raw_id = cells["commitment"]
        commitment = None
        if not raw_id.isascii() or not raw_id.isdigit():
            bad("commitment", f"{raw_id!r} is not a provision number")
        elif int(raw_id) not in recordable:
            bad("commitment", f"{raw_id} is not a provision you record delivery for")
        else:
            commitment = commitments[int(raw_id)]
        try:
            week = dt.date.fromisoformat(cells["week_starting"])
        except ValueError:
            bad("week_starting", f"{cells['week_starting']!r} is not a date as YYYY-MM-DD")
            week = None
        delivered = _minutes(cells["delivered_minutes"])
        missed = _minutes(cells["missed_minutes"])
        if delivered is None:
            bad(
                "delivered_minutes",
                f"{cells['delivered_minutes']!r} is not a whole number of minutes",
            )
        if missed is None:
            bad("missed_minutes", f"{cells['missed_minutes']!r} is not a whole number of minutes")
        reason = cells["missed_reason"]
        if reason and reason not in reasons:
            bad("missed_reason", f"{reason!r} is not one of {', '.join(sorted(reasons))}")
        nothing_due = cells.get("nothing_due", "").lower()
        if nothing_due not in _YES | _NO:
            bad("nothing_due", f"{cells.get('nothing_due')!r} is not yes or no")
        if len(result.problems) > before or commitment is None or week is None:
            continue
        assert delivered is not None and missed is not None
        entry = WeekInput(
            week_starting=week,
            due=nothing_due not in _YES,
            delivered_minutes=delivered,
            missed_minutes=missed,
            missed_reason=reason,
            note=cells.get("note", ""),
        )
        for column, message in week_problems(commitment, entry, today=today).items():
            bad(column if column in COLUMNS else "commitment", message)
        key = (commitment.pk, week)
        if key in seen:
            bad("week_starting", f"the same provision and week are on line {seen[key]}")
        seen.setdefault(key, number)
        if len(result.problems) == before:
            result.weeks.append((commitment.pk, entry))
    if result.problems:
        result.weeks = []
    return result
