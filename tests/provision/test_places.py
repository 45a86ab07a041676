"""The one definition of places, roll and vacancies (``provision.places``, ADR 0141), on
small hand-made cases: dates, other areas, archived records, the register's own roll,
proposed amendments, mainstream strands; and the register, sufficiency and planning figures
read from it agreeing for the same day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.models import Plan, PlanVersion
from sendplan.planning.adapter import planning_inputs, register_places
from sendplan.planning.cohort import SPECIALIST_KINDS
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.provision.places import by_setting, places_on, total
from sendplan.provision.selectors import RegisterFilter, setting_for_user, setting_list
from sendplan.sufficiency.selectors import places_used
from tests.factories import LearnerFactory, PlacementFactory, SettingFactory, StrandFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 10)


@pytest.fixture(autouse=True)
def _cast_school_full(cast):
    # The cast's own special school is full, so only the places made here are vacant.
    ProvisionStrand.objects.filter(setting=cast.setting).update(capacity=100, on_roll=100)


def _strand(capacity=5, on_roll=0, **kw) -> ProvisionStrand:
    kw.setdefault("setting", SettingFactory(name="Birch Special", latitude=51.4, longitude=-0.1))
    return StrandFactory(capacity=capacity, on_roll=on_roll, needs=["ASD"], **kw)


def _place(strand, la, started_on=dt.date(2025, 9, 1), ended_on=None, **learner):
    learner = LearnerFactory(responsible_la=la, **learner)
    PlacementFactory(
        learner=learner,
        setting=strand.setting,
        strand=strand,
        started_on=started_on,
        ended_on=ended_on,
    )
    return learner


def _draft_naming(strand, learner) -> PlanVersion:
    plan = Plan.objects.create(
        learner=learner, status=Plan.Status.MAINTAINED, issued_on=dt.date(2024, 1, 5)
    )
    return PlanVersion.objects.create(
        plan=plan,
        number=2,
        status=PlanVersion.Status.DRAFT,
        placement_setting=strand.setting,
        placement_strand=strand,
        placement_from=dt.date(2027, 9, 1),
    )


def _figures(strand, on=DAY):
    return places_on(on, strand_ids=[strand.pk])[0]


def test_a_placement_counts_from_its_first_day_to_its_last_inclusive(cast):
    strand = _strand()
    _place(strand, cast.la, ended_on=DAY)  # its last day
    _place(strand, cast.la, started_on=DAY)  # its first day
    _place(strand, cast.la, ended_on=DAY - dt.timedelta(days=1))  # left the day before
    _place(strand, cast.la, started_on=DAY + dt.timedelta(days=1))  # starts the day after
    # The register's roll counts the two placements with no end date; the record holds both.
    ProvisionStrand.objects.filter(pk=strand.pk).update(on_roll=2)
    f = _figures(strand)
    assert (f.places, f.roll, f.promised, f.vacancies, f.over) == (5, 2, 0, 3, 0)
    assert _figures(strand, DAY - dt.timedelta(days=1)).roll == 2  # the leaver, the older one
    assert _figures(strand, DAY + dt.timedelta(days=1)).roll == 2  # the joiner, the newcomer


def test_another_areas_learner_takes_a_place_an_archived_record_does_not(cast):
    strand = _strand(capacity=3, on_roll=3)
    _place(strand, cast.la)
    _place(strand, cast.other_la)
    _place(strand, cast.la, archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    f = _figures(strand)
    assert (f.roll, f.vacancies) == (2, 1)


def test_the_registers_roll_counts_learners_the_record_does_not_hold(cast):
    gias = _strand(capacity=40, on_roll=37)  # a GIAS figure, nobody on the record
    mixed = _strand(capacity=10, on_roll=6, setting=SettingFactory(name="Ash Special"))
    _place(mixed, cast.la)
    _place(mixed, cast.la)
    short = _strand(capacity=4, on_roll=0, setting=SettingFactory(name="Yew Special"))
    for _ in range(5):  # the record holds more than the register reports, and overfills it
        _place(short, cast.la)
    assert (_figures(gias).roll, _figures(gias).vacancies) == (37, 3)
    assert (_figures(mixed).roll, _figures(mixed).vacancies) == (6, 4)
    f = _figures(short)
    assert (f.roll, f.vacancies, f.over) == (5, 0, 1)


def test_a_place_named_in_a_proposed_amendment_is_held_not_vacant(cast):
    strand = _strand(capacity=3, on_roll=1)
    there = _place(strand, cast.la)
    _draft_naming(strand, LearnerFactory(responsible_la=cast.la))
    # A draft for a learner already placed there holds no second place.
    _draft_naming(strand, there)
    # An issued version is not a promise: its placement counts once it starts.
    issued = _draft_naming(strand, LearnerFactory(responsible_la=cast.la))
    PlanVersion.objects.filter(pk=issued.pk).update(
        status=PlanVersion.Status.ISSUED, issued_on=dt.date(2027, 3, 1)
    )
    f = _figures(strand)
    assert (f.roll, f.promised, f.vacancies) == (1, 1, 1)


def test_mainstream_support_is_on_the_register_but_not_a_specialist_place(cast):
    setting = SettingFactory(name="Hazel Primary", kind=Setting.Kind.MAINSTREAM)
    mainstream = _strand(
        capacity=30, on_roll=20, setting=setting, kind=ProvisionStrand.Kind.MAINSTREAM
    )
    base = _strand(
        capacity=8, on_roll=8, setting=setting, kind=ProvisionStrand.Kind.RESOURCED_PROVISION
    )
    assert _figures(mainstream).vacancies == 10
    rows = {r.strand_id for r in places_on(DAY, specialist_only=True)}
    assert base.pk in rows and mainstream.pk not in rows
    used = {p.setting: p for p in places_used(fetched_by=cast.la_colleague, on=DAY)}
    assert (used["Hazel Primary"].commissioned, used["Hazel Primary"].vacant) == (8, 0)


def test_spare_places_in_one_strand_do_not_fill_another(cast):
    setting = SettingFactory(name="Rowan Special")
    _strand(capacity=5, on_roll=2, setting=setting)
    _strand(capacity=3, on_roll=5, setting=setting, kind=ProvisionStrand.Kind.POST16)
    name, t = by_setting(places_on(DAY))[setting.pk]
    assert (name, t.places, t.roll, t.vacancies, t.over) == ("Rowan Special", 8, 7, 3, 2)
    used = {p.setting: p for p in places_used(fetched_by=cast.la_colleague, on=DAY)}
    assert (used["Rowan Special"].vacant, used["Rowan Special"].over) == (3, 2)


def test_register_sufficiency_and_planning_give_the_same_figures(cast, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False)
    full = _strand(capacity=2, on_roll=2, setting=SettingFactory(name="Full Special"))
    roomy = _strand(capacity=6, on_roll=0, setting=SettingFactory(name="Roomy Special"))
    _place(full, cast.la)
    _place(roomy, cast.la)
    _place(roomy, cast.other_la)
    _draft_naming(roomy, LearnerFactory(responsible_la=cast.la))
    # Full: 2 reported, 1 of them on the record; none vacant. Roomy: 2 placed, 1 held, 3 vacant.
    register = {
        s.pk: s
        for setting in setting_list(fetched_by=cast.la_colleague)
        for s in setting.strands.all()
    }
    assert (register[full.pk].places_roll, register[full.pk].places_vacant) == (2, 0)
    assert (register[roomy.pk].places_roll, register[roomy.pk].places_promised) == (2, 1)
    assert register[roomy.pk].places_vacant == 3
    one = setting_for_user(cast.la_colleague, roomy.setting_id).strands.get(pk=roomy.pk)
    assert one.places_vacant == 3
    # Filters and order read the same figures.
    with_room = setting_list(
        fetched_by=cast.la_colleague, filters=RegisterFilter(has_vacancies=True)
    )
    assert roomy.setting in with_room and full.setting not in with_room
    ordered = list(setting_list(fetched_by=cast.la_colleague, order="vacancies"))
    assert ordered[0] == roomy.setting
    # The planning run's vacancies.
    planned = register_places(kinds=SPECIALIST_KINDS)
    vacancies = {p.strand_id: p.vacancies for p in planned.places}
    assert (vacancies[full.pk], vacancies[roomy.pk]) == (0, 3)
    # Sufficiency.
    used = {p.setting: p for p in places_used(fetched_by=cast.la_colleague, on=DAY)}
    assert (used["Roomy Special"].occupied, used["Roomy Special"].promised) == (2, 1)
    assert (used["Roomy Special"].vacant, used["Full Special"].vacant) == (3, 0)
    # The setting page.
    page = cast.client_for(cast.la_colleague).get(
        reverse("provision:setting", args=[roomy.setting_id])
    )
    assert b"1 held for proposed amendments" in page.content
    t = total(places_on(DAY, strand_ids=[full.pk, roomy.pk]))
    assert (t.places, t.roll, t.promised, t.vacancies) == (8, 4, 1, 3)


def test_a_run_frees_its_own_learners_places_and_fills_only_vacancies(cast, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False)
    strand = _strand(capacity=3, on_roll=3)
    _place(strand, cast.la)  # two reported on roll are not on the record
    register = register_places(kinds=SPECIALIST_KINDS)
    j = register.index_of_strand()[strand.pk]
    assert int(register.vacancies[j]) == 0
    inputs = planning_inputs([], register, excluded={})
    assert int(inputs.problem.places[j]) == 0 and inputs.freed == 0


def test_a_strands_own_vacancies_are_the_same_figures(cast, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False)
    strand = _strand(capacity=4, on_roll=1)
    _place(strand, cast.other_la)
    _draft_naming(strand, LearnerFactory(responsible_la=cast.la))
    fresh = ProvisionStrand.objects.get(pk=strand.pk)  # not read through with_places
    assert (fresh.roll, fresh.vacancies) == (1, 2) == (_figures(strand).roll, 2)
    unsaved = ProvisionStrand(capacity=3, on_roll=1, min_age=5, max_age=11)
    assert unsaved.vacancies == 2
