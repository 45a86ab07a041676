"""``sendplan subject-access --learner ID --out BUNDLE.zip --requested-by USERNAME``.

Writes everything held about one learner to a zip (``sendplan.privacy.subject_access``)
and records the export as an audit event. Prints counts only, never names.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sendplan.accounts.models import User
from sendplan.privacy.subject_access import SubjectAccessError, sar_export

HELP = """\
Answer a subject access request: write every record SENDplan keeps about one learner
(their record, cases, plans and every version, reviews, proposals, the history of changes
and the audit of who read or exported it) to a zip of JSON files with a README. The reply
is due one calendar month after the request arrived. The person asking for the export must
be an LA caseworker, manager or administrator of the learner's local authority.

Exit status: 0 written, 1 refused or no such learner, 2 usage error or no such folder."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}", returncode=2) from None


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", type=int, required=True, metavar="ID")
        parser.add_argument("--out", type=Path, required=True, metavar="BUNDLE.zip")
        parser.add_argument(
            "--requested-by", metavar="USERNAME", help="the LA user making the export (audited)"
        )
        parser.add_argument(
            "--received-on",
            type=_date,
            metavar="YYYY-MM-DD",
            help="the day the request arrived (default today): starts the one-month clock",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["requested_by"]
        if not username:
            raise CommandError("give --requested-by USERNAME: every export is audited to a user")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user called {username!r}")
        try:
            done = sar_export(
                learner_id=options["learner"],
                out=options["out"],
                requested_by=user,
                received_on=options["received_on"],
            )
        except SubjectAccessError as error:
            raise CommandError(str(error), returncode=error.exit_code) from None
        self.stdout.write(
            f"Wrote {done.files} files ({done.rows:,} rows) for learner {options['learner']} "
            f"to {done.path}. Reply due by {done.reply_by.isoformat()}."
        )
        for name, count in done.counts.items():
            if count:
                self.stdout.write(f"  {name}: {count:,}")
