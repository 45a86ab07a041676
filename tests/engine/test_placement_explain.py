"""Explanations for one learner, and what-if runs with more places."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sendplan.engine.placement import PlacementResult, place
from sendplan.engine.placement_explain import (
    COSTS_MORE,
    FULL,
    MOVE_NOT_WORTH,
    NOT_DESIGNATED,
    TOO_FAR,
    WRONG_AGE,
    explain,
    explain_assignment,
)
from sendplan.engine.placement_whatif import Strand, what_if, with_strand
from tests.engine.placement_builders import problem


def _area() -> object:
    # Learner 0 (ASD, 12) lives at 0 km; learner 1 (ASD, 12) lives at 1 km.
    return problem(
        [("ASD", 12, 0.0), ("ASD", 12, 1.0)],
        [
            (0.0, ["ASD"], 11, 16, 1, 8_000),  # 0: cheapest, one place
            (0.0, ["HI"], 11, 16, 5, 5_000),  # 1: not designated for ASD
            (0.0, ["ASD"], 4, 11, 5, 6_000),  # 2: primary only
            (80.0, ["ASD"], 11, 16, 5, 1_000),  # 3: too far at 50 km
            (0.0, ["ASD"], 11, 16, 5, 40_000),  # 4: the fallback
        ],
    )


def test_explanation_gives_the_reason_for_every_better_ranked_setting() -> None:
    p = _area()
    r = place(p)
    # learner 1 lives further away from 0 and 4 alike, so who gets 0 is a tie worth 0;
    # explain whichever learner went to setting 4.
    loser = int(np.flatnonzero(r.assignment == 4)[0])
    options = explain(p, r, loser)
    by_setting = {o.setting: o for o in options}
    assert by_setting[4].chosen and by_setting[4].reasons == ()
    assert by_setting[0].reasons == (FULL,)
    assert by_setting[1].reasons == (NOT_DESIGNATED,)
    assert by_setting[2].reasons == (WRONG_AGE,)
    assert by_setting[3].reasons == (TOO_FAR,)
    assert [o.cost for o in options] == sorted(o.cost for o in options)


def test_explanation_lists_eligible_settings_dearer_than_the_chosen_one_without_reasons() -> None:
    p = _area()
    r = place(p)
    winner = int(np.flatnonzero(r.assignment == 0)[0])
    options = explain(p, r, winner)
    assert [o.setting for o in options if o.eligible] == [0, 4]
    assert all(o.reasons == () for o in options if o.cost > options[0].cost and o.eligible)


def test_explanation_for_an_unplaced_learner_lists_why_each_cheaper_option_failed() -> None:
    p = problem([("PMLD", 17, 0.0)], [(0.0, ["PMLD"], 2, 11, 3, 40_000)])
    r = place(p)
    [option] = explain(p, r, 0)
    assert not option.chosen and option.reasons == (WRONG_AGE,)


def test_explain_refuses_a_learner_index_out_of_range() -> None:
    p = _area()
    with pytest.raises(ValueError, match="learner must be an index"):
        explain(p, place(p), 5)


def test_enlarging_a_full_setting_saves_its_cost_difference() -> None:
    p = _area()
    w = what_if(p, Strand(places=1, setting=0))
    assert w.delta_place_cost == 8_000 - 40_000
    assert w.delta_unplaced == 0
    assert w.delta_objective == w.delta_place_cost + w.delta_travel_cost


def test_new_strand_by_phase_places_learners_who_were_unplaced() -> None:
    p = problem([("SEMH", 6, 0.0)] * 3, [(0.0, ["SEMH"], 11, 16, 5, 20_000)])
    w = what_if(p, Strand(places=2, needs=("SEMH",), phases=("primary",), lat=52.0, lon=-1.0,
                          annual_cost=25_000))  # fmt: skip
    assert (w.before.unplaced, w.after.unplaced, w.delta_unplaced) == (3, 1, -2)
    assert w.delta_place_cost == 50_000
    assert w.delta_objective == 50_000 - 2 * 250_000


def test_new_strand_needs_an_age_range() -> None:
    p = _area()
    with pytest.raises(ValueError, match="give phases or min_age and max_age"):
        with_strand(p, Strand(places=2, needs=("ASD",)))


def _stable(move_cost: int) -> tuple[PlacementResult, dict[int, tuple[str, ...]]]:
    """One ASD learner of 12 at home (0 km) who may move, in setting 0 now (£20,000);
    setting 1 is £17,000, setting 2 £30,000, setting 3 £10,000 but full."""
    p = problem(
        [("ASD", 12, 0.0), ("ASD", 12, 0.0)],
        [
            (0.0, ["ASD"], 11, 16, 1, 20_000),
            (0.0, ["ASD"], 11, 16, 1, 17_000),
            (0.0, ["ASD"], 11, 16, 1, 30_000),
            (0.0, ["ASD"], 11, 16, 1, 10_000),
        ],
    )
    p = dataclasses.replace(
        p, current=np.array([0, 3]), may_move=np.array([True, False]), places=np.array([1, 1, 1, 1])
    )
    r = place(p, move_cost=move_cost)
    options = explain_assignment(
        p, r.assignment, 0, chosen_cost=int(r.cost[0]), move_cost=move_cost
    )
    return r, {o.setting: o.reasons for o in options}


def test_a_saving_smaller_than_the_move_cost_is_why_the_learner_stays() -> None:
    r, reasons = _stable(move_cost=5_000)
    assert int(r.assignment[0]) == 0
    assert reasons == {0: (), 1: (MOVE_NOT_WORTH,), 2: (COSTS_MORE,), 3: (FULL,)}


def test_a_saving_larger_than_the_move_cost_moves_the_learner() -> None:
    r, reasons = _stable(move_cost=2_000)
    assert int(r.assignment[0]) == 1
    # Staying is dearer than moving even after the move cost; the dearer place costs more.
    assert reasons == {0: (COSTS_MORE,), 1: (), 2: (COSTS_MORE,), 3: (FULL,)}


def test_within_km_lists_every_nearer_setting_with_all_its_reasons() -> None:
    p = _area()
    r = place(p)
    listed = explain_assignment(p, r.assignment, 1, chosen_cost=int(r.cost[1]), within_km=100.0)
    assert {o.setting for o in listed} == {0, 1, 2, 3, 4}
    assert {o.setting: o.reasons for o in listed}[3] == (TOO_FAR,)
