"""``sendplan sen2 validate``: check a SEN2 return without a database (CONTRACTS.md).

Every problem goes to stderr as ``FILE: Person N (UPN or name): ELEMENT/PATH: rule ID: what
is wrong`` (rules that are ours, not DfE's, say so); the exit status is 1 when any is an
error, 0 otherwise (warnings never change it), 2 for a usage error. A file that is not XML
at all is one ``FILE:LINE: column: what is wrong`` line. ``--report`` writes the same
problems as a CSV file, whole or not at all.

``export`` and ``import`` need the database and run as the Django command of the same name.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from sendplan.cli.input_files import InputFileError, read_bytes
from sendplan.engine import (
    Sen2Problem,
    Sen2ReadError,
    Sen2Return,
    safe_row,
    sen2_check,
)
from sendplan.files import write_atomically

REPORT_COLUMNS = ("person", "who", "path", "rule", "origin", "severity", "message")

VALIDATE_HELP = """\
Check a SEN2 person-level return: its structure (element names, order and how many) and its
content (code lists, conditional items, dates in the period, ages, UPN check letter, ULN
check digit, one primary need ...). One line per problem on stderr:
FILE: Person N (UPN or name): ELEMENT/PATH: rule ID: what is wrong.

Exit status: 0 no errors (warnings allowed), 1 errors or not a readable XML file, 2 usage."""


def validate_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The arguments of ``validate``, for this module and the Django command alike."""
    parser.add_argument("file", metavar="FILE.xml")
    parser.add_argument("--report", metavar="REPORT.csv", help="also write the problems as CSV")
    return parser


def load(path: str) -> tuple[Sen2Return, list[Sen2Problem]]:
    """The return in ``path`` and its problems; :class:`InputFileError` when it is not XML."""
    data = read_bytes(path)
    try:
        return sen2_check(data)
    except Sen2ReadError as error:
        raise InputFileError(path, error.line, error.column, error.message) from None


def write_report(path: str | Path, problems: list[Sen2Problem]) -> None:
    """The problems as CSV, text cells kept as text in a spreadsheet."""
    with write_atomically(path, private=True) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        for p in problems:
            row = [p.who, p.path, p.rule, p.origin, p.severity, p.message]
            writer.writerow(["" if p.person is None else p.person, *safe_row(row)])


def run_validate(file: str, report: str | None) -> int:
    """Validate ``file``; print the problems; return the exit status."""
    try:
        document, problems = load(file)
    except InputFileError as error:
        print(str(error), file=sys.stderr)
        return 1
    for p in problems:
        print(p.line(file), file=sys.stderr)
    if report:
        write_report(report, problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    persons = len(document.persons)
    print(f"{file}: {persons} persons, {errors} errors, {warnings} warnings")
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    """``sendplan sen2 validate FILE.xml [--report REPORT.csv]``."""
    parser = argparse.ArgumentParser(prog="sendplan sen2 validate", description=VALIDATE_HELP)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    validate_parser(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    return run_validate(args.file, args.report)


__all__ = ["load", "main", "run_validate", "validate_parser", "write_report"]
