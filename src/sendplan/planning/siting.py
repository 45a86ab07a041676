"""Where to add places: the siting question built from the record, answered by the engine.

The learners are a planning run's (``adapter.py``, stability included: settled learners hold
their places) plus the extra learners a chosen forecast year brings: the growth, by need and
phase, in the sufficiency forecast's plans needing a specialist place, homed in proportion to
where the area's learners with that need live now. The places are the register's specialist
strands; the candidates are the area's :class:`~sendplan.planning.models.CandidateSite` rows.
:func:`sendplan.engine.site` chooses the blocks (ADR 0140).

Pure parts (``extra_demand``, ``apportion``, ``home_extra_learners``) take plain data, so
they can be tested on hand-made cases; :func:`siting_answer` reads the record for a user.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.apps import apps
from django.db.models import Avg, Count
from django.utils import timezone

from sendplan.accounts.models import Organisation, User
from sendplan.engine import (
    NEED_CODES,
    NEEDS,
    PHASE_KEYS,
    PHASE_LABELS,
    PHASES,
    Candidates,
    PlacementProblem,
    PlacementResult,
    place,
    site,
    with_candidates,
)
from sendplan.learners.models import Learner
from sendplan.planning import selectors
from sendplan.planning.adapter import (
    PlanningInputs,
    cohort_learners,
    needs_mask,
    planning_inputs,
    register_places,
)
from sendplan.planning.cohort import CohortDefinition, cohort_queryset, planning_date
from sendplan.planning.geography import lsoa_centroids
from sendplan.planning.models import CandidateSite
from sendplan.planning.runs import area_settings_for
from sendplan.planning.stability import DEFAULT_MOVE_COST, DEFAULT_RULES, MoveRules
from sendplan.provision.models import ProvisionStrand

#: Which of the forecast's figures: its central path or an end of its 80 % interval.
CENTRAL, LOWER, UPPER = "central", "lower", "upper"
FIGURES: dict[str, str] = {
    CENTRAL: "Central",
    LOWER: "Lower (1 in 10 chance of fewer)",
    UPPER: "Upper (1 in 10 chance of more)",
}
_BAND_INDEX = {CENTRAL: 0, LOWER: 1, UPPER: 2}
#: Years over which capital is spread when it is weighed against running costs.
CAPITAL_YEARS = 30
#: Seconds the solver may take before it answers with the best blocks found so far.
TIME_LIMIT = 20.0
#: Placement types of the forecast that need a specialist place (as the sufficiency page).
SPECIALIST_TYPES = ("resourced", "special", "independent")
#: The youngest age an extra learner is given: specialist places start at nursery age.
YOUNGEST = 2


@dataclass(frozen=True)
class SitingQuestion:
    """What the commissioner asked: the demand of a forecast year (or none: today's learners
    only), which figure of the forecast, the capital budget in pounds, what a move of a
    settled learner costs in pounds and the years capital is spread over."""

    year: int | None
    figure: str
    budget: int
    move_cost: int = DEFAULT_MOVE_COST
    capital_years: int = CAPITAL_YEARS

    def describe(self) -> str:
        demand = (
            f"the {FIGURES[self.figure].split(' (')[0].lower()} forecast for January {self.year}"
            if self.year
            else "today's learners only"
        )
        return f"{demand}, capital budget £{self.budget:,}"


# --- The forecast's extra demand ---------------------------------------------------------


@dataclass(frozen=True)
class ForecastFigures:
    """What the latest finished forecast says, as the siting question needs it.

    ``plans[(need, phase, year)]`` is (central, lower, upper); ``specialist_share[(need,
    phase)]`` the share of those plans needing a specialist place; ``origin_scale`` turns the
    first forecast year's cells into the origin year's (the published total that year over
    the first year's central total), since the forecast stores no origin year by cell.
    """

    run_id: int
    finished_at: dt.datetime | None
    origin_year: int
    years: tuple[int, ...]
    plans: Mapping[tuple[str, str, int], tuple[float, float, float]]
    specialist_share: Mapping[tuple[str, str], float]
    origin_scale: float


def forecast_figures(outputs: Mapping[str, Any], *, run_id: int = 0,
                     finished_at: dt.datetime | None = None) -> ForecastFigures | None:  # fmt: skip
    """The figures of a forecast run's stored outputs (``sufficiency/runs.py``), or None when
    they hold no baseline projection."""
    demand = outputs.get("demand")
    projections = outputs.get("projections") or []
    if not demand or not projections:
        return None
    baseline = projections[0]
    plans = {(n, f, int(y)): (float(m), float(lo), float(up))
             for n, f, y, m, lo, up in baseline["plans"]}  # fmt: skip
    years = tuple(sorted({y for _, _, y in plans}))
    if not years:
        return None
    shares = {
        (n, f): sum(float(s.get(p, 0.0)) for p in SPECIALIST_TYPES) for n, f, s in demand["shares"]
    }
    first_total = float(demand["total"][str(years[0])][0])
    actuals = demand.get("actuals") or []
    origin_total = float(actuals[-1][1]) if actuals else first_total
    return ForecastFigures(
        run_id=run_id,
        finished_at=finished_at,
        origin_year=int(demand["origin_year"]),
        years=years,
        plans=plans,
        specialist_share=shares,
        origin_scale=origin_total / first_total if first_total > 0 else 1.0,
    )


def extra_demand(forecast: ForecastFigures, year: int, figure: str) -> dict[tuple[str, str], int]:
    """Extra learners needing a specialist place in ``year``, by (need, phase): the growth of
    each cell's plans since the origin year, times its specialist share, rounded; cells that
    shrink add no one (today's learners are all still planned). Needs the engine does not
    place (the forecast's "Unknown") are left out.

    >>> f = ForecastFigures(run_id=1, finished_at=None, origin_year=2025, years=(2026, 2027),
    ...     plans={("ASD", "primary", 2026): (100.0, 90.0, 110.0),
    ...            ("ASD", "primary", 2027): (120.0, 100.0, 150.0)},
    ...     specialist_share={("ASD", "primary"): 0.5}, origin_scale=0.9)
    >>> extra_demand(f, 2027, "central"), extra_demand(f, 2027, "upper")
    ({('ASD', 'primary'): 15}, {('ASD', 'primary'): 30})
    >>> extra_demand(f, 2027, "lower")
    {('ASD', 'primary'): 5}
    """
    if year not in forecast.years:
        raise ValueError(f"the forecast has no figures for {year}")
    band = _BAND_INDEX[figure]
    first = forecast.years[0]
    out: dict[tuple[str, str], int] = {}
    for (need, phase, y), figures in sorted(forecast.plans.items()):
        if y != year or need not in NEEDS:
            continue
        origin = forecast.plans[(need, phase, first)][0] * forecast.origin_scale
        growth = max(figures[band] - origin, 0.0)
        count = math.floor(growth * forecast.specialist_share.get((need, phase), 0.0) + 0.5)
        if count > 0:
            out[(need, phase)] = count
    return out


# --- Homing the extra learners ------------------------------------------------------------


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` by largest remainder (ties to the first).

    >>> apportion(10, [1, 1, 1]), apportion(5, [3, 1]), apportion(3, [0, 0])
    ([4, 3, 3], [4, 1], [2, 1])
    """
    if total <= 0 or not weights:
        return [0] * len(weights)
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        w = np.ones_like(w)
    exact = total * w / w.sum()
    out = np.floor(exact).astype(int)
    rest = exact - out
    # Largest remainders first; stable, so ties go to the earlier entry.
    for i in np.argsort(-rest, kind="stable")[: total - int(out.sum())]:
        out[i] += 1
    return [int(x) for x in out]


@dataclass(frozen=True)
class Home:
    """Learners with one primary need living in one LSOA, at the mean of their homes."""

    need: str
    lsoa_code: str
    lat: float
    lon: float
    learners: int


@dataclass(frozen=True)
class ExtraLearner:
    need: str
    phase: str
    age: int
    lat: float
    lon: float
    lsoa_code: str


def phase_ages(phase: str) -> range:
    lo, hi = PHASES[phase]
    return range(max(lo, YOUNGEST), hi + 1)


def home_extra_learners(
    extra: Mapping[tuple[str, str], int], homes: Sequence[Home]
) -> list[ExtraLearner]:
    """The extra learners of each (need, phase), homed in proportion to where learners with
    that need live (every learner's home when nobody has it), their ages spread evenly over
    the phase. Deterministic: the same figures and homes give the same learners.

    >>> homes = [Home("ASD", "A", 51.0, -0.1, 3), Home("ASD", "B", 51.1, -0.2, 1)]
    >>> [(x.lsoa_code, x.age) for x in home_extra_learners({("ASD", "secondary"): 4}, homes)]
    [('A', 11), ('A', 12), ('A', 13), ('B', 14)]
    """
    by_need: dict[str, list[Home]] = defaultdict(list)
    everyone: dict[str, list[float]] = {}
    for h in sorted(homes, key=lambda h: (h.need, h.lsoa_code)):
        by_need[h.need].append(h)
        lat, lon, n = everyone.get(h.lsoa_code, [0.0, 0.0, 0.0])
        everyone[h.lsoa_code] = [lat + h.lat * h.learners, lon + h.lon * h.learners, n + h.learners]
    anywhere = [
        Home("", code, lat / n, lon / n, int(n)) for code, (lat, lon, n) in sorted(everyone.items())
    ]
    out: list[ExtraLearner] = []
    for (need, phase), count in sorted(extra.items()):
        places = by_need.get(need) or anywhere
        if not places or count <= 0:
            continue
        ages = phase_ages(phase)
        shares = apportion(count, [h.learners for h in places])
        j = 0
        for home, k in zip(places, shares, strict=True):
            for _ in range(k):
                age = ages[j * len(ages) // count]
                out.append(ExtraLearner(need, phase, age, home.lat, home.lon, home.lsoa_code))
                j += 1
    return out


def with_extra_learners(
    problem: PlacementProblem, extra: Sequence[ExtraLearner]
) -> PlacementProblem:
    """The problem with the extra learners appended: new to the area's places, free to go
    anywhere that suits them (no current place, no move cost)."""
    if not extra:
        return problem
    k = len(extra)
    current = problem.current_or_none()
    may_move = (
        problem.may_move if problem.may_move is not None else np.ones(problem.n_learners, bool)
    )
    return dataclasses.replace(
        problem,
        need=np.concatenate((problem.need, [NEED_CODES.index(x.need) for x in extra])).astype(
            np.int64
        ),
        age=np.concatenate((problem.age, [x.age for x in extra])).astype(np.int64),
        lat=np.concatenate((problem.lat, [x.lat for x in extra])).astype(float),
        lon=np.concatenate((problem.lon, [x.lon for x in extra])).astype(float),
        preferred=None
        if problem.preferred is None
        else np.concatenate((problem.preferred, np.full(k, -1))).astype(np.int64),
        current=np.concatenate((current, np.full(k, -1))).astype(np.int64),
        may_move=np.concatenate((may_move, np.ones(k, dtype=bool))),
    )


# --- Candidates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteOption:
    """A candidate as the engine sees it, with what the page says about it."""

    candidate_id: int
    name: str
    kind: str
    kind_label: str
    host: str
    needs: str
    min_age: int
    max_age: int
    block_places: int
    max_blocks: int
    capital_per_block: int
    annual_cost_per_place: int
    lat: float
    lon: float
    note: str = ""

    @property
    def needs_text(self) -> str:
        """'ASD, SLCN' or 'every need'."""
        return "every need" if self.needs == "ALL" else ", ".join(self.needs.split(";"))


def candidate_location(candidate: CandidateSite) -> tuple[float, float] | None:
    """Where the places would be: the expanding strand's school, the host school, the
    site's own coordinates, or its LSOA's centroid; None when none is known."""
    for setting in (
        candidate.host_strand.setting if candidate.host_strand is not None else None,
        candidate.host_setting if candidate.host_setting_id else None,
    ):
        if setting is not None and setting.latitude is not None and setting.longitude is not None:
            return setting.latitude, setting.longitude
    if candidate.latitude is not None and candidate.longitude is not None:
        return candidate.latitude, candidate.longitude
    return lsoa_centroids().get(candidate.lsoa_code) if candidate.lsoa_code else None


def site_options(la: Organisation) -> tuple[list[SiteOption], list[str]]:
    """The LA's candidates under consideration, in name order, and a sentence for each left
    out (no location). One query."""
    rows = (
        CandidateSite.objects.filter(la=la, is_active=True)
        .select_related("host_setting", "host_strand__setting")
        .order_by("name", "pk")
    )
    options: list[SiteOption] = []
    left_out: list[str] = []
    for c in rows:
        where = candidate_location(c)
        if where is None:
            left_out.append(f"{c.name} has no location (a host school, coordinates or LSOA).")
            continue
        host = c.host_strand.setting if c.host_strand is not None else c.host_setting
        options.append(
            SiteOption(
                candidate_id=c.pk,
                name=c.name,
                kind=c.kind,
                kind_label=c.get_kind_display(),
                host=host.name if host is not None else "",
                needs=c.needs,
                min_age=c.min_age,
                max_age=c.max_age,
                block_places=c.block_places,
                max_blocks=c.max_blocks,
                capital_per_block=c.capital_per_block,
                annual_cost_per_place=c.annual_cost_per_place,
                lat=float(where[0]),
                lon=float(where[1]),
                note=c.note,
            )
        )
    return options, left_out


def engine_candidates(options: Sequence[SiteOption]) -> Candidates:
    def ints(name: str) -> np.ndarray:
        return np.array([getattr(o, name) for o in options], dtype=np.int64)

    return Candidates(
        lat=np.array([o.lat for o in options], dtype=float),
        lon=np.array([o.lon for o in options], dtype=float),
        min_age=ints("min_age"),
        max_age=ints("max_age"),
        needs=np.array([needs_mask(o.needs) for o in options], dtype=np.int64),
        block_places=ints("block_places"),
        max_blocks=ints("max_blocks"),
        capital_per_block=np.array([o.capital_per_block for o in options], dtype=float),
        annual_cost=np.array([o.annual_cost_per_place for o in options], dtype=float),
    )


# --- The answer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteRow:
    """One candidate in the answer. ``annual_saving`` and ``independent_avoided`` are this
    candidate's own part: the answer re-placed without its blocks, less the answer."""

    option: SiteOption
    blocks: int
    places: int
    places_used: int
    capital: int
    annual_saving: int | None
    independent_avoided: int | None

    @property
    def payback_years(self) -> float | None:
        """Capital over annual saving; None when nothing is opened or nothing is saved."""
        if not self.blocks or not self.annual_saving or self.annual_saving <= 0:
            return None
        return self.capital / self.annual_saving


@dataclass(frozen=True)
class SitingAnswer:
    question: SitingQuestion
    forecast: ForecastFigures | None
    options: dict[str, Any]  # cost_per_km, unplaced_cost, max_km, move_cost
    learners_today: int
    extra: dict[tuple[str, str], int]
    extra_learners: list[ExtraLearner]
    excluded: dict[str, int]
    rows: list[SiteRow]
    left_out: list[str]
    status: str
    gap: float
    solve_seconds: float
    capital: int
    cost_without: int  # the optimal placement with no new places, pounds a year
    cost_with: int  # with the chosen blocks (running and travel), pounds a year
    annual_saving: int
    annualised_capital: int
    independent_without: int  # learners in independent places or with no local place
    independent_with: int
    unplaced_without: int
    unplaced_with: int
    homes: list[dict[str, Any]] = field(default_factory=list)  # by LSOA, for the map
    moves: int = 0  # settled-enough learners moved from their current place, with new places
    move_costs: int = 0  # what those moves cost, pounds (once, counted in ``cost_with``)

    @property
    def chosen(self) -> list[SiteRow]:
        return [r for r in self.rows if r.blocks]

    @property
    def learners(self) -> int:
        """Everyone planned: today's learners and the forecast's extra ones."""
        return self.learners_today + len(self.extra_learners)

    @property
    def places_added(self) -> int:
        return sum(r.places for r in self.rows)

    @property
    def payback_years(self) -> float | None:
        if not self.capital or self.annual_saving <= 0:
            return None
        return self.capital / self.annual_saving

    @property
    def independent_avoided(self) -> int:
        return self.independent_without - self.independent_with

    @property
    def extra_by_cell(self) -> list[dict[str, Any]]:
        return [
            {"need": NEEDS.get(n, n), "phase": PHASE_LABELS.get(f, f), "learners": k}
            for (n, f), k in sorted(
                self.extra.items(), key=lambda kv: (NEED_CODES.index(kv[0][0]),
                                                    PHASE_KEYS.index(kv[0][1]))
            )
        ]  # fmt: skip


def latest_forecast(la: Organisation) -> ForecastFigures | None:
    """The figures of the LA's newest finished forecast run (the sufficiency page's)."""
    # The forecast is the sufficiency app's, a sibling layer: read through the app registry.
    ForecastRun = apps.get_model("sufficiency", "ForecastRun")  # noqa: N806
    run = (
        ForecastRun.objects.filter(la_code=la.code, status="succeeded")
        .order_by("-finished_at", "-pk")
        .only("pk", "finished_at", "outputs")
        .first()
    )
    if run is None:
        return None
    return forecast_figures(run.outputs, run_id=run.pk, finished_at=run.finished_at)


def learner_homes(la: Organisation) -> list[Home]:
    """The LA's learners with a primary need and a home, counted by need and LSOA (one
    query): where the extra learners of each need are homed."""
    rows = (
        Learner.objects.filter(
            responsible_la=la,
            archived_at__isnull=True,
            latitude__isnull=False,
            longitude__isnull=False,
            needs__rank=1,
        )
        .values("needs__code", "lsoa_code")
        .annotate(n=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"))
        .order_by("needs__code", "lsoa_code")
    )
    return [
        Home(r["needs__code"], r["lsoa_code"], float(r["lat"]), float(r["lon"]), int(r["n"]))
        for r in rows
    ]


#: Today's learners the siting question plans for: a planning run's default cohort and the
#: learners with no current placement (new plans need a place too).
def siting_cohort(today: dt.date) -> CohortDefinition:
    return CohortDefinition(on=planning_date(today), without_placement=True)


def todays_inputs(
    la: Organisation, *, cost_per_km: float, rules: MoveRules = DEFAULT_RULES
) -> PlanningInputs:
    """Today's cohort and the register's places, as a planning run builds them (who may
    move by the area's ``rules``)."""
    today = timezone.localdate()
    definition = siting_cohort(today)
    register = register_places(kinds=definition.kinds)
    learners, reasons = cohort_queryset(la_id=la.pk, definition=definition, today=today)
    rows, excluded = cohort_learners(
        learners,
        reasons=reasons,
        on=definition.on,
        today=today,
        cost_per_km=cost_per_km,
        rules=rules,
    )
    return planning_inputs(rows, register, excluded=excluded)


def _independent_or_unplaced(result: PlacementResult, independent: np.ndarray) -> int:
    """Learners with no local place, or placed in an independent setting."""
    a = result.assignment
    inside = (a >= 0) & (a < independent.size)
    return int((a < 0).sum() + independent[a[inside]].sum())


@dataclass(frozen=True)
class SitingInputs:
    """What every question about one LA shares: read once, solved for each question."""

    la: Organisation
    options: dict[str, Any]  # cost_per_km, unplaced_cost, max_km, move_cost
    inputs: PlanningInputs
    forecast: ForecastFigures | None
    homes: list[Home]
    sites: list[SiteOption]
    left_out: list[str]


def siting_inputs(*, fetched_by: User) -> SitingInputs:
    """Today's learners and places, the latest forecast and the candidates, for the LA the
    user plans for (403 for anyone not LA staff, as every planning page)."""
    la = selectors.planning_la(fetched_by=fetched_by)
    area = area_settings_for(la)
    options = {
        "cost_per_km": float(area.cost_per_km),
        "unplaced_cost": int(area.unplaced_cost),
        "max_km": float(area.max_km),
        "move_cost": DEFAULT_MOVE_COST,
    }
    sites, left_out = site_options(la)
    return SitingInputs(
        la=la,
        options=options,
        inputs=todays_inputs(la, cost_per_km=options["cost_per_km"], rules=area.move_rules),
        forecast=latest_forecast(la),
        homes=learner_homes(la),
        sites=sites,
        left_out=left_out,
    )


def siting_solve(given: SitingInputs, question: SitingQuestion) -> SitingAnswer:
    """Where the next places should go for ``question``."""
    extra: dict[tuple[str, str], int] = {}
    if question.year:
        if given.forecast is None:
            raise ValueError("There is no finished forecast to take the extra demand from.")
        extra = extra_demand(given.forecast, question.year, question.figure)
    extra_learners = home_extra_learners(extra, given.homes) if extra else []
    inputs, sites = given.inputs, given.sites
    options = {**given.options, "move_cost": question.move_cost}
    years = question.capital_years
    problem = with_extra_learners(inputs.problem, extra_learners)
    candidates = engine_candidates(sites)
    result = site(
        problem,
        candidates,
        budget=float(question.budget),
        capital_years=years,
        time_limit=TIME_LIMIT,
        **options,
    )
    independent = np.array(
        [p.strand_kind == ProvisionStrand.Kind.INDEPENDENT for p in inputs.register.places]
        + [False] * len(sites),
        dtype=bool,
    )
    m = problem.n_settings
    annualised = float((result.blocks * candidates.capital_per_block).sum()) / years
    return SitingAnswer(
        question=question,
        forecast=given.forecast if question.year else None,
        options=options,
        learners_today=len(inputs.learners),
        extra=extra,
        extra_learners=extra_learners,
        excluded=inputs.excluded,
        rows=_rows(problem, sites, result, independent, options),
        left_out=given.left_out,
        status=result.status,
        gap=result.gap,
        solve_seconds=result.solve_seconds,
        capital=int(round(result.capital)),
        cost_without=int(result.baseline.objective),
        cost_with=int(result.placement.objective),
        annual_saving=int(result.annual_saving),
        annualised_capital=int(round(annualised)),
        independent_without=_independent_or_unplaced(result.baseline, independent[:m]),
        independent_with=_independent_or_unplaced(result.placement, independent),
        unplaced_without=result.baseline.unplaced,
        unplaced_with=result.placement.unplaced,
        homes=_homes(inputs, extra_learners, result.placement),
        moves=int(result.placement.moved),
        move_costs=int(result.placement.total_move_cost),
    )


@dataclass(frozen=True)
class Together:
    """The lower, central and upper answers to one question, side by side."""

    answers: tuple[SitingAnswer, SitingAnswer, SitingAnswer]

    @property
    def robust(self) -> list[str]:
        """The names of the sites chosen in all three answers, in name order."""
        chosen = [{r.option.candidate_id for r in a.chosen} for a in self.answers]
        common = set.intersection(*chosen)
        return [r.option.name for r in self.answers[0].rows if r.option.candidate_id in common]

    @property
    def site_rows(self) -> list[dict[str, Any]]:
        """Each site chosen in any answer, with its places in each (0 where not chosen)."""
        rows = []
        for i, row in enumerate(self.answers[0].rows):
            places = [a.rows[i].places for a in self.answers]
            if any(places):
                rows.append({"name": row.option.name, "places": places})
        return rows


def siting_together(given: SitingInputs, question: SitingQuestion) -> Together:
    """The question answered for the forecast's lower, central and upper figures (the
    question's own figure is one of them)."""
    if not question.year:
        raise ValueError("Only a forecast year has lower, central and upper figures.")
    lower, central, upper = (
        siting_solve(given, dataclasses.replace(question, figure=f))
        for f in (LOWER, CENTRAL, UPPER)
    )
    return Together((lower, central, upper))


def siting_answer(*, fetched_by: User, question: SitingQuestion) -> SitingAnswer:
    """Where the next places should go for ``question``, for the LA the user plans for."""
    return siting_solve(siting_inputs(fetched_by=fetched_by), question)


def _rows(
    problem: PlacementProblem,
    sites: Sequence[SiteOption],
    result: Any,
    independent: np.ndarray,
    options: Mapping[str, Any],
) -> list[SiteRow]:
    """Each candidate's blocks, with its own saving: the answer re-placed without it."""
    if not sites:
        return []
    candidates = engine_candidates(sites)
    combined = with_candidates(problem, candidates)
    m = problem.n_settings
    opened = result.blocks * candidates.block_places
    with_all = result.placement.objective
    independent_all = _independent_or_unplaced(result.placement, independent)
    rows = []
    for c, option in enumerate(sites):
        blocks = int(result.blocks[c])
        saving = avoided = None
        if blocks:
            places = combined.places.copy()
            places[m:] = opened
            places[m + c] = 0
            without = place(dataclasses.replace(combined, places=places), **options)
            saving = int(without.objective - with_all)
            avoided = _independent_or_unplaced(without, independent) - independent_all
        rows.append(
            SiteRow(
                option=option,
                blocks=blocks,
                places=int(opened[c]),
                places_used=int(result.places_used[c]),
                capital=blocks * option.capital_per_block,
                annual_saving=saving,
                independent_avoided=avoided,
            )
        )
    return rows


def _homes(
    inputs: PlanningInputs, extra: Sequence[ExtraLearner], placement: PlacementResult
) -> list[dict[str, Any]]:
    """Learners counted by LSOA at the mean of their homes, with those left without a local
    place: the map's circles (no learner is shown on their own)."""
    points = [(x.lsoa_code, x.lat, x.lon) for x in inputs.learners]
    points += [(x.lsoa_code, x.lat, x.lon) for x in extra]
    counts: Counter[str] = Counter()
    unplaced: Counter[str] = Counter()
    lat: dict[str, float] = defaultdict(float)
    lon: dict[str, float] = defaultdict(float)
    for i, (code, a, b) in enumerate(points):
        counts[code] += 1
        lat[code] += a
        lon[code] += b
        if placement.assignment[i] < 0:
            unplaced[code] += 1
    return [
        {"lsoa_code": code, "learners": n, "unplaced": unplaced[code],
         "lat": lat[code] / n, "lon": lon[code] / n}
        for code, n in sorted(counts.items())
    ]  # fmt: skip
