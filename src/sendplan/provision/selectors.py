"""Reads of the register of places, always on behalf of a user (``fetched_by``).

The register holds no personal data, but it is a working tool for professionals:
families see their own child's plan instead, so a family-only user is refused (403).
Every list and page returns settings with their strands and designations prefetched,
in a fixed number of queries whatever the number of settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.core.models import IMPORTED_BY
from sendplan.core.numbers import whole_number
from sendplan.engine import PHASES
from sendplan.provision.models import LocalService, ProvisionStrand, Setting, StrandDesignation
from sendplan.provision.places import VACANT, with_places

NOT_FOR_FAMILIES = "The register of places is for professionals working with the partnership."


@dataclass(frozen=True)
class RegisterFilter:
    """What a user narrowed the register to. Empty groups do not narrow anything.

    Within a group the choices are alternatives (ASD or SLCN); groups combine (ASD and
    secondary). Need, phase and vacancies must hold for the same strand: "ASD places for
    secondary with a vacancy", not a school with ASD places for juniors and a vacancy in
    its sixth form.
    """

    needs: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    has_vacancies: bool = False
    areas: tuple[str, ...] = ()  # "in", "out"
    kinds: tuple[str, ...] = ()
    text: str = ""  # part of the name, or the whole URN

    @property
    def is_empty(self) -> bool:
        return not (
            self.needs or self.phases or self.has_vacancies or self.areas or self.kinds or self.text
        )


#: Orders the register can be sorted in; the first is the default.
ORDERS = ("name", "vacancies", "places")


def check_register_access(user: User) -> None:
    """Raise PermissionDenied unless the user may use the register of places."""
    if not standing_for(user).can_see_register:
        raise PermissionDenied(NOT_FOR_FAMILIES)


def _overlaps_phases(phases: tuple[str, ...], prefix: str = "") -> Q:
    """Age ranges that share at least one year with any of the phases."""
    condition = Q(pk__in=[])
    for phase in phases:
        low, high = PHASES[phase]
        condition |= Q(**{f"{prefix}min_age__lte": high, f"{prefix}max_age__gte": low})
    return condition


def _with_strands(queryset: QuerySet[Setting], on: dt.date) -> QuerySet[Setting]:
    """Settings with their strands, each with its roll, promised places and vacancies on
    ``on`` (``provision.places``: the one definition)."""
    designations = Prefetch("designations", queryset=StrandDesignation.objects.order_by("need"))
    strands = with_places(ProvisionStrand.objects.all(), on).order_by("kind", "min_age", "pk")
    return queryset.prefetch_related(
        Prefetch("strands", queryset=strands.prefetch_related(designations))
    )


def setting_list(
    *,
    fetched_by: User,
    filters: RegisterFilter | None = None,
    order: str = "name",
    on: dt.date | None = None,
) -> QuerySet[Setting]:
    """Open settings on the register, narrowed by the filters.

    ``order`` is ``name`` (A to Z), ``vacancies`` or ``places`` (most first, then by name).
    Vacancies are those on ``on`` (default today), by ``provision.places``.
    """
    on = on or timezone.localdate()
    check_register_access(fetched_by)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    filters = filters or RegisterFilter()
    queryset = Setting.objects.filter(is_open=True)
    text = " ".join(filters.text.split())
    if text:
        urn = whole_number(text)
        queryset = queryset.filter(Q(urn=urn) if urn is not None else Q(name__icontains=text))
    if filters.kinds:
        queryset = queryset.filter(kind__in=filters.kinds)
    if set(filters.areas) == {"in"}:
        queryset = queryset.filter(in_area=True)
    elif set(filters.areas) == {"out"}:
        queryset = queryset.filter(in_area=False)
    if filters.phases:
        queryset = queryset.filter(_overlaps_phases(filters.phases))
    if filters.needs or filters.has_vacancies:
        strands = ProvisionStrand.objects.filter(setting=OuterRef("pk"))
        if filters.needs:
            strands = strands.filter(
                Exists(
                    StrandDesignation.objects.filter(strand=OuterRef("pk"), need__in=filters.needs)
                )
            )
        if filters.has_vacancies:
            strands = with_places(strands, on).filter(**{f"{VACANT}__gt": 0})
        if filters.phases:
            strands = strands.filter(_overlaps_phases(filters.phases))
        queryset = queryset.filter(Exists(strands))
    if order == "vacancies":
        vacant = (
            with_places(ProvisionStrand.objects.filter(setting=OuterRef("pk")), on)
            .order_by()
            .values("setting")
            .annotate(total=Sum(VACANT))
            .values("total")[:1]
        )
        queryset = queryset.annotate(
            sort_key=Coalesce(Subquery(vacant, output_field=IntegerField()), Value(0))
        )
    elif order == "places":
        queryset = queryset.annotate(sort_key=Coalesce(Sum("strands__capacity"), Value(0)))
    ordering = ("name", "pk") if order == "name" else ("-sort_key", "name", "pk")
    return _with_strands(queryset, on).order_by(*ordering)


def setting_for_user(user: User, pk: int, *, on: dt.date | None = None) -> Setting:
    """One setting with its strands and designations, for a user who may use the register;
    each strand's roll and vacancies are those on ``on`` (default today).

    Closed settings stay readable here (placements may still point at them).
    """
    check_register_access(user)
    setting = _with_strands(Setting.objects.filter(pk=pk), on or timezone.localdate()).first()
    if setting is None:
        raise Http404("No setting found")
    return setting


def strand_for_user(user: User, pk: int, *, on: dt.date | None = None) -> ProvisionStrand:
    """One provision strand with its setting and designations, and its roll and vacancies on
    ``on`` (default today), for a user who may use the register."""
    check_register_access(user)
    designations = Prefetch("designations", queryset=StrandDesignation.objects.order_by("need"))
    strand = (
        with_places(ProvisionStrand.objects.filter(pk=pk), on or timezone.localdate())
        .select_related("setting", "modified_by")
        .prefetch_related(designations)
        .first()
    )
    if strand is None:
        raise Http404("No provision strand found")
    return strand


NOT_AN_EDITOR = "Only council staff can change the register."


def can_edit_register(user: User) -> bool:
    """Who may add and change entries in the register: council staff (the register is the
    council's, as the Local Offer is)."""
    return standing_for(user).is_la_staff


def check_register_edit(user: User) -> None:
    """Raise PermissionDenied unless the user may change the register."""
    if not can_edit_register(user):
        raise PermissionDenied(NOT_AN_EDITOR)


def local_service_list(*, fetched_by: User) -> list[LocalService]:
    """The local services in the register, active ones first, each with its organisation."""
    check_register_access(fetched_by)
    return list(
        LocalService.objects.select_related("organisation").order_by("-active", "name", "pk")
    )


def local_service_for_user(user: User, pk: int) -> LocalService:
    """One local service, for a user who may use the register (inactive ones too)."""
    check_register_access(user)
    found = LocalService.objects.select_related("organisation", "based_at").filter(pk=pk).first()
    if found is None:
        raise Http404("No local service found")
    return found


@dataclass(frozen=True)
class StrandChange:
    """One entry of a strand's history: when, by whom, and what changed, in words."""

    when: dt.datetime
    who: str
    what: tuple[str, ...]


def _pounds(value: int | None) -> str:
    return "none" if value is None else f"£{value:,}"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


#: What the history says about each field, and how it shows a value. Not ``on_roll``: issuing
#: a plan moves it with a bulk update that leaves no version, so a difference there would be
#: put down to whoever saved the strand next (the page's roll comes from placements anyway).
_SHOWN: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("capacity", "Places", lambda v: f"{v:,}"),
    ("capacity_is_estimate", "Places are an estimate", _yes_no),
    ("min_age", "Youngest age", str),
    ("max_age", "Oldest age", str),
    ("place_funding", "Place funding", _pounds),
    ("top_up", "Top-up", _pounds),
    ("annual_fee", "Independent fee", _pounds),
    ("cost_is_default", "Cost is a default", _yes_no),
    ("note", "Note", lambda v: f"“{v}”" if v else "none"),
)


