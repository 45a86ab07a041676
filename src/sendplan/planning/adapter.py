"""ORM rows to the placement engine's arrays, and back.

Settings side: the register's export rows (``provision.export``, one per strand of an open
setting with its vacancies as places and its annual cost per place), kept to the kinds of
place being planned. Vacancies are those of ``provision.places`` on the day the run reads the
register (ADR 0141): the figure the register and sufficiency pages show for that day. A strand's places grow by one for each learner in the cohort who holds
a place in it now: planning the cohort frees the places its members hold.

Learner side: primary need (rank 1), age on the planning date, home coordinates. Learners
without one of those, or older than 25 on the date, are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch, QuerySet

from sendplan.casework.models import Plan, Review
from sendplan.core.dates import age_on
from sendplan.engine import (
    ALL_NEEDS,
    NEED_CODES,
    PlacementProblem,
    haversine_km,
    phase_for_age,
    round_pounds,
)
from sendplan.learners.models import Learner, Need, Placement
from sendplan.planning import stability
from sendplan.planning.cohort import open_placements
from sendplan.provision.export import export_rows, register_settings
from sendplan.provision.models import ProvisionStrand, Setting

# Why a learner could not be planned.
NO_NEED = "no primary need recorded"
NO_HOME = "no home location"
TOO_OLD = "over 25 on the planning date"
SETTLED_UNPLANNED = "settled in a kind of place not being planned"


@dataclass(frozen=True)
class Place:
    """One engine setting: a strand of a setting in the register."""

    strand_id: int
    setting_id: int
    name: str
    strand_kind: str
    strand_label: str
    in_area: bool
    setting_is_estimate: bool
    source_label: str
    cost_is_default: bool
    capacity_is_estimate: bool
    vacancies: int


@dataclass(frozen=True)
class RegisterPlaces:
    places: list[Place]
    lat: np.ndarray
    lon: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    needs: np.ndarray
    vacancies: np.ndarray
    annual_cost: np.ndarray
    register_hash: str
    warnings: list[str] = field(default_factory=list)

    def index_of_strand(self) -> dict[int, int]:
        return {p.strand_id: i for i, p in enumerate(self.places)}


@dataclass(frozen=True)
class CohortLearner:
    learner_id: int
    need: str
    age: int
    lat: float
    lon: float
    lsoa_code: str
    reason: str
    current_strand_id: int | None
    current_setting_name: str
    current_cost: int | None  # place plus transport at the area's rate, now
    #: Whether the learner is at a point where a move is on the table (``stability.py``);
    #: true in runs stored before stability, which let everyone move.
    may_move: bool = True
    move_point: str = ""  # why they may move: a key of ``stability.MOVE_POINT_LABELS``

    @property
    def phase(self) -> str:
        return phase_for_age(self.age)


@dataclass(frozen=True)
class PlanningInputs:
    problem: PlacementProblem
    register: RegisterPlaces
    learners: list[CohortLearner]
    excluded: dict[str, int]
    freed: int  # places added back because cohort learners hold them now


def needs_mask(codes: str) -> int:
    """Bit mask over the engine's need codes for an export row's ``needs`` (``ALL`` or A;B).

    >>> needs_mask("ALL") == ALL_NEEDS, needs_mask("SPLD;MLD")
    (True, 3)
    """
    if codes == "ALL":
        return ALL_NEEDS
    mask = 0
    for code in codes.split(";"):
        mask |= 1 << NEED_CODES.index(code)
    return mask


def register_hash(rows: Iterable[Mapping[str, object]]) -> str:
    """sha256 of the register as exported: the same places and costs give the same hash."""
    text = json.dumps([dict(r) for r in rows], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def register_places(*, kinds: Iterable[str], on: dt.date | None = None) -> RegisterPlaces:
    """The register's strands of the given kinds as engine settings (three queries), with
    their vacancies on ``on`` (default today)."""
    wanted = set(kinds)
    settings = list(register_settings(on))
    strands: dict[int, tuple[Setting, ProvisionStrand]] = {
        strand.pk: (setting, strand) for setting in settings for strand in setting.strands.all()
    }
    export = export_rows(settings)
    places: list[Place] = []
    columns: dict[str, list[float]] = {k: [] for k in ("lat", "lon", "lo", "hi", "n", "v", "c")}
    for row in export.rows:
        strand_id = int(str(row["setting_id"]).rsplit("-", 1)[1])
        setting, strand = strands[strand_id]
        if strand.kind not in wanted:
            continue
        places.append(
            Place(
                strand_id=strand_id,
                setting_id=setting.pk,
                name=setting.name,
                strand_kind=strand.kind,
                strand_label=strand.get_kind_display(),
                in_area=setting.in_area,
                setting_is_estimate=setting.is_estimate,
                source_label=setting.get_source_display(),
                cost_is_default=strand.cost_is_default,
                capacity_is_estimate=strand.capacity_is_estimate,
                vacancies=int(row["places"]),
            )
        )
        for key, value in (
            ("lat", row["lat"]),
            ("lon", row["lon"]),
            ("lo", row["min_age"]),
            ("hi", row["max_age"]),
            ("n", needs_mask(str(row["needs"]))),
            ("v", row["places"]),
            ("c", row["annual_cost"]),
        ):
            columns[key].append(float(value))  # type: ignore[arg-type]
    return RegisterPlaces(
        places=places,
        lat=np.array(columns["lat"], dtype=float),
        lon=np.array(columns["lon"], dtype=float),
        min_age=np.array(columns["lo"], dtype=np.int64),
        max_age=np.array(columns["hi"], dtype=np.int64),
        needs=np.array(columns["n"], dtype=np.int64),
        vacancies=np.array(columns["v"], dtype=np.int64),
        annual_cost=np.array(columns["c"], dtype=float),
        register_hash=register_hash(export.rows),
        warnings=export.warnings,
    )


def cohort_learners(
    learners: QuerySet[Learner],
    *,
    reasons: Mapping[int, str],
    on: dt.date,
    today: dt.date,
    cost_per_km: float,
    rules: stability.MoveRules = stability.DEFAULT_RULES,
) -> tuple[list[CohortLearner], dict[str, int]]:
    """Engine-ready learners in id order (two queries), and counts of those left out; who
    may move follows the area's ``rules``."""
    primary = Prefetch("needs", queryset=Need.objects.filter(rank=1), to_attr="primary")
    current = Prefetch(
        "placements",
        queryset=open_placements(today).select_related("setting", "strand"),
        to_attr="current",
    )
    plans = Prefetch(
        "plans",
        queryset=Plan.objects.filter(status=Plan.Status.MAINTAINED).prefetch_related(
            Prefetch("reviews", queryset=Review.objects.filter(decided_on__isnull=True))
        ),
        to_attr="maintained",
    )
    out: list[CohortLearner] = []
    excluded: Counter[str] = Counter()
    for learner in learners.prefetch_related(primary, current, plans).order_by("pk"):
        age = age_on(learner.date_of_birth, on)
        if not learner.primary:  # type: ignore[attr-defined]
            excluded[NO_NEED] += 1
            continue
        if learner.latitude is None or learner.longitude is None:
            excluded[NO_HOME] += 1
            continue
        if age > 25:
            excluded[TOO_OLD] += 1
            continue
        placement = learner.current[0] if learner.current else None  # type: ignore[attr-defined]
        cost = None
        if placement is not None and placement.strand is not None:
            setting = placement.setting
            km = 0.0
            if setting.latitude is not None and setting.longitude is not None:
                km = float(
                    haversine_km(
                        learner.latitude, learner.longitude, setting.latitude, setting.longitude
                    )
                )
            cost = int(round_pounds(placement.strand.annual_cost_per_place + cost_per_km * km))
        plan = learner.maintained[0] if learner.maintained else None  # type: ignore[attr-defined]
        review = min((r.due_on for r in plan.reviews.all()), default=None) if plan else None
        point = stability.move_point(
            age=age,
            placed=placement is not None,
            independent=placement is not None and _is_independent(placement),
            plan_issued_on=plan.issued_on if plan else None,
            review_due_on=review,
            today=today,
            on=on,
            rules=rules,
        )
        out.append(
            CohortLearner(
                learner_id=learner.pk,
                need=learner.primary[0].code,  # type: ignore[attr-defined]
                age=max(age, 0),
                lat=learner.latitude,
                lon=learner.longitude,
                lsoa_code=learner.lsoa_code,
                reason=reasons.get(learner.pk, ""),
                current_strand_id=placement.strand_id if placement else None,
                current_setting_name=placement.setting.name if placement else "",
                current_cost=cost,
                may_move=point != stability.SETTLED,
                move_point=point,
            )
        )
    return out, dict(excluded)


