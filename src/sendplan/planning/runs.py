"""Planning runs: ask for one, compute it, store its proposals.

The page asks for a run (a queued :class:`PlanningRun`) and hands it to the queue, whose
worker claims it and calls :func:`planning_run_execute` (``core/tasks.py``, ADR 0114). The
queue keeps one run per LA working at a time and retries a run whose worker stopped; this
module only computes, and a run computed twice stores the same proposals once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from typing import Any, NamedTuple

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sendplan.accounts.models import Organisation, User
from sendplan.core.locking import lock_of
from sendplan.core.tasks import TRANSIENT_ERRORS
from sendplan.engine import PlacementProblem, PlacementResult, Strand, place, round_pounds, what_if
from sendplan.learners.models import Learner
from sendplan.planning.adapter import (
    PlanningInputs,
    cohort_learners,
    planning_inputs,
    register_places,
)
from sendplan.planning.cohort import CohortDefinition, cohort_queryset
from sendplan.planning.geography import ward_by_code, ward_of_homes
from sendplan.planning.models import (
    AreaPlanningSettings,
    PlanningRun,
    PlanningRunInputs,
    PlanningRunInputsLearner,
    Proposal,
)
from sendplan.planning.snapshot import FORMAT as SNAPSHOT_FORMAT
from sendplan.planning.snapshot import dump_inputs, load_inputs, without_learners
from sendplan.planning.stability import DEFAULT_MOVE_COST, MoveRules
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.provision.places import is_specialist, places_on

log = logging.getLogger(__name__)


def area_settings_for(la: Organisation) -> AreaPlanningSettings:
    """The LA's planning figures, or unsaved defaults when it has entered none."""
    return AreaPlanningSettings.objects.filter(la=la).first() or AreaPlanningSettings(la=la)


def run_parameters(area: AreaPlanningSettings) -> dict[str, Any]:
    return {
        "cost_per_km": area.cost_per_km,
        "unplaced_cost": area.unplaced_cost,
        "max_km": area.max_km,
        **area.move_rules.as_parameters(),
        "settings_version": lock_of(area),
        "defaults": area.defaults_in_use,
    }


def _as_stored(value: Any) -> Any:
    """``value`` as it reads back from a JSON column."""
    return json.loads(json.dumps(value))


@transaction.atomic
def planning_run_request(
    *,
    la: Organisation,
    requested_by: User | None,
    cohort: CohortDefinition,
    what_if_strand: dict[str, Any] | None = None,
    base_run: PlanningRun | None = None,
    move_cost: int | None = None,
) -> PlanningRun:
    """Queue a run with the LA's current planning figures and ``move_cost`` (pounds a year
    for moving a learner who may move; a what-if takes its base run's).

    The same question asked again by the same person while the first is still waiting
    returns that run: it has read nothing yet, so it would give the same answer.
    """
    run = PlanningRun(
        la=la,
        requested_by=requested_by,
        created_by=requested_by,
        modified_by=requested_by,
        cohort=cohort.to_json(),
        parameters={
            **run_parameters(area_settings_for(la)),
            "move_cost": _move_cost(move_cost, base_run),
        },
        what_if=what_if_strand or {},
        base_run=base_run,
        progress_text="Waiting to start",
    )
    run.full_clean()
    asked = _as_stored([run.cohort, run.parameters, run.what_if])
    waiting = PlanningRun.objects.filter(
        la=la,
        requested_by=requested_by,
        status=PlanningRun.Status.QUEUED,
        base_run=base_run,
    ).order_by("pk")
    for other in waiting:
        if [other.cohort, other.parameters, other.what_if] == asked:
            return other
    run.save()
    return run


class _GivenUp(Exception):
    """The queue gave this attempt up (its worker seemed gone) while it was computing."""


