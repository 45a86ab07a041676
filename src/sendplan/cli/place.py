"""``sendplan place``: optimise placements for an area from LEARNERS.csv and SETTINGS.csv.

Reads both files completely and lists every problem as ``FILE:LINE: column: what is wrong``
(LINE is the physical line in the file, the header being line 1) before exiting 1 with nothing
written. Outputs go to temporary files in the target folder and are renamed at the very end.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, cast

import numpy as np

from sendplan.cli.input_files import InputFileError, read_text
from sendplan.cli.place_fast import read_learners_fast
from sendplan.engine import (
    ALL_NEEDS,
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

KINDS = ("mainstream", "resourced", "special", "independent", "post16", "other")
LEARNER_COLUMNS = ("learner_id", "need", "age", "lat", "lon")
SETTING_COLUMNS = (
    "setting_id", "name", "lat", "lon", "min_age", "max_age", "needs", "places", "annual_cost",
    "kind",
)  # fmt: skip
_NEED_INDEX = {code: i for i, code in enumerate(NEED_CODES)}


class InvalidInput(Exception):
    """Raised with the list of ``FILE:LINE: column: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Table:
    """A CSV file read as text columns, with the physical line of each row."""

    path: str
    columns: dict[str, list[str]]
    lines: list[int]
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, order, text)

    def error(self, line: int, column: str, message: str) -> None:
        self.problems.append((line, len(self.problems), f"{self.path}:{line}: {column}: {message}"))

    def messages(self) -> list[str]:
        return [text for _, _, text in sorted(self.problems)]


def read_table(path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Table:
    """Read ``path`` keeping only the named columns (extra columns are ignored)."""
    table = Table(path, {}, [])
    try:
        text, _ = read_text(path)
    except InputFileError as error:
        table.problems.append((error.line, 0, str(error)))
        return table
    # Strict: a quote left open swallows the rest of the file, which is a problem to report.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0  # the last physical line of the record read so far
    try:
        header = next(reader)
        names = [h.strip() for h in header]
        missing = [c for c in required if c not in names]
        for c in missing:
            table.error(1, c, "required column is missing")
        for c in (*required, *optional):
            if names.count(c) > 1:
                table.error(1, c, "the column appears more than once in the header")
        wanted = [c for c in (*required, *optional) if c in names]
        index = [names.index(c) for c in wanted]
        cols: list[list[str]] = [[] for _ in wanted]
        lines: list[int] = []
        last = reader.line_num
        width = len(names)
        for row in reader:
            start, last = last + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) < width:
                row = row + [""] * (width - len(row))
            lines.append(start)
            for col, i in zip(cols, index, strict=True):
                col.append(row[i].strip())
    except csv.Error as exc:
        # The record that failed starts on the line after the last one read.
        table.error(last + 1, "row", f"is not valid CSV ({exc})")
        return table
    table.columns = dict(zip(wanted, cols, strict=True))
    table.lines = lines
    return table


def _numbers(table: Table, column: str, *, whole: bool) -> np.ndarray:
    """Parse a column; bad values are reported and become nan."""
    if column not in table.columns:  # reported once as a missing column
        return np.full(len(table.lines), np.nan)
    text = table.columns[column]
    try:
        values = np.fromiter(map(float, text), dtype=float, count=len(text))
        ok = np.isfinite(values)
        if whole:
            ok &= values == np.round(values)
        if ok.all():
            return values
    except ValueError:
        pass
    out = np.full(len(text), np.nan)
    what = "a whole number" if whole else "a number"
    for i, raw in enumerate(text):
        try:
            v = float(raw)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or (whole and v != round(v)):
            table.error(
                table.lines[i], column, "missing" if raw == "" else f"'{raw}' is not {what}"
            )
            continue
        out[i] = v
    return out


def _check_range(table: Table, column: str, values: np.ndarray, lo: float, hi: float) -> None:
    for i in np.flatnonzero((values < lo) | (values > hi)).tolist():
        table.error(table.lines[i], column, f"{values[i]:g} is outside {lo:g} to {hi:g}")


def _check_bounds(table: Table, column: str, values: np.ndarray, maximum: int, unit: str) -> None:
    """Negative values and values above what the optimiser can add up are problems."""
    raw = table.columns.get(column, [])
    for i in np.flatnonzero(values < 0).tolist():
        table.error(table.lines[i], column, f"{raw[i]} is negative")
    for i in np.flatnonzero(values > maximum).tolist():
        table.error(table.lines[i], column, f"{raw[i]} is more than {maximum:,} {unit}")


