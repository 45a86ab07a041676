"""Reads for the sufficiency pages, scoped to the LA the user works for.

Sufficiency figures are the LA's own planning: only its staff see them (the views say so
with ``requires_access(la_staff)``), and each of them sees their own LA's rows only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, User
from sendplan.casework.case.models import OPEN_STAGES, Stage
from sendplan.casework.models import Case, Plan
from sendplan.casework.plans.models import CeaseReason
from sendplan.engine import CostedPlacement, LiveRecord, PlacesUsed, year_bounds
from sendplan.learners.models import Placement
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.provision.places import by_setting, places_on
from sendplan.sufficiency.models import (
    Assumptions,
    CentralSpend,
    ForecastRun,
    HighNeedsBudget,
    NewProvision,
    Scenario,
)

#: The kind of placement at a setting with no strand recorded, by the setting's kind.
_KIND_OF_SETTING: dict[str, str] = {
    Setting.Kind.MAINSTREAM: ProvisionStrand.Kind.MAINSTREAM,
    Setting.Kind.RESOURCED: ProvisionStrand.Kind.RESOURCED_PROVISION,
    Setting.Kind.SPECIAL: ProvisionStrand.Kind.SPECIAL_SCHOOL,
    Setting.Kind.INDEPENDENT: ProvisionStrand.Kind.INDEPENDENT,
    Setting.Kind.POST16: ProvisionStrand.Kind.POST16,
}
OTHER_KIND = "other"


def la_for(user: User) -> Organisation:
    """The user's LA (one with a code); 404 when they have none."""
    standing = standing_for(user)
    for organisation in standing.organisations:
        if (
            organisation.pk in standing.la_ids
            and organisation.kind == Organisation.Kind.LOCAL_AUTHORITY
            and organisation.code
        ):
            return organisation
    raise Http404("No local authority")


def la_code_for(user: User) -> str:
    """The LA code of the user's LA membership; 404 when they have none with a code."""
    return la_for(user).code


def assumptions_for(*, fetched_by: User) -> Assumptions:
    """The LA's assumptions; the defaults, unsaved, until someone saves them."""
    la_code = la_code_for(fetched_by)
    found = Assumptions.objects.filter(la_code=la_code).first()
    return found or Assumptions(la_code=la_code)


