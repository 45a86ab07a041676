"""Why this place (issue 15, ADR 0142): the selector on the small planning area
(``conftest.py``), the commissioner's section of the proposal page, and the words frozen for
the family when a proposal is accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.case.models import Case, Stage
from sendplan.casework.family.models import FamilyPreference
from sendplan.core.tasks import run_claim
from sendplan.engine.placement_explain import FULL, WRONG_AGE
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.explain import (
    NOT_KNOWN,
    PLACE_ENDS,
    SAVES_MORE_THAN_MOVE,
    Explanation,
    family_words,
    proposal_explanation,
)
from sendplan.planning.models import PlanningRun, PlanningRunInputs, Proposal
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.planning.services import proposal_decide
from sendplan.provision.models import ProvisionStrand
from tests.planning.conftest import PLANNING_DATE, plans_naming_their_places

SEPTEMBER = dt.date(2027, 9, 1)


def _done_run(cast) -> PlanningRun:
    run = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    return run


def _of(run: PlanningRun, learner) -> Proposal:
    return run.proposals.select_related("run", "current_strand").get(learner=learner)


@pytest.fixture
def room_at_oak(area) -> None:
    # Three places at Oak: both transfers and the independent learner fit there.
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=7)


@pytest.fixture
def prefers_elm(cast, area) -> FamilyPreference:
    # The family's preference, given while the plan was written (it stands until replaced).
    case = Case.objects.create(
        learner=area.in_independent,
        received_on=dt.date(2019, 9, 2),
        source=Case.Source.PARENT,
        stage=Stage.FINAL_ISSUED,
    )
    return FamilyPreference.objects.create(
        case=case, setting=area.elm.setting, given_on=dt.date(2026, 10, 1)
    )


def test_a_move_out_of_an_independent_place_saves_more_than_the_move_costs(
    cast, area, room_at_oak, prefers_elm
):
    plans_naming_their_places()
    proposal = _of(_done_run(cast), area.in_independent)
    why = proposal_explanation(proposal)
    assert proposal.proposed_setting_name == "Oak Secondary" and why.moves
    assert why.why_move == SAVES_MORE_THAN_MOVE
    assert why.move_point == "Independent placement due for review"
    # The saving, split: the fee against Oak's place, and the longer journey against the shorter.
    assert (why.place_now, why.place_proposed) == (80_000, 30_000)
    assert why.saving_place == 50_000
    assert why.travel_now is not None and why.travel_proposed is not None
    assert why.saving_travel == why.travel_now - why.travel_proposed > 0
    assert why.saving == proposal.current_cost - proposal.proposed_cost
    assert why.saving == why.saving_place + why.saving_travel
    assert why.move_cost == 5_000 and why.saving_after_move == why.saving - 5_000 > 0
    assert why.km_now is not None and why.km_proposed is not None
    assert why.km_now > 20 > why.km_proposed
    # Nearer home than Oak: Elm takes children up to 10, the cast's special school is full.
    reasons = {o.name: o.reasons for o in why.nearer}
    assert reasons["Elm Primary"] == (WRONG_AGE,)
    assert reasons["Test Special School"] == (FULL,)
    assert all(o.km < why.km_proposed for o in why.nearer)
    # The family asked for Elm.
    assert why.preferred_name == "Elm Primary"
    assert why.preferred is not None and why.preferred.reasons == (WRONG_AGE,)


def test_the_family_words_are_plain_and_name_no_price(cast, area, room_at_oak, prefers_elm):
    plans_naming_their_places()
    proposal = _of(_done_run(cast), area.in_independent)
    words = family_words(proposal_explanation(proposal), child=area.in_independent)
    name = area.in_independent.given_name
    assert f"We know that changing school is a big step for {name}." in words
    assert "efficient use of its resources" in words
    assert "Elm Primary: it does not take children of this age." in words
    assert "You asked for Elm Primary. We did not propose it because it does not take" in words
    assert "£" not in words and "km" not in words and "move cost" not in words


def test_a_phase_transfer_moves_because_their_place_ends_and_pays_no_move_cost(cast, area):
    plans_naming_their_places()
    proposal = _of(_done_run(cast), area.transfers[1])
    why = proposal_explanation(proposal)
    assert proposal.proposed_setting_name == "Oak Secondary"
    assert (why.why_move, why.move_cost, why.move_point) == (PLACE_ENDS, 0, "Phase transfer")
    assert why.nearer == [] and why.from_run_inputs
    words = family_words(why, child=area.transfers[1])
    assert "Elm Primary does not take children of" in words
    assert "nearer than Elm Primary" in words


def test_after_the_runs_inputs_are_deleted_the_costs_remain_and_the_page_says_so(
    cast, area, room_at_oak
):
    plans_naming_their_places()
    run = _done_run(cast)
    PlanningRunInputs.objects.filter(run=run).delete()
    proposal = _of(run, area.in_independent)
    why = proposal_explanation(proposal)
    assert not why.from_run_inputs and why.nearer == [] and why.move_point == ""
    assert (why.place_now, why.place_proposed, why.saving_place) == (80_000, 30_000, 50_000)
    assert why.why_move == SAVES_MORE_THAN_MOVE and why.move_cost == 5_000
    page = cast.client_for(cast.caseworker).get(
        reverse("planning:proposal", args=[run.pk, proposal.pk])
    )
    assert "are no longer kept" in page.content.decode()


def test_the_proposal_page_shows_why_this_place(cast, area, room_at_oak, prefers_elm):
    plans_naming_their_places()
    run = _done_run(cast)
    proposal = _of(run, area.in_independent)
    why: Explanation = proposal_explanation(proposal)
    page = (
        cast.client_for(cast.caseworker)
        .get(reverse("planning:proposal", args=[run.pk, proposal.pk]))
        .content.decode()
    )
    assert '<h2 class="govuk-heading-m" id="why-this-place">Why this place</h2>' in page
    assert f"The move saves £{why.saving:,} a year, more than the £5,000" in page
    assert "Places nearer home than Oak Secondary, nearest first" in page
    assert "Wrong age" in page and "Full" in page
    assert "Elm Primary: not chosen: wrong age" in page
    assert "What the family will read" in page
    assert "Transport (£400 a year per km)" in page
    assert area.in_independent.family_name not in page


def test_accepting_freezes_the_family_words_on_the_amendment(cast, area, room_at_oak):
    plans_naming_their_places()
    run = _done_run(cast)
    proposal = _of(run, area.in_independent)
    expected = family_words(proposal_explanation(proposal), child=area.in_independent)
    decided = proposal_decide(
        proposal_id=proposal.pk,
        decision="accept",
        reason="",
        starts_on=SEPTEMBER,
        decided_by=cast.caseworker,
    )
    amendment = decided.amendment
    assert amendment.placement_explanation == expected
    assert amendment.placement_explanation_paragraphs[0].startswith("We know that")
    # The run's inputs go after the retention period; what the family read stays.
    PlanningRunInputs.objects.filter(run=run).delete()
    amendment.refresh_from_db()
    assert amendment.placement_explanation == expected
    page = (
        cast.client_for(cast.caseworker)
        .get(reverse("planning:proposal", args=[run.pk, proposal.pk]))
        .content.decode()
    )
    assert "We know that changing school is a big step" in page
    printed = (
        cast.client_for(cast.caseworker)
        .get(reverse("casework:plan-print", args=[amendment.plan_id, amendment.number]))
        .content.decode()
    )
    assert "Why the council proposes this school" in printed
    assert expected.split("\n\n")[0].strip()[:60] in printed


def test_without_inputs_or_a_strand_on_record_the_page_does_not_guess_why(cast, area, room_at_oak):
    plans_naming_their_places()
    run = _done_run(cast)
    PlanningRunInputs.objects.filter(run=run).delete()
    proposal = _of(run, area.in_independent)
    Proposal.objects.filter(pk=proposal.pk).update(current_strand=None)
    proposal = _of(run, area.in_independent)
    why = proposal_explanation(proposal)
    assert (why.why_move, why.move_cost, why.place_now, why.km_now) == (NOT_KNOWN, 0, None, None)
    words = family_words(why, child=area.in_independent)
    assert words.startswith("Oak Secondary can give")
    page = (
        cast.client_for(cast.caseworker)
        .get(reverse("planning:proposal", args=[run.pk, proposal.pk]))
        .content.decode()
    )
    assert "Far Independent is incomplete" in page and "Not known now" in page
