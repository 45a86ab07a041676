"""Area placement on instances small enough to work out by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sendplan.engine.codes import phase_index
from sendplan.engine.geo import haversine_km
from sendplan.engine.placement import check_problem, place
from sendplan.engine.placement_model import round_pounds
from tests.engine.placement_builders import problem


def test_one_degree_of_longitude_on_the_equator_is_111_195_km() -> None:
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19508, abs=1e-5)


def test_phase_boundaries_follow_the_contract() -> None:
    assert phase_index([4, 5, 10, 11, 15, 16, 19, 20]).tolist() == [0, 1, 1, 2, 2, 3, 3, 4]


def test_costs_round_half_pounds_up() -> None:
    assert round_pounds([10.5, 11.5, 10.49]).tolist() == [11, 12, 10]


def test_cheaper_setting_goes_to_the_learner_who_would_otherwise_travel_furthest() -> None:
    # A: 0 km, B: 10 km. Learner 0 lives at A, learner 1 at B; one place at A (£10k),
    # one at B (£10k). Greedy by learner order would be fine here, so make B dearer:
    # B costs £12k. Placing 0->A, 1->B costs 10,000 + 12,000 = 22,000;
    # 0->B, 1->A costs 12,000 + 4,000 + 10,000 + 4,000 = 30,000.
    p = problem(
        [("ASD", 12, 0.0), ("ASD", 12, 10.0)],
        [(0.0, ["ASD"], 11, 16, 1, 10_000), (10.0, ["ASD"], 11, 16, 1, 12_000)],
    )
    r = place(p)
    assert r.status == "optimal"
    assert r.assignment.tolist() == [0, 1]
    assert r.objective == 22_000
    assert r.lower_bound == r.objective


def test_optimum_displaces_a_learner_with_an_alternative_to_place_one_without() -> None:
    # Setting 0 (one place, ASD+SLD) is near both; setting 1 (ASD only) is 20 km away.
    # The SLD learner can only go to 0, so the ASD learner travels: 10,000 + 30,000 +
    # 400*20 = 48,000 rather than leaving the SLD learner unplaced at 250,000.
    p = problem(
        [("ASD", 8, 0.0), ("SLD", 8, 0.0)],
        [(0.0, ["ASD", "SLD"], 5, 11, 1, 10_000), (20.0, ["ASD"], 5, 11, 1, 30_000)],
    )
    r = place(p)
    assert r.assignment.tolist() == [1, 0]
    assert r.objective == 48_000
    assert (r.total_place_cost, r.total_travel_cost) == (40_000, 8_000)


def test_learner_over_max_km_is_not_eligible() -> None:
    p = problem([("MLD", 9, 0.0)], [(30.0, "ALL", 4, 11, 5, 1_000)])
    assert place(p, max_km=29.9).assignment.tolist() == [-1]
    assert place(p, max_km=30.1).assignment.tolist() == [0]


def test_learner_outside_the_age_range_is_not_eligible() -> None:
    p = problem([("MLD", 12, 0.0)], [(0.0, "ALL", 4, 11, 5, 1_000)])
    r = place(p)
    assert r.assignment.tolist() == [-1]
    assert r.shortfall == [("MLD", "secondary", 1)]


def test_setting_not_designated_for_the_need_is_not_eligible() -> None:
    p = problem([("HI", 7, 0.0)], [(0.0, ["VI"], 4, 11, 5, 1_000)])
    assert place(p).assignment.tolist() == [-1]


def test_placement_dearer_than_the_unplaced_cost_is_not_made() -> None:
    p = problem([("HI", 7, 0.0)], [(0.0, ["HI"], 4, 11, 5, 300_000)])
    r = place(p, unplaced_cost=250_000)
    assert r.assignment.tolist() == [-1]
    assert r.objective == 250_000


def test_capacity_is_never_exceeded_and_the_rest_are_unplaced_by_need_and_phase() -> None:
    p = problem(
        [("ASD", 12, 0.0)] * 5 + [("SEMH", 3, 0.0)],
        [(0.0, ["ASD"], 11, 16, 3, 20_000)],
    )
    r = place(p)
    assert np.bincount(r.assignment[r.assignment >= 0]).tolist() == [3]
    assert (r.placed, r.unplaced) == (3, 3)
    assert r.shortfall == [("SEMH", "early_years", 1), ("ASD", "secondary", 2)]
    assert r.objective == 3 * 20_000 + 3 * 250_000


def test_identical_learners_share_a_group_but_get_their_own_rows() -> None:
    p = problem([("ASD", 12, 0.0)] * 4, [(0.0, ["ASD"], 11, 16, 2, 1_000)])
    r = place(p)
    assert r.stats["groups"] == 1
    assert r.assignment.tolist() == [0, 0, -1, -1]  # input order within the group


def test_learners_of_different_ages_in_one_age_class_are_merged() -> None:
    p = problem([("ASD", 12, 0.0), ("ASD", 14, 0.0)], [(0.0, ["ASD"], 11, 16, 2, 1_000)])
    assert place(p).stats["groups"] == 1


def test_without_the_option_a_preference_does_not_change_the_answer() -> None:
    base = problem(
        [("ASD", 12, 0.0), ("ASD", 12, 5.0)],
        [(0.0, ["ASD"], 11, 16, 1, 10_000), (5.0, ["ASD"], 11, 16, 1, 30_000)],
    )
    with_pref = dataclasses.replace(base, preferred=np.array([1, 0]))
    a, b = place(base), place(with_pref)
    assert a.assignment.tolist() == b.assignment.tolist()
    assert a.objective == b.objective


def _pref_problem(preferred: list[int]) -> object:
    # Setting 0: £10k at home; setting 1: £11k, 5 km away (so £13k for this learner).
    return problem(
        [("ASD", 12, 0.0)],
        [(0.0, ["ASD"], 11, 16, 1, 10_000), (5.0, ["ASD"], 11, 16, 1, 11_000)],
        preferred=preferred,
    )


def test_preference_is_named_when_its_extra_cost_is_within_the_tolerance() -> None:
    r = place(_pref_problem([1]), honour_preferences=True, preference_tolerance=3_000)
    assert r.assignment.tolist() == [1]
    assert r.preferences_honoured == 1
    assert r.objective == 13_000  # the true cost, not the optimiser's adjusted one


def test_preference_is_refused_as_inefficient_above_the_tolerance() -> None:
    r = place(_pref_problem([1]), honour_preferences=True, preference_tolerance=2_999)
    assert r.assignment.tolist() == [0]
    assert r.preferences_honoured == 0


def test_percentage_tolerance_is_of_the_preferred_placement_cost() -> None:
    # 3,000 / 13,000 = 23.1 %
    assert place(_pref_problem([1]), honour_preferences=True,
                 preference_tolerance="23%").assignment.tolist() == [0]  # fmt: skip
    assert place(_pref_problem([1]), honour_preferences=True,
                 preference_tolerance="24%").assignment.tolist() == [1]  # fmt: skip


def test_preference_that_would_leave_another_learner_unplaced_is_refused() -> None:
    # Learner 0 prefers setting 0, the only setting learner 1 (SLD) can attend.
    p = problem(
        [("ASD", 12, 0.0), ("SLD", 12, 0.0)],
        [(0.0, ["ASD", "SLD"], 11, 16, 1, 10_000), (0.0, ["ASD"], 11, 16, 1, 10_500)],
        preferred=[0, -1],
    )
    r = place(p, honour_preferences=True, preference_tolerance=50_000)
    assert r.assignment.tolist() == [1, 0]
    assert r.unplaced == 0


def test_preference_for_an_unsuitable_setting_is_refused() -> None:
    p = problem(
        [("ASD", 12, 0.0)],
        [(0.0, ["ASD"], 11, 16, 1, 10_000), (0.0, ["HI"], 11, 16, 1, 5_000)],
        preferred=[1],
    )
    r = place(p, honour_preferences=True, preference_tolerance=100_000)
    assert r.assignment.tolist() == [0]


def test_zero_time_limit_returns_a_feasible_allocation_marked_time_limit() -> None:
    p = problem(
        [("ASD", 8, 0.0), ("SLD", 8, 0.0)],
        [(0.0, ["ASD", "SLD"], 5, 11, 1, 10_000), (20.0, ["ASD"], 5, 11, 1, 30_000)],
    )
    r = place(p, time_limit=0)
    assert r.status == "time_limit"
    assert r.objective >= 48_000 >= r.lower_bound
    # first come, first served: the ASD learner takes the near place first
    assert r.assignment.tolist() == [0, -1]


def test_generous_time_limit_still_proves_optimality() -> None:
    p = problem([("ASD", 8, 0.0)], [(0.0, ["ASD"], 5, 11, 1, 10_000)])
    r = place(p, time_limit=60)
    assert (r.status, r.objective) == ("optimal", 10_000)


def test_empty_cohort_is_optimal_at_zero() -> None:
    p = problem([], [(0.0, ["ASD"], 5, 11, 1, 10_000)])
    r = place(p)
    assert (r.status, r.objective, r.placed, r.shortfall) == ("optimal", 0, 0, [])


def test_problem_check_refuses_min_age_above_max_age() -> None:
    p = problem([("ASD", 8, 0.0)], [(0.0, ["ASD"], 11, 5, 1, 10_000)])
    with pytest.raises(ValueError, match="min_age must not exceed max_age"):
        check_problem(p)


def test_problem_check_refuses_negative_places() -> None:
    p = problem([("ASD", 8, 0.0)], [(0.0, ["ASD"], 5, 11, -1, 10_000)])
    with pytest.raises(ValueError, match="places must be from 0 to 1,000,000"):
        place(p)


def test_k_d_tree_and_dense_distance_paths_give_the_same_arcs_and_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sendplan.engine import placement_model

    rng = np.random.default_rng(7)
    n, m = 600, 40
    p = dataclasses.replace(
        problem([("ASD", 12, 0.0)], [(0.0, ["ASD"], 11, 16, 1, 10_000)]),
        need=rng.choice([10, 5, 4], size=n).astype(np.int64),
        age=rng.integers(5, 17, size=n),
        lat=52 + rng.uniform(0, 0.2, size=n),
        lon=-1 + rng.uniform(0, 0.3, size=n),
        setting_lat=52 + rng.uniform(0, 0.2, size=m),
        setting_lon=-1 + rng.uniform(0, 0.3, size=m),
        min_age=rng.choice([4, 11], size=m).astype(np.int64),
        max_age=rng.choice([11, 16, 19], size=m).astype(np.int64),
        needs=rng.integers(1, 1 << 13, size=m),
        places=rng.integers(0, 20, size=m),
        annual_cost=rng.uniform(6_000, 60_000, size=m).round(),
        preferred=None,
    )
    dense = place(p, max_km=8.0)
    monkeypatch.setattr(placement_model, "_DENSE_PAIRS", 0)
    tree = place(p, max_km=8.0)
    assert tree.stats == dense.stats
    assert tree.objective == dense.objective
    assert tree.assignment.tolist() == dense.assignment.tolist()
    placed = np.flatnonzero(tree.assignment >= 0)
    s = tree.assignment[placed]
    km = haversine_km(p.lat[placed], p.lon[placed], p.setting_lat[s], p.setting_lon[s])
    assert (tree.km[placed] == km).all()
    assert (dense.km[placed] == km).all()


def test_groups_at_one_home_reaching_the_same_settings_share_a_node() -> None:
    # At home 0: an ASD and an MLD learner (both reach only the ALL setting: one node), an
    # SLD learner who also reaches the SLD unit (a node of its own), and an ASD learner of
    # another age class with the same reach (joins the first node): two nodes for four
    # groups. The SLD learner takes the unit, and the shared node hands its one place to
    # its first member in input order.
    p = problem(
        [("ASD", 8, 0.0), ("SLD", 8, 0.0), ("MLD", 8, 0.0), ("ASD", 13, 0.0)],
        [(1.0, "ALL", 5, 16, 1, 20_000), (2.0, ["SLD"], 5, 11, 1, 30_000)],
    )
    r = place(p, unplaced_cost=100_000)
    assert r.stats["groups"] == 2
    assert r.assignment.tolist() == [0, 1, -1, -1]
    assert r.objective == 20_400 + 30_800 + 2 * 100_000


def test_merging_needs_exactly_the_same_settings() -> None:
    # Same home, same costs to setting 0, but the MLD learner cannot use setting 1:
    # merging them would let the MLD learner into the ASD-only place.
    p = problem(
        [("MLD", 8, 0.0), ("ASD", 8, 0.0)],
        [(1.0, "ALL", 5, 11, 1, 20_000), (1.0, ["ASD"], 5, 11, 1, 20_000)],
    )
    r = place(p, unplaced_cost=100_000)
    assert r.stats["groups"] == 2
    assert sorted(r.assignment.tolist()) == [0, 1]
    assert r.assignment[1] == 1


def test_problem_check_refuses_costs_and_places_beyond_what_the_optimiser_adds_up() -> None:
    dear = problem([("ASD", 8, 0.0)], [(0.0, ["ASD"], 5, 11, 1, 1e19)])
    with pytest.raises(ValueError, match="annual_cost must be from 0 to 10,000,000 pounds"):
        place(dear)
    vast = problem([("ASD", 8, 0.0)], [(0.0, ["ASD"], 5, 11, 10**15, 10_000)])
    with pytest.raises(ValueError, match="places must be from 0 to 1,000,000"):
        place(vast)
    fine = problem([("ASD", 8, 0.0)], [(0.0, ["ASD"], 5, 11, 1, 10_000)])
    with pytest.raises(ValueError, match="unplaced_cost must be a whole number"):
        place(fine, unplaced_cost=10**19)
    with pytest.raises(ValueError, match="cost_per_km must be at most 100,000"):
        place(fine, cost_per_km=1e9)


def test_the_largest_allowed_costs_and_places_are_solved_exactly() -> None:
    """At every bound at once the objective is still the exact sum: nothing wraps round."""
    p = problem(
        [("ASD", 8, 0.0), ("ASD", 8, 0.0), ("ASD", 8, 4_000.0)],
        [(0.0, ["ASD"], 5, 11, 1_000_000, 10_000_000), (10.0, ["ASD"], 5, 11, 0, 0)],
    )
    r = place(p, cost_per_km=100_000, unplaced_cost=1_000_000_000, max_km=20_000)
    assert r.status == "optimal"
    travel = round(100_000 * 4_000.0)
    assert r.assignment.tolist() == [0, 0, 0]
    assert r.objective == 3 * 10_000_000 + travel
