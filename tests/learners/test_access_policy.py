"""The access policy at the edges of each relationship: ended yesterday, starting tomorrow,
moved to another organisation, left the school, archived; and the day rights pass to the
young person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sendplan.accounts.models import Membership, Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.selectors import advice_requests_for, is_addressed_to
from sendplan.casework.case.models import Stage
from sendplan.casework.notifications import adviser_recipients
from sendplan.engine import compulsory_school_age_ends
from sendplan.learners import access
from sendplan.learners.models import Involvement, Learner
from sendplan.learners.selectors import learners_visible_to
from tests.casework.conftest import ADVICE, at, make_case
from tests.factories import InvolvementFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 3)
YESTERDAY, TOMORROW = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)


def _sees(user, learner: Learner, on: dt.date = TODAY) -> bool:
    return learners_visible_to(fetched_by=user, today=on).filter(pk=learner.pk).exists()


def _health_membership(cast) -> Membership:
    return cast.health.memberships.get(role=Role.HEALTH)


@pytest.mark.parametrize(
    ("started", "ended", "sees"),
    [
        (dt.date(2024, 9, 1), YESTERDAY, False),
        (dt.date(2024, 9, 1), TODAY, True),
        (TOMORROW, None, False),
        (TODAY, None, True),
    ],
)
def test_an_involvement_gives_access_only_on_the_days_it_is_open(cast, started, ended, sees):
    cast.learner.involvements.filter(user=cast.health).update(started_on=started, ended_on=ended)
    assert _sees(cast.health, cast.learner) is sees


def test_a_senco_loses_the_learner_the_day_after_the_placement_ends(cast):
    cast.learner.placements.update(ended_on=TODAY)
    assert _sees(cast.senco, cast.learner, TODAY)
    assert not _sees(cast.senco, cast.learner, TOMORROW)


def test_nobody_sees_an_archived_learner(cast):
    from django.utils import timezone

    Learner.objects.filter(pk=cast.learner.pk).update(archived_at=timezone.now())
    assert not _sees(cast.caseworker, cast.learner)
    assert not _sees(cast.parent, cast.learner)


@pytest.mark.parametrize(
    ("started", "ended", "works"),
    [
        (dt.date(2020, 1, 1), YESTERDAY, False),
        (dt.date(2020, 1, 1), TODAY, True),
        (TOMORROW, None, False),
    ],
)
def test_working_for_an_organisation_follows_the_membership_dates(cast, started, ended, works):
    membership = _health_membership(cast)
    Membership.objects.filter(pk=membership.pk).update(started_on=started, ended_on=ended)
    assert access.works_for(cast.health, membership.organisation_id, on=TODAY) is works


def test_a_practitioner_who_left_no_longer_sees_or_hears_of_advice_naming_them(cast):
    with at(ADVICE):
        advice = advice_services.advice_request(
            case_id=make_case(cast, Stage.ASSESSING).pk,
            kind="health",
            organisation_id=_health_membership(cast).organisation_id,
            requested_on=ADVICE,
            practitioner=cast.health,
            changed_by=cast.caseworker,
        )
        assert is_addressed_to(cast.health, advice)
        # Moved to a school: the trust membership ends, a new one begins elsewhere.
        Membership.objects.filter(pk=_health_membership(cast).pk).update(ended_on=ADVICE)
        school = OrganisationFactory(name="New school", kind="setting")
        MembershipFactory(user=cast.health, organisation=school, role=Role.SETTING_STAFF)
    with at(ADVICE + dt.timedelta(days=1)):
        assert not is_addressed_to(cast.health, advice)
        assert not advice_requests_for(fetched_by=cast.health).filter(pk=advice.pk).exists()
        assert adviser_recipients(advice) == []


def test_advice_cannot_be_asked_of_someone_not_working_for_the_organisation(cast):
    elsewhere = OrganisationFactory(name="Another trust", kind="health")
    with at(ADVICE), pytest.raises(ValidationError) as refused:
        advice_services.advice_request(
            case_id=make_case(cast, Stage.ASSESSING).pk,
            kind="health",
            organisation_id=elsewhere.pk,
            requested_on=ADVICE,
            practitioner=cast.health,
            changed_by=cast.caseworker,
        )
    assert refused.value.message_dict["practitioner"] == [
        "Choose someone who works for the organisation asked"
    ]


def test_rights_pass_to_the_young_person_the_day_after_compulsory_school_age_ends(cast):
    learner = cast.learner
    last_day = compulsory_school_age_ends(learner.date_of_birth)
    young_person = MembershipFactory(
        organisation=OrganisationFactory(kind="family"), role=Role.YOUNG_PERSON
    ).user
    InvolvementFactory(
        learner=learner,
        kind=Involvement.Kind.YOUNG_PERSON,
        organisation=young_person.memberships.get().organisation,
        user=young_person,
        started_on=learner.date_of_birth,
    )
    assert not access.rights_are_young_persons(learner, on=last_day)
    assert access.family_may_act(cast.parent, learner, on=last_day)
    assert not access.family_may_act(young_person, learner, on=last_day)
    assert access.family_recipients(learner, on=last_day) == [cast.parent]
    next_day = last_day + dt.timedelta(days=1)
    assert access.rights_are_young_persons(learner, on=next_day)
    assert not access.family_may_act(cast.parent, learner, on=next_day)
    assert access.family_may_act(young_person, learner, on=next_day)
    assert access.family_recipients(learner, on=next_day) == [young_person]
    # The parent still reads the case with the young person.
    assert access.family_learners(cast.parent, on=next_day).filter(pk=learner.pk).exists()
