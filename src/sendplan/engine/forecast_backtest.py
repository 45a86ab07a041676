"""Rolling-origin backtests of the caseload model against naive baselines.

At every origin year the model is refitted on the years up to the origin only (settings,
shrinkage and interval widths included) and scored on each LA's published total 1-3 years
later. The naive forecasts are computed in the same run from the same history:
persistence, last year's growth, 3-year mean growth and a 5-year linear trend.
LA-years that exist only as back-cast shares of a predecessor are not scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sendplan.engine.forecast_cohort import bands_of, fit_cohort, method_point
from sendplan.engine.forecast_data import AGE_BANDS, CaseloadHistory
from sendplan.engine.forecast_flows import fit_flows, simulate_flows
from sendplan.engine.forecast_model import fit_growth, simulate_totals
from sendplan.engine.results import COMPLETE

# "flows" is the stock-and-flow model (the default forecast), with its own simulated spread;
# it is scored at the origins whose history has enough flow years (from 2020 with the 2022
# and 2025 releases). "model" is the growth model; "cohort" and "combined" are the other
# ways to get totals (forecast_cohort.METHODS), with the growth model's simulated spread.
METHODS = (
    "flows",
    "model",
    "cohort",
    "combined",
    "persistence",
    "last_growth",
    "mean_growth_3y",
    "linear_trend_5y",
)
_SIMULATED = ("flows", "model", "cohort", "combined")
_MIN_YEARS = 5  # the 5-year trend needs five levels


@dataclass(frozen=True)
class BacktestResult:
    """Outcome of :func:`backtest`, in the shape of scipy's ``OptimizeResult``.

    ``status`` is ``complete`` (see :mod:`~sendplan.engine.results`); ``rows`` has one row
    per origin, horizon and method; ``summary`` pools them over origins.
    """

    status: str
    message: str
    rows: pl.DataFrame
    summary: pl.DataFrame

    @property
    def success(self) -> bool:
        return self.status == COMPLETE


def naive_forecasts(totals: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
    """The four naive forecasts from LA totals (LAs x years, last = origin).

    Examples
    --------
    >>> f = naive_forecasts(np.array([[100.0, 110, 121, 133.1, 146.41]]), 1)
    >>> [round(float(f[m][0, 0]), 1) for m in sorted(f)]
    [161.1, 156.9, 161.1, 146.4]
    """
    last = totals[:, -1:]
    h = np.arange(1, horizon + 1)[None, :]
    growth = totals[:, 1:] / totals[:, :-1]
    mean3 = np.mean(growth[:, -3:], axis=1, keepdims=True)
    x = np.arange(5, dtype=float)
    y = totals[:, -5:]
    slope = ((x - x.mean()) * (y - y.mean(axis=1, keepdims=True))).sum(axis=1) / (
        (x - x.mean()) ** 2
    ).sum()
    level = y.mean(axis=1) + slope * (4 - x.mean())
    return {
        "persistence": np.repeat(last, horizon, axis=1),
        "last_growth": last * growth[:, -1:] ** h,
        "mean_growth_3y": last * mean3**h,
        "linear_trend_5y": np.maximum(level[:, None] + slope[:, None] * h, 0.0),
    }


def _interval(
    actual: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Inside the 80 % interval, and its interval (Winkler) score in % of the actual: width
    plus 10 x any miss; lower is better and it rewards narrow *and* honest bands."""
    inside = (actual >= lower) & (actual <= upper)
    miss = np.maximum(lower - actual, 0.0) + np.maximum(actual - upper, 0.0)
    return inside, (upper - lower + miss / 0.1) / np.where(actual > 0, actual, 1.0)


