"""Writes of the delivery log: commitments following the plan in force, a caseworker
quantifying a row, a week recorded by form or by file, and the weekly totals (ADR 0135)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from sendplan.accounts.models import Organisation, User
from sendplan.casework.plans.models import Plan, PlanProvision, PlanVersion
from sendplan.core.locking import lock_check
from sendplan.delivery.models import Commitment, DeliveryEntry, Responsible, WeeklyTotal
from sendplan.engine import PERIOD_WEEKS, Quantity, parse_quantity, week_start
from sendplan.learners.access import learner_can_edit, records_delivery_for, visible_learners
from sendplan.learners.models import Learner

_RESPONSIBLE_BY_KIND: dict[str, Responsible] = {
    Organisation.Kind.SETTING: Responsible.SETTING,
    Organisation.Kind.TRUST: Responsible.SETTING,
    Organisation.Kind.HEALTH: Responsible.HEALTH,
}
_RESPONSIBLE_BY_SECTION: dict[str, Responsible] = {
    "F": Responsible.SETTING,
    "G": Responsible.HEALTH,
}


def _row_key(row: PlanProvision) -> tuple[object, ...]:
    """What makes a row the same row in a later version: its words and who delivers it."""
    return (
        row.section,
        " ".join(row.what.split()),
        " ".join(row.how_much.split()),
        " ".join(row.how_often.split()),
        " ".join(row.delivered_by.split()),
        row.delivered_by_organisation_id,
    )


def _who_delivers(row: PlanProvision, version: PlanVersion) -> tuple[str, int | None]:
    """Who is responsible for a row and whose staff record it: the organisation named in
    the row; for education provision (F) with none named, the setting named in section I;
    otherwise health for G and the council for everything else."""
    organisation = row.delivered_by_organisation
    if organisation is None and row.section == "F" and version.placement_setting is not None:
        organisation = version.placement_setting.organisation
    if organisation is not None:
        return _RESPONSIBLE_BY_KIND.get(organisation.kind, Responsible.COUNCIL), organisation.pk
    return _RESPONSIBLE_BY_SECTION.get(row.section, Responsible.COUNCIL), None


def _quantity_fields(row: PlanProvision) -> dict[str, object]:
    quantity = parse_quantity(row.how_much, row.how_often)
    if quantity is None:
        return {"minutes_per_session": None, "sessions": None, "period": "", "quantified": ""}
    return {
        "minutes_per_session": quantity.minutes_per_session,
        "sessions": quantity.sessions,
        "period": quantity.period,
        "quantified": Commitment.Quantified.READ,
    }


def _in_force(plan: Plan) -> PlanVersion | None:
    if plan.status != Plan.Status.MAINTAINED:
        return None
    return (
        plan.versions.filter(status=PlanVersion.Status.ISSUED)
        .select_related("placement_setting__organisation")
        .order_by("-number")
        .first()
    )


@dataclass
class SyncResult:
    started: int = 0
    carried: int = 0
    ended: int = 0


@transaction.atomic
def commitments_sync(
    *, plan_id: int, changed_by: User | None, today: dt.date | None = None
) -> SyncResult:
    """Make the plan's open commitments the provision rows of its version in force.

    A row repeated word for word (and delivered by the same organisation) in a later
    version carries its commitment on, log and all; a changed or removed row's commitment
    ends the day before the new version was issued, and a new or changed row starts one
    from that day. A plan no longer maintained ends them all (on the day it ceased). Safe
    to run twice: a second run changes nothing.
    """
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan_id)
    version = _in_force(plan)
    result = SyncResult()
    open_ones = list(
        plan.commitments.filter(ended_on__isnull=True).select_related("provision__version")
    )
    if version is None:
        last = plan.ceased_on or today or timezone.localdate()
        for commitment in open_ones:
            commitment.ended_on = max(last, commitment.started_on)
            commitment.modified_by = changed_by
            commitment.save(update_fields=["ended_on", "modified_by", "modified_at"])
            result.ended += 1
        return result
    assert version.issued_on is not None  # an issued version is dated (a constraint)
    rows = list(version.provision.select_related("delivered_by_organisation"))
    unmatched = {row.pk: row for row in rows}
    by_key: dict[tuple[object, ...], list[PlanProvision]] = {}
    for row in rows:
        by_key.setdefault(_row_key(row), []).append(row)
    for commitment in open_ones:
        if commitment.provision.version_id == version.pk:
            unmatched.pop(commitment.provision_id, None)
            continue
        same = [r for r in by_key.get(_row_key(commitment.provision), []) if r.pk in unmatched]
        if same:
            commitment.provision = same[0]
            del unmatched[same[0].pk]
            commitment.modified_by = changed_by
            commitment.save(update_fields=["provision", "modified_by", "modified_at"])
            result.carried += 1
        else:
            commitment.ended_on = max(
                version.issued_on - dt.timedelta(days=1), commitment.started_on
            )
            commitment.modified_by = changed_by
            commitment.save(update_fields=["ended_on", "modified_by", "modified_at"])
            result.ended += 1
    new = [_commitment_for(row, version, plan, changed_by) for row in unmatched.values()]
    Commitment.objects.bulk_create(new)
    result.started = len(new)
    return result


def _commitment_for(
    row: PlanProvision, version: PlanVersion, plan: Plan, changed_by: User | None
) -> Commitment:
    responsible, organisation_id = _who_delivers(row, version)
    assert version.issued_on is not None
    return Commitment(
        plan=plan,
        learner_id=plan.learner_id,
        provision=row,
        section=row.section,
        responsible=responsible,
        organisation_id=organisation_id,
        setting=version.placement_setting,
        started_on=version.issued_on,
        created_by=changed_by,
        modified_by=changed_by,
        **_quantity_fields(row),
    )


def commitments_start(*, plans: QuerySet[Plan], changed_by: User | None = None) -> int:
    """Commitments for maintained plans that have none yet (plans issued before the delivery
    log existed, or built in bulk by the demo), in a handful of queries whatever their
    number; the same rows ``commitments_sync`` would start. Returns how many it started."""
    fresh = plans.filter(status=Plan.Status.MAINTAINED).exclude(
        pk__in=Commitment.objects.values("plan_id")
    )
    latest: dict[int, PlanVersion] = {}
    for version in (
        PlanVersion.objects.filter(plan__in=fresh, status=PlanVersion.Status.ISSUED)
        .select_related("plan", "placement_setting__organisation")
        .order_by("plan_id", "number")
    ):
        latest[version.plan_id] = version
    rows = PlanProvision.objects.filter(version__in=list(latest.values())).select_related(
        "delivered_by_organisation"
    )
    by_id = {version.pk: version for version in latest.values()}
    new = []
    for row in rows.order_by("version_id", "section", "position", "pk"):
        version = by_id[row.version_id]
        new.append(_commitment_for(row, version, version.plan, changed_by))
    Commitment.objects.bulk_create(new, batch_size=2000)
    return len(new)


def commitments_follow_issue(*, version: PlanVersion, changed_by: User) -> None:
    """Called by casework's ``plan_issue`` (registered when the app is ready)."""
    commitments_sync(plan_id=version.plan_id, changed_by=changed_by)