def _this_attempt(run: PlanningRun) -> QuerySet[PlanningRun]:
    """The run's row while this attempt still holds it: a late attempt writes nothing."""
    return PlanningRun.objects.filter(
        pk=run.pk, status=PlanningRun.Status.RUNNING, attempts=run.attempts
    )


def _progress(run: PlanningRun, percent: int, text: str) -> None:
    _this_attempt(run).update(progress=percent, progress_text=text)


def _engine_strand(spec: dict[str, Any], inputs: PlanningInputs) -> Strand:
    """The what-if's strand in engine terms (a new setting, or more places in one)."""
    places = int(spec["places"])
    if spec["mode"] == "enlarge":
        index = inputs.register.index_of_strand().get(int(spec["strand_id"]))
        if index is None:
            raise ValueError("That strand is not among the places being planned.")
        return Strand(places=places, setting=index)
    if spec.get("setting_id"):
        setting = Setting.objects.get(pk=spec["setting_id"])
        if setting.latitude is None or setting.longitude is None:
            raise ValueError(f"{setting.name} has no location in the register.")
        lat, lon = setting.latitude, setting.longitude
    else:
        ward = ward_by_code().get(spec.get("ward_code") or "")
        if ward is None:
            raise ValueError("Choose a ward or a setting for the new places.")
        lat, lon = ward.label_lat, ward.label_lon
    return Strand(
        places=places,
        needs=tuple(spec["needs"]),
        phases=tuple(spec["phases"]),
        lat=lat,
        lon=lon,
        annual_cost=float(spec["annual_cost"]),
    )


def _move_cost(asked: int | None, base_run: PlanningRun | None) -> int:
    if asked is not None:
        return int(asked)
    if base_run is not None:
        return int(base_run.parameters.get("move_cost", 0))
    return DEFAULT_MOVE_COST


def _options(run: PlanningRun) -> dict[str, Any]:
    p = run.parameters
    return {
        "cost_per_km": float(p["cost_per_km"]),
        "unplaced_cost": int(p["unplaced_cost"]),
        "max_km": float(p["max_km"]),
        # Runs from before stability had no move cost.
        "move_cost": int(p.get("move_cost", 0)),
    }


def build_run_inputs(run: PlanningRun) -> PlanningInputs:
    definition = CohortDefinition.from_json(run.cohort)
    today = timezone.localdate()
    # Places and the cohort's current places are read on the same day (ADR 0141).
    register = register_places(kinds=definition.kinds, on=today)
    learners, reasons = cohort_queryset(la_id=run.la_id, definition=definition, today=today)
    rows, excluded = cohort_learners(
        learners,
        reasons=reasons,
        on=definition.on,
        today=today,
        cost_per_km=float(run.parameters["cost_per_km"]),
        rules=MoveRules.from_parameters(run.parameters),
    )
    return planning_inputs(rows, register, excluded=excluded)


#: Where a what-if's learners and places came from (``summary["what_if"]["inputs"]``).
BASE_RUN_INPUTS = "base_run"
TODAY_INPUTS = "today"


class RunInputs(NamedTuple):
    inputs: PlanningInputs
    #: ``BASE_RUN_INPUTS`` or ``TODAY_INPUTS``.
    source: str
    #: Learners taken out of the base run's stored inputs since, their records deleted.
    learners_erased: int = 0


def run_inputs(run: PlanningRun) -> RunInputs:
    """The inputs to solve, and where they came from.

    A what-if re-solves its base run's stored inputs, so that before and after differ by the
    change alone *and* "before" is the base run the commissioner looked at (less any learner
    whose record was deleted since: see ``retention.py``). A base run with no inputs stored
    (from before they were, past the retention period, or a what-if of a what-if) falls
    back to today's register and cohort, and the page says so.
    """
    if run.what_if and run.base_run_id is not None:
        stored = PlanningRunInputs.objects.filter(run_id=run.base_run_id).first()
        if stored is not None:
            return RunInputs(load_inputs(stored.data), BASE_RUN_INPUTS, stored.learners_erased)
    return RunInputs(build_run_inputs(run), TODAY_INPUTS)


