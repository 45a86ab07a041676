"""The arithmetic behind every page, on a small area whose numbers can be checked by hand."""

from __future__ import annotations

import pytest

from sendplan.engine.codes import PHASE_KEYS
from sendplan.engine.forecast_demand import PLACEMENT_KEYS, SPECIALIST, Band, Demand
from sendplan.engine.forecast_projection import (
    PlaceChange,
    ScenarioSpec,
    StrandPlaces,
    UnitCosts,
    allocate_capacity,
    project,
)

YEARS = (2026, 2027, 2028)
SHARES = {
    "mainstream": 0.5,
    "resourced": 0.1,
    "special": 0.2,
    "independent": 0.1,
    "fe": 0.05,
    "other": 0.05,
}
COSTS = UnitCosts(
    per_place={
        "mainstream": 7_000,
        "resourced": 18_000,
        "special": 30_000,
        "independent": 60_000,
        "fe": 12_000,
        "other": 8_000,
    },
    transport=5_000,
)


def small_area(plans_per_cell: float = 100.0) -> Demand:
    """Two needs x five phases, 100 plans a cell growing 10 % a year."""
    plans = {
        (n, f, y): Band(plans_per_cell * 1.1 ** (y - 2025), 90.0, 120.0)
        for n in ("ASD", "SEMH")
        for f in PHASE_KEYS
        for y in YEARS
    }
    total = {y: Band(sum(b.median for k, b in plans.items() if k[2] == y), 0, 0) for y in YEARS}
    total = {y: Band(b.median, b.median * 0.9, b.median * 1.2) for y, b in total.items()}
    return Demand(
        la_code="E09000022",
        la_name="Test",
        origin_year=2025,
        actuals=((2024, 900.0), (2025, 1000.0)),
        years=YEARS,
        total=total,
        plans=plans,
        shares={(n, f): dict(SHARES) for n in ("ASD", "SEMH") for f in PHASE_KEYS},
    )


def test_spend_is_learners_times_unit_cost_for_every_type_and_year():
    out = project(demand=small_area(), capacity={}, costs=COSTS)
    for year in YEARS:
        for p in PLACEMENT_KEYS:
            assert out.spend[(p, year)] == pytest.approx(
                out.placements[(p, year)] * COSTS.per_place[p]
            )
        specialist = sum(out.placements[(p, year)] for p in SPECIALIST)
        assert out.spend[("transport", year)] == pytest.approx(specialist * 5_000)
        assert out.spend_total[year].median == pytest.approx(
            sum(v for (_, y), v in out.spend.items() if y == year)
        )


def test_learners_in_each_placement_add_up_to_the_plans():
    out = project(demand=small_area(), capacity={}, costs=COSTS)
    for year in YEARS:
        placed = sum(out.placements[(p, year)] for p in PLACEMENT_KEYS)
        assert placed == pytest.approx(out.total[year].median)


def test_gap_is_learners_needing_a_specialist_place_minus_capacity():
    capacity = {("ASD", "primary"): 25.0}
    out = project(demand=small_area(), capacity=capacity, costs=COSTS)
    # 110 plans in 2026, 40 % specialist (resourced 10 + special 20 + independent 10).
    assert out.demand[("ASD", "primary", 2026)] == pytest.approx(44.0)
    assert out.gap("ASD", "primary", 2026) == pytest.approx(44.0 - 25.0)
    assert out.gap("SEMH", "primary", 2026) == pytest.approx(44.0)


def test_spend_band_is_the_plans_band_applied_to_spend():
    out = project(demand=small_area(), capacity={}, costs=COSTS)
    band = out.spend_total[2027]
    assert band.lower / band.median == pytest.approx(0.9)
    assert band.upper / band.median == pytest.approx(1.2)


