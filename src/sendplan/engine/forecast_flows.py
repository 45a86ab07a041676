"""The stock-and-flow caseload model: next January = this January + new plans - outflow.

For LA ``i`` and census year ``t`` (January), ``N(i, t)`` is the new plans issued in calendar
year ``t`` and ``R(i, t)`` the requests for assessment received in it; both are published in
the release of census ``t + 1``. The net outflow rate

    e(i, t) = (S(i, t) + N(i, t) - S(i, t + 1)) / S(i, t)

holds the ceased plans *and* the plans that moved between councils, which no table gives, so
the model works with it rather than with ``ceased_plans.csv`` (whose plans do not close the
identity: nationally, January 2024 + new plans 2024 - ceased 2024 falls 9,400 short of
January 2025).

Two pooled regressions, fitted by weighted least squares over every LA and every year the
history allows (recent years weigh more, ``DECAY`` a year):

* new plans per plan this year, ``N(t)/S(t)``, on last year's new plans and requests per
  plan now, ``N(t-1)/S(t)`` and ``R(t-1)/S(t)``: requests are the leading indicator, and a
  coefficient below 1 on the council's own ratio shrinks it toward the pooled mean;
* the outflow rate ``e(t)`` on the council's last and 3-year mean outflow rates.

Missing inputs (a council whose flows are suppressed, a successor of a reorganisation with
no flows of its own) take the median over councils, i.e. the pooled rate. Beyond the
horizons a backtest checks, net growth is damped as the growth model's is.

Intervals come from this model's own errors, never from the future: inside every fit the
model is refitted at each earlier origin and its log errors at horizons 1-3 are kept. England's
part of each error (the log error of the sum) sets a Student-t spread per horizon; what is
left per LA, divided by a size-dependent scale ``sqrt(a + c / S)``, gives an empirical
quantile function per horizon. A simulated path draws one England shock and one quantile
level per LA, held across horizons, so the areas' sums (regions, England) are coherent.

The first year's new plans and net outflow get intervals the same way: at every earlier
origin the model's first-year new-plan and outflow rates are compared with the published
ones (errors in plans per plan at the origin, since a net outflow can be nil or negative),
England's part and each LA's part are sized as the totals' are, and every path applies them
with the path's own England shock and LA quantile level. No further random numbers are
drawn, so the totals of a seed are what they were without them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls
from scipy.stats import chi2

from sendplan.engine.forecast_model import LONG_RUN_DAMPING

DECAY = 0.5  # weight of a training year per year of age, in both regressions
_ERROR_DECAY = 0.6  # weight of a past error per year of age, for the interval widths
_CV_HORIZONS = 3
_MIN_TARGET_YEARS = 2  # years of each flow a regression needs
_MAX_RATE = 0.6  # larger new-plan or outflow rates are taken as errors in the release


@dataclass(frozen=True)
class FlowSeries:
    """New plans and requests by LA and calendar year, aligned to a history's census years.

    ``new_plans[l, y]`` is the new plans LA ``l`` issued in calendar year ``years[y]``, i.e.
    between the censuses of ``years[y]`` and ``years[y] + 1``; ``requests`` the same for
    requests received. NaN where not published, suppressed or implausible.
    """

    years: np.ndarray
    new_plans: np.ndarray
    requests: np.ndarray

    def until(self, last_census: int) -> FlowSeries:
        """What was published by the census of ``last_census``: calendar years before it."""
        keep = self.years < last_census
        return FlowSeries(self.years[keep], self.new_plans[:, keep], self.requests[:, keep])

    def aligned(self, census_years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(new plans, requests), each (LAs, census years), column = that calendar year."""
        n_la = self.new_plans.shape[0]
        new = np.full((n_la, census_years.size), np.nan)
        req = np.full((n_la, census_years.size), np.nan)
        for j, year in enumerate(census_years):
            hit = np.flatnonzero(self.years == year)
            if hit.size:
                new[:, j] = self.new_plans[:, hit[0]]
                req[:, j] = self.requests[:, hit[0]]
        return new, req


