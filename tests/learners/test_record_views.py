import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sendplan.learners.models import AuditEvent, SharingNotice
from tests.factories import InvolvementFactory, LearnerFactory, PlacementFactory, SettingFactory


def _record(cast):
    return reverse("learners:record", args=[cast.learner.pk])


@pytest.mark.parametrize("who", ["caseworker", "la_colleague", "senco", "health", "parent"])
def test_everyone_with_a_relationship_can_read_the_record(cast, who):
    response = cast.client_for(getattr(cast, who)).get(_record(cast))
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Jamie Okonkwo-Test</h1>' in response.content.decode()


@pytest.mark.parametrize("who", ["other_senco", "other_health", "other_parent"])
def test_outsiders_get_404(cast, who):
    assert cast.client_for(getattr(cast, who)).get(_record(cast)).status_code == 404


def test_record_refuses_post(cast):
    assert cast.client_for(cast.caseworker).post(_record(cast)).status_code == 405


def test_the_caseworker_and_the_send_manager_see_change_details(cast):
    # The manager changes only the return's items there (ADR 0137); a practitioner nothing.
    change = reverse("learners:change", args=[cast.learner.pk])
    assert change in cast.client_for(cast.caseworker).get(_record(cast)).content.decode()
    assert change in cast.client_for(cast.la_colleague).get(_record(cast)).content.decode()
    assert change not in cast.client_for(cast.health).get(_record(cast)).content.decode()


def test_record_shows_identity_with_nhs_number_in_3_3_4(cast):
    cast.learner.nhs_number = "4857773457"
    cast.learner.save()
    html = cast.client_for(cast.caseworker).get(_record(cast)).content.decode()
    assert "485 777 3457" in html
    assert "F820200109001" in html
    assert "17 May 2014" in html


def test_needs_are_ranked_with_the_primary_need_marked_in_words(cast):
    html = cast.client_for(cast.caseworker).get(_record(cast)).content.decode()
    asd = html.index("Autistic spectrum disorder")
    slcn = html.index("Speech, language and communication needs")
    assert asd < slcn
    assert html.index("Primary need</strong>") < slcn


def test_record_shows_home_involvements_placements_and_consent(cast):
    cast.learner.postcode = "SW2 1RW"
    cast.learner.lsoa_code = "E01003015"
    cast.learner.save()
    old_school = SettingFactory(name="Earlier Primary")
    cast.learner.placements.update(started_on=dt.date(2023, 9, 1))
    PlacementFactory(
        learner=cast.learner,
        setting=old_school,
        started_on=dt.date(2019, 9, 1),
        ended_on=dt.date(2023, 7, 20),
    )
    SharingNotice.objects.create(
        learner=cast.learner,
        purpose=SharingNotice.Purpose.SHARE_HEALTH,
        told="Mother",
        told_on=dt.date(2024, 1, 10),
    )
    html = cast.client_for(cast.caseworker).get(_record(cast)).content.decode()
    assert "SW2 1RW" in html and "E01003015" in html
    assert "Speech and language therapy" in html  # why the health practitioner is involved
    assert "1 September 2024" in html  # since when
    assert "Test Special School" in html
    assert "Earlier Primary" in html and "20 July 2023" in html
    assert "Shared with health for the assessment and plan" in html
    assert "<caption" in html and 'scope="col"' in html


def test_every_read_of_a_record_is_audited(cast):
    before = timezone.now()
    cast.client_for(cast.health).get(_record(cast))
    event = AuditEvent.objects.get()
    assert event.user == cast.health
    assert event.action == AuditEvent.Action.VIEW_RECORD
    assert event.learner == cast.learner
    assert event.at >= before
    assert "Okonkwo" not in event.detail and "F820200109001" not in event.detail


def test_a_refused_read_is_not_recorded_as_a_view(cast):
    cast.client_for(cast.other_health).get(_record(cast))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_RECORD).exists()


def _record_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_record_query_count_does_not_grow_with_learners_or_rows(
    cast, django_assert_max_num_queries
):
    client = cast.client_for(cast.caseworker)
    few = _record_queries(client, _record(cast))
    for _ in range(50):
        LearnerFactory(responsible_la=cast.la)
        InvolvementFactory(learner=cast.learner)
    many = _record_queries(client, _record(cast))
    assert few == many
    # session, user, memberships, learner, may-edit, placements, involvements, needs,
    # consents, sharing notices, exclusions, home education, audit insert, cases (none here:
    # their deadlines need no more), documents (with who added each), and saving the
    # session's last-request time (idle timeout: an UPDATE, in a savepoint in tests)
    with django_assert_max_num_queries(18):
        client.get(_record(cast))
