"""``sendplan sen2``: the SEN2 return from the record, checked, and loaded into it (CONTRACTS.md)."""

from __future__ import annotations

import argparse
import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sendplan.casework.sen2.export import TraceRow, build_return
from sendplan.casework.sen2.importer import import_return
from sendplan.casework.sen2.selectors import lea_for_return
from sendplan.cli import sen2 as sen2_cli
from sendplan.cli.input_files import InputFileError
from sendplan.engine import safe_row, sen2_check, sen2_write
from sendplan.files import atomic_files

EXPORT_HELP = """\
Write the SEN2 person-level return for the census date from the record: the requests and
assessments of the calendar year before it, plans active at it or ceased since the year
began, placements, reviews and needs. Everything dated after the census is left out. The
file is written whole or not at all, then checked: its problems are listed on stderr as
`sendplan sen2 validate` lists them. --trace writes, for every item, the record (model, id
and field) it came from, or the default used where the record holds nothing.

Exit status: 0 written (even with problems: fix them in the record and export again),
2 usage error."""

IMPORT_HELP = """\
Load a SEN2 return into the record: learners, requests, assessments, plans, placements,
reviews and needs are created or updated, found by UPN (else ULN, else name and date of
birth) and by their dates, so loading the same file twice changes nothing. A return with
any error is refused whole, with the problems on stderr; otherwise it is loaded in one
transaction. --dry-run lists what would change and writes nothing.

Exit status: 0 loaded (or dry run), 1 invalid file, 2 usage error."""

TRACE_COLUMNS = ("person", "path", "value", "source")


def _census(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date ({error})") from None


def _lea(text: str) -> str:
    if not re.fullmatch(r"\d{3}", text):
        raise argparse.ArgumentTypeError(
            f"expected a three-digit LA number such as 208, got {text!r}"
        )
    return text


def default_lea() -> str | None:
    """The three-digit LA number most of the area's own settings carry, if any."""
    return lea_for_return()


def write_trace(out: Any, rows: list[TraceRow]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRACE_COLUMNS)
    for row in rows:
        writer.writerow([row.person, *safe_row([row.path, row.value, row.source])])


class Command(BaseCommand):
    help = "The SEN2 return: `sen2 export`, `sen2 validate FILE.xml`, `sen2 import FILE.xml`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        raw = argparse.RawDescriptionHelpFormatter
        export = actions.add_parser(
            "export",
            help="write the return from the record",
            description=EXPORT_HELP,
            formatter_class=raw,
        )
        export.add_argument("--census-date", required=True, type=_census, metavar="YYYY-MM-DD")
        export.add_argument("--out", required=True, type=Path, metavar="FILE.xml")
        export.add_argument(
            "--la",
            type=_lea,
            metavar="CODE",
            help="three-digit LA number for the header (default: the one the area's settings carry)",
        )
        export.add_argument(
            "--trace", type=Path, metavar="TRACE.csv", help="where each item came from"
        )
        validate = actions.add_parser(
            "validate",
            help="check a return",
            description=sen2_cli.VALIDATE_HELP,
            formatter_class=raw,
        )
        sen2_cli.validate_parser(validate)
        load = actions.add_parser(
            "import",
            help="load a return into the record",
            description=IMPORT_HELP,
            formatter_class=raw,
        )
        load.add_argument("file", metavar="FILE.xml")
        load.add_argument("--dry-run", action="store_true", help="report the changes, write nothing")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "validate":
            status = sen2_cli.run_validate(options["file"], options["report"])
            if status:
                raise SystemExit(status)
        elif action == "export":
            self._export(options)
        else:
            self._import(options)

    def _usage(self, message: str) -> None:
        self.stderr.write(f"sendplan sen2: error: {message}")
        raise SystemExit(2)

    def _export(self, options: dict[str, Any]) -> None:
        out: Path = options["out"]
        trace_path: Path | None = options["trace"]
        for path in filter(None, (out, trace_path)):
            if not path.resolve().parent.is_dir():
                self._usage(f"{path.parent} is not a folder")
        lea = options["la"] or default_lea()
        if lea is None:
            self._usage("give --la CODE: no setting in the area carries a three-digit LA number")
        assert lea is not None
        document, trace = build_return(options["census_date"], lea)
        data = sen2_write(document)
        with atomic_files(private=True) as files:
            with files.open(out, binary=True) as handle:
                handle.write(data)
            if trace_path is not None:
                with files.open(trace_path) as handle:
                    write_trace(handle, trace)
        _, problems = sen2_check(data)
        for problem in problems:
            self.stderr.write(problem.line(str(out)))
        errors = sum(p.severity == "error" for p in problems)
        self.stdout.write(
            f"{out}: {len(document.persons)} persons, {errors} errors, "
            f"{len(problems) - errors} warnings"
        )

    def _import(self, options: dict[str, Any]) -> None:
        file: str = options["file"]
        try:
            document, problems = sen2_cli.load(file)
        except InputFileError as error:
            self.stderr.write(str(error))
            raise SystemExit(1) from None
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            for problem in errors:
                self.stderr.write(problem.line(file))
            self.stderr.write(f"{file}: {len(errors)} errors: nothing imported")
            raise SystemExit(1)
        report = import_return(document, dry_run=options["dry_run"])
        for line in report.lines:
            self.stdout.write(line)
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(f"{file}: {len(document.persons)} persons; {verb}: {report.summary()}")
