"""The ``sendplan`` console script.

Planning commands that need no database (``place``, ``site``, ``forecast``, ``statutory``) run
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
    "site": "sendplan.cli.site",
    "forecast": "sendplan.cli.forecast",
    "statutory": "sendplan.cli.statutory",
}
# (command, action) -> module, for actions of a database command that need no database.
ENGINE_ACTIONS = {("sen2", "validate"): "sendplan.cli.sen2"}

_HELP = """usage: sendplan COMMAND [options]

Planning commands (no database needed):
  place        optimise placements for an area (LEARNERS.csv + SETTINGS.csv)
  site         where to add places: blocks at candidate sites within a capital budget
  forecast     forecast EHC plan caseloads from DfE releases
  statutory    the legal clock: `sendplan statutory timeline --help`
  sen2 validate  check a SEN2 return (XML)

Application commands:
  migrate      prepare or upgrade the database (DATABASE_URL, default SQLite)
  demo         build the demo partnership (synthetic learners, real places)
  provision    `provision import-gias FILE` / `provision export --out FILE`
  sen2         `sen2 export --census-date DATE --out FILE.xml` / `sen2 import FILE.xml`
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
    if tuple(args[:2]) in ENGINE_ACTIONS:
        module = importlib.import_module(ENGINE_ACTIONS[(args[0], args[1])])
        return int(module.main(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sendplan", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
