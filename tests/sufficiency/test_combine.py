"""Combining scenarios (ADR 0149): the page, its errors, the growth rule and the run."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sendplan.sufficiency import services
from sendplan.sufficiency.models import ForecastRun, Scenario
from tests.factories import MembershipFactory, UserFactory
from tests.sufficiency.conftest import finish_run

URL = "sufficiency:scenario-combine"


def _scenario(cast, name: str, **data) -> Scenario:
    return services.scenario_save(
        changed_by=cast.la_colleague, data={"name": name, "start_year": 2027, **data}
    )


@pytest.fixture
def three(cast) -> list[Scenario]:
    return [
        _scenario(cast, "Primary ASD base", resourced_places=8, need="ASD", phase="primary"),
        _scenario(
            cast, "Secondary SEMH special", special_places=12, need="SEMH", phase="secondary"
        ),
        _scenario(cast, "Fewer independent", independent_reduction_pct=10, start_year=2028),
    ]


def test_a_manager_combines_three_scenarios_and_the_run_projects_them(cast, three, demand):
    client = cast.client_for(cast.la_colleague)
    page = client.get(reverse("sufficiency:scenarios")).content.decode()
    assert reverse(URL) in page
    response = client.post(
        reverse(URL),
        {"parts": [str(s.pk) for s in three], "name": "All three", "description": ""},
    )
    assert response.status_code == 302
    combined = Scenario.objects.get(name="All three")
    assert sorted(p.pk for p in combined.combines.all()) == sorted(s.pk for s in three)
    assert (combined.created_by, combined.start_year) == (cast.la_colleague, 2027)
    latest = combined.history.first()
    assert latest.history_user == cast.la_colleague
    assert latest.combines.count() == 3  # the history keeps which scenarios it combined
    page = client.get(reverse("sufficiency:scenarios")).content.decode()
    assert "Combines “Fewer independent”, “Primary ASD base” and “Secondary SEMH special”" in page

    run = finish_run(demand, cast.la_colleague)
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    recorded = next(s for s in run.inputs["scenarios"] if s["name"] == "All three")
    assert [p["name"] for p in recorded["parts"]] == [s.name for s in three]
    projections = {p["name"]: p for p in run.outputs["projections"]}
    assert "All three" in projections
    page = client.get(reverse("sufficiency:scenarios")).content.decode()
    assert '<th scope="row" class="govuk-table__header">All three</th>' in page


def test_combining_fewer_than_two_names_the_field_and_keeps_what_was_ticked(cast, three):
    response = cast.client_for(cast.la_colleague).post(
        reverse(URL), {"parts": [str(three[1].pk)], "name": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#parts">Select 2 or more scenarios to combine' in page
    assert 'href="#name">Enter a name for the combined scenario' in page
    assert f'value="{three[1].pk}" checked' in page
    assert f'value="{three[0].pk}" checked' not in page
    assert not Scenario.objects.filter(combines__isnull=False).exists()


def test_two_different_growth_rates_are_refused(cast, three):
    grows = _scenario(cast, "Grows 5", growth_pct=Decimal("5.0"))
    shrinks = _scenario(cast, "Shrinks", growth_pct=Decimal("-1.0"))
    response = cast.client_for(cast.la_colleague).post(
        reverse(URL), {"parts": [str(grows.pk), str(shrinks.pk)], "name": "Clash"}
    )
    page = response.content.decode()
    assert 'href="#parts">Scenarios combined together must grow at the same rate' in page
    assert f'value="{grows.pk}" checked' in page
    assert not Scenario.objects.filter(name="Clash").exists()


def test_a_part_cannot_later_take_a_growth_rate_that_clashes(cast, three):
    grows = _scenario(cast, "Grows 5", growth_pct=Decimal("5.0"))
    services.scenario_combine(
        changed_by=cast.la_colleague, name="Both", part_pks=[grows.pk, three[0].pk]
    )
    part = Scenario.objects.get(pk=three[0].pk)
    response = cast.client_for(cast.la_colleague).post(
        reverse("sufficiency:scenario-edit", args=[part.pk]),
        {
            "lock": str(part.lock),
            "name": part.name,
            "resourced_places": "8",
            "growth_pct": "2",
            "start_year": "2027",
            "need": "ASD",
            "phase": "primary",
        },
    )
    assert 'href="#growth_pct">Scenarios combined together must grow' in response.content.decode()
    assert Scenario.objects.get(pk=part.pk).growth_pct is None


def test_a_combined_scenario_keeps_its_parts_and_is_not_offered_again(cast, three):
    combined = services.scenario_combine(
        changed_by=cast.la_colleague, name="Two", part_pks=[three[0].pk, three[1].pk]
    )
    client = cast.client_for(cast.la_colleague)
    client.post(reverse("sufficiency:scenario-remove", args=[three[0].pk]))
    assert Scenario.objects.filter(pk=three[0].pk).exists()
    listing = client.get(reverse("sufficiency:scenarios")).content.decode()
    # The refusal is an error, not a success: GOV.UK's "Important" banner, as a region.
    assert 'role="region"' in listing and ">Important</h2>" in listing
    assert "govuk-notification-banner--success" not in listing
    page = client.get(reverse(URL)).content.decode()
    assert f'value="{combined.pk}"' not in page
    response = client.post(
        reverse(URL), {"parts": [str(combined.pk), str(three[2].pk)], "name": "Nested"}
    )
    assert "Select scenarios from the list" in response.content.decode()
    client.post(reverse("sufficiency:scenario-remove", args=[combined.pk]))
    assert not Scenario.objects.filter(pk=combined.pk).exists()
    client.post(reverse("sufficiency:scenario-remove", args=[three[0].pk]))
    assert not Scenario.objects.filter(pk=three[0].pk).exists()


def test_a_name_already_used_is_refused_on_the_name(cast, three):
    response = cast.client_for(cast.la_colleague).post(
        reverse(URL), {"parts": [str(three[0].pk), str(three[1].pk)], "name": three[2].name}
    )
    assert 'href="#name">' in response.content.decode()
    assert Scenario.objects.count() == 3


def test_another_las_scenarios_cannot_be_combined(cast, three):
    other = UserFactory(username="other-la-manager")
    MembershipFactory(user=other, organisation=cast.other_la, role="la_manager")
    response = cast.client_for(other).post(
        reverse(URL), {"parts": [str(three[0].pk), str(three[1].pk)], "name": "Theirs"}
    )
    assert "Select scenarios from the list" in response.content.decode()
    assert not Scenario.objects.filter(name="Theirs").exists()


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_people_outside_the_la_are_refused(cast, who):
    assert cast.client_for(getattr(cast, who)).get(reverse(URL)).status_code == 403


def test_wrong_method_is_refused(cast):
    assert cast.client_for(cast.la_colleague).delete(reverse(URL)).status_code == 405


PARTS = "sufficiency:scenario-parts"


def _combined(cast, parts: list[Scenario]) -> Scenario:
    return services.scenario_combine(
        changed_by=cast.la_colleague, name="Combined", part_pks=[p.pk for p in parts]
    )


def test_a_manager_changes_the_scenarios_a_combination_projects(cast, three):
    combined = _combined(cast, three[:2])
    client = cast.client_for(cast.la_colleague)
    edit = client.get(reverse("sufficiency:scenario-edit", args=[combined.pk])).content.decode()
    assert reverse(PARTS, args=[combined.pk]) in edit
    page = client.get(reverse(PARTS, args=[combined.pk])).content.decode()
    assert f'value="{three[0].pk}" checked' in page
    assert f'value="{three[2].pk}" checked' not in page
    assert f'value="{combined.pk}"' not in page  # a combination is never a part
    response = client.post(
        reverse(PARTS, args=[combined.pk]),
        {"lock": str(combined.lock), "parts": [str(three[0].pk), str(three[2].pk)]},
    )
    assert response.status_code == 302
    combined.refresh_from_db()
    assert sorted(p.pk for p in combined.combines.all()) == [three[0].pk, three[2].pk]
    assert (combined.name, combined.start_year) == ("Combined", 2027)
    latest = combined.history.first()
    assert latest.history_user == cast.la_colleague
    assert sorted(p.to_scenario_id for p in latest.combines.all()) == [three[0].pk, three[2].pk]
    listing = client.get(reverse("sufficiency:scenarios")).content.decode()
    assert "Combines “Fewer independent” and “Primary ASD base”" in listing


def test_changing_the_parts_to_fewer_than_two_keeps_what_was_ticked(cast, three):
    combined = _combined(cast, three[:2])
    response = cast.client_for(cast.la_colleague).post(
        reverse(PARTS, args=[combined.pk]),
        {"lock": str(combined.lock), "parts": [str(three[2].pk)]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#parts">Select 2 or more scenarios to combine' in page
    assert f'value="{three[2].pk}" checked' in page
    assert f'value="{three[0].pk}" checked' not in page
    assert sorted(p.pk for p in combined.combines.all()) == [three[0].pk, three[1].pk]


def test_changing_the_parts_to_a_growth_clash_is_refused(cast, three):
    grows = _scenario(cast, "Grows 5", growth_pct=Decimal("5.0"))
    shrinks = _scenario(cast, "Shrinks", growth_pct=Decimal("-1.0"))
    combined = _combined(cast, [grows, three[0]])
    response = cast.client_for(cast.la_colleague).post(
        reverse(PARTS, args=[combined.pk]),
        {"lock": str(combined.lock), "parts": [str(grows.pk), str(shrinks.pk)]},
    )
    assert 'href="#parts">Scenarios combined together must grow' in response.content.decode()
    assert sorted(p.pk for p in combined.combines.all()) == sorted([grows.pk, three[0].pk])


def test_a_change_over_a_colleagues_newer_one_is_refused_and_keeps_what_was_ticked(cast, three):
    combined = _combined(cast, three[:2])
    read_at = combined.lock
    services.scenario_parts_change(
        changed_by=cast.la_colleague,
        pk=combined.pk,
        part_pks=[three[1].pk, three[2].pk],
        expected_lock=read_at,
    )
    response = cast.client_for(cast.la_colleague).post(
        reverse(PARTS, args=[combined.pk]),
        {"lock": str(read_at), "parts": [str(three[0].pk), str(three[2].pk)]},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed" in page.lower()
    assert f'value="{three[0].pk}" checked' in page
    assert f'name="lock" value="{read_at + 1}"' in page
    assert sorted(p.pk for p in combined.combines.all()) == [three[1].pk, three[2].pk]


def test_a_scenario_that_combines_none_or_another_las_has_no_parts_page(cast, three):
    combined = _combined(cast, three[:2])
    client = cast.client_for(cast.la_colleague)
    assert client.get(reverse(PARTS, args=[three[0].pk])).status_code == 404
    other = UserFactory(username="other-la-manager")
    MembershipFactory(user=other, organisation=cast.other_la, role="la_manager")
    assert cast.client_for(other).get(reverse(PARTS, args=[combined.pk])).status_code == 404
    assert cast.client_for(cast.parent).get(reverse(PARTS, args=[combined.pk])).status_code == 403
