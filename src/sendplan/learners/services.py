"""Writes to the learner record. Every function is keyword-only and atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from sendplan.accounts.models import Organisation, User
from sendplan.core.errors import PermissionDenied
from sendplan.core.locking import lock_check
from sendplan.core.request_context import current_request_facts
from sendplan.learners.access import (
    DETAIL_FIELDS,
    consent_stands,
    exclusion_settings_may_record,
    home_education_may_record,
    learner_fields_may_change,
)
from sendplan.learners.models import (
    AuditEvent,
    AuditPurge,
    ConsentToShare,
    Exclusion,
    HomeEducation,
    Involvement,
    Learner,
)
from sendplan.provision.models import Setting


def audit_record(
    *, user: User, action: str, learner: Learner | None = None, detail: str = ""
) -> AuditEvent:
    """Write an audit event, with the request's session fingerprint and address and the
    user's name as it is today. Callers pass no names or identifiers in ``detail``."""
    facts = current_request_facts()
    return AuditEvent.objects.create(
        user=user,
        action=action,
        learner=learner,
        detail=detail[:200],
        user_name=user.display_name[:300],
        session=facts.session,
        address=facts.address,
    )


def audit_events_purge(*, events: QuerySet[AuditEvent], reason: str) -> int:
    """Delete audit events on purpose (the demo's own, a retention rule, a flush), which the
    database otherwise refuses. Returns how many went."""
    with transaction.atomic(using=events.db):
        purge = AuditPurge.objects.using(events.db).create(reason=reason[:200])
        deleted, _ = events.delete()
        purge.delete()
    return deleted


def audit_read(*, user: User, learner: Learner, what: str, export: bool = False) -> AuditEvent:
    """Record that ``user`` read ``learner``'s data (or took a copy, ``export``), and where
    (``what``: the page or step, never a name or an identifier). The access helpers call this
    as they return a learner's data, so a page cannot show a learner without it."""
    action = AuditEvent.Action.EXPORT if export else AuditEvent.Action.VIEW_RECORD
    return audit_record(user=user, action=action, learner=learner, detail=what)


def audit_read_many(*, user: User, learner_ids: list[int], what: str, export: bool) -> int:
    """:func:`audit_read` for every learner of a list or a file at once (a statutory return
    names hundreds); one event each, in one insert. Returns how many were written."""
    facts = current_request_facts()
    action = AuditEvent.Action.EXPORT if export else AuditEvent.Action.VIEW_RECORD
    events = [
        AuditEvent(
            user=user,
            action=action,
            learner_id=pk,
            detail=what[:200],
            user_name=user.display_name[:300],
            session=facts.session,
            address=facts.address,
        )
        for pk in dict.fromkeys(learner_ids)
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


#: The details of a learner's record that may be changed (the policy says who may change which).
EDITABLE_FIELDS = DETAIL_FIELDS


@transaction.atomic
def learner_update(
    *, learner_id: int, expected_lock: int, changed_by: User, changes: Mapping[str, object]
) -> Learner:
    """Change a learner's details (only :data:`EDITABLE_FIELDS`), refusing the save if someone
    else saved since it was read, and any field the policy does not let ``changed_by`` change.

    The row is locked while the version is compared, so two saves of the same version
    cannot both succeed; the history table records every accepted change.
    """
    refused = sorted(set(changes) - EDITABLE_FIELDS)
    if refused:
        raise ValueError(f"These learner fields cannot be changed here: {', '.join(refused)}")
    # Lock the row alone: FOR UPDATE cannot reach the nullable side of a join on PostgreSQL.
    learner = Learner.objects.select_for_update().get(pk=learner_id)
    if set(changes) - learner_fields_may_change(learner=learner, user=changed_by):
        raise PermissionDenied
    lock_check(learner, expected=expected_lock)
    for name, value in changes.items():
        setattr(learner, name, value)
    learner.modified_by = changed_by
    learner.full_clean()
    learner.save()
    return learner


# Sharing outside the statutory process rests on the family's consent (ADR 0123).


def _stamped(
    row: ConsentToShare | Involvement | Exclusion | HomeEducation, *, by: User, created: bool
) -> None:
    if created:
        row.created_by = by
    row.modified_by = by
    row.full_clean()
    row.save()


@transaction.atomic
def consent_record(
    *, learner: Learner, organisation: Organisation, given_by: str, given_on: dt.date, by: User
) -> ConsentToShare:
    """Record the family's consent to share the record with an organisation outside the
    statutory assessment and plan."""
    consent = ConsentToShare(
        learner=learner, organisation=organisation, given_by=given_by, given_on=given_on
    )
    _stamped(consent, by=by, created=True)
    return consent


@transaction.atomic
def consent_withdraw(*, consent_id: int, withdrawn_on: dt.date, by: User) -> ConsentToShare:
    """The family withdraw their consent: from that day the involvements it backed give no
    access. The row stays, so the record shows what was allowed and when."""
    consent = ConsentToShare.objects.select_for_update().get(pk=consent_id)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": "This consent has already been withdrawn"})
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": "The date consent was withdrawn must be on or after it was given"}
        )
    consent.withdrawn_on = withdrawn_on
    _stamped(consent, by=by, created=False)
    return consent