def test_extra_special_places_move_independent_learners_and_save_the_fee_difference():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    scenario = ScenarioSpec(
        key="s",
        name="More special places",
        special_places=5,
        start_year=2027,
        need="ASD",
        phase="secondary",
    )
    out = project(demand=demand, capacity={}, costs=COSTS, scenario=scenario)
    # Before the start year nothing changes.
    assert out.spend_total[2026].median == pytest.approx(base.spend_total[2026].median)
    # 5 learners move from independent (60k) to special (30k): 150k a year less.
    assert out.placements[("independent", 2027)] == pytest.approx(
        base.placements[("independent", 2027)] - 5
    )
    assert out.spend_total[2027].median - base.spend_total[2027].median == pytest.approx(-150_000)
    # And the gap shrinks by the places added.
    assert out.gap("ASD", "secondary", 2027) == pytest.approx(
        base.gap("ASD", "secondary", 2027) - 5
    )


def test_new_special_places_take_independent_learners_even_where_there_is_no_shortage():
    # One rule for every new local place (ADR 0138): 50 special places for every need and
    # phase take 50 of the 110 independent learners although no group is short of places.
    demand = small_area()
    plenty = {(n, f): 1_000.0 for n in ("ASD", "SEMH") for f in PHASE_KEYS}
    base = project(demand=demand, capacity=plenty, costs=COSTS)
    scenario = ScenarioSpec(key="s", name="More", special_places=50, start_year=2026)
    out = project(demand=demand, capacity=plenty, costs=COSTS, scenario=scenario)
    assert base.placements[("independent", 2026)] == pytest.approx(110)
    assert out.placements[("independent", 2026)] == pytest.approx(110 - 50)
    assert out.placements[("special", 2026)] == pytest.approx(
        base.placements[("special", 2026)] + 50
    )
    # 50 x (30,000 - 60,000); transport is the same (both places specialist).
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(-1_500_000)


def test_fewer_independent_placements_moves_that_share_to_special_schools():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    scenario = ScenarioSpec(key="s", name="Fewer", independent_reduction_pct=20, start_year=2026)
    out = project(demand=demand, capacity={}, costs=COSTS, scenario=scenario)
    moved = base.placements[("independent", 2026)] * 0.2
    assert out.placements[("independent", 2026)] == pytest.approx(
        base.placements[("independent", 2026)] - moved
    )
    assert out.placements[("special", 2026)] == pytest.approx(
        base.placements[("special", 2026)] + moved
    )
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(
        moved * (30_000 - 60_000)
    )
    # Learners moved into local schools still need a local place: the gap is unchanged.
    assert out.net_gap(2026) == pytest.approx(base.net_gap(2026))


def test_different_growth_replaces_the_forecast_path():
    demand = small_area()
    out = project(demand=demand, capacity={}, costs=COSTS, growth_pct=5.0)
    assert out.total[2026].median == pytest.approx(1000 * 1.05)
    assert out.total[2028].median == pytest.approx(1000 * 1.05**3)
    assert sum(b.median for k, b in out.plans.items() if k[2] == 2028) == pytest.approx(
        1000 * 1.05**3
    )


def test_planned_provision_opens_in_its_year_with_its_own_cost():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    planned = [PlaceChange("resourced", 10, 2027, "SEMH", "primary", cost_per_place=20_000)]
    out = project(demand=demand, capacity={}, costs=COSTS, new_provision=planned)
    assert out.capacity[("SEMH", "primary", 2026)] == 0
    assert out.capacity[("SEMH", "primary", 2027)] == pytest.approx(10)
    # 10 of SEMH primary's 12.1 independent learners leave places costing 60k for places
    # costing 20k.
    assert out.spend_total[2027].median - base.spend_total[2027].median == pytest.approx(
        10 * (20_000 - 60_000)
    )


def test_cumulative_spend_adds_the_first_years():
    out = project(demand=small_area(), capacity={}, costs=COSTS)
    assert out.cumulative_spend(2) == pytest.approx(
        out.spend_total[2026].median + out.spend_total[2027].median
    )


