"""Audit events at chosen moments, and an LA administrator, for the access-log tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from sendplan.accounts.models import Role, User
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.services import audit_record
from tests.factories import MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def event(
    user: User,
    learner: Learner | None,
    moment: dt.datetime,
    action: str = AuditEvent.Action.VIEW_RECORD,
    detail: str = "shown: identity",
) -> AuditEvent:
    # Written at the moment itself: the trail cannot be changed afterwards.
    with time_machine.travel(moment, tick=False):
        return audit_record(user=user, learner=learner, action=action, detail=detail)


def la_admin(cast, username: str = "la-admin") -> User:
    return MembershipFactory(
        user=UserFactory(username=username), organisation=cast.la, role=Role.ADMIN
    ).user
