"""The places figures on PostgreSQL, where production runs: the nested counts of
``provision.places`` (placements and proposed amendments per strand, summed per setting for
the register's order) give the hand-counted figures. Deselected (not skipped) on SQLite by
tests/conftest.py; ``tests/provision/test_places.py`` runs on both."""

from __future__ import annotations

import pytest

from sendplan.provision.models import ProvisionStrand
from sendplan.provision.places import places_on
from sendplan.provision.selectors import RegisterFilter, setting_list
from sendplan.sufficiency.selectors import places_used
from tests.factories import LearnerFactory, SettingFactory
from tests.provision.test_places import DAY, _draft_naming, _place, _strand

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_register_order_filter_and_sufficiency_on_postgresql(cast, time_machine):
    time_machine.move_to(DAY.isoformat() + "T12:00:00Z", tick=False)
    ProvisionStrand.objects.filter(setting=cast.setting).update(capacity=100, on_roll=100)
    big = _strand(capacity=9, on_roll=4, setting=SettingFactory(name="Big Special"))
    small = _strand(capacity=3, on_roll=0, setting=SettingFactory(name="Small Special"))
    for _ in range(2):
        _place(big, cast.la)
    _place(small, cast.other_la)
    _draft_naming(big, LearnerFactory(responsible_la=cast.la))
    _draft_naming(small, LearnerFactory(responsible_la=cast.la))
    figures = {f.strand_id: f for f in places_on(DAY)}
    assert (figures[big.pk].roll, figures[big.pk].promised, figures[big.pk].vacancies) == (4, 1, 4)
    assert (figures[small.pk].roll, figures[small.pk].vacancies) == (1, 1)
    ordered = list(setting_list(fetched_by=cast.la_colleague, order="vacancies"))
    assert ordered[:2] == [big.setting, small.setting]
    with_room = setting_list(
        fetched_by=cast.la_colleague, filters=RegisterFilter(has_vacancies=True)
    )
    assert {s.name for s in with_room} == {"Big Special", "Small Special"}
    used = {p.setting: p for p in places_used(fetched_by=cast.la_colleague, on=DAY)}
    assert (used["Big Special"].occupied, used["Big Special"].vacant) == (4, 4)
    assert (used["Small Special"].occupied, used["Small Special"].vacant) == (1, 1)
