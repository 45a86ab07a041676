"""Deleting a learner's record takes them out of planning runs' stored inputs; stored inputs
past the retention period are pruned, and what-ifs still run on both kinds of base run.

Runs plan conftest's area plus ``marked``, a fourth learner (a transfer at Elm) whose home
point nobody else shares, so a test can look for it in the stored bytes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess
import sys
import zlib
from io import StringIO

import numpy as np
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.core.tasks import run_claim
from sendplan.learners.models import Learner
from sendplan.planning import runs
from sendplan.planning.adapter import PlanningInputs
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, PlanningRunInputs, PlanningRunInputsLearner
from sendplan.planning.retention import Forgotten, forget_learners, learner_deleted
from sendplan.planning.runs import (
    BASE_RUN_INPUTS,
    TODAY_INPUTS,
    planning_run_execute,
    planning_run_request,
)
from sendplan.planning.snapshot import load_inputs
from tests.factories import LearnerFactory, NeedFactory, PlacementFactory
from tests.planning.conftest import NOW, PLANNING_DATE

HOME = (51.4387123, -0.1276543)


@pytest.fixture
def marked(cast, area) -> Learner:
    learner = LearnerFactory(
        responsible_la=cast.la,
        date_of_birth=dt.date(2016, 2, 2),
        latitude=HOME[0],
        longitude=HOME[1],
    )
    NeedFactory(learner=learner, code="ASD", rank=1)
    PlacementFactory(learner=learner, setting=area.elm.setting, strand=area.elm)
    return learner


def _computed(cast, *, what_if_strand=None, base_run=None, **cohort) -> PlanningRun:
    run = planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=PLANNING_DATE, **cohort),
        what_if_strand=what_if_strand,
        base_run=base_run,
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    return run


def _enlarge_oak(cast, area, base: PlanningRun) -> PlanningRun:
    spec = {"mode": "enlarge", "strand_id": area.oak.pk, "places": 2}
    return _computed(cast, what_if_strand=spec, base_run=base)


def _stored(run: PlanningRun) -> PlanningInputs:
    return load_inputs(PlanningRunInputs.objects.get(run=run).data)


def _stored_text(run: PlanningRun) -> str:
    return zlib.decompress(bytes(PlanningRunInputs.objects.get(run=run).data)).decode()


def _indexed(run: PlanningRun) -> set[int]:
    rows = PlanningRunInputsLearner.objects.filter(inputs__run=run)
    return set(rows.values_list("learner_id", flat=True))


def _page(cast, name: str, run: PlanningRun) -> str:
    response = cast.client_for(cast.la_colleague).get(reverse(name, args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


# Erasure


def test_stored_inputs_index_every_learner_they_hold(cast, area, marked):
    run = _computed(cast)
    held = {x.learner_id for x in _stored(run).learners}
    assert marked.pk in held
    assert _indexed(run) == held


def test_deleting_a_learner_takes_them_out_of_every_stored_run_and_keeps_the_others(
    cast, area, marked
):
    first, second = _computed(cast), _computed(cast)
    # A run of independent placements only never held the marked learner.
    other = _computed(cast, phase_transfers=False)
    other_blob = bytes(PlanningRunInputs.objects.get(run=other).data)
    before = {run.pk: _stored(run) for run in (first, second)}
    gone = marked.pk
    assert repr(HOME[0]) in _stored_text(first)

    marked.delete()

    for run in (first, second):
        was, now = before[run.pk], _stored(run)
        assert now.learners == [x for x in was.learners if x.learner_id != gone]
        assert len(now.learners) == 3
        # The place the marked learner held (and the run freed) is a vacancy instead, so
        # a re-solve counts the same places.
        assert np.array_equal(now.problem.places, was.problem.places)
        assert now.freed == was.freed - 1
        elm = was.register.index_of_strand()[area.elm.pk]
        assert now.register.vacancies[elm] == was.register.vacancies[elm] + 1
        assert now.register.register_hash == was.register.register_hash
        text = _stored_text(run)
        assert repr(HOME[0]) not in text and repr(HOME[1]) not in text
        stored = PlanningRunInputs.objects.get(run=run)
        assert (stored.learners, stored.learners_erased) == (3, 1)
        assert _indexed(run) == {x.learner_id for x in now.learners}
    assert bytes(PlanningRunInputs.objects.get(run=other).data) == other_blob
    assert PlanningRunInputs.objects.get(run=other).learners_erased == 0
    assert not PlanningRunInputsLearner.objects.filter(learner_id=gone).exists()


def test_a_queryset_delete_takes_out_every_learner_it_deletes(cast, area, marked):
    run = _computed(cast)
    gone = {marked.pk, area.transfers[0].pk}

    Learner.objects.filter(pk__in=gone).delete()

    left = {x.learner_id for x in _stored(run).learners}
    assert left == {area.transfers[1].pk, area.in_independent.pk}
    stored = PlanningRunInputs.objects.get(run=run)
    assert (stored.learners, stored.learners_erased) == (2, 2)
    assert _indexed(run) == left


def test_a_delete_that_rolls_back_leaves_the_stored_inputs_as_they_were(cast, area, marked):
    run = _computed(cast)
    blob = bytes(PlanningRunInputs.objects.get(run=run).data)
    pk = marked.pk

    with pytest.raises(RuntimeError), transaction.atomic():
        marked.delete()
        assert pk not in _indexed(run)  # rewritten inside the delete's transaction
        raise RuntimeError("the caller changed its mind")

    assert Learner.objects.filter(pk=pk).exists()
    assert bytes(PlanningRunInputs.objects.get(run=run).data) == blob
    assert pk in _indexed(run)
    assert PlanningRunInputs.objects.get(run=run).learners_erased == 0


def test_forgetting_a_learner_no_run_holds_opens_no_blob(cast, area, marked):
    run = _computed(cast)
    blob = bytes(PlanningRunInputs.objects.get(run=run).data)
    with CaptureQueriesContext(connection) as queries:
        result = forget_learners(learner_ids=[cast.other_learner.pk])
    assert result == Forgotten(learners=0, runs=0)
    # Their proposals (none) and the index: no read of any blob, whatever the number of runs.
    assert len(queries) == 2
    assert not [q for q in queries if '"data"' in q["sql"]]
    assert bytes(PlanningRunInputs.objects.get(run=run).data) == blob


def test_forgetting_twice_changes_nothing_the_second_time(cast, area, marked):
    run = _computed(cast)
    assert forget_learners(learner_ids=[marked.pk]) == Forgotten(learners=1, runs=1)
    blob = bytes(PlanningRunInputs.objects.get(run=run).data)
    assert forget_learners(learner_ids=[marked.pk]) == Forgotten(learners=0, runs=0)
    assert bytes(PlanningRunInputs.objects.get(run=run).data) == blob
    assert PlanningRunInputs.objects.get(run=run).learners_erased == 1


def test_a_learner_deleted_while_the_run_was_solving_is_not_stored(cast, area, marked, monkeypatch):
    build = runs.build_run_inputs

    def build_then_delete(run):
        inputs = build(run)
        Learner.objects.filter(pk=marked.pk).delete()
        return inputs

    monkeypatch.setattr(runs, "build_run_inputs", build_then_delete)
    run = _computed(cast)

    assert run.summary["learners"] == 4  # it solved them all ...
    assert marked.pk not in {x.learner_id for x in _stored(run).learners}  # ... kept three
    stored = PlanningRunInputs.objects.get(run=run)
    assert (stored.learners, stored.learners_erased) == (3, 1)
    assert marked.pk not in _indexed(run)
    assert not run.proposals.filter(learner_id=marked.pk).exists()


def test_what_if_after_a_delete_re_solves_the_others_and_both_pages_say_so(cast, area, marked):
    base = _computed(cast)
    gone = marked.pk
    marked.delete()

    run = _enlarge_oak(cast, area, base)

    w = run.summary["what_if"]
    assert (w["inputs"], w["learners_erased"], run.summary["learners"]) == (BASE_RUN_INPUTS, 1, 3)
    assert run.proposals.count() == 3
    assert not run.proposals.filter(learner_id=gone).exists()
    assert (
        f"1 learner's record had been removed since run {base.pk}, so neither side includes them"
        in _page(cast, "planning:run", run)
    )
    assert "1 learner's record has been removed since this run" in _page(cast, "planning:run", base)
    assert f"1 learner's record has been removed since run {base.pk}" in _page(
        cast, "planning:what-if", base
    )


def test_migration_indexes_older_inputs_and_takes_out_learners_deleted_before(cast, area, marked):
    run = _computed(cast)
    gone = marked.pk
    # Inputs stored before the index existed: the learner deleted with nothing listening.
    post_delete.disconnect(sender=Learner, dispatch_uid="planning-erasure")
    try:
        marked.delete()
    finally:
        post_delete.connect(learner_deleted, sender=Learner, dispatch_uid="planning-erasure")
    PlanningRunInputsLearner.objects.all().delete()
    assert gone in {x.learner_id for x in _stored(run).learners}

    migration = importlib.import_module("sendplan.planning.migrations.0005_index_stored_inputs")
    migration.index_and_erase(apps, None)

    left = {x.learner_id for x in _stored(run).learners}
    assert gone not in left and len(left) == 3
    assert _indexed(run) == left
    stored = PlanningRunInputs.objects.get(run=run)
    assert (stored.learners, stored.learners_erased) == (3, 1)


def test_run_page_says_nothing_of_removals_when_there_were_none(cast, area, marked):
    base = _computed(cast)
    page = _page(cast, "planning:run", base)
    assert "been removed since" not in page
    assert "no longer stored" not in page


# Retention


def _aged(run: PlanningRun, age: dt.timedelta) -> None:
    PlanningRun.objects.filter(pk=run.pk).update(created_at=NOW - age)


def _prune(*args: str) -> str:
    out = StringIO()
    call_command("planning-prune", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def aged_runs(cast, area, marked) -> dict[str, PlanningRun]:
    """Three plain runs: one just past a year old, one a day short of it, one new."""
    made = {name: _computed(cast) for name in ("old", "nearly", "new")}
    _aged(made["old"], dt.timedelta(days=365, minutes=1))
    _aged(made["nearly"], dt.timedelta(days=364, hours=23))
    return made


def test_prune_deletes_only_inputs_older_than_the_period_and_keeps_runs(aged_runs):
    old = aged_runs["old"]
    proposals = old.proposals.count()

    out = _prune()

    assert out == (
        "Deleted the stored inputs of 1 planning run older than 365 days (4 learner rows). "
        "The runs and their proposals are kept."
    )
    assert not PlanningRunInputs.objects.filter(run=old).exists()
    assert not _indexed(old)
    for name in ("nearly", "new"):
        assert PlanningRunInputs.objects.filter(run=aged_runs[name]).exists()
        assert len(_indexed(aged_runs[name])) == 4
    old.refresh_from_db()
    assert old.status == PlanningRun.Status.DONE
    assert old.proposals.count() == proposals == 4
    # Safe to run twice: nothing older is left.
    assert _prune().startswith("Deleted the stored inputs of 0 planning runs older than 365")


def test_prune_follows_the_retention_setting(aged_runs, settings):
    settings.SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS = 30
    out = _prune()
    assert out.startswith("Deleted the stored inputs of 2 planning runs older than 30 days")
    assert list(PlanningRunInputs.objects.values_list("run_id", flat=True)) == [aged_runs["new"].pk]


def test_prune_dry_run_counts_and_deletes_nothing(aged_runs, settings):
    settings.SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS = 30
    blobs = {pk: bytes(data) for pk, data in PlanningRunInputs.objects.values_list("pk", "data")}
    indexed = PlanningRunInputsLearner.objects.count()

    out = _prune("--dry-run")

    assert out == (
        "Would delete the stored inputs of 2 planning runs older than 30 days (8 learner rows). "
        "Nothing deleted (--dry-run)."
    )
    after = {pk: bytes(data) for pk, data in PlanningRunInputs.objects.values_list("pk", "data")}
    assert after == blobs
    assert PlanningRunInputsLearner.objects.count() == indexed == 12


def test_prune_prints_counts_and_no_learner(aged_runs, marked):
    out = _prune()
    for learner in Learner.objects.all():
        assert learner.given_name not in out and learner.family_name not in out
    assert "Learner" not in out


def test_what_if_on_a_pruned_run_re_solves_today_and_the_pages_say_so(cast, area, aged_runs):
    base = aged_runs["old"]
    _prune()
    assert "no longer stored, so a what-if re-solves its cohort as it is today" in _page(
        cast, "planning:run", base
    )
    assert f"Run {base.pk}'s learners and places are no longer stored" in _page(
        cast, "planning:what-if", base
    )

    run = _enlarge_oak(cast, area, base)

    assert run.summary["what_if"]["inputs"] == TODAY_INPUTS
    assert run.summary["learners"] == 4
    page = _page(cast, "planning:run", run)
    assert "its cohort re-solved today without the change" in page
    assert "no longer stored" in page


# The setting


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SENDPLAN_ENV", "SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS"}
    }
    code = "import sendplan.settings as s; print(s.SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_retention_days_default_to_a_year():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "365"


def test_retention_days_read_a_whole_number():
    result = _load_settings(SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS="90")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "90"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be at least 1, not 0"),
        ("-30", "must be at least 1, not -30"),
        ("1.5", "must be a whole number, not '1.5'"),
        ("a year", "must be a whole number, not 'a year'"),
    ],
)
def test_retention_days_refuse_anything_but_a_positive_whole_number(value, message):
    result = _load_settings(SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS=value)
    assert result.returncode != 0
    assert f"SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS {message}" in result.stderr


def test_prune_never_reads_the_blobs_it_deletes(aged_runs):
    with CaptureQueriesContext(connection) as queries:
        _prune()
    sql = [q["sql"] for q in queries]
    assert any(s.startswith("DELETE") and "planningruninputs" in s for s in sql)
    assert not [s for s in sql if s.startswith("SELECT") and '"data"' in s]
