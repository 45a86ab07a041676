"""Builders for the portal and family page tests: cases with advice requests, and family
members of the cast's learner. Dates follow tests/casework/conftest.py."""

from __future__ import annotations

import datetime as dt

from sendplan.accounts.models import Organisation, Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Stage
from sendplan.learners.models import Involvement
from tests.casework.conftest import ADVICE, DECISION, DRAFT, FINAL, REQUEST, TODAY, at, make_case
from tests.factories import InvolvementFactory, LearnerFactory, MembershipFactory, UserFactory

__all__ = [
    "ADVICE",
    "DECISION",
    "DRAFT",
    "FINAL",
    "REQUEST",
    "TODAY",
    "advice_for",
    "at",
    "health_org",
    "make_case",
    "young_person_case",
]

ADVICE_DUE = dt.date(2025, 3, 25)  # 6 weeks after ADVICE


def health_org(cast) -> Organisation:
    return cast.learner.involvements.get(user=cast.health).organisation


def advice_for(cast, *, named: bool = True, kind: str = AdviceRequest.Kind.HEALTH, case=None):
    """A case being assessed with one request for advice to the cast's health trust."""
    case = case or make_case(cast, Stage.ASSESSING)
    return advice_services.advice_request(
        case_id=case.pk,
        kind=kind,
        organisation_id=health_org(cast).pk,
        requested_on=ADVICE,
        practitioner=cast.health if named else None,
        changed_by=cast.caseworker,
    )


def young_person_case(cast, stage: str = Stage.CONSULTING):
    """A 17-year-old with a young-person account and a parent account, with a case at stage.

    Returns (case, young_person, parent).
    """
    learner = LearnerFactory(responsible_la=cast.la, date_of_birth=dt.date(2008, 1, 10))
    family = Organisation.objects.create(name="Family (test)", kind=Organisation.Kind.FAMILY)
    young = MembershipFactory(
        user=UserFactory(username="young"), organisation=family, role=Role.YOUNG_PERSON
    ).user
    parent = MembershipFactory(
        user=UserFactory(username="yp-parent"), organisation=family, role=Role.PARENT
    ).user
    for user, kind in ((young, Involvement.Kind.YOUNG_PERSON), (parent, Involvement.Kind.PARENT)):
        InvolvementFactory(
            learner=learner, kind=kind, organisation=family, user=user, reason="Family"
        )
    InvolvementFactory(
        learner=learner,
        kind=Involvement.Kind.CASEWORKER,
        organisation=cast.la,
        user=cast.caseworker,
        reason="EHC coordinator",
    )
    return make_case(cast, stage, learner=learner), young, parent
