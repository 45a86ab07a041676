"""Stability: learners who stay where they are, and the price of moving those who may.

A learner with a current setting who may not move holds one of its places at cost(l, current),
whatever the eligibility rules say; they leave the network and the setting's places shrink.
A learner who may move keeps an arc to the current setting at cost(l, current) (no eligibility
asked of the place already held) and pays ``move_cost`` on every other arc. Groups are split by
current setting (see :func:`~sendplan.engine.placement_model.make_groups`), so a group's arcs
are the same for each of its members and the flow stays exact.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sendplan.engine.placement_model import (
    Arcs,
    FloatArray,
    Groups,
    IntArray,
    arc_km,
    round_pounds,
)

BoolArray = npt.NDArray[np.bool_]


def held_places(current: IntArray, fixed: BoolArray, n_settings: int) -> IntArray:
    """Places held in each setting by learners who must stay."""
    return np.bincount(current[fixed], minlength=n_settings).astype(np.int64)


def stay_cost_km(
    *,
    lat: FloatArray,
    lon: FloatArray,
    setting: IntArray,
    setting_lat: FloatArray,
    setting_lon: FloatArray,
    annual_cost: FloatArray,
    cost_per_km: float,
) -> tuple[IntArray, FloatArray]:
    """cost(l, s) and distance for each (learner, setting) pair given as parallel arrays."""
    km = arc_km(lat, lon, setting_lat, setting_lon, np.arange(lat.size), setting)
    return round_pounds(annual_cost[setting] + cost_per_km * km), km


def with_stay_arcs(
    groups: Groups,
    arcs: Arcs,
    *,
    setting_lat: FloatArray,
    setting_lon: FloatArray,
    annual_cost: FloatArray,
    places: IntArray,
    cost_per_km: float,
    move_cost: int,
    max_cost: int | None,
) -> Arcs:
    """``arcs`` with the move cost added for groups that have a current setting, and an arc to
    that setting at cost(l, current) (the cheaper of the two when it is eligible anyway).

    Arcs stay sorted by group then setting; distances are dropped (``arc_km`` recomputes
    them). Without any current setting the arcs come back unchanged.
    """
    cur = groups.current_or_none()
    has = cur >= 0
    if not has.any():
        return arcs
    cost = arcs.cost.astype(np.int64)
    if move_cost:
        cost = cost + move_cost * has[arcs.group]
    stay_g = np.flatnonzero(has)
    stay_s = cur[stay_g]
    open_ = places[stay_s] > 0
    stay_g, stay_s = stay_g[open_], stay_s[open_]
    km = arc_km(groups.lat, groups.lon, setting_lat, setting_lon, stay_g, stay_s)
    stay_c = round_pounds(annual_cost[stay_s] + cost_per_km * km)
    g = np.concatenate((arcs.group.astype(np.int64), stay_g))
    s = np.concatenate((arcs.setting.astype(np.int64), stay_s))
    c = np.concatenate((cost, stay_c))
    order = np.lexsort((c, s, g))
    g, s, c = g[order], s[order], c[order]
    first = np.ones(g.size, dtype=bool)
    first[1:] = (g[1:] != g[:-1]) | (s[1:] != s[:-1])
    if max_cost is not None:
        first &= c < max_cost
    return Arcs(g[first].astype(np.int32), s[first].astype(np.int32), np.zeros(0), c[first])