def _kind_label(kind: str) -> str:
    return str(ProvisionStrand.Kind(kind).label) if kind in ProvisionStrand.Kind.values else kind


def _changes(new: Any, old: Any) -> list[str]:
    what: list[str] = []
    if new.converted_from and not old.converted_from:
        what.append(f"Converted to an inclusion base (was {_kind_label(new.converted_from)})")
    elif new.kind != old.kind:
        what.append(f"Kind of places: {_kind_label(old.kind)} to {_kind_label(new.kind)}")
    for name, label, show in _SHOWN:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            what.append(f"{label}: {show(before)} to {show(after)}")
    return what


def strand_history(*, fetched_by: User, strand_id: int, limit: int = 20) -> list[StrandChange]:
    """The strand's recorded changes, newest first, for a user who may use the register: the
    kind (and its conversion to an inclusion base, ADR 0148), places, ages and costs. Saves
    that changed none of these (a lock moved on, say) are left out. One query."""
    check_register_access(fetched_by)
    records = list(
        ProvisionStrand.history.filter(id=strand_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries: list[StrandChange] = []
    for index, record in enumerate(records[:limit]):
        reason = record.history_change_reason or ""
        if record.history_user:
            who = record.history_user.display_name
        else:
            who = IMPORTED_BY.get(reason, "Not recorded")
        previous = records[index + 1] if index + 1 < len(records) else None
        if record.history_type == "+" or previous is None:
            what = [reason if reason and reason not in IMPORTED_BY else "Added to the register"]
        elif record.history_type == "-":
            what = ["Removed from the register"]
        else:
            what = _changes(record, previous)
        if what:
            entries.append(StrandChange(when=record.history_date, who=who, what=tuple(what)))
    return entries