def test_strand_places_are_spread_over_phases_by_age_and_needs_by_demand():
    demand = small_area()
    # Ages 8-13: 3 years primary (8, 9, 10), 3 years secondary (11, 12, 13).
    strand = StrandPlaces("special", 8, 13, 60, ("ASD", "SEMH"))
    capacity = allocate_capacity([strand], demand)
    assert capacity[("ASD", "primary")] == pytest.approx(15)
    assert capacity[("SEMH", "secondary")] == pytest.approx(15)
    assert capacity[("ASD", "post16")] == 0
    assert sum(capacity.values()) == pytest.approx(60)


def test_strand_without_designations_serves_every_need():
    capacity = allocate_capacity([StrandPlaces("resourced", 5, 10, 40)], small_area())
    assert capacity[("ASD", "primary")] + capacity[("SEMH", "primary")] == pytest.approx(40)


def test_demand_survives_a_round_trip_through_json():
    demand = small_area()
    assert Demand.from_json(demand.to_json()) == demand


# Inclusion bases (ADR 0138): each of a scenario's base places takes one learner out of an
# independent placement by itself, from the start year, up to the independent placements
# of the need and phase it serves. small_area has 10 % of each cell's plans independent:
# 11 a cell in 2026 (110 in all), 12.1 in 2027. A move saves 60,000 - 18,000 = 42,000.
PLENTY = {(n, f): 1_000.0 for n in ("ASD", "SEMH") for f in PHASE_KEYS}


def _base(places: float, start: int = 2026, **kw) -> ScenarioSpec:
    return ScenarioSpec(key="b", name="Bases", resourced_places=places, start_year=start, **kw)


def test_a_base_moves_independent_learners_even_where_there_is_no_shortage():
    demand = small_area()
    base = project(demand=demand, capacity=PLENTY, costs=COSTS)
    out = project(
        demand=demand,
        capacity=PLENTY,
        costs=COSTS,
        scenario=_base(5, 2027, need="ASD", phase="secondary"),
    )
    assert out.spend_total[2026].median == pytest.approx(base.spend_total[2026].median)
    assert out.placements[("independent", 2027)] == pytest.approx(
        base.placements[("independent", 2027)] - 5
    )
    assert out.placements[("resourced", 2027)] == pytest.approx(
        base.placements[("resourced", 2027)] + 5
    )
    # 5 x (18,000 - 60,000) = -210,000; transport is the same (both places specialist).
    assert out.spend_total[2027].median - base.spend_total[2027].median == pytest.approx(-210_000)


def test_a_base_takes_no_more_than_the_independent_placements_of_its_need_and_phase():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    out = project(
        demand=demand, capacity={}, costs=COSTS, scenario=_base(20, need="ASD", phase="secondary")
    )
    # ASD secondary has 12.1 independent learners in 2027: 12.1 x -42,000 = -508,200.
    assert out.placements[("independent", 2027)] == pytest.approx(
        base.placements[("independent", 2027)] - 12.1
    )
    assert out.spend_total[2027].median - base.spend_total[2027].median == pytest.approx(-508_200)


def test_a_base_for_every_need_takes_from_all_independent_placements():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    out = project(demand=demand, capacity={}, costs=COSTS, scenario=_base(30))
    # 30 of the 110 in 2026: 30 x -42,000 = -1,260,000.
    assert out.placements[("independent", 2026)] == pytest.approx(110 - 30)
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(-1_260_000)


def test_fewer_independent_placements_applies_only_to_those_a_base_leaves():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    scenario = _base(30, independent_reduction_pct=20)
    out = project(demand=demand, capacity={}, costs=COSTS, scenario=scenario)
    # 2026: the base takes 30 of 110; 20 % of the 80 left (16) go to special schools.
    assert out.placements[("independent", 2026)] == pytest.approx(110 - 30 - 16)
    assert out.placements[("special", 2026)] == pytest.approx(
        base.placements[("special", 2026)] + 16
    )
    # 30 x (18,000 - 60,000) + 16 x (30,000 - 60,000) = -1,260,000 - 480,000.
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(-1_740_000)


