"""Exact arc pricing: solve on each group's cheapest arcs, then prove the other arcs useless.

The placement network is a transportation problem, so a flow that is optimal on a subset of
the arcs is optimal on all of them as soon as prices exist that make every arc's reduced cost
non-negative (LP duality; see docs/adr/0101-placement-min-cost-flow.md). The prices come from
the optimal flow itself: a setting's price ``v_s`` is the cheapest way to free one of its
places - move one of its learners along a chain of other settings, ending at a setting with
room or at the unplaced arc - which is a shortest-path distance in a small graph whose nodes
are the settings. A group's price is then ``u_g = c(g, a) + v_a`` for any arc ``a`` its
learners use (``v`` of the unplaced arc is 0), and an excluded arc (g, s) is proven useless
when ``c(g, s) + v_s >= u_g``. Arcs that fail the test are added and the network re-solved;
the loop stops only when no arc fails, so the answer is exactly the full network's optimum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sendplan.engine.placement_model import IntArray

if TYPE_CHECKING:
    from sendplan.engine.placement_flow import FlowNetwork

# Each group starts with this many of its cheapest arcs (plus its unplaced arc).
INITIAL_ARCS = 8
# Below this many arcs per group on average, pricing costs more than it saves.
MIN_ARCS_PER_GROUP = 12
_INF = np.int64(2**61)


def rank_in_group(arc_group: IntArray, n_groups: int) -> IntArray:
    """Position of each arc within its group (arcs sorted by group, cheapest first).

    Examples
    --------
    >>> rank_in_group(np.array([0, 0, 1, 2, 2, 2]), 3).tolist()
    [0, 1, 0, 0, 1, 2]
    """
    start = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(arc_group, minlength=n_groups), out=start[1:])
    return np.arange(arc_group.size, dtype=np.int64) - start[arc_group]


def prices(net: FlowNetwork, flows: IntArray) -> tuple[IntArray, IntArray]:
    """Group prices ``u`` and setting prices ``v`` proving ``flows`` optimal on ``net``.

    ``flows`` must be an optimal flow on the arcs of ``net``; then ``c(g, s) + v[s] >= u[g]``
    on every arc of ``net``, with equality where the flow is positive.

    Examples
    --------
    One place at setting 0; group 0 uses it at 10 (unplaced 100), group 1 is unplaced. Freeing
    the place means leaving group 0 unplaced, so the place is worth 90.

    >>> from sendplan.engine.placement_flow import FlowNetwork
    >>> net = FlowNetwork(arc_group=np.array([0]), arc_setting=np.array([0]),
    ...     arc_cost=np.array([10]), supply=np.array([1, 1]), capacity=np.array([1]),
    ...     unplaced=np.array([100, 100]))
    >>> u, v = prices(net, np.array([1]))
    >>> u.tolist(), v.tolist()
    ([100, 100], [90])
    """
    g_arc, s_arc, c_arc = net.arc_group, net.arc_setting, net.arc_cost
    n_g, n_s = net.supply.size, net.capacity.size
    sink = n_s
    load = np.bincount(s_arc, weights=flows, minlength=n_s).astype(np.int64)
    placed = np.bincount(g_arc, weights=flows, minlength=n_g).astype(np.int64)
    left = net.supply - placed
    # Where each group's learners are ("attachments"): used arcs, and the sink if any unplaced.
    used = flows > 0
    lonely = np.flatnonzero(left > 0)
    att_g = np.concatenate((g_arc[used], lonely))
    att_node = np.concatenate((s_arc[used], np.full(lonely.size, sink, dtype=np.int64)))
    att_cost = np.concatenate((c_arc[used], net.unplaced[lonely]))
    # Every arc a group could move along: its setting arcs and its unplaced arc.
    tgt_g = np.concatenate((g_arc, np.arange(n_g, dtype=np.int64)))
    order = np.argsort(tgt_g, kind="stable")
    tgt_node = np.concatenate((s_arc, np.full(n_g, sink, dtype=np.int64)))[order]
    tgt_cost = np.concatenate((c_arc, net.unplaced))[order]
    per_group = np.bincount(tgt_g, minlength=n_g)
    start = np.cumsum(per_group) - per_group
    # Edge a -> b of weight c(g, b) - c(g, a): move one learner of g from a to b.
    count = per_group[att_g]
    rep = np.repeat(np.arange(att_g.size), count)
    slot = np.repeat(start[att_g] - (np.cumsum(count) - count), count) + np.arange(rep.size)
    src = att_node[rep]
    dst = tgt_node[slot]
    weight = tgt_cost[slot] - att_cost[rep]
    del rep, slot
    # A setting with room frees a place at no cost.
    roomy = np.flatnonzero(load < net.capacity)
    src = np.concatenate((src, roomy))
    dst = np.concatenate((dst, np.full(roomy.size, sink, dtype=np.int64)))
    weight = np.concatenate((weight, np.zeros(roomy.size, dtype=np.int64)))
    v = _distance_to(sink, src, dst, weight, n_s + 1)
    u = np.empty(n_g, dtype=np.int64)
    u[att_g] = att_cost + v[att_node]
    return u, v[:n_s]


def _distance_to(target: int, src: IntArray, dst: IntArray, weight: IntArray, n: int) -> IntArray:
    """Shortest distance from every node to ``target`` (Bellman-Ford, vectorised by rounds).

    Weights may be negative but there is no negative cycle (the flow is optimal). Parallel
    edges are merged first; each round relaxes every edge at once, and rounds stop when
    nothing changes, after at most as many rounds as the longest shortest path has edges.
    """
    keep = src != dst
    key = src[keep] * n + dst[keep]
    w = weight[keep]
    order = np.lexsort((w, key))
    key, w = key[order], w[order]
    first = np.r_[True, key[1:] != key[:-1]]
    key, w = key[first], w[first]
    src, dst = key // n, key % n
    heads = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
    nodes = src[heads]
    dist = np.full(n, _INF, dtype=np.int64)
    dist[target] = 0
    for _ in range(n + 1):
        best = np.minimum.reduceat(w + dist[dst], heads)
        better = best < dist[nodes]
        if not better.any():
            return dist
        dist[nodes[better]] = best[better]
    raise ArithmeticError("negative cycle: the flow given is not optimal")


Solver = Callable[["FlowNetwork"], tuple[str, IntArray]]


def solve_priced(
    net: FlowNetwork, solve: Solver, *, initial: int = INITIAL_ARCS
) -> tuple[str, IntArray, int]:
    """Optimal flows on all arcs of ``net``, solving only on the arcs that can matter.

    ``net``'s arcs must be sorted by group, cheapest first. Returns the status, the flows on
    every arc and the number of solves.
    """
    from sendplan.engine.placement_flow import OPTIMAL, restrict

    active = rank_in_group(net.arc_group, net.supply.size) < initial
    rounds = 0
    while True:
        rounds += 1
        idx = np.flatnonzero(active)
        sub = restrict(net, idx)
        status, sub_flows = solve(sub)
        flows = np.zeros(net.arc_group.size, dtype=np.int64)
        if status != OPTIMAL:
            return status, flows, rounds
        flows[idx] = sub_flows
        u, v = prices(sub, sub_flows)
        reduced = net.arc_cost + v[net.arc_setting] - u[net.arc_group]
        missing = (reduced < 0) & ~active
        if not missing.any():
            return status, flows, rounds
        active |= missing
