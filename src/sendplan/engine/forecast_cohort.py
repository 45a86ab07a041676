"""A cohort-by-age-band model of LA caseload totals (band progression ratios).

The published age bands (under 5, 5-10, 11-15, 16-19, 20-25; 2010-2022 from the 2022
release, 2024 on from single ages) are moved forward a year at a time. With ``w(b)`` the
width of band ``b`` in years and plans spread evenly over a band's ages, the plans that
could be in band ``b`` next January are those staying in it plus those ageing in::

    pool(b, t+1) = N(b, t) * (1 - 1/w(b)) + N(b-1, t) / w(b-1),    pool(0, t+1) = N(0, t)

and the model is ``N(b, t+1) = r(b) * pool(b, t+1)``. The progression ratio ``r(b)`` is
net: above 1 means more new plans than ceased ones at those ages (for the youngest band
it is the entry rate relative to its stock), below 1 net ceasing (the 16, 19 and 25
transitions show up in the 16-19 and 20-25 ratios; plans leave the last band at 26).

Ratios are estimated from consecutive years with bands for the same LA:

* England's log ratio per band, an exponentially weighted mean (weight ``lam`` per year of
  age) of its recent years - the rates' recent trend level, not their 2010 level;
* each LA's deviation from England's, a weighted mean over the same years shrunk toward 0
  by empirical Bayes (noise variance ``s0 + s1 / pool``, so small LAs shrink hard), which
  decays by ``rho`` a year ahead ("synthetic" cohort change: local ratios move as
  England's do).

``lam`` and ``rho`` are chosen inside every fit by rolling-origin error of the totals on
the fitted history only. A population projection, when given, acts on this model's totals
exactly as on the growth model's (``forecast.py``: ratios per head, relative to the
origin). Beyond 3 years the implied yearly growth is damped like the
growth model's (:data:`~sendplan.engine.forecast_model.LONG_RUN_DAMPING`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

from sendplan.engine.codes import PHASES
from sendplan.engine.forecast_model import LONG_RUN_DAMPING

# Years of age in each AGE_BANDS band (the phases): 5, 6, 5, 4, 6.
BAND_WIDTHS = np.array([float(high - low + 1) for low, high in PHASES.values()])
# Ways to get LA totals: the pooled growth model, this band model, or their mean.
METHODS = ("growth", "cohort", "combined")
COHORT_LAMBDAS = (0.5, 0.7, 0.85)
COHORT_RHOS = (0.7, 0.85, 1.0)
_WINDOW = 6  # year pairs looked at
_CV_HORIZONS = 3
_MIN_PAIRS = 2  # year pairs needed before an origin can be scored


@dataclass(frozen=True)
class CohortFit:
    """A fitted band model at one origin.

    ``start[l, b]``: plans by band at the origin, scaled to the LA's origin total;
    ``nat_log_ratio[b]``: England's carried log progression ratio; ``effect[l, b]``: the
    LA's shrunk log deviation; ``pairs``: year pairs with bands behind the fit (0 means
    no band history: England's shares are held).
    """

    start: np.ndarray
    nat_log_ratio: np.ndarray
    effect: np.ndarray
    lam: float
    rho: float
    pairs: int

    def project(self, horizon: int) -> np.ndarray:
        """Plans by band, shape (LAs, horizon, bands)."""
        return _project(self.start, self.nat_log_ratio, self.effect, self.rho, horizon)

    def point(self, horizon: int) -> np.ndarray:
        """Total plans per LA, shape (LAs, horizon)."""
        return self.project(horizon).sum(axis=2)


def _pool(bands: np.ndarray) -> np.ndarray:
    """Plans that could be in each band a year later (..., bands)."""
    out = np.empty_like(bands)
    out[..., 0] = bands[..., 0]
    out[..., 1:] = (
        bands[..., 1:] * (1.0 - 1.0 / BAND_WIDTHS[1:]) + bands[..., :-1] / (BAND_WIDTHS[:-1])
    )
    return out


def _project(
    start: np.ndarray,
    nat: np.ndarray,
    effect: np.ndarray,
    rho: float,
    horizon: int,
) -> np.ndarray:
    out = np.empty((start.shape[0], horizon, start.shape[1]))
    current = start
    total0 = np.maximum(start.sum(axis=1), 1e-9)
    previous = total0
    for h in range(horizon):
        ratio = np.exp(nat[None, :] + rho ** (h + 1) * effect)
        step = _pool(current) * ratio
        if h >= _CV_HORIZONS:
            # The same long-run assumption as the growth model: yearly growth fades.
            growth = np.log(np.maximum(step.sum(axis=1), 1e-9) / previous)
            damped = growth * LONG_RUN_DAMPING ** (h + 1 - _CV_HORIZONS)
            step = step * np.exp(damped - growth)[:, None]
        previous = np.maximum(step.sum(axis=1), 1e-9)
        out[:, h] = step
        current = step
    return out


def _log_ratios(bands: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per LA, year pair and band: log ratio, pool size, and England's log ratio."""
    pool = _pool(bands[:, :-1])
    actual = bands[:, 1:]
    ok = ~np.isnan(pool).any(axis=2, keepdims=True) & ~np.isnan(actual).any(axis=2, keepdims=True)
    ok = ok & (pool > 0) & (actual > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(ok, np.log(actual / pool), np.nan)
        nat = np.log(np.where(ok, actual, 0.0).sum(axis=0) / np.where(ok, pool, 0.0).sum(axis=0))
    return own, np.where(ok, pool, np.nan), nat


def _estimate(bands: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray, int]:
    """England's carried log ratios (bands,), shrunk LA deviations (L, bands), pairs used."""
    own, pool, nat = _log_ratios(bands)
    usable = np.flatnonzero(~np.isnan(nat).all(axis=1))[-_WINDOW:]
    n_band = bands.shape[2]
    if usable.size == 0:
        return np.zeros(n_band), np.zeros((bands.shape[0], n_band)), 0
    # Weights by the pair's age in years: a gap in the history (2023) ages the older pairs.
    age = (bands.shape[1] - 2) - usable
    w = lam ** age.astype(float)
    own, pool, nat = own[:, usable], pool[:, usable], nat[usable]
    ok_nat = ~np.isnan(nat)
    wn = np.where(ok_nat, w[:, None], 0.0)
    carried = np.where(
        wn.sum(axis=0) > 0,
        np.nansum(wn * np.nan_to_num(nat), axis=0) / np.maximum(wn.sum(axis=0), 1e-12),
        0.0,
    )
    dev = own - nat[None]
    ok = ~np.isnan(dev)
    wl = np.where(ok, w[None, :, None], 0.0)
    wsum = wl.sum(axis=1)
    mean = np.where(wsum > 0, (wl * np.nan_to_num(dev)).sum(axis=1) / np.maximum(wsum, 1e-12), 0)
    n_eff = np.where(wsum > 0, wsum**2 / np.maximum((wl**2).sum(axis=1), 1e-12), 0.0)
    mean_pool = np.where(
        wsum > 0, (wl * np.nan_to_num(pool)).sum(axis=1) / np.maximum(wsum, 1e-12), 0.0
    )
    effect = np.zeros_like(mean)
    for b in range(n_band):
        effect[:, b] = _shrink(dev[:, :, b], wl[:, :, b], mean[:, b], n_eff[:, b], mean_pool[:, b])
    return carried, effect, int(usable.size)


def _shrink(
    dev: np.ndarray, w: np.ndarray, mean: np.ndarray, n_eff: np.ndarray, size: np.ndarray
) -> np.ndarray:
    """Empirical-Bayes shrinkage of LA mean deviations toward 0 (one band)."""
    wsum = w.sum(axis=1)
    resid2 = np.where(w > 0, (np.nan_to_num(dev) - mean[:, None]) ** 2, 0.0)
    within = np.where(n_eff > 1, (w * resid2).sum(axis=1) / np.maximum(wsum, 1e-12), np.nan)
    within *= np.where(n_eff > 1, n_eff / np.maximum(n_eff - 1, 1e-12), np.nan)
    good = ~np.isnan(within) & (size > 0)
    if good.sum() >= 3:
        design = np.column_stack([np.ones(good.sum()), 1.0 / size[good]])
        coef, _ = nnls(design, within[good])
    else:
        coef = np.array([1e-2, 1.0])
    noise = coef[0] + coef[1] / np.maximum(size, 1.0)
    sampling = noise / np.maximum(n_eff, 1.0)
    seen = n_eff > 0
    if seen.sum() < 2:
        return np.zeros_like(mean)
    between = max(float(np.var(mean[seen]) - np.mean(sampling[seen])), 1e-6)
    return np.where(seen, between / (between + sampling), 0.0) * mean


def _start(
    bands: np.ndarray, totals: np.ndarray, nat: np.ndarray, effect: np.ndarray
) -> np.ndarray:
    """Origin bands scaled to the origin totals; an LA without bands at the origin is moved
    on from its last year with bands (or takes England's latest shares)."""
    known = ~np.isnan(bands).any(axis=2) & (np.nan_to_num(bands).sum(axis=2) > 0)
    n_la, n_year, n_band = bands.shape
    start = np.full((n_la, n_band), np.nan)
    latest_any = np.flatnonzero(known.any(axis=0))
    nat_share = np.full(n_band, 1.0 / n_band)
    if latest_any.size:
        j = int(latest_any[-1])
        total = np.where(known[:, j, None], bands[:, j], 0.0).sum(axis=0)
        nat_share = total / total.sum()
        # England's shares moved on to the origin, so that LAs without bands age as well.
        for _ in range(n_year - 1 - j):
            moved = _pool(nat_share) * np.exp(nat)
            nat_share = moved / moved.sum()
    for i in range(n_la):
        seen = np.flatnonzero(known[i])
        if seen.size and n_year - 1 - int(seen[-1]) <= 2:
            vec = bands[i, seen[-1]]
            for _ in range(n_year - 1 - int(seen[-1])):
                vec = _pool(vec) * np.exp(nat + effect[i])
        else:
            vec = nat_share
        start[i] = vec / max(float(vec.sum()), 1e-9)
    return start * np.nan_to_num(totals[:, -1])[:, None]


def _cv_error(bands: np.ndarray, totals: np.ndarray, lam: float, rho: float) -> float | None:
    """Mean over in-history origins and horizons 1-3 of the totals' MAPE."""
    scores = []
    for origin in range(_MIN_PAIRS + 1, totals.shape[1] - 1):
        nat, effect, pairs = _estimate(bands[:, : origin + 1], lam)
        if pairs < _MIN_PAIRS:
            continue
        start = _start(bands[:, : origin + 1], totals[:, : origin + 1], nat, effect)
        horizon = min(_CV_HORIZONS, totals.shape[1] - 1 - origin)
        point = _project(start, nat, effect, rho, horizon).sum(axis=2)
        actual = totals[:, origin + 1 : origin + 1 + horizon]
        ok = ~np.isnan(actual) & (actual > 0) & (point > 0)
        for h in range(horizon):
            at = ok[:, h]
            if at.any():
                scores.append(float(np.mean(np.abs(point[at, h] / actual[at, h] - 1.0))))
    return float(np.mean(scores)) if scores else None


def fit_cohort(bands: np.ndarray, totals: np.ndarray) -> CohortFit:
    """Fit the band progression model (bands: LAs x years x 5, totals: LAs x years).

    Examples
    --------
    >>> years = 8
    >>> bands = np.array([[[10.0, 60, 50, 20, 5]]]) * 1.08 ** np.arange(years)[None, :, None]
    >>> fit = fit_cohort(bands, bands.sum(axis=2))
    >>> growth = fit.point(1)[0, 0] / bands[0, -1].sum()
    >>> bool(1.0 < growth < 1.2)
    True
    """
    best: tuple[float, float, float] = (float("inf"), 0.7, 1.0)
    for lam, rho in itertools.product(COHORT_LAMBDAS, COHORT_RHOS):
        score = _cv_error(bands, totals, lam, rho)
        if score is not None and score < best[0]:
            best = (score, lam, rho)
    _, lam, rho = best
    nat, effect, pairs = _estimate(bands, lam)
    start = _start(bands, totals, nat, effect)
    return CohortFit(start, nat, effect, lam, rho, pairs)


def bands_of(
    bands: np.ndarray | None, ages: np.ndarray, band_cells: tuple[tuple[str, int, int], ...]
) -> np.ndarray:
    """The history's bands, or (for a history built without them) sums of its single ages.

    Examples
    --------
    >>> ages = np.ones((1, 2, 4))
    >>> bands_of(None, ages, (("a", 0, 1), ("b", 1, 4)))[0, 0].tolist()
    [1.0, 3.0]
    """
    if bands is not None:
        return bands
    return np.stack([ages[..., lo:hi].sum(axis=2) for _, lo, hi in band_cells], axis=2)


def method_point(method: str, growth_point: np.ndarray, cohort_point: np.ndarray) -> np.ndarray:
    """The point forecast of ``method``: ``growth``, ``cohort`` or ``combined`` (the equal-
    weight mean of the two).

    Examples
    --------
    >>> method_point("combined", np.array([[100.0]]), np.array([[110.0]])).tolist()
    [[105.0]]
    """
    if method == "growth":
        return growth_point
    if method == "cohort":
        return cohort_point
    if method == "combined":
        return 0.5 * (growth_point + cohort_point)
    raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
