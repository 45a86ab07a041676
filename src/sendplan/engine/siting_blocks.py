"""Choosing blocks for :func:`~sendplan.engine.siting.site`: two exact methods.

Both see the placement network with every candidate node's capacity set by its blocks
(``block_places`` a block) and return the blocks of each affordable, reachable candidate, a
status and a proven lower bound on the network's objective plus annualised capital.

- :func:`blocks_by_cuts` (the default): F(b), the optimal cost of the network when the
  candidates have b blocks, is convex in the capacities (it is the value of a linear
  programme as a function of its right-hand side), so it lies above every tangent plane.
  Each trial b is solved exactly by min-cost flow, and the tangent's slopes - the marginal
  value of a place at each candidate - are read from node potentials: shortest distances from
  the sink in the residual network of the optimal flow, which form an optimal dual solution
  (checked: the dual objective must equal F(b) to the pound). A small master MIP over the
  blocks alone then minimises the best of these planes plus annualised capital within the
  budget; its optimum is a lower bound, and when it picks a b already solved that b is
  optimal (Kelley's cutting planes, or Benders' decomposition with one subproblem). The
  planes are first gathered on the master's linear relaxation (fast), and block counts whose
  relaxation already costs more than the best found leave the master's bounds.
- :func:`blocks_by_mip`: one mixed-integer programme over every arc of the network, blocks
  integer and flows continuous (integral anyway once the blocks are fixed). Used when the
  potentials fail their check, and by the tests as a second exact method.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from sendplan.engine.placement_flow import FlowNetwork, solve_exact
from sendplan.engine.placement_model import FloatArray, IntArray
from sendplan.engine.results import INFEASIBLE, OPTIMAL, TIME_LIMIT

_INF = np.int64(2**62)


@dataclass(frozen=True)
class BlockChoice:
    """The candidates worth a decision: node ``nodes[j]`` of ``net`` is a candidate with
    ``block_places[j]`` places a block, at most ``max_blocks[j]`` blocks, ``capital[j]`` a
    block and ``per_year[j]`` a block a year. Every other candidate node stays shut."""

    net: FlowNetwork
    nodes: IntArray
    block_places: IntArray
    max_blocks: IntArray
    capital: FloatArray
    per_year: FloatArray
    budget: float
    shut: IntArray  # candidate nodes that stay at zero places


def _capacity(choice: BlockChoice, blocks: IntArray) -> IntArray:
    cap = choice.net.capacity.astype(np.int64).copy()
    cap[choice.shut] = 0
    cap[choice.nodes] = blocks * choice.block_places
    return cap


def network_cost(net: FlowNetwork, flows: IntArray) -> int:
    """Objective of ``flows`` on ``net``: arc costs plus the unplaced price of the rest."""
    placed = np.bincount(net.arc_group, weights=flows, minlength=net.supply.size)
    unplaced = net.supply - placed.astype(np.int64)
    return int((net.arc_cost.astype(np.int64) * flows).sum() + (net.unplaced * unplaced).sum())


def capacity_prices(net: FlowNetwork, flows: IntArray) -> IntArray | None:
    """The optimal dual price (pounds, <= 0) of one more place at each node of ``net`` given
    optimal ``flows``, or ``None`` if the potentials fail their check."""
    g, s = net.supply.size, net.capacity.size
    sink = g + s
    grp = net.arc_group.astype(np.int64)
    node = net.arc_setting.astype(np.int64) + g
    cost = net.arc_cost.astype(np.int64)
    node_flow = np.bincount(net.arc_setting, weights=flows, minlength=s).astype(np.int64)
    unplaced = net.supply - np.bincount(grp, weights=flows, minlength=g).astype(np.int64)
    used = flows > 0
    not_full = np.flatnonzero(node_flow < net.capacity)
    has_flow = np.flatnonzero(node_flow > 0)
    left_out = np.flatnonzero(unplaced > 0)
    # Residual arcs. Arc capacities min(group, places) are implied by the supply and place
    # rows, so forward arcs always stay; the unplaced arc's capacity is implied too.
    src = np.concatenate((grp, node[used], not_full + g, np.full(has_flow.size, sink),
                          np.arange(g), np.full(left_out.size, sink)))  # fmt: skip
    dst = np.concatenate((node, grp[used], np.full(not_full.size, sink), has_flow + g,
                          np.full(g, sink), left_out))  # fmt: skip
    w = np.concatenate((cost, -cost[used], np.zeros(not_full.size, np.int64),
                        np.zeros(has_flow.size, np.int64), net.unplaced.astype(np.int64),
                        -net.unplaced[left_out].astype(np.int64)))  # fmt: skip
    dist = np.full(sink + 1, _INF, dtype=np.int64)
    dist[sink] = 0
    active = np.zeros(sink + 1, dtype=bool)
    active[sink] = True
    for _ in range(sink + 2):  # Bellman-Ford from the sink, relaxing only from changed nodes
        e = np.flatnonzero(active[src])
        if e.size == 0:
            break
        before = dist.copy()
        np.minimum.at(dist, dst[e], dist[src[e]] + w[e])
        active = dist < before
    else:
        return None  # a negative cycle: the flows were not optimal
    if np.any(dist[:g] >= _INF):
        return None
    price = np.minimum(dist[g:sink], 0)
    price[dist[g:sink] >= _INF] = 0
    dual = -int((net.supply * dist[:g]).sum()) + int((net.capacity * price).sum())
    if dual != network_cost(net, flows):
        return None
    return price


def blocks_by_cuts(
    choice: BlockChoice, *, deadline: float | None, floor: float, lp_rounds: int = 60
) -> tuple[str, IntArray, float] | None:
    """Blocks by cutting planes on F (see the module notes); ``None`` if prices fail."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    k = choice.nodes.size
    # Planes theta >= value + slope . (b - b0), kept as theta - slope . b >= value - slope . b0.
    slopes: list[FloatArray] = []
    consts: list[float] = []
    seen: set[bytes] = set()
    best_blocks, best = np.zeros(k, dtype=np.int64), np.inf
    bound = floor

    def trial(places: IntArray) -> float | None:
        """Solve F at ``places`` places per candidate; add its plane; its value or None."""
        nonlocal best, best_blocks
        cap = choice.net.capacity.astype(np.int64).copy()
        cap[choice.shut] = 0
        cap[choice.nodes] = places
        net = replace(choice.net, capacity=cap)
        status, flows = solve_exact(net)
        price = capacity_prices(net, flows) if status == OPTIMAL else None
        if price is None:
            return None
        value = network_cost(net, flows)
        slope = (price[choice.nodes] * choice.block_places).astype(float)
        # In blocks: b0 = places / block_places, so slope . b0 = price . places (exact ints).
        slopes.append(slope)
        consts.append(float(value - int((price[choice.nodes] * places).sum())))
        blocks, rest = np.divmod(places, choice.block_places)
        if not rest.any():
            seen.add(blocks.tobytes())
            total = value + float((blocks * choice.per_year).sum())
            if total < best and float((blocks * choice.capital).sum()) <= choice.budget:
                best, best_blocks = total, blocks
        return float(value)

    # Two planes to start: no blocks (always within budget), and every block.
    most = choice.max_blocks * choice.block_places
    if trial(np.zeros(k, dtype=np.int64)) is None or trial(most.astype(np.int64)) is None:
        return None
    cost = np.concatenate((choice.per_year, [1.0]))
    upper = np.concatenate((choice.max_blocks.astype(float), [np.inf]))
    integrality = np.concatenate((np.ones(k), [0]))
    budget_row = np.concatenate((choice.capital, [0.0]))[None, :]
    budget = LinearConstraint(budget_row, -np.inf, choice.budget)
    # F never falls below its value with every block open.
    lower = np.concatenate((np.zeros(k), [consts[1] + float(slopes[1] @ choice.max_blocks)]))

    def planes() -> tuple[FloatArray, FloatArray]:
        rows = np.column_stack((-np.array(slopes), np.ones(len(slopes))))
        return rows, np.array(consts)

    # Warm-up on the linear relaxation: its masters take milliseconds and its planes (at the
    # relaxation's points, places rounded) are valid for the integer master too, which then
    # needs far fewer of its own, slower rounds. The relaxation's optimum is a lower bound.
    last = -np.inf
    lp_x = None
    for _ in range(lp_rounds):
        if deadline is not None and time.perf_counter() >= deadline:
            return TIME_LIMIT, best_blocks, bound
        rows, rhs = planes()
        lp = linprog(cost, A_ub=np.vstack((-rows, budget_row)),
                     b_ub=np.concatenate((-rhs, [choice.budget])),
                     bounds=np.column_stack((lower, upper)), method="highs")  # fmt: skip
        if lp.status != 0:
            break
        bound = max(bound, float(lp.fun) - 1e-6 * abs(float(lp.fun)))
        if best <= bound:
            return OPTIMAL, best_blocks, best
        x = np.clip(lp.x[:k], 0, choice.max_blocks)
        lp_x = x
        places = np.rint(x * choice.block_places).astype(np.int64)
        value = trial(places)
        if value is None:
            return None
        # Stop once the relaxation has (nearly) converged: its model meets F where it stands.
        at_x = value + float(x @ choice.per_year)
        if at_x - float(lp.fun) <= 1e-5 * abs(at_x) or float(lp.fun) - last <= 1e-7 * abs(at_x):
            break
        last = float(lp.fun)
    # An incumbent from the relaxation's last point, rounded down to whole blocks (within the
    # budget, since the relaxation's point is).
    if lp_x is not None:
        down = np.floor(lp_x + 1e-9).astype(np.int64)
        if down.tobytes() not in seen and trial(down * choice.block_places) is None:
            return None
        lower_b, upper_b = _fix_blocks(choice, lower, upper, planes(), cost, budget_row, best)
        lower = np.concatenate((lower_b, lower[k:]))
        upper = np.concatenate((upper_b, upper[k:]))
    # Early masters need only be near their optimum (their dual bound is still a valid lower
    # bound); once one repeats a point, masters are solved exactly.
    master_gap = 1e-4
    fixed_at = best
    while True:
        if deadline is not None and time.perf_counter() >= deadline:
            return TIME_LIMIT, best_blocks, bound
        rows, rhs = planes()
        constraints = [budget, LinearConstraint(rows, rhs, np.inf)]
        if best < fixed_at:
            lower_b, upper_b = _fix_blocks(choice, lower, upper, (rows, rhs), cost, budget_row,
                                           best)  # fmt: skip
            lower = np.concatenate((lower_b, lower[k:]))
            upper = np.concatenate((upper_b, upper[k:]))
            fixed_at = best
        options: dict[str, float] = {"mip_rel_gap": master_gap}
        if deadline is not None:
            options["time_limit"] = max(deadline - time.perf_counter(), 0.01)
        res = milp(cost, integrality=integrality, bounds=Bounds(lower, upper),
                   constraints=constraints, options=options)  # fmt: skip
        if res.status == 2 and np.isfinite(best):
            return OPTIMAL, best_blocks, best
        if res.x is None or res.status != 0:
            return (TIME_LIMIT if res.status == 1 else INFEASIBLE), best_blocks, bound
        dual = getattr(res, "mip_dual_bound", None)
        proven = float(res.fun) if master_gap == 0 or dual is None else float(dual)
        bound = max(bound, proven)
        if best <= bound:
            return OPTIMAL, best_blocks, best
        blocks = np.rint(res.x[:k]).astype(np.int64)
        if blocks.tobytes() in seen:
            if master_gap == 0:
                # The master's optimum is a point already solved, where its plane is tight:
                # no choice of blocks can do better than the best found.
                return OPTIMAL, best_blocks, best
            master_gap = 0.0
            continue
        if trial(blocks * choice.block_places) is None:
            return None


