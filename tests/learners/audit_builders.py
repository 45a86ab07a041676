"""Audit events at chosen moments, and an LA administrator, for the access-log tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sendplan.accounts.models import Role, User
from sendplan.learners.models import AuditEvent, Learner
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
    made = AuditEvent.objects.create(user=user, learner=learner, action=action, detail=detail)
    # ``at`` is auto_now_add, so the moment is set afterwards.
    AuditEvent.objects.filter(pk=made.pk).update(at=moment)
    made.refresh_from_db()
    return made


def la_admin(cast, username: str = "la-admin") -> User:
    return MembershipFactory(
        user=UserFactory(username=username), organisation=cast.la, role=Role.ADMIN
    ).user