def commitments_sync_all(
    *, changed_by: User | None = None, today: dt.date | None = None
) -> SyncResult:
    """Every plan with commitments or maintained: the nightly catch-up after ceasing, and
    for plans issued before the delivery log existed."""
    total = SyncResult()
    plan_ids = set(Plan.objects.filter(status=Plan.Status.MAINTAINED).values_list("pk", flat=True))
    plan_ids |= set(
        Commitment.objects.filter(ended_on__isnull=True).values_list("plan_id", flat=True)
    )
    for plan_id in sorted(plan_ids):
        one = commitments_sync(plan_id=plan_id, changed_by=changed_by, today=today)
        total.started += one.started
        total.carried += one.carried
        total.ended += one.ended
    return total


@transaction.atomic
def commitment_quantify(
    *,
    commitment_id: int,
    expected_lock: int,
    minutes_per_session: int,
    sessions: int,
    period: str,
    changed_by: User,
) -> Commitment:
    """The caseworker says how much a row the service could not read means, in minutes per
    session and sessions per week, fortnight or term. Weeks already recorded keep the
    figure they were recorded against."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment_id)
    learner = Learner.objects.get(pk=commitment.learner_id)
    if not learner_can_edit(learner=learner, user=changed_by):
        raise PermissionDenied
    lock_check(commitment, expected=expected_lock)
    Quantity(minutes_per_session=minutes_per_session, sessions=sessions, period=period)
    commitment.minutes_per_session = minutes_per_session
    commitment.sessions = sessions
    commitment.period = period
    commitment.quantified = Commitment.Quantified.CASEWORKER
    commitment.modified_by = changed_by
    commitment.full_clean()
    commitment.save()
    return commitment


def minutes_per_week(commitment: Commitment) -> float:
    """What the commitment specifies for a week it is due, in minutes (0 unquantified)."""
    if commitment.minutes_per_session is None or commitment.sessions is None:
        return 0.0
    return commitment.minutes_per_session * commitment.sessions / PERIOD_WEEKS[commitment.period]


def may_record(user: User, commitment: Commitment, *, on: dt.date | None = None) -> bool:
    """Whether the user records this commitment's delivery (``learners.access``): they
    work for the organisation that delivers it, and may see the learner."""
    on = on or timezone.localdate()
    if commitment.organisation_id is None:
        return False
    if (
        not records_delivery_for(user, on=on)
        .filter(organisation_id=commitment.organisation_id)
        .exists()
    ):
        return False
    return Learner.objects.filter(
        visible_learners(user=user, on=on), pk=commitment.learner_id, archived_at__isnull=True
    ).exists()


@dataclass(frozen=True)
class WeekInput:
    """One week as the form or a line of a file gives it."""

    week_starting: dt.date
    due: bool
    delivered_minutes: int
    missed_minutes: int
    missed_reason: str
    note: str


def week_problems(commitment: Commitment, week: WeekInput, *, today: dt.date) -> dict[str, str]:
    """What is wrong with a week for this commitment, by field (empty when it may be saved)."""
    problems: dict[str, str] = {}
    if week.week_starting != week_start(week.week_starting):
        problems["week_starting"] = "Give the Monday the week starts on"
    elif week.week_starting > week_start(today):
        problems["week_starting"] = "The week must not be in the future"
    elif week.week_starting + dt.timedelta(days=6) < commitment.started_on:
        problems["week_starting"] = "The week is before this provision started"
    elif commitment.ended_on is not None and week.week_starting > commitment.ended_on:
        problems["week_starting"] = "The week is after this provision ended"
    if not commitment.is_quantified:
        problems["commitment"] = "The caseworker has not yet said how much of this provision is due"
    if week.due:
        if week.missed_minutes and not week.missed_reason:
            problems["missed_reason"] = "Say why provision was missed"
        if week.delivered_minutes + week.missed_minutes == 0:
            problems["delivered_minutes"] = (
                "Enter the minutes delivered or missed, or say that nothing was due this week"
            )
    elif week.delivered_minutes or week.missed_minutes:
        problems["due"] = "A week with nothing due has no minutes delivered or missed"
    return problems


def _apply(
    commitment: Commitment, week: WeekInput, changed_by: User, *, expected_lock: int | None
) -> DeliveryEntry:
    entry = (
        DeliveryEntry.objects.select_for_update()
        .filter(commitment=commitment, week_starting=week.week_starting)
        .first()
    )
    before = (0, 0, 0) if entry is None else (entry.expected_minutes, entry.delivered_minutes, 1)
    if entry is None:
        entry = DeliveryEntry(commitment=commitment, week_starting=week.week_starting)
        entry.created_by = changed_by
        if expected_lock not in (None, 0):
            lock_check(entry, expected=expected_lock)  # someone deleted it: refuse
    elif expected_lock is not None:
        lock_check(entry, expected=expected_lock)
    else:
        entry.lock += 1  # an import replaces the week; a form read before it is refused
    entry.due = week.due
    entry.expected_minutes = round(minutes_per_week(commitment)) if week.due else 0
    entry.delivered_minutes = week.delivered_minutes if week.due else 0
    entry.missed_minutes = week.missed_minutes if week.due else 0
    entry.missed_reason = week.missed_reason if entry.missed_minutes else ""
    entry.note = week.note.strip()
    entry.modified_by = changed_by
    entry.full_clean(exclude=["commitment"])
    entry.save()
    _add_to_totals(
        commitment,
        week.week_starting,
        expected=entry.expected_minutes - before[0],
        delivered=entry.delivered_minutes - before[1],
        entries=1 - before[2],
    )
    return entry


def _add_to_totals(
    commitment: Commitment, week: dt.date, *, expected: int, delivered: int, entries: int
) -> None:
    la_id = Learner.objects.filter(pk=commitment.learner_id).values_list(
        "responsible_la_id", flat=True
    )[0]
    key = {
        "la_id": la_id,
        "week_starting": week,
        "section": commitment.section,
        "responsible": commitment.responsible,
        "organisation_id": commitment.organisation_id,
        "setting_id": commitment.setting_id,
    }
    changed = WeeklyTotal.objects.filter(**key).update(
        expected_minutes=F("expected_minutes") + expected,
        delivered_minutes=F("delivered_minutes") + delivered,
        entries=F("entries") + entries,
    )
    if not changed:
        WeeklyTotal.objects.create(
            **key, expected_minutes=expected, delivered_minutes=delivered, entries=entries
        )


@transaction.atomic
def delivery_record(
    *,
    commitment_id: int,
    week: WeekInput,
    expected_lock: int,
    changed_by: User,
    today: dt.date | None = None,
) -> DeliveryEntry:
    """Record (or correct) one week of one commitment, from the week's form."""
    today = today or timezone.localdate()
    commitment = Commitment.objects.select_for_update().get(pk=commitment_id)
    if not may_record(changed_by, commitment, on=today):
        raise PermissionDenied
    problems = week_problems(commitment, week, today=today)
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    return _apply(commitment, week, changed_by, expected_lock=expected_lock)


