"""The forecast: shrinkage for small areas, no look-ahead, intervals, determinism, backtest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sendplan.cli.forecast_files import load_caseload, read_population
from sendplan.engine.forecast import forecast_caseload
from sendplan.engine.forecast_backtest import backtest
from sendplan.engine.forecast_backtest import summarise as backtest_summary
from sendplan.engine.forecast_data import Area, CaseloadHistory
from sendplan.engine.forecast_model import fit_growth, simulate_totals
from tests.engine.test_forecast_data import RELEASE_2022, RELEASE_2025, SHARED

POPULATION = SHARED / "ons-snpp-2022-lambeth" / "lambeth_snpp2022_persons_age0-25.csv"


def _all_rows(table: pl.DataFrame) -> pl.DataFrame:
    return table.filter((pl.col("age_band") == "All") & (pl.col("need") == "All"))


def _growing(years: int) -> CaseloadHistory:
    """One LA growing 10 % a year, with no ages, needs or placements."""
    return CaseloadHistory(
        np.arange(2026 - years, 2026),
        (Area("E09000022", "208", "Lambeth", "la", "E12000007"),),
        (),
        np.array([[100.0 * 1.1**k for k in range(years)]]),
        np.full((1, years, 24), np.nan),
        None,
        None,
        (),
    )


def test_a_forecast_says_it_completed_and_what_it_did() -> None:
    result = forecast_caseload(history=_growing(8), horizon=2, simulations=20)
    assert result.status == "complete" and result.success
    assert result.message.startswith("forecast 2 areas for 2 years from 2025 by the growth method")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"horizon": 0}, "horizon must be at least 1 year, got 0"),
        ({"simulations": 9}, "simulations must be at least 10, got 9"),
        ({"method": "magic"}, "method must be one of flows, growth, cohort, combined"),
    ],
)
def test_bad_forecast_arguments_raise_value_errors_naming_them(
    arguments: dict[str, object], message: str
) -> None:
    options: dict[str, object] = {"horizon": 1, "simulations": 20, **arguments}
    with pytest.raises(ValueError, match=message):
        forecast_caseload(history=_growing(8), **options)  # type: ignore[arg-type]


def test_backtest_says_it_completed_and_refuses_a_history_too_short_to_score() -> None:
    result = backtest(history=_growing(7), horizon=1, simulations=20)
    assert result.status == "complete" and result.success
    with pytest.raises(ValueError, match=r"too few years for a backtest \(need 6 or more\)"):
        backtest(history=_growing(5), horizon=1, simulations=20)
    with pytest.raises(ValueError, match="no origin from 2030 has a later year to score"):
        backtest(history=_growing(7), horizon=1, simulations=20, first_origin=2030)
    with pytest.raises(ValueError, match="horizon must be at least 1 year, got 0"):
        backtest(history=_growing(7), horizon=0)


def test_small_la_with_erratic_history_grows_close_to_england() -> None:
    rng = np.random.default_rng(3)
    big = np.array([[1000.0 * 1.1**k for k in range(10)] for _ in range(30)])
    big *= rng.lognormal(0, 0.02, big.shape)
    tiny = np.array([[10.0, 25, 12, 30, 14, 33, 15, 20, 18, 26]])
    fit = fit_growth(np.vstack([big, tiny]))
    tiny_growth = fit.drift + fit.effect[-1]
    # Its own last-year growth was +44 %; shrinkage keeps it near England's ~10 %.
    assert abs(tiny_growth - fit.drift) < 0.05
    assert 0.05 < fit.drift < 0.15


def test_city_of_london_with_26_plans_gets_a_sane_forecast() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    result = forecast_caseload(history=history, horizon=3, simulations=300, seed=1)
    city = _all_rows(result.table).filter(pl.col("area_code") == "E09000001")
    assert city["ehcplans"].to_list()[0] in range(24, 36)
    assert city["upper80"].max() < 3 * 26
    assert city["lower80"].min() > 10


def test_every_la_region_and_england_get_one_row_per_year() -> None:
    history = load_caseload([RELEASE_2025])
    result = forecast_caseload(history=history, horizon=2, simulations=100, seed=2)
    rows = _all_rows(result.table)
    assert rows.height == (153 + 9 + 1) * 2
    england = rows.filter(pl.col("area_code") == "E92000001")
    las = rows.filter(~pl.col("area_code").str.slice(0, 3).is_in(["E92", "E12"]))
    la_sum = las.filter(pl.col("census_year") == 2026)["ehcplans"].sum()
    assert abs(england["ehcplans"][0] - la_sum) <= 153 / 2  # each LA rounded on its own
    assert (rows["lower80"] <= rows["ehcplans"]).all()
    assert (rows["ehcplans"] <= rows["upper80"]).all()


def test_forecast_for_2025_ignores_data_from_2025_on(tmp_path: Path) -> None:
    full = load_caseload([RELEASE_2025])
    # The same release without what the January 2025 census published: its 2024/25
    # caseload rows and the flows of calendar year 2024, as files.
    import zipfile

    with zipfile.ZipFile(RELEASE_2025) as archive:
        for member, published_2025 in (
            ("data/caseload.csv", "202425"),
            ("data/newplans.csv", "2024,"),
            ("data/requests.csv", "2024,"),
        ):
            text = archive.read(member).decode("utf-8-sig").splitlines()
            kept = [text[0], *(line for line in text[1:] if not line.startswith(published_2025))]
            (tmp_path / member.split("/")[1]).write_text("\n".join(kept) + "\n", encoding="utf-8")
    truncated = load_caseload([tmp_path / "caseload.csv"])
    a = forecast_caseload(history=full.until(2024), horizon=2, simulations=200, seed=5)
    b = forecast_caseload(history=truncated, horizon=2, simulations=200, seed=5)
    assert a.method == b.method == "flows"
    assert a.table["census_year"].min() == 2025
    assert _all_rows(a.table).equals(_all_rows(b.table))


def test_same_seed_gives_the_same_forecast_and_another_seed_differs() -> None:
    history = load_caseload([RELEASE_2025])
    a = forecast_caseload(history=history, horizon=3, simulations=200, seed=7).table
    b = forecast_caseload(history=history, horizon=3, simulations=200, seed=7).table
    c = forecast_caseload(history=history, horizon=3, simulations=200, seed=8).table
    assert a.equals(b)
    assert not a["upper80"].equals(c["upper80"])
    assert a["ehcplans"].equals(c["ehcplans"])  # the point forecast is not random


def test_simulated_intervals_cover_about_80_percent_of_data_from_the_model() -> None:
    rng = np.random.default_rng(11)
    n_la, years = 120, 14
    size = rng.uniform(200, 5000, n_la)
    drift = 0.08 + 0.02 * rng.standard_normal(n_la)[:, None]
    growth = drift + rng.normal(0, 0.02, (n_la, years + 1)) + rng.normal(0, 0.01, years + 1)
    totals = size[:, None] * np.exp(np.cumsum(growth, axis=1))
    fit = fit_growth(totals[:, :years])
    paths = simulate_totals(fit, horizon=1, simulations=500, rng=np.random.default_rng(1))
    lower, upper = np.quantile(paths[1:, :, 0], [0.1, 0.9], axis=0)
    inside = np.mean((totals[:, years] >= lower) & (totals[:, years] <= upper))
    assert 0.6 <= inside <= 0.97


def test_models_beat_every_naive_baseline_at_horizons_1_to_3_on_the_real_series() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    result = backtest(history=history, horizon=3, simulations=100, seed=0)
    # The growth model on every origin from 2014; the flows model (from 2020) on its own.
    growth = backtest_summary(result.rows.filter(pl.col("method") != "flows"))
    flows = result.summary
    naive = ["persistence", "last_growth", "mean_growth_3y", "linear_trend_5y"]
    for summary, method in ((growth, "model"), (flows, "flows")):
        for h in (1, 2, 3):
            rows = summary.filter(pl.col("horizon") == h)
            best = rows.filter(pl.col("method").is_in(naive))["mape"].min()
            assert rows.filter(pl.col("method") == method)["mape"][0] < best
        coverage = summary.filter(pl.col("method") == method)["coverage80"]
        assert all(55 < c < 95 for c in coverage)
    # The goal for the default: one year ahead, at least 10 % below the best naive.
    one_year = flows.filter((pl.col("horizon") == 1) & (pl.col("method") == "flows"))
    assert one_year["vs_best_naive"][0] <= -10
    assert 70 <= one_year["coverage80"][0] <= 90


def test_lambeth_population_projection_changes_only_lambeth() -> None:
    history = load_caseload([RELEASE_2025])
    population = read_population(POPULATION, history)
    plain = forecast_caseload(history=history, horizon=5, simulations=100, seed=3)
    with_pop = forecast_caseload(
        history=history, horizon=5, simulations=100, seed=3, population=population
    )
    lam_a = _all_rows(plain.table).filter(pl.col("area_code") == "E09000022")["ehcplans"]
    lam_b = _all_rows(with_pop.table).filter(pl.col("area_code") == "E09000022")["ehcplans"]
    assert not lam_a.equals(lam_b)
    assert abs(lam_b[-1] / lam_a[-1] - 1) < 0.15  # a population effect, not a new trend
    other_a = _all_rows(plain.table).filter(pl.col("area_code") == "E09000028")["ehcplans"]
    other_b = _all_rows(with_pop.table).filter(pl.col("area_code") == "E09000028")["ehcplans"]
    assert other_a.equals(other_b)


def test_breakdowns_by_age_band_and_need_roughly_add_up_to_the_total() -> None:
    history = load_caseload([RELEASE_2025])
    table = forecast_caseload(history=history, horizon=1, simulations=100, seed=4).table
    lambeth = table.filter(pl.col("area_code") == "E09000022")
    total = lambeth.filter((pl.col("age_band") == "All") & (pl.col("need") == "All"))["ehcplans"][0]
    bands = lambeth.filter(pl.col("age_band") != "All")["ehcplans"].sum()
    needs = lambeth.filter(pl.col("need") != "All")["ehcplans"].sum()
    assert abs(bands - total) <= 5 and abs(needs - total) <= 13


def test_intervals_widen_with_horizon_to_cover_about_80_percent_at_each_horizon() -> None:
    rng = np.random.default_rng(0)
    n_la, years = 150, 14
    size = rng.uniform(300, 5000, n_la)
    # Each LA's growth wanders as a random walk, so errors grow faster than the horizon.
    growth = 0.08 + np.cumsum(rng.normal(0, 0.012, (n_la, years + 3)), axis=1)
    totals = size[:, None] * np.exp(np.cumsum(growth, axis=1))
    fit = fit_growth(totals[:, :years])
    paths = simulate_totals(fit, horizon=3, simulations=400, rng=np.random.default_rng(1))
    lower, upper = np.quantile(paths[1:], [0.1, 0.9], axis=0)
    actual = totals[:, years:]
    coverage = np.mean((actual >= lower) & (actual <= upper), axis=0)
    assert len(fit.horizon_scale) == len(fit.nat_scale) == 3
    assert all(0.7 <= c <= 0.95 for c in coverage)
    assert np.all(np.diff(np.median(upper - lower, axis=0)) > 0)
