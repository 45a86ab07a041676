"""Every answer is feasible, and optimal against an independent integer program (scipy milp)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_array

from sendplan.engine.placement import PlacementProblem, place
from tests.engine.reference_models import (
    eligibility_and_cost,
    instances,
    milp_with_stability,
    stability_instances,
)


def _milp_optimum(p: PlacementProblem, per_km: float, unplaced: int, max_km: float) -> float:
    ok, cost, _ = eligibility_and_cost(p, per_km, max_km)
    n, m = ok.shape
    if n == 0:
        return 0.0
    li, si = np.nonzero(ok)
    k = li.size
    # variables: x for each eligible pair, then y (unplaced) per learner
    c = np.concatenate((cost[li, si], np.full(n, float(unplaced))))
    rows = np.concatenate((li, np.arange(n)))
    cols = np.arange(k + n)
    assign = coo_array((np.ones(k + n), (rows, cols)), shape=(n, k + n))
    cap = coo_array((np.ones(k), (si, np.arange(k))), shape=(m, k + n))
    res = milp(
        c,
        constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(cap, -np.inf, p.places)],
        integrality=np.ones(k + n),
        bounds=(0, 1),
    )
    assert res.status == 0
    return float(res.fun)


@settings(max_examples=120, deadline=None)
@given(instances())
def test_answer_respects_capacity_eligibility_and_matches_the_milp_optimum(
    case: tuple[PlacementProblem, float, int, float],
) -> None:
    p, per_km, unplaced, max_km = case
    r = place(p, cost_per_km=per_km, unplaced_cost=unplaced, max_km=max_km)
    assert r.status == "optimal"
    ok, cost, km = eligibility_and_cost(p, per_km, max_km)
    placed = np.flatnonzero(r.assignment >= 0)
    s = r.assignment[placed]
    assert ok[placed, s].all()
    assert (km[placed, s] <= max_km).all()
    assert (np.bincount(s, minlength=p.n_settings) <= p.places).all()
    assert (r.cost[placed] == cost[placed, s]).all()
    assert (r.km[placed] == km[placed, s]).all()  # recomputed distances agree to the bit
    assert r.objective == int(cost[placed, s].sum()) + unplaced * (p.n_learners - placed.size)
    assert r.objective == round(_milp_optimum(p, per_km, unplaced, max_km))
    assert r.total_place_cost + r.total_travel_cost == int(r.cost.sum())


@settings(max_examples=40, deadline=None)
@given(instances(), st.sampled_from([0, 500, 5_000, "10%"]))
def test_honoured_preferences_cost_at_most_the_tolerance_each(
    case: tuple[PlacementProblem, float, int, float], tolerance: int | str
) -> None:
    p, per_km, unplaced, max_km = case
    rng = np.random.default_rng(p.n_learners)
    pref = rng.integers(-1, p.n_settings, size=p.n_learners)
    prefd = PlacementProblem(**{**p.__dict__, "preferred": pref})
    best = place(prefd, cost_per_km=per_km, unplaced_cost=unplaced, max_km=max_km)
    r = place(prefd, cost_per_km=per_km, unplaced_cost=unplaced, max_km=max_km,
              honour_preferences=True, preference_tolerance=tolerance)  # fmt: skip
    ok, cost, _ = eligibility_and_cost(p, per_km, max_km)
    placed = np.flatnonzero(r.assignment >= 0)
    assert ok[placed, r.assignment[placed]].all()
    assert (np.bincount(r.assignment[placed], minlength=p.n_settings) <= p.places).all()
    honoured = np.flatnonzero((pref >= 0) & (r.assignment == pref))
    assert r.preferences_honoured == honoured.size
    if isinstance(tolerance, int):
        assert r.objective - best.objective <= tolerance * r.preferences_honoured
    assert r.objective >= best.objective


@settings(max_examples=150, deadline=None)
@given(stability_instances())
def test_stayers_stay_movers_pay_and_the_objective_matches_the_milp_optimum(
    case: tuple[PlacementProblem, float, int, float, int],
) -> None:
    p, per_km, unplaced, max_km, move_cost = case
    r = place(p, cost_per_km=per_km, unplaced_cost=unplaced, max_km=max_km, move_cost=move_cost)
    assert r.status == "optimal"
    ok, cost, km = eligibility_and_cost(p, per_km, max_km)
    current, fixed = p.current_or_none(), p.fixed()
    assert (r.assignment[fixed] == current[fixed]).all()
    placed = np.flatnonzero(r.assignment >= 0)
    s = r.assignment[placed]
    stays = s == current[placed]
    assert ok[placed[~stays], s[~stays]].all()
    assert (np.bincount(s, minlength=p.n_settings) <= p.places).all()
    assert (r.cost[placed] == cost[placed, s]).all()
    assert (r.km[placed] == km[placed, s]).all()
    moved = int(((current[placed] >= 0) & ~stays).sum())
    assert r.moved == moved
    assert r.objective == int(cost[placed, s].sum()) + move_cost * moved + unplaced * (
        p.n_learners - placed.size
    )
    assert r.objective == round(milp_with_stability(p, per_km, unplaced, max_km, move_cost))
