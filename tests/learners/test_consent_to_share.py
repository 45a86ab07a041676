"""Consent to share: sharing for the statutory assessment and plan does not rest on it, and
sharing beyond the process lasts only as long as the family's consent (ADR 0123)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from sendplan.accounts.models import Organisation, Role
from sendplan.learners import services
from sendplan.learners.models import ConsentToShare, Involvement, SharingNotice
from sendplan.learners.selectors import learners_visible_to
from tests.casework.conftest import at
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 2)
YESTERDAY, TOMORROW = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)


@pytest.fixture
def charity(cast):
    """A key worker at a family support charity: a service outside the statutory process."""
    organisation = OrganisationFactory(name="Family Support (test)", kind=Organisation.Kind.HEALTH)
    worker = MembershipFactory(
        user=UserFactory(username="keyworker"), organisation=organisation, role=Role.HEALTH
    ).user
    return organisation, worker


def _consent(cast, organisation, *, given_on=dt.date(2025, 1, 6), withdrawn_on=None):
    consent = services.consent_record(
        learner=cast.learner,
        organisation=organisation,
        given_by="Mother",
        given_on=given_on,
        by=cast.caseworker,
    )
    if withdrawn_on is not None:
        services.consent_withdraw(
            consent_id=consent.pk, withdrawn_on=withdrawn_on, by=cast.caseworker
        )
    return consent


def _involve(cast, organisation, worker):
    return Involvement.objects.create(
        learner=cast.learner,
        kind=Involvement.Kind.HEALTH,
        organisation=organisation,
        user=worker,
        reason="Key worker",
        started_on=dt.date(2025, 1, 6),
        basis=Involvement.Basis.CONSENT,
    )


def _sees(cast, worker) -> bool:
    with at(DAY):
        listed = learners_visible_to(fetched_by=worker).filter(pk=cast.learner.pk).exists()
        page = cast.client_for(worker).get(reverse("learners:record", args=[cast.learner.pk]))
    assert listed == (page.status_code == 200), page.status_code
    return listed


def test_sharing_outside_the_process_is_refused_without_consent(cast, charity):
    organisation, worker = charity
    with pytest.raises(ValidationError) as refused:
        services.involvement_add(
            learner=cast.learner,
            kind=Involvement.Kind.HEALTH,
            organisation=organisation,
            user=worker,
            reason="Key worker",
            started_on=DAY,
            basis=Involvement.Basis.CONSENT,
            by=cast.caseworker,
        )
    assert refused.value.message_dict["basis"][0].startswith(
        "There is no consent from the family to share this record with Family Support (test)"
    )
    assert not Involvement.objects.filter(organisation=organisation).exists()


def test_with_consent_the_involvement_is_recorded_and_gives_access(cast, charity):
    organisation, worker = charity
    _consent(cast, organisation)
    involvement = services.involvement_add(
        learner=cast.learner,
        kind=Involvement.Kind.HEALTH,
        organisation=organisation,
        user=worker,
        reason="Key worker",
        started_on=dt.date(2025, 2, 1),
        basis=Involvement.Basis.CONSENT,
        by=cast.caseworker,
    )
    assert involvement.created_by == cast.caseworker
    assert _sees(cast, worker)


def test_consent_for_another_organisation_does_not_count(cast, charity):
    organisation, worker = charity
    _consent(cast, OrganisationFactory(name="Somebody else"))
    _involve(cast, organisation, worker)
    assert not _sees(cast, worker)


@pytest.mark.parametrize(
    ("given_on", "withdrawn_on", "sees"),
    [
        (dt.date(2025, 1, 6), None, True),
        (dt.date(2025, 1, 6), TOMORROW, True),
        (dt.date(2025, 1, 6), DAY, False),
        (dt.date(2025, 1, 6), YESTERDAY, False),
        (DAY, None, True),
        (TOMORROW, None, False),
    ],
    ids=["standing", "withdrawn-tomorrow", "withdrawn-today", "withdrawn-yesterday",
         "given-today", "given-tomorrow"],
)  # fmt: skip
def test_access_lasts_from_the_day_consent_is_given_until_the_day_it_is_withdrawn(
    cast, charity, given_on, withdrawn_on, sees
):
    organisation, worker = charity
    _consent(cast, organisation, given_on=given_on, withdrawn_on=withdrawn_on)
    _involve(cast, organisation, worker)
    assert _sees(cast, worker) is sees


def test_statutory_sharing_does_not_wait_for_consent_or_stop_on_an_objection(cast):
    # The cast's health practitioner is involved for the assessment and plan.
    SharingNotice.objects.create(
        learner=cast.learner,
        purpose=SharingNotice.Purpose.SHARE_HEALTH,
        told="Mother",
        told_on=dt.date(2024, 1, 10),
        objected_on=dt.date(2025, 3, 1),
    )
    assert not ConsentToShare.objects.exists()
    assert cast.learner.involvements.get(user=cast.health).basis == Involvement.Basis.STATUTORY
    assert _sees(cast, cast.health)


def test_withdrawing_twice_or_before_it_was_given_is_refused(cast, charity):
    organisation, _ = charity
    consent = _consent(cast, organisation, given_on=dt.date(2025, 1, 6))
    with pytest.raises(ValidationError) as early:
        services.consent_withdraw(
            consent_id=consent.pk, withdrawn_on=dt.date(2025, 1, 5), by=cast.caseworker
        )
    assert "withdrawn_on" in early.value.message_dict
    services.consent_withdraw(consent_id=consent.pk, withdrawn_on=DAY, by=cast.caseworker)
    with pytest.raises(ValidationError):
        services.consent_withdraw(consent_id=consent.pk, withdrawn_on=TOMORROW, by=cast.caseworker)
    assert ConsentToShare.objects.get(pk=consent.pk).withdrawn_on == DAY


def test_the_record_says_what_consent_governs(cast, charity):
    organisation, _ = charity
    _consent(cast, organisation, withdrawn_on=DAY)
    with at(DAY):
        html = (
            cast.client_for(cast.caseworker)
            .get(reverse("learners:record", args=[cast.learner.pk]))
            .content.decode()
        )
    assert "Consent to share outside the assessment and plan" in html
    assert "Family Support (test)" in html and "Withdrawn on 2 June 2025" in html
    assert "that does not need consent" in html


@pytest.mark.django_db(transaction=True)
def test_recorded_consents_become_sharing_notices_row_for_row(cast):
    """The migration keeps every row, its id and its change stamps; only the words change."""
    executor = MigrationExecutor(connection)
    before = [("learners", "0004_audit_append_only")]
    after = [("learners", "0005_sharing_notices_and_consent_to_share")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    consent = old.get_model("learners", "Consent").objects.create(
        learner_id=cast.learner.pk,
        purpose="share_social_care",
        given_by="Young person",
        given_on=dt.date(2024, 3, 4),
        withdrawn_on=dt.date(2024, 5, 6),
        created_by_id=cast.caseworker.pk,
        modified_by_id=cast.caseworker.pk,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    notice = new.get_model("learners", "SharingNotice").objects.get()
    assert notice.pk == consent.pk
    assert (notice.purpose, notice.told, notice.told_on, notice.objected_on) == (
        "share_social_care",
        "Young person",
        dt.date(2024, 3, 4),
        dt.date(2024, 5, 6),
    )
    assert notice.created_by_id == cast.caseworker.pk
    assert notice.created_at == consent.created_at
    assert not new.get_model("learners", "ConsentToShare").objects.exists()
    # Back to the latest schema, so the tests after this one in the same database find it.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