def _check_ids(table: Table, column: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, value in enumerate(table.columns.get(column, [])):
        if value == "":
            table.error(table.lines[i], column, "missing")
        elif value in seen:
            first = table.lines[seen[value]]
            table.error(table.lines[i], column, f"duplicate id '{value}' (first on line {first})")
        else:
            seen[value] = i
    return seen


def _coordinates(table: Table) -> tuple[np.ndarray, np.ndarray]:
    lat = _numbers(table, "lat", whole=False)
    lon = _numbers(table, "lon", whole=False)
    _check_range(table, "lat", lat, -90, 90)
    _check_range(table, "lon", lon, -180, 180)
    return lat, lon


def _ages(table: Table, column: str) -> np.ndarray:
    ages = _numbers(table, column, whole=True)
    _check_range(table, column, ages, 0, 25)
    return ages


def _unknown_need(code: str) -> str:
    return f"unknown need code '{code}' (expected one of {' '.join(NEED_CODES)})"


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
    ids = _check_ids(table, "setting_id")
    lat, lon = _coordinates(table)
    lo, hi = _ages(table, "min_age"), _ages(table, "max_age")
    for i in np.flatnonzero(lo > hi).tolist():
        table.error(table.lines[i], "min_age", f"min_age {lo[i]:g} is above max_age {hi[i]:g}")
    places = _numbers(table, "places", whole=True)
    _check_bounds(table, "places", places, MAX_PLACES, "places, the most one setting may offer")
    cost = _numbers(table, "annual_cost", whole=False)
    _check_bounds(table, "annual_cost", cost, MAX_ANNUAL_COST, "pounds a place a year")
    masks = np.zeros(len(table.lines), dtype=np.int64)
    cache: dict[str, int] = {}
    for i, text in enumerate(table.columns.get("needs", [])):
        if text in cache:
            masks[i] = cache[text]
            continue
        codes = [c.strip() for c in text.split(";") if c.strip()]
        with_all = [c for c in codes if c.upper() == "ALL"]
        if with_all and len(with_all) == len(codes):
            mask = ALL_NEEDS
        else:
            if not codes:
                table.error(
                    table.lines[i], "needs", "missing (give SEN2 codes separated by ';' or ALL)"
                )
            if with_all:
                table.error(
                    table.lines[i],
                    "needs",
                    f"'{text}': ALL means every need and cannot be listed with other codes",
                )
            bad = [c for c in codes if c not in _NEED_INDEX and c.upper() != "ALL"]
            for c in bad:
                table.error(table.lines[i], "needs", _unknown_need(c))
            if bad or not codes or with_all:
                continue
            mask = sum(1 << _NEED_INDEX[c] for c in set(codes))
        cache[text] = mask
        masks[i] = mask
    for i, kind in enumerate(table.columns.get("kind", [])):
        if kind not in KINDS:
            table.error(
                table.lines[i],
                "kind",
                f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})",
            )
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
    _check_ids(lt, "learner_id")
    need_text = lt.columns.get("need", [])
    need = np.fromiter(
        (_NEED_INDEX.get(c, -1) for c in need_text), dtype=np.int64, count=len(need_text)
    )
    for i in np.flatnonzero(need < 0).tolist():
        raw = need_text[i]
        lt.error(lt.lines[i], "need", "missing" if raw == "" else _unknown_need(raw))
    age = _ages(lt, "age")
    lat, lon = _coordinates(lt)
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


def _non_negative(
    kind: Callable[[str], float], maximum: float = math.inf
) -> Callable[[str], float]:
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
    parser.add_argument(
        "--cost-per-km",
        type=_non_negative(float, MAX_COST_PER_KM),
        default=400.0,
        help="pounds a year per km from home (default 400)",
    )
    parser.add_argument(
        "--unplaced-cost",
        type=_non_negative(int, MAX_POUNDS),
        default=250_000,
        help="pounds a year for each learner left unplaced (default 250000)",
    )
    parser.add_argument(
        "--max-km",
        type=_non_negative(float),
        default=50.0,
        help="farthest a learner may be placed from home (default 50)",
    )
    parser.add_argument(
        "--move-cost",
        type=_non_negative(int, MAX_POUNDS),
        default=0,
        metavar="POUNDS",
        help="pounds a year charged for moving a learner from their current_setting "
        "(default 0); learners with may_move no never move",
    )
    parser.add_argument(
        "--time-limit",
        type=_non_negative(float),
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


def _progress_printer(stream: TextIO | None = None) -> Callable[[str], None]:
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
    say = _progress_printer()
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
