"""One truth about places on the demo (issue 15, ADR 0141): the register's pages, the planning
run's capacities and the sufficiency page's figures agree strand by strand and in total.

Each side is read through its own entry point (the register's selector, the run's inputs, the
sufficiency selector), and the roll is also counted here straight from the placements.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.demo.build import build_demo, reset_demo
from sendplan.engine import place
from sendplan.learners.models import Learner, Placement
from sendplan.planning.cohort import CohortDefinition, planning_date
from sendplan.planning.models import AreaPlanningSettings, PlanningRun
from sendplan.planning.runs import build_run_inputs, places_used_by_run, run_parameters
from sendplan.planning.stability import DEFAULT_MOVE_COST
from sendplan.provision.models import ProvisionStrand
from sendplan.provision.selectors import setting_list
from sendplan.sufficiency.selectors import places_used

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEED = 11


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        summary = build_demo(seed=SEED)
        yield summary
        reset_demo()


@pytest.fixture
def commissioner(demo) -> User:
    return User.objects.get(username="demo.commissioner")


def _register(user: User) -> dict[int, ProvisionStrand]:
    """Every strand of an open setting as the register's pages show it today."""
    return {
        strand.pk: strand
        for setting in setting_list(fetched_by=user)
        for strand in setting.strands.all()
    }


def test_the_register_counts_every_placement_open_today(commissioner):
    today = timezone.localdate()
    strands = _register(commissioner)
    placed = dict(
        Placement.objects.filter(started_on__lte=today, strand__in=list(strands))
        .exclude(ended_on__lt=today)
        .values("strand")
        .annotate(n=Count("pk"))
        .values_list("strand", "n")
    )
    assert sum(placed.values()) > 1_000
    for pk, strand in strands.items():
        # The demo's register reports the rolls its placements make: nobody else on roll.
        assert strand.places_roll == placed.get(pk, 0) == strand.on_roll, strand
        assert strand.places_vacant == max(
            strand.capacity - strand.places_roll - strand.places_promised, 0
        )


def test_register_run_and_sufficiency_agree_strand_by_strand_and_in_total(commissioner):
    today = timezone.localdate()
    strands = _register(commissioner)
    run = PlanningRun(
        la_id=Learner.objects.values_list("responsible_la", flat=True).first(),
        cohort=CohortDefinition(on=planning_date(today)).to_json(),
        parameters={**run_parameters(AreaPlanningSettings()), "move_cost": DEFAULT_MOVE_COST},
    )
    inputs = build_run_inputs(run)
    places = inputs.register.places
    assert len(places) > 50

    # The run: each strand's vacancies are the register's, and its places those plus the
    # places its own learners hold now.
    held_by_cohort = Counter(x.current_strand_id for x in inputs.learners if x.current_strand_id)
    for j, p in enumerate(places):
        strand = strands[p.strand_id]
        assert int(inputs.register.vacancies[j]) == p.vacancies == strand.places_vacant
        assert int(inputs.problem.places[j]) == strand.places_vacant + held_by_cohort[p.strand_id]

    # Sufficiency: places commissioned against occupied, setting by setting, are the
    # register's specialist strands added up.
    by_setting: dict[str, list[int]] = {}
    for strand in strands.values():
        if strand.kind == ProvisionStrand.Kind.MAINSTREAM:
            continue
        row = by_setting.setdefault(strand.setting.name, [0, 0, 0, 0])
        row[0] += strand.capacity
        row[1] += strand.places_roll
        row[2] += strand.places_promised
        row[3] += strand.places_vacant
    sufficiency = {
        p.setting: [p.commissioned, p.occupied, p.promised, p.vacant]
        for p in places_used(fetched_by=commissioner, on=today)
    }
    # Closed settings are not on the register's pages; every open one is on both.
    assert by_setting.items() <= sufficiency.items()
    totals = [sum(col) for col in zip(*by_setting.values(), strict=True)]
    assert totals[3] > 0 and totals[1] > 1_000

    # The run's planned strands, in total, against the sufficiency figure for them.
    result = place(inputs.problem, move_cost=DEFAULT_MOVE_COST)
    assert result.success
    used = places_used_by_run(inputs, result, today)
    planned = [strands[p.strand_id] for p in places]
    assert used["places"] == sum(s.capacity for s in planned)
    assert used["roll"] == sum(s.places_roll for s in planned)
    assert used["vacancies"] == sum(s.places_vacant for s in planned)
    assert used["strands_over"] == 0
    assert 0 < used["vacancies_used"] <= used["vacancies"]
    # No strand ends the run with more learners than places: those who stay, those placed.
    placed = Counter(int(s) for s in result.assignment if s >= 0)
    for j, p in enumerate(places):
        strand = strands[p.strand_id]
        staying = strand.places_roll - held_by_cohort[p.strand_id]
        assert staying + placed[j] + strand.places_promised <= max(
            strand.capacity, strand.places_roll + strand.places_promised
        )
