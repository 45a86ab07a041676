"""England's part of the intervals when England's growth rate itself wanders (ADR 0103:
the random-walk floor)."""

from __future__ import annotations

import numpy as np

from sendplan.engine.forecast_model import fit_growth, simulate_totals


def _england_coverage(calm_years: int, *, reps: int, seed: int) -> np.ndarray:
    """80 % coverage of England's total at horizons 1-3 over independent histories whose
    England growth rate is steady for ``calm_years`` and then a random walk (sd 2 points a
    year) that goes on after the origin: the right coverage is 80 % at every horizon."""
    rng = np.random.default_rng(seed)
    years, n_la = 10, 6
    inside = []
    for _ in range(reps):
        sd = np.where(np.arange(years + 3) < calm_years, 0.001, 0.02)
        growth = 0.05 + np.cumsum(sd * rng.standard_normal(years + 3))
        # Large LAs, so count noise and LA noise are small next to England's.
        la = growth[None, :] + rng.normal(0.0, 0.005, (n_la, years + 3))
        totals = rng.uniform(5e4, 2e5, n_la)[:, None] * np.exp(np.cumsum(la, axis=1))
        fit = fit_growth(totals[:, :years])
        paths = simulate_totals(fit, horizon=3, simulations=400, rng=rng)
        lower, upper = np.quantile(paths[1:].sum(axis=1), [0.1, 0.9], axis=0)
        actual = totals[:, years:].sum(axis=0)
        inside.append((actual >= lower) & (actual <= upper))
    return np.mean(inside, axis=0)


def test_england_bands_follow_a_growth_rate_that_has_just_started_to_wander() -> None:
    # Six calm growth years, then three of a random walk before the origin: England's past
    # 2- and 3-year errors still come from the calm years, so without the random-walk floor
    # coverage is about 60 % at h=2 and 50 % at h=3.
    coverage = _england_coverage(6, reps=120, seed=0)
    assert all(0.7 <= c <= 0.92 for c in coverage[1:]), coverage
    assert coverage[0] <= 0.92


def test_the_floor_widens_england_after_a_jump_in_growth() -> None:
    steady = np.array([[1000.0 * 1.02**k for k in range(8)]] * 5)
    jump = steady.copy()
    jump[:, -1] = jump[:, -2] * 1.12  # England's growth goes from 2 % to 12 % in the last year
    fit_steady, fit_jump = fit_growth(steady), fit_growth(jump)
    assert fit_jump.nat_walk > 0.05**2 > fit_steady.nat_walk
    tau2, omega2 = fit_jump.nat_var
    for h, factor in enumerate(fit_jump.nat_scale, start=1):
        variance = (tau2 * h * h + omega2 * h) * factor**2
        assert variance >= fit_jump.nat_walk * sum(k * k for k in range(1, h + 1)) * (1 - 1e-9)
