"""Solving the placement network with OR-Tools min-cost flow, under an optional time limit.

OR-Tools' ``SimpleMinCostFlow.solve`` cannot be interrupted, so a time limit is honoured by
solving in a forked child process that writes its flows into shared memory; when the limit
passes the child is stopped and the caller falls back to a first-come-first-served allocation
(feasible, not optimal) reported with status ``time_limit``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sendplan.engine.placement_model import IndexArray, IntArray
from sendplan.engine.results import INFEASIBLE, OPTIMAL, TIME_LIMIT

_SLICE = 1 << 21


@dataclass(frozen=True)
class FlowNetwork:
    """Transportation network: groups 0..G-1 supply ``supply``; settings G..G+S-1 take at most
    ``capacity``; every group may also send learners to the sink (node G+S) at ``unplaced``."""

    arc_group: IndexArray | IntArray
    arc_setting: IndexArray | IntArray  # index 0..S-1 among the network's settings
    arc_cost: IntArray | IndexArray  # int32 when every cost fits
    supply: IntArray
    capacity: IntArray
    unplaced: IntArray  # per group: cost of leaving one learner unplaced


def solve_exact(net: FlowNetwork) -> tuple[str, IntArray]:
    """Optimal flows on every group-to-setting arc of ``net``, solved in this process."""
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    g, s = net.supply.size, net.capacity.size
    sink = g + s
    mcf = SimpleMinCostFlow()
    # Added in slices so the converted node and capacity arrays stay small (NodeIndex is int32
    # inside OR-Tools; an arc never carries more than its group's learners or its setting's
    # places).
    n_arcs = net.arc_group.size
    for lo in range(0, n_arcs, _SLICE):
        hi = min(n_arcs, lo + _SLICE)
        grp, sett = net.arc_group[lo:hi], net.arc_setting[lo:hi]
        mcf.add_arcs_with_capacity_and_unit_cost(
            grp.astype(np.int32, copy=False),
            (sett + g).astype(np.int32),
            np.minimum(net.supply[grp], net.capacity[sett]),
            net.arc_cost[lo:hi].astype(np.int64, copy=False),
        )
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(g, g + s, dtype=np.int32),
        np.full(s, sink, dtype=np.int32),
        net.capacity.astype(np.int64, copy=False),
        np.zeros(s, dtype=np.int64),
    )
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(g, dtype=np.int32),
        np.full(g, sink, dtype=np.int32),
        net.supply.astype(np.int64, copy=False),
        net.unplaced.astype(np.int64, copy=False),
    )
    supplies = np.zeros(g + s + 1, dtype=np.int64)
    supplies[:g] = net.supply
    supplies[sink] = -int(net.supply.sum())
    mcf.set_nodes_supplies(np.arange(g + s + 1, dtype=np.int32), supplies)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        return INFEASIBLE, np.zeros(net.arc_group.size, dtype=np.int64)
    return OPTIMAL, mcf.flows(np.arange(net.arc_group.size, dtype=np.int32))


def _solve_into(net: FlowNetwork, out: np.ndarray) -> None:
    status, flows = solve_exact(net)
    if status == OPTIMAL:
        out[1:] = flows
        out[0] = 1


def solve_network(net: FlowNetwork, *, time_left: float | None) -> tuple[str, IntArray | None]:
    """Optimal flows on the group-to-setting arcs, or ``(TIME_LIMIT, None)``."""
    if time_left is None:
        return solve_exact(net)
    if time_left <= 0:
        return TIME_LIMIT, None
    import mmap  # only a time limit needs a child process
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: solve without a limit
        return solve_exact(net)
    n = net.arc_group.size
    buf = mmap.mmap(-1, 8 * (n + 1))
    shared = np.frombuffer(buf, dtype=np.int64)
    shared[0] = 0
    child = ctx.Process(target=_solve_into, args=(net, shared), daemon=True)
    child.start()
    child.join(time_left)
    if child.is_alive():
        child.kill()
        child.join()
        return TIME_LIMIT, None
    if shared[0] != 1:
        return INFEASIBLE, None
    return OPTIMAL, shared[1:].copy()


def first_come_first_served(net: FlowNetwork, order: IntArray) -> IntArray:
    """Flows of a greedy allocation: groups in ``order`` take their cheapest open places.

    Used when the time limit stops the exact solver; always feasible, usually far from optimal.
    """
    flows = np.zeros(net.arc_group.size, dtype=np.int64)
    left = net.capacity.astype(np.int64).tolist()
    start = np.searchsorted(net.arc_group, np.arange(net.supply.size + 1))
    by_cost = np.lexsort((net.arc_cost, net.arc_group))  # cheapest first within each group
    cost = net.arc_cost[by_cost].tolist()
    sett = net.arc_setting[by_cost].tolist()
    supply = net.supply.tolist()
    unplaced = net.unplaced.tolist()
    starts = start.tolist()
    for g in order.tolist():
        need = supply[g]
        for k in range(starts[g], starts[g + 1]):
            if need == 0 or cost[k] >= unplaced[g]:
                break
            take = min(need, left[sett[k]])
            if take:
                left[sett[k]] -= take
                flows[by_cost[k]] = take
                need -= take
    return flows
