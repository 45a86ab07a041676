"""``sendplan forecast``: EHC plan caseload forecast from DfE releases (no Django).

Forecast (the CONTRACTS.md invocation)::

    sendplan forecast --caseload RELEASE.zip [--caseload OLDER.zip] --horizon YEARS
                      --out FORECAST.csv [--population SNPP.csv] [--simulations N] [--seed N]

Backtest (refit at every past origin, score horizons 1..--horizon against naive forecasts)::

    sendplan forecast --caseload ... --backtest --out BACKTEST.csv [--horizon 3]

The backtest CSV has one row per origin, horizon and method; the pooled table is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import polars as pl

from sendplan.engine.forecast import forecast_caseload, read_population
from sendplan.engine.forecast_backtest import backtest
from sendplan.engine.forecast_data import ForecastInputError, load_caseload


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
        "--backtest",
        action="store_true",
        help="instead of forecasting, backtest at every past origin (horizons 1..YEARS, "
        "default 3) and write the per-origin table to --out",
    )
    return p


def _write_atomic(frame: pl.DataFrame, out: Path) -> None:
    """Write to a temporary file beside ``out`` and rename, so no partial file remains."""
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        frame.write_csv(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    if not args.out.parent.exists() and str(args.out.parent):
        print(f"{args.out}:1: --out: folder does not exist", file=sys.stderr)
        return 1
    try:
        history = load_caseload(args.caseload)
        population = read_population(args.population, history) if args.population else None
        if args.backtest:
            result = backtest(
                history=history, horizon=horizon, simulations=args.simulations, seed=args.seed
            )
            if result.status != 0:
                print(f"{args.caseload[0]}:1: time_period: {result.message}", file=sys.stderr)
                return 1
            _write_atomic(result.rows, args.out)
            with pl.Config(tbl_rows=100, tbl_cols=20, tbl_width_chars=160):
                print(result.summary)
            return 0
        forecast = forecast_caseload(
            history=history,
            horizon=horizon,
            simulations=args.simulations,
            seed=args.seed,
            population=population,
        )
    except ForecastInputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    if forecast.status != 0:
        print(f"-:1: -: {forecast.message}", file=sys.stderr)
        return 1
    _write_atomic(forecast.table, args.out)
    for note in history.notes:
        print(f"note: {note}", file=sys.stderr)
    print(forecast.message)
    return 0
