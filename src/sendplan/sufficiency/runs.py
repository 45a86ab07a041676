"""Forecast runs: record the inputs, compute, store the outputs.

A run is a row in :class:`ForecastRun`. The web page asks for one and hands it to the queue
(``core/tasks.py``, ADR 0114), whose worker claims the row (one run per LA at a time, which
the database enforces), and :func:`forecast_run_execute` computes it and stores the outputs
with the inputs that made them: the release files' sha256, seed, simulations, horizon, the
assumptions, planned provision, scenarios, the register's places and costs, and the code
version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.core.locking import lock_of
from sendplan.engine import (
    Band,
    Demand,
    PlaceChange,
    Projection,
    ScenarioSpec,
    StrandPlaces,
    UnitCosts,
    allocate_capacity,
    project,
)
from sendplan.provision.models import ProvisionStrand
from sendplan.sufficiency.inputs import default_paths, describe_files, forecast_demand
from sendplan.sufficiency.models import (
    COST_FIELDS,
    Assumptions,
    ForecastRun,
    NewProvision,
    Scenario,
)

DEFAULT_SIMULATIONS = 1000
DEFAULT_HORIZON = 10
#: Source files whose text decides the numbers: their hash is part of the code version.
# Every file of the forecasting engine (a glob, so a new module cannot be missed) and the
# app's modules that turn its output into places and spend.
_CODE_GLOBS = (
    "engine/forecast*",
    "sufficiency/inputs.py",
    "sufficiency/projection.py",
    "sufficiency/runs.py",
)
_LOCAL_KINDS: dict[str, str] = {
    ProvisionStrand.Kind.SPECIAL_SCHOOL.value: "special",
    ProvisionStrand.Kind.POST16.value: "special",
    ProvisionStrand.Kind.INCLUSION_BASE.value: "resourced",
    ProvisionStrand.Kind.SEN_UNIT.value: "resourced",
    ProvisionStrand.Kind.RESOURCED_PROVISION.value: "resourced",
}


def code_version() -> str:
    """Package version plus a hash of the files that compute the numbers."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for pattern in _CODE_GLOBS for p in root.glob(pattern)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    try:
        version = metadata.version("sendplan")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"sendplan {version}, code sha256 {digest.hexdigest()[:16]}"


def _register_snapshot() -> dict[str, Any]:
    """The register's local specialist places and the LA's own costs, as plain data."""
    strands = (
        ProvisionStrand.objects.filter(setting__in_area=True, setting__is_open=True)
        .prefetch_related("designations")
        .order_by("pk")
    )
    places, costs = [], []
    for strand in strands:
        if strand.kind in _LOCAL_KINDS:
            places.append(
                {
                    "kind": _LOCAL_KINDS[strand.kind],
                    "min_age": strand.min_age,
                    "max_age": strand.max_age,
                    "places": strand.capacity,
                    "needs": sorted(strand.need_codes),
                }
            )
        if not strand.cost_is_default:
            kind = (
                "independent"
                if strand.kind == ProvisionStrand.Kind.INDEPENDENT
                else _LOCAL_KINDS.get(strand.kind)
            )
            if kind:
                costs.append(
                    {"kind": kind, "places": strand.capacity, "cost": strand.annual_cost_per_place}
                )
    return {"places": places, "costs": costs}


def _assumption_values(assumptions: Assumptions) -> dict[str, Any]:
    growth = assumptions.growth_override_pct
    return {
        **{f: getattr(assumptions, f) for f in COST_FIELDS},
        "growth_override_pct": None if growth is None else float(growth),
        "use_register_costs": assumptions.use_register_costs,
        "version": lock_of(assumptions),
    }


def build_inputs(
    *,
    la_code: str,
    seed: int = 0,
    simulations: int = DEFAULT_SIMULATIONS,
    horizon: int = DEFAULT_HORIZON,
    data_dir: Path | None = None,
) -> dict[str, Any]:
    """Everything a run depends on, as JSON: with the same files this gives the same run."""
    releases, population = default_paths(Path(data_dir or settings.SHARED_DATA_DIR))
    files = describe_files(releases + ([population] if population else []))
    assumptions = Assumptions.objects.filter(la_code=la_code).first() or Assumptions(
        la_code=la_code
    )
    return {
        "la_code": la_code,
        "seed": seed,
        "simulations": simulations,
        "horizon": horizon,
        "releases": [f.to_json() for f in files[: len(releases)]],
        "population": files[-1].to_json() if population else None,
        "assumptions": _assumption_values(assumptions),
        "new_provision": [
            {
                "name": p.name,
                "kind": p.kind,
                "need": p.need or None,
                "phase": p.phase or None,
                "places": p.places,
                "from_year": p.opens_year,
                "cost_per_place": p.cost_per_place,
            }
            for p in NewProvision.objects.filter(la_code=la_code).order_by("pk")
        ],
        "scenarios": [
            _scenario_inputs(s)
            for s in Scenario.objects.filter(la_code=la_code)
            .prefetch_related("combines")
            .order_by("pk")
        ],
        "register": _register_snapshot(),
        "code_version": code_version(),
    }


