"""Forecast figures: a full England forecast run, and the backtest table.

Run: ``.venv/bin/python benchmarks/bench_forecast.py [SHARED_DATA_DIR]``

1. Time and peak memory of the forecast for every LA, region and England: 24 age cells
   (under 3, 3 ... 25), 13 needs, 10 years, 1,000 simulations, from the 2022 + 2025 releases.
2. Rolling-origin backtest at every origin 2014-2024, horizons 1-3: MAPE over LAs, median
   APE, England's absolute error and 80 % coverage, for the model and the naive forecasts;
   pooled over all origins and over the EHC-plan-era origins 2019-2024; interval score and
   80 % coverage by origin. "model" is the growth model (the default); "cohort" and
   "combined" are the age-band progression model and the mean of the two.
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
from sendplan.engine import backtest, forecast_caseload


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
    for method in ("cohort", "combined"):
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
        "mape",
        "mdape",
        "england_abs_error",
        "coverage80",
        "interval_score",
    ]
    with pl.Config(tbl_rows=40, tbl_cols=10, tbl_width_chars=140, float_precision=2):
        print("Backtest, origins 2014-2024 (pooled mean over origins):")
        print(bt.summary.select(cols))
        recent = (
            bt.rows.filter(pl.col("origin") >= 2019)
            .group_by("horizon", "method", maintain_order=True)
            .agg(pl.len().alias("origins"), pl.col("mape").mean(), pl.col("coverage80").mean())
        )
        print("Backtest, origins 2019-2024:")
        print(recent)
        per_origin = (
            bt.rows.filter(pl.col("method").is_in(["model", "cohort", "combined"]))
            .pivot(on="horizon", index=["method", "origin"], values="coverage80")
            .sort("origin")
        )
        print("Model 80 % coverage by origin (columns: horizon):")
        print(per_origin)


if __name__ == "__main__":
    main()
