"""The pooled growth model for LA caseload totals, and its simulation.

Log growth of LA ``i`` in year ``t`` is split into England's growth ``G(t)`` and the LA's
deviation ``D(i, t)``. The forecast carries England's recent growth forward (exponentially
weighted, optionally damped by ``phi``) plus the LA's persistent deviation, shrunk toward
zero by empirical Bayes (small or noisy LAs get close to England's growth) and decaying by
``rho`` a year. The three settings are chosen inside every fit by rolling-origin error on
the fitted history only, so a backtest refit never sees its own future.

Intervals come from simulated paths. Each path draws, once, a national drift error and an
LA effect error (parameter uncertainty, which grows like ``h``), then yearly national and
LA shocks (which grow like ``sqrt(h)``). Their sizes are fitted to the rolling-origin
errors of the same history, with the LA terms depending on caseload size, and finally
scaled so that 80 % of past errors fall inside the 80 % interval. England's part is never
narrower than a random walk in its growth rate, sized from how much England's growth has
changed from year to year lately: past h-year errors are at least h years old, so they
cannot yet show a change of regime that the latest growth years already show.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

_Z80 = 1.2815515655446004
LAMBDAS = (0.5, 0.7, 0.85)
PHIS = (0.8, 0.9, 1.0)
RHOS = (0.5, 0.7, 0.85, 1.0)
_WINDOW = 6  # growth years looked at; weights make older ones matter little
_CV_HORIZONS = 3
_MIN_GROWTHS = 3  # growth years needed before an origin can be scored
LONG_RUN_DAMPING = 0.9
_ERROR_DECAY = 0.6  # weight of a past error per year of age, for the interval widths


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, q * cum[-1])])


@dataclass(frozen=True)
class GrowthFit:
    """A fitted growth model at one origin (``totals`` columns up to the origin)."""

    size: np.ndarray  # plans per LA at the origin
    drift: float  # England log growth carried forward
    effect: np.ndarray  # shrunk LA log-growth deviation
    lam: float
    phi: float
    rho: float
    nat_var: tuple[float, float]  # (drift uncertainty, yearly shock) variances
    la_var: tuple[float, float, float, float]  # coefficients of h2, h, h2/N, h/N
    cv_origins: int
    # Multipliers of the simulated log deviations at horizons 1, 2, ... (the last one holds
    # beyond), fitted so that 80 % of this history's own out-of-sample errors at that
    # horizon fall inside the 80 % interval.
    horizon_scale: tuple[float, ...] = (1.0,)
    nat_scale: tuple[float, ...] = (1.0,)  # the same for England's part
    nat_df: float = 0.0  # Student-t degrees of freedom of England's part; 0 = normal
    # Variance of the yearly change in England's growth rate (recent years weigh more); the
    # floor under England's part at horizon h is this times 1 + 4 + ... + h^2.
    nat_walk: float = 0.0

    def point(self, horizon: int) -> np.ndarray:
        """Cumulative log growth, shape (LAs, horizon)."""
        return _cumulative(self.drift, self.effect, self.phi, self.rho, horizon)


def _cumulative(
    drift: float | np.ndarray, effect: np.ndarray, phi: float, rho: float, horizon: int
) -> np.ndarray:
    k = np.arange(1, horizon + 1)
    # Beyond the horizons the backtests can check, England's growth is damped further:
    # an assumption (stated in ADR 0103), not something the history can confirm.
    beyond = LONG_RUN_DAMPING ** np.maximum(k - _CV_HORIZONS, 0)
    nat = np.cumsum(phi**k * beyond) * np.asarray(drift)[..., None]
    la = np.cumsum(rho**k) * effect[..., None]
    return nat + la


def _growths(totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LA log growths (L, T-1) and England's (T-1,), over LAs with both years."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(totals > 0, totals, np.nan))
    g = np.diff(logs, axis=1)
    both = ~np.isnan(g)
    prev = np.where(both, totals[:, :-1], 0.0).sum(axis=0)
    curr = np.where(both, totals[:, 1:], 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        nat = np.log(curr / prev)
    return g, nat


def _estimate(totals: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
    """England drift and shrunk LA effects from the last ``_WINDOW`` growth years."""
    g, nat = _growths(totals)
    g, nat = g[:, -_WINDOW:], nat[-_WINDOW:]
    w = lam ** np.arange(g.shape[1])[::-1]
    ok_nat = ~np.isnan(nat)
    drift = float(np.sum(w[ok_nat] * nat[ok_nat]) / np.sum(w[ok_nat]))
    dev = g - nat
    ok = ~np.isnan(dev)
    wl = np.where(ok, w, 0.0)
    wsum = wl.sum(axis=1)
    mean = np.where(
        wsum > 0, np.nansum(wl * np.nan_to_num(dev), axis=1) / np.maximum(wsum, 1e-12), 0.0
    )
    # Effective number of years behind each weighted mean.
    n_eff = np.where(wsum > 0, wsum**2 / np.maximum((wl**2).sum(axis=1), 1e-12), 0.0)
    resid2 = np.where(ok, (dev - mean[:, None]) ** 2, 0.0)
    within = np.where(n_eff > 1, (wl * resid2).sum(axis=1) / np.maximum(wsum, 1e-12), np.nan)
    within *= np.where(n_eff > 1, n_eff / np.maximum(n_eff - 1, 1e-12), np.nan)
    size = totals[:, -1]
    # Yearly noise of an LA's deviation falls with its size: var = s0 + s1 / N.
    good = ~np.isnan(within) & (size > 0)
    design = np.column_stack([np.ones(good.sum()), 1.0 / size[good]])
    coef, _ = nnls(design, within[good]) if good.sum() >= 2 else (np.array([1e-3, 1.0]), 0.0)
    noise = coef[0] + coef[1] / np.maximum(size, 1.0)
    sampling = noise / np.maximum(n_eff, 1.0)
    between = max(float(np.var(mean[n_eff > 0]) - np.mean(sampling[n_eff > 0])), 1e-6)
    shrink = np.where(n_eff > 0, between / (between + sampling), 0.0)
    return drift, shrink * mean


def _cv_errors(
    totals: np.ndarray, lam: float, phi: float, rho: float
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Rolling-origin log errors: (h, LA errors, LA sizes, national error) per origin."""
    out = []
    for origin in range(_MIN_GROWTHS, totals.shape[1] - 1):
        past = totals[:, : origin + 1]
        drift, effect = _estimate(past, lam)
        horizon = min(_CV_HORIZONS, totals.shape[1] - 1 - origin)
        point = past[:, -1:] * np.exp(_cumulative(drift, effect, phi, rho, horizon))
        actual = totals[:, origin + 1 : origin + 1 + horizon]
        for h in range(horizon):
            ok = ~np.isnan(actual[:, h]) & ~np.isnan(point[:, h]) & (actual[:, h] > 0)
            err = np.log(actual[ok, h] / point[ok, h])
            nat = float(np.log(actual[ok, h].sum() / point[ok, h].sum()))
            out.append((h + 1, err, past[ok, -1], np.array([nat, origin + h + 1])))
    return out


