"""``sendplan provision``: fill the register from GIAS and export it for ``sendplan place``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sendplan.cli.input_files import encoding_name
from sendplan.engine import safe_row
from sendplan.provision.export import (
    MAINSTREAM_COST_DEFAULT,
    export_rows,
    register_settings,
    write_settings_csv,
)
from sendplan.provision.gias import Problem, read_gias
from sendplan.provision.services import settings_import_gias

IMPORT_HELP = """\
Read a GIAS edubasealldata file (UTF-8 or Windows-1252) and upsert its open establishments
into the register by URN; running it twice changes nothing. Special schools, SEN units and
resourced provision become provision strands with the needs in SEN1..SEN13 and the
capacities GIAS gives. A file with any invalid row is refused whole: every problem is listed
on stderr as FILE:LINE: column: what is wrong, and nothing is written.

Exit status: 0 imported, 1 invalid file, 2 usage error."""

EXPORT_HELP = """\
Write the register as SETTINGS.csv for `sendplan place`: one row per provision strand of an
open setting (setting_id <URN>-<strand id>), vacancies as places; with --include-mainstream,
one row with needs ALL for each mainstream school without a mainstream strand. Settings
without coordinates are
skipped with a warning on stderr. The file is written whole or not at all."""


def _existing_file(value: str) -> Path:
    # A folder or an unreadable file is invalid input, reported by the reader (exit 1).
    path = Path(value)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{value}: no such file")
    return path


#: SETTINGS.csv's text columns; the others are numbers, written as numbers.
TEXT_COLUMNS = ("setting_id", "name", "needs", "kind")


def spreadsheet_safe(row: dict[str, str | int]) -> dict[str, str | int]:
    """A SETTINGS.csv row whose text cells stay text in a spreadsheet (``safe_cell``)."""
    return {
        column: safe_row([str(value)])[0] if column in TEXT_COLUMNS else value
        for column, value in row.items()
    }


def _la_codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


class Command(BaseCommand):
    help = "The register of places: `provision import-gias FILE` and `provision export --out FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        gias = actions.add_parser(
            "import-gias",
            help="import a GIAS edubasealldata file",
            description=IMPORT_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        gias.add_argument("file", type=_existing_file, metavar="EDUBASEALLDATA.csv")
        gias.add_argument(
            "--la",
            nargs="+",
            action="extend",
            type=_la_codes,
            default=[],
            metavar="CODE",
            help="keep only these local authorities (old three-digit code such as 208, name "
            "or GSS code; several after one --la, repeated, or comma-separated); their "
            "settings are marked in the area, others out of it",
        )
        gias.add_argument(
            "--urn",
            nargs="+",
            action="extend",
            type=int,
            default=[],
            metavar="URN",
            help="also keep these establishments wherever they are (out-of-area schools "
            "the area uses); URNs already on the register are always kept up to date",
        )
        gias.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="draw a progress bar (default: on a terminal, for large files)",
        )
        export = actions.add_parser(
            "export",
            help="write the register as SETTINGS.csv",
            description=EXPORT_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        export.add_argument("--out", required=True, type=Path, metavar="SETTINGS.csv")
        export.add_argument(
            "--include-mainstream",
            dest="mainstream",
            action="store_true",
            help=(
                "add a needs-ALL row for each mainstream school without a mainstream strand, "
                "its school vacancies as places, at --mainstream-cost a place"
            ),
        )
        export.add_argument(
            "--no-mainstream",
            dest="mainstream",
            action="store_false",
            help="leave those rows out (the default)",
        )
        export.add_argument(
            "--mainstream-cost",
            type=int,
            default=MAINSTREAM_COST_DEFAULT,
            metavar="POUNDS",
            help="annual cost to the area of a mainstream place (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import-gias":
            self._import(options)
        else:
            self._export(options)

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        started = time.perf_counter()
        gias = read_gias(path, progress=options["progress"])
        if gias.problems:
            self._refuse(str(path), gias.problems)
        la_codes = [code for group in options["la"] for code in group]
        report = settings_import_gias(
            rows=gias.establishments, la_codes=la_codes, urns=options["urn"]
        )
        for code in report.unmatched_la:
            self.stderr.write(f"warning: --la {code} matches no open establishment in {path}")
        encoding = encoding_name(gias.encoding)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{path} ({encoding}, {len(gias.establishments)} establishments): "
            f"{report.summary()} in {seconds:.1f} s"
        )

    def _export(self, options: dict[str, Any]) -> None:
        out: Path = options["out"]
        if not out.resolve().parent.is_dir():
            self.stderr.write(f"sendplan provision export: error: {out.parent} is not a folder")
            raise SystemExit(2)
        result = export_rows(
            register_settings(),
            mainstream=options["mainstream"],
            mainstream_cost=options["mainstream_cost"],
        )
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        # Names come from GIAS and the register: none may open as a spreadsheet formula.
        write_settings_csv(out, [spreadsheet_safe(row) for row in result.rows])
        self.stdout.write(f"{out}: {len(result.rows)} rows")

    def _refuse(self, filename: str, problems: list[Problem]) -> None:
        for problem in problems:
            self.stderr.write(problem.render(filename))
        raise SystemExit(1)