def test_a_base_takes_only_the_independent_placements_planned_provision_leaves():
    demand = small_area()
    planned = [PlaceChange("resourced", 10, 2026, "ASD", "secondary")]
    base = project(demand=demand, capacity={}, costs=COSTS, new_provision=planned)
    out = project(
        demand=demand,
        capacity={},
        costs=COSTS,
        new_provision=planned,
        scenario=_base(5, need="ASD", phase="secondary"),
    )
    # ASD secondary has 11 independent learners in 2026; the planned places take 10, the
    # base the 1 left: 1 x -42,000.
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(-42_000)
    # The base's places still count as capacity.
    assert out.capacity[("ASD", "secondary", 2026)] == pytest.approx(15)


# One rule for every new local specialist place (ADR 0138): planned provision, a
# scenario's special school places and its inclusion base places each take one learner
# out of an independent placement of the need and phase they serve, up to those there.
# one_year_area has 60 plans a cell in 2026, 10 % of them (6) placed independently.
def one_year_area() -> Demand:
    """Two needs x five phases, 60 plans a cell, 2026 only."""
    plans = {(n, f, 2026): Band(60.0, 50.0, 70.0) for n in ("ASD", "SEMH") for f in PHASE_KEYS}
    return Demand(
        la_code="E09000022",
        la_name="Test",
        origin_year=2025,
        actuals=((2025, 600.0),),
        years=(2026,),
        total={2026: Band(600.0, 500.0, 700.0)},
        plans=plans,
        shares={(n, f): dict(SHARES) for n in ("ASD", "SEMH") for f in PHASE_KEYS},
    )


def _moved(out, base, year: int = 2026) -> float:
    return base.placements[("independent", year)] - out.placements[("independent", year)]


@pytest.mark.parametrize("capacity", [{}, PLENTY], ids=["short", "not short"])
def test_ten_planned_special_places_move_exactly_the_six_independent_learners(capacity):
    demand = one_year_area()
    base = project(demand=demand, capacity=capacity, costs=COSTS)
    planned = [PlaceChange("special", 10, 2026, "ASD", "primary", cost_per_place=25_000)]
    out = project(demand=demand, capacity=capacity, costs=COSTS, new_provision=planned)
    assert _moved(out, base) == pytest.approx(6)
    assert out.placements[("special", 2026)] == pytest.approx(
        base.placements[("special", 2026)] + 6
    )
    # 6 x (25,000 - 60,000) = -210,000, whether or not the group is short of places.
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(-210_000)
    # All ten count as capacity.
    assert out.capacity[("ASD", "primary", 2026)] == pytest.approx(
        base.capacity[("ASD", "primary", 2026)] + 10
    )


def test_planned_places_and_a_scenarios_places_move_the_money_the_same_way():
    demand = one_year_area()
    base = project(demand=demand, capacity=PLENTY, costs=COSTS)
    for kind, spec in (
        ("special", {"special_places": 4}),
        ("resourced", {"resourced_places": 4}),
    ):
        planned = project(
            demand=demand,
            capacity=PLENTY,
            costs=COSTS,
            new_provision=[PlaceChange(kind, 4, 2026, "SEMH", "secondary")],
        )
        scenario = project(
            demand=demand,
            capacity=PLENTY,
            costs=COSTS,
            scenario=ScenarioSpec(
                key="s", name="S", start_year=2026, need="SEMH", phase="secondary", **spec
            ),
        )
        # 4 x (unit cost - 60,000) either way.
        saving = 4 * (COSTS.per_place[kind] - 60_000)
        for out in (planned, scenario):
            assert _moved(out, base) == pytest.approx(4)
            assert out.spend_total[2026].median - base.spend_total[2026].median == (
                pytest.approx(saving)
            )


def test_a_base_and_special_places_together_move_no_more_than_the_independent_learners():
    demand = one_year_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    scenario = ScenarioSpec(
        key="s",
        name="Both",
        special_places=5,
        resourced_places=5,
        start_year=2026,
        need="ASD",
        phase="primary",
    )
    out = project(demand=demand, capacity={}, costs=COSTS, scenario=scenario)
    # 10 places, 6 learners: the cheaper base (18,000) fills its 5, a special school place
    # (30,000) takes the 1 left: 5 x -42,000 + 1 x -30,000.
    assert _moved(out, base) == pytest.approx(6)
    assert out.placements[("resourced", 2026)] - base.placements[("resourced", 2026)] == (
        pytest.approx(5)
    )
    assert out.placements[("special", 2026)] - base.placements[("special", 2026)] == (
        pytest.approx(1)
    )
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(-240_000)


