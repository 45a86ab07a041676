"""``sendplan audit-accesses --learner ID --from DATE --to DATE [--out FILE.csv]``.

Who accessed one learner's record between two dates (both included), newest first, as the
same CSV the "Who has looked at this record" page downloads: for an investigator who
cannot use the web, or for a breach report. Prints nothing about the learner but rows of
the log; a summary line goes to standard error only when ``--out`` is given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sendplan.learners.audit_queries import access_table, accesses_for_command_line
from sendplan.learners.models import Learner
from sendplan.web.spreadsheets import to_csv

HELP = """\
Print, as CSV, every audit event about one learner's record from --from to --to (dates as
YYYY-MM-DD, both days included): when, who, their role and organisation at the time, what
they did and the detail (counts only). Archived records are included. Exit status 1 for an
unknown learner, 2 for a date that is not a real YYYY-MM-DD date or a --to before --from."""


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD", returncode=2) from None


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", required=True, help="the learner's record number")
        # Parsed in handle(), not by argparse, so a bad date exits 2 however it is called.
        parser.add_argument("--from", dest="since", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="until", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--out", type=Path, help="write the CSV here instead of printing it")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _date(options["since"], "--from")
        until = _date(options["until"], "--to")
        if until < since:
            raise CommandError("--to must be the same as or after --from", returncode=2)
        pk = str(options["learner"])
        learner = Learner.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if learner is None:
            # Not repeated back, like enrol-link: the message is the same for every id.
            raise CommandError("There is no learner with that record number.", returncode=1)
        accesses = list(accesses_for_command_line(learner=learner, since=since, until=until))
        content = to_csv(access_table(accesses))
        out: Path | None = options["out"]
        if out is None:
            # No byte-order mark on a terminal or a pipe; the file keeps it for Excel.
            self.stdout.write(content.decode("utf-8").removeprefix("\ufeff"), ending="")
            return
        out.write_bytes(content)
        self.stderr.write(f"Wrote {len(accesses)} accesses to {out}")
