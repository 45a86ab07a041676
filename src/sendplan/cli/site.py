"""``sendplan site``: where to add places, from LEARNERS.csv, SETTINGS.csv and CANDIDATES.csv.

Reads the three files completely and lists every problem as ``FILE:LINE: column: what is
wrong`` before exiting 1 with nothing written. SITES.csv, PLACEMENTS.csv and SUMMARY.json are
renamed into place together at the very end, or none is.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, cast

import numpy as np

from sendplan.cli.place import (
    InvalidInput,
    add_cost_options,
    load,
    non_negative,
    placements_csv,
    progress_printer,
)
from sendplan.cli.place_tables import (
    Table,
    ages,
    check_bounds,
    check_ids,
    check_kinds,
    coordinates,
    needs_masks,
    numbers,
    read_table,
)
from sendplan.engine import (
    MAX_ANNUAL_COST,
    MAX_CAPITAL,
    MAX_PLACES,
    Candidates,
    PlacementProblem,
    SiteResult,
    round_pounds,
    site,
)
from sendplan.files import atomic_files

CANDIDATE_COLUMNS = (
    "candidate_id", "name", "lat", "lon", "min_age", "max_age", "needs", "kind", "block_places",
    "max_blocks", "capital_per_block", "annual_cost",
)  # fmt: skip


def parse_candidates(table: Table, setting_ids: set[str], settings_path: str) -> Candidates:
    """Candidates from CANDIDATES.csv; every problem is recorded on ``table``."""
    ids = check_ids(table, "candidate_id")
    for sid, i in ids.items():
        if sid in setting_ids:
            table.error(
                table.lines[i], "candidate_id", f"'{sid}' is also a setting_id in {settings_path}"
            )
    lat, lon = coordinates(table)
    lo, hi = ages(table, "min_age"), ages(table, "max_age")
    for i in np.flatnonzero(lo > hi).tolist():
        table.error(table.lines[i], "min_age", f"min_age {lo[i]:g} is above max_age {hi[i]:g}")
    masks = needs_masks(table)
    check_kinds(table)
    counts: dict[str, np.ndarray] = {}
    for column in ("block_places", "max_blocks"):
        values = numbers(table, column, whole=True)
        for i in np.flatnonzero(values < 1).tolist():
            table.error(table.lines[i], column, f"{values[i]:g} is less than 1")
        counts[column] = values
    block, most = counts["block_places"], counts["max_blocks"]
    for i in np.flatnonzero(block * most > MAX_PLACES).tolist():
        table.error(
            table.lines[i],
            "max_blocks",
            f"{most[i]:g} blocks of {block[i]:g} places is more than {MAX_PLACES:,} places",
        )
    capital = numbers(table, "capital_per_block", whole=False)
    check_bounds(table, "capital_per_block", capital, MAX_CAPITAL, "pounds")
    cost = numbers(table, "annual_cost", whole=False)
    check_bounds(table, "annual_cost", cost, MAX_ANNUAL_COST, "pounds a place a year")
    whole = np.nan_to_num  # bad values are reported above; nan stands in until then
    return Candidates(
        lat=lat, lon=lon, min_age=whole(lo).astype(np.int64), max_age=whole(hi).astype(np.int64),
        needs=masks, block_places=whole(block).astype(np.int64),
        max_blocks=whole(most).astype(np.int64), capital_per_block=capital, annual_cost=cost,
    )  # fmt: skip


def load_all(
    learners_path: str, settings_path: str, candidates_path: str
) -> tuple[list[str], list[str], list[str], PlacementProblem, Candidates]:
    """Read and validate the three files; raise :class:`InvalidInput` listing every problem
    (the settings', the learners', then the candidates')."""
    problems: list[str] = []
    learner_ids: list[str] = []
    setting_ids: list[str] = []
    problem: PlacementProblem | None = None
    try:
        learner_ids, setting_ids, problem = load(learners_path, settings_path)
        known = set(setting_ids)
    except InvalidInput as exc:
        problems += exc.problems
        known = set(read_table(settings_path, (), ("setting_id",)).columns.get("setting_id", []))
    ct = read_table(candidates_path, CANDIDATE_COLUMNS)
    candidates = parse_candidates(ct, known, settings_path)
    problems += ct.messages()
    if problems or problem is None:
        raise InvalidInput(problems)
    return learner_ids, setting_ids, ct.columns["candidate_id"], problem, candidates


def sites_csv(fh: TextIO, candidate_ids: list[str], c: Candidates, r: SiteResult) -> None:
    """One row per candidate in input order."""
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["candidate_id", "blocks", "places", "capital", "places_used"])
    capital = round_pounds(r.blocks * c.capital_per_block)
    w.writerows(
        zip(candidate_ids, r.blocks.tolist(), (r.blocks * c.block_places).tolist(),
            capital.tolist(), r.places_used.tolist(), strict=True)
    )  # fmt: skip


