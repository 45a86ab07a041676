"""Placement types for the caseload forecast: reading them from the release, and projecting
their shares.

The 2023-onwards release gives, per LA, the plans by type of setting for every January
from 2019 (``All EHC plans`` rows) and by single year of age for 2024 and 2025. The setting
columns are grouped into six placement types, the ones commissioners plan places by:

* ``mainstream`` - mainstream schools (maintained, academy, free, independent) outside
  their resourced provision and SEN units;
* ``resourced`` - resourced provision and SEN units in mainstream schools;
* ``special`` - LA-maintained special schools, special academies and free schools;
* ``independent`` - independent and non-maintained special schools;
* ``post16`` - further education and post-16 (general FE, specialist post-16 institutions,
  other post-16 providers: the release's ``fe_total``);
* ``other`` - everything else: alternative provision and PRUs, educated elsewhere (home
  education, other arrangements, NEET), non-maintained early years, awaiting provision and
  placement not recorded. It is the plan total minus the five groups above, so the six
  always add up to the published total.

Projection: each LA's shares are age-specific (from the latest single-age year, shrunk toward
England's shares at that age), so ageing moves the mix by itself (more 16-19s, more FE).
On top, every LA's shares drift as England's did over the published years - the
"synthetic" rule that local ratios change as the national ratios do - damped by
:data:`SHARE_DRIFT_DAMPING` a year because a share trend cannot run on for ever.

This module deliberately imports nothing from the rest of the forecast (the data module
imports it), so it works on plain arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

PLACEMENTS: tuple[str, ...] = (
    "mainstream",
    "resourced",
    "special",
    "independent",
    "post16",
    "other",
)
_COMPONENTS: dict[str, tuple[str, ...]] = {
    "mainstream": (
        "mainstream_la_maintained",
        "mainstream_academy",
        "mainstream_free_school",
        "mainstream_independent",
    ),
    "resourced": (
        "mainstream_la_maintained_resourced_provision",
        "mainstream_la_maintained_senunit",
        "mainstream_academy_resourced_provision",
        "mainstream_academy_senunit",
        "mainstream_free_school_resourced_provision",
        "mainstream_free_school_senunit",
    ),
    "special": ("special_la_maintained", "special_academy_free"),
    "independent": ("special_independent", "special_non_maintained"),
    "post16": ("fe_total",),
}
PLACEMENT_COLUMNS: tuple[str, ...] = tuple(c for cols in _COMPONENTS.values() for c in cols)
SHARE_DRIFT_DAMPING = 0.8  # an assumption (ADR 0103): share trends fade, 4 years' worth at most
_SHRINK_PLANS = 20.0  # prior weight, in plans, of England's age-specific share
_MAX_CONCENTRATION = 400.0
_DRIFT_YEARS = 6  # national share trend fitted over at most the last 6 years


def has_placement_columns(columns: Sequence[str]) -> bool:
    """True when a caseload table carries every setting column the groups need.

    Examples
    --------
    >>> has_placement_columns(["ehcplans"]), has_placement_columns(PLACEMENT_COLUMNS)
    (False, True)
    """
    return all(c in columns for c in PLACEMENT_COLUMNS)


def placement_counts(parse: Callable[[str], pl.Series], total: pl.Series) -> pl.DataFrame:
    """The six group counts of a caseload table's rows (null where any part is suppressed).

    ``parse`` turns a column name into a Float64 series of counts (null for ``x``/``z``);
    ``total`` is the parsed ``ehcplans`` column.

    Examples
    --------
    >>> cols = {c: pl.Series([1.0]) for c in PLACEMENT_COLUMNS}
    >>> placement_counts(cols.__getitem__, pl.Series([30.0])).row(0)
    (4.0, 6.0, 2.0, 2.0, 1.0, 15.0)
    """
    groups = {name: pl.Series(name, np.zeros(len(total)), dtype=pl.Float64) for name in _COMPONENTS}
    for name, columns in _COMPONENTS.items():
        for column in columns:
            groups[name] = groups[name] + parse(column)
    known = sum((groups[n] for n in _COMPONENTS), pl.Series(np.zeros(len(total))))
    other = (total - known).clip(lower_bound=0.0)
    return pl.DataFrame([*(groups[n].alias(n) for n in _COMPONENTS), other.alias("other")])


@dataclass(frozen=True)
class PlacementModel:
    """``shares[l, c, p]``: LA ``l``'s share of age cell ``c`` in placement ``p`` at the
    origin; ``drift[p]`` England's log-share trend a year; ``drift_se[p]`` its standard
    error; ``size[l]`` plans behind the LA's mix."""

    shares: np.ndarray
    drift: np.ndarray
    drift_se: np.ndarray
    size: np.ndarray
    year: int


