"""``sendplan forecast``: EHC plan caseload forecast from DfE releases (no Django).

Forecast (the CONTRACTS.md invocation)::

    sendplan forecast --caseload RELEASE.zip [--caseload OLDER.zip] --horizon YEARS
                      --out FORECAST.csv [--population SNPP.csv] [--simulations N] [--seed N]
                      [--breakdowns-out PLACEMENTS.csv]
                      [--method flows|growth|cohort|combined]

``--method`` picks how LA totals are forecast: ``flows`` (default: the stock-and-flow model,
which needs the release's new plans and requests, ADR 0131), ``growth`` (the pooled growth
model of ADR 0103), ``cohort`` (age-band progression ratios) or ``combined`` (the mean of
growth and cohort). Given only a ``caseload.csv`` with no ``newplans.csv`` and
``requests.csv`` beside it, ``flows`` falls back to ``growth`` with a note on stderr.

``--breakdowns-out`` writes the placement-type breakdown (see ADR 0103) to its own file, so
FORECAST.csv keeps exactly the contract's columns: the same columns plus ``placement_type``
(mainstream, resourced, special, independent, post16, other), with ``age_band`` and ``need``
``All``. It needs a release with setting columns (the 2023-onwards ``caseload.csv``);
without them the file holds the header only and a note says why.

Backtest (refit at every past origin, score horizons 1..--horizon against naive forecasts)::

    sendplan forecast --caseload ... --backtest --out BACKTEST.csv [--horizon 3]

The backtest CSV has one row per origin, horizon and method; the pooled table is printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from sendplan.cli.forecast_files import load_caseload, read_population
from sendplan.engine import (
    BREAKDOWN_COLUMNS,
    DEFAULT_METHOD,
    FORECAST_METHODS,
    ForecastInputError,
    backtest,
    forecast_caseload,
    safe_cell,
)
from sendplan.files import atomic_files


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sendplan forecast",
        description="Forecast EHC plan caseloads for every LA, region and England from DfE "
        "'Education, health and care plans' releases, with 80%% prediction intervals.",
    )
    p.add_argument(
        "--caseload",
        action="append",
        required=True,
        metavar="CASELOAD",
        help="DfE release zip or its data/caseload.csv (2025 layout) or "
        "data/sen2_age_caseload.csv (2022 layout); give twice for a longer history",
    )
    p.add_argument("--horizon", type=int, default=None, metavar="YEARS", help="years ahead")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="CSV to write")
    p.add_argument("--population", type=Path, metavar="POPULATION.csv", help="ONS SNPP CSV")
    p.add_argument("--simulations", type=int, default=1000, metavar="N", help="default 1000")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument(
        "--breakdowns-out",
        type=Path,
        metavar="FILE",
        help="also write forecasts by placement type (mainstream, resourced, special, "
        "independent, post16, other) to this CSV, with a placement_type column",
    )
    p.add_argument(
        "--method",
        choices=FORECAST_METHODS,
        default=DEFAULT_METHOD,
        help="how LA totals are forecast: flows (default; stock and flow from new plans and "
        "requests, best on the recent backtest; falls back to growth without them), growth "
        "(pooled growth model), cohort (age-band progression ratios) or combined (the mean "
        "of growth and cohort)",
    )
    p.add_argument(
        "--backtest",
        action="store_true",
        help="instead of forecasting, backtest at every past origin (horizons 1..YEARS, "
        "default 3) and write the per-origin table to --out",
    )
    return p


def _write_atomic(frame: pl.DataFrame, out: Path) -> None:
    """Write to a temporary file beside ``out`` and rename, so no partial file remains."""
    _write_all_atomic([(frame, out)])


def _write_all_atomic(outputs: list[tuple[pl.DataFrame, Path]]) -> None:
    """Write every file to a temporary beside it, then rename them all: no partial output."""
    with atomic_files() as files:
        for frame, out in outputs:
            frame.write_csv(files.temporary(out))


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula escaped.

    Area names come from the input files, so an output opened in a spreadsheet must not
    read one of them as a formula (:func:`sendplan.engine.safe_cell`, as every export).
    """
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.Series(name, [safe_cell(v) for v in frame.get_column(name).to_list()], pl.String)
        for name in text
    )


def _refuse(problems: Sequence[str]) -> int:
    """One line per problem on standard error, and the exit status of invalid input."""
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    horizon = args.horizon if args.horizon is not None else (3 if args.backtest else None)
    if horizon is None:
        parser.error("the following arguments are required: --horizon")
    if not 1 <= horizon <= 25:
        parser.error("--horizon must be between 1 and 25")
    if args.simulations < 10:
        parser.error("--simulations must be at least 10")
    for option, out in (("--out", args.out), ("--breakdowns-out", args.breakdowns_out)):
        if out is not None and str(out.parent) and not out.parent.exists():
            print(f"{out}:1: {option}: folder does not exist", file=sys.stderr)
            return 1
    try:
        history = load_caseload(args.caseload)
        population = read_population(args.population, history) if args.population else None
    except ForecastInputError as error:
        return _refuse(error.problems)
    if args.backtest:
        try:
            result = backtest(
                history=history, horizon=horizon, simulations=args.simulations, seed=args.seed
            )
        except ValueError as error:
            return _refuse([f"{args.caseload[0]}:1: time_period: {error}"])
        _write_atomic(spreadsheet_safe(result.rows), args.out)
        with pl.Config(tbl_rows=100, tbl_cols=20, tbl_width_chars=160):
            print(result.summary)
        return 0
    try:
        forecast = forecast_caseload(
            history=history,
            horizon=horizon,
            simulations=args.simulations,
            seed=args.seed,
            population=population,
            method=args.method,
        )
    except ForecastInputError as error:
        return _refuse(error.problems)
    except ValueError as error:
        return _refuse([f"-:1: -: {error}"])
    outputs = [(spreadsheet_safe(forecast.table), args.out)]
    notes = list(history.notes)
    if forecast.note:
        notes.append(forecast.note)
    if args.breakdowns_out is not None:
        placements = forecast.placements
        if placements is None:
            placements = pl.DataFrame(schema=dict.fromkeys(BREAKDOWN_COLUMNS, pl.String))
            notes.append(
                f"{args.breakdowns_out}: header only - no release given has the setting "
                "columns (mainstream_total ...) that placement types come from"
            )
        outputs.append((spreadsheet_safe(placements), args.breakdowns_out))
    _write_all_atomic(outputs)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(forecast.message)
    return 0
