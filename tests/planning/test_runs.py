"""Planning runs: queued -> running -> done (or failed), stored proposals, the command."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

from sendplan.core import tasks
from sendplan.core.tasks import run_claim, run_work, runs_recover
from sendplan.learners.models import Placement
from sendplan.planning.cohort import INDEPENDENT, CohortDefinition
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.runs import (
    planning_run_execute,
    planning_run_request,
)
from sendplan.planning.tasks import PLANNING
from tests.planning.conftest import PLANNING_DATE


def _queue(cast, **kw) -> PlanningRun:
    return planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=PLANNING_DATE),
        **kw,
    )


def _queue_transfers_only(cast) -> PlanningRun:
    return planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=PLANNING_DATE, independent=False),
    )


def test_new_run_is_queued_with_the_cohort_and_default_figures(cast, area):
    run = _queue(cast)
    assert run.status == PlanningRun.Status.QUEUED
    assert run.cohort["on"] == "2027-08-31"
    assert run.parameters["unplaced_cost"] == 60_000
    assert set(run.parameters["defaults"]) == {"cost_per_km", "unplaced_cost", "max_km"}


def test_a_run_is_claimed_once(cast, area):
    run = _queue(cast)
    assert run_claim(run=run)
    assert run.status == PlanningRun.Status.RUNNING
    assert not run_claim(run=run)


def test_finished_run_stores_one_proposal_per_learner_and_a_summary(cast, area):
    run = _queue(cast)
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    assert run.progress == 100
    assert len(run.register_hash) == 64
    # Oak's one place goes to one of the three; the independent place is dearer than the
    # unplaced price (£80,000 + travel > £60,000), so two have no suitable local place.
    assert run.summary["learners"] == 3
    assert run.summary["placed"] == 1
    assert run.summary["unplaced"] == 2
    assert run.summary["excluded"] == {"no primary need recorded": 1}
    proposals = list(run.proposals.all())
    assert len(proposals) == 3
    placed = [p for p in proposals if p.placed]
    assert [p.proposed_strand_id for p in placed] == [area.oak.pk]
    assert placed[0].place_cost == 30_000
    assert all(p.proposed_cost == 60_000 for p in proposals if not p.placed)


def test_cost_against_now_counts_only_learners_with_a_current_placement(cast, area):
    run = _queue(cast)
    run_claim(run=run)
    run = planning_run_execute(run)
    proposals = list(run.proposals.all())
    assert run.summary["with_current_cost"] == 3
    assert run.summary["current_total"] == sum(p.current_cost for p in proposals)
    assert run.summary["proposed_total_same"] == sum(p.proposed_cost for p in proposals)
    assert run.summary["current_per_learner"] == round(run.summary["current_total"] / 3)


def test_returning_learner_is_recorded_with_why_they_are_in_the_cohort(cast, area):
    run = _queue(cast)
    run_claim(run=run)
    run = planning_run_execute(run)
    p = run.proposals.get(learner=area.in_independent)
    assert p.reason_in_cohort == INDEPENDENT
    assert p.current_setting_name == "Far Independent"
    assert (p.need, p.age, p.phase) == ("ASD", 15, "secondary")


def test_a_run_never_changes_any_placement(cast, area):
    before = list(Placement.objects.order_by("pk").values_list("pk", "setting_id", "ended_on"))
    run = _queue(cast)
    run_claim(run=run)
    planning_run_execute(run)
    after = list(Placement.objects.order_by("pk").values_list("pk", "setting_id", "ended_on"))
    assert after == before


def test_what_if_with_new_places_reports_the_change(cast, area):
    spec = {
        "mode": "new", "places": 5, "needs": ["ASD"], "phases": ["secondary"],
        "ward_code": "", "setting_id": area.oak.setting_id, "annual_cost": 30_000,
        "label": "Oak annexe",
    }  # fmt: skip
    run = _queue(cast, what_if_strand=spec)
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    w = run.summary["what_if"]
    assert w["before"]["unplaced"] == 2
    assert w["delta_unplaced"] == -2
    assert w["delta_place_cost"] == 60_000
    # Oak and the annexe cost the same from every home: which learner takes which is a tie.
    assert run.proposals.filter(placed=True).count() == 3
    assert run.proposals.filter(proposed_setting_name="Oak annexe").count() >= 2


def test_what_if_enlarging_a_strand_not_planned_fails_with_a_reason(cast, area):
    spec = {"mode": "enlarge", "strand_id": area.mainstream.pk, "places": 3}
    run = _queue(cast, what_if_strand=spec)
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.FAILED
    assert "not among the places being planned" in run.message
    assert not run.proposals.exists()


def _lose_its_worker(run: PlanningRun) -> None:
    run_claim(run=run)
    PlanningRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=11)
    )


def test_a_run_with_no_news_for_ten_minutes_is_tried_again(cast, area):
    run = _queue(cast)
    _lose_its_worker(run)
    assert runs_recover(kind=PLANNING, area=cast.la.pk) == 1
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.QUEUED
    assert run.progress_text.startswith("Waiting to try again: the worker stopped")


def test_a_run_that_loses_its_worker_twice_is_marked_failed(cast, area):
    run = _queue(cast)
    _lose_its_worker(run)
    runs_recover(kind=PLANNING, area=cast.la.pk)
    _lose_its_worker(run)
    assert runs_recover(kind=PLANNING, area=cast.la.pk) == 1
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.FAILED
    assert run.message == (
        "The worker stopped before finishing (no news for 10 minutes); tried 2 times. "
        "Start a new run."
    )


def test_command_computes_a_queued_run_end_to_end(cast, area, capsys):
    run = _queue(cast)
    call_command("planning-run", str(run.pk))
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.DONE
    assert Proposal.objects.filter(run=run).count() == 3
    assert f"run {run.pk} finished" in capsys.readouterr().out


def test_command_is_safe_to_run_twice(cast, area, capsys):
    run = _queue(cast)
    call_command("planning-run", str(run.pk))
    first = list(Proposal.objects.filter(run=run).values_list("pk", flat=True))
    call_command("planning-run", str(run.pk))
    assert "nothing to do" in capsys.readouterr().out
    assert list(Proposal.objects.filter(run=run).values_list("pk", flat=True)) == first


def test_asking_again_while_the_run_waits_returns_that_run(cast, area):
    first = _queue(cast)
    assert _queue(cast).pk == first.pk
    other = _queue_transfers_only(cast)
    assert other.pk != first.pk
    run_claim(run=first)
    # Once it has started, the same question is a new run (the register may have moved).
    assert _queue(cast).pk not in {first.pk, other.pk}


def test_command_with_queued_computes_every_waiting_run(cast, area):
    runs = [_queue(cast), _queue_transfers_only(cast)]
    assert runs[0].pk != runs[1].pk
    call_command("planning-run", "--queued")
    assert {r.status for r in PlanningRun.objects.filter(pk__in=[r.pk for r in runs])} == {
        PlanningRun.Status.DONE
    }


def test_command_refuses_an_unknown_run(db):
    with pytest.raises(CommandError, match="no planning run 999"):
        call_command("planning-run", "999")


def test_command_needs_a_run_or_queued(db):
    with pytest.raises(CommandError) as error:
        call_command("planning-run")
    assert error.value.returncode == 2


def _with_execute(monkeypatch, execute) -> None:
    monkeypatch.setitem(
        tasks.RUN_KINDS, PlanningRun, dataclasses.replace(PLANNING, execute=execute)
    )


def test_a_run_that_meets_a_locked_database_is_tried_again_then_failed(cast, area, monkeypatch):
    def locked(run):
        raise OperationalError("database is locked")

    _with_execute(monkeypatch, locked)
    run = _queue(cast)
    assert run_work(run=run)
    assert run.status == PlanningRun.Status.QUEUED
    assert run.progress_text == (
        "Waiting to try again: the database was busy or out of reach (OperationalError)"
    )
    assert run_work(run=run)
    assert run.status == PlanningRun.Status.FAILED
    assert run.message == (
        "The database was busy or out of reach (OperationalError); tried 2 times. Start a new run."
    )


def test_a_run_whose_worker_is_stopped_at_once_goes_back_to_the_queue(cast, area, monkeypatch):
    def stopped(run):
        raise KeyboardInterrupt

    _with_execute(monkeypatch, stopped)
    run = _queue(cast)
    with pytest.raises(KeyboardInterrupt):
        run_work(run=run)
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.QUEUED
    assert run.progress_text == "Waiting to try again: the worker was stopped before finishing"