def fit_placements(
    *,
    counts: np.ndarray,
    by_age: np.ndarray | None,
    years: np.ndarray,
    n_cells: int,
) -> PlacementModel | None:
    """Fit age-specific shares and England's share drift.

    Parameters
    ----------
    counts
        (LAs, years, placements) plans by group at each January (NaN where not published).
    by_age
        (LAs, age cells, placements) for the latest single-age year, or None.
    years
        The census years of ``counts``' second axis.
    n_cells
        Number of age cells.

    Examples
    --------
    >>> c = np.array([[[50.0, 10, 20, 5, 10, 5], [60, 12, 21, 6, 12, 6]]])
    >>> m = fit_placements(counts=c, by_age=None, years=np.array([2024, 2025]), n_cells=3)
    >>> m.shares.shape, round(float(m.shares[0, 0].sum()), 6)
    ((1, 3, 6), 1.0)
    """
    seen = ~np.isnan(counts).any(axis=2) & (np.nansum(counts, axis=2) > 0)
    usable = seen.any(axis=0)
    if not usable.any():
        return None
    last = int(np.flatnonzero(usable)[-1])
    national = np.where(seen[:, :, None], counts, 0.0).sum(axis=0)  # (years, P)
    nat_share = national / np.maximum(national.sum(axis=1, keepdims=True), 1e-9)
    # LA mix at the latest year with data, shrunk toward England's.
    own = np.where(seen[:, last, None], counts[:, last], 0.0)
    size = own.sum(axis=1)
    la_share = (own + _SHRINK_PLANS * nat_share[last]) / (size[:, None] + _SHRINK_PLANS)
    shares = np.broadcast_to(la_share[:, None, :], (counts.shape[0], n_cells, len(PLACEMENTS)))
    if by_age is not None and np.nansum(by_age) > 0:
        ages = np.nan_to_num(by_age)
        nat_age = ages.sum(axis=0)
        nat_age = (nat_age + _SHRINK_PLANS * nat_share[last]) / (
            nat_age.sum(axis=1, keepdims=True) + _SHRINK_PLANS
        )
        cell_size = ages.sum(axis=2, keepdims=True)
        shares = (ages + _SHRINK_PLANS * nat_age[None]) / (cell_size + _SHRINK_PLANS)
    drift = np.zeros(len(PLACEMENTS))
    drift_se = np.zeros(len(PLACEMENTS))
    rows = np.flatnonzero(usable)[-_DRIFT_YEARS:]
    if rows.size >= 3:
        t = years[rows].astype(float) - float(years[rows].mean())
        y = np.log(np.maximum(nat_share[rows], 1e-6))
        drift = (t[:, None] * (y - y.mean(axis=0))).sum(axis=0) / (t**2).sum()
        resid = y - y.mean(axis=0) - t[:, None] * drift
        drift_se = np.sqrt((resid**2).sum(axis=0) / max(rows.size - 2, 1) / (t**2).sum())
    return PlacementModel(
        np.array(shares), drift, drift_se, np.maximum(size, 1.0), int(years[last])
    )


def share_noise(
    model: PlacementModel, *, simulations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Per-path uncertainty, drawn once per path (path 0, the point, has none).

    Returns (mix, drift): a Dirichlet multiplier of each LA's mix (S+1, L, P) whose
    concentration grows with the LA's plans, and England's drift per path (S+1, P).

    Examples
    --------
    >>> c = np.array([[[50.0, 10, 20, 5, 10, 5], [60, 12, 21, 6, 12, 6]]])
    >>> m = fit_placements(counts=c, by_age=None, years=np.array([2024, 2025]), n_cells=3)
    >>> [a.shape for a in share_noise(m, simulations=4, rng=np.random.default_rng(0))]
    [(5, 1, 6), (5, 6)]
    """
    n_la = model.shares.shape[0]
    mix = model.shares.mean(axis=1)
    conc = np.minimum(model.size, _MAX_CONCENTRATION)[:, None]
    draw = rng.gamma(np.maximum(conc * mix, 1e-3), size=(simulations, n_la, len(PLACEMENTS)))
    noise = draw / np.maximum(draw.sum(axis=2, keepdims=True), 1e-12) / mix
    noise = np.concatenate([np.ones((1, n_la, len(PLACEMENTS))), noise])
    drift = model.drift + rng.normal(0.0, 1.0, (simulations, len(PLACEMENTS))) * model.drift_se
    return noise, np.concatenate([model.drift[None], drift])


def placement_paths(
    ages: np.ndarray,
    model: PlacementModel,
    *,
    years_ahead: int,
    mix: np.ndarray,
    drift: np.ndarray,
) -> np.ndarray:
    """Plans by placement (S, L, P) from the age vectors (S, L, cells) of one year.

    The shares at ``years_ahead`` after the fitted year are the age-specific shares times
    ``exp(drift * sum_k damping**k)``, renormalised; the result adds up to the age total.

    Examples
    --------
    >>> c = np.array([[[50.0, 10, 20, 5, 10, 5], [60, 12, 21, 6, 12, 6]]])
    >>> m = fit_placements(counts=c, by_age=None, years=np.array([2024, 2025]), n_cells=2)
    >>> mix, drift = share_noise(m, simulations=2, rng=np.random.default_rng(0))
    >>> out = placement_paths(np.full((3, 1, 2), 50.0), m, years_ahead=1, mix=mix, drift=drift)
    >>> round(float(out[0, 0].sum()), 6)
    100.0
    """
    k = np.arange(1, years_ahead + 1)
    weight = float(np.sum(SHARE_DRIFT_DAMPING**k))
    tilt = np.exp(drift * weight)[:, None, :] * mix  # (S, L, P)
    # Each cell's shares are tilted and renormalised without building (S, L, C, P): batched
    # per-LA products through BLAS.
    by_la = np.ascontiguousarray(tilt.transpose(1, 0, 2))  # (L, S, P)
    denom = np.matmul(by_la, np.ascontiguousarray(model.shares.transpose(0, 2, 1)))  # (L, S, C)
    scaled = np.ascontiguousarray(ages.transpose(1, 0, 2)) / np.maximum(denom, 1e-12)
    return (np.matmul(scaled, model.shares) * by_la).transpose(1, 0, 2)
