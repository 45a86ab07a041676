"""The ``sendplan`` console script.

Planning commands that need no database (``place``, ``forecast``, ``statutory``) run
without starting Django, so they start fast and can be scripted on any machine. Every
other command is a Django management command (``migrate``, ``demo``, ``provision``,
``runserver`` ...).
"""

from __future__ import annotations

import importlib
import os
import sys

# name -> module with ``main(argv: list[str]) -> int``; these never import Django.
ENGINE_COMMANDS = {
    "place": "sendplan.cli.place",
    "forecast": "sendplan.cli.forecast",
    "statutory": "sendplan.cli.statutory",
}

_HELP = """usage: sendplan COMMAND [options]

Planning commands (no database needed):
  place        optimise placements for an area (LEARNERS.csv + SETTINGS.csv)
  forecast     forecast EHC plan caseloads from DfE releases
  statutory    the legal clock: `sendplan statutory timeline --help`

Application commands:
  migrate      prepare or upgrade the database (DATABASE_URL, default SQLite)
  demo         build the demo partnership (synthetic learners, real places)
  provision    `provision import-gias FILE` / `provision export --out FILE`
  sufficiency-run  compute (or queue) a demand, places and spend run
  planning-run     compute a queued placement-planning run
  api-token    tokens for other systems: `api-token create USERNAME`, `revoke ID`, `list`
  db_worker    run the queue of background work (runs, emails): `make demo` starts one
  runserver    serve the application for development

`sendplan help` lists every application command; `sendplan COMMAND --help` explains one.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_HELP)
        return 0 if args else 2
    command = args[0]
    if command in ENGINE_COMMANDS:
        module = importlib.import_module(ENGINE_COMMANDS[command])
        return int(module.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sendplan", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