def _is_independent(placement: Placement) -> bool:
    strand = placement.strand
    return (
        strand is not None and strand.kind == ProvisionStrand.Kind.INDEPENDENT
    ) or placement.setting.kind == Setting.Kind.INDEPENDENT


def planning_inputs(
    learners: list[CohortLearner], register: RegisterPlaces, *, excluded: dict[str, int]
) -> PlanningInputs:
    """The engine's problem: places are vacancies plus the places the cohort frees.

    Each learner's current place and whether they may move follow ``stability.py``. A
    settled learner whose place is of a kind not being planned is left out (counted): the
    run has nothing to say about them, and must not move them.
    """
    places = register.vacancies.copy()
    index = register.index_of_strand()
    freed = 0
    kept: list[CohortLearner] = []
    current: list[int] = []
    left_out: Counter[str] = Counter(excluded)
    for learner in learners:
        i = index.get(learner.current_strand_id) if learner.current_strand_id else None
        if i is None and not learner.may_move:
            left_out[SETTLED_UNPLANNED] += 1
            continue
        kept.append(learner)
        if i is not None:
            places[i] += 1
            freed += 1
        stays = i is not None and stability.offered_stay(
            may_move=learner.may_move,
            age=learner.age,
            min_age=int(register.min_age[i]),
            max_age=int(register.max_age[i]),
        )
        current.append(i if stays and i is not None else -1)
    problem = PlacementProblem(
        need=np.array([NEED_CODES.index(x.need) for x in kept], dtype=np.int64),
        age=np.array([x.age for x in kept], dtype=np.int64),
        lat=np.array([x.lat for x in kept], dtype=float),
        lon=np.array([x.lon for x in kept], dtype=float),
        setting_lat=register.lat,
        setting_lon=register.lon,
        min_age=register.min_age,
        max_age=register.max_age,
        needs=register.needs,
        places=places,
        annual_cost=register.annual_cost,
        current=np.array(current, dtype=np.int64),
        may_move=np.array([x.may_move for x in kept], dtype=bool),
    )
    return PlanningInputs(problem, register, kept, dict(left_out), freed)