def _choose(totals: np.ndarray) -> tuple[float, float, float, int]:
    """Settings with the lowest rolling-origin MAPE over horizons 1-3 of this history."""
    best = (float("inf"), 0.7, 1.0, 0.7)
    n_origins = max(totals.shape[1] - 1 - _MIN_GROWTHS, 0)
    if n_origins < 2:
        return best[1], best[2], best[3], n_origins
    for lam, phi, rho in itertools.product(LAMBDAS, PHIS, RHOS):
        errors = _cv_errors(totals, lam, phi, rho)
        score = float(np.mean([np.mean(np.abs(np.expm1(-e[1]))) for e in errors]))
        if score < best[0]:
            best = (score, lam, phi, rho)
    return best[1], best[2], best[3], n_origins


def fit_growth(totals: np.ndarray) -> GrowthFit:
    """Fit the growth model to LA totals (LAs x years, oldest first, last = origin).

    Examples
    --------
    >>> totals = np.array([[100.0, 110, 121, 133, 146, 161], [50, 54, 58, 63, 68, 73]])
    >>> fit = fit_growth(totals)
    >>> bool(0.05 < fit.drift < 0.12)
    True
    """
    lam, phi, rho, n_origins = _choose(totals)
    drift, effect = _estimate(totals, lam)
    nat_var: tuple[float, float] = (0.02**2, 0.01**2)
    la_var: tuple[float, float, float, float] = (1e-4, 1e-4, 0.05, 0.05)
    errors = _cv_errors(totals, lam, phi, rho) if n_origins >= 2 else []
    horizon_scale: tuple[float, ...] = (1.0,)
    nat_scale: tuple[float, ...] = (1.0,)
    nat_df = 0.0
    if errors:
        hs = np.array([e[0] for e in errors], dtype=float)
        nat = np.array([float(e[3][0]) for e in errors])
        # Recent errors count more: the growth regime of the early 2010s is not today's.
        age = totals.shape[1] - 1 - np.array([e[3][1] for e in errors])
        wt = _ERROR_DECAY**age
        coef_n, _ = nnls(np.column_stack([hs**2, hs]) * np.sqrt(wt)[:, None], nat**2 * np.sqrt(wt))
        nat_var = (max(float(coef_n[0]), 1e-8), max(float(coef_n[1]), 1e-8))
        h_la = np.concatenate([np.full(e[1].size, e[0], dtype=float) for e in errors])
        r_la = np.concatenate([e[1] - float(e[3][0]) for e in errors])
        w_la = np.concatenate([np.full(e[1].size, w) for e, w in zip(errors, wt, strict=True)])
        n_la = np.maximum(np.concatenate([e[2] for e in errors]), 1.0)
        design = np.column_stack([h_la**2, h_la, h_la**2 / n_la, h_la / n_la])
        coef_l, _ = nnls(design * np.sqrt(w_la)[:, None], r_la**2 * np.sqrt(w_la))
        la_var = (float(coef_l[0]), float(coef_l[1]), float(coef_l[2]), float(coef_l[3]))
        sd_la = np.sqrt(np.maximum(design @ np.asarray(la_var), 1e-12))
        horizon_scale = _la_scale(r_la, sd_la, h_la, w_la)
        nat_scale, nat_df = _nat_scale(nat, hs, wt, nat_var)
    nat_walk = _growth_walk(totals)
    nat_scale = _walk_floor(nat_scale, nat_var, nat_walk)
    return GrowthFit(
        size=totals[:, -1].copy(),
        drift=drift,
        effect=effect,
        lam=lam,
        phi=phi,
        rho=rho,
        nat_var=nat_var,
        la_var=la_var,
        cv_origins=n_origins,
        horizon_scale=horizon_scale,
        nat_scale=nat_scale,
        nat_df=nat_df,
        nat_walk=nat_walk,
    )


