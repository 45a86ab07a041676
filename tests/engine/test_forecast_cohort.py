"""The age-band progression model: ratios, shrinkage, bands from the releases, methods."""

from __future__ import annotations

import doctest

import numpy as np
import polars as pl
import pytest

from sendplan.cli.forecast_files import load_caseload
from sendplan.engine import forecast_cohort
from sendplan.engine.forecast import forecast_caseload
from sendplan.engine.forecast_cohort import BAND_WIDTHS, fit_cohort
from sendplan.engine.forecast_data import Area, CaseloadHistory
from tests.engine.test_forecast_data import RELEASE_2022, RELEASE_2025

RATIOS = np.array([1.05, 1.2, 1.1, 0.95, 0.7])


def _grow(start: np.ndarray, ratios: np.ndarray, years: int) -> np.ndarray:
    """Band histories (L, years, 5) that follow the progression rule exactly."""
    out = [start]
    for _ in range(years - 1):
        prev = out[-1]
        pool = np.empty_like(prev)
        pool[:, 0] = prev[:, 0]
        pool[:, 1:] = prev[:, 1:] * (1 - 1 / BAND_WIDTHS[1:]) + prev[:, :-1] / BAND_WIDTHS[:-1]
        out.append(pool * ratios)
    return np.stack(out, axis=1)


def _totals(rows: pl.DataFrame, code: str) -> list[int]:
    return rows.filter(
        (pl.col("area_code") == code) & (pl.col("age_band") == "All") & (pl.col("need") == "All")
    )["ehcplans"].to_list()


def test_public_functions_have_working_examples() -> None:
    assert doctest.testmod(forecast_cohort).failed == 0


def test_ratios_that_never_change_are_recovered_and_projected_exactly() -> None:
    bands = _grow(np.array([[100.0, 600, 500, 200, 50], [50, 300, 250, 100, 25]]), RATIOS, 9)
    fit = fit_cohort(bands[:, :8], bands[:, :8].sum(axis=2))
    assert np.allclose(np.exp(fit.nat_log_ratio), RATIOS)
    assert np.allclose(fit.point(1)[:, 0], bands[:, 8].sum(axis=1))


def test_small_la_with_erratic_bands_gets_ratios_close_to_england() -> None:
    rng = np.random.default_rng(2)
    big = _grow(np.tile([[400.0, 2400, 2000, 800, 200]], (30, 1)), RATIOS, 10)
    big *= rng.lognormal(0, 0.01, big.shape)
    tiny = _grow(np.array([[2.0, 12, 10, 4, 1]]), RATIOS, 10)
    tiny *= rng.choice([0.5, 2.0], tiny.shape)  # halved or doubled at random
    bands = np.concatenate([big, tiny])
    fit = fit_cohort(bands, bands.sum(axis=2))
    assert np.all(np.abs(fit.effect[-1]) < 0.2)
    assert np.all(np.abs(np.exp(fit.nat_log_ratio) / RATIOS - 1) < 0.05)


def test_real_releases_give_bands_adding_up_to_totals_except_in_2023() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    assert history.bands is not None
    years = list(history.years)
    no_2023 = np.isnan(history.bands[:, years.index(2023)]).all()
    assert no_2023
    both = ~np.isnan(history.bands).any(axis=2)
    assert np.allclose(history.bands.sum(axis=2)[both], history.totals[both])
    # The 20-25 band opened with the 2014 reforms: no plans in it before 2015.
    assert np.nansum(history.bands[:, years.index(2014), 4]) == 0
    assert both[:, years.index(2025)].all()


def test_cohort_and_combined_methods_give_totals_around_their_own_points() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    runs = {
        m: forecast_caseload(history=history, horizon=3, simulations=100, seed=1, method=m)
        for m in ("growth", "cohort", "combined")
    }
    assert runs["growth"].cohort is None and runs["cohort"].cohort is not None
    england = {m: _totals(r.table, "E92000001") for m, r in runs.items()}
    for h in range(3):
        low, high = sorted((england["growth"][h], england["cohort"][h]))
        assert low - 200 <= england["combined"][h] <= high + 200
    rows = runs["cohort"].table.filter(pl.col("need") == "All")
    assert (rows["lower80"] <= rows["ehcplans"]).all()
    assert (rows["ehcplans"] <= rows["upper80"]).all()


def test_unknown_method_or_no_band_history_is_refused_not_guessed() -> None:
    years = np.arange(2016, 2026)
    history = CaseloadHistory(
        years,
        (Area("E09000022", "208", "Lambeth", "la", "E12000007"),),
        (),
        np.array([[100.0 * 1.1**k for k in range(10)]]),
        np.full((1, 10, 24), np.nan),
        None,
        None,
        (),
    )
    with pytest.raises(ValueError, match="method must be one of flows, growth, cohort, combined"):
        forecast_caseload(history=history, horizon=1, simulations=20, method="magic")
    with pytest.raises(ValueError, match="needs plans by age band in two consecutive years"):
        forecast_caseload(history=history, horizon=1, simulations=20, method="cohort")
