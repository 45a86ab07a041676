"""Assumptions, planned provision and scenarios keep who changed what, and when."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sendplan.core.errors import StaleEdit
from sendplan.sufficiency import services
from sendplan.sufficiency.models import Assumptions, NewProvision, Scenario


def test_saving_assumptions_records_who_changed_which_figure(cast):
    services.assumptions_update(
        changed_by=cast.la_colleague, expected_lock=0, data={"independent_fee": 72_000}
    )
    services.assumptions_update(
        changed_by=cast.caseworker, expected_lock=1, data={"top_up_special": 24_000}
    )
    saved = Assumptions.objects.get(la_code="E09000022")
    assert (saved.independent_fee, saved.top_up_special, saved.lock) == (72_000, 24_000, 2)
    newest, first = saved.history.order_by("-history_date", "-history_id")[:2]
    assert newest.history_user == cast.caseworker
    assert first.history_user == cast.la_colleague
    changes = {c.field: (c.old, c.new) for c in newest.diff_against(first).changes}
    assert changes["top_up_special"] == (20_000, 24_000)
    assert "independent_fee" not in changes


def test_saving_assumptions_from_an_old_form_is_refused(cast):
    services.assumptions_update(
        changed_by=cast.la_colleague, expected_lock=0, data={"other_cost": 9_000}
    )
    with pytest.raises(StaleEdit):
        services.assumptions_update(
            changed_by=cast.caseworker, expected_lock=0, data={"other_cost": 1}
        )
    assert Assumptions.objects.get().other_cost == 9_000


def test_assumptions_are_kept_per_la(cast):
    services.assumptions_update(
        changed_by=cast.la_colleague, expected_lock=0, data={"other_cost": 9_000}
    )
    assert Assumptions.objects.filter(la_code="E09000022").count() == 1
    assert Assumptions.objects.count() == 1


def test_removed_planned_provision_leaves_its_history(cast):
    provision = services.new_provision_create(
        changed_by=cast.la_colleague,
        data={"name": "Elm Court expansion", "kind": "special", "places": 60, "opens_year": 2027},
    )
    services.new_provision_remove(changed_by=cast.caseworker, pk=provision.pk)
    assert not NewProvision.objects.exists()
    kinds = list(
        NewProvision.history.order_by("history_date").values_list("history_type", "history_user")
    )
    assert kinds == [("+", cast.la_colleague.pk), ("-", cast.caseworker.pk)]


def test_scenario_names_are_unique_within_an_la(cast):
    data = {"name": "More ASD places", "special_places": 20, "start_year": 2027}
    services.scenario_save(changed_by=cast.la_colleague, data=data)
    with pytest.raises(ValidationError):
        services.scenario_save(changed_by=cast.la_colleague, data=data)
    assert Scenario.objects.count() == 1


def test_a_scenario_change_is_recorded_with_its_author(cast):
    scenario = services.scenario_save(
        changed_by=cast.la_colleague,
        data={"name": "Growth 5%", "growth_pct": 5, "start_year": 2026},
    )
    services.scenario_save(changed_by=cast.caseworker, data={"growth_pct": 4}, pk=scenario.pk)
    users = list(scenario.history.order_by("history_date").values_list("history_user", flat=True))
    assert users == [cast.la_colleague.pk, cast.caseworker.pk]
