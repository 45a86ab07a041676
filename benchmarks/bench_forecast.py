"""Forecast figures: a full England forecast run, and the backtest table.

Run: ``.venv/bin/python benchmarks/bench_forecast.py [SHARED_DATA_DIR]``

1. Time and peak memory of the forecast for every LA, region and England: 24 age cells
   (under 3, 3 ... 25), 13 needs, 10 years, 1,000 simulations, from the 2022 + 2025 releases,
   by the default method (flows) and the others.
2. Rolling-origin backtest at every origin the data allow (2014-2024; the flows model from
   2020, the first origin with two years of new plans and requests to fit and an earlier
   origin to size its intervals), horizons 1-3, every method refitted at each origin on
   that origin's history only: MAPE over LAs, median APE, England's absolute error, 80 %
   coverage, interval score and the MAPE against the best naive forecast (``vs_best_naive``,
   %), with the naive forecasts in the same run. Tables: every method on the origins where
   all are scored (2020-2024), the recent origins (2022-2024), the growth model's full
   2014-2024 run, and per-origin one-year-ahead MAPE and coverage.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import polars as pl

from sendplan.cli.forecast_files import load_caseload
from sendplan.engine import backtest, backtest_summary, forecast_caseload


def main() -> None:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    shared = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SENDPLAN_SHARED_DATA", default)
    )
    releases = [
        shared / "dfe-ehcp-sen2" / "education-health-and-care-plans_2022.zip",
        shared / "dfe-ehcp-sen2" / "education-health-and-care-plans_2025.zip",
    ]
    tracemalloc.start()
    start = time.perf_counter()
    cpu_start = time.process_time()
    history = load_caseload(releases)
    loaded = time.perf_counter()
    result = forecast_caseload(history=history, horizon=10, simulations=1000, seed=0)
    done = time.perf_counter()
    cpu = time.process_time() - cpu_start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"England run: {len(history.las)} LAs, {len(history.regions)} regions, 10 years, "
        f"1000 simulations, {result.table.height} rows"
    )
    print(
        f"  load {loaded - start:.2f} s, forecast {done - loaded:.2f} s, "
        f"total {done - start:.2f} s (CPU {cpu:.2f} s: the wall time includes waiting for "
        f"a shared core); peak traced memory {peak / 2**20:.0f} MiB, "
        f"max RSS {rss:.0f} MiB"
    )
    print(f"  {result.message}")
    if result.placements is not None:
        print(f"  placement-type rows (--breakdowns-out): {result.placements.height}")
    for method in ("growth", "cohort", "combined"):
        t0, c0 = time.perf_counter(), time.process_time()
        forecast_caseload(history=history, horizon=10, simulations=1000, seed=0, method=method)
        print(
            f"  --method {method}: forecast {time.perf_counter() - t0:.2f} s "
            f"(CPU {time.process_time() - c0:.2f} s)"
        )
    bt = backtest(history=history, horizon=3, simulations=1000, seed=0)
    cols = [
        "horizon",
        "method",
        "origins",
        "first_origin",
        "mape",
        "mdape",
        "england_abs_error",
        "coverage80",
        "interval_score",
        "vs_best_naive",
    ]
    with pl.Config(tbl_rows=40, tbl_cols=12, tbl_width_chars=160, float_precision=2):
        print("Backtest, every method on the origins where all are scored (2020-2024):")
        print(bt.summary.select(cols))
        print("Backtest, recent origins (2022-2024):")
        print(backtest_summary(bt.rows, first_origin=2022).select(cols))
        print("Backtest, every method but flows on all origins 2014-2024:")
        print(backtest_summary(bt.rows.filter(pl.col("method") != "flows")).select(cols))
        one_year = bt.rows.filter(pl.col("horizon") == 1)
        print("One year ahead, MAPE by origin:")
        print(one_year.pivot(on="method", index="origin", values="mape").sort("origin"))
        print("One year ahead, England error (forecast - actual, %) by origin:")
        print(one_year.pivot(on="method", index="origin", values="england_error").sort("origin"))
        per_origin = (
            bt.rows.filter(pl.col("method").is_in(["flows", "model"]))
            .pivot(on="horizon", index=["method", "origin"], values="coverage80")
            .sort("method", "origin")
        )
        print("80 % coverage by origin (columns: horizon):")
        print(per_origin)


if __name__ == "__main__":
    main()