def summary_dict(r: SiteResult) -> dict[str, object]:
    return {
        "status": r.status,
        "objective": round(r.objective, 2),
        "capital": int(round_pounds(r.capital)),
        "placed": r.placement.placed,
        "unplaced": r.placement.unplaced,
        "annual_saving": r.annual_saving,
        "gap": r.gap,
        "solve_seconds": round(r.solve_seconds, 3),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sendplan site",
        description="Where to add places: how many blocks of places to open at each candidate "
        "site, within a capital budget, so that the area's placement costs (as for sendplan "
        "place, stability included) plus the capital spread over --capital-years are least.",
        epilog="Exit status: 0 done, 1 invalid input (problems listed as FILE:LINE: column: "
        "message, nothing written), 2 usage error.",
    )
    parser.add_argument("--learners", required=True, metavar="LEARNERS.csv")
    parser.add_argument("--settings", required=True, metavar="SETTINGS.csv")
    parser.add_argument("--candidates", required=True, metavar="CANDIDATES.csv")
    parser.add_argument(
        "--budget",
        required=True,
        type=non_negative(float, MAX_CAPITAL),
        metavar="POUNDS",
        help="capital available for new blocks",
    )
    parser.add_argument("--out", required=True, metavar="SITES.csv")
    parser.add_argument("--placements", metavar="PLACEMENTS.csv")
    parser.add_argument("--summary", metavar="SUMMARY.json")
    add_cost_options(parser)
    parser.add_argument(
        "--capital-years",
        type=_capital_years,
        default=30.0,
        metavar="YEARS",
        help="years over which capital is spread in the objective (default 30)",
    )
    parser.add_argument(
        "--time-limit",
        type=non_negative(float),
        metavar="SECONDS",
        help="stop the solver after about this long and report status time_limit with the "
        "best blocks found and the gap to the best bound",
    )
    return parser


def _capital_years(text: str) -> float:
    value = non_negative(float, 1_000)(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be more than 0")
    return value


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Keep the MIP library's own progress lines (HiGHS prints some from C++) off standard
    output: the command's output is its files, and its standard error is for problems."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for target in (args.out, args.placements, args.summary):
        if target and not (Path(target).parent or Path(".")).is_dir():
            parser.error(f"the folder for {target} does not exist")
    say = progress_printer()
    say("Reading the learners, settings and candidates")
    try:
        learner_ids, setting_ids, candidate_ids, problem, candidates = load_all(
            args.learners, args.settings, args.candidates
        )
    except InvalidInput as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 1
    with quiet_stdout():
        result = site(
            problem,
            candidates,
            budget=args.budget,
            cost_per_km=args.cost_per_km,
            unplaced_cost=int(args.unplaced_cost),
            max_km=args.max_km,
            move_cost=int(args.move_cost),
            capital_years=args.capital_years,
            time_limit=args.time_limit,
            progress=say,
        )
    say("Writing the sites and placements")
    text = json.dumps(summary_dict(result), indent=2) + "\n"
    try:
        with atomic_files() as files:
            with files.open(Path(args.out)) as fh:
                sites_csv(cast(TextIO, fh), candidate_ids, candidates, result)
            if args.placements:
                with files.open(Path(args.placements)) as fh:
                    placements_csv(cast(TextIO, fh), learner_ids, setting_ids + candidate_ids,
                                   result.placement)  # fmt: skip
            if args.summary:
                with files.open(Path(args.summary)) as fh:
                    print(text, end="", file=fh)
    except OSError as exc:
        print(f"{exc.filename}: cannot write ({exc.strerror})", file=sys.stderr)
        return 1
    return 0
