"""``sendplan place``: optimise placements for an area from LEARNERS.csv and SETTINGS.csv.

Reads both files completely and lists every problem as ``FILE:LINE: column: what is wrong``
(LINE is the physical line in the file, the header being line 1) before exiting 1 with nothing
written. Outputs go to temporary files in the target folder and are renamed at the very end.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

import numpy as np

from sendplan.cli.place_fast import read_learners_fast
from sendplan.cli.place_tables import (
    NEED_INDEX,
    InvalidInput,
    Table,
    ages,
    check_bounds,
    check_ids,
    check_kinds,
    coordinates,
    needs_masks,
    numbers,
    read_table,
    unknown_need,
)
from sendplan.engine import (
    MAX_ANNUAL_COST,
    MAX_COST_PER_KM,
    MAX_PERCENT,
    MAX_PLACES,
    MAX_POUNDS,
    NEED_CODES,
    PlacementProblem,
    PlacementResult,
    place,
)
from sendplan.files import atomic_files

LEARNER_COLUMNS = ("learner_id", "need", "age", "lat", "lon")
SETTING_COLUMNS = (
    "setting_id", "name", "lat", "lon", "min_age", "max_age", "needs", "places", "annual_cost",
    "kind",
)  # fmt: skip

__all__ = ["InvalidInput", "load", "main"]


@dataclass
class Settings:
    ids: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    needs: np.ndarray
    places: np.ndarray
    annual_cost: np.ndarray


def parse_settings(table: Table) -> Settings:
    ids = check_ids(table, "setting_id")
    lat, lon = coordinates(table)
    lo, hi = ages(table, "min_age"), ages(table, "max_age")
    for i in np.flatnonzero(lo > hi).tolist():
        table.error(table.lines[i], "min_age", f"min_age {lo[i]:g} is above max_age {hi[i]:g}")
    places = numbers(table, "places", whole=True)
    check_bounds(table, "places", places, MAX_PLACES, "places, the most one setting may offer")
    cost = numbers(table, "annual_cost", whole=False)
    check_bounds(table, "annual_cost", cost, MAX_ANNUAL_COST, "pounds a place a year")
    masks = needs_masks(table)
    check_kinds(table)
    return Settings(ids, lat, lon, lo, hi, masks, places, cost)


YES_NO = {"": True, "yes": True, "no": False}


def load(learners_path: str, settings_path: str) -> tuple[list[str], list[str], PlacementProblem]:
    """Read and validate both files; raise :class:`InvalidInput` listing every problem."""
    st = read_table(settings_path, SETTING_COLUMNS)
    settings = parse_settings(st) if st.columns else None
    problems = st.messages()
    if settings is not None and not problems:
        fast = read_learners_fast(learners_path, NEED_CODES, settings.ids)
        if fast is not None:
            problem = _problem(
                fast.need, fast.age, fast.lat, fast.lon, fast.preferred, settings,
                current=fast.current, may_move=fast.may_move,
            )  # fmt: skip
            if not _over_capacity(problem).size:
                return fast.ids, _setting_ids(settings), problem
            # The careful reader below names the lines.
    lt = read_table(
        learners_path, LEARNER_COLUMNS, ("preferred_setting", "current_setting", "may_move")
    )
    learner_ids = lt.columns.get("learner_id", [])
    check_ids(lt, "learner_id")
    need_text = lt.columns.get("need", [])
    need = np.fromiter(
        (NEED_INDEX.get(c, -1) for c in need_text), dtype=np.int64, count=len(need_text)
    )
    for i in np.flatnonzero(need < 0).tolist():
        raw = need_text[i]
        lt.error(lt.lines[i], "need", "missing" if raw == "" else unknown_need(raw))
    age = ages(lt, "age")
    lat, lon = coordinates(lt)
    ids = settings.ids if settings is not None else None
    pref = _setting_column(lt, "preferred_setting", ids, settings_path)
    current = _setting_column(lt, "current_setting", ids, settings_path)
    may_move = np.ones(len(lt.lines), dtype=bool)
    for i, raw in enumerate(lt.columns.get("may_move", [])):
        value = YES_NO.get(raw.lower())
        if value is None:
            lt.error(lt.lines[i], "may_move", f"'{raw}' is not yes or no")
        else:
            may_move[i] = value
    if settings is not None and not problems and not lt.problems:
        problem = _problem(need, age.astype(np.int64), lat, lon, pref, settings,
                           current=current, may_move=may_move)  # fmt: skip
        _report_over_capacity(lt, problem, _setting_ids(settings), settings_path)
    problems += lt.messages()
    if problems or settings is None:
        raise InvalidInput(problems)
    return learner_ids, _setting_ids(settings), problem


def _setting_column(
    table: Table, column: str, ids: dict[str, int] | None, settings_path: str
) -> np.ndarray:
    """Setting indices named in ``column`` (-1 when empty); unknown ids are problems."""
    out = np.full(len(table.lines), -1, dtype=np.int64)
    if column not in table.columns or ids is None:
        return out
    for i, sid in enumerate(table.columns[column]):
        if sid == "":
            continue
        if sid not in ids:
            table.error(table.lines[i], column, f"'{sid}' is not a setting_id in {settings_path}")
        else:
            out[i] = ids[sid]
    return out


def _over_capacity(problem: PlacementProblem) -> np.ndarray:
    """Settings in which more learners must stay than there are places."""
    fixed = problem.fixed()
    held = np.bincount(problem.current_or_none()[fixed], minlength=problem.n_settings)
    return np.flatnonzero(held > problem.places)


def _report_over_capacity(
    table: Table, problem: PlacementProblem, setting_ids: list[str], settings_path: str
) -> None:
    """One problem per over-full setting, on the line of the first learner with no place."""
    fixed = problem.fixed()
    current = problem.current_or_none()
    for s in _over_capacity(problem).tolist():
        stayers = np.flatnonzero(fixed & (current == s))
        places = int(problem.places[s])
        table.error(
            table.lines[int(stayers[places])],
            "current_setting",
            f"{stayers.size} learners must stay in '{setting_ids[s]}' (may_move no) but it "
            f"has {places} places in {settings_path}",
        )


def _problem(
    need: np.ndarray,
    age: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    pref: np.ndarray,
    settings: Settings,
    *,
    current: np.ndarray | None = None,
    may_move: np.ndarray | None = None,
) -> PlacementProblem:
    return PlacementProblem(
        need=need, age=age, lat=lat, lon=lon,
        setting_lat=settings.lat, setting_lon=settings.lon,
        min_age=settings.min_age.astype(np.int64), max_age=settings.max_age.astype(np.int64),
        needs=settings.needs, places=settings.places.astype(np.int64),
        annual_cost=settings.annual_cost, preferred=pref, current=current, may_move=may_move,
    )  # fmt: skip


def _setting_ids(settings: Settings) -> list[str]:
    setting_ids = [""] * len(settings.ids)
    for sid, i in settings.ids.items():
        setting_ids[i] = sid
    return setting_ids


def placements_csv(
    fh: TextIO, learner_ids: list[str], setting_ids: list[str], r: PlacementResult
) -> None:
    """One row per learner in input order; empty setting, distance and cost when unplaced."""
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["learner_id", "setting_id", "distance_km", "annual_cost"])
    names = np.array([*setting_ids, ""], dtype=object)
    sid = names[r.assignment]  # -1 picks the trailing ""
    placed = r.assignment >= 0
    # Python's own formatting, element by element: twice as fast as np.char.mod.
    km = [f"{x:.3f}" if ok else "" for x, ok in zip(r.km.tolist(), placed.tolist(), strict=True)]
    cost = np.where(placed, r.cost.astype(str), "")
    # Identifiers go back exactly as they came (the contract matches on them): they are the
    # caller's own, and the file holds no names for a spreadsheet to run as a formula.
    w.writerows(zip(learner_ids, sid.tolist(), km, cost.tolist(), strict=True))


def summary_dict(r: PlacementResult) -> dict[str, object]:
    return {
        "status": r.status,
        "objective": r.objective,
        "placed": r.placed,
        "unplaced": r.unplaced,
        "total_place_cost": r.total_place_cost,
        "total_travel_cost": r.total_travel_cost,
        "shortfall": [{"need": n, "phase": p, "count": c} for n, p, c in r.shortfall],
        "solve_seconds": round(r.solve_seconds, 3),
    }


def non_negative(kind: Callable[[str], float], maximum: float = math.inf) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise argparse.ArgumentTypeError(f"'{text}' must be zero or more")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"'{text}' must be at most {maximum:,}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _tolerance(text: str) -> str:
    body = text.strip().removesuffix("%")
    try:
        value = float(body)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not pounds or a percentage") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be zero or more")
    maximum = MAX_PERCENT if body != text.strip() else MAX_POUNDS
    if value > maximum:
        raise argparse.ArgumentTypeError(f"'{text}' must be at most {maximum:,}")
    return text.strip()


def add_cost_options(parser: argparse.ArgumentParser) -> None:
    """The prices both `sendplan place` and `sendplan site` weigh placements by."""
    parser.add_argument(
        "--cost-per-km",
        type=non_negative(float, MAX_COST_PER_KM),
        default=400.0,
        help="pounds a year per km from home (default 400)",
    )
    parser.add_argument(
        "--unplaced-cost",
        type=non_negative(int, MAX_POUNDS),
        default=250_000,
        help="pounds a year for each learner left unplaced (default 250000)",
    )
    parser.add_argument(
        "--max-km",
        type=non_negative(float),
        default=50.0,
        help="farthest a learner may be placed from home (default 50)",
    )
    parser.add_argument(
        "--move-cost",
        type=non_negative(int, MAX_POUNDS),
        default=0,
        metavar="POUNDS",
        help="pounds a year charged for moving a learner from their current_setting "
        "(default 0); learners with may_move no never move",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sendplan place",
        description="Optimise placements for an area: each learner to a suitable setting, "
        "minimising placement and travel costs plus a price for every learner left unplaced.",
        epilog="Exit status: 0 done, 1 invalid input (problems listed as FILE:LINE: column: "
        "message, nothing written), 2 usage error.",
    )
    parser.add_argument("--learners", required=True, metavar="LEARNERS.csv")
    parser.add_argument("--settings", required=True, metavar="SETTINGS.csv")
    parser.add_argument("--out", required=True, metavar="PLACEMENTS.csv")
    parser.add_argument("--summary", metavar="SUMMARY.json")
    add_cost_options(parser)
    parser.add_argument(
        "--time-limit",
        type=non_negative(float),
        metavar="SECONDS",
        help="stop the exact solver after this long and report status "
        "time_limit with a first-come-first-served allocation",
    )
    parser.add_argument(
        "--honour-preferences",
        action="store_true",
        help="name each learner's preferred_setting unless it is unsuitable "
        "(not eligible), would leave others worse placed or unplaced, or costs the "
        "area more than --preference-tolerance a year above the best alternative",
    )
    parser.add_argument(
        "--preference-tolerance",
        type=_tolerance,
        default="0",
        metavar="POUNDS|PERCENT%",
        help="extra yearly cost to the whole area (including knock-on moves of "
        "other learners) accepted to honour one preference: pounds, or a "
        "percentage of the preferred placement's cost (default 0: only "
        "preferences that cost nothing extra)",
    )
    return parser


def progress_printer(stream: TextIO | None = None) -> Callable[[str], None]:
    """Stage sentences with the seconds so far, on standard error when it is a terminal
    (never into a pipe or a log, so scripts see only problems there)."""
    out = sys.stderr if stream is None else stream
    if not out.isatty():
        return lambda _: None
    import time  # only a terminal needs the clock

    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {message}", file=out, flush=True)

    return say


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for target in (args.out, args.summary):
        if target and not (Path(target).parent or Path(".")).is_dir():
            parser.error(f"the folder for {target} does not exist")
    say = progress_printer()
    say("Reading the learners and settings")
    try:
        learner_ids, setting_ids, problem = load(args.learners, args.settings)
    except InvalidInput as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 1
    result = place(
        problem,
        cost_per_km=args.cost_per_km,
        unplaced_cost=int(args.unplaced_cost),
        max_km=args.max_km,
        move_cost=int(args.move_cost),
        time_limit=args.time_limit,
        honour_preferences=args.honour_preferences,
        preference_tolerance=args.preference_tolerance,
        progress=say,
    )
    say("Writing the placements")
    text = json.dumps(summary_dict(result), indent=2) + "\n"
    try:
        # The placements and the summary are renamed into place together, or neither is.
        with atomic_files() as files:
            with files.open(Path(args.out)) as fh:
                placements_csv(cast(TextIO, fh), learner_ids, setting_ids, result)
            if args.summary:
                with files.open(Path(args.summary)) as fh:
                    print(text, end="", file=fh)
    except OSError as exc:
        print(f"{exc.filename}: cannot write ({exc.strerror})", file=sys.stderr)
        return 1
    return 0
