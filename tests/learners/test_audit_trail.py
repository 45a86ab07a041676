"""The audit trail rests on the database, not only the application: its rows cannot be
changed or deleted except by a deliberate purge; each event keeps the session, the address
and the user's name as it was."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sendplan.accounts.models import EnrolmentLink
from sendplan.learners.audit_queries import accesses_of
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_events_purge, audit_record

pytestmark = pytest.mark.django_db(transaction=True)


def _event(cast) -> AuditEvent:
    return audit_record(
        user=cast.caseworker, action=AuditEvent.Action.VIEW_RECORD, learner=cast.learner
    )


def test_the_database_refuses_to_change_an_audit_event(cast):
    event = _event(cast)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="nothing to see")
    event.refresh_from_db()
    assert event.detail == ""


def test_the_database_refuses_to_delete_an_audit_event(cast):
    event = _event(cast)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_deliberate_purge_deletes_and_leaves_no_permission_behind(cast):
    kept, gone = _event(cast), _event(cast)
    assert audit_events_purge(events=AuditEvent.objects.filter(pk=gone.pk), reason="test") == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=kept.pk).delete()


def test_a_page_records_the_session_and_the_address(cast):
    client = cast.client_for(cast.caseworker)
    client.get(reverse("learners:record", args=[cast.learner.pk]), REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get(user=cast.caseworker, learner=cast.learner)
    assert event.address == "192.0.2.7"
    assert len(event.session) == 16
    assert event.session not in (client.session.session_key or "")
    client.get(reverse("learners:record", args=[cast.learner.pk]), REMOTE_ADDR="192.0.2.7")
    sessions = AuditEvent.objects.filter(user=cast.caseworker).values_list("session", flat=True)
    assert len(set(sessions)) == 1


def test_a_renamed_user_is_shown_by_the_name_they_had(cast):
    _event(cast)
    before = cast.caseworker.display_name
    cast.caseworker.first_name, cast.caseworker.last_name = "Renamed", "Person"
    cast.caseworker.save()
    today = timezone.localdate()
    accesses = list(
        accesses_of(learner=cast.learner, fetched_by=cast.la_colleague, since=today, until=today)
    )
    assert [a.user_name for a in accesses] == [before]


def test_the_admin_cannot_delete_an_enrolment_link_or_an_audit_event(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.caseworker
    assert not site._registry[EnrolmentLink].has_delete_permission(request)
    assert not site._registry[AuditEvent].has_delete_permission(request)