@dataclass(frozen=True)
class Spread:
    """The spread of one forecast error at one horizon, from the model's past errors:
    England's part (Student-t, ``nat_sd`` with ``nat_df`` degrees of freedom) and each LA's
    part (``la_quantiles`` at levels ``_LEVELS``, scaled by ``sqrt(a + c / S)``)."""

    nat_sd: float
    nat_df: float
    la_var: tuple[float, float]  # (a, c)
    la_quantiles: np.ndarray


@dataclass(frozen=True)
class FlowFit:
    """A fitted stock-and-flow model at one origin (the history's last census year)."""

    size: np.ndarray  # plans per LA at the origin
    new_coef: np.ndarray  # intercept, N(t-1)/S(t), R(t-1)/S(t)
    out_coef: np.ndarray  # intercept, e(t-1), mean of e(t-3..t-1)
    start: tuple[np.ndarray, np.ndarray, np.ndarray]  # N, R of the last calendar year; e lags
    training_years: tuple[int, int]  # target calendar years of the new-plan regression
    # Interval parts per horizon 1, 2, ... (the last holds beyond, widened linearly).
    nat_sd: tuple[float, ...] = ()
    nat_df: tuple[float, ...] = ()
    la_var: tuple[tuple[float, float], ...] = ()  # (a, c): LA variance a + c / S
    la_quantiles: tuple[np.ndarray, ...] = ()  # standardised LA errors at levels _LEVELS
    cv_errors: int = 0
    # The first year's new-plan and outflow rates (new plans, net outflow), or None when
    # the earlier origins give no errors to size them from.
    flow_spread: tuple[Spread, Spread] | None = None

    def point(self, horizon: int) -> np.ndarray:
        """Point forecast of the LA totals, shape (LAs, horizon)."""
        return _project(self, horizon)


_LEVELS = np.linspace(0.0, 1.0, 201)


