"""``sendplan planning-run RUN_ID``: compute a queued planning run here and now.

The queue's workers compute runs the pages ask for (ADR 0114); this does the same work in
the foreground, under the same rules: one run per LA at a time, and the LA's next waiting
run handed to the queue after it. Safe to run twice: the first copy claims the run; a
second copy, or one started after the run finished, finds nothing to claim and stops.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sendplan.core.tasks import run_work
from sendplan.planning.models import PlanningRun

HELP = """\
Optimise the placements of a planning run's cohort (the run the planning page queued) and
store its proposals and summary. With --queued instead of RUN_ID, compute every queued run,
oldest first (for a cron job where no worker runs). A run whose LA has another run working
waits for it. Proposals are proposals: nothing here changes a learner's placement.

Exit status: 0 done or nothing to do, 1 the run failed or does not exist, 2 usage error."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run_id", nargs="?", type=int, metavar="RUN_ID")
        parser.add_argument("--queued", action="store_true", help="compute every queued run")

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["run_id"] is None) == (not options["queued"]):
            raise CommandError("give RUN_ID or --queued (not both)", returncode=2)
        if options["queued"]:
            runs = list(PlanningRun.objects.filter(status=PlanningRun.Status.QUEUED).order_by("pk"))
        else:
            run = PlanningRun.objects.filter(pk=options["run_id"]).first()
            if run is None:
                raise CommandError(f"no planning run {options['run_id']}")
            runs = [run]
        failed = []
        for run in runs:
            if not run_work(run=run):
                self.stdout.write(
                    f"run {run.pk} is {run.get_status_display().lower()}: nothing to do"
                    if run.status != PlanningRun.Status.QUEUED
                    else f"run {run.pk} waits: another run for its LA is running"
                )
                continue
            if run.status == PlanningRun.Status.FAILED:
                failed.append(f"run {run.pk} failed: {run.message}")
            elif run.status == PlanningRun.Status.QUEUED:
                self.stdout.write(f"run {run.pk} is back in the queue: {run.progress_text}")
            else:
                self.stdout.write(f"run {run.pk} finished: {run.message}")
        if failed:
            raise CommandError("; ".join(failed))
