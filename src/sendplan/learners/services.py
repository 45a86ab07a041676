"""Writes to the learner record. Every function is keyword-only and atomic."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import QuerySet

from sendplan.accounts.models import User
from sendplan.core.locking import lock_check
from sendplan.core.request_context import current_request_facts
from sendplan.learners.models import AuditEvent, AuditPurge, Learner


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


#: The details of a learner's record that may be changed here; anything else (the
#: responsible LA, archiving, audit columns) has its own service or none.
EDITABLE_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "upn",
        "uln",
        "nhs_number",
        "postcode",
        "lsoa_code",
    }
)


@transaction.atomic
def learner_update(
    *, learner_id: int, expected_lock: int, changed_by: User, changes: Mapping[str, object]
) -> Learner:
    """Change a learner's details (only :data:`EDITABLE_FIELDS`), refusing the save if someone
    else saved since it was read.

    The row is locked while the version is compared, so two saves of the same version
    cannot both succeed; the history table records every accepted change.
    """
    refused = sorted(set(changes) - EDITABLE_FIELDS)
    if refused:
        raise ValueError(f"These learner fields cannot be changed here: {', '.join(refused)}")
    # Lock the row alone: FOR UPDATE cannot reach the nullable side of a join on PostgreSQL.
    learner = Learner.objects.select_for_update().get(pk=learner_id)
    lock_check(learner, expected=expected_lock)
    for name, value in changes.items():
        setattr(learner, name, value)
    learner.modified_by = changed_by
    learner.full_clean()
    learner.save()
    return learner