def _rates(totals: np.ndarray, new: np.ndarray, req: np.ndarray) -> tuple[np.ndarray, ...]:
    """n(t), last year's n and r per plan now, and the outflow rate e(t); (LAs, years)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(totals > 0, totals, np.nan)
        n = new / size
        n_prev = np.full_like(n, np.nan)
        r_prev = np.full_like(n, np.nan)
        n_prev[:, 1:] = new[:, :-1] / size[:, 1:]
        r_prev[:, 1:] = req[:, :-1] / size[:, 1:]
        e = np.full_like(n, np.nan)
        e[:, :-1] = (size[:, :-1] + new[:, :-1] - size[:, 1:]) / size[:, :-1]
    for rate in (n, n_prev, e):
        rate[np.abs(rate) > _MAX_RATE] = np.nan
    r_prev[r_prev > 2 * _MAX_RATE] = np.nan
    return n, n_prev, r_prev, e


def _lag_mean(e: np.ndarray, j: int) -> np.ndarray:
    """Mean of e over the three years before column j (what is known of them)."""
    window = e[:, max(j - 3, 0) : j]
    if window.shape[1] == 0:
        return np.full(e.shape[0], np.nan)
    return _row_mean(window)


def _row_mean(x: np.ndarray) -> np.ndarray:
    """Mean of each row's finite values; NaN for a row with none."""
    good = np.isfinite(x)
    count = good.sum(axis=1)
    total = np.where(good, x, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _wls(rows: list[tuple[np.ndarray, np.ndarray, float]]) -> tuple[np.ndarray, int]:
    """Weighted least squares over (features, target, weight) blocks; coef and years used."""
    xs, ys, ws, used = [], [], [], 0
    for x, y, w in rows:
        ok = np.isfinite(x).all(axis=1) & np.isfinite(y)
        if ok.sum() < 2:
            continue
        used += 1
        xs.append(x[ok])
        ys.append(y[ok])
        ws.append(np.full(ok.sum(), w))
    if used < _MIN_TARGET_YEARS:
        return np.array([]), used
    sw = np.sqrt(np.concatenate(ws))
    coef = np.linalg.lstsq(np.vstack(xs) * sw[:, None], np.concatenate(ys) * sw, rcond=None)[0]
    return coef, used


def _filled(x: np.ndarray) -> np.ndarray:
    """Each column's missing values replaced by its median over LAs: the pooled value."""
    out = x.copy()
    for k in range(out.shape[1]):
        col = out[:, k]
        good = np.isfinite(col)
        col[~good] = float(np.median(col[good])) if good.any() else 0.0
    return out


def _fit_point(
    totals: np.ndarray, flows: FlowSeries, census_years: np.ndarray, backcast: np.ndarray
) -> FlowFit | None:
    """The two regressions at the origin ``census_years[-1]``, or None without enough data."""
    new, req = flows.aligned(census_years)
    n, n_prev, r_prev, e = _rates(totals, new, req)
    last = totals.shape[1] - 1
    bad = backcast.copy()
    bad[:, :-1] |= backcast[:, 1:]
    n_rows, e_rows = [], []
    for j in range(1, last):  # flows of calendar year census_years[j] are known for j < last
        weight = DECAY ** (last - 1 - j)
        ones = np.ones(totals.shape[0])
        x_new = np.column_stack([ones, n_prev[:, j], r_prev[:, j]])
        n_rows.append((x_new[~bad[:, j]], n[~bad[:, j], j], weight))
        x_out = np.column_stack([ones, e[:, j - 1], _lag_mean(e, j)])
        e_rows.append((x_out[~bad[:, j]], e[~bad[:, j], j], weight))
    new_coef, used = _wls(n_rows)
    out_coef, used_e = _wls(e_rows)
    if new_coef.size == 0 or out_coef.size == 0:
        return None
    first = int(census_years[last - used]) if used else int(census_years[-1])
    # Last year's flows, where plausible (the checks of _rates, against last year's stock).
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(totals[:, last - 1] > 0, totals[:, last - 1], np.nan)
        new_last = np.where(new[:, last - 1] / base <= _MAX_RATE, new[:, last - 1], np.nan)
        req_last = np.where(req[:, last - 1] / base <= 2 * _MAX_RATE, req[:, last - 1], np.nan)
    start = (new_last, req_last, e[:, max(last - 4, 0) : last])
    return FlowFit(
        size=totals[:, -1].copy(),
        new_coef=new_coef,
        out_coef=out_coef,
        start=start,
        training_years=(first, int(census_years[last - 1])),
    )


def _project(fit: FlowFit, horizon: int) -> np.ndarray:
    """Step the stock forward: S(t+1) = S(t) * (1 + n(t) - e(t))."""
    return _stepped(fit, horizon)[0]


def first_year_flows(fit: FlowFit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each LA's plans at the origin, new plans and net outflow in the first forecast year.

    The first year of :meth:`FlowFit.point`, in parts: the origin's plans plus the new plans
    less the net outflow (ceased plans and plans moving between councils, which the model
    cannot tell apart) is the point forecast of the next January. Their intervals come from
    the simulated paths (:func:`simulate_flow_paths`, :func:`flow_bands`).

    Examples
    --------
    >>> years = np.arange(2016, 2024)
    >>> totals = np.array([[1000.0 * 1.08**k for k in range(8)], [500 * 1.1**k for k in range(8)]])
    >>> flows = FlowSeries(years, totals * 0.15, totals * 0.2)
    >>> fit = fit_flows(totals=totals, flows=flows, census_years=years)
    >>> now, new, out = first_year_flows(fit)
    >>> np.round((now + new - out) / fit.point(1)[:, 0], 6).tolist()
    [1.0, 1.0]
    """
    _, n_rates, e_rates = _stepped(fit, 1)
    size = np.maximum(fit.size, 1.0)
    return size.copy(), n_rates[:, 0] * size, e_rates[:, 0] * size


def _stepped(fit: FlowFit, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The projected stock and the new-plan and outflow rates of each year, (LAs, horizon)."""
    size = np.maximum(fit.size, 1.0)
    new_prev, req_prev, e_lags = fit.start
    stock = size.copy()
    out = np.empty((size.size, horizon))
    n_rates = np.empty((size.size, horizon))
    e_rates = np.empty((size.size, horizon))
    e_hist = [e_lags[:, k] for k in range(e_lags.shape[1])]
    for h in range(horizon):
        x_new = _filled(np.column_stack([np.ones(size.size), new_prev / stock, req_prev / stock]))
        n_rate = np.clip(x_new @ fit.new_coef, 0.0, _MAX_RATE)
        recent = np.column_stack(e_hist[-3:]) if e_hist else np.full((size.size, 1), np.nan)
        mean3 = _row_mean(recent)
        last_e = e_hist[-1] if e_hist else np.full(size.size, np.nan)
        x_out = _filled(np.column_stack([np.ones(size.size), last_e, mean3]))
        e_rate = np.clip(x_out @ fit.out_coef, -_MAX_RATE, _MAX_RATE)
        # Beyond the horizons a backtest can check, net growth is damped (ADR 0103).
        growth = (n_rate - e_rate) * LONG_RUN_DAMPING ** max(h + 1 - _CV_HORIZONS, 0)
        following = stock * (1.0 + growth)
        new_prev = n_rate * stock
        # Requests per plan are held at the last published year's.
        req_prev = req_prev * following / stock
        e_hist.append(e_rate)
        stock = following
        out[:, h] = stock
        n_rates[:, h] = n_rate
        e_rates[:, h] = e_rate
    return out, n_rates, e_rates


_Errors = tuple[int, np.ndarray, np.ndarray, float]  # target index, LA errors, sizes, England


def _cv_errors(
    totals: np.ndarray, flows: FlowSeries, census_years: np.ndarray, backcast: np.ndarray
) -> tuple[list[tuple[int, int, np.ndarray, np.ndarray, float]], list[_Errors], list[_Errors]]:
    """(h, target index, LA log errors, LA sizes, England log error) at earlier origins, and
    the first-year errors of the new-plan and the outflow rate at each (forecast less
    published, per plan at the origin; England's is the plan-weighted mean)."""
    out = []
    new_errors: list[_Errors] = []
    out_errors: list[_Errors] = []
    last = totals.shape[1] - 1
    n_actual, _, _, e_actual = _rates(totals, *flows.aligned(census_years))
    for o in range(2, last):
        fit = _fit_point(
            totals[:, : o + 1],
            flows.until(int(census_years[o])),
            census_years[: o + 1],
            backcast[:, : o + 1],
        )
        if fit is None:
            continue
        h_max = min(_CV_HORIZONS, last - o)
        point, n_rates, e_rates = _stepped(fit, h_max)
        for rate, actual_rate, kept in (
            (n_rates, n_actual, new_errors),
            (e_rates, e_actual, out_errors),
        ):
            ok = (
                np.isfinite(actual_rate[:, o])
                & (totals[:, o] > 0)
                & ~backcast[:, o]
                & ~backcast[:, o + 1]
            )
            if ok.sum() < 2:
                continue
            err = rate[ok, 0] - actual_rate[ok, o]
            size = totals[ok, o]
            kept.append((o + 1, err, size, float(np.sum(size * err) / np.sum(size))))
        for h in range(h_max):
            actual = totals[:, o + 1 + h]
            ok = (
                np.isfinite(actual)
                & (actual > 0)
                & np.isfinite(totals[:, o])
                & ~backcast[:, o]
                & ~backcast[:, o + 1 + h]
            )
            if ok.sum() < 2:
                continue
            err = np.log(point[ok, h] / actual[ok])
            nat = float(np.log(point[ok, h].sum() / actual[ok].sum()))
            out.append((h + 1, o + 1 + h, err, totals[ok, o], nat))
    return out, new_errors, out_errors


def _spread(errors: list[_Errors], last: int) -> Spread:
    """England's and the LAs' parts of one horizon's errors; recent errors weigh more."""
    age = np.array([last - e[0] for e in errors], dtype=float)
    w = _ERROR_DECAY**age
    nat = np.array([e[3] for e in errors])
    n_eff = w.sum() ** 2 / (w**2).sum()
    resid = np.concatenate([e[1] - e[3] for e in errors])
    size = np.maximum(np.concatenate([e[2] for e in errors]), 1.0)
    wl = np.concatenate([np.full(e[1].size, wi) for e, wi in zip(errors, w, strict=True)])
    design = np.column_stack([np.ones(size.size), 1.0 / size]) * np.sqrt(wl)[:, None]
    coef, _ = nnls(design, resid**2 * np.sqrt(wl))
    a, c = max(float(coef[0]), 1e-8), float(coef[1])
    return Spread(
        nat_sd=float(np.sqrt(np.sum(w * nat**2) / w.sum())),
        nat_df=float(np.clip(n_eff, 3.0, 30.0)),
        la_var=(a, c),
        la_quantiles=_weighted_quantiles(resid / np.sqrt(a + c / size), wl),
    )


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    cum = (cum - 0.5 * weights[order]) / cum[-1]
    return np.interp(_LEVELS, cum, values[order])


def fit_flows(
    *,
    totals: np.ndarray,
    flows: FlowSeries,
    census_years: np.ndarray,
    backcast: np.ndarray | None = None,
) -> FlowFit | None:
    """Fit the stock-and-flow model and its interval widths at the history's last year.

    Parameters
    ----------
    totals
        Plans by LA and census year (LAs x years, oldest first; last = origin).
    flows
        New plans and requests by LA and calendar year; years from the origin on are ignored.
    census_years
        The census year of each column of ``totals``.
    backcast
        True where an LA-year is a back-cast share of a predecessor (never fitted or scored).

    Returns
    -------
    FlowFit or None
        None when the flows give fewer than two years for either regression, or no earlier
        origin to size the intervals from.

    Examples
    --------
    >>> years = np.arange(2016, 2024)
    >>> totals = np.array([[1000.0 * 1.08**k for k in range(8)], [500 * 1.1**k for k in range(8)]])
    >>> new = totals * 0.15  # 15 % new plans, 7 % and 5 % net outflow
    >>> flows = FlowSeries(years, new, new * 1.5)
    >>> fit = fit_flows(totals=totals, flows=flows.until(2024), census_years=years)
    >>> np.round(fit.point(1)[:, 0] / totals[:, -1], 3).tolist()
    [1.08, 1.1]
    """
    mask = np.zeros(totals.shape, bool) if backcast is None else backcast
    flows = flows.until(int(census_years[-1]))
    fit = _fit_point(totals, flows, census_years, mask)
    if fit is None:
        return None
    errors, new_errors, out_errors = _cv_errors(totals, flows, census_years, mask)
    if not any(e[0] == 1 for e in errors):
        return None
    last = totals.shape[1] - 1
    spreads = []
    for h in range(1, _CV_HORIZONS + 1):
        at_h = [(e[1], e[2], e[3], e[4]) for e in errors if e[0] == h]
        if not at_h:
            break
        spreads.append(_spread(at_h, last))
    flow_spread = None
    if new_errors and out_errors:
        flow_spread = (_spread(new_errors, last), _spread(out_errors, last))
    return FlowFit(
        size=fit.size,
        new_coef=fit.new_coef,
        out_coef=fit.out_coef,
        start=fit.start,
        training_years=fit.training_years,
        nat_sd=tuple(s.nat_sd for s in spreads),
        nat_df=tuple(s.nat_df for s in spreads),
        la_var=tuple(s.la_var for s in spreads),
        la_quantiles=tuple(s.la_quantiles for s in spreads),
        cv_errors=len(errors),
        flow_spread=flow_spread,
    )


def simulate_flows(
    fit: FlowFit, *, horizon: int, simulations: int, rng: np.random.Generator
) -> np.ndarray:
    """Simulated LA totals, shape (simulations + 1, LAs, horizon); path 0 is the point.

    Beyond the last horizon with past errors, that horizon's spread widens in proportion
    to the horizon (parameter error, which grows like h, dominates).

    Examples
    --------
    >>> years = np.arange(2016, 2024)
    >>> totals = np.array([[1000.0 * 1.08**k for k in range(8)], [500 * 1.1**k for k in range(8)]])
    >>> flows = FlowSeries(years, totals * 0.15, totals * 0.2)
    >>> fit = fit_flows(totals=totals, flows=flows, census_years=years)
    >>> simulate_flows(fit, horizon=4, simulations=9, rng=np.random.default_rng(0)).shape
    (10, 2, 4)
    """
    return simulate_flow_paths(fit, horizon=horizon, simulations=simulations, rng=rng)[0]


def _student_t(t_draw: np.ndarray, chi: np.ndarray, df: float) -> np.ndarray:
    """Student-t from a path's normal and uniform draws (the same draws at every horizon)."""
    return t_draw * np.sqrt(df / chi2.ppf(np.clip(chi, 1e-6, 1 - 1e-6), df))


def simulate_flow_paths(
    fit: FlowFit, *, horizon: int, simulations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray | None]:
    """Simulated LA totals as :func:`simulate_flows` gives them (the same draws, so the same
    paths), and the first year's new plans and net outflow on those paths, shape
    (simulations + 1, LAs, 2), path 0 the point of :func:`first_year_flows`; None when
    the fit has no spread for the flows.

    A path's flows take its England shock and its LAs' quantile levels, applied to the
    spread of the flows' own past errors; no further random numbers are drawn.

    Examples
    --------
    >>> years = np.arange(2016, 2024)
    >>> totals = np.array([[1000.0 * 1.08**k for k in range(8)], [500 * 1.1**k for k in range(8)]])
    >>> flows = FlowSeries(years, totals * 0.15, totals * 0.2)
    >>> fit = fit_flows(totals=totals, flows=flows, census_years=years)
    >>> paths, flow_paths = simulate_flow_paths(fit, horizon=4, simulations=9,
    ...                                         rng=np.random.default_rng(0))
    >>> paths.shape, flow_paths.shape
    ((10, 2, 4), (10, 2, 2))
    """
    point = fit.point(horizon)
    size = np.maximum(fit.size, 1.0)
    n_la = size.size
    u = rng.integers(0, _LEVELS.size, (simulations, n_la))
    t_draw = rng.standard_normal(simulations)
    chi = rng.random(simulations)
    noise = np.empty((simulations, n_la, horizon))
    known = len(fit.nat_sd)
    for h in range(horizon):
        k = min(h, known - 1)
        widen = (h + 1) / (k + 1)
        t = _student_t(t_draw, chi, fit.nat_df[k])
        a, c = fit.la_var[k]
        local = fit.la_quantiles[k][u] * np.sqrt(a + c / size)[None, :]
        noise[:, :, h] = widen * (t[:, None] * fit.nat_sd[k] + local)
    # Errors were log(forecast / actual): the actual is the forecast divided by exp(error).
    paths = point[None] * np.exp(-noise)
    totals = np.concatenate([point[None], paths], axis=0)
    if fit.flow_spread is None:
        return totals, None
    _, n_rates, e_rates = _stepped(fit, 1)
    flow_paths = np.empty((simulations + 1, n_la, 2))
    for j, (rate, spread, low) in enumerate(
        zip(
            (n_rates[:, 0], e_rates[:, 0]),
            fit.flow_spread,
            (0.0, -_MAX_RATE),
            strict=True,
        )
    ):
        t = _student_t(t_draw, chi, spread.nat_df)
        a, c = spread.la_var
        error = t[:, None] * spread.nat_sd + spread.la_quantiles[u] * np.sqrt(a + c / size)
        # Errors were forecast less published: the published is the forecast less the error.
        flow_paths[0, :, j] = rate * size
        flow_paths[1:, :, j] = np.clip(rate[None, :] - error, low, _MAX_RATE) * size
    return totals, flow_paths


@dataclass(frozen=True)
class FlowBands:
    """Each LA's first-year new plans and net outflow with their 80 % intervals (10th and
    90th percentiles of the simulated paths, widened where needed to hold the point)."""

    new_plans: np.ndarray
    new_lower: np.ndarray
    new_upper: np.ndarray
    net_outflow: np.ndarray
    out_lower: np.ndarray
    out_upper: np.ndarray


def flow_bands(flow_paths: np.ndarray) -> FlowBands:
    """The 80 % intervals of :func:`simulate_flow_paths`' flows, per LA.

    Examples
    --------
    >>> paths = np.stack([np.full((2, 2), 10.0), *[np.full((2, 2), float(k)) for k in range(11)]])
    >>> b = flow_bands(paths)
    >>> b.new_lower.tolist(), b.new_plans.tolist(), b.new_upper.tolist()
    ([1.0, 1.0], [10.0, 10.0], [10.0, 10.0])
    """
    lower, upper = np.quantile(flow_paths[1:], [0.1, 0.9], axis=0)
    point = flow_paths[0]
    lower = np.minimum(lower, point)
    upper = np.maximum(upper, point)
    return FlowBands(
        new_plans=point[:, 0],
        new_lower=lower[:, 0],
        new_upper=upper[:, 0],
        net_outflow=point[:, 1],
        out_lower=lower[:, 1],
        out_upper=upper[:, 1],
    )
