"""``sendplan demo``: build the Lambeth demo partnership and print its sign-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.core.dates import govuk_date
from sendplan.demo.build import DEFAULT_SEED, PARTNERSHIP_NAME, build_demo, reset_demo
from sendplan.demo.calibration import LA_CODE
from sendplan.demo.learners_data import CENSUS_DATE


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-at: {value!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Build the Lambeth demo partnership: real places, about 3,300 synthetic learners "
        "matching Lambeth's January 2025 caseload, and one demo sign-in per role. Replaces "
        "any earlier demo. Refused in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--as-at",
            type=_date,
            default=None,
            help="date the cohort describes; ages match the published ones in the academic "
            "year containing it (default today, so the demo always looks current; "
            f"{CENSUS_DATE.isoformat()} reproduces the census itself)",
        )
        parser.add_argument(
            "--no-reset",
            dest="reset",
            action="store_false",
            help="refuse to run if a demo is already there, instead of replacing it",
        )
        parser.add_argument(
            "--delete", action="store_true", help="only delete the demo partnership"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo partnership is never built in production.")
        as_at: dt.date = options["as_at"] or timezone.localdate()
        if as_at > timezone.localdate():
            raise CommandError("--as-at cannot be in the future: placements would not be open")
        if options["delete"]:
            removed = reset_demo()
            self.stdout.write(
                f"Deleted the demo partnership ({removed.get('learners', 0)} learners)."
            )
            return
        if not options["reset"] and User.objects.filter(username__startswith="demo.").exists():
            raise CommandError("A demo partnership is already built; run without --no-reset.")
        summary = build_demo(seed=options["seed"], as_at=as_at)
        counts = summary.counts
        self.stdout.write(
            f"Built the Lambeth demo partnership (seed {summary.seed}, as at "
            f"{govuk_date(summary.as_at)}) in {summary.seconds:.1f} s: {counts['learners']:,} "
            f"synthetic learners ({counts['learners with a plan']:,} with an issued EHC plan, "
            f"the others with a request under way, withdrawn or refused), {counts['settings']} "
            f"settings, {counts['placements']:,} "
            f"placements, {counts['involvements']:,} involvements, {counts['users']} users."
        )
        # A quirk of the published figures (a few adults in mainstream schools), worth
        # knowing only to whoever studies how the demo was drawn.
        if summary.out_of_age_range and options["verbosity"] > 1:
            self.stdout.write(
                f"{summary.out_of_age_range} learners are older than any setting of their "
                "published type admits (adults in mainstream schools) and were placed at the "
                "nearest age range."
            )
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (every one uses the password: {summary.password})")
        width_role = max(len(s.role) for s in summary.sign_ins)
        width_user = max(len(s.username) for s in summary.sign_ins)
        # With the second factor on, each staff sign-in's authenticator key goes in the table.
        width_key = max(len(s.authenticator_key) for s in summary.sign_ins)
        key_heading = f"  {'Authenticator key':<{width_key}}" if width_key else ""
        self.stdout.write(
            f"  {'Role':<{width_role}}  {'Username':<{width_user}}{key_heading}  Sees"
        )
        for sign_in in summary.sign_ins:
            key = f"  {sign_in.authenticator_key or '(none)':<{width_key}}" if width_key else ""
            self.stdout.write(
                f"  {sign_in.role:<{width_role}}  {sign_in.username:<{width_user}}{key}"
                f"  {sign_in.sees}"
            )
        if width_key:
            self.stdout.write(
                "Each staff sign-in asks for a code: add its key to an authenticator app "
                "(time-based, 6 digits). Other demo staff need a set-up link: "
                "`sendplan enrol-link USERNAME`."
            )
        self.stdout.write("")
        self.stdout.write(
            "People are synthetic. Settings marked 'estimate' or 'illustrative' are labelled "
            "as such in the register."
        )
        # The product has no default area or name; the demo's are set where it is served.
        self.stdout.write(
            f"Serve it as the demo with SENDPLAN_LA_CODE={LA_CODE} "
            f'SENDPLAN_PARTNERSHIP_NAME="{PARTNERSHIP_NAME}" SENDPLAN_DEMO=true '
            "(make demo and make serve set them)."
        )
