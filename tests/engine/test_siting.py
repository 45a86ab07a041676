"""`site`: blocks within budget, and the optimum of a brute force over every choice of blocks
with a plain one-variable-per-learner integer programme for each."""

from __future__ import annotations

import dataclasses
import itertools
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendplan.engine import siting
from sendplan.engine.placement import PlacementProblem
from sendplan.engine.placement_flow import FlowNetwork, solve_exact
from sendplan.engine.siting import Candidates, site, with_candidates
from sendplan.engine.siting_blocks import capacity_prices, network_cost
from tests.engine.reference_models import NEEDS, milp_with_stability, stability_instances

Options = dict[str, float]


@st.composite
def siting_instances(draw: st.DrawFn) -> tuple[PlacementProblem, Candidates, float, Options]:
    p, per_km, unplaced, max_km, move_cost = draw(stability_instances())
    k = draw(st.integers(1, 3))

    def each(strategy: st.SearchStrategy) -> list:
        return draw(st.lists(strategy, min_size=k, max_size=k))

    coord = st.floats(51.0, 51.3, allow_nan=False)
    lo = np.array(each(st.integers(0, 20)), dtype=np.int64)
    c = Candidates(
        lat=np.array(each(coord)),
        lon=np.array(each(coord)) - 52.3,
        min_age=lo,
        max_age=np.minimum(lo + np.array(each(st.integers(0, 10))), 25).astype(np.int64),
        needs=np.array(each(st.integers(1, 2**NEEDS - 1)), dtype=np.int64),
        block_places=np.array(each(st.integers(1, 3)), dtype=np.int64),
        max_blocks=np.array(each(st.integers(1, 2)), dtype=np.int64),
        capital_per_block=np.array(each(st.sampled_from([0.0, 150_000.0, 1e6, 2_500_000.5]))),
        annual_cost=np.array(each(st.floats(0, 90_000))),
    )
    budget = draw(st.sampled_from([0.0, 1_000_000.0, 3_000_000.0, 1e9]))
    options = {
        "cost_per_km": per_km, "unplaced_cost": unplaced, "max_km": max_km,
        "move_cost": move_cost, "capital_years": draw(st.sampled_from([1.0, 7.0, 30.0])),
    }  # fmt: skip
    return p, c, budget, options


def _reference(p: PlacementProblem, o: Options) -> float:
    return milp_with_stability(
        p, o["cost_per_km"], int(o["unplaced_cost"]), o["max_km"], int(o["move_cost"])
    )


def _brute_force(p: PlacementProblem, c: Candidates, budget: float, o: Options) -> float:
    best = np.inf
    for blocks in itertools.product(*(range(int(b) + 1) for b in c.max_blocks)):
        b = np.array(blocks)
        capital = float((b * c.capital_per_block).sum())
        if capital > budget:
            continue
        combined = with_candidates(p, c)
        opened = np.concatenate((p.places, b * c.block_places))
        total = _reference(dataclasses.replace(combined, places=opened), o)
        best = min(best, total + capital / o["capital_years"])
    return best


@pytest.mark.parametrize("method", ["cuts", "mip"])
@settings(max_examples=60, deadline=None)
@given(case=siting_instances())
def test_blocks_within_budget_and_the_objective_matches_a_brute_force(
    method: str, case: tuple[PlacementProblem, Candidates, float, Options]
) -> None:
    p, c, budget, o = case
    # The cutting planes must never need the fallback: their prices always pass the check.
    fallback = None if method == "mip" else AssertionError("fell back to the MIP")
    with mock.patch("sendplan.engine.siting.blocks_by_mip", side_effect=fallback,
                    wraps=siting.blocks_by_mip):  # fmt: skip
        r = site(p, c, budget=budget, method=method, **o)  # type: ignore[arg-type]
    assert r.status == "optimal"
    assert r.gap == 0.0
    assert ((r.blocks >= 0) & (r.blocks <= c.max_blocks)).all()
    assert (r.blocks * c.capital_per_block).sum() <= budget
    assert (r.places_used <= r.blocks * c.block_places).all()
    m = p.n_settings
    placed = r.placement.assignment[r.placement.assignment >= 0]
    assert (np.bincount(placed, minlength=m + c.n)[m:] == r.places_used).all()
    annualised = float((r.blocks * c.capital_per_block).sum()) / o["capital_years"]
    assert r.objective == pytest.approx(r.placement.objective + annualised, abs=1e-6)
    assert r.objective == pytest.approx(_brute_force(p, c, budget, o), rel=1e-9, abs=1e-6)
    assert r.annual_saving == r.baseline.objective - r.placement.objective
    assert r.baseline.objective == round(_reference(p, o))


def _one_learner_short() -> tuple[PlacementProblem, Candidates]:
    p = PlacementProblem(
        need=np.zeros(3, dtype=np.int64), age=np.full(3, 9), lat=np.full(3, 52.0),
        lon=np.full(3, -1.0), setting_lat=np.array([52.2]), setting_lon=np.array([-1.0]),
        min_age=np.array([5]), max_age=np.array([11]), needs=np.array([1]),
        places=np.array([1]), annual_cost=np.array([50_000.0]),
    )  # fmt: skip
    c = Candidates(
        lat=np.array([52.0]), lon=np.array([-1.0]), min_age=np.array([5]),
        max_age=np.array([11]), needs=np.array([1]), block_places=np.array([4]),
        max_blocks=np.array([1]), capital_per_block=np.array([300_000.0]),
        annual_cost=np.array([20_000.0]),
    )  # fmt: skip
    return p, c


def test_a_time_limit_of_zero_reports_time_limit_with_no_blocks_and_a_bound() -> None:
    p, c = _one_learner_short()
    r = site(p, c, budget=1e6, time_limit=0)
    assert r.status == "time_limit"
    assert r.blocks.tolist() == [0]
    assert r.lower_bound < r.objective
    assert 0 < r.gap <= 1
    assert site(p, c, budget=1e6).blocks.tolist() == [1]


def test_a_budget_below_one_block_opens_nothing() -> None:
    p, c = _one_learner_short()
    r = site(p, c, budget=299_999.99)
    assert (r.status, r.blocks.tolist(), r.annual_saving) == ("optimal", [0], 0)


def test_the_price_of_a_place_is_what_one_more_place_saves() -> None:
    # Two groups of 2 and one setting of 1 place at 10,000 / 30,000; the unplaced price is
    # 50,000. One more place takes a learner of the first group off the unplaced list:
    # it saves 50,000 - 10,000 = 40,000. The setting with room left is worth nothing more.
    net = FlowNetwork(
        arc_group=np.array([0, 1, 1], dtype=np.int32),
        arc_setting=np.array([0, 0, 1], dtype=np.int32),
        arc_cost=np.array([10_000, 30_000, 45_000]),
        supply=np.array([2, 2]),
        capacity=np.array([1, 5]),
        unplaced=np.array([50_000, 50_000]),
    )
    status, flows = solve_exact(net)
    price = capacity_prices(net, flows)
    assert status == "optimal" and price is not None
    assert price.tolist() == [-40_000, 0]
    more = FlowNetwork(**{**net.__dict__, "capacity": np.array([2, 5])})
    assert network_cost(net, flows) - network_cost(more, solve_exact(more)[1]) == 40_000