@transaction.atomic
def involvement_add(
    *,
    learner: Learner,
    kind: str,
    organisation: Organisation,
    reason: str,
    started_on: dt.date,
    by: User,
    user: User | None = None,
    basis: str = Involvement.Basis.STATUTORY,
) -> Involvement:
    """Record who is involved with the learner. An involvement outside the statutory
    process (``basis`` consent) is refused unless the family's consent to share with its
    organisation stands on the day it starts."""
    if basis == Involvement.Basis.CONSENT and not consent_stands(
        learner_id=learner.pk, organisation_id=organisation.pk, on=started_on
    ):
        raise ValidationError(
            {
                "basis": f"There is no consent from the family to share this record with "
                f"{organisation.name} on that date. Record their consent first, or choose "
                "the statutory assessment or plan if that is why they are involved"
            }
        )
    involvement = Involvement(
        learner=learner,
        kind=kind,
        organisation=organisation,
        user=user,
        reason=reason,
        started_on=started_on,
        basis=basis,
    )
    _stamped(involvement, by=by, created=True)
    return involvement


# Suspensions, exclusions and elective home education (ADR 0145).

#: A suspension may not be for more than 45 school days in a school year (Education Act
#: 2002 s51A and the exclusion regulations), so no one suspension is longer.
MOST_SCHOOL_DAYS = Decimal(45)


@transaction.atomic
def exclusion_record(
    *,
    learner: Learner,
    kind: str,
    started_on: dt.date,
    setting: Setting,
    reason: str,
    by: User,
    school_days: Decimal | None = None,
) -> Exclusion:
    """Record a suspension (with its school days, in halves) or a permanent exclusion
    (without), made by a setting the user may record for (``learners.access``)."""
    _may_record_exclusion_for(learner=learner, user=by, setting_ids={setting.pk})
    _school_days_check(kind, school_days)
    exclusion = Exclusion(
        learner=learner,
        kind=kind,
        started_on=started_on,
        school_days=school_days,
        setting=setting,
        reason=reason,
    )
    _stamped(exclusion, by=by, created=True)
    return exclusion


@transaction.atomic
def home_education_record(
    *,
    learner: Learner,
    started_on: dt.date,
    by: User,
    ended_on: dt.date | None = None,
    notified_on: dt.date | None = None,
) -> HomeEducation:
    """Record a period of elective home education. Refused if it overlaps another period
    of the learner's, or ends before it starts."""
    if not home_education_may_record(learner=learner, user=by):
        raise PermissionDenied
    # Lock the learner so two overlapping periods cannot be added at once.
    Learner.objects.select_for_update().filter(pk=learner.pk).first()
    _home_education_dates_check(learner, started_on, ended_on)
    period = HomeEducation(
        learner=learner, started_on=started_on, ended_on=ended_on, notified_on=notified_on
    )
    _stamped(period, by=by, created=True)
    return period


def _may_record_exclusion_for(*, learner: Learner, user: User, setting_ids: set[int]) -> None:
    """Refuse unless the user records this learner's suspensions for every one of the
    settings (``learners.access``)."""
    allowed = exclusion_settings_may_record(learner=learner, user=user)
    if allowed is None or Setting.objects.filter(allowed, pk__in=setting_ids).count() != len(
        setting_ids
    ):
        raise PermissionDenied


def _school_days_check(kind: str, school_days: Decimal | None) -> None:
    if kind == Exclusion.Kind.SUSPENSION:
        if school_days is None:
            raise ValidationError({"school_days": "Enter how many school days the suspension is"})
        if school_days <= 0 or school_days > MOST_SCHOOL_DAYS or (school_days * 2) % 1:
            raise ValidationError(
                {"school_days": "Enter the school days as a whole or half number, from 0.5 to 45"}
            )
    elif school_days is not None:
        raise ValidationError(
            {"school_days": "A permanent exclusion has no number of days: leave it blank"}
        )


