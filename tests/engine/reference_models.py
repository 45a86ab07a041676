"""Plain reference models of the placement contract, one variable per learner and option,
and the small random instances the engine's exact answers are checked on."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_array

from sendplan.engine.geo import haversine_km
from sendplan.engine.placement import PlacementProblem

NEEDS = 3  # a few need codes make eligibility bite often


@st.composite
def instances(draw: st.DrawFn) -> tuple[PlacementProblem, float, int, float]:
    n = draw(st.integers(0, 9))
    m = draw(st.integers(1, 5))
    coord = st.floats(51.0, 51.3, allow_nan=False)
    # Few distinct home points, so learners often share a group.
    homes = draw(st.lists(st.tuples(coord, coord), min_size=1, max_size=3))
    pick = draw(st.lists(st.integers(0, len(homes) - 1), min_size=n, max_size=n))
    lo = draw(st.lists(st.integers(0, 20), min_size=m, max_size=m))
    span = draw(st.lists(st.integers(0, 10), min_size=m, max_size=m))
    p = PlacementProblem(
        need=np.array(
            draw(st.lists(st.integers(0, NEEDS - 1), min_size=n, max_size=n)), dtype=np.int64
        ),
        age=np.array(draw(st.lists(st.integers(0, 25), min_size=n, max_size=n)), dtype=np.int64),
        lat=np.array([homes[i][0] for i in pick]),
        lon=np.array([homes[i][1] - 52.3 for i in pick]),
        setting_lat=np.array(draw(st.lists(coord, min_size=m, max_size=m))),
        setting_lon=np.array(draw(st.lists(coord, min_size=m, max_size=m))) - 52.3,
        min_age=np.array(lo, dtype=np.int64),
        max_age=np.minimum(np.array(lo) + np.array(span), 25).astype(np.int64),
        needs=np.array(
            draw(st.lists(st.integers(0, 2**NEEDS - 1), min_size=m, max_size=m)), dtype=np.int64
        ),
        places=np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64),
        annual_cost=np.array(draw(st.lists(st.floats(0, 90_000), min_size=m, max_size=m))),
    )
    per_km = draw(st.sampled_from([0.0, 45.5, 400.0, 2_000.0]))
    unplaced = draw(st.sampled_from([20_000, 60_000, 250_000]))
    max_km = draw(st.floats(1.0, 40.0))
    return p, per_km, unplaced, max_km


@st.composite
def stability_instances(draw: st.DrawFn) -> tuple[PlacementProblem, float, int, float, int]:
    p, per_km, unplaced, max_km = draw(instances())
    n, m = p.n_learners, p.n_settings
    current = np.array(draw(st.lists(st.integers(-1, m - 1), min_size=n, max_size=n)), dtype=int)
    may_move = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    # Learners who must stay fit their settings, as a valid file guarantees.
    held = np.bincount(current[(current >= 0) & ~may_move], minlength=m)
    places = np.maximum(p.places, held)
    move_cost = draw(st.sampled_from([0, 1, 2_500, 40_000]))
    stable = PlacementProblem(
        **{**p.__dict__, "current": current, "may_move": may_move, "places": places}
    )
    return stable, per_km, unplaced, max_km, move_cost


def eligibility_and_cost(
    p: PlacementProblem, per_km: float, max_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    km = haversine_km(
        p.lat[:, None], p.lon[:, None], p.setting_lat[None, :], p.setting_lon[None, :]
    )
    ok = (
        ((p.needs[None, :] >> p.need[:, None]) & 1).astype(bool)
        & (p.min_age[None, :] <= p.age[:, None])
        & (p.age[:, None] <= p.max_age[None, :])
        & (km <= max_km)
    )
    cost = np.floor(p.annual_cost[None, :] + per_km * km + 0.5)
    return ok, cost, km


def milp_with_stability(
    p: PlacementProblem, per_km: float, unplaced: int, max_km: float, move_cost: int
) -> float:
    """The contract's stability model, one binary per (learner, option), written out plainly."""
    ok, cost, _ = eligibility_and_cost(p, per_km, max_km)
    n, m = ok.shape
    if n == 0:
        return 0.0
    current = p.current_or_none()
    fixed = p.fixed()
    li: list[int] = []
    si: list[int] = []
    price: list[float] = []
    for i in range(n):
        for s in range(m):
            if current[i] >= 0 and s == current[i]:
                li.append(i), si.append(s), price.append(cost[i, s])  # staying: no eligibility
            elif ok[i, s] and not fixed[i]:
                li.append(i), si.append(s)
                price.append(cost[i, s] + (move_cost if current[i] >= 0 else 0))
    k = len(li)
    c = np.concatenate((price, np.full(n, float(unplaced))))
    rows = np.concatenate((li, np.arange(n)))
    assign = coo_array((np.ones(k + n), (rows, np.arange(k + n))), shape=(n, k + n))
    cap = coo_array((np.ones(k), (si, np.arange(k))), shape=(m, k + n))
    upper = np.ones(k + n)
    upper[k:][fixed] = 0  # a learner who must stay is never unplaced
    res = milp(
        c,
        constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(cap, -np.inf, p.places)],
        integrality=np.ones(k + n),
        bounds=(np.zeros(k + n), upper),
    )
    assert res.status == 0
    return float(res.fun)