def _scenario_inputs(s: Scenario, *, with_parts: bool = True) -> dict[str, Any]:
    """A scenario as the run records it; a combination's parts go with it (ADR 0149), and
    a scenario that combines none has no ``parts`` key, so older runs' inputs read alike."""
    out: dict[str, Any] = {
        "key": f"scenario-{s.pk}",
        "name": s.name,
        "special_places": s.special_places,
        "resourced_places": s.resourced_places,
        "independent_reduction_pct": s.independent_reduction_pct,
        "growth_pct": None if s.growth_pct is None else float(s.growth_pct),
        "start_year": s.start_year,
        "need": s.need or None,
        "phase": s.phase or None,
    }
    # Parts do not combine others (the service refuses it), so this goes one level.
    parts = sorted(s.combines.all(), key=lambda p: p.pk) if with_parts else []
    if parts:
        out["parts"] = [_scenario_inputs(p, with_parts=False) for p in parts]
    return out


def _scenario_spec(recorded: dict[str, Any]) -> ScenarioSpec:
    parts = tuple(_scenario_spec(p) for p in recorded.get("parts", ()))
    return ScenarioSpec(**{**recorded, "parts": parts})


def fingerprint(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def unit_costs(assumptions: dict[str, Any], register_costs: list[dict[str, Any]]) -> UnitCosts:
    """Cost per learner by placement type: the register's own figures where the LA entered
    them (capacity-weighted mean), otherwise the assumptions."""
    a = assumptions
    per_place = {
        "mainstream": float(a["top_up_mainstream"]),
        "resourced": float(a["place_funding_unit"] + a["top_up_resourced"]),
        "special": float(a["place_funding_special"] + a["top_up_special"]),
        "independent": float(a["independent_fee"]),
        "fe": float(a["place_funding_unit"] + a["top_up_fe"]),
        "other": float(a["other_cost"]),
    }
    sources = dict.fromkeys(per_place, "assumption")
    if a["use_register_costs"]:
        for kind in ("resourced", "special", "independent"):
            rows = [r for r in register_costs if r["kind"] == kind and r["places"] > 0]
            places = sum(r["places"] for r in rows)
            if places:
                per_place[kind] = sum(r["cost"] * r["places"] for r in rows) / places
                sources[kind] = f"register ({len(rows)} strands)"
    return UnitCosts(per_place, float(a["transport_per_learner"]), sources)


def _round(x: float) -> float:
    return round(x, 2)


def projection_to_json(p: Projection) -> dict[str, Any]:
    def band(b: Band) -> list[float]:
        return [_round(b.median), _round(b.lower), _round(b.upper)]

    return {
        "key": p.key,
        "name": p.name,
        "total": {str(y): band(b) for y, b in p.total.items()},
        "plans": [[n, f, y, *band(b)] for (n, f, y), b in p.plans.items()],
        "placements": [[k, y, _round(v)] for (k, y), v in p.placements.items()],
        "demand": [[n, f, y, _round(v)] for (n, f, y), v in p.demand.items()],
        "capacity": [[n, f, y, _round(v)] for (n, f, y), v in p.capacity.items()],
        "spend": [[k, y, _round(v)] for (k, y), v in p.spend.items()],
        "spend_total": {str(y): band(b) for y, b in p.spend_total.items()},
    }


def projection_from_json(d: dict[str, Any]) -> Projection:
    return Projection(
        key=d["key"],
        name=d["name"],
        total={int(y): Band(*v) for y, v in d["total"].items()},
        plans={(n, f, y): Band(m, lo, up) for n, f, y, m, lo, up in d["plans"]},
        placements={(k, y): v for k, y, v in d["placements"]},
        demand={(n, f, y): v for n, f, y, v in d["demand"]},
        capacity={(n, f, y): v for n, f, y, v in d["capacity"]},
        spend={(k, y): v for k, y, v in d["spend"]},
        spend_total={int(y): Band(*v) for y, v in d["spend_total"].items()},
    )


def compute_outputs(inputs: dict[str, Any], demand: Demand) -> dict[str, Any]:
    """Places, gap and spend for the baseline and every scenario, from recorded inputs."""
    register = inputs["register"]
    capacity = allocate_capacity(
        [
            StrandPlaces(s["kind"], s["min_age"], s["max_age"], s["places"], tuple(s["needs"]))
            for s in register["places"]
        ],
        demand,
    )
    costs = unit_costs(inputs["assumptions"], register["costs"])
    planned = [
        PlaceChange(
            p["kind"], p["places"], p["from_year"], p["need"], p["phase"], p["cost_per_place"]
        )
        for p in inputs["new_provision"]
    ]
    growth = inputs["assumptions"]["growth_override_pct"]
    projections = [
        project(
            demand=demand,
            capacity=capacity,
            costs=costs,
            new_provision=planned,
            growth_pct=growth,
            scenario=spec,
        )
        for spec in [None, *(_scenario_spec(s) for s in inputs["scenarios"])]
    ]
    return {
        "demand": demand.to_json(),
        "costs": asdict(costs),
        "capacity": [[n, f, _round(v)] for (n, f), v in capacity.items()],
        "projections": [projection_to_json(p) for p in projections],
    }


def demand_for(inputs: dict[str, Any]) -> Demand:
    """Run the engine on the recorded files, refusing files that changed since."""
    releases = [Path(f["path"]) for f in inputs["releases"]]
    population = Path(inputs["population"]["path"]) if inputs["population"] else None
    recorded = inputs["releases"] + ([inputs["population"]] if inputs["population"] else [])
    now = describe_files(releases + ([population] if population else []))
    for before, after in zip(recorded, now, strict=True):
        if before["sha256"] != after.sha256:
            raise ValueError(f"{after.path} changed since the run (sha256 differs)")
    return forecast_demand(
        releases=releases,
        population=population,
        la_code=inputs["la_code"],
        horizon=inputs["horizon"],
        simulations=inputs["simulations"],
        seed=inputs["seed"],
    )


def forecast_run_request(
    *,
    la_code: str,
    requested_by: User | None,
    seed: int = 0,
    simulations: int = DEFAULT_SIMULATIONS,
    horizon: int = DEFAULT_HORIZON,
) -> ForecastRun:
    """Queue a run, or return the one already waiting or running for this LA."""
    pending = ForecastRun.objects.filter(
        la_code=la_code, status__in=[ForecastRun.Status.QUEUED, ForecastRun.Status.RUNNING]
    ).first()
    if pending is not None:
        return pending
    return ForecastRun.objects.create(
        la_code=la_code,
        requested_by=requested_by,
        seed=seed,
        simulations=simulations,
        horizon=horizon,
        progress="Waiting to start",
    )


def _this_attempt(run: ForecastRun) -> QuerySet[ForecastRun]:
    """The run's row while this attempt still holds it: a late attempt writes nothing."""
    return ForecastRun.objects.filter(
        pk=run.pk, status=ForecastRun.Status.RUNNING, attempts=run.attempts
    )


def _progress(run: ForecastRun, text: str) -> None:
    _this_attempt(run).update(progress=text)


def forecast_run_execute(
    run: ForecastRun, *, data_dir: Path | None = None, demand: Demand | None = None
) -> ForecastRun:
    """Compute a claimed run and store its inputs and outputs (or why it failed).

    ``demand`` lets a caller that already ran the engine on the same inputs skip it. Safe to
    repeat; an attempt that the queue gave up on meanwhile stores nothing.
    """
    try:
        inputs = build_inputs(
            la_code=run.la_code,
            seed=run.seed,
            simulations=run.simulations,
            horizon=run.horizon,
            data_dir=data_dir,
        )
        _this_attempt(run).update(inputs=inputs, fingerprint=fingerprint(inputs))
        _progress(run, f"Simulating {run.simulations:,} futures for {run.horizon} years")
        if demand is None:
            demand = demand_for(inputs)
        _progress(run, "Working out places, gaps and spend")
        outputs = compute_outputs(inputs, demand)
    except (ValueError, OSError) as error:
        _this_attempt(run).update(
            status=ForecastRun.Status.FAILED,
            finished_at=timezone.now(),
            progress="",
            message=str(error)[:2000],
        )
    else:
        _this_attempt(run).update(
            status=ForecastRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            outputs=outputs,
            progress="",
            message=f"{demand.la_name}: forecast from January {demand.origin_year}",
        )
    run.refresh_from_db()
    return run


def forecast_run_reproduce(run: ForecastRun) -> bool:
    """Recompute a finished run from its recorded inputs; True when every number matches."""
    if run.inputs.get("code_version") != code_version():
        raise ValueError("The code has changed since this run; its numbers may differ.")
    outputs = compute_outputs(run.inputs, demand_for(run.inputs))
    return json.loads(json.dumps(outputs)) == run.outputs
