"""The stock-and-flow model on synthetic councils whose flows are known exactly."""

from __future__ import annotations

import numpy as np
import polars as pl

from sendplan.engine.forecast import forecast_caseload
from sendplan.engine.forecast_data import AGE_CELLS, Area, CaseloadHistory
from sendplan.engine.forecast_flows import (
    FlowSeries,
    first_year_flows,
    fit_flows,
    flow_bands,
    simulate_flow_paths,
    simulate_flows,
)

YEARS = np.arange(2014, 2025)  # census years; the origin is January 2024


def _exact(n_la: int = 12, seed: int = 0) -> tuple[np.ndarray, FlowSeries, np.ndarray, float]:
    """Councils whose stock moves exactly as S(t+1) = S(t) * (1 + n - e).

    Each council has its own new-plan rate n and outflow rate e, held over time; requests
    lead new plans by a year with the same conversion k everywhere: N(t) = k * R(t-1).
    Returns totals (one column more than YEARS: the year to forecast), flows, the
    councils' rates (n, e) and k.
    """
    rng = np.random.default_rng(seed)
    n = rng.uniform(0.10, 0.20, n_la)
    e = rng.uniform(0.03, 0.09, n_la)
    k = 0.7
    stock = np.empty((n_la, YEARS.size + 1))
    stock[:, 0] = rng.uniform(300, 5000, n_la)
    for t in range(YEARS.size):
        stock[:, t + 1] = stock[:, t] * (1 + n - e)
    new = stock[:, :-1] * n[:, None]  # new plans in calendar year YEARS[t]
    requests = np.empty_like(new)
    requests[:, :-1] = new[:, 1:] / k
    requests[:, -1] = stock[:, -1] * n / k
    return stock, FlowSeries(YEARS.copy(), new, requests), np.stack([n, e]), k


def test_exact_flows_are_carried_forward_exactly_for_three_years() -> None:
    stock, flows, rates, _ = _exact()
    n, e = rates
    fit = fit_flows(totals=stock[:, :-1], flows=flows.until(2024), census_years=YEARS)
    assert fit is not None
    expected = stock[:, -2:-1] * np.cumprod(np.repeat((1 + n - e)[:, None], 3, axis=1), axis=1)
    np.testing.assert_allclose(fit.point(3), expected, rtol=1e-6)


def test_a_jump_in_requests_last_year_becomes_new_plans_this_year() -> None:
    stock, flows, rates, k = _exact()
    n, e = rates
    # Council 0 received half as many requests again in 2023 as its history implies.
    requests = flows.requests.copy()
    requests[0, YEARS == 2023] *= 1.5
    jumped = FlowSeries(flows.years, flows.new_plans, requests)
    fit = fit_flows(totals=stock[:, :-1], flows=jumped.until(2024), census_years=YEARS)
    assert fit is not None
    origin = stock[0, -2]
    # January 2025 = January 2024 - outflow + new plans, which follow 2023's requests.
    expected = origin * (1 - e[0]) + k * requests[0, YEARS == 2023][0]
    assert abs(fit.point(1)[0, 0] / expected - 1) < 1e-6
    unchanged = fit_flows(totals=stock[:, :-1], flows=flows.until(2024), census_years=YEARS)
    assert unchanged is not None
    assert fit.point(1)[0, 0] > unchanged.point(1)[0, 0] * 1.05
    np.testing.assert_allclose(fit.point(1)[1:], unchanged.point(1)[1:], rtol=1e-6)


def test_flows_of_the_origin_year_and_later_are_never_used() -> None:
    stock, flows, _, _ = _exact()
    future = flows.new_plans.copy()
    future[:, -1] *= 3  # calendar 2024: published only with January 2025
    leaked = FlowSeries(flows.years, future, flows.requests * np.where(flows.years == 2024, 2, 1))
    a = fit_flows(totals=stock[:, :-1], flows=flows, census_years=YEARS)
    b = fit_flows(totals=stock[:, :-1], flows=leaked, census_years=YEARS)
    assert a is not None and b is not None
    np.testing.assert_array_equal(a.point(3), b.point(3))
    assert flows.until(2024).years.max() == 2023


def test_a_council_with_an_outlying_last_year_is_pulled_toward_the_pool() -> None:
    rng = np.random.default_rng(5)
    n_la = 60
    stock, flows, rates, _ = _exact(n_la=n_la, seed=5)
    # Published new plans and requests are noisy around each council's true rates.
    noisy = flows.new_plans * rng.lognormal(0.0, 0.15, flows.new_plans.shape)
    noisy[0, YEARS == 2023] = flows.new_plans[0, YEARS == 2023] * 2.0
    requests = flows.requests * rng.lognormal(0.0, 0.15, flows.requests.shape)
    fit = fit_flows(
        totals=stock[:, :-1], flows=FlowSeries(YEARS, noisy, requests), census_years=YEARS
    )
    assert fit is not None
    own_coef = fit.new_coef[1]
    assert 0 < own_coef < 1  # last year's own ratio counts, but less than fully
    # Council 0's doubled figure moves its forecast less than the doubling would.
    own_rate = noisy[0, YEARS == 2023][0] / stock[0, -2]
    origin = stock[0, -2]
    assert fit.point(1)[0, 0] < origin * (1 + own_rate - rates[1][0])


