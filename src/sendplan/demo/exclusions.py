"""The demo's suspensions, one permanent exclusion and elective home education (ADR 0145).

A handful of the demo caseworker's school-age learners, so that the demo caseworker sees
them on the record and can correct them, and the SEND manager sees them too. Every date is
counted back from the demo's own day (``as_at``), never the clock's, and falls on a weekday.
Written after the rest of the demo, from a generator of their own, so nothing else moves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db.models import QuerySet

from sendplan.accounts.models import Organisation, User
from sendplan.engine import add_months
from sendplan.learners.models import Exclusion, HomeEducation, Learner, Placement
from sendplan.provision.models import Setting

#: Suspensions: (days before the demo's day, school days, reason).
SUSPENSIONS = (
    (12, Decimal("1"), Exclusion.Reason.DISRUPTIVE),
    (40, Decimal("0.5"), Exclusion.Reason.VERBAL_ABUSE_ADULT),
    (75, Decimal("3"), Exclusion.Reason.PHYSICAL_ASSAULT_PUPIL),
    (110, Decimal("2"), Exclusion.Reason.DAMAGE),
    (150, Decimal("1.5"), Exclusion.Reason.DISRUPTIVE),
)
#: The permanent exclusion: days before the demo's day, and the reason.
PERMANENT = (30, Exclusion.Reason.PHYSICAL_ASSAULT_ADULT)


def reset_exclusions(learners: QuerySet[Learner]) -> int:
    """Delete these learners' suspensions, exclusions and home education, and their history
    (before the learners go raw)."""
    removed = Exclusion.objects.filter(learner__in=learners).delete()[0]
    removed += HomeEducation.objects.filter(learner__in=learners).delete()[0]
    ids = learners.values("pk")
    Exclusion.history.filter(learner_id__in=ids).delete()
    HomeEducation.history.filter(learner_id__in=ids).delete()
    return removed


def _weekday(day: dt.date) -> dt.date:
    """The day, or the Friday before it if it falls at a weekend."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _school_age(la: Organisation, as_at: dt.date) -> QuerySet[Learner]:
    return Learner.objects.filter(
        responsible_la=la,
        date_of_birth__lte=add_months(as_at, -6 * 12),
        date_of_birth__gt=add_months(as_at, -16 * 12),
    )


def build_exclusions(
    *, la: Organisation, caseworker: User | None, as_at: dt.date, seed: int
) -> dict[str, int]:
    """Suspend a few of the demo caseworker's learners at their schools, permanently
    exclude one from a mainstream school, and record two periods of home education (one
    ended, one still going, for learners not on a school roll)."""
    if caseworker is None:
        return {}
    rng = np.random.default_rng([seed, 145])
    theirs = _school_age(la, as_at).filter(
        involvements__user=caseworker, involvements__ended_on__isnull=True
    )
    at_school = list(
        Placement.objects.filter(learner__in=theirs, ended_on__isnull=True)
        .exclude(setting__kind__in=[Setting.Kind.POST16, Setting.Kind.OTHER])
        .select_related("setting")
        .order_by("learner_id", "pk")
    )
    if not at_school:
        return {}
    chosen = [at_school[i] for i in sorted(rng.choice(len(at_school), 4, replace=False))]
    rows: list[Exclusion] = []
    for n, (back, days, reason) in enumerate(SUSPENSIONS):
        # The first learner is suspended twice, so the record shows a pattern.
        placement = chosen[max(0, n - 1)]
        rows.append(
            Exclusion(
                learner_id=placement.learner_id,
                kind=Exclusion.Kind.SUSPENSION,
                started_on=_weekday(as_at - dt.timedelta(days=back)),
                school_days=days,
                setting=placement.setting,
                reason=reason,
            )
        )
    mainstream = [
        p for p in at_school if p.setting.kind == Setting.Kind.MAINSTREAM and p not in chosen
    ]
    if mainstream:
        placement = mainstream[int(rng.integers(len(mainstream)))]
        rows.append(
            Exclusion(
                learner_id=placement.learner_id,
                kind=Exclusion.Kind.PERMANENT,
                started_on=_weekday(as_at - dt.timedelta(days=PERMANENT[0])),
                setting=placement.setting,
                reason=PERMANENT[1],
            )
        )
    periods = _home_education(theirs, chosen, as_at)
    for row in [*rows, *periods]:
        row.created_by = row.modified_by = caseworker
        row.full_clean()
        row.save()  # one at a time, so each has its first history row
    return {
        "suspensions": sum(r.kind == Exclusion.Kind.SUSPENSION for r in rows),
        "permanent exclusions": sum(r.kind == Exclusion.Kind.PERMANENT for r in rows),
        "periods of home education": len(periods),
    }


def _home_education(
    theirs: QuerySet[Learner], chosen: list[Placement], as_at: dt.date
) -> list[HomeEducation]:
    """One ended period (the learner went back to school), and one still going for a
    learner of the caseworker's without an open placement, if there is one."""
    periods = [
        HomeEducation(
            learner_id=chosen[-1].learner_id,
            started_on=_weekday(as_at - dt.timedelta(days=420)),
            ended_on=_weekday(as_at - dt.timedelta(days=250)),
            notified_on=_weekday(as_at - dt.timedelta(days=415)),
        )
    ]
    placed = Placement.objects.filter(ended_on__isnull=True).values("learner_id")
    off_roll = theirs.exclude(pk__in=placed).order_by("pk").first()
    if off_roll is not None:
        periods.append(
            HomeEducation(
                learner=off_roll,
                started_on=_weekday(as_at - dt.timedelta(days=55)),
                notified_on=None,  # nobody told the council: it found out at the review
            )
        )
    return periods
