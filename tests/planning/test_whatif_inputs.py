"""A what-if re-solves its base run's learners and places, so its change is the change's alone.

The base run (conftest's area) plans three learners: Oak's one vacancy goes to one of them
and two have no suitable local place. The tests then change the register and the cohort
before asking for the what-if.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.urls import reverse

from sendplan.core.tasks import run_claim
from sendplan.planning.adapter import CohortLearner, Place, RegisterPlaces, planning_inputs
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, PlanningRunInputs
from sendplan.planning.runs import (
    BASE_RUN_INPUTS,
    TODAY_INPUTS,
    planning_run_execute,
    planning_run_request,
)
from sendplan.planning.snapshot import dump_inputs, load_inputs
from sendplan.provision.models import ProvisionStrand
from tests.factories import LearnerFactory, NeedFactory, PlacementFactory
from tests.planning.conftest import PLANNING_DATE


def _computed(cast, **kw) -> PlanningRun:
    run = planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=PLANNING_DATE),
        **kw,
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    return run


def _enlarge_oak(cast, area, base: PlanningRun, places: int = 2) -> PlanningRun:
    spec = {"mode": "enlarge", "strand_id": area.oak.pk, "places": places}
    return _computed(cast, what_if_strand=spec, base_run=base)


def _change_register_and_cohort(cast, area) -> None:
    """Oak gains nine vacancies and a new transfer joins the cohort, after the base run."""
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=0)
    newcomer = LearnerFactory(
        responsible_la=cast.la, date_of_birth=dt.date(2016, 1, 1), latitude=51.45, longitude=-0.12
    )
    NeedFactory(learner=newcomer, code="ASD", rank=1)
    PlacementFactory(learner=newcomer, setting=area.elm.setting, strand=area.elm)


def test_plain_run_stores_the_learners_and_places_it_solved(cast, area):
    run = _computed(cast)
    stored = PlanningRunInputs.objects.get(run=run)
    assert (stored.learners, stored.places) == (3, run.summary["blocks_of_places"])
    inputs = load_inputs(stored.data)
    assert sorted(x.learner_id for x in inputs.learners) == sorted(
        run.proposals.values_list("learner_id", flat=True)
    )
    assert inputs.register.register_hash == run.register_hash


def test_what_if_after_the_register_and_cohort_changed_reports_the_change_alone(cast, area):
    base = _computed(cast)
    _change_register_and_cohort(cast, area)
    # Today Oak alone would seat all four: a what-if on today's inputs would report "before:
    # nobody unplaced" and no change at all from two more places.
    today = _computed(cast)
    assert (today.summary["learners"], today.summary["unplaced"]) == (4, 0)

    run = _enlarge_oak(cast, area, base)

    w = run.summary["what_if"]
    assert w["inputs"] == BASE_RUN_INPUTS
    # Before = the base run, figure for figure; the two extra Oak places seat both learners
    # the base run could not place, at £30,000 each.
    for key in ("unplaced", "place_cost", "travel_cost", "objective", "km_total"):
        assert w["before"][key] == base.summary[key], key
    assert w["delta_unplaced"] == -2
    assert w["delta_place_cost"] == 60_000
    # ... and the learner in the independent placement (due for review) moves, at the run's
    # move cost.
    assert w["delta_objective"] == 60_000 + w["delta_travel_cost"] - 2 * 60_000 + 5_000
    assert run.parameters["move_cost"] == base.parameters["move_cost"] == 5_000
    assert run.summary["learners"] == 3
    assert run.register_hash == base.register_hash
    assert set(run.proposals.values_list("learner_id", flat=True)) == set(
        base.proposals.values_list("learner_id", flat=True)
    )
    assert run.proposals.filter(placed=True, proposed_strand=area.oak).count() == 3


def test_what_if_does_not_store_inputs_of_its_own(cast, area):
    base = _computed(cast)
    run = _enlarge_oak(cast, area, base)
    assert not PlanningRunInputs.objects.filter(run=run).exists()


def test_what_if_on_a_base_run_without_stored_inputs_uses_today_and_says_so(cast, area):
    base = _computed(cast)
    PlanningRunInputs.objects.filter(run=base).delete()
    _change_register_and_cohort(cast, area)
    run = _enlarge_oak(cast, area, base)
    w = run.summary["what_if"]
    assert w["inputs"] == TODAY_INPUTS
    # Still a pure change, but against today's four learners and Oak's ten places.
    assert (run.summary["learners"], w["before"]["unplaced"], w["delta_unplaced"]) == (4, 0, 0)
    page = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert "its cohort re-solved today" in page.content.decode()


def test_what_if_page_says_it_compares_with_the_base_runs_learners_and_places(cast, area):
    base = _computed(cast)
    run = _enlarge_oak(cast, area, base)
    page = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert page.status_code == 200
    assert "the same learners and places it planned, without the change" in page.content.decode()


def test_what_if_leaves_out_learners_deleted_since_the_base_run(cast, area):
    base = _computed(cast)
    gone = area.in_independent.pk
    area.in_independent.placements.all().delete()
    area.in_independent.needs.all().delete()
    area.in_independent.plans.all().delete()
    area.in_independent.delete()
    run = _enlarge_oak(cast, area, base)
    # The deletion took them out of the base run's stored inputs (retention.py): the solve
    # is the base run's other two learners, and the summary counts the one removed.
    w = run.summary["what_if"]
    assert (run.summary["learners"], w["inputs"], w["learners_erased"]) == (2, BASE_RUN_INPUTS, 1)
    assert (w["before"]["unplaced"], w["delta_unplaced"]) == (1, -1)
    assert run.proposals.count() == 2
    assert not run.proposals.filter(learner_id=gone).exists()


def test_stored_inputs_read_back_to_the_same_problem_and_stay_small():
    # A local authority's scale: 5,000 learners over 300 strands.
    rng = np.random.default_rng(7)
    n, m = 5_000, 300
    learners = [
        CohortLearner(
            learner_id=100_000 + i,
            need=str(rng.choice(["ASD", "SEMH", "SLCN", "MLD"])),
            age=int(rng.integers(4, 20)),
            lat=float(51.3 + rng.random() * 0.3),
            lon=float(-0.3 + rng.random() * 0.4),
            lsoa_code=f"E0100{i % 10_000:04d}",
            reason="phase_transfer",
            current_strand_id=int(rng.integers(1, m + 1)) if i % 3 else None,
            current_setting_name=f"Setting {i % m}" if i % 3 else "",
            current_cost=int(rng.integers(20_000, 60_000)) if i % 3 else None,
        )
        for i in range(n)
    ]
    register = RegisterPlaces(
        places=[
            Place(
                j + 1,
                500 + j,
                f"Setting {j}",
                "special_school",
                "Special school",
                True,
                False,
                "DfE",
                bool(j % 2),
                False,
                3,
            )
            for j in range(m)
        ],  # fmt: skip
        lat=51.3 + rng.random(m) * 0.3,
        lon=-0.3 + rng.random(m) * 0.4,
        min_age=np.full(m, 4, dtype=np.int64),
        max_age=np.full(m, 19, dtype=np.int64),
        needs=rng.integers(1, 1 << 12, m).astype(np.int64),
        vacancies=rng.integers(0, 10, m).astype(np.int64),
        annual_cost=rng.integers(10_000, 50_000, m).astype(float) + 0.5,
        register_hash="f" * 64,
        warnings=["one warning"],
    )
    original = planning_inputs(learners, register, excluded={"no home location": 4})

    blob = dump_inputs(original)
    copy = load_inputs(blob)

    assert copy.learners == original.learners
    assert copy.register.places == original.register.places
    assert (copy.excluded, copy.freed) == (original.excluded, original.freed)
    for name in ("need", "age", "lat", "lon", "setting_lat", "setting_lon", "min_age",
                 "max_age", "needs", "places", "annual_cost"):  # fmt: skip
        assert np.array_equal(getattr(copy.problem, name), getattr(original.problem, name)), name
    assert len(blob) < 300_000
