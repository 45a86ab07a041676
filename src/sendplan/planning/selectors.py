"""Reads of planning runs, on behalf of a user (``fetched_by``).

Planning is for LA staff; a run belongs to an LA, and only staff of that LA may see it:
anyone else gets 404, which says nothing about whether the run exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, Role, User
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.engine import NEEDS, PHASE_KEYS, PHASE_LABELS
from sendplan.planning.models import CandidateSite, PlanningRun, PlanningRunInputs, Proposal
from sendplan.provision.places import places_on


def planning_la(*, fetched_by: User) -> Organisation:
    """The LA the user plans for (the first of theirs, by id); 403 for anyone not LA staff."""
    standing = standing_for(fetched_by)
    if not standing.la_ids:
        raise PermissionDenied
    return Organisation.objects.get(pk=min(standing.la_ids))


def candidate_sites(*, fetched_by: User) -> list[CandidateSite]:
    """The candidate sites of the LA the user plans for, in name order (ADR 0140)."""
    la = planning_la(fetched_by=fetched_by)
    return list(
        CandidateSite.objects.filter(la=la)
        .select_related("host_setting", "host_strand__setting")
        .order_by("name", "pk")
    )


def candidate_site_for_user(user: User, pk: int) -> CandidateSite:
    """One candidate site of the user's LA; 404 for another LA's or none."""
    la = planning_la(fetched_by=user)
    found = CandidateSite.objects.select_related("host_setting").filter(la=la, pk=pk).first()
    if found is None:
        raise Http404("No candidate site found")
    return found


def candidate_site_history(site: CandidateSite, *, most: int = 10) -> list[Any]:
    """The candidate's last versions, newest first, with who saved each."""
    return list(site.history.select_related("history_user")[:most])


def runs_visible_to(*, fetched_by: User) -> QuerySet[PlanningRun]:
    return PlanningRun.objects.filter(la_id__in=standing_for(fetched_by).la_ids)


