"""Planning pages: works, outsider 404, not LA staff 403, wrong method 405, and what they show."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sendplan.core.tasks import run_claim
from sendplan.learners.models import AuditEvent
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import AreaPlanningSettings, PlanningRun
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.provision.models import Setting
from tests.factories import LearnerFactory, NeedFactory, PlacementFactory
from tests.planning.conftest import PLANNING_DATE


def _done_run(cast, la=None) -> PlanningRun:
    run = planning_run_request(
        la=la or cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    run_claim(run=run)
    return planning_run_execute(run)


# The planning page and starting a run


def test_planning_page_offers_the_cohort_and_labels_default_figures(cast, area):
    response = cast.client_for(cast.la_colleague).get(reverse("planning:index"))
    assert response.status_code == 200
    assert b"Phase transfers for next September" in response.content
    assert b"Default" in response.content


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_planning_page_is_for_la_staff_only(cast, who):
    response = cast.client_for(getattr(cast, who)).get(reverse("planning:index"))
    assert response.status_code == 403


def test_planning_page_refuses_post(cast):
    assert cast.client_for(cast.la_colleague).post(reverse("planning:index")).status_code == 405


def test_starting_a_run_refuses_get(cast):
    assert cast.client_for(cast.la_colleague).get(reverse("planning:start")).status_code == 405


def test_starting_a_run_queues_it_and_shows_progress(cast, area):
    client = cast.client_for(cast.la_colleague)
    response = client.post(
        reverse("planning:start"),
        {"phase_transfers": "on", "independent": "on", "kinds": ["special_school", "independent"]},
    )
    run = PlanningRun.objects.get()
    assert response.url == reverse("planning:run", args=[run.pk])
    assert run.cohort["kinds"] == ["special_school", "independent"]
    assert run.requested_by == cast.la_colleague
    page = client.get(response.url)
    assert page["Refresh"] == "2"
    assert b"Check progress" in page.content


def test_starting_a_run_with_nobody_chosen_explains_the_problem(cast, area):
    response = cast.client_for(cast.la_colleague).post(
        reverse("planning:start"), {"kinds": ["special_school"]}
    )
    assert response.status_code == 200
    assert b"Select at least one group of learners" in response.content
    assert not PlanningRun.objects.exists()


# A finished run


def test_finished_run_shows_proposals_costs_charts_and_map(cast, area):
    run = _done_run(cast)
    response = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Refresh" not in response
    assert "These are proposals" in content
    assert content.count(">Proposed</strong>") == 3
    assert 'id="cost-per-learner"' in content and 'id="unplaced-need"' in content
    assert 'id="area-map"' in content and "<path" in content
    assert "Autistic spectrum disorder" in content  # the unplaced-by-need table
    assert " style=" not in content.split('id="cost-per-learner"')[1]  # CSP: no inline style


def test_run_of_another_la_is_not_found(cast, area):
    run = _done_run(cast, la=cast.other_la)
    response = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert response.status_code == 404


def test_reading_a_run_is_audited_without_names(cast, area):
    run = _done_run(cast)
    cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    event = AuditEvent.objects.get(user=cast.la_colleague)
    assert event.action == AuditEvent.Action.LIST
    assert "3 learners" in event.detail


def test_run_page_queries_do_not_grow_with_learners(cast, area, django_assert_max_num_queries):
    client = cast.client_for(cast.la_colleague)
    small = _done_run(cast)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("planning:run", args=[small.pk]))
    for _ in range(30):
        learner = LearnerFactory(
            responsible_la=cast.la, date_of_birth=area.transfers[0].date_of_birth
        )
        NeedFactory(learner=learner, code="ASD", rank=1)
        PlacementFactory(learner=learner, setting=area.elm.setting, strand=area.elm)
    big = _done_run(cast)
    assert big.summary["learners"] == 33
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("planning:run", args=[big.pk]))
    assert len(many) == len(few)
    with django_assert_max_num_queries(19):  # 16, and saving the session (3 in tests)
        client.get(reverse("planning:run", args=[big.pk]))


# Exports


def test_csv_export_escapes_formula_cells_and_says_proposed(cast, area):
    Setting.objects.filter(pk=area.elm.setting_id).update(name='=HYPERLINK("http://x")')
    run = _done_run(cast)
    response = cast.client_for(cast.la_colleague).get(reverse("planning:export-csv", args=[run.pk]))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text
    body = text.splitlines()[1:]
    assert len(body) == 3 and all(",proposed" in line for line in body)
    assert cast.learner.family_name not in text


def test_excel_export_escapes_formula_cells_and_keeps_numbers(cast, area):
    Setting.objects.filter(pk=area.elm.setting_id).update(name="@SUM(A1)")
    run = _done_run(cast)
    response = cast.client_for(cast.la_colleague).get(
        reverse("planning:export-xlsx", args=[run.pk])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'@SUM(A1)" in values
    assert "@SUM(A1)" not in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert 60_000 in values  # numbers stay numbers


def test_export_is_audited(cast, area):
    run = _done_run(cast)
    cast.client_for(cast.la_colleague).get(reverse("planning:export-csv", args=[run.pk]))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_export_is_for_la_staff_only(cast, area):
    run = _done_run(cast)
    response = cast.client_for(cast.senco).get(reverse("planning:export-csv", args=[run.pk]))
    assert response.status_code == 403


def test_export_refuses_post(cast, area):
    run = _done_run(cast)
    url = reverse("planning:export-xlsx", args=[run.pk])
    assert cast.client_for(cast.la_colleague).post(url).status_code == 405


# What-if


def test_what_if_form_queues_a_run_on_top_of_the_base(cast, area):
    base = _done_run(cast)
    response = cast.client_for(cast.la_colleague).post(
        reverse("planning:what-if", args=[base.pk]),
        {"mode": "enlarge", "strand": str(area.oak.pk), "places": "2"},
    )
    run = PlanningRun.objects.exclude(pk=base.pk).get()
    assert response.url == reverse("planning:run", args=[run.pk])
    assert run.base_run == base
    assert run.what_if == {"mode": "enlarge", "strand_id": area.oak.pk, "places": 2}


def test_what_if_for_new_places_needs_a_location_and_cost(cast, area):
    base = _done_run(cast)
    response = cast.client_for(cast.la_colleague).post(
        reverse("planning:what-if", args=[base.pk]),
        {"mode": "new", "places": "5", "needs": ["ASD"], "phases": ["secondary"]},
    )
    assert response.status_code == 200
    assert b"Choose a ward or an existing setting" in response.content
    assert b"Enter the annual cost per place" in response.content


def test_what_if_on_another_las_run_is_not_found(cast, area):
    base = _done_run(cast, la=cast.other_la)
    url = reverse("planning:what-if", args=[base.pk])
    assert cast.client_for(cast.la_colleague).get(url).status_code == 404


def test_what_if_refuses_put(cast, area):
    base = _done_run(cast)
    url = reverse("planning:what-if", args=[base.pk])
    assert cast.client_for(cast.la_colleague).put(url).status_code == 405


# Area settings


def test_saving_area_figures_keeps_history_and_who(cast):
    client = cast.client_for(cast.la_colleague)
    data = {
        "lock": "0",
        "cost_per_km": "500",
        "unplaced_cost": "75000",
        "max_km": "30",
        "new_plan_months": "12",
        "independent_review": "on",
    }
    assert client.post(reverse("planning:settings"), data).status_code == 302
    saved = AreaPlanningSettings.objects.get(la=cast.la)
    assert (saved.cost_per_km, saved.lock) == (500, 1)
    assert saved.history.first().history_user == cast.la_colleague
    assert saved.defaults_in_use == []


def test_saving_area_figures_over_someone_elses_is_refused(cast):
    client = cast.client_for(cast.la_colleague)
    data = {
        "lock": "0",
        "cost_per_km": "500",
        "unplaced_cost": "75000",
        "max_km": "30",
        "new_plan_months": "12",
        "independent_review": "on",
    }
    client.post(reverse("planning:settings"), data)
    response = client.post(reverse("planning:settings"), {**data, "cost_per_km": "1"})
    assert response.status_code == 409
    assert AreaPlanningSettings.objects.get(la=cast.la).cost_per_km == 500
    assert response.context["form"]["cost_per_km"].value() == "1"  # what was typed is kept
    assert f"{cast.la_colleague.display_name} changed these figures at" in (
        response.content.decode()
    )


def test_area_figures_are_for_la_staff_only(cast):
    assert cast.client_for(cast.parent).get(reverse("planning:settings")).status_code == 403


def test_new_runs_use_the_saved_figures(cast, area):
    client = cast.client_for(cast.la_colleague)
    data = {
        "lock": "0",
        "cost_per_km": "0",
        "unplaced_cost": "90000",
        "max_km": "50",
        "new_plan_months": "12",
        "independent_review": "on",
    }
    client.post(reverse("planning:settings"), data)
    run = _done_run(cast)
    assert run.parameters["unplaced_cost"] == 90_000
    assert run.summary["travel_cost"] == 0


def test_failed_run_page_says_why_and_offers_a_new_run(cast, area):
    run = planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=PLANNING_DATE),
        what_if_strand={"mode": "enlarge", "strand_id": area.mainstream.pk, "places": 1},
    )
    run_claim(run=run)
    planning_run_execute(run)
    response = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert response.status_code == 200
    assert b"not among the places being planned" in response.content
    assert b"Start a new run" in response.content


def test_run_with_nobody_in_the_cohort_still_renders(cast):
    run = _done_run(cast)
    response = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert response.status_code == 200
    assert run.summary["learners"] == 0
    assert b"Every learner in the cohort has a proposed place" in response.content