@transaction.atomic
def delivery_import(
    *, weeks: Iterable[tuple[int, WeekInput]], changed_by: User, today: dt.date | None = None
) -> int:
    """Record weeks read from a file (``delivery.csv_format`` checked them line by line):
    all of them or, if any line cannot be saved, none. Returns how many were recorded."""
    count = 0
    for commitment_id, week in weeks:
        commitment = Commitment.objects.get(pk=commitment_id)
        _apply(commitment, week, changed_by, expected_lock=None)
        count += 1
    return count


def delivery_totals_rebuild(*, la_id: int | None = None) -> int:
    """Rebuild the weekly totals from the entries (after a bulk load, or to check them)."""
    entries = DeliveryEntry.objects.all()
    totals = WeeklyTotal.objects.all()
    if la_id is not None:
        entries = entries.filter(commitment__learner__responsible_la_id=la_id)
        totals = totals.filter(la_id=la_id)
    grouped = entries.values(
        "commitment__learner__responsible_la_id",
        "week_starting",
        "commitment__section",
        "commitment__responsible",
        "commitment__organisation_id",
        "commitment__setting_id",
    ).annotate(expected=Sum("expected_minutes"), delivered=Sum("delivered_minutes"), n=Count("id"))
    rows = [
        WeeklyTotal(
            la_id=g["commitment__learner__responsible_la_id"],
            week_starting=g["week_starting"],
            section=g["commitment__section"],
            responsible=g["commitment__responsible"],
            organisation_id=g["commitment__organisation_id"],
            setting_id=g["commitment__setting_id"],
            expected_minutes=g["expected"] or 0,
            delivered_minutes=g["delivered"] or 0,
            entries=g["n"],
        )
        for g in grouped.order_by()
    ]
    with transaction.atomic():
        totals.delete()
        WeeklyTotal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
