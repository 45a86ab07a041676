"""ORM rows to engine inputs: who is in the cohort, ages, places, costs."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.core.dates import age_on
from sendplan.engine import NEED_CODES, haversine_km
from sendplan.learners.models import Learner
from sendplan.planning.adapter import (
    NO_NEED,
    cohort_learners,
    needs_mask,
    planning_inputs,
    register_places,
)
from sendplan.planning.cohort import (
    INDEPENDENT,
    PHASE_TRANSFER,
    SPECIALIST_KINDS,
    CohortDefinition,
    born_aged,
    cohort_queryset,
    planning_date,
)
from sendplan.provision.models import ProvisionStrand
from tests.planning.conftest import PLANNING_DATE

TODAY = dt.date(2026, 11, 28)


def _inputs(cast, definition=None):
    definition = definition or CohortDefinition(on=PLANNING_DATE)
    learners, reasons = cohort_queryset(la_id=cast.la.pk, definition=definition, today=TODAY)
    rows, excluded = cohort_learners(
        learners, reasons=reasons, on=definition.on, today=TODAY, cost_per_km=400
    )
    return planning_inputs(rows, register_places(kinds=definition.kinds), excluded=excluded)


def test_planning_date_is_the_31_august_before_next_september():
    assert planning_date(TODAY) == dt.date(2027, 8, 31)
    assert planning_date(dt.date(2027, 8, 31)) == dt.date(2027, 8, 31)
    assert planning_date(dt.date(2027, 9, 1)) == dt.date(2028, 8, 31)


@pytest.mark.parametrize(
    ("born", "age"),
    [(dt.date(2016, 8, 31), 11), (dt.date(2016, 9, 1), 10), (dt.date(2015, 9, 1), 11)],
)
def test_age_on_the_planning_date_turns_on_the_birthday(born, age):
    assert age_on(born, PLANNING_DATE) == age


@pytest.mark.django_db
def test_transfer_window_includes_both_ends_of_the_school_year(cast):
    inside = [dt.date(2015, 9, 1), dt.date(2016, 8, 31)]
    outside = [dt.date(2015, 8, 31), dt.date(2016, 9, 1)]
    for dob in inside + outside:
        Learner.objects.filter(pk=cast.other_learner.pk).update(date_of_birth=dob)
        found = Learner.objects.filter(born_aged(11, PLANNING_DATE), pk=cast.other_learner.pk)
        assert found.exists() == (dob in inside), dob


def test_cohort_is_specialist_transfers_and_independent_learners(cast, area):
    learners, reasons = cohort_queryset(
        la_id=cast.la.pk, definition=CohortDefinition(on=PLANNING_DATE), today=TODAY
    )
    expected = {t.pk: PHASE_TRANSFER for t in area.transfers}
    expected[area.in_independent.pk] = INDEPENDENT
    expected[area.no_need.pk] = PHASE_TRANSFER  # no placement: still a transfer
    assert reasons == expected
    assert set(learners.values_list("pk", flat=True)) == set(expected)


def test_mainstream_transfer_joins_only_when_mainstream_is_planned(cast, area):
    definition = CohortDefinition(
        on=PLANNING_DATE, kinds=(*SPECIALIST_KINDS, ProvisionStrand.Kind.MAINSTREAM)
    )
    _, reasons = cohort_queryset(la_id=cast.la.pk, definition=definition, today=TODAY)
    assert reasons[area.in_mainstream.pk] == PHASE_TRANSFER


def test_other_las_learners_are_never_in_the_cohort(cast, area):
    Learner.objects.filter(pk=area.transfers[0].pk).update(responsible_la=cast.other_la)
    _, reasons = cohort_queryset(
        la_id=cast.la.pk, definition=CohortDefinition(on=PLANNING_DATE), today=TODAY
    )
    assert area.transfers[0].pk not in reasons


def test_learner_without_a_primary_need_is_left_out_and_counted(cast, area):
    inputs = _inputs(cast)
    assert area.no_need.pk not in [x.learner_id for x in inputs.learners]
    assert inputs.excluded == {NO_NEED: 1}


def test_places_are_vacancies_plus_places_the_cohort_frees(cast, area):
    inputs = _inputs(cast)
    index = inputs.register.index_of_strand()
    places = inputs.problem.places
    assert places[index[area.oak.pk]] == 1  # 10 - 9, nobody in the cohort holds one
    assert places[index[area.elm.pk]] == 2  # full, but both transfers leave it
    assert places[index[area.independent.pk]] == 1  # the returning learner's own place
    assert inputs.freed == 3


def test_mainstream_strands_are_not_offered_by_default(cast, area):
    inputs = _inputs(cast)
    assert area.mainstream.pk not in inputs.register.index_of_strand()
    assert {p.strand_kind for p in inputs.register.places} <= set(SPECIALIST_KINDS)


def test_learner_arrays_carry_primary_need_age_and_home(cast, area):
    inputs = _inputs(cast)
    i = [x.learner_id for x in inputs.learners].index(area.in_independent.pk)
    assert NEED_CODES[inputs.problem.need[i]] == "ASD"
    assert inputs.problem.age[i] == 15
    assert (inputs.problem.lat[i], inputs.problem.lon[i]) == (51.45, -0.12)


def test_strand_cost_and_designation_come_from_the_register(cast, area):
    inputs = _inputs(cast)
    i = inputs.register.index_of_strand()[area.independent.pk]
    assert inputs.problem.annual_cost[i] == 80_000
    assert inputs.problem.needs[i] == needs_mask("ASD")
    assert (inputs.problem.min_age[i], inputs.problem.max_age[i]) == (5, 19)


def test_current_cost_is_place_plus_transport_at_the_area_rate(cast, area):
    inputs = _inputs(cast)
    row = next(x for x in inputs.learners if x.learner_id == area.in_independent.pk)
    km = float(haversine_km(51.45, -0.12, 51.30, -0.30))
    assert row.current_cost == int(80_000 + 400 * km + 0.5)
    assert row.current_setting_name == "Far Independent"


def test_register_hash_changes_when_a_cost_changes(cast, area):
    before = register_places(kinds=SPECIALIST_KINDS).register_hash
    assert register_places(kinds=SPECIALIST_KINDS).register_hash == before
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(top_up=21_000)
    assert register_places(kinds=SPECIALIST_KINDS).register_hash != before
