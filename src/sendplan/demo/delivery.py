"""The demo's delivery log: commitments for every plan in force, a health therapy row for the
learners the demo health practitioners are involved with, and weeks of delivery with
realistic gaps (staff off sick, therapists cancelling, the child absent, weeks not recorded),
so the SENCO, the therapist, the caseworker, the manager and the parent each see real work.

Written with ``bulk_create`` in a few queries; the weekly totals are rebuilt at the end.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sendplan.accounts.models import Organisation, User
from sendplan.casework.plans.models import Plan, PlanProvision, PlanVersion
from sendplan.delivery.models import Commitment, DeliveryEntry, MissedReason
from sendplan.delivery.services import (
    commitments_start,
    delivery_totals_rebuild,
    minutes_per_week,
)
from sendplan.engine import last_weeks
from sendplan.learners.models import Involvement

#: How many weeks back from the demo's day the log is filled in.
WEEKS_LOGGED = 20

#: The health row the demo adds to plans of learners with a health practitioner involved.
THERAPY = ("Speech and language therapy, one to one", "30 minutes", "fortnightly",
           "Speech and language therapist")  # fmt: skip

#: Share of rows delivered well, patchily and poorly (the rest); the printed cast's rows
#: always include some of each.
PROFILES = (0.82, 0.12)


def _holiday(monday: dt.date) -> bool:
    """Weeks with nothing due: summer, the October and February half terms, Christmas,
    Easter (roughly) and the May half term."""
    if monday.month == 8:
        return True
    if monday.month == 10 and monday.day >= 25:
        return True
    if (monday.month == 12 and monday.day >= 22) or (monday.month == 1 and monday.day <= 3):
        return True
    if monday.month == 2 and 12 <= monday.day <= 18:
        return True
    if monday.month == 4 and monday.day <= 14:
        return True
    return monday.month == 5 and monday.day >= 25


def _add_therapy_rows(la: Organisation, health: Organisation, by: User | None) -> int:
    """A row in section G of the plan in force of each learner a demo therapist sees."""
    involved = Involvement.objects.filter(
        organisation=health, kind=Involvement.Kind.HEALTH, ended_on__isnull=True
    ).values("learner_id")
    latest: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.filter(
        plan__learner__responsible_la=la,
        plan__learner_id__in=involved,
        plan__status=Plan.Status.MAINTAINED,
        status=PlanVersion.Status.ISSUED,
    ).order_by("plan_id", "number"):
        latest[version.plan_id] = version
    what, much, often, who = THERAPY
    PlanProvision.objects.bulk_create(
        PlanProvision(version=v, section="G", what=what, how_much=much, how_often=often,
                      delivered_by=who, delivered_by_organisation=health, position=9,
                      created_by=by, modified_by=by)
        for v in latest.values()
    )  # fmt: skip
    return len(latest)


def _week(
    commitment: Commitment,
    monday: dt.date,
    profile: int,
    recent: bool,
    rng: np.random.Generator,
    by: User | None,
) -> DeliveryEntry | None:
    due = round(minutes_per_week(commitment))
    if _holiday(monday):
        return DeliveryEntry(commitment=commitment, week_starting=monday, due=False,
                             expected_minutes=0, created_by=by, modified_by=by)  # fmt: skip
    draw = rng.random()
    if draw < (0.01, 0.04, 0.08)[profile]:
        return None  # not recorded
    session = commitment.minutes_per_session or due
    sessions = max(round(due / session), 1)
    missed_sessions = 0
    reason = ""
    # A good row misses a session now and then when the child is away; a row due less
    # often than weekly is spread over its weeks, so a good one is never short.
    if profile == 0 and commitment.period == "week" and rng.random() < 0.03:
        missed_sessions, reason = 1, MissedReason.LEARNER_ABSENT
    elif profile == 1 and rng.random() < 0.2:
        missed_sessions = max(1, sessions // 2)
        reason = MissedReason.STAFF_ABSENT
    elif profile == 2 and rng.random() < (0.6 if recent else 0.3):
        missed_sessions = max(1, (sessions * 2) // 3)
        reason = (
            MissedReason.PROVIDER_CANCELLED
            if commitment.section == "G"
            else MissedReason.STAFF_ABSENT
        )
    missed = min(due, missed_sessions * session)
    note = {
        MissedReason.STAFF_ABSENT: "Teaching assistant off sick; no cover available.",
        MissedReason.PROVIDER_CANCELLED: "Therapist's clinic cancelled; rebooking.",
        MissedReason.LEARNER_ABSENT: "Absent (medical appointment).",
    }.get(reason, "")  # type: ignore[call-overload]
    return DeliveryEntry(
        commitment=commitment, week_starting=monday, due=True, expected_minutes=due,
        delivered_minutes=due - missed, missed_minutes=missed,
        missed_reason=reason if missed else "", note=note if missed else "",
        created_by=by, modified_by=by,
    )  # fmt: skip


def build_delivery(
    *,
    la: Organisation,
    health: Organisation,
    users: dict[str, User],
    poor_learner_ids: set[int],
    as_at: dt.date,
    seed: int,
) -> dict[str, int]:
    """Write the demo's delivery log; ``poor_learner_ids`` always have a row in shortfall."""
    rng = np.random.default_rng([seed, 135])
    caseworker = users.get("demo.caseworker")
    added = _add_therapy_rows(la, health, caseworker)
    started = commitments_start(
        plans=Plan.objects.filter(learner__responsible_la=la), changed_by=caseworker
    )
    weeks = last_weeks(as_at, WEEKS_LOGGED)
    recorders = {health.pk: users.get("demo.health")}
    entries: list[DeliveryEntry] = []
    commitments = (
        Commitment.objects.filter(learner__responsible_la=la, ended_on__isnull=True)
        .exclude(minutes_per_session__isnull=True)
        .order_by("pk")
    )
    poor_given: set[int] = set()
    for commitment in commitments:
        draw = rng.random()
        profile = 0 if draw < PROFILES[0] else (1 if draw < sum(PROFILES) else 2)
        if commitment.learner_id in poor_learner_ids and commitment.learner_id not in poor_given:
            profile = 2
            poor_given.add(commitment.learner_id)
        by = recorders.get(commitment.organisation_id or 0)
        for i, monday in enumerate(weeks):
            if monday + dt.timedelta(days=6) < commitment.started_on:
                continue
            entry = _week(commitment, monday, profile, i >= len(weeks) - 4, rng, by)
            if entry is not None:
                entries.append(entry)
    DeliveryEntry.objects.bulk_create(entries, batch_size=5000)
    totals = delivery_totals_rebuild(la_id=la.pk)
    return {
        "therapy rows added": added,
        "commitments": started,
        "delivery weeks": len(entries),
        "delivery totals": totals,
    }


def reset_delivery(learners: object) -> int:
    """Delete the demo learners' delivery log (before their plans go)."""
    from django.db.models import QuerySet

    assert isinstance(learners, QuerySet)
    commitments = Commitment.objects.filter(learner__in=learners)
    removed = DeliveryEntry.objects.filter(commitment__in=commitments).delete()[0]
    DeliveryEntry.history.filter(commitment_id__in=commitments.values("pk")).delete()
    Commitment.history.filter(learner_id__in=learners.values("pk")).delete()
    removed += commitments.delete()[0]
    return removed
