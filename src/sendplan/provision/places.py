"""Places, roll and vacancies of a strand on a date: the one definition (ADR 0141).

The register's pages, the planning run's capacities and the sufficiency page's places
commissioned against occupied all read these figures, so the same date gives the same numbers
everywhere.

The rules, for a strand on a day ``on``:

* **Places** are the strand's ``capacity``, the places commissioned. Mainstream places with
  support are counted the same way but are not *specialist* places: the sufficiency figures
  and the specialist totals leave them out (:func:`is_specialist`).
* **Roll** is every learner on the record placed in the strand on ``on`` (any area's learner:
  a place taken by another area's child is not vacant; not a learner whose record is
  archived, who holds no place), plus the learners the register reports
  on roll that the record does not hold (``on_roll`` less the record's placements with no end
  date, archived or not, never below 0: children of areas not on this system, a GIAS figure). A placement is
  on the roll from its first day to its last (``ended_on``) inclusive, as ``core.models.open_on``
  says: on the day one place ends and the next starts, both count.
* **Promised** places are named in section I of a draft amendment not yet issued (ADR 0139:
  an accepted planning proposal or any other proposed amendment), for a learner not already
  placed in the strand on ``on``. They are held from the day the draft is made until it is
  issued (the placement then counts) or withdrawn, whatever date the place is named from.
* **Vacancies** are places less roll less promised, never below 0; **over** is the excess.

Held places of learners who may not move (ADR 0133) are part of the roll: a planning run
frees the places its own cohort holds and pins those who may not move back into theirs, so
it can only ever fill vacancies as counted here (``planning.adapter``).

Everything here is an aggregate of the register and the record: no learner is named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from sendplan.core.models import open_on
from sendplan.provision.models import ProvisionStrand

#: The annotations :func:`with_places` adds to each strand.
ROLL, PROMISED, VACANT = "places_roll", "places_promised", "places_vacant"


def is_specialist(kind: str) -> bool:
    """Specialist places: every kind of strand but mainstream places with support."""
    return kind != ProvisionStrand.Kind.MAINSTREAM


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of ``queryset`` (filtered on OuterRef and grouped by one
    ``values`` column), as an expression: 0 where there are none."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _placements(**filters: object) -> QuerySet:
    from sendplan.learners.models import Placement

    return Placement.objects.filter(strand=OuterRef("pk"), **filters).values("strand")


def with_places(strands: QuerySet[ProvisionStrand], on: dt.date) -> QuerySet[ProvisionStrand]:
    """``strands`` with their roll, promised places and vacancies on ``on`` annotated
    (:data:`ROLL`, :data:`PROMISED`, :data:`VACANT`), in the same single query."""
    from sendplan.learners.models import Placement

    # Casework sits a layer above the register, which it names in section I: its drafts
    # are read through the app registry rather than imported.
    PlanVersion = apps.get_model("casework", "PlanVersion")  # noqa: N806

    placed_on = _count(_placements(learner__archived_at__isnull=True).filter(open_on(on)))
    not_ended = _count(_placements(ended_on__isnull=True))
    already_there = Placement.objects.filter(open_on(on)).filter(
        learner_id=OuterRef("plan__learner_id"), strand_id=OuterRef("placement_strand_id")
    )
    drafts = (
        PlanVersion.objects.filter(status=PlanVersion.Status.DRAFT, placement_strand=OuterRef("pk"))
        .exclude(Exists(already_there))
        .values("placement_strand")
    )
    promised = _count(drafts)
    roll = placed_on + Greatest(F("on_roll") - not_ended, Value(0))
    return strands.annotate(**{ROLL: roll, PROMISED: promised}).annotate(
        **{VACANT: Greatest(F("capacity") - F(ROLL) - F(PROMISED), Value(0))}
    )


@dataclass(frozen=True)
class StrandPlaces:
    """One strand's figures on a date."""

    strand_id: int
    setting_id: int
    setting_name: str
    kind: str
    places: int
    roll: int
    promised: int

    @property
    def vacancies(self) -> int:
        return max(self.places - self.roll - self.promised, 0)

    @property
    def over(self) -> int:
        return max(self.roll + self.promised - self.places, 0)

    @property
    def specialist(self) -> bool:
        return is_specialist(self.kind)


@dataclass(frozen=True)
class PlacesTotal:
    """Figures added up over strands (a setting, a kind, the area)."""

    places: int = 0
    roll: int = 0
    promised: int = 0
    vacancies: int = 0
    over: int = 0


def figures(strand: ProvisionStrand) -> StrandPlaces:
    """A strand read through :func:`with_places` as plain figures."""
    return StrandPlaces(
        strand_id=strand.pk,
        setting_id=strand.setting_id,
        setting_name=strand.setting.name,
        kind=str(strand.kind),
        places=strand.capacity,
        roll=getattr(strand, ROLL),
        promised=getattr(strand, PROMISED),
    )


def places_on(
    on: dt.date, *, strand_ids: Iterable[int] | None = None, specialist_only: bool = False
) -> list[StrandPlaces]:
    """Every strand's figures on ``on`` (or those of ``strand_ids``), in one query, ordered
    by setting name, setting and strand."""
    strands = ProvisionStrand.objects.select_related("setting")
    if strand_ids is not None:
        strands = strands.filter(pk__in=list(strand_ids))
    if specialist_only:
        strands = strands.exclude(kind=ProvisionStrand.Kind.MAINSTREAM)
    strands = strands.order_by("setting__name", "setting_id", "pk")
    return [figures(s) for s in with_places(strands, on)]


def total(rows: Iterable[StrandPlaces]) -> PlacesTotal:
    """The figures of ``rows`` added up (vacancies and over strand by strand: a spare place
    in one strand does not fill another)."""
    t = PlacesTotal()
    for r in rows:
        t = PlacesTotal(
            t.places + r.places,
            t.roll + r.roll,
            t.promised + r.promised,
            t.vacancies + r.vacancies,
            t.over + r.over,
        )
    return t


def by_setting(rows: Iterable[StrandPlaces]) -> dict[int, tuple[str, PlacesTotal]]:
    """The figures added up per setting: ``{setting_id: (name, total)}`` in the rows' order."""
    grouped: dict[int, tuple[str, list[StrandPlaces]]] = {}
    for r in rows:
        grouped.setdefault(r.setting_id, (r.setting_name, []))[1].append(r)
    return {pk: (name, total(members)) for pk, (name, members) in grouped.items()}
