"""Who may move in a planning run (``planning/stability.py``, ADR 0133)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.models import Plan, Review
from sendplan.core.tasks import run_claim
from sendplan.planning import stability
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun
from sendplan.planning.runs import build_run_inputs, planning_run_execute, planning_run_request
from tests.planning.conftest import PLANNING_DATE, _placed

TODAY = dt.date(2026, 11, 28)


def _point(age: int, **kw) -> str:
    given = {
        "placed": True,
        "independent": False,
        "plan_issued_on": dt.date(2019, 5, 1),
        "review_due_on": None,
        "today": TODAY,
        "on": PLANNING_DATE,
    }
    return stability.move_point(age=age, **{**given, **kw})


@pytest.mark.parametrize("age", [6, 7, 8, 9, 10, 12, 13, 14, 15, 17])
def test_a_learner_settled_mid_phase_is_fixed(age):
    assert _point(age) == stability.SETTLED
    assert _point(age, independent=True, review_due_on=dt.date(2027, 9, 1)) == stability.SETTLED


@pytest.mark.parametrize("age", [5, 11, 16, 20])
def test_a_learner_starting_a_phase_may_move(age):
    assert _point(age) == stability.PHASE_TRANSFER


def test_a_new_plan_or_no_placement_may_move():
    assert _point(8, placed=False) == stability.NEW_PLAN
    assert _point(8, plan_issued_on=dt.date(2025, 11, 28)) == stability.NEW_PLAN
    assert _point(8, plan_issued_on=dt.date(2025, 11, 27)) == stability.SETTLED


def test_an_independent_placement_due_for_review_by_the_planning_date_may_move():
    due = {"independent": True, "review_due_on": PLANNING_DATE}
    assert _point(13, **due) == stability.INDEPENDENT_REVIEW
    assert _point(13, **{**due, "independent": False}) == stability.SETTLED


def test_a_mover_is_not_offered_a_place_that_does_not_take_their_new_age():
    assert not stability.offered_stay(may_move=True, age=11, min_age=4, max_age=10)
    assert stability.offered_stay(may_move=True, age=11, min_age=11, max_age=19)
    assert stability.offered_stay(may_move=False, age=11, min_age=4, max_age=10)


def _run(cast, **kw) -> PlanningRun:
    run = planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=PLANNING_DATE),
        **kw,
    )
    run_claim(run=run)
    return planning_run_execute(run)


@pytest.fixture
def settled(area, cast):
    """A learner of 13 (mid-secondary) in Far Independent, plan years old, review after
    September: without stability they would take Oak's one place (£30,000 against £80,000)."""
    learner = _placed(cast.la, area.independent, dt.date(2014, 1, 10), lat=51.46, lon=-0.11)
    plan = Plan.objects.create(
        learner=learner, status=Plan.Status.MAINTAINED, issued_on=dt.date(2019, 1, 7)
    )
    Review.objects.create(plan=plan, due_on=dt.date(2027, 10, 1))
    return learner


def test_the_run_keeps_a_settled_learner_in_their_place(cast, area, settled):
    run = _run(cast)
    assert run.status == PlanningRun.Status.DONE, run.message
    p = run.proposals.get(learner=settled)
    assert p.placed and p.proposed_strand_id == p.current_strand_id == area.independent.pk
    assert (run.summary["settled"], run.summary["may_move"]) == (1, 3)
    # Oak's place goes to someone who may move.
    oak = run.proposals.get(proposed_strand=area.oak)
    assert oak.learner_id != settled.pk


def test_no_learner_who_may_not_move_is_moved(cast, area, settled):
    run = _run(cast)
    inputs = build_run_inputs(run)
    fixed = {x.learner_id: x.current_strand_id for x in inputs.learners if not x.may_move}
    assert fixed == {settled.pk: area.independent.pk}
    for p in run.proposals.filter(learner_id__in=fixed):
        assert p.proposed_strand_id == fixed[p.learner_id]


