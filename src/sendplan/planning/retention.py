"""Erasure and retention of planning runs' stored inputs (ADR 0108).

A plain run keeps the learners it planned (record number, need, age, home point and LSOA,
current place and cost) so that a what-if can re-solve exactly them. Two things take them
out again:

* **Erasure.** When a learner's record is deleted through the ORM, :func:`forget_learners`
  rewrites every stored inputs holding them without them, inside the deleting transaction
  (``apps.py`` connects :func:`learner_deleted` to ``post_delete``). The blobs holding a
  learner are found through :class:`PlanningRunInputsLearner`, indexed by learner, so a
  delete opens only those blobs.
* **Retention.** :func:`planning_inputs_prune` deletes the stored inputs of runs older than
  ``SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS`` (``sendplan planning-prune``). The runs and
  their proposals stay; a what-if on such a run re-solves today's cohort and says so.

Log lines carry counts, never names or record numbers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from sendplan.learners.models import Learner
from sendplan.planning.models import PlanningRunInputs, PlanningRunInputsLearner, Proposal
from sendplan.planning.snapshot import without_learners

log = logging.getLogger(__name__)

#: Ids per ``IN (...)``: below SQLite's limit on variables in one statement.
CHUNK = 900


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@dataclass(frozen=True)
class Forgotten:
    """What :func:`forget_learners` took out: how many of the learners were held, and in
    how many runs' stored inputs."""

    learners: int
    runs: int


def forget_learners(*, learner_ids: Iterable[int]) -> Forgotten:
    """Take the learners out of every run's stored inputs that holds them, and out of
    runs' proposals.

    For learners whose records are being deleted (the ``post_delete`` receiver calls it for
    each one, inside the delete's transaction, so a delete that rolls back leaves the
    inputs as they were). Each rewritten inputs counts the learners taken out
    (``learners_erased``), so pages can say that some records were removed since the run.
    Cheap when there is nothing to do: two indexed queries, no blob opened. A bulk erasure
    can call it once with every id before deleting the records; the calls for each record
    then find nothing.
    """
    wanted = sorted({int(pk) for pk in learner_ids})
    holding: dict[int, set[int]] = {}
    for chunk in _chunks(wanted):
        # Proposals went with the learner (cascade), unless a run saved some while the
        # delete waited for the run's lock on the learner (runs._lock_existing_learners):
        # those would fail the delete at commit, so they go here.
        Proposal.objects.filter(learner_id__in=chunk).delete()
        rows = PlanningRunInputsLearner.objects.filter(learner_id__in=chunk)
        for inputs_id, learner_id in rows.values_list("inputs_id", "learner_id"):
            holding.setdefault(inputs_id, set()).add(learner_id)
    if not holding:
        return Forgotten(learners=0, runs=0)
    rewritten = 0
    with transaction.atomic():
        # One blob at a time, locked, in id order: two deletes that touch the same blob
        # take turns, so neither write puts back a learner the other took out, and they
        # cannot deadlock each other over the blobs. What is taken out is read from the
        # locked blob itself, not from the index read above.
        for inputs_id in sorted(holding):
            stored = PlanningRunInputs.objects.select_for_update().filter(pk=inputs_id).first()
            if stored is None:  # pruned since the index was read
                continue
            data, removed = without_learners(stored.data, holding[inputs_id])
            if removed:
                stored.data = data
                stored.learners = max(stored.learners - removed, 0)
                stored.learners_erased += removed
                stored.save(update_fields=["data", "learners", "learners_erased"])
                rewritten += 1
            PlanningRunInputsLearner.objects.filter(
                inputs_id=inputs_id, learner_id__in=sorted(holding[inputs_id])
            ).delete()
    found = len(set().union(*holding.values()))
    log.info(
        "planning inputs: %d deleted learner(s) taken out of %d run(s)' stored inputs",
        found,
        rewritten,
    )
    return Forgotten(learners=found, runs=rewritten)


def learner_deleted(sender: type[Learner], instance: Learner, **kwargs: Any) -> None:
    """``post_delete`` receiver for learners (connected in ``apps.py``)."""
    forget_learners(learner_ids=[instance.pk])


@dataclass(frozen=True)
class Pruned:
    """What :func:`planning_inputs_prune` deleted (or would delete, on a dry run)."""

    runs: int
    learners: int
    days: int
    dry_run: bool


def planning_inputs_prune(*, days: int | None = None, dry_run: bool = False) -> Pruned:
    """Delete the stored inputs of runs asked for more than ``days`` ago (default: the
    ``SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS`` setting). Runs and proposals stay. Safe to
    run twice: the second finds nothing older to delete."""
    if days is None:
        days = int(settings.SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS)
    if days < 1:
        raise ValueError(f"the retention period must be at least one day, not {days}")
    cutoff = timezone.now() - dt.timedelta(days=days)
    old = PlanningRunInputs.objects.filter(run__created_at__lt=cutoff)
    with transaction.atomic():
        ids = list(old.order_by("pk").values_list("pk", flat=True))
        learners = 0
        for chunk in _chunks(ids):
            inputs = PlanningRunInputs.objects.filter(pk__in=chunk)
            learners += inputs.aggregate(n=Sum("learners"))["n"] or 0
            if not dry_run:
                # The index first, in one statement; then the blobs, by id, never loaded.
                PlanningRunInputsLearner.objects.filter(inputs_id__in=chunk).delete()
                inputs.only("pk").delete()
    pruned = Pruned(runs=len(ids), learners=learners, days=days, dry_run=dry_run)
    if not dry_run:
        log.info(
            "planning inputs: deleted the stored inputs of %d run(s) older than %d days "
            "(%d learner rows)",
            pruned.runs,
            days,
            learners,
        )
    return pruned