@pytest.mark.parametrize("planned", [0, 3, 20])
@pytest.mark.parametrize("special", [0, 4, 50])
@pytest.mark.parametrize("bases", [0, 2, 70])
def test_new_places_of_every_kind_never_move_more_than_there_are(planned, special, bases):
    demand = one_year_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    out = project(
        demand=demand,
        capacity={},
        costs=COSTS,
        new_provision=[PlaceChange("special", planned, 2026, "ASD")] if planned else [],
        scenario=ScenarioSpec(
            key="s", name="S", special_places=special, resourced_places=bases, start_year=2026
        ),
    )
    # 60 independent learners in all, 30 of them ASD.
    moved = _moved(out, base)
    assert moved == pytest.approx(min(60, min(planned, 30) + special + bases))
    assert out.placements[("independent", 2026)] >= -1e-9
    gained = sum(
        out.placements[(p, 2026)] - base.placements[(p, 2026)] for p in ("special", "resourced")
    )
    assert gained == pytest.approx(moved)
    placed = sum(out.placements[(p, 2026)] for p in PLACEMENT_KEYS)
    assert placed == pytest.approx(out.total[2026].median)


def test_earlier_places_take_first_then_the_cheapest():
    demand = small_area()
    base = project(demand=demand, capacity={}, costs=COSTS)
    # ASD post-16 has 11 independent learners in 2026 and 12.1 in 2027. Special places
    # from 2026 take 8 in both years; cheaper base places from 2027 take what is left,
    # 4.1 in 2027 (not 10, though they cost less).
    planned = [PlaceChange("special", 8, 2026, "ASD", "post16")]
    scenario = ScenarioSpec(
        key="s", name="S", resourced_places=10, start_year=2027, need="ASD", phase="post16"
    )
    out = project(demand=demand, capacity={}, costs=COSTS, new_provision=planned, scenario=scenario)
    assert out.placements[("special", 2027)] - base.placements[("special", 2027)] == (
        pytest.approx(8)
    )
    assert out.placements[("resourced", 2027)] - base.placements[("resourced", 2027)] == (
        pytest.approx(4.1)
    )
    assert out.spend_total[2027].median - base.spend_total[2027].median == pytest.approx(
        8 * (30_000 - 60_000) + 4.1 * (18_000 - 60_000)
    )
    # The same year: the cheapest first, whichever is listed first.
    same_year = [
        PlaceChange("special", 8, 2026, "ASD", "post16", cost_per_place=40_000),
        PlaceChange("special", 8, 2026, "ASD", "post16", cost_per_place=35_000),
    ]
    out = project(demand=demand, capacity={}, costs=COSTS, new_provision=same_year)
    # 8 at 35,000, then the 3 left at 40,000.
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(
        8 * (35_000 - 60_000) + 3 * (40_000 - 60_000)
    )


def test_places_for_one_need_take_only_that_needs_independent_learners():
    demand = one_year_area()
    base = project(demand=demand, capacity=PLENTY, costs=COSTS)
    planned = [PlaceChange("special", 40, 2026, "SEMH")]
    out = project(demand=demand, capacity=PLENTY, costs=COSTS, new_provision=planned)
    # 30 SEMH learners placed independently, 6 in each phase: all 30 move, no ASD learner.
    assert _moved(out, base) == pytest.approx(30)
    assert out.spend_total[2026].median - base.spend_total[2026].median == pytest.approx(
        30 * (30_000 - 60_000)
    )


# Combined scenarios (ADR 0149)


def _spend(out, year: int = 2028) -> float:
    return out.spend_total[year].median


