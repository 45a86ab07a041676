"""The DSG management plan and a decision's effect, added up by hand on small cases."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.engine import (
    CentralLine,
    Decision,
    central_by_year,
    dsg_plan,
    income_by_year,
    move_back,
    new_base,
    new_placement,
    rolled_spend,
)


def test_plan_without_mitigations_adds_up_by_hand():
    plan = dsg_plan(
        years=[2026, 2027, 2028],
        budgets={2026: 100.0, 2027: 105.0},
        spend={2026: 110.0, 2027: 120.0, 2028: 130.0},
        opening_deficit=20.0,
    )
    rows = plan.without
    assert [r.label for r in rows] == ["2026-27", "2027-28", "2028-29"]
    # Income: as set, then 2027's held flat in 2028.
    assert [(r.income, r.income_assumed) for r in rows] == [
        (100.0, False),
        (105.0, False),
        (105.0, True),
    ]
    # In-year deficits 10, 15, 25; cumulative 20 + 10 = 30, + 15 = 45, + 25 = 70.
    assert [r.in_year for r in rows] == [10.0, 15.0, 25.0]
    assert [r.brought_forward for r in rows] == [20.0, 30.0, 45.0]
    assert [r.carried_forward for r in rows] == [30.0, 45.0, 70.0]
    assert plan.mitigated == {}


def test_mitigation_shares_the_income_and_the_opening_deficit():
    plan = dsg_plan(
        years=[2026, 2027],
        budgets={2026: 100.0},
        spend={2026: 110.0, 2027: 120.0},
        mitigations={"More local places": {2026: 110.0, 2027: 100.0}},
        opening_deficit=-5.0,  # a surplus brought forward
    )
    with_it = plan.mitigated["More local places"]
    assert [r.carried_forward for r in plan.without] == [5.0, 25.0]
    # -5 + 10 = 5; 5 + (100 - 100) = 5.
    assert [r.carried_forward for r in with_it] == [5.0, 5.0]
    assert plan.savings("More local places") == [0.0, 20.0]


def test_spend_follows_the_forecast_from_the_committed_level():
    baseline = {2026: 200.0, 2027: 220.0, 2028: 250.0}
    scenario = {2026: 200.0, 2027: 210.0, 2028: 230.0}
    # Committed 100 is half the forecast's 200: every later year is half its figure.
    assert rolled_spend(committed=100.0, first=2026, baseline=baseline, path=baseline) == {
        2026: 100.0,
        2027: 110.0,
        2028: 125.0,
    }
    assert rolled_spend(committed=100.0, first=2026, baseline=baseline, path=scenario) == {
        2026: 100.0,
        2027: 105.0,
        2028: 115.0,
    }
    # Years before the first are left out.
    assert list(rolled_spend(committed=1.0, first=2027, baseline=baseline, path=baseline)) == [
        2027,
        2028,
    ]
    with pytest.raises(ValueError, match="baseline"):
        rolled_spend(committed=1.0, first=2030, baseline=baseline, path=baseline)


def test_income_needs_a_budget_in_or_before_the_first_year():
    assert income_by_year({2024: 7.0}, [2026]) == [(7.0, True)]
    with pytest.raises(ValueError, match="2026-27"):
        income_by_year({2027: 7.0}, [2026, 2027])


def test_plan_refuses_gaps_and_missing_spend():
    with pytest.raises(ValueError, match="consecutive"):
        dsg_plan(years=[2026, 2028], budgets={2026: 1.0}, spend={2026: 1.0, 2028: 1.0})
    with pytest.raises(ValueError, match="Scenario A: no spend for 2027-28"):
        dsg_plan(
            years=[2026, 2027],
            budgets={2026: 1.0},
            spend={2026: 1.0, 2027: 1.0},
            mitigations={"Scenario A": {2026: 1.0}},
        )


def test_decisions_count_the_days_from_their_start():
    # 1 January 2027: 90 of the 365 days of 2026-27, all of 2027-28.
    starts = dt.date(2027, 1, 1)
    placement = new_placement(cost=36_500, starts=starts)
    assert placement.effect([2026, 2027]) == {2026: 9_000.0, 2027: 36_500.0}
    # From independent at £73,000 to a local place at £36,500: £36,500 a year saved.
    move = move_back(fee=73_000, local_cost=36_500, starts=starts)
    assert move.annual == -36_500
    assert move.effect([2026, 2027]) == {2026: -9_000.0, 2027: -36_500.0}
    # Ten places at £25,000, six of them avoiding £60,000 fees: 250,000 - 360,000.
    base = new_base(
        places=10,
        cost_per_place=25_000,
        from_independent=6,
        independent_fee=60_000,
        starts=dt.date(2027, 9, 1),
    )
    assert base.annual == -110_000
    # 1 September 2027: nothing in 2026-27; 213 of 366 days of 2027-28.
    assert base.effect([2026, 2027]) == pytest.approx({2026: 0.0, 2027: -110_000 * 213 / 366})
    assert Decision("x", dt.date(2026, 4, 1), 1.0).effect([2026]) == {2026: 1.0}


def test_decisions_refuse_impossible_figures():
    with pytest.raises(ValueError, match="from_independent"):
        new_base(
            places=2,
            cost_per_place=1,
            from_independent=3,
            independent_fee=1,
            starts=dt.date(2027, 1, 1),
        )
    with pytest.raises(ValueError, match="places"):
        new_base(
            places=0,
            cost_per_place=1,
            from_independent=0,
            independent_fee=1,
            starts=dt.date(2027, 1, 1),
        )
    with pytest.raises(ValueError, match="cost"):
        new_placement(cost=-1, starts=dt.date(2027, 1, 1))


def test_central_lines_add_up_by_hand_and_are_held_flat():
    lines = [
        CentralLine(2026, "ap", 30.0, actual=True),
        CentralLine(2026, "hospital", 12.0),
        CentralLine(2026, "ap", 3.0),  # a second AP partner in the same year
        CentralLine(2028, "support", 50.0),
    ]
    # 2026: 30 + 12 + 3 = 45; 2027 has none: 2026's 45, assumed; 2028: 50; 2029: 50, assumed.
    assert central_by_year(lines, [2026, 2027, 2028, 2029]) == [
        (45.0, False),
        (45.0, True),
        (50.0, False),
        (50.0, True),
    ]
    # Before any line: nothing, and nothing assumed.
    assert central_by_year(lines, [2025]) == [(0.0, False)]
    with pytest.raises(ValueError, match="not negative"):
        central_by_year([CentralLine(2026, "ap", -1.0)], [2026])


def test_central_spend_counts_in_the_deficit_with_and_without_mitigations():
    plan = dsg_plan(
        years=[2026, 2027],
        budgets={2026: 100.0},
        spend={2026: 90.0, 2027: 95.0},
        mitigations={"Bases": {2026: 90.0, 2027: 85.0}},
        opening_deficit=5.0,
        central=[CentralLine(2026, "ap", 20.0), CentralLine(2026, "hospital", 4.0)],
    )
    first, second = plan.without
    # 2026: placements 90 + central 24 = 114 against 100: 14 in the year; 5 + 14 = 19.
    assert (first.central, first.central_assumed, first.total_spend) == (24.0, False, 114.0)
    assert (first.in_year, first.carried_forward) == (14.0, 19.0)
    # 2027: 95 + 24 (held flat) = 119 against 100 (held flat): 19 + 19 = 38.
    assert (second.central, second.central_assumed) == (24.0, True)
    assert (second.in_year, second.carried_forward) == (19.0, 38.0)
    # The mitigation moves placements only: 85 + 24 - 100 = 9; 19 + 9 = 28.
    mitigated = plan.mitigated["Bases"]
    assert [r.central for r in mitigated] == [24.0, 24.0]
    assert mitigated[1].carried_forward == 28.0
    assert plan.savings("Bases") == [0.0, 10.0]
    # Without central lines the plan is as before: 5 + (90 - 100) = -5, a surplus.
    bare = dsg_plan(years=[2026], budgets={2026: 100.0}, spend={2026: 90.0}, opening_deficit=5.0)
    assert bare.without[0].carried_forward == -5.0