def _la_scale(
    resid: np.ndarray, sd: np.ndarray, horizon: np.ndarray, weight: np.ndarray
) -> tuple[float, ...]:
    """Per-horizon factor on the LA part: 80 % of past LA residuals (England's error taken
    out) fall inside +-1.28 scaled sd. Squared errors are dominated by a few large misses,
    so the variance fit alone says little about the 80 % point."""
    scale: list[float] = []
    for h in range(1, _CV_HORIZONS + 1):
        at = horizon == h
        if not at.any():
            break
        ratio = np.abs(resid[at]) / np.maximum(sd[at], 1e-9)
        scale.append(_weighted_quantile(ratio, weight[at], 0.8) / _Z80)
    return tuple(scale) or (1.0,)


def _nat_scale(
    errors: np.ndarray, horizon: np.ndarray, weight: np.ndarray, nat_var: tuple[float, float]
) -> tuple[tuple[float, ...], float]:
    """Per-horizon factor on England's part, and the degrees of freedom of its spread.

    England's past error at horizon h is one number per origin, so its variance is the
    weighted mean square of those few numbers; the Student-t degrees of freedom (their
    effective count) carry the uncertainty of that variance into the paths.
    """
    scale: list[float] = []
    df = 0.0
    for h in range(1, _CV_HORIZONS + 1):
        at = horizon == h
        if not at.any():
            break
        w = weight[at]
        mean_square = float(np.sum(w * errors[at] ** 2) / np.sum(w))
        model = nat_var[0] * h * h + nat_var[1] * h
        scale.append(float(np.sqrt(mean_square / max(model, 1e-12))))
        if h == 1:
            df = float(np.sum(w) ** 2 / np.sum(w**2))
    return tuple(scale) or (1.0,), df