def run_for_user(user: User, pk: int) -> PlanningRun:
    run = (
        runs_visible_to(fetched_by=user)
        .select_related("requested_by", "base_run")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404("No planning run found")
    return run


def proposal_for_user(user: User, run_pk: int, pk: int) -> Proposal:
    """One proposal of a run the user may see; 404 otherwise (including another run's)."""
    run = run_for_user(user, run_pk)
    proposal = (
        Proposal.objects.select_related(
            "decided_by", "placement", "proposed_strand", "proposed_setting"
        )
        .filter(run=run, pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404("No proposal found")
    proposal.run = run
    return proposal


#: Roles that may decide a placement: the LA's caseworkers and managers (named officers),
#: not administrators, whose role is running the system.
DECIDING_ROLES = frozenset({Role.LA_CASEWORKER, Role.LA_MANAGER})


def may_decide(*, user: User, run: PlanningRun) -> bool:
    """Whether the user holds a deciding role in the LA the run belongs to."""
    held = standing_for(user).role_org_ids
    return any((role, run.la_id) in held for role in DECIDING_ROLES)


def recent_runs(*, fetched_by: User, limit: int = 10) -> list[PlanningRun]:
    return list(runs_visible_to(fetched_by=fetched_by).order_by("-created_at", "-pk")[:limit])


@dataclass(frozen=True)
class StoredInputs:
    """Counts from a run's stored inputs (see ``retention.py``)."""

    learners: int
    #: Learners taken out since the run because their records were deleted.
    learners_erased: int


def stored_inputs(run: PlanningRun) -> StoredInputs | None:
    """What a plain run's stored inputs hold, in counts; None when it has none (a run from
    before inputs were stored, or past the retention period). Never reads the blob."""
    row = (
        PlanningRunInputs.objects.filter(run_id=run.pk)
        .values_list("learners", "learners_erased")
        .first()
    )
    return StoredInputs(*row) if row else None


def proposals_page_queryset(run: PlanningRun) -> QuerySet[Proposal]:
    """Proposals as the page lists them: no suitable place first, then by setting."""
    return run.proposals.order_by("placed", "proposed_setting_name", "need", "pk")


def unplaced_by(run: PlanningRun) -> dict[str, list[dict[str, Any]]]:
    """Learners with no suitable local place, by need, phase and ward (three queries)."""
    unplaced = run.proposals.filter(placed=False)
    need_rows = {r["need"]: r["n"] for r in unplaced.values("need").annotate(n=Count("id"))}
    phase_rows = {r["phase"]: r["n"] for r in unplaced.values("phase").annotate(n=Count("id"))}
    ward_rows = unplaced.values("ward_name").annotate(n=Count("id")).order_by("-n", "ward_name")
    return {
        "need": [
            {"key": code, "label": label, "n": need_rows[code]}
            for code, label in NEEDS.items()
            if need_rows.get(code)
        ],
        "phase": [
            {"key": p, "label": PHASE_LABELS.get(p, p), "n": phase_rows[p]}
            for p in PHASE_KEYS
            if phase_rows.get(p)
        ],
        "ward": [
            {
                "key": r["ward_name"],
                "label": r["ward_name"] or "Outside the area's wards",
                "n": r["n"],
            }
            for r in ward_rows
        ],  # fmt: skip
    }


def by_ward(run: PlanningRun) -> list[dict[str, Any]]:
    """Cohort, proposed places and unplaced learners per ward (one query)."""
    rows = (
        run.proposals.values("ward_code", "ward_name")
        .annotate(
            learners=Count("id"),
            unplaced=Count("id", filter=Q(placed=False)),
            km=Avg("km"),
        )
        .order_by("ward_name")
    )
    return [dict(row) for row in rows]


def homes_by_lsoa(run: PlanningRun) -> list[dict[str, Any]]:
    """Homes counted by LSOA, at the mean of their coordinates (one query)."""
    rows = (
        run.proposals.values("lsoa_code")
        .annotate(
            learners=Count("id"),
            unplaced=Count("id", filter=Q(placed=False)),
            lat=Avg("learner__latitude"),
            lon=Avg("learner__longitude"),
        )
        .order_by("lsoa_code")
    )
    return [dict(row) for row in rows]


def proposed_settings(run: PlanningRun) -> list[dict[str, Any]]:
    """Each setting proposed, with how many learners and what it would cost (one query)."""
    rows = (
        run.proposals.filter(placed=True)
        .values(
            "proposed_setting_id",
            "proposed_setting_name",
            "proposed_setting__latitude",
            "proposed_setting__longitude",
            "proposed_setting__in_area",
        )
        .annotate(learners=Count("id"), cost=Sum("proposed_cost"), km=Avg("km"))
        .order_by("-learners", "proposed_setting_name")
    )
    return [dict(row) for row in rows]


@dataclass(frozen=True)
class PlacesCheck:
    """The run's use of places beside the sufficiency page's figure for the same day."""

    run: dict[str, Any]
    on: dt.date
    #: Vacancies the sufficiency page counts on the run's day in the strands the run planned.
    sufficiency_vacancies: int
    #: Plain sentences, one per disagreement (empty when everything agrees).
    disagreements: list[str]


def places_check(run: PlanningRun) -> PlacesCheck | None:
    """The "Places used by this run" reconciliation, for runs that stored it (plain runs
    of today's places since ADR 0141); ``None`` otherwise. Aggregates only: no learner."""
    stored = (run.summary or {}).get("places")
    if not stored:
        return None
    on = dt.date.fromisoformat(stored["on"])
    sufficiency = sum(f.vacancies for f in places_on(on, strand_ids=stored["strand_ids"]))
    disagreements = []
    if sufficiency != stored["vacancies"]:
        disagreements.append(
            f"The run counted {stored['vacancies']:,} vacancies; the sufficiency figures for "
            f"the same day now count {sufficiency:,}. Placements, rolls or proposed amendments "
            "have been recorded since the run: start a new run before deciding."
        )
    if stored["vacancies_used"] > sufficiency:
        disagreements.append(
            f"The run fills {stored['vacancies_used']:,} vacancies, more than the "
            f"{sufficiency:,} the sufficiency figures count. Its saving cannot all be made."
        )
    if stored.get("strands_over"):
        disagreements.append(
            f"In {stored['strands_over']:,} strands the run fills more places than are vacant."
        )
    return PlacesCheck(stored, on, sufficiency, disagreements)