def _store_inputs(run: PlanningRun, inputs: PlanningInputs, alive: set[int]) -> None:
    """Keep a plain run's inputs, and index the learners they hold (``retention.py``).

    ``alive``: the learners that still exist, locked by :func:`_lock_existing_learners`.
    One deleted while the run was solving is left out here, as the erasure would have
    taken them out had the inputs been stored already.
    """
    data = dump_inputs(inputs)
    gone = {x.learner_id for x in inputs.learners} - alive
    erased = 0
    if gone:
        data, erased = without_learners(data, gone)
    stored, _ = PlanningRunInputs.objects.update_or_create(
        run=run,
        defaults={
            "format": SNAPSHOT_FORMAT,
            "learners": len(inputs.learners) - erased,
            "places": len(inputs.register.places),
            "learners_erased": erased,
            "data": data,
        },
    )
    stored.learner_index.all().delete()
    PlanningRunInputsLearner.objects.bulk_create(
        [
            PlanningRunInputsLearner(inputs=stored, learner_id=x.learner_id)
            for x in inputs.learners
            if x.learner_id in alive
        ],
        batch_size=500,
    )


def planning_run_execute(run: PlanningRun) -> PlanningRun:
    """Compute a claimed run and store its proposals and summary (or why it failed).

    Safe to repeat: the proposals and inputs are replaced as a whole. Errors of the moment
    (``core.tasks.TRANSIENT_ERRORS``) are raised for the queue to try again; any other is the
    run's outcome. An attempt that the queue gave up on meanwhile stores nothing.
    """
    try:
        inputs, source, erased = run_inputs(run)
        _this_attempt(run).update(register_hash=inputs.register.register_hash)
        _progress(
            run,
            35,
            f"Optimising {len(inputs.learners):,} learners over "
            f"{len(inputs.register.places):,} blocks of places",
        )
        options = _options(run)
        extra: dict[str, Any] = {}
        problem = inputs.problem
        if run.what_if:
            w = what_if(problem, _engine_strand(run.what_if, inputs), **options)
            result, problem = w.after, w.problem
            extra["what_if"] = {
                "before": _totals(w.before, inputs, options),
                "delta_place_cost": w.delta_place_cost,
                "delta_travel_cost": w.delta_travel_cost,
                "delta_unplaced": w.delta_unplaced,
                "delta_objective": w.delta_objective,
                "delta_km": _km_total(w.after) - _km_total(w.before),
                "inputs": source,
                "learners_erased": erased,
            }
        else:
            result = place(problem, **options)
        _progress(run, 75, "Saving the proposals")
        with transaction.atomic():
            alive = _lock_existing_learners({x.learner_id for x in inputs.learners})
            _store_proposals(run, inputs, problem, result, options, alive)
            if not run.what_if:
                # A what-if's inputs are its base run's; only plain runs keep theirs.
                _store_inputs(run, inputs, alive)
            summary = {**_summary(result, inputs, options), **extra}
            if not run.what_if and source == TODAY_INPUTS:
                summary["places"] = places_used_by_run(inputs, result, timezone.localdate())
            finished = _this_attempt(run).update(
                status=PlanningRun.Status.DONE,
                finished_at=timezone.now(),
                progress=100,
                progress_text="",
                summary=summary,
                message=result.message,
            )
            if not finished:
                raise _GivenUp
    except _GivenUp:
        log.warning("planning run %s attempt %s was given up: not stored", run.pk, run.attempts)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # a worker records every failure on the run for the page
        log.exception("planning run %s failed", run.pk)
        _this_attempt(run).update(
            status=PlanningRun.Status.FAILED,
            finished_at=timezone.now(),
            progress_text="",
            message=str(error)[:2000] or error.__class__.__name__,
        )
    run.refresh_from_db()
    return run