def _fix_blocks(
    choice: BlockChoice,
    lower: FloatArray,
    upper: FloatArray,
    model: tuple[FloatArray, FloatArray],
    cost: FloatArray,
    budget_row: FloatArray,
    best: float,
) -> tuple[FloatArray, FloatArray]:
    """Bounds on each candidate's blocks that cannot exclude anything better than ``best``.

    The planes never exceed F, so when the relaxation with candidate j held at v blocks costs
    more than ``best``, no choice with v blocks there can beat it. The relaxation's value is
    convex in v, so the values still open form an interval around its optimum."""
    from scipy.optimize import linprog

    k = choice.nodes.size
    lo, hi = lower[:k].copy(), upper[:k].copy()
    if not np.isfinite(best):
        return lo, hi
    rows, rhs = model
    a_ub = np.vstack((-rows, budget_row))
    b_ub = np.concatenate((-rhs, [choice.budget]))
    margin = best + 1e-6 * abs(best)

    def worse(j: int, v: float) -> bool:
        bounds = np.column_stack((lower, upper))
        bounds[j] = v
        lp = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        return lp.status == 2 or (lp.status == 0 and float(lp.fun) > margin)

    for j in range(k):
        v, most = int(lo[j]), int(hi[j])
        if v == most:
            continue  # already one count: bounds from earlier passes stay valid
        # The relaxation's own optimum for j is not known per j: scan up from the lowest
        # count still open while the values are worse, then down from the highest.
        while v < most and worse(j, float(v)):
            v += 1
        w = most
        while w > v and worse(j, float(w)):
            w -= 1
        lo[j], hi[j] = v, w
    return lo, hi