def test_a_combination_of_scenarios_on_different_groups_adds_their_effects():
    area = small_area()
    asd_special = ScenarioSpec(
        "a", "ASD special", special_places=8, start_year=2026, need="ASD", phase="primary"
    )
    semh_bases = ScenarioSpec(
        "b", "SEMH bases", resourced_places=9, start_year=2027, need="SEMH", phase="secondary"
    )
    both = ScenarioSpec("ab", "Both", start_year=2026, parts=(asd_special, semh_bases))
    base = project(demand=area, capacity={}, costs=COSTS)
    a = project(demand=area, capacity={}, costs=COSTS, scenario=asd_special)
    b = project(demand=area, capacity={}, costs=COSTS, scenario=semh_bases)
    ab = project(demand=area, capacity={}, costs=COSTS, scenario=both)
    for year in YEARS:
        by_hand = _spend(a, year) - _spend(base, year) + _spend(b, year) - _spend(base, year)
        assert _spend(ab, year) - _spend(base, year) == pytest.approx(by_hand)
        assert by_hand != 0
    # 8 ASD primary learners at 30,000 instead of 60,000 from 2026: 240,000 saved a year.
    assert _spend(a, 2026) - _spend(base, 2026) == pytest.approx(-8 * 30_000)


def test_competing_scenarios_combined_move_no_more_learners_than_there_are():
    area = small_area()
    parts = (
        ScenarioSpec("a", "ASD special", special_places=40, start_year=2026, need="ASD"),
        ScenarioSpec("b", "ASD bases", resourced_places=40, start_year=2026, need="ASD"),
        ScenarioSpec("c", "Fewer independent", independent_reduction_pct=50, start_year=2026),
    )
    ab = project(
        demand=area, capacity={}, costs=COSTS, scenario=ScenarioSpec("x", "All", parts=parts)
    )
    base = project(demand=area, capacity={}, costs=COSTS)
    for year in YEARS:
        independent = base.placements[("independent", year)]
        asd = independent / 2  # two needs, the same shares
        left = ab.placements[("independent", year)]
        # The 80 places take every ASD learner (55 in 2026), then half of the SEMH ones go.
        assert left == pytest.approx((independent - min(80, asd)) * 0.5)
        assert left >= 0
        moved = independent - left
        assert moved <= independent
        assert sum(ab.placements[(p, year)] for p in PLACEMENT_KEYS) == pytest.approx(
            ab.total[year].median
        )


def test_shares_of_fewer_independent_placements_apply_to_those_left():
    area = small_area()
    parts = (
        ScenarioSpec("a", "10 %", independent_reduction_pct=10, start_year=2026),
        ScenarioSpec("b", "20 %", independent_reduction_pct=20, start_year=2027),
    )
    out = project(
        demand=area, capacity={}, costs=COSTS, scenario=ScenarioSpec("x", "Both", parts=parts)
    )
    base = project(demand=area, capacity={}, costs=COSTS)
    assert out.placements[("independent", 2026)] == pytest.approx(
        base.placements[("independent", 2026)] * 0.9
    )
    assert out.placements[("independent", 2027)] == pytest.approx(
        base.placements[("independent", 2027)] * 0.9 * 0.8
    )


def test_a_combination_keeps_its_one_growth_rate_and_refuses_two():
    area = small_area()
    grows = ScenarioSpec("a", "Grows", growth_pct=5.0, start_year=2026)
    places = ScenarioSpec("b", "Places", special_places=5, start_year=2026)
    alone = project(demand=area, capacity={}, costs=COSTS, scenario=grows)
    both = project(
        demand=area,
        capacity={},
        costs=COSTS,
        scenario=ScenarioSpec("x", "Both", parts=(grows, places)),
    )
    assert both.total[2028].median == pytest.approx(alone.total[2028].median)
    other = ScenarioSpec("c", "Shrinks", growth_pct=-1.0, start_year=2026)
    with pytest.raises(ValueError, match="different growth rates"):
        project(
            demand=area,
            capacity={},
            costs=COSTS,
            scenario=ScenarioSpec("y", "Clash", parts=(grows, other)),
        )