def test_intervals_cover_about_80_percent_of_a_noisy_flow_process() -> None:
    stock, flows, years = _noisy()
    fit = fit_flows(totals=stock[:, :-1], flows=flows.until(2025), census_years=years[:-1])
    assert fit is not None
    paths = simulate_flows(fit, horizon=1, simulations=1000, rng=np.random.default_rng(2))
    lower, upper = np.quantile(paths[1:, :, 0], [0.1, 0.9], axis=0)
    inside = np.mean((stock[:, -1] >= lower) & (stock[:, -1] <= upper))
    assert 0.65 <= inside <= 0.95
    assert np.all(paths[0, :, 0] > lower) and np.all(paths[0, :, 0] < upper)


def test_too_few_flow_years_gives_no_fit_and_the_forecast_falls_back_to_growth() -> None:
    stock, flows, _, _ = _exact()
    # Two years of each flow fit the regressions, but leave no earlier origin to size the
    # intervals from.
    assert fit_flows(totals=stock[:, :4], flows=flows, census_years=YEARS[:4]) is None
    las = tuple(Area(f"E0900{i:04d}", str(100 + i), f"LA{i}", "la", "R") for i in range(12))
    history = CaseloadHistory(
        YEARS[:4],
        las,
        (),
        stock[:, :4],
        np.full((12, 4, len(AGE_CELLS)), np.nan),
        None,
        None,
        (),
        flows=flows.until(2018),
    )
    result = forecast_caseload(history=history, horizon=1, simulations=50, seed=0)
    assert result.method == "growth"
    assert "too few years of new plans and requests before 2017" in result.note


def test_the_default_forecast_uses_the_flows_and_adds_up() -> None:
    stock, flows, _, _ = _exact()
    las = tuple(Area(f"E0900{i:04d}", str(100 + i), f"LA{i}", "la", "R") for i in range(12))
    history = CaseloadHistory(
        YEARS,
        las,
        (),
        stock[:, :-1],
        np.full((12, YEARS.size, len(AGE_CELLS)), np.nan),
        None,
        None,
        (),
        flows=flows.until(2024),
    )
    result = forecast_caseload(history=history, horizon=2, simulations=200, seed=0)
    assert result.method == "flows" and result.note == ""
    rows = result.table.filter((pl.col("age_band") == "All") & (pl.col("need") == "All"))
    first = rows.filter(pl.col("census_year") == 2025)
    england = first.filter(pl.col("area_code") == "E92000001")["ehcplans"][0]
    councils = first.filter(pl.col("area_code") != "E92000001")["ehcplans"]
    assert abs(england - councils.sum()) <= len(councils)
    np.testing.assert_allclose(np.sort(councils.to_numpy()), np.sort(np.rint(stock[:, -1])), atol=1)


def test_the_first_year_flows_add_up_to_next_january_for_every_council() -> None:
    rng = np.random.default_rng(3)
    stock, flows, _, _ = _exact()
    # Noisy flows, so the regressions do not fit exactly and each council's rates differ.
    noisy = FlowSeries(
        YEARS,
        flows.new_plans * rng.lognormal(0.0, 0.1, flows.new_plans.shape),
        flows.requests * rng.lognormal(0.0, 0.1, flows.requests.shape),
    )
    fit = fit_flows(totals=stock[:, :-1], flows=noisy.until(2024), census_years=YEARS)
    assert fit is not None
    now, new, out = first_year_flows(fit)
    np.testing.assert_allclose(now, stock[:, -2])
    np.testing.assert_allclose(now + new - out, fit.point(1)[:, 0], rtol=1e-12)
    assert np.all(new > 0) and np.all(out > 0)
    # Each council's own flows, not a pooled split of its total.
    assert np.unique(np.round(new / now, 6)).size == now.size


def test_the_exact_councils_flows_are_their_new_plans_and_net_outflow() -> None:
    stock, flows, rates, _ = _exact()
    n, e = rates
    fit = fit_flows(totals=stock[:, :-1], flows=flows.until(2024), census_years=YEARS)
    assert fit is not None
    now, new, out = first_year_flows(fit)
    np.testing.assert_allclose(new, stock[:, -2] * n, rtol=1e-6)
    np.testing.assert_allclose(out, stock[:, -2] * e, rtol=1e-6)