def _growth_walk(totals: np.ndarray) -> float:
    """Weighted mean square of the year-to-year changes in England's log growth over the
    last ``_WINDOW`` growth years: the innovation variance of a random walk in the growth
    rate. Recent changes weigh more (``_ERROR_DECAY`` per year of age)."""
    _, nat = _growths(totals)
    changes = np.diff(nat[~np.isnan(nat)][-_WINDOW:])
    if changes.size < 2:
        return 0.0
    w = _ERROR_DECAY ** np.arange(changes.size)[::-1]
    return float(np.sum(w * changes**2) / np.sum(w))


def _walk_floor(
    scale: tuple[float, ...], nat_var: tuple[float, float], walk: float
) -> tuple[float, ...]:
    """England's per-horizon factors, raised where needed so that the variance of its part at
    horizon h is at least ``walk * (1 + 4 + ... + h^2)``: the spread of the cumulative growth
    if the growth rate keeps changing as much as it did lately. The past h-year errors behind
    ``scale`` start h or more years before the origin, so after a change of regime they are
    the last to know; the floor reacts at once, and stops binding once the errors catch up.
    """
    out: list[float] = []
    for h in range(1, _CV_HORIZONS + 1):
        factor = scale[min(h, len(scale)) - 1]
        model = max(nat_var[0] * h * h + nat_var[1] * h, 1e-12)
        floor = walk * sum(k * k for k in range(1, h + 1))
        out.append(float(np.sqrt(max(model * factor * factor, floor) / model)))
    return tuple(out)


def simulate_totals(
    fit: GrowthFit, *, horizon: int, simulations: int, rng: np.random.Generator
) -> np.ndarray:
    """Simulated LA totals, shape (simulations + 1, LAs, horizon); path 0 is the point.

    Examples
    --------
    >>> fit = fit_growth(np.array([[100.0, 110, 121, 133, 146, 161]]))
    >>> simulate_totals(fit, horizon=2, simulations=4, rng=np.random.default_rng(1)).shape
    (5, 1, 2)
    """
    n_la = fit.size.size
    size = np.maximum(fit.size, 1.0)
    tau2, omega2 = fit.nat_var
    a2, a1, c2, c1 = fit.la_var
    drift = rng.normal(0.0, np.sqrt(tau2), (simulations, 1, 1))
    shocks = rng.normal(0.0, np.sqrt(omega2), (simulations, 1, horizon))
    effect = rng.normal(0.0, 1.0, (simulations, n_la, 1)) * np.sqrt(a2 + c2 / size)[:, None]
    yearly = rng.normal(0.0, 1.0, (simulations, n_la, horizon)) * np.sqrt(a1 + c1 / size)[:, None]
    steps = np.arange(horizon)
    la_scale = np.asarray(fit.horizon_scale, dtype=float)
    nat_scale = np.asarray(fit.nat_scale, dtype=float)
    national = np.cumsum(drift + shocks, axis=2) * nat_scale[np.minimum(steps, nat_scale.size - 1)]
    if fit.nat_df > 0:
        # England's spread is itself estimated from a few past errors: Student-t paths.
        df = max(fit.nat_df, 1.0)
        national *= np.sqrt(df / rng.chisquare(df, (simulations, 1, 1)))
    local = np.cumsum(effect + yearly, axis=2) * la_scale[np.minimum(steps, la_scale.size - 1)]
    noise = national + local
    log_paths = np.log(size)[:, None] + fit.point(horizon) + noise
    # Count noise on top: the fitted LA terms are pooled over LAs of every size.
    paths = rng.poisson(np.exp(log_paths)).astype(float)
    point = (size[:, None] * np.exp(fit.point(horizon)))[None]
    return np.concatenate([point, paths], axis=0)
