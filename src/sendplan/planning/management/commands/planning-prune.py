"""``sendplan planning-prune [--dry-run]``: delete planning runs' stored inputs past retention.

Safe to run twice, and from cron: a second run finds nothing older to delete.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sendplan.planning.retention import planning_inputs_prune

HELP = """\
Delete the learners and places that planning runs stored for what-ifs, for runs asked for
more than SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS days ago (default 365). The runs, their
figures and their proposals are kept; a what-if on such a run re-solves its cohort with
today's learners and register, and says so. Prints counts only."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted; delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pruned = planning_inputs_prune(dry_run=options["dry_run"])
        runs = f"{pruned.runs:,} planning run{'' if pruned.runs == 1 else 's'}"
        rows = f"{pruned.learners:,} learner row{'' if pruned.learners == 1 else 's'}"
        older = f"older than {pruned.days:,} days"
        if pruned.dry_run:
            self.stdout.write(
                f"Would delete the stored inputs of {runs} {older} ({rows}). "
                "Nothing deleted (--dry-run)."
            )
        else:
            self.stdout.write(
                f"Deleted the stored inputs of {runs} {older} ({rows}). "
                "The runs and their proposals are kept."
            )
