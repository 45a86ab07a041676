"""Which learners a planning run considers, and on what date their ages count.

The default cohort is the one a commissioner plans each autumn: the phase transfers for next
September (learners who are 11 or 16 on 31 August before it, moving to secondary or post-16)
and learners now in independent or non-maintained placements who might return to a local
place. Learners with no current placement (new plans) can be added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from sendplan.core.dates import govuk_date
from sendplan.core.models import open_on
from sendplan.learners.models import Learner, Placement
from sendplan.provision.models import ProvisionStrand, Setting

TRANSFER_AGES = (11, 16)

#: Kinds of place the optimiser may propose unless the commissioner chooses otherwise.
#: Mainstream places with support are left out by default: their low price would send every
#: learner the optimiser can reach to mainstream, and that is a decision for people.
SPECIALIST_KINDS: tuple[str, ...] = (
    ProvisionStrand.Kind.SPECIAL_SCHOOL,
    ProvisionStrand.Kind.INCLUSION_BASE,
    ProvisionStrand.Kind.SEN_UNIT,
    ProvisionStrand.Kind.RESOURCED_PROVISION,
    ProvisionStrand.Kind.POST16,
    ProvisionStrand.Kind.INDEPENDENT,
)

# Why a learner is in the cohort (stored on each proposal).
PHASE_TRANSFER = "phase_transfer"
INDEPENDENT = "independent"
NO_PLACEMENT = "no_placement"
REQUESTED = "requested"
REASON_LABELS = {
    PHASE_TRANSFER: "Phase transfer",
    INDEPENDENT: "In an independent placement",
    NO_PLACEMENT: "No current placement",
    REQUESTED: "Asked for",
}


def next_september(today: dt.date) -> dt.date:
    """The first 1 September after ``today``.

    >>> next_september(dt.date(2026, 11, 28)), next_september(dt.date(2027, 9, 1))
    (datetime.date(2027, 9, 1), datetime.date(2028, 9, 1))
    """
    this_year = dt.date(today.year, 9, 1)
    return this_year if today < this_year else dt.date(today.year + 1, 9, 1)


def planning_date(today: dt.date) -> dt.date:
    """31 August before next September: the date on which school-year ages are counted."""
    return next_september(today) - dt.timedelta(days=1)


def born_aged(age: int, on: dt.date) -> Q:
    """Learners exactly ``age`` years old on ``on`` (``on`` must not be 29 February)."""
    youngest = on.replace(year=on.year - age)
    oldest = on.replace(year=on.year - age - 1) + dt.timedelta(days=1)
    return Q(date_of_birth__gte=oldest, date_of_birth__lte=youngest)


@dataclass(frozen=True)
class CohortDefinition:
    """What a commissioner asked for; stored as JSON on the run."""

    on: dt.date
    phase_transfers: bool = True
    independent: bool = True
    without_placement: bool = False
    kinds: tuple[str, ...] = field(default=SPECIALIST_KINDS)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["on"] = self.on.isoformat()
        data["kinds"] = [str(k) for k in self.kinds]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CohortDefinition:
        return cls(
            on=dt.date.fromisoformat(data["on"]),
            phase_transfers=bool(data.get("phase_transfers", True)),
            independent=bool(data.get("independent", True)),
            without_placement=bool(data.get("without_placement", False)),
            kinds=tuple(data.get("kinds", SPECIALIST_KINDS)),
        )

    def describe(self) -> str:
        parts = []
        if self.phase_transfers:
            parts.append(f"phase transfers (aged 11 or 16 on {govuk_date(self.on)})")
        if self.independent:
            parts.append("learners in independent placements")
        if self.without_placement:
            parts.append("learners with no current placement")
        return ", ".join(parts) or "nobody"


def open_placements(today: dt.date) -> QuerySet[Placement]:
    """Placements open on ``today``."""
    return Placement.objects.filter(open_on(today))


def cohort_queryset(
    *, la_id: int, definition: CohortDefinition, today: dt.date
) -> tuple[QuerySet[Learner], dict[int, str]]:
    """The LA's learners in the cohort (not archived) and why each is in it.

    A phase transfer counts only when the learner's current place is of a kind being planned
    (or they have none): a learner moving from a mainstream primary to a mainstream
    secondary is not the specialist planner's question unless mainstream is planned too.
    """
    base = Learner.objects.filter(responsible_la_id=la_id, archived_at__isnull=True)
    current = open_placements(today).filter(learner__in=base)
    placed_now = current.values("learner_id")
    reasons: dict[int, str] = {}
    if definition.without_placement:
        for pk in base.exclude(pk__in=placed_now).values_list("pk", flat=True):
            reasons[pk] = NO_PLACEMENT
    if definition.independent:
        independent = current.filter(
            Q(strand__kind=ProvisionStrand.Kind.INDEPENDENT)
            | Q(setting__kind=Setting.Kind.INDEPENDENT)
        )
        for pk in independent.values_list("learner_id", flat=True):
            reasons[pk] = INDEPENDENT
    if definition.phase_transfers:
        of_age = Q()
        for age in TRANSFER_AGES:
            of_age |= born_aged(age, definition.on)
        planned_kind = current.filter(strand__kind__in=definition.kinds).values("learner_id")
        transfers = base.filter(of_age).filter(Q(pk__in=planned_kind) | ~Q(pk__in=placed_now))
        for pk in transfers.values_list("pk", flat=True):
            reasons.setdefault(pk, PHASE_TRANSFER)
    return base.filter(pk__in=list(reasons)), reasons
