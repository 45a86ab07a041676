"""EHC plan caseload forecast: LA totals from the pooled growth model, ages and needs from a
cohort projection scaled to each simulated total.

The cohort step moves every LA's plans one year of age forward with cohort change ratios
(Hamilton-Perry): ``N(a, t+1) = r(a) * N(a-1, t)``, where ``r(a)`` is the LA's ratio from
the last two published single-age years, shrunk toward England's. A ratio above 1 is net
entry of new plans at that age, below 1 net ceasing (the drops at 16, 19 and 25 show up
there; plans leave at 26). The projected age vector is then scaled to the path's total.
When a population projection is given, ratios become per head of population and the
population change moves the LA total as well. Needs are carried as age-specific shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sendplan.engine.codes import RELEASE_NEEDS
from sendplan.engine.forecast_cohort import (
    METHODS,
    CohortFit,
    bands_of,
    fit_cohort,
    method_point,
)
from sendplan.engine.forecast_data import (
    AGE_BANDS,
    AGE_CELLS,
    ENGLAND_CODE,
    CaseloadHistory,
    ForecastInputError,
    TextTable,
)
from sendplan.engine.forecast_flows import (
    FlowBands,
    FlowFit,
    fit_flows,
    flow_bands,
    simulate_flow_paths,
)
from sendplan.engine.forecast_model import GrowthFit, fit_growth, simulate_totals
from sendplan.engine.forecast_placement import (
    PLACEMENTS,
    fit_placements,
    placement_paths,
    share_noise,
)
from sendplan.engine.results import COMPLETE

#: How LA totals can be forecast; the first is the default (best on the recent backtest
#: origins, ADR 0131): the stock-and-flow model, which needs the flow tables.
FORECAST_METHODS = ("flows", *METHODS)
DEFAULT_METHOD = FORECAST_METHODS[0]
_SHRINK_PLANS = 20.0  # prior weight, in plans, of England's ratio or need share
_MAX_NEED_CONCENTRATION = 400.0
OUTPUT_COLUMNS = (
    "area_code",
    "area_name",
    "census_year",
    "age_band",
    "need",
    "ehcplans",
    "lower80",
    "upper80",
)
# The optional placement-type breakdown (``sendplan forecast --breakdowns-out``).
BREAKDOWN_COLUMNS = (*OUTPUT_COLUMNS[:5], "placement_type", *OUTPUT_COLUMNS[5:])


@dataclass(frozen=True)
class ForecastResult:
    """Outcome of :func:`forecast_caseload`, in the shape of scipy's ``OptimizeResult``.

    ``status`` is ``complete`` (see :mod:`~sendplan.engine.results`) and ``message`` says
    what was forecast and with which settings. ``table`` has :data:`OUTPUT_COLUMNS`; ``fit``
    is the growth model (None when the flows model gave the totals); ``placements`` has :data:`BREAKDOWN_COLUMNS` (age_band and need
    ``All``, one row per area, year and placement type) when the release carries setting
    columns, else None; ``cohort`` is the band model when ``method`` was ``cohort`` or
    ``combined``. ``method`` is the method used: ``flows`` falls back to ``growth`` when the
    history has no flow tables (or too few years of them), and ``note`` then says so;
    ``flows`` is the stock-and-flow model when it was used, and ``flow_bands`` its LAs'
    first-year new plans and net outflow with their 80 % intervals, from the same simulated
    paths as the totals' (None when the model has no past errors of the flows to size them).
    """

    status: str
    message: str
    table: pl.DataFrame
    fit: GrowthFit | None
    placements: pl.DataFrame | None = None
    cohort: CohortFit | None = None
    method: str = "growth"
    note: str = ""
    flows: FlowFit | None = None
    flow_bands: FlowBands | None = None

    @property
    def success(self) -> bool:
        return self.status == COMPLETE


def _check_arguments(*, horizon: int, simulations: int, method: str) -> None:
    """Raise ``ValueError`` naming the first argument :func:`forecast_caseload` cannot use."""
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 year, got {horizon}")
    if simulations < 10:
        raise ValueError(f"simulations must be at least 10, got {simulations}")
    if method not in FORECAST_METHODS:
        raise ValueError(f"method must be one of {', '.join(FORECAST_METHODS)}")


def population_by_area(*, table: TextTable, history: CaseloadHistory) -> dict[int, np.ndarray]:
    """ONS SNPP persons by single age 0-25 -> {LA index: array (age cells, mid-years)}.

    Parameters
    ----------
    table
        A projection in the ONS SNPP layout, every column as text: ``AREA_CODE``,
        ``AGE_GROUP`` (0..25) and one column per mid-year; rows other than persons'
        population (``COMPONENT``, ``SEX``) are ignored.
    history
        The caseload history whose LAs the projection is for.

    Returns
    -------
    dict
        Per LA index in ``history``, an array (age cells, 100) indexed by mid-year - 2000.

    Raises
    ------
    ForecastInputError
        Listing every problem as ``FILE:LINE: column: what is wrong``.

    Examples
    --------
    >>> table = TextTable("snpp.csv", pl.DataFrame({"AREA_CODE": ["E09000022"]}))
    >>> population_by_area(table=table, history=None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sendplan.engine.forecast_data.ForecastInputError: snpp.csv:1: AGE_GROUP: required column missing
    snpp.csv:1: -: no year columns (e.g. 2025)
    """
    label = table.label
    frame = table.frame.with_row_index("_line", offset=2)
    problems = [
        f"{label}:1: {c}: required column missing"
        for c in ("AREA_CODE", "AGE_GROUP")
        if c not in frame.columns
    ]
    # Mid-years of this century: the grid below holds 2000-2099.
    year_cols = [c for c in frame.columns if c.isdigit() and len(c) == 4 and c.startswith("20")]
    if not year_cols:
        problems.append(f"{label}:1: -: no year columns (e.g. 2025)")
    if problems:
        raise ForecastInputError(problems)
    for column, value in (("COMPONENT", "Population"), ("SEX", "persons")):
        if column in frame.columns:
            frame = frame.filter(pl.col(column).str.to_lowercase() == value.lower())
    index = {a.code: i for i, a in enumerate(history.las)}
    out: dict[int, np.ndarray] = {}
    for line, code, age, *values in frame.select(
        "_line", "AREA_CODE", "AGE_GROUP", *year_cols
    ).iter_rows():
        if code not in index:
            problems.append(f"{label}:{line}: AREA_CODE: unknown area {code!r}")
            continue
        if not (age or "").isdigit() or int(age) > 25:
            problems.append(f"{label}:{line}: AGE_GROUP: {age!r} is not an age 0-25")
            continue
        grid = out.setdefault(index[code], np.full((26, 100), np.nan))
        for column, value in zip(year_cols, values, strict=True):
            if value is None or not value.strip():
                problems.append(f"{label}:{line}: {column}: missing")
                continue
            try:
                number = float(value)
            except ValueError:
                number = np.nan
            if not np.isfinite(number) or number < 0:
                problems.append(f"{label}:{line}: {column}: {value!r} is not a number of people")
                continue
            grid[int(age), int(column) - 2000] = number
    if problems:
        raise ForecastInputError(problems[:200])
    # Into the release's age cells: ages 0-2 form "under 3".
    return {i: np.vstack([g[:3].sum(axis=0), g[3:]]) for i, g in out.items()}


def _age_start(history: CaseloadHistory) -> tuple[np.ndarray, np.ndarray]:
    """Origin age vectors (L, cells) and cohort change ratios (L, cells)."""
    ages, totals = history.ages, history.totals[:, -1]
    published = ~np.isnan(ages).any(axis=2) & (np.nansum(ages, axis=2) > 0)
    national_share = np.ones(len(AGE_CELLS)) / len(AGE_CELLS)
    ratio_nat = np.ones(len(AGE_CELLS))
    if published[:, -1].any():
        last = np.where(published[:, -1:], ages[:, -1], 0.0).sum(axis=0)
        national_share = last / last.sum()
    start = np.where(published[:, -1:], ages[:, -1], totals[:, None] * national_share[None, :])
    if ages.shape[1] < 2 or not (published[:, -1] & published[:, -2]).any():
        # Without two single-age years, age shares are held at the origin's.
        return start, np.ones_like(start)
    both = published[:, -1] & published[:, -2]
    now, before = ages[both, -1], ages[both, -2]
    ratio_nat[0] = now[:, 0].sum() / max(before[:, 0].sum(), 1.0)
    ratio_nat[1:] = now[:, 1:].sum(axis=0) / np.maximum(before[:, :-1].sum(axis=0), 1.0)
    num = np.zeros_like(start)
    den = np.zeros_like(start)
    num[both] = now
    den[both, 0] = before[:, 0]
    den[both, 1:] = before[:, :-1]
    # Empirical-Bayes mix: an LA's own ratio counts as much as its plans allow.
    ratio = (num + _SHRINK_PLANS * ratio_nat) / (den + _SHRINK_PLANS)
    return start, ratio


def _cohort_step(ages: np.ndarray, ratio: np.ndarray, pop_ratio: np.ndarray | None) -> np.ndarray:
    out = np.empty_like(ages)
    out[..., 0] = ages[..., 0] * ratio[:, 0]
    out[..., 1:] = ages[..., :-1] * ratio[:, 1:]
    if pop_ratio is not None:
        out *= pop_ratio
    return out


def _need_shares(history: CaseloadHistory) -> np.ndarray | None:
    """Need shares by LA and age cell (L, cells, needs), shrunk toward England's."""
    if history.needs is None:
        return None
    counts = history.needs
    national = counts.sum(axis=0)
    nat_share = national / np.maximum(national.sum(axis=1, keepdims=True), 1.0)
    return (counts + _SHRINK_PLANS * nat_share) / (
        counts.sum(axis=2, keepdims=True) + _SHRINK_PLANS
    )


def _population_ratios(
    population: dict[int, np.ndarray], history: CaseloadHistory, horizon: int
) -> np.ndarray:
    """Per LA, year and age cell: the cohort's population change now over at the origin."""
    n_la = len(history.las)
    ratios = np.ones((horizon, n_la, len(AGE_CELLS)))
    origin = int(history.years[-1])
    for i, grid in population.items():
        # The January census of year Y sits nearest the mid-year Y-1 estimate.
        def pop(year: int, grid: np.ndarray = grid) -> np.ndarray:
            return grid[:, year - 1 - 2000]

        def change(year: int) -> np.ndarray:
            now, before = pop(year), pop(year - 1)
            r = np.empty(len(AGE_CELLS))
            r[0] = now[0] / before[0]
            r[1:] = now[1:] / before[:-1]
            return r

        base = change(origin)
        for h in range(horizon):
            ratios[h, i] = change(origin + 1 + h) / base
    if np.isnan(ratios).any():
        raise ForecastInputError(
            [
                f"population:1: -: projection does not cover mid-years {origin - 2}-{origin + horizon - 1}"
            ]
        )
    return ratios


def _per_la_matmul(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """(S, L, C) and (L, C, K) -> (S, L, K): each LA's vectors times its own matrix."""
    return np.matmul(x.transpose(1, 0, 2), m).transpose(1, 0, 2)


def _summaries(
    paths: np.ndarray, areas: list[tuple[str, str]], year: int, age_band: str, need: str
) -> pl.DataFrame:
    lower, upper = np.quantile(paths[1:], [0.1, 0.9], axis=0)
    return pl.DataFrame(
        {
            "area_code": [a[0] for a in areas],
            "area_name": [a[1] for a in areas],
            "census_year": year,
            "age_band": age_band,
            "need": need,
            "ehcplans": np.rint(paths[0]).astype(np.int64),
            "lower80": np.rint(np.minimum(lower, paths[0])).astype(np.int64),
            "upper80": np.rint(np.maximum(upper, paths[0])).astype(np.int64),
        }
    )


def forecast_caseload(
    *,
    history: CaseloadHistory,
    horizon: int,
    simulations: int = 1000,
    seed: int = 0,
    population: dict[int, np.ndarray] | None = None,
    method: str = DEFAULT_METHOD,
) -> ForecastResult:
    """Forecast plans for every LA, region and England for ``horizon`` census years.

    ``method`` picks the LA totals: ``flows`` (the stock-and-flow model of
    :mod:`~sendplan.engine.forecast_flows`, the default: best on the recent backtest
    origins, ADR 0131; with its own intervals), ``growth`` (the pooled growth model, ADR
    0103), ``cohort`` (the age-band progression model of
    :mod:`~sendplan.engine.forecast_cohort`) or ``combined`` (the mean of the last two).
    ``cohort`` and ``combined`` carry the growth model's simulated spread around their point.
    Without flow tables, ``flows`` falls back to ``growth`` (``ForecastResult.note``).

    Parameters
    ----------
    history
        The checked caseload history (:func:`~sendplan.engine.forecast_data.caseload_history`).
    horizon
        Census years to forecast beyond the history's last year (at least 1).
    simulations
        Simulated futures behind the 80 % intervals (at least 10).
    seed
        Seed of the random generator: the same seed gives the same forecast.
    population
        Per LA index, the population by age cell and mid-year
        (:func:`population_by_area`), or None to forecast without it.
    method
        ``flows``, ``growth``, ``cohort`` or ``combined``.

    Returns
    -------
    ForecastResult

    Raises
    ------
    ValueError
        When an argument is out of range, or the history lacks what ``method`` needs.
    ForecastInputError
        When ``population`` does not cover the years forecast.

    Examples
    --------
    >>> from sendplan.engine.forecast_data import Area
    >>> years = np.arange(2016, 2026)
    >>> totals = np.array([[100.0 * 1.1**k for k in range(10)]])
    >>> las = (Area("E09000022", "208", "Lambeth", "la", "E12000007"),)
    >>> h = CaseloadHistory(years, las, (), totals, np.full((1, 10, len(AGE_CELLS)), np.nan),
    ...                     None, None, ())
    >>> r = forecast_caseload(history=h, horizon=2, simulations=200, seed=1)
    >>> rows = r.table.filter((pl.col("age_band") == "All") & (pl.col("need") == "All"))
    >>> r.status, rows.filter(pl.col("area_code") == "E09000022")["census_year"].to_list()
    ('complete', [2026, 2027])
    >>> r.method, r.note
    ('growth', 'no flow tables (newplans.csv, requests.csv) were given: forecast by the growth model')
    >>> forecast_caseload(history=h, horizon=0)
    Traceback (most recent call last):
    ...
    ValueError: horizon must be at least 1 year, got 0
    """
    _check_arguments(horizon=horizon, simulations=simulations, method=method)
    rng = np.random.default_rng(seed)
    flow_fit, note = _flow_fit(history) if method == "flows" else (None, "")
    if method == "flows" and flow_fit is None:
        method = "growth"
    fit = None
    first_year_bands = None
    if flow_fit is not None:
        totals, flow_paths = simulate_flow_paths(
            flow_fit, horizon=horizon, simulations=simulations, rng=rng
        )
        first_year_bands = None if flow_paths is None else flow_bands(flow_paths)
    else:
        fit = fit_growth(history.totals)
        totals = simulate_totals(fit, horizon=horizon, simulations=simulations, rng=rng)
    cohort = None
    if method in METHODS and method != "growth":
        cohort = fit_cohort(bands_of(history.bands, history.ages, AGE_BANDS), history.totals)
        if cohort.pairs == 0:
            raise ValueError(f"method {method} needs plans by age band in two consecutive years")
        target = method_point(method, totals[0], cohort.point(horizon))
        # The growth model's simulated log deviations, carried around this method's point.
        totals = totals * (target / np.maximum(totals[0], 1e-9))[None]
    start, ratio = _age_start(history)
    pop = None if not population else _population_ratios(population, history, horizon)
    shares = _need_shares(history)
    n_la = len(history.las)
    if shares is not None:
        size = np.nan_to_num(history.totals[:, -1])
        conc = np.minimum(size, _MAX_NEED_CONCENTRATION)[:, None]
        mix = shares.mean(axis=1)
        # Uncertainty in each LA's need mix, drawn once per path (the point path has none).
        draw = rng.gamma(np.maximum(conc * mix, 1e-3), size=(simulations, n_la, len(RELEASE_NEEDS)))
        need_noise = draw / np.maximum(draw.sum(axis=2, keepdims=True), 1e-12) / mix
        need_noise = np.concatenate([np.ones((1, n_la, len(RELEASE_NEEDS))), need_noise])
    regions = list(history.regions)
    member = np.array(
        [[a.region_code == r.code for r in regions] for a in history.las], dtype=float
    ).reshape(n_la, len(regions))
    areas = [
        (ENGLAND_CODE, "England"),
        *((r.code, r.name) for r in regions),
        *((a.code, a.name) for a in history.las),
    ]

    def roll_up(x: np.ndarray) -> np.ndarray:
        """(S, L, ...) -> (S, 1 + R + L, ...): England, regions, then LAs."""
        # tensordot goes through BLAS; einsum here was the slowest step of a full run.
        reg = np.moveaxis(np.tensordot(x, member, axes=([1], [0])), -1, 1)
        return np.concatenate([x.sum(axis=1, keepdims=True), reg, x], axis=1)

    placement_model = None
    if history.placements is not None:
        placement_model = fit_placements(
            counts=history.placements,
            by_age=history.placement_ages,
            years=history.years,
            n_cells=len(AGE_CELLS),
        )
    if placement_model is not None:
        p_mix, p_drift = share_noise(placement_model, simulations=simulations, rng=rng)
    p_frames = []
    frames = []
    ages = np.broadcast_to(start, (simulations + 1, *start.shape)).copy()
    for h in range(horizon):
        year = int(history.years[-1]) + 1 + h
        step = _cohort_step(ages, ratio, None if pop is None else pop[h])
        total = totals[:, :, h]
        if pop is not None:
            plain = _cohort_step(ages, ratio, None).sum(axis=2)
            total = total * step.sum(axis=2) / np.maximum(plain, 1e-9)
        ages = step * (total / np.maximum(step.sum(axis=2), 1e-9))[..., None]
        frames.append(_summaries(roll_up(total), areas, year, "All", "All"))
        bands = np.stack([ages[..., lo:hi].sum(axis=2) for _, lo, hi in AGE_BANDS], axis=2)
        rolled = roll_up(bands)
        for b, (band, _, _) in enumerate(AGE_BANDS):
            frames.append(_summaries(rolled[..., b], areas, year, band, "All"))
        if shares is not None:
            needs = _per_la_matmul(ages, shares) * need_noise
            needs *= (total / np.maximum(needs.sum(axis=2), 1e-9))[..., None]
            rolled = roll_up(needs)
            for k, need in enumerate(RELEASE_NEEDS):
                frames.append(_summaries(rolled[..., k], areas, year, "All", need))
        if placement_model is not None:
            by_type = placement_paths(
                ages,
                placement_model,
                years_ahead=year - placement_model.year,
                mix=p_mix,
                drift=p_drift,
            )
            rolled = roll_up(by_type)
            for k, kind in enumerate(PLACEMENTS):
                p_frames.append(
                    _summaries(rolled[..., k], areas, year, "All", "All").with_columns(
                        placement_type=pl.lit(kind)
                    )
                )
    table = pl.concat(frames).sort("area_code", "census_year", "age_band", "need")
    placements = None
    if p_frames:
        order = pl.col("placement_type").replace_strict(PLACEMENTS, list(range(len(PLACEMENTS))))
        placements = (
            pl.concat(p_frames).sort("area_code", "census_year", order).select(BREAKDOWN_COLUMNS)
        )
    message = (
        f"forecast {len(areas)} areas for {horizon} years from {int(history.years[-1])} "
        f"by the {method} method; "
    )
    if flow_fit is not None:
        first, last = flow_fit.training_years
        message += (
            f"flows fitted on calendar years {first}-{last}, intervals from "
            f"{flow_fit.cv_errors} earlier origin-horizon errors"
        )
    elif fit is not None:
        message += (
            f"growth settings lambda={fit.lam} phi={fit.phi} rho={fit.rho} from "
            f"{fit.cv_origins} rolling origins"
        )
    if cohort is not None:
        message += f"; cohort settings lambda={cohort.lam} rho={cohort.rho}"
    if note:
        message += f"; {note}"
    return ForecastResult(
        COMPLETE,
        message,
        table.select(OUTPUT_COLUMNS),
        fit,
        placements,
        cohort,
        method=method,
        note=note,
        flows=flow_fit,
        flow_bands=first_year_bands,
    )


def _flow_fit(history: CaseloadHistory) -> tuple[FlowFit | None, str]:
    """The stock-and-flow fit, or None and why it cannot be used."""
    if history.flows is None:
        return None, (
            "no flow tables (newplans.csv, requests.csv) were given: forecast by the growth model"
        )
    fit = fit_flows(
        totals=history.totals,
        flows=history.flows,
        census_years=history.years,
        backcast=history.backcast,
    )
    if fit is None:
        return None, (
            "the flow tables give too few years of new plans and requests before "
            f"{int(history.years[-1])}: forecast by the growth model"
        )
    return fit, ""