def blocks_by_mip(
    choice: BlockChoice, *, deadline: float | None, floor: float
) -> tuple[str, IntArray, float]:
    """Blocks from one MIP over every arc (flows continuous, blocks integer)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array, csr_array

    net = choice.net
    k = choice.nodes.size
    n_arcs, n_groups, n_nodes = net.arc_group.size, net.supply.size, net.capacity.size
    arc_group = net.arc_group.astype(np.int64)
    arc_node = net.arc_setting.astype(np.int64)
    n_cols = n_arcs + n_groups + k
    block_col = n_arcs + n_groups + np.arange(k)
    # Columns: arc flows, then unplaced per group, then blocks per candidate.
    cost = np.concatenate((net.arc_cost.astype(float), net.unplaced.astype(float), choice.per_year))
    ones = np.ones(n_arcs)
    supply_rows = coo_array(
        (np.concatenate((ones, np.ones(n_groups))),
         (np.concatenate((arc_group, np.arange(n_groups))), np.arange(n_arcs + n_groups))),
        shape=(n_groups, n_cols),
    )  # fmt: skip
    cap_rows = coo_array(
        (np.concatenate((ones, -choice.block_places.astype(float))),
         (np.concatenate((arc_node, choice.nodes)), np.concatenate((np.arange(n_arcs), block_col)))),
        shape=(n_nodes, n_cols),
    )  # fmt: skip
    budget_row = coo_array(
        (choice.capital, (np.zeros(k, dtype=np.int64), block_col)), shape=(1, n_cols)
    )
    node_cap = _capacity(choice, np.zeros(k, dtype=np.int64)).astype(float)
    supply = net.supply.astype(float)
    most = net.capacity.astype(np.int64).copy()
    most[choice.shut] = 0
    upper_arc = np.minimum(net.supply[arc_group], most[arc_node]).astype(float)
    upper = np.concatenate((upper_arc, supply, choice.max_blocks.astype(float)))
    integrality = np.zeros(n_cols)
    integrality[block_col] = 1
    options: dict[str, float] = {"mip_rel_gap": 0.0}
    if deadline is not None:
        options["time_limit"] = max(deadline - time.perf_counter(), 0.01)
    res = milp(
        cost,
        integrality=integrality,
        bounds=Bounds(np.zeros(n_cols), upper),
        constraints=[
            LinearConstraint(csr_array(supply_rows), supply, supply),
            LinearConstraint(csr_array(cap_rows), -np.inf, node_cap),
            LinearConstraint(csr_array(budget_row), -np.inf, choice.budget),
        ],
        options=options,
    )
    found = getattr(res, "mip_dual_bound", None)
    bound = float(found) if found is not None and np.isfinite(found) else floor
    none = np.zeros(k, dtype=np.int64)
    if res.x is None:
        return (TIME_LIMIT if res.status == 1 else INFEASIBLE), none, bound
    chosen = np.rint(res.x[block_col]).astype(np.int64)
    if float((chosen * choice.capital).sum()) > choice.budget:
        chosen = none  # rounding past the budget (never seen): fall back to no blocks
    return (OPTIMAL if res.status == 0 else TIME_LIMIT), chosen, bound