def backtest(
    *,
    history: CaseloadHistory,
    horizon: int = 3,
    simulations: int = 500,
    seed: int = 0,
    first_origin: int | None = None,
) -> BacktestResult:
    """Refit at every origin and score horizons 1..``horizon`` over all LAs.

    Parameters
    ----------
    history
        The checked caseload history, with at least six census years.
    horizon
        Horizons 1..``horizon`` are scored at each origin (at least 1).
    simulations
        Simulated futures behind each origin's 80 % intervals (at least 10).
    seed
        Seed of the random generator.
    first_origin
        The earliest origin year to refit at (default: the fifth year, so the 5-year trend
        has its five levels).

    Returns
    -------
    BacktestResult

    Raises
    ------
    ValueError
        When an argument is out of range or the history leaves no origin to score.

    Examples
    --------
    >>> import numpy as np
    >>> from sendplan.engine.forecast_data import Area, AGE_CELLS
    >>> years = np.arange(2015, 2023)
    >>> totals = np.array([[100.0 * 1.1**k for k in range(8)], [60.0 * 1.05**k for k in range(8)]])
    >>> las = tuple(Area(f"E0900000{i}", str(i), f"LA{i}", "la", "R") for i in range(2))
    >>> h = CaseloadHistory(years, las, (), totals, np.full((2, 8, len(AGE_CELLS)), np.nan),
    ...                     None, None, ())
    >>> r = backtest(history=h, horizon=1, simulations=50)
    >>> # Without flow tables, the flows model is not scored.
    >>> r.status, sorted(set(r.summary["method"])) == sorted(set(METHODS) - {"flows"})
    ('complete', True)
    >>> backtest(history=h.until(2019), horizon=1)
    Traceback (most recent call last):
    ...
    ValueError: too few years for a backtest (need 6 or more)
    """
    totals = history.totals
    backcast = history.backcast if history.backcast is not None else np.zeros(totals.shape, bool)
    years = history.years
    start = _MIN_YEARS - 1 if first_origin is None else int(np.searchsorted(years, first_origin))
    start = max(start, _MIN_YEARS - 1)
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 year, got {horizon}")
    if simulations < 10:
        raise ValueError(f"simulations must be at least 10, got {simulations}")
    if len(years) <= _MIN_YEARS:
        raise ValueError(f"too few years for a backtest (need {_MIN_YEARS + 1} or more)")
    if start >= len(years) - 1:
        raise ValueError(f"no origin from {first_origin} has a later year to score")
    rng = np.random.default_rng(seed)
    bands = bands_of(history.bands, history.ages, AGE_BANDS)
    records: list[dict[str, object]] = []
    for o in range(start, len(years) - 1):
        past = totals[:, : o + 1]
        h_max = min(horizon, len(years) - 1 - o)
        fit = fit_growth(past)
        paths = simulate_totals(fit, horizon=h_max, simulations=simulations, rng=rng)
        lower, upper = np.quantile(paths[1:], [0.1, 0.9], axis=0)
        cohort = fit_cohort(bands[:, : o + 1], past).point(h_max)
        forecasts = {
            "model": paths[0],
            "cohort": method_point("cohort", paths[0], cohort),
            "combined": method_point("combined", paths[0], cohort),
            **naive_forecasts(past, h_max),
        }
        # Every simulated method but flows carries the growth paths around its own point, so
        # its quantiles are the growth quantiles times the ratio of the points.
        scale = {m: forecasts[m] / np.maximum(paths[0], 1e-9) for m in _SIMULATED[1:]}
        bands_of_method = {
            m: (lower * scale[m], upper * scale[m]) for m in ("model", "cohort", "combined")
        }
        flow_fit = None
        if history.flows is not None:
            flow_fit = fit_flows(
                totals=past,
                flows=history.flows.until(int(years[o])),
                census_years=years[: o + 1],
                backcast=backcast[:, : o + 1],
            )
        if flow_fit is not None:
            flow_paths = simulate_flows(flow_fit, horizon=h_max, simulations=simulations, rng=rng)
            forecasts = {"flows": flow_paths[0], **forecasts}
            bands_of_method["flows"] = tuple(np.quantile(flow_paths[1:], [0.1, 0.9], axis=0))
        for h in range(h_max):
            actual = totals[:, o + 1 + h]
            ok = (
                ~np.isnan(actual)
                & ~np.isnan(past[:, -1])
                & ~backcast[:, o]
                & ~backcast[:, o + 1 + h]
                & (actual > 0)
            )
            for method, f in forecasts.items():
                low, high = bands_of_method.get(method, bands_of_method["model"])
                inside, score = _interval(actual, low[:, h], high[:, h])
                ape = np.abs(f[ok, h] - actual[ok]) / actual[ok] * 100
                nat_err = (f[ok, h].sum() - actual[ok].sum()) / actual[ok].sum() * 100
                records.append(
                    {
                        "origin": int(years[o]),
                        "horizon": h + 1,
                        "method": method,
                        "las": int(ok.sum()),
                        "mape": float(np.nanmean(ape)),
                        "mdape": float(np.nanmedian(ape)),
                        "england_error": float(nat_err),
                        "coverage80": (
                            float(inside[ok].mean() * 100) if method in _SIMULATED else None
                        ),
                        "interval_score": (
                            float(score[ok].mean() * 100) if method in _SIMULATED else None
                        ),
                    }
                )
    rows = pl.DataFrame(records)
    summary = summarise(rows)
    return BacktestResult(COMPLETE, "backtest completed", rows, summary)


