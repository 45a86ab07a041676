"""``sendplan statutory``: the legal clock on the command line (no Django).

``timeline`` prints the deadlines that the given events start (CONTRACTS.md);
``rules`` prints the rules table (T1–T27) as JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict
from datetime import date

from sendplan.engine import EXCEPTIONS, RULES, order_problems, timeline

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date ({error})") from None


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a four-digit calendar year, got {text!r}")
    return int(text)


def _parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    parser = argparse.ArgumentParser(
        prog="sendplan statutory",
        description="The legal clock of the EHC process (SEND Regulations 2014).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    tl = commands.add_parser(
        "timeline",
        help="deadlines started by the given events, as JSON",
        description=(
            "Print, as JSON, each deadline that the given events start: "
            '{"KEY": {"due": "YYYY-MM-DD", "basis": "..."}}. "Within N weeks" is due on '
            "D + 7N days, N days on D + N, 12 months on the same day a year later "
            "(29 February -> 28 February); an event on or before its due date is on time. "
            "amended_plan is 8 weeks from the proposals, or 12 weeks from --review-meeting "
            "when the proposals follow that meeting and that is earlier (Devon [2022])."
        ),
    )
    tl.add_argument("--request-received", type=_date, required=True, metavar="DATE")
    events = (
        ("--advice-requested", "the body's receipt of a request for advice"),
        ("--draft-issued", "the draft plan was served"),
        ("--plan-issued", "the final plan was issued (starts the first annual review)"),
        ("--review-meeting", "the review meeting was held"),
        ("--amendment-proposed", "proposed amendments were sent"),
    )
    for flag, text in events:
        tl.add_argument(flag, type=_date, metavar="DATE", help=text)
    tl.add_argument(
        "--transfer",
        choices=("school", "post16"),
        help="phase transfer: school (15 February) or secondary to post-16 (31 March)",
    )
    tl.add_argument(
        "--transfer-year", type=_year, metavar="YEAR", help="calendar year of the transfer"
    )
    commands.add_parser("rules", help="the rules table (T1-T27) and lawful exceptions, as JSON")
    return parser, tl


def main(argv: list[str]) -> int:
    """Run ``sendplan statutory``; return the exit code (0 ok, 2 usage error)."""
    parser, timeline_parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "timeline" and (args.transfer is None) != (args.transfer_year is None):
            timeline_parser.error("--transfer and --transfer-year must be given together")
    except SystemExit as stop:  # argparse reports usage errors by exiting
        return stop.code if isinstance(stop.code, int) else 2
    if args.command == "rules":
        table = {
            "rules": {key: asdict(r) for key, r in RULES.items()},
            "exceptions": {key: asdict(x) for key, x in EXCEPTIONS.items()},
        }
        print(json.dumps(table, indent=2, sort_keys=True, default=str, ensure_ascii=False))
        return 0
    events = {
        "request_received": args.request_received,
        "advice_requested": args.advice_requested,
        "draft_issued": args.draft_issued,
        "plan_issued": args.plan_issued,
        "review_meeting": args.review_meeting,
        "amendment_proposed": args.amendment_proposed,
    }
    # The timeline is arithmetic on each event alone, so an odd order is reported, not refused:
    # scripts asking only for, say, the annual review may pass any request date.
    for problem in order_problems(**events):
        print(f"sendplan statutory timeline: warning: {problem}", file=sys.stderr)
    try:
        deadlines = timeline(**events, transfer=args.transfer, transfer_year=args.transfer_year)
    except ValueError as error:  # e.g. a due date past 9999-12-31
        try:
            timeline_parser.error(str(error))
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else 2
    out = {key: {"due": d.due.isoformat(), "basis": d.basis} for key, d in deadlines.items()}
    print(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False))
    return 0
