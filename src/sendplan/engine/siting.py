"""Where to add places: how many blocks to open at each candidate site within a capital budget.

Candidate c acts as a setting with ``b(c) * block_places(c)`` places once ``b(c)`` blocks are
opened, each costing ``capital_per_block(c)``. :func:`site` minimises the placement objective of
:func:`~sendplan.engine.placement.place` (stability included) over the settings and candidates
together, plus the capital annualised over ``capital_years``, with the capital within
``budget``.

The mixed-integer programme is solved at the level of the placement network's groups (learners
alike for the model), with the blocks integer and the flows continuous: once the blocks are
fixed the flows form a transportation problem with integral capacities, whose optimum is
integral, so relaxing them loses nothing. The final flows come from the exact min-cost flow on
the chosen blocks, so every pound reported is an integer sum (see docs/adr/0130).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sendplan.engine.placement import (
    MAX_ANNUAL_COST,
    MAX_PLACES,
    MAX_POUNDS,
    PlacementProblem,
    PlacementResult,
    assemble,
    check_options,
    check_problem,
    free_learners,
    place,
)
from sendplan.engine.placement_flow import solve_exact
from sendplan.engine.placement_model import ALL_NEEDS, FloatArray, IntArray
from sendplan.engine.placement_network import Network, build_network, trivial_lower_bound
from sendplan.engine.results import INFEASIBLE, OPTIMAL, TIME_LIMIT
from sendplan.engine.siting_blocks import BlockChoice, blocks_by_cuts, blocks_by_mip

#: Most pounds of capital one block, or the whole budget, may be.
MAX_CAPITAL = 100_000_000_000


@dataclass(frozen=True)
class Candidates:
    """Candidate sites as arrays, one entry per candidate (needs as bit masks)."""

    lat: FloatArray
    lon: FloatArray
    min_age: IntArray
    max_age: IntArray
    needs: IntArray
    block_places: IntArray
    max_blocks: IntArray
    capital_per_block: FloatArray
    annual_cost: FloatArray

    @property
    def n(self) -> int:
        return int(self.lat.size)


@dataclass(frozen=True)
class SiteResult:
    """Outcome of :func:`site`, in the shape of scipy's ``OptimizeResult``.

    ``placement`` is the placement of every learner; its setting indices from
    ``n_settings`` on are candidates (``n_settings + c``). ``objective`` is the placement
    objective plus the annualised capital; ``lower_bound`` is a proven bound on it
    (equal when optimal) and ``gap`` their relative difference. ``baseline`` is the optimal
    placement with no new places, and ``annual_saving`` its objective less ``placement``'s.
    """

    status: str
    message: str
    blocks: IntArray
    places_used: IntArray
    capital: float
    objective: float
    lower_bound: float
    gap: float
    placement: PlacementResult
    baseline: PlacementResult
    annual_saving: int
    solve_seconds: float
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return self.status == OPTIMAL


def check_candidates(candidates: Candidates) -> None:
    """Raise ``ValueError`` naming the first thing wrong with ``candidates``."""
    k = candidates.n
    for name in ("lon", "min_age", "max_age", "needs", "block_places", "max_blocks",
                 "capital_per_block", "annual_cost"):  # fmt: skip
        if getattr(candidates, name).shape != (k,):
            raise ValueError(f"{name} must have one entry per candidate")
    if not k:
        return
    c = candidates
    if not (np.all(np.isfinite(c.lat)) and np.abs(c.lat).max() <= 90):
        raise ValueError("candidate lat must be finite degrees within ±90")
    if not (np.all(np.isfinite(c.lon)) and np.abs(c.lon).max() <= 180):
        raise ValueError("candidate lon must be finite degrees within ±180")
    if c.min_age.min() < 0 or c.max_age.max() > 25 or np.any(c.min_age > c.max_age):
        raise ValueError("candidate ages must run from min_age to max_age within 0 to 25")
    if np.any((c.needs < 0) | (c.needs > ALL_NEEDS)):
        raise ValueError("needs must be bit masks over NEED_CODES")
    if c.block_places.min() < 1 or c.max_blocks.min() < 1:
        raise ValueError("block_places and max_blocks must be at least 1")
    if np.any(c.block_places * c.max_blocks > MAX_PLACES):
        raise ValueError(f"a candidate may add at most {MAX_PLACES:,} places")
    capital = c.capital_per_block
    if not np.all(np.isfinite(capital)) or capital.min() < 0 or capital.max() > MAX_CAPITAL:
        raise ValueError(f"capital_per_block must be from 0 to {MAX_CAPITAL:,} pounds")
    cost = c.annual_cost
    if not np.all(np.isfinite(cost)) or cost.min() < 0 or cost.max() > MAX_ANNUAL_COST:
        raise ValueError(f"annual_cost must be from 0 to {MAX_ANNUAL_COST:,} pounds")


def with_candidates(problem: PlacementProblem, candidates: Candidates) -> PlacementProblem:
    """The problem with every candidate appended as a setting at its most places."""
    c = candidates
    return dataclasses.replace(
        problem,
        setting_lat=np.concatenate((problem.setting_lat, c.lat)),
        setting_lon=np.concatenate((problem.setting_lon, c.lon)),
        min_age=np.concatenate((problem.min_age, c.min_age)).astype(np.int64),
        max_age=np.concatenate((problem.max_age, c.max_age)).astype(np.int64),
        needs=np.concatenate((problem.needs, c.needs)).astype(np.int64),
        places=np.concatenate((problem.places, c.block_places * c.max_blocks)).astype(np.int64),
        annual_cost=np.concatenate((problem.annual_cost, c.annual_cost)).astype(float),
    )


def site(
    problem: PlacementProblem,
    candidates: Candidates,
    *,
    budget: float,
    cost_per_km: float = 400.0,
    unplaced_cost: int = 250_000,
    max_km: float = 50.0,
    move_cost: int = 0,
    capital_years: float = 30.0,
    time_limit: float | None = None,
    method: str = "cuts",
    progress: Callable[[str], None] | None = None,
) -> SiteResult:
    """Blocks to open at each candidate, and the placements that follow, at least total cost.

    Examples
    --------
    One learner 10 km from an existing setting; a candidate at home costs 600,000 a block,
    20,000 a year once annualised over 30 years, and saves 4,000 of travel a year: not worth
    it. At 60,000 a block (2,000 a year) it is.

    >>> km = 10 / 111.19508
    >>> p = PlacementProblem(need=np.array([0]), age=np.array([9]), lat=np.array([52.0]),
    ...     lon=np.array([-1.0]), setting_lat=np.array([52.0 + km]),
    ...     setting_lon=np.array([-1.0]), min_age=np.array([5]), max_age=np.array([11]),
    ...     needs=np.array([ALL_NEEDS]), places=np.array([1]), annual_cost=np.array([20_000.0]))
    >>> def cand(capital):
    ...     return Candidates(lat=np.array([52.0]), lon=np.array([-1.0]),
    ...         min_age=np.array([5]), max_age=np.array([11]), needs=np.array([ALL_NEEDS]),
    ...         block_places=np.array([8]), max_blocks=np.array([2]),
    ...         capital_per_block=np.array([capital]), annual_cost=np.array([20_000.0]))
    >>> r = site(p, cand(600_000.0), budget=1e6)
    >>> r.status, r.blocks.tolist(), r.objective, r.annual_saving
    ('optimal', [0], 24000.0, 0)
    >>> r = site(p, cand(60_000.0), budget=1e6)
    >>> r.status, r.blocks.tolist(), r.objective, r.annual_saving, r.gap
    ('optimal', [1], 22000.0, 4000, 0.0)
    """
    t0 = time.perf_counter()
    check_problem(problem)
    check_candidates(candidates)
    check_options(cost_per_km=cost_per_km, unplaced_cost=unplaced_cost, max_km=max_km,
                  move_cost=move_cost)  # fmt: skip
    if not (np.isfinite(budget) and 0 <= budget <= MAX_CAPITAL):
        raise ValueError(f"budget must be from 0 to {MAX_CAPITAL:,} pounds")
    if not (np.isfinite(capital_years) and 0 < capital_years <= 1_000):
        raise ValueError("capital_years must be more than 0 and at most 1,000")
    if time_limit is not None and not (np.isfinite(time_limit) and time_limit >= 0):
        raise ValueError("time_limit must be a non-negative number")
    if method not in ("cuts", "mip"):
        raise ValueError("method must be 'cuts' or 'mip'")
    if unplaced_cost > MAX_POUNDS:
        raise ValueError(f"unplaced_cost must be at most {MAX_POUNDS:,}")
    unplaced_cost, move_cost = int(unplaced_cost), int(move_cost)
    say = progress or (lambda _: None)
    options = {"cost_per_km": cost_per_km, "unplaced_cost": unplaced_cost, "max_km": max_km,
               "move_cost": move_cost}  # fmt: skip
    say("Placing the learners in the places there are now")
    baseline = place(problem, **options)  # type: ignore[arg-type]
    combined = with_candidates(problem, candidates)
    free, sub = free_learners(combined)
    say("Finding the settings and candidate sites each learner can reach")
    network = build_network(sub, honour_preferences=False, **options)  # type: ignore[arg-type]
    m = problem.n_settings
    per_year = candidates.capital_per_block / capital_years
    deadline = None if time_limit is None else t0 + time_limit
    say(
        f"Choosing blocks: {network.groups.count.size:,} groups of learners, "
        f"{network.used_settings.size:,} settings and sites, {network.n_arcs:,} arcs"
    )
    status, blocks, bound = _choose_blocks(
        network, m, candidates, per_year, budget=budget, unplaced_cost=unplaced_cost,
        deadline=deadline, method=method,
    )  # fmt: skip
    say("Placing the learners with the chosen blocks")
    capacity = combined.places.copy()
    capacity[m:] = blocks * candidates.block_places
    fixed_held = combined.places - sub.places  # places held by learners who must stay
    net = dataclasses.replace(network.net, capacity=(capacity - fixed_held)[network.used_settings])
    flow_status, flows = solve_exact(net)
    if flow_status != OPTIMAL:  # cannot happen: leaving learners unplaced is always open
        status = INFEASIBLE
    placement = assemble(
        combined, free, sub, dataclasses.replace(network, net=net), flows, status=status,
        message="", cost_per_km=cost_per_km, unplaced_cost=unplaced_cost,
        move_cost=move_cost, lower_bound=None, t0=t0,
    )  # fmt: skip
    capital = float((blocks * candidates.capital_per_block).sum())
    objective = placement.objective + float((blocks * per_year).sum())
    if status == OPTIMAL:
        bound, gap = objective, 0.0
    else:
        # The bound covers the network; learners who must stay add their fixed costs.
        bound = min(bound + float(placement.cost[combined.fixed()].sum()), objective)
        gap = (objective - bound) / abs(objective) if objective else 0.0
    used = np.bincount(np.maximum(placement.assignment - m, -1) + 1, minlength=candidates.n + 1)[1:]
    messages = {
        OPTIMAL: "optimal blocks and placements found",
        TIME_LIMIT: "time limit reached: the best blocks found so far, not proven optimal",
        INFEASIBLE: "the solver failed",
    }
    return SiteResult(
        status=status,
        message=messages[status],
        blocks=blocks,
        places_used=used.astype(np.int64),
        capital=capital,
        objective=objective,
        lower_bound=float(bound),
        gap=float(gap),
        placement=dataclasses.replace(placement, status=status, message=messages[status]),
        baseline=baseline,
        annual_saving=baseline.objective - placement.objective,
        solve_seconds=time.perf_counter() - t0,
        stats={**placement.stats, "candidates_in_network": int((network.used_settings >= m).sum())},
    )


def _choose_blocks(
    network: Network,
    m: int,
    candidates: Candidates,
    per_year: FloatArray,
    *,
    budget: float,
    unplaced_cost: int,
    deadline: float | None,
    method: str,
) -> tuple[str, IntArray, float]:
    """Blocks per candidate: (status, blocks, lower bound on the network's objective plus
    annualised capital)."""
    blocks = np.zeros(candidates.n, dtype=np.int64)
    trivial = float(trivial_lower_bound(network, unplaced_cost))
    node_cand = network.used_settings - m  # candidate index of each node, < 0 for settings
    cand_nodes = np.flatnonzero(node_cand >= 0)
    cand = node_cand[cand_nodes]
    # Only candidates some learner can reach and the budget allows are worth a decision.
    affordable = candidates.capital_per_block[cand] <= budget
    if not affordable.any():
        return OPTIMAL, blocks, -np.inf
    if deadline is not None and time.perf_counter() >= deadline:
        return TIME_LIMIT, blocks, trivial
    choice = BlockChoice(
        net=network.net,
        nodes=cand_nodes[affordable],
        block_places=candidates.block_places[cand[affordable]],
        max_blocks=candidates.max_blocks[cand[affordable]],
        capital=candidates.capital_per_block[cand[affordable]].astype(float),
        per_year=per_year[cand[affordable]],
        budget=float(budget),
        shut=cand_nodes[~affordable],
    )
    found = None
    if method == "cuts":
        found = blocks_by_cuts(choice, deadline=deadline, floor=trivial)
    if found is None:
        found = blocks_by_mip(choice, deadline=deadline, floor=trivial)
    status, chosen, bound = found
    blocks[cand[affordable]] = chosen
    return status, blocks, bound
