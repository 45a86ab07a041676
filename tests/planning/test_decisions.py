"""A named officer's decision on a proposal: what accepting changes, and each refusal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sendplan.casework.models import Plan, PlanVersion
from sendplan.casework.plans.services import plan_version_new_draft
from sendplan.core.tasks import run_claim
from sendplan.learners.models import AuditEvent, Learner, Placement
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.planning.services import DecisionRefused, proposal_decide
from sendplan.provision.models import ProvisionStrand
from tests.factories import PlacementFactory
from tests.planning.conftest import NOW, PLANNING_DATE, plans_naming_their_places

SEPTEMBER = dt.date(2027, 9, 1)


@pytest.fixture(autouse=True)
def _plans(area):
    plans_naming_their_places()


def _done_run(cast, **kw) -> PlanningRun:
    run = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE), **kw
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    return run


def _placed(run: PlanningRun) -> Proposal:
    return run.proposals.get(placed=True)


def _decide(proposal: Proposal, officer, decision="accept", reason="", starts_on=SEPTEMBER):
    return proposal_decide(
        proposal_id=proposal.pk,
        decision=decision,
        reason=reason,
        starts_on=starts_on,
        decided_by=officer,
    )


def _snapshot() -> list[tuple]:
    return list(
        Placement.objects.order_by("pk").values_list(
            "pk", "learner_id", "setting_id", "strand_id", "started_on", "ended_on", "decided_by"
        )
    )


def test_accepting_proposes_an_amendment_and_moves_nobody(cast, area):
    run = _done_run(cast)
    proposal = _placed(run)
    officer = cast.caseworker
    before = _snapshot()
    learners_before = list(Learner.objects.order_by("pk").values_list("pk", "lock"))
    strands_before = list(ProvisionStrand.objects.order_by("pk").values_list("pk", "on_roll"))
    issued = PlanVersion.objects.get(plan__learner=proposal.learner, status="issued")

    decided = _decide(proposal, officer, reason="Family visited and agree")

    # Nothing moves: placements, rolls and learners are exactly as they were.
    assert _snapshot() == before
    assert list(ProvisionStrand.objects.order_by("pk").values_list("pk", "on_roll")) == (
        strands_before
    )
    assert list(Learner.objects.order_by("pk").values_list("pk", "lock")) == learners_before
    # A proposed amendment of the plan names Oak in section I from September, with why.
    draft = decided.amendment
    assert (draft.status, draft.purpose, draft.based_on_id, draft.number) == (
        PlanVersion.Status.DRAFT,
        PlanVersion.Purpose.AMENDMENT,
        issued.pk,
        issued.number + 1,
    )
    assert (draft.placement_setting_id, draft.placement_strand_id, draft.placement_from) == (
        area.oak.setting_id,
        area.oak.pk,
        SEPTEMBER,
    )
    assert draft.amendment_reason == "Family visited and agree"
    assert draft.proposed_on is None  # the caseworker sends it to the family
    assert (decided.decision, decided.decided_by, decided.decided_at) == (
        Proposal.Decision.ACCEPTED,
        officer,
        NOW,
    )
    assert (decided.decision_reason, decided.starts_on, decided.placement) == (
        "Family visited and agree",
        SEPTEMBER,
        None,
    )
    # The other proposals of the run are still undecided.
    assert run.proposals.exclude(pk=proposal.pk).filter(decision="").count() == 2


def test_accepting_without_a_reason_explains_the_proposal_to_the_family(cast, area):
    proposal = _placed(_done_run(cast))
    draft = _decide(proposal, cast.caseworker).amendment
    assert "Oak Secondary" in draft.amendment_reason
    assert "planning run" in draft.amendment_reason


def test_a_learner_with_no_maintained_plan_cannot_be_moved_by_a_proposal(cast, area):
    proposal = _placed(_done_run(cast))
    PlanVersion.objects.filter(plan__learner=proposal.learner).delete()
    Plan.objects.filter(learner=proposal.learner).delete()
    with pytest.raises(DecisionRefused, match="no maintained EHC plan"):
        _decide(proposal, cast.caseworker)
    assert not Proposal.objects.get(pk=proposal.pk).is_decided


def test_a_plan_with_a_draft_open_is_refused_and_nothing_is_decided(cast, area):
    proposal = _placed(_done_run(cast))
    plan = Plan.objects.get(learner=proposal.learner)
    plan_version_new_draft(plan_id=plan.pk, changed_by=cast.caseworker)
    with pytest.raises(DecisionRefused, match="already has a draft"):
        _decide(proposal, cast.caseworker)
    assert not Proposal.objects.get(pk=proposal.pk).is_decided


def test_accepting_writes_no_audit_event(cast, area):
    # AuditEvent records reads and exports; a decision is recorded on the proposal instead.
    proposal = _placed(_done_run(cast))
    _decide(proposal, cast.caseworker)
    assert not AuditEvent.objects.exists()


def test_rejecting_records_the_reason_and_changes_no_placement(cast, area):
    proposal = _placed(_done_run(cast))
    before = _snapshot()
    decided = _decide(
        proposal, cast.la_colleague, "reject", "  Parents prefer a nearer school  ", None
    )
    assert _snapshot() == before
    assert decided.decision == Proposal.Decision.REJECTED
    assert decided.decision_reason == "Parents prefer a nearer school"
    assert decided.decided_by == cast.la_colleague
    assert decided.placement is None and decided.starts_on is None


def test_rejecting_needs_a_reason(cast, area):
    proposal = _placed(_done_run(cast))
    with pytest.raises(DecisionRefused, match="reason for rejecting"):
        _decide(proposal, cast.caseworker, "reject", "   ", None)
    proposal.refresh_from_db()
    assert proposal.decision == ""


def test_an_unplaced_proposal_can_be_rejected_but_not_accepted(cast, area):
    run = _done_run(cast)
    unplaced = run.proposals.filter(placed=False).first()
    with pytest.raises(DecisionRefused, match="no local place to accept"):
        _decide(unplaced, cast.caseworker)
    assert _decide(unplaced, cast.caseworker, "reject", "Tribunal named", None).decision == (
        Proposal.Decision.REJECTED
    )


def test_accepting_needs_a_start_date(cast, area):
    proposal = _placed(_done_run(cast))
    with pytest.raises(DecisionRefused, match="Enter the date"):
        _decide(proposal, cast.caseworker, starts_on=None)


def test_start_date_must_follow_the_current_placement_start(cast, area):
    proposal = _placed(_done_run(cast))
    before = _snapshot()
    with pytest.raises(DecisionRefused, match="must start after the current one started"):
        _decide(proposal, cast.caseworker, starts_on=dt.date(2023, 9, 1))
    assert _snapshot() == before


@pytest.mark.parametrize("status", [PlanningRun.Status.RUNNING, PlanningRun.Status.FAILED])
def test_a_proposal_of_an_unfinished_run_is_refused(cast, area, status):
    run = _done_run(cast)
    PlanningRun.objects.filter(pk=run.pk).update(status=status)
    with pytest.raises(DecisionRefused, match="finished planning run"):
        _decide(_placed(run), cast.caseworker)


def test_a_proposal_of_a_what_if_run_is_refused(cast, area):
    run = _done_run(cast, what_if_strand={"mode": "enlarge", "strand_id": area.oak.pk, "places": 2})
    proposal = run.proposals.filter(placed=True).first()
    with pytest.raises(DecisionRefused, match="places the area does not have yet"):
        _decide(proposal, cast.caseworker)


def test_a_proposal_is_decided_once(cast, area):
    proposal = _placed(_done_run(cast))
    _decide(proposal, cast.caseworker, "reject", "Not now", None)
    before = _snapshot()
    with pytest.raises(DecisionRefused, match="already rejected"):
        _decide(proposal, cast.la_colleague)
    assert _snapshot() == before
    proposal.refresh_from_db()
    assert (proposal.decided_by, proposal.decision_reason) == (cast.caseworker, "Not now")


def test_a_placement_changed_since_the_run_is_refused(cast, area):
    proposal = _placed(_done_run(cast))
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        Placement.objects.get(learner=proposal.learner, ended_on__isnull=True).save()
        with pytest.raises(DecisionRefused, match="placement has changed since this planning run"):
            _decide(proposal, cast.caseworker)
    assert Placement.objects.filter(learner=proposal.learner).count() == 1


def test_a_learner_moved_elsewhere_since_the_run_is_refused(cast, area):
    proposal = _placed(_done_run(cast))
    Placement.objects.filter(learner=proposal.learner).update(ended_on=dt.date(2026, 10, 31))
    PlacementFactory(
        learner=proposal.learner,
        setting=area.mainstream.setting,
        strand=area.mainstream,
        started_on=dt.date(2026, 11, 1),
    )
    with pytest.raises(DecisionRefused, match="placement has changed"):
        _decide(proposal, cast.caseworker)


def test_a_strand_with_no_vacancy_left_is_refused(cast, area):
    proposal = _placed(_done_run(cast))
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=area.oak.capacity)
    before = _snapshot()
    with pytest.raises(DecisionRefused, match="no vacancy left now"):
        _decide(proposal, cast.caseworker)
    assert _snapshot() == before


def test_the_last_vacancy_cannot_be_given_twice(cast, area):
    # The run sees two vacancies at Oak and proposes both; by the time officers decide, the
    # register shows one. Accepting the first holds it for the proposed amendment.
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=8)
    run = _done_run(cast)
    first, second = run.proposals.filter(proposed_strand=area.oak).order_by("pk")
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=9)
    _decide(first, cast.caseworker)
    with pytest.raises(DecisionRefused, match="no vacancy left now"):
        _decide(second, cast.la_colleague)
    assert not PlanVersion.objects.filter(plan__learner=second.learner, status="draft").exists()
