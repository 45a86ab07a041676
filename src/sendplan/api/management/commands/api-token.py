"""``sendplan api-token create|revoke|list``: tokens that let other systems use the API."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.api.models import ApiToken
from sendplan.api.selectors import api_tokens
from sendplan.api.services import (
    DEFAULT_EXPIRY_DAYS,
    MAX_EXPIRY_DAYS,
    api_token_create,
    api_token_revoke,
)

CREATE_HELP = f"""\
Make a token with which another system calls the API as USERNAME, seeing exactly what that
user sees. The token is printed once, on the last line; only its SHA-256 digest is kept, so
a lost token cannot be shown again: revoke it and make another. It works for
--expires-days days (default {DEFAULT_EXPIRY_DAYS}, at most {MAX_EXPIRY_DAYS}).
Send it as `Authorization: Bearer TOKEN`. Exit status 1 if there is no such active user."""

REVOKE_HELP = """\
Stop a token working, from now on. TOKEN_ID is the id `create` and `list` show (the 12
characters after `sendplan_` in the token). Exit status 1 if there is no such token."""

LIST_HELP = """\
List tokens (every user's, or USERNAME's): id, user, name, when made, when it expires, when
it was last used, and whether it is active, expired or revoked. Secrets are never shown."""


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EXPIRY_DAYS} days")
    return days


def _when(value: Any) -> str:
    if value is None:
        return "-"
    return str(timezone.localtime(value).strftime("%Y-%m-%d %H:%M"))


class Command(BaseCommand):
    help = "Tokens for the API: `api-token create USERNAME`, `revoke TOKEN_ID`, `list`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create",
            help="make a token for a user (printed once)",
            description=CREATE_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        create.add_argument("username", metavar="USERNAME")
        create.add_argument(
            "--name", default="", metavar="LABEL", help="what the token is for (max 100)"
        )
        create.add_argument("--expires-days", type=_days, default=DEFAULT_EXPIRY_DAYS, metavar="N")
        revoke = actions.add_parser(
            "revoke",
            help="stop a token working",
            description=REVOKE_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        revoke.add_argument("token_id", metavar="TOKEN_ID")
        listing = actions.add_parser(
            "list",
            help="list tokens, never their secrets",
            description=LIST_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        listing.add_argument("username", nargs="?", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "revoke":
            self._revoke(options["token_id"])
        else:
            self._list(options["username"])

    def _create(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("There is no active user with that username.")
        if len(options["name"]) > 100:
            raise CommandError("--name must be at most 100 characters.")
        issued = api_token_create(
            user=user, name=options["name"], expires_days=options["expires_days"]
        )
        token = issued.token
        self.stdout.write(
            f"Token {token.public_id} for {user.username}, expires {_when(token.expires_at)}."
        )
        self.stdout.write("It is shown only now; only its hash is kept:")
        self.stdout.write(issued.secret)

    def _revoke(self, token_id: str) -> None:
        try:
            token = api_token_revoke(public_id=token_id)
        except ApiToken.DoesNotExist:
            raise CommandError("There is no token with that id.") from None
        self.stdout.write(f"Token {token.public_id} revoked at {_when(token.revoked_at)}.")

    def _list(self, username: str | None) -> None:
        if username is not None and not User.objects.filter(username=username).exists():
            raise CommandError("There is no user with that username.")
        now = timezone.now()
        header = ("id", "user", "name", "created", "expires", "last used", "state")
        rows = [
            (
                t.public_id,
                t.user.username,
                t.name or "-",
                _when(t.created_at),
                _when(t.expires_at),
                _when(t.last_used_at),
                t.state_on(now),
            )
            for t in api_tokens(username=username)
        ]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
