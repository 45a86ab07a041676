"""The DSG management plan and a decision's effect, added up by hand on small cases."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.engine import (
    CASELOAD_LINES,
    CENTRAL_UPLIFT,
    CentralLine,
    Decision,
    central_projection,
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


def _amounts(years):
    return [[(f.line, round(f.amount, 6), f.basis) for f in y.figures] for y in years]


def test_central_lines_add_up_by_hand_and_are_projected_line_by_line():
    lines = [
        CentralLine(2026, "ap", 30.0, actual=True),
        CentralLine(2026, "ap", 3.0),  # a second AP partner in the same year
        CentralLine(2026, "post16", 100.0),
        CentralLine(2028, "ap", 50.0),  # recorded again later
    ]
    # Plans by financial year: 1,000 in 2026, 1,100 in 2027, 1,210 in 2028.
    caseload = {2026: 1000.0, 2027: 1100.0, 2028: 1210.0}
    years = central_projection(lines, [2026, 2027, 2028], caseload=caseload, uplift=0.05)
    assert _amounts(years) == [
        # 2026: AP 30 + 3 = 33 and post-16 100, both recorded.
        [("ap", 33.0, "recorded"), ("post16", 100.0, "recorded")],
        # 2027: AP 33 x 1.05 = 34.65 (uplift); post-16 100 x 1,100 / 1,000 = 110 (caseload).
        [("ap", 34.65, "uplift"), ("post16", 110.0, "caseload")],
        # 2028: AP's recorded 50 stands; post-16 100 x 1,210 / 1,000 = 121 from 2026.
        [("ap", 50.0, "recorded"), ("post16", 121.0, "caseload")],
    ]
    assert [round(y.total, 6) for y in years] == [133.0, 144.65, 171.0]
    assert [round(y.projected, 6) for y in years] == [0.0, 144.65, 121.0]
    assert [f.base_year for f in years[2].figures] == [2028, 2026]
    # Before any line: nothing, and nothing projected.
    (before,) = central_projection(lines, [2025], caseload=caseload)
    assert (before.total, before.projected) == (0.0, 0.0)
    assert not any(f.projected for f in before.figures)
    with pytest.raises(ValueError, match="not negative"):
        central_projection([CentralLine(2026, "ap", -1.0)], [2026])


def test_the_uplift_compounds_and_a_caseload_line_without_a_forecast_takes_it():
    lines = [CentralLine(2026, "hospital", 200.0), CentralLine(2026, "sensory", 40.0)]
    # No caseload for 2028: both lines grow by 10 % a year, compounded over two years.
    _, _, third = central_projection(lines, [2026, 2027, 2028], caseload={2026: 500.0}, uplift=0.10)
    assert _amounts([third]) == [[("hospital", 242.0, "uplift"), ("sensory", 48.4, "uplift")]]
    assert "post16" in CASELOAD_LINES and "sensory" in CASELOAD_LINES
    assert "ap" not in CASELOAD_LINES and 0 < CENTRAL_UPLIFT < 0.1


def test_recorded_figures_are_never_overwritten_by_projections():
    # Recorded figures that run against the rule (a fall while plans rise, a jump, zero)
    # are kept exactly, whatever the caseload or uplift says.
    lines = [
        CentralLine(2026, "post16", 100.0),
        CentralLine(2027, "post16", 60.0),
        CentralLine(2026, "ap", 10.0),
        CentralLine(2027, "ap", 0.0),
        CentralLine(2028, "ap", 999.0),
    ]
    caseload = {2026: 1000.0, 2027: 2000.0, 2028: 4000.0}
    years = central_projection(lines, [2026, 2027, 2028], caseload=caseload, uplift=0.5)
    recorded = {(f.line, f.year): f.amount for y in years for f in y.figures if not f.projected}
    assert recorded == {
        ("ap", 2026): 10.0,
        ("ap", 2027): 0.0,
        ("ap", 2028): 999.0,
        ("post16", 2026): 100.0,
        ("post16", 2027): 60.0,
    }
    # Only post-16 in 2028 is projected, from 2027's recorded 60: 60 x 4,000 / 2,000 = 120.
    assert [(f.line, f.amount) for y in years for f in y.figures if f.projected] == [
        ("post16", 120.0)
    ]


def test_central_spend_counts_in_the_deficit_with_and_without_mitigations():
    plan = dsg_plan(
        years=[2026, 2027],
        budgets={2026: 100.0},
        spend={2026: 90.0, 2027: 95.0},
        mitigations={"Bases": {2026: 90.0, 2027: 85.0}},
        opening_deficit=5.0,
        central=[CentralLine(2026, "ap", 20.0), CentralLine(2026, "hospital", 4.0)],
        uplift=0.5,
    )
    first, second = plan.without
    # 2026: placements 90 + central 24 = 114 against 100: 14 in the year; 5 + 14 = 19.
    assert (first.central, first.central_projected, first.total_spend) == (24.0, 0.0, 114.0)
    assert (first.in_year, first.carried_forward) == (14.0, 19.0)
    # 2027: AP and hospital have no line: 24 x 1.5 = 36 projected (uplift 50 %, for round
    # figures); 95 + 36 = 131 against 100 (held flat): 19 + 31 = 50.
    assert (second.central, second.central_projected) == (36.0, 36.0)
    assert (second.in_year, second.carried_forward) == (31.0, 50.0)
    # The mitigation moves placements only: 85 + 36 - 100 = 21; 19 + 21 = 40.
    mitigated = plan.mitigated["Bases"]
    assert [r.central for r in mitigated] == [24.0, 36.0]
    assert mitigated[1].carried_forward == 40.0
    assert [y.total for y in plan.central] == [24.0, 36.0]
    assert plan.savings("Bases") == [0.0, 10.0]
    # Without central lines the plan is as before: 5 + (90 - 100) = -5, a surplus.
    bare = dsg_plan(years=[2026], budgets={2026: 100.0}, spend={2026: 90.0}, opening_deficit=5.0)
    assert bare.without[0].carried_forward == -5.0


def test_the_plan_adds_two_lines_over_three_years_by_hand():
    # AP (uplift 10 %) and post-16 (caseload 400 -> 500 -> 600) recorded in 2026 only.
    plan = dsg_plan(
        years=[2026, 2027, 2028],
        budgets={2026: 1000.0},
        spend={2026: 800.0, 2027: 800.0, 2028: 800.0},
        central=[CentralLine(2026, "ap", 100.0), CentralLine(2026, "post16", 80.0)],
        caseload={2026: 400.0, 2027: 500.0, 2028: 600.0},
        uplift=0.10,
    )
    # 2026: 100 + 80 = 180, recorded.  2027: 110 + 80 x 500/400 = 110 + 100 = 210.
    # 2028: 121 + 80 x 600/400 = 121 + 120 = 241.
    assert [round(r.central, 6) for r in plan.without] == [180.0, 210.0, 241.0]
    assert [round(r.central_projected, 6) for r in plan.without] == [0.0, 210.0, 241.0]
    # Deficit: 800 + central - 1,000 each year: -20, +10, +41; cumulative -20, -10, 31.
    assert [round(r.carried_forward, 6) for r in plan.without] == [-20.0, -10.0, 31.0]