def places_used_by_run(
    inputs: PlanningInputs, result: PlacementResult, on: dt.date
) -> dict[str, Any]:
    """What the run did with the places of the strands it planned, against the figures of
    ``provision.places`` on ``on`` (ADR 0141), specialist strands only (the sufficiency
    page's scope); stored in ``summary["places"]`` for the run page.

    ``held``: learners on roll the run does not plan (everyone outside its cohort) plus its
    settled learners, who keep their places. ``vacancies_used``: places the run fills beyond
    those its own learners free, strand by strand; never more than ``vacancies``.
    """
    places = inputs.register.places
    specialist = [j for j, p in enumerate(places) if is_specialist(p.strand_kind)]
    figures = {
        f.strand_id: f for f in places_on(on, strand_ids=[places[j].strand_id for j in specialist])
    }
    index = inputs.register.index_of_strand()
    freed: Counter[int] = Counter()
    movers_freed: Counter[int] = Counter()
    for learner in inputs.learners:
        j = index.get(learner.current_strand_id) if learner.current_strand_id else None
        if j is not None:
            freed[j] += 1
            if learner.may_move:
                movers_freed[j] += 1
    placed = Counter(int(s) for s in result.assignment if s >= 0)
    out: dict[str, Any] = dict.fromkeys(
        ("places", "roll", "promised", "held", "vacancies", "freed", "placed", "vacancies_used"),
        0,
    )
    over_strands = 0
    for j in specialist:
        f = figures.get(places[j].strand_id)
        if f is None:
            continue
        used = max(placed[j] - freed[j], 0)
        out["places"] += f.places
        out["roll"] += f.roll
        out["promised"] += f.promised
        out["held"] += f.roll - movers_freed[j]
        out["vacancies"] += int(inputs.register.vacancies[j])
        out["freed"] += freed[j]
        out["placed"] += placed[j]
        out["vacancies_used"] += used
        if used > f.vacancies:
            over_strands += 1
    out["strands"] = len(specialist)
    out["strand_ids"] = [places[j].strand_id for j in specialist]
    out["strands_over"] = over_strands
    out["on"] = on.isoformat()
    return out


def _km_total(result: PlacementResult) -> float:
    km = result.km[result.assignment >= 0]
    return float(np.round(km.sum(), 1)) if km.size else 0.0


def _totals(
    result: PlacementResult, inputs: PlanningInputs, options: dict[str, Any]
) -> dict[str, Any]:
    return {
        "placed": result.placed,
        "unplaced": result.unplaced,
        "place_cost": result.total_place_cost,
        "travel_cost": result.total_travel_cost,
        "unplaced_cost": result.unplaced * options["unplaced_cost"],
        "objective": result.objective,
        "km_total": _km_total(result),
    }


def _summary(
    result: PlacementResult, inputs: PlanningInputs, options: dict[str, Any]
) -> dict[str, Any]:
    proposed = np.where(result.assignment >= 0, result.cost, options["unplaced_cost"])
    known = [i for i, x in enumerate(inputs.learners) if x.current_cost is not None]
    current_total = sum(inputs.learners[i].current_cost or 0 for i in known)
    proposed_same = int(proposed[known].sum()) if known else 0
    n = len(inputs.learners)
    return {
        "status": result.status,
        "learners": n,
        **_totals(result, inputs, options),
        "excluded": inputs.excluded,
        "freed_places": inputs.freed,
        "blocks_of_places": len(inputs.register.places),
        "register_warnings": len(inputs.register.warnings),
        "with_current_cost": len(known),
        "current_total": current_total,
        "proposed_total_same": proposed_same,
        "current_per_learner": round(current_total / len(known)) if known else None,
        "proposed_per_learner": round(proposed_same / len(known)) if known else None,
        "may_move": sum(1 for x in inputs.learners if x.may_move),
        "settled": sum(1 for x in inputs.learners if not x.may_move),
        "moved": result.moved,
        "move_cost_total": result.total_move_cost,
        "solve_seconds": round(result.solve_seconds, 3),
        "stats": result.stats,
    }


