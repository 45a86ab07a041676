"""Placement-type breakdown: read from the release, add up, move with age, no look-ahead."""

from __future__ import annotations

import numpy as np
import polars as pl

from sendplan.cli.forecast_files import load_caseload
from sendplan.engine.forecast import BREAKDOWN_COLUMNS, forecast_caseload
from sendplan.engine.forecast_placement import (
    PLACEMENTS,
    fit_placements,
    placement_paths,
    share_noise,
)
from tests.engine.test_forecast_data import RELEASE_2025, write_release


def test_six_placement_groups_add_up_to_the_published_total_for_every_la_year() -> None:
    history = load_caseload([RELEASE_2025])
    assert history.placements is not None and history.placement_year == 2025
    known = ~np.isnan(history.placements).any(axis=2)
    years = history.years >= 2019
    sums = history.placements[:, years].sum(axis=2)
    assert np.allclose(sums[known[:, years]], history.totals[:, years][known[:, years]])
    # Lambeth, January 2025: 3,316 plans in all.
    lambeth = [a.code for a in history.las].index("E09000022")
    assert history.placements[lambeth, -1].sum() == 3316


def test_plans_in_older_age_cells_shift_the_mix_toward_post16() -> None:
    counts = np.array([[[60.0, 10, 20, 5, 0, 5], [60, 10, 20, 5, 0, 5]]])
    by_age = np.zeros((1, 2, 6))
    by_age[0, 0] = [60, 10, 20, 5, 0, 5]  # a school-age cell: no FE
    by_age[0, 1] = [0, 0, 10, 5, 80, 5]  # a post-16 cell: mostly FE
    model = fit_placements(counts=counts, by_age=by_age, years=np.array([2024, 2025]), n_cells=2)
    assert model is not None
    mix, drift = share_noise(model, simulations=10, rng=np.random.default_rng(0))
    young = placement_paths(
        np.array([[[100.0, 0]]]), model, years_ahead=1, mix=mix[:1], drift=drift[:1]
    )
    old = placement_paths(
        np.array([[[0.0, 100]]]), model, years_ahead=1, mix=mix[:1], drift=drift[:1]
    )
    post16 = PLACEMENTS.index("post16")
    assert old[0, 0, post16] > 50 > young[0, 0, post16]
    assert abs(old[0, 0].sum() - 100) < 1e-9 and abs(young[0, 0].sum() - 100) < 1e-9


def test_placement_rows_add_up_to_the_all_rows_and_have_intervals() -> None:
    history = load_caseload([RELEASE_2025])
    result = forecast_caseload(history=history, horizon=3, simulations=200, seed=2)
    assert result.placements is not None
    assert result.placements.columns == list(BREAKDOWN_COLUMNS)
    assert set(result.placements["placement_type"]) == set(PLACEMENTS)
    totals = result.table.filter((pl.col("age_band") == "All") & (pl.col("need") == "All"))
    sums = result.placements.group_by("area_code", "census_year").agg(pl.col("ehcplans").sum())
    joined = totals.join(sums, on=["area_code", "census_year"], suffix="_types")
    assert joined.height == totals.height
    assert ((joined["ehcplans"] - joined["ehcplans_types"]).abs() <= 6).all()
    rows = result.placements
    assert (rows["lower80"] <= rows["ehcplans"]).all() and (
        rows["ehcplans"] <= rows["upper80"]
    ).all()
    assert (rows["upper80"] > rows["lower80"]).filter(rows["ehcplans"] > 100).all()


def test_forecast_from_2024_uses_no_2025_placement_figures() -> None:
    history = load_caseload([RELEASE_2025]).until(2024)
    assert history.placement_year is None and history.placement_ages is None
    assert history.placements is not None and history.placements.shape[1] == len(history.years)
    result = forecast_caseload(history=history, horizon=1, simulations=50, seed=1)
    assert result.placements is not None
    assert result.placements["census_year"].unique().to_list() == [2025]


def test_release_without_setting_columns_gives_no_placement_rows(tmp_path) -> None:
    history = load_caseload([write_release(tmp_path)])
    assert history.placements is None
    result = forecast_caseload(history=history, horizon=1, simulations=50, seed=1)
    assert result.success and result.placements is None