NAIVE = ("persistence", "last_growth", "mean_growth_3y", "linear_trend_5y")


def summarise(rows: pl.DataFrame, *, first_origin: int | None = None) -> pl.DataFrame:
    """Pool backtest rows over origins, on the origins where every method was scored.

    Methods are compared on the same origins and LAs: an (origin, horizon) is kept only when
    every method in ``rows`` has it (the flows model starts later than the others).
    ``vs_best_naive`` is the method's pooled MAPE against the best naive forecast's at that
    horizon, in % (-10 means 10 % lower).

    Examples
    --------
    >>> rows = pl.DataFrame({"origin": [2020, 2020, 2021, 2021], "horizon": 1,
    ...     "method": ["flows", "persistence"] * 2, "las": 2, "mape": [3.0, 6.0, 5.0, 8.0],
    ...     "mdape": 1.0, "england_error": [0.5, -1.0, -0.5, 1.0],
    ...     "coverage80": [80.0, None, 90.0, None], "interval_score": 1.0})
    >>> s = summarise(rows).with_columns(pl.col("vs_best_naive").round(1))
    >>> s.select("method", "origins", "mape", "vs_best_naive").rows()
    [('flows', 2, 4.0, -42.9), ('persistence', 2, 7.0, 0.0)]
    """
    if first_origin is not None:
        rows = rows.filter(pl.col("origin") >= first_origin)
    n_methods = rows["method"].n_unique()
    complete = (
        rows.group_by("origin", "horizon")
        .agg(pl.col("method").n_unique().alias("n"))
        .filter(pl.col("n") == n_methods)
        .select("origin", "horizon")
    )
    rows = rows.join(complete, on=["origin", "horizon"])
    order = pl.col("method").replace_strict(METHODS, list(range(len(METHODS))), default=99)
    pooled = rows.group_by("horizon", "method", maintain_order=True).agg(
        pl.col("origin").min().alias("first_origin"),
        pl.col("origin").max().alias("last_origin"),
        pl.len().alias("origins"),
        pl.col("mape").mean(),
        pl.col("mdape").mean(),
        pl.col("england_error").abs().mean().alias("england_abs_error"),
        pl.col("coverage80").mean(),
        pl.col("interval_score").mean(),
    )
    best = (
        pooled.filter(pl.col("method").is_in(NAIVE))
        .group_by("horizon")
        .agg(pl.col("mape").min().alias("_best"))
    )
    return (
        pooled.join(best, on="horizon", how="left")
        .with_columns(vs_best_naive=(pl.col("mape") / pl.col("_best") - 1) * 100)
        .drop("_best")
        .sort("horizon", order)
    )
