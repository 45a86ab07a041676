"""``sendplan sufficiency-run``: forecast plans, places and spend for an LA, here and now.

The queue's workers compute the runs the pages ask for (ADR 0114); this does the same work in
the foreground (``make demo`` runs it before serving), under the same rules. Safe to run
twice: a second copy finds the LA's run already running (the database allows one at a time)
or its inputs unchanged since the last run, and does nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sendplan.core.tasks import run_work
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.runs import (
    DEFAULT_HORIZON,
    DEFAULT_SIMULATIONS,
    build_inputs,
    fingerprint,
    forecast_run_request,
)

HELP = """\
Forecast EHC plans for the LA from the DfE release files and the ONS projection, set them
against the register's specialist places (the gap by need, phase and year), and project
high-needs spend by placement type for the baseline and every scenario. Each run records
its inputs (files with sha256, seed, simulations, horizon, assumptions, register, code
version) beside its outputs. With --run ID, computes that queued run (one "Run now" on the
sufficiency page asked for); otherwise computes any queued run for the LA, or a new one when
the inputs changed since the last finished run (--force: even when they did not). The LA is
--la, or SENDPLAN_LA_CODE when --la is not given.

Exit status: 0 done or nothing to do, 1 the run failed, 2 usage error."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--la", metavar="CODE", help="the LA's ONS code (default: SENDPLAN_LA_CODE)"
        )
        parser.add_argument("--run", type=int, metavar="ID", help="compute this queued run")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument(
            "--simulations", type=int, default=DEFAULT_SIMULATIONS, help="default 1000"
        )
        parser.add_argument("--horizon", type=int, default=DEFAULT_HORIZON, help="default 10")
        parser.add_argument("--force", action="store_true", help="run even if nothing changed")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 10 <= options["simulations"] <= 100_000:
            raise CommandError("--simulations must be between 10 and 100000", returncode=2)
        if not 1 <= options["horizon"] <= 25:
            raise CommandError("--horizon must be between 1 and 25", returncode=2)
        if options["run"] is not None:
            run = ForecastRun.objects.filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(f"no forecast run {options['run']}")
        else:
            run = self._next_run(options)
            if run is None:
                return
        if not run_work(run=run):
            self.stdout.write(f"run {run.pk} is not waiting, or another run is in progress")
            return
        if run.status == ForecastRun.Status.QUEUED:
            self.stdout.write(f"run {run.pk} is back in the queue: {run.progress}")
            return
        if run.status != ForecastRun.Status.SUCCEEDED:
            raise CommandError(f"run {run.pk} failed: {run.message}")
        self.stdout.write(f"run {run.pk} finished: {run.message}")

    def _next_run(self, options: dict[str, Any]) -> ForecastRun | None:
        la = options["la"] or settings.SENDPLAN_LA_CODE
        if not la:
            raise CommandError(
                "no area to forecast: give --la CODE (the council's ONS code, such as "
                "E09000022) or set SENDPLAN_LA_CODE",
                returncode=2,
            )
        queued = ForecastRun.objects.filter(la_code=la, status=ForecastRun.Status.QUEUED).last()
        if queued is not None:
            return queued
        if ForecastRun.objects.filter(la_code=la, status=ForecastRun.Status.RUNNING).exists():
            self.stdout.write(f"a run for {la} is already in progress")
            return None
        inputs = build_inputs(
            la_code=la,
            seed=options["seed"],
            simulations=options["simulations"],
            horizon=options["horizon"],
        )
        last = (
            ForecastRun.objects.filter(la_code=la, status=ForecastRun.Status.SUCCEEDED)
            .order_by("-finished_at", "-pk")
            .first()
        )
        if not options["force"] and last is not None and last.fingerprint == fingerprint(inputs):
            self.stdout.write(f"up to date: run {last.pk} used the same inputs")
            return None
        return forecast_run_request(
            la_code=la,
            requested_by=None,
            seed=options["seed"],
            simulations=options["simulations"],
            horizon=options["horizon"],
        )