def test_phase_transfers_may_move_and_are_not_offered_the_primary_they_leave(cast, area):
    inputs = build_run_inputs(_run(cast))
    by_id = {x.learner_id: i for i, x in enumerate(inputs.learners)}
    for learner in area.transfers:
        i = by_id[learner.pk]
        assert inputs.learners[i].move_point == stability.PHASE_TRANSFER
        assert inputs.learners[i].current_strand_id == area.elm.pk
        assert inputs.problem.may_move[i]
        assert inputs.problem.current[i] == -1
    i = by_id[area.in_independent.pk]
    assert inputs.learners[i].move_point == stability.INDEPENDENT_REVIEW
    index = inputs.register.index_of_strand()[area.independent.pk]
    assert inputs.problem.current[i] == index


def test_the_move_cost_is_a_run_parameter_from_the_form(cast, area):
    client = cast.client_for(cast.la_colleague)
    page = client.get(reverse("planning:index")).content.decode()
    assert "Who may move" in page and 'name="move_cost"' in page and 'value="5000"' in page
    response = client.post(
        reverse("planning:start"),
        {"phase_transfers": "on", "independent": "on", "kinds": ["special_school"],
         "move_cost": "12000"},
    )  # fmt: skip
    assert PlanningRun.objects.get().parameters["move_cost"] == 12_000
    assert response.status_code == 302


def test_a_negative_move_cost_is_refused(cast, area):
    response = cast.client_for(cast.la_colleague).post(
        reverse("planning:start"),
        {"phase_transfers": "on", "kinds": ["special_school"], "move_cost": "-1"},
    )
    assert response.status_code == 200
    assert "Cost of a move must be 0 or more" in response.content.decode()
    assert not PlanningRun.objects.exists()


def test_the_area_may_shorten_or_drop_the_new_plan_rule():
    recent = {"plan_issued_on": dt.date(2026, 6, 1)}
    assert _point(8, **recent) == stability.NEW_PLAN
    three = stability.MoveRules(new_plan_months=3)
    assert _point(8, rules=three, **recent) == stability.SETTLED
    none = stability.MoveRules(new_plan_months=0)
    assert _point(8, rules=none, **recent) == stability.SETTLED
    # Phase transfers and learners with no place may always move, whatever the area says.
    assert _point(8, rules=none, placed=False) == stability.NEW_PLAN
    assert _point(11, rules=none) == stability.PHASE_TRANSFER


def test_the_area_may_keep_independent_placements_at_review():
    due = {"independent": True, "review_due_on": PLANNING_DATE}
    off = stability.MoveRules(independent_review=False)
    assert _point(13, rules=off, **due) == stability.SETTLED
    assert not any("independent" in rule for rule in stability.rules_text(off))


def _save_rules(client, **rules):
    data = {"lock": "0", "cost_per_km": "400", "unplaced_cost": "60000", "max_km": "50",
            "new_plan_months": "12", "independent_review": "on", **rules}  # fmt: skip
    return client.post(reverse("planning:settings"), {k: v for k, v in data.items() if v})


def test_who_may_move_is_the_areas_and_each_run_records_it(cast, area):
    client = cast.client_for(cast.la_colleague)
    assert _save_rules(client, new_plan_months="0", independent_review="").status_code == 302
    page = client.get(reverse("planning:index")).content.decode()
    assert "Learners with no current placement may move." in page
    assert "independent placement whose plan is due for review" not in page
    assert "Change who may move" in page
    run = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    assert (run.parameters["new_plan_months"], run.parameters["independent_review"]) == (0, False)
    assert stability.MoveRules.from_parameters(run.parameters) == stability.MoveRules(0, False)
    # A run stored before areas could change the rules used the defaults.
    assert stability.MoveRules.from_parameters({}) == stability.DEFAULT_RULES


def test_a_new_plan_period_over_three_years_is_refused_and_kept(cast, area):
    response = _save_rules(cast.client_for(cast.la_colleague), new_plan_months="40")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Months a plan counts as new must be 36 or fewer" in page and 'value="40"' in page
    assert not area_settings_exists(cast)


def area_settings_exists(cast) -> bool:
    from sendplan.planning.models import AreaPlanningSettings

    return AreaPlanningSettings.objects.filter(la=cast.la).exists()