def assumption_history(*, fetched_by: User, limit: int = 50) -> list[object]:
    """Saved versions of the assumptions, newest first, with who saved them."""
    la_code = la_code_for(fetched_by)
    return list(
        Assumptions.history.filter(la_code=la_code)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def new_provision_list(*, fetched_by: User) -> list[NewProvision]:
    return list(NewProvision.objects.filter(la_code=la_code_for(fetched_by)))


def new_provision_history(*, fetched_by: User, limit: int = 50) -> list[object]:
    return list(
        NewProvision.history.filter(la_code=la_code_for(fetched_by))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def scenario_list(*, fetched_by: User) -> list[Scenario]:
    return list(
        Scenario.objects.filter(la_code=la_code_for(fetched_by)).prefetch_related(
            "combines", "combined_in"
        )
    )


def scenarios_to_combine(*, fetched_by: User) -> list[Scenario]:
    """The LA's scenarios a combination may take: those that combine none (ADR 0149)."""
    combinations = Scenario.combines.through.objects.values("from_scenario_id")
    return list(
        Scenario.objects.filter(la_code=la_code_for(fetched_by)).exclude(pk__in=combinations)
    )


def scenario_for_user(user: User, pk: int) -> Scenario:
    """Another LA's scenario is not yours: 404."""
    return get_object_or_404(Scenario, pk=pk, la_code=la_code_for(user))


def combination_for_user(user: User, pk: int) -> Scenario:
    """One of the LA's combined scenarios; a scenario that combines none is not one: 404."""
    combinations = Scenario.combines.through.objects.values("from_scenario_id")
    return get_object_or_404(
        Scenario.objects.filter(pk__in=combinations).prefetch_related("combines"),
        pk=pk,
        la_code=la_code_for(user),
    )


def latest_run(*, fetched_by: User) -> ForecastRun | None:
    """The newest run that finished with figures: the one the pages show."""
    return (
        ForecastRun.objects.filter(
            la_code=la_code_for(fetched_by), status=ForecastRun.Status.SUCCEEDED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def current_run(*, fetched_by: User) -> ForecastRun | None:
    """A run waiting or in progress, if any (shown as the status on every page)."""
    return (
        ForecastRun.objects.filter(
            la_code=la_code_for(fetched_by),
            status__in=[ForecastRun.Status.QUEUED, ForecastRun.Status.RUNNING],
        )
        .defer("outputs")
        .order_by("-created_at", "-pk")
        .first()
    )


def run_for_user(user: User, pk: int) -> ForecastRun:
    return get_object_or_404(ForecastRun, pk=pk, la_code=la_code_for(user))


def run_list(*, fetched_by: User, limit: int = 20) -> list[ForecastRun]:
    return list(
        ForecastRun.objects.filter(la_code=la_code_for(fetched_by))
        .defer("outputs", "inputs")
        .select_related("requested_by")[:limit]
    )


def strand_cost(strand: ProvisionStrand) -> int:
    """A place's annual high-needs cost in a strand: its fee where it has one (the fee
    replaces place funding and top-up, as in :func:`costed`), else place funding and top-up."""
    if strand.annual_fee is not None:
        return strand.annual_fee
    return strand.place_funding + strand.top_up


def strands_for_decisions(*, fetched_by: User) -> list[ProvisionStrand]:
    """The register's strands a decision can place a learner in (any but mainstream
    support), for the user's LA to try decisions against; 404 without an LA."""
    la_for(fetched_by)
    return list(
        ProvisionStrand.objects.exclude(kind=ProvisionStrand.Kind.MAINSTREAM)
        .select_related("setting")
        .order_by("setting__name", "kind", "pk")
    )


def costed(placement: Placement) -> CostedPlacement:
    """A placement's annual cost: the agreed fee or top-up where recorded, else the strand's.

    A fee (independent or non-maintained) replaces place funding and top-up, as it does in
    the register's cost per place.
    """
    strand = placement.strand
    fee = placement.agreed_fee
    if fee is None and strand is not None:
        fee = strand.annual_fee
    if fee is not None:
        place_funding, top_up = 0, 0
    else:
        place_funding = strand.place_funding if strand is not None else 0
        band = strand.top_up if strand is not None else 0
        top_up = placement.agreed_top_up if placement.agreed_top_up is not None else band
    if strand is not None:
        kind = str(strand.kind)
    else:
        kind = str(_KIND_OF_SETTING.get(placement.setting.kind, OTHER_KIND))
    return CostedPlacement(
        kind=kind,
        setting=placement.setting.name,
        starts=placement.started_on,
        ends=placement.ended_on,
        place_funding=place_funding,
        top_up=top_up,
        fee=fee or 0,
        transport=placement.transport_cost,
        health=placement.health_contribution,
        social_care=placement.social_care_contribution,
    )


def committed_placements(*, fetched_by: User, years: list[int]) -> list[CostedPlacement]:
    """The costed placements of the user's LA's learners open in any of ``years``.

    Totals only leave this module's callers: no learner is named, so no record is read.
    """
    first, _ = year_bounds(min(years))
    _, last = year_bounds(max(years))
    rows = (
        Placement.objects.filter(
            learner__responsible_la=la_for(fetched_by),
            learner__archived_at__isnull=True,
            started_on__lte=last,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .select_related("setting", "strand")
        .order_by("pk")
    )
    return [costed(p) for p in rows]


def places_used(*, fetched_by: User, on: dt.date) -> list[PlacesUsed]:
    """Places commissioned at each setting (its strands other than mainstream support)
    against the learners on roll there on ``on``, by ``provision.places`` (ADR 0141): the
    register's and the planning run's figures for the same day. Every learner on roll counts,
    whichever area placed them: a place another area's child takes is not vacant. Settings
    with specialist strands, by name."""
    la_for(fetched_by)
    rows = by_setting(places_on(on, specialist_only=True))
    return sorted(
        (
            PlacesUsed(
                name,
                commissioned=t.places,
                occupied=t.roll,
                promised=t.promised,
                by_strand=(t.vacancies, t.over),
            )
            for name, t in rows.values()
        ),
        key=lambda row: row.setting,
    )


def budgets_for(*, fetched_by: User) -> dict[int, HighNeedsBudget]:
    """The LA's high-needs budgets by the year each financial year starts in."""
    return {
        b.financial_year: b for b in HighNeedsBudget.objects.filter(la_code=la_code_for(fetched_by))
    }


def central_spend_for(*, fetched_by: User) -> list[CentralSpend]:
    """The LA's lines of central high-needs spend, every year, by year and line."""
    return list(CentralSpend.objects.filter(la_code=la_code_for(fetched_by)))


def central_line_for(*, fetched_by: User, pk: int) -> CentralSpend:
    """One of the LA's central lines; 404 for another LA's or none."""
    return get_object_or_404(CentralSpend, pk=pk, la_code=la_code_for(fetched_by))


#: An open case's stage as the nowcast counts it: a draft out for comments is being drafted.
_NOWCAST_STAGE = {
    Stage.REQUESTED: "requested",
    Stage.ASSESSING: "assessing",
    Stage.DRAFTING: "drafting",
    Stage.CONSULTING: "drafting",
}
#: Finished cases that teach the nowcast how often a case ends in a plan: received in the
#: three years to the forecast date.
_HISTORY_DAYS = 3 * 365


def live_record(*, fetched_by: User, on: dt.date) -> LiveRecord:
    """What the user's LA's record holds on ``on`` for the nowcast: counts and birth dates
    only, no one named (an aggregate, like the ledger: no record is read). Four queries,
    however many cases and plans."""
    la = la_for(fetched_by)
    year_ago = on - dt.timedelta(days=365)
    cases = Case.objects.filter(
        learner__responsible_la=la, learner__archived_at__isnull=True, received_on__lte=on
    )
    counted = cases.aggregate(
        requests_last_year=Count("pk", filter=Q(received_on__gt=year_ago)),
        **{stage.value: Count("pk", filter=Q(stage=stage)) for stage in _NOWCAST_STAGE},
    )
    open_cases: dict[str, int] = {}
    for stage, key in _NOWCAST_STAGE.items():
        open_cases[key] = open_cases.get(key, 0) + counted[stage.value]
    finished = [
        (
            "drafting" if drafted is not None else "assessing" if assess else "requested",
            issued is not None,
        )
        for drafted, assess, issued in cases.exclude(stage__in=OPEN_STAGES)
        .filter(received_on__gt=on - dt.timedelta(days=_HISTORY_DAYS))
        .values_list("draft_issued_on", "assess", "final_issued_on")
    ]
    plans = Plan.objects.filter(learner__responsible_la=la, learner__archived_at__isnull=True)
    maintained = list(
        plans.filter(status=Plan.Status.MAINTAINED, issued_on__lte=on)
        .filter(Q(ceased_on__isnull=True) | Q(ceased_on__gt=on))
        .values_list("learner__date_of_birth", "cease_decided_on")
    )
    return LiveRecord(
        on=on,
        plans=len(maintained),
        open_cases=open_cases,
        finished=finished,
        requests_last_year=counted["requests_last_year"],
        birth_dates=[born for born, _ in maintained],
        cease_decided=sum(1 for _, decided in maintained if decided is not None),
        ceased_other_last_year=plans.filter(ceased_on__gt=year_ago, ceased_on__lte=on)
        .exclude(cease_reason=CeaseReason.MAXIMUM_AGE)
        .count(),
    )
