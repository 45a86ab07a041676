"""From a placement problem to the flow network the solvers see, and back to learners.

Shared by :func:`~sendplan.engine.placement.place` and :func:`~sendplan.engine.siting.site`, so
both read eligibility, costs, stability and grouping the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sendplan.engine.placement_flow import FlowNetwork
from sendplan.engine.placement_model import (
    FloatArray,
    Groups,
    IndexArray,
    IntArray,
    age_classes,
    arc_km,
    build_arcs,
    make_groups,
    merge_same_arcs,
)
from sendplan.engine.placement_stability import with_stay_arcs

if TYPE_CHECKING:  # no import cycle at run time
    from sendplan.engine.placement import PlacementProblem


@dataclass(frozen=True)
class Network:
    """The flow network of a problem (learners who must stay already taken out).

    ``arc_cost`` is what an arc costs the objective (cost(l, s), plus the move cost when the
    group leaves its current setting); ``net.arc_cost`` is the same scaled for preferences.
    Setting ``used_settings[k]`` is node k of the network.
    """

    groups: Groups
    net: FlowNetwork
    used_settings: IntArray
    arc_cost: IntArray | IndexArray
    is_pref: npt.NDArray[np.bool_]

    @property
    def n_arcs(self) -> int:
        return int(self.net.arc_group.size)


def build_network(
    p: PlacementProblem,
    *,
    cost_per_km: float,
    unplaced_cost: int,
    max_km: float,
    move_cost: int,
    honour_preferences: bool,
    bonus_of: Callable[[IntArray], IntArray] | None = None,
) -> Network:
    """Group the learners of ``p``, find their arcs and weigh them for the solver.

    ``bonus_of`` (preferences only) maps the costs of preferred arcs to their pounds of
    tolerance. Learners in ``p`` must all be free to move (``p.fixed()`` all false).
    """
    breaks = age_classes(p.min_age, p.max_age)
    pref = p.preferred_or_none()
    groups = make_groups(
        p.need, p.age, p.lat, p.lon, pref, breaks, by_preference=honour_preferences,
        current=p.current,
    )  # fmt: skip
    max_cost = None if honour_preferences else unplaced_cost
    arcs = build_arcs(
        groups,
        setting_lat=p.setting_lat,
        setting_lon=p.setting_lon,
        setting_needs=p.needs,
        min_age=p.min_age,
        max_age=p.max_age,
        places=p.places,
        annual_cost=p.annual_cost,
        cost_per_km=cost_per_km,
        max_km=max_km,
        # An arc costing at least the unplaced price never beats leaving the learner unplaced.
        max_cost=max_cost,
        keep_km=False,  # recomputed for the arcs used
    )
    arcs = with_stay_arcs(
        groups, arcs, setting_lat=p.setting_lat, setting_lon=p.setting_lon,
        annual_cost=p.annual_cost, places=p.places, cost_per_km=cost_per_km,
        move_cost=move_cost, max_cost=max_cost,
    )  # fmt: skip
    if not honour_preferences:  # groups split by preference must stay apart
        groups, arcs = merge_same_arcs(groups, arcs)
    g_count = groups.count.size
    solver_cost: IntArray | IndexArray = arcs.cost
    unplaced = np.full(g_count, unplaced_cost, dtype=np.int64)
    is_pref = np.zeros(arcs.cost.size, dtype=bool)
    if honour_preferences:
        assert bonus_of is not None
        is_pref = arcs.setting == groups.preferred[arcs.group]
        bonus = bonus_of(arcs.cost[is_pref])
        # Scaling by one more than the number of preferences that could be honoured makes the
        # extra -1 per honoured preference a pure tie-break: at equal adjusted cost, more
        # preferences win, but it never outweighs a single pound.
        scale = int(groups.count[arcs.group[is_pref]].sum()) + 1
        if scale * max(unplaced_cost, 1) * (g_count + p.n_settings + 2) > 2**62:
            raise ValueError("too many preferences to weigh exactly")
        solver_cost = scale * arcs.cost
        solver_cost[is_pref] -= scale * bonus + 1
        unplaced = scale * unplaced
        keep = solver_cost < unplaced[arcs.group]
        arcs = type(arcs)(arcs.group[keep], arcs.setting[keep], arcs.km, arcs.cost[keep])
        solver_cost, is_pref = solver_cost[keep], is_pref[keep]
    # Only settings that some learner can reach enter the network (numbered in index order).
    reached = np.bincount(arcs.setting, minlength=p.n_settings) > 0
    used_settings = np.flatnonzero(reached)
    arc_setting = (np.cumsum(reached, dtype=np.int32) - 1)[arcs.setting]
    arc_cost: IntArray | IndexArray = arcs.cost
    if not honour_preferences and unplaced_cost < 2**31:
        # Every kept cost is below unplaced_cost: 4 bytes an arc instead of 8 while solving.
        arc_cost = arc_cost.astype(np.int32)
        solver_cost = arc_cost
    net = FlowNetwork(
        arc_group=arcs.group,
        arc_setting=arc_setting,
        arc_cost=solver_cost,
        supply=groups.count,
        capacity=p.places[used_settings],
        unplaced=unplaced,
    )
    return Network(groups, net, used_settings, arc_cost, is_pref)


def trivial_lower_bound(network: Network, unplaced: int) -> int:
    """Each group at its cheapest arc, ignoring capacity: a valid bound on the objective."""
    count = network.groups.count
    best = np.full(count.size, unplaced, dtype=np.int64)
    np.minimum.at(best, network.net.arc_group, network.arc_cost)
    return int((best * count).sum())


def decode(
    network: Network, flows: IntArray, p: PlacementProblem
) -> tuple[IntArray, IntArray, FloatArray]:
    """Hand each group's flows to its members in input order; the rest stay unplaced.

    Returns each learner's setting (-1 unplaced), the cost of its arc (move cost included)
    and the distance.
    """
    groups, arc_group = network.groups, network.net.arc_group
    used = np.flatnonzero(flows > 0)
    f = flows[used]
    g = np.repeat(arc_group[used].astype(np.int64), f)  # arcs are sorted by group, so g is too
    first_of_run = np.searchsorted(g, g, side="left")
    slot = groups.member_start[g] + (np.arange(g.size) - first_of_run)
    learner = groups.members[slot]
    setting = network.used_settings[network.net.arc_setting[used]]
    arc_km_used = arc_km(groups.lat, groups.lon, p.setting_lat, p.setting_lon, arc_group[used],
                         setting)  # fmt: skip
    n = p.n_learners
    assignment = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n, dtype=np.int64)
    km = np.full(n, np.nan)
    assignment[learner] = np.repeat(setting, f)
    cost[learner] = np.repeat(network.arc_cost[used], f)
    km[learner] = np.repeat(arc_km_used, f)
    return assignment, cost, km