def _noisy(seed: int = 11, n_la: int = 150) -> tuple[np.ndarray, FlowSeries, np.ndarray]:
    """Councils with Poisson new plans and binomial outflow: totals to January 2025, the flows, and the census years (2012-2025)."""
    rng = np.random.default_rng(seed)
    years = np.arange(2012, 2026)
    n = rng.uniform(0.10, 0.20, n_la)
    e = rng.uniform(0.03, 0.09, n_la)
    stock = np.empty((n_la, years.size))
    stock[:, 0] = rng.uniform(200, 5000, n_la)
    new = np.empty_like(stock)
    for t in range(years.size):
        new[:, t] = rng.poisson(stock[:, t] * n * rng.lognormal(0, 0.08, n_la))
        out = rng.binomial(stock[:, t].astype(int), e)
        if t + 1 < years.size:
            stock[:, t + 1] = stock[:, t] + new[:, t] - out
    requests = new / 0.7 * rng.lognormal(0, 0.05, new.shape)
    return stock, FlowSeries(years.copy(), new, requests), years


def test_the_first_year_flows_get_80_percent_intervals_from_the_totals_paths() -> None:
    stock, flows, years = _noisy()
    fit = fit_flows(totals=stock[:, :-1], flows=flows.until(2025), census_years=years[:-1])
    assert fit is not None and fit.flow_spread is not None
    totals, flow_paths = simulate_flow_paths(
        fit, horizon=1, simulations=1000, rng=np.random.default_rng(2)
    )
    # The same draws as the totals alone: carrying the flows changes no total.
    np.testing.assert_array_equal(
        totals, simulate_flows(fit, horizon=1, simulations=1000, rng=np.random.default_rng(2))
    )
    assert flow_paths is not None and flow_paths.shape == (1001, stock.shape[0], 2)
    now, new, out = first_year_flows(fit)
    bands = flow_bands(flow_paths)
    # Path 0 is the point: the figures the page already shows, unchanged.
    np.testing.assert_array_equal(bands.new_plans, new)
    np.testing.assert_array_equal(bands.net_outflow, out)
    assert np.all(bands.new_lower <= bands.new_plans) and np.all(bands.new_plans <= bands.new_upper)
    assert np.all(bands.out_lower <= bands.net_outflow)
    assert np.all(bands.net_outflow <= bands.out_upper)
    assert np.all(bands.new_upper > bands.new_lower) and np.all(bands.out_upper > bands.out_lower)
    # About 80 % of the councils' published flows of 2024 fall inside their intervals.
    published_new = flows.new_plans[:, years == 2024][:, 0]
    published_out = stock[:, -2] + published_new - stock[:, -1]
    for low, high, actual in (
        (bands.new_lower, bands.new_upper, published_new),
        (bands.out_lower, bands.out_upper, published_out),
    ):
        inside = np.mean((actual >= low) & (actual <= high))
        assert 0.65 <= inside <= 0.95


def _history(stock: np.ndarray, flows: FlowSeries, years: np.ndarray) -> CaseloadHistory:
    n_la = stock.shape[0]
    las = tuple(Area(f"E0900{i:04d}", str(100 + i), f"LA{i}", "la", "R") for i in range(n_la))
    return CaseloadHistory(
        years,
        las,
        (),
        stock,
        np.full((n_la, years.size, len(AGE_CELLS)), np.nan),
        None,
        None,
        (),
        flows=flows.until(int(years[-1])),
    )


def test_the_forecasts_flow_intervals_hold_the_point_and_repeat_for_a_seed() -> None:
    stock, flows, years = _noisy(seed=5, n_la=40)
    history = _history(stock[:, :-1], flows, years[:-1])
    first = forecast_caseload(history=history, horizon=2, simulations=300, seed=7)
    again = forecast_caseload(history=history, horizon=2, simulations=300, seed=7)
    other = forecast_caseload(history=history, horizon=2, simulations=300, seed=8)
    assert first.flows is not None and first.flow_bands is not None
    b = first.flow_bands
    now, new, out = first_year_flows(first.flows)
    np.testing.assert_array_equal(b.new_plans, new)
    np.testing.assert_array_equal(b.net_outflow, out)
    assert np.all(b.new_lower <= new) and np.all(new <= b.new_upper)
    assert np.all(b.out_lower <= out) and np.all(out <= b.out_upper)
    # The same seed gives the same intervals; another seed moves them a little, not the point.
    assert again.flow_bands is not None and other.flow_bands is not None
    for name in ("new_lower", "new_upper", "out_lower", "out_upper"):
        np.testing.assert_array_equal(getattr(b, name), getattr(again.flow_bands, name))
    assert not np.array_equal(b.new_lower, other.flow_bands.new_lower)
    np.testing.assert_array_equal(other.flow_bands.new_plans, new)
    assert first.table.equals(again.table)