def _store_proposals(
    run: PlanningRun,
    inputs: PlanningInputs,
    problem: PlacementProblem,
    result: PlacementResult,
    options: dict[str, Any],
    alive_learners: set[int],
) -> None:
    # Safe to repeat: a run's proposals are replaced as a whole.
    Proposal.objects.filter(run=run).delete()
    learners = inputs.learners
    wards = ward_of_homes(
        np.array([x.lat for x in learners]),
        np.array([x.lon for x in learners]),
        [x.lsoa_code for x in learners],
    )
    places = inputs.register.places
    new_label = ""
    new_setting_id = None
    if run.what_if and run.what_if["mode"] == "new":
        new_label = str(run.what_if.get("label") or "New places (what-if)")
        new_setting_id = int(run.what_if["setting_id"]) if run.what_if.get("setting_id") else None
    # No proposal for a learner deleted since the cohort was read (or since the base run,
    # by a raw delete that the erasure never heard of), no link to a deleted place (as the
    # foreign keys do).
    alive_strands = _existing(ProvisionStrand, {p.strand_id for p in places})
    alive_settings = _existing(
        Setting, {p.setting_id for p in places} | ({new_setting_id} if new_setting_id else set())
    )
    rows = []
    for i, learner in enumerate(learners):
        if learner.learner_id not in alive_learners:
            continue
        s = int(result.assignment[i])
        placed = s >= 0
        place = places[s] if 0 <= s < len(places) else None
        ward = wards[i]
        rows.append(
            Proposal(
                run=run,
                learner_id=learner.learner_id,
                need=learner.need,
                age=learner.age,
                phase=learner.phase,
                reason_in_cohort=learner.reason,
                ward_code=ward.code if ward else "",
                ward_name=ward.name if ward else "",
                lsoa_code=learner.lsoa_code,
                current_strand_id=_alive(learner.current_strand_id, alive_strands),
                current_setting_name=learner.current_setting_name,
                current_cost=learner.current_cost,
                placed=placed,
                proposed_strand_id=_alive(place.strand_id, alive_strands) if place else None,
                proposed_setting_id=_alive(
                    place.setting_id if place else (new_setting_id if placed else None),
                    alive_settings,
                ),
                proposed_setting_name=(place.name if place else (new_label if placed else "")),
                proposed_kind=(
                    place.strand_label if place else ("New places (what-if)" if placed else "")
                ),
                km=float(result.km[i]) if placed else None,
                place_cost=int(round_pounds(problem.annual_cost[s])) if placed else None,
                proposed_cost=int(result.cost[i]) if placed else options["unplaced_cost"],
            )
        )
    Proposal.objects.bulk_create(rows, batch_size=500)


def _lock_existing_learners(ids: set[int]) -> set[int]:
    """Which of the learners still exist, their rows locked until the transaction ends.

    A delete of one of them waits for this transaction; its erasure (``post_delete``) then
    finds the inputs stored here. One deleted first is not returned (PostgreSQL re-reads a
    row another transaction deleted). In id order, so two runs cannot deadlock. SQLite has
    no row locks, but allows one writer at a time.
    """
    wanted = sorted(ids)
    found: set[int] = set()
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        rows = Learner.objects.select_for_update(no_key=True).filter(pk__in=chunk)
        found.update(rows.order_by("pk").values_list("pk", flat=True))
    return found


def _existing(model: type[ProvisionStrand | Setting], ids: set[int]) -> set[int]:
    """Which of ``ids`` still exist (one query per 900 ids, below SQLite's variable limit)."""
    wanted = sorted(ids)
    found: set[int] = set()
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        found.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def _alive(pk: int | None, alive: set[int]) -> int | None:
    return pk if pk is not None and pk in alive else None
