"""``sendplan enrol-link USERNAME [--reset]``: a one-time link to set up an authenticator app.

Prints the link and when it stops working, and nothing else about the person. Any unused
link made earlier for the same user stops working. A user who already has an app gets a
link only with ``--reset``, which removes that app and its recovery codes first (the same
as "Reset authenticator app" in the admin).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sendplan.accounts import second_factor, services
from sendplan.accounts.models import User

HELP = """\
Make a one-time link that lets USERNAME set up an authenticator app (ADR 0109), built on
SENDPLAN_SERVICE_URL. It works once, for SENDPLAN_ENROLMENT_LINK_HOURS hours (default 72),
and only after the user signs in with their password. Send it to the user yourself.
Exit status 1 if there is no such active user, if the user does not use a second factor,
or if they already have an app and --reset was not given."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the username of the person to set up")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first remove the user's authenticator app and recovery codes (a lost phone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            # Not repeated back: the message is the same for every username.
            raise CommandError("There is no active user with that username.")
        if not second_factor.role_needs_second_factor(user):
            raise CommandError(
                "That user signs in with a password only (parents and young people do not "
                "use an authenticator app), so no set-up link was made."
            )
        if options["reset"]:
            issued = services.second_factor_reset(user=user, reset_by=None)
            self.stdout.write("Removed the user's authenticator app and recovery codes.")
        elif second_factor.confirmed_device(user) is not None:
            raise CommandError(
                "That user already has an authenticator app, so a set-up link would not work. "
                "To replace a lost app, run this again with --reset."
            )
        else:
            issued = services.enrolment_link_issue(user=user)
        self.stdout.write(f"Set-up link (works once, until {issued.expires}):")
        self.stdout.write(issued.url)
