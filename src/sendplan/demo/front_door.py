"""The demo's front door: one request for an assessment made online by the demo SENCO for a
child new to the council, waiting in the work tray for a caseworker to confirm. The child is
described much as a learner on record is (the showcase child's sibling), so the duplicate
check has something to show."""

from __future__ import annotations

import datetime as dt

from sendplan.casework.case.models import Case
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.casework.intake.services import new_reference
from sendplan.demo.casework_write import Cast
from sendplan.learners.models import Involvement, Learner

#: How long before the demo's day the request arrived.
DAYS_AGO = 3


def build_front_door(cast: Cast, *, as_at: dt.date) -> dict[str, int]:
    """Write the waiting request; return its count."""
    senco = cast.users["demo.senco"]
    setting = cast.orgs[f"setting:{cast.showcase.senco_setting}"]
    known = cast.rows[cast.showcase.sibling]
    received = as_at - dt.timedelta(days=DAYS_AGO)
    learner = Learner.objects.create(
        given_name=known.given_name[:3],
        family_name=known.family_name,
        date_of_birth=known.date_of_birth,
        postcode=known.postcode,
        responsible_la=cast.orgs["la"],
        provisional=True,
        created_by=senco,
    )
    Involvement.objects.create(
        learner=learner,
        kind=Involvement.Kind.SETTING,
        organisation=setting,
        user=senco,
        reason="Asked for an EHC needs assessment",
        started_on=received,
        created_by=senco,
    )
    case = Case.objects.create(
        learner=learner,
        received_on=received,
        source=Case.Source.SETTING,
        requested_by=f"SENCO at {setting.name}, online"[:200],
        created_by=senco,
    )
    AssessmentRequest.objects.create(
        reference=new_reference(),
        channel=AssessmentRequest.Channel.ONLINE,
        case=case,
        requester=senco,
        requester_organisation=setting,
        given_name=learner.given_name,
        family_name=learner.family_name,
        date_of_birth=learner.date_of_birth,
        postcode=learner.postcode,
        school=setting.name,
        needs="Struggles to follow spoken instructions and has few words for their age. "
        "SEN support since Reception has not closed the gap.",
        tried="Small-group language sessions three times a week; advice from the speech and "
        "language therapy service.",
        family_aware=True,
        created_by=senco,
    )
    return {"online requests to confirm": 1}


__all__ = ["build_front_door"]