def _home_education_dates_check(
    learner: Learner,
    started_on: dt.date,
    ended_on: dt.date | None,
    *,
    besides: int | None = None,
) -> None:
    """Refuse a period that ends before it starts or overlaps another of the learner's
    (``besides``: the period being corrected). The caller holds the lock on the learner."""
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "The date it ended must be on or after it started"})
    later_than_start = Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    overlapping = HomeEducation.objects.filter(later_than_start, learner=learner)
    if ended_on is not None:
        overlapping = overlapping.filter(started_on__lte=ended_on)
    if besides is not None:
        overlapping = overlapping.exclude(pk=besides)
    if overlapping.exists():
        raise ValidationError(
            {
                "started_on": "This overlaps a period of home education already recorded. "
                "Check the dates, or end the other period first"
            }
        )


# Correcting and removing them (ADR 0145): from the lock the form was read at, so a
# colleague's newer change is never overwritten; the history keeps every version and who
# removed a row.


@transaction.atomic
def exclusion_change(
    *,
    exclusion_id: int,
    expected_lock: int,
    kind: str,
    started_on: dt.date,
    setting: Setting,
    reason: str,
    by: User,
    school_days: Decimal | None = None,
) -> Exclusion:
    """Correct a recorded suspension or exclusion. The user must record for both the
    setting it was recorded against and the one it now names; refused with ``StaleEdit``
    if anyone changed it since ``expected_lock`` was read."""
    exclusion = Exclusion.objects.select_for_update().get(pk=exclusion_id)
    _may_record_exclusion_for(
        learner=exclusion.learner, user=by, setting_ids={exclusion.setting_id, setting.pk}
    )
    lock_check(exclusion, expected=expected_lock)
    _school_days_check(kind, school_days)
    exclusion.kind = kind
    exclusion.started_on = started_on
    exclusion.school_days = school_days
    exclusion.setting = setting
    exclusion.reason = reason
    _stamped(exclusion, by=by, created=False)
    return exclusion


@transaction.atomic
def exclusion_remove(*, exclusion_id: int, expected_lock: int, by: User) -> None:
    """Remove a suspension or exclusion recorded in error, as read at ``expected_lock``;
    its history (every version, and who removed it) stays."""
    exclusion = Exclusion.objects.select_for_update().get(pk=exclusion_id)
    _may_record_exclusion_for(
        learner=exclusion.learner, user=by, setting_ids={exclusion.setting_id}
    )
    lock_check(exclusion, expected=expected_lock)
    exclusion._history_user = by  # type: ignore[attr-defined]
    exclusion.delete()


@transaction.atomic
def home_education_change(
    *,
    period_id: int,
    expected_lock: int,
    started_on: dt.date,
    by: User,
    ended_on: dt.date | None = None,
    notified_on: dt.date | None = None,
) -> HomeEducation:
    """Correct a period of elective home education (end it, or put its dates right).
    Refused if it would overlap another period, or if anyone changed it since
    ``expected_lock`` was read (``StaleEdit``)."""
    learner_id = HomeEducation.objects.values_list("learner_id", flat=True).get(pk=period_id)
    # The learner first, as when adding, so two corrections cannot make an overlap.
    learner = Learner.objects.select_for_update().get(pk=learner_id)
    if not home_education_may_record(learner=learner, user=by):
        raise PermissionDenied
    period = HomeEducation.objects.select_for_update().get(pk=period_id)
    lock_check(period, expected=expected_lock)
    _home_education_dates_check(learner, started_on, ended_on, besides=period.pk)
    period.started_on = started_on
    period.ended_on = ended_on
    period.notified_on = notified_on
    _stamped(period, by=by, created=False)
    return period


@transaction.atomic
def home_education_remove(*, period_id: int, expected_lock: int, by: User) -> None:
    """Remove a period of home education recorded in error, as read at ``expected_lock``;
    its history stays."""
    period = HomeEducation.objects.select_for_update().get(pk=period_id)
    if not home_education_may_record(learner=period.learner, user=by):
        raise PermissionDenied
    lock_check(period, expected=expected_lock)
    period._history_user = by  # type: ignore[attr-defined]
    period.delete()
