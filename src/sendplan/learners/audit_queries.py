"""Who has accessed one learner's record, for a breach investigation (ADR 0005).

Only an investigator may ask: someone who holds the LA SEND manager (or commissioner) role
or the administrator role in the learner's responsible local authority. Caseworkers are
left out on purpose: they are the people most often being looked at, and reading the
access log of a colleague's case is itself a disclosure about that colleague. Setting
staff, practitioners and families are never investigators.

The events come from one range scan of the ``(learner, at)`` index, newest first; who did
each one is described from memberships in one more query per page, so a page costs the
same number of queries however many events it shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.db.models import QuerySet
from django.utils import timezone

from sendplan.accounts.access import Standing, standing_for
from sendplan.accounts.models import Membership, Role, User
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.selectors import learners_visible_to
from sendplan.web.spreadsheets import Cell, Table

#: The roles that may see who accessed a learner of their own LA.
INVESTIGATOR_ROLES = frozenset({Role.LA_MANAGER, Role.ADMIN})

#: The start of the detail of the audit event that viewing the access log writes.
ACCESS_LOG_DETAIL = "access log"

CSV_HEADER = (
    "Date and time",
    "User",
    "Username",
    "Role and organisation",
    "Role as of",
    "Action",
    "Detail",
    "Address",
    "Session",
)


def investigator_la_ids(standing: Standing) -> frozenset[int]:
    """The local authorities in which this standing may investigate access to records."""
    return frozenset(
        org_id
        for role, org_id in standing.role_org_ids
        if role in INVESTIGATOR_ROLES and org_id in standing.la_ids
    )


def may_investigate(standing: Standing) -> bool:
    """The coarse page rule: an investigator somewhere. The learner's LA is checked later."""
    return bool(investigator_la_ids(standing))


def may_investigate_learner(*, learner: Learner, user: User) -> bool:
    return learner.responsible_la_id in investigator_la_ids(standing_for(user))


def learner_for_investigator(user: User, pk: int) -> Learner:
    """The learner whose access log the user may read, archived records included.

    A learner the user cannot see at all: 404, as everywhere else. One they can see but
    may not investigate (not their LA's investigator): 403.
    """
    la_ids = investigator_la_ids(standing_for(user))
    learner = Learner.objects.filter(pk=pk, responsible_la_id__in=la_ids).first()
    if learner is not None:
        return learner
    if learners_visible_to(fetched_by=user).filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404("No learner found")


@dataclass(frozen=True)
class Access:
    """One audit event about the learner, described for an investigator."""

    at: dt.datetime
    user_name: str
    username: str
    roles: str  # "LA SEND manager or commissioner, Lambeth Council"; "" if none recorded
    roles_at_the_time: bool  # False: the user's roles now (none were held on the day)
    action: str
    what: str
    detail: str
    address: str = ""  # the client's address, as the request came
    session: str = ""  # a fingerprint linking the events of one signed-in session


def _window(
    since: dt.date | dt.datetime, until: dt.date | dt.datetime
) -> tuple[dt.datetime, dt.datetime, bool]:
    """(start, end, end_is_inclusive). Dates cover whole days in the service's time zone."""

    def start_of(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    start = since if isinstance(since, dt.datetime) else start_of(since)
    if isinstance(until, dt.datetime):
        return start, until, True
    return start, start_of(until + dt.timedelta(days=1)), False


_WHAT: dict[str, str] = {
    AuditEvent.Action.VIEW_RECORD: "Read the record",
    AuditEvent.Action.SEARCH: "In search results",
    AuditEvent.Action.LIST: "In a list",
    AuditEvent.Action.EXPORT: "Exported",
}


def _describe_action(event: AuditEvent) -> str:
    if event.action == AuditEvent.Action.VIEW_RECORD and event.detail.startswith(ACCESS_LOG_DETAIL):
        return "Looked at who has accessed the record"
    return _WHAT.get(event.action, event.get_action_display())


def _role_text(memberships: Iterable[Membership]) -> str:
    return "; ".join(
        f"{m.get_role_display()}, {m.organisation.name}"
        for m in sorted(memberships, key=lambda m: (m.started_on, m.pk))
    )


def _held_on(membership: Membership, day: dt.date) -> bool:
    return membership.started_on <= day and (
        membership.ended_on is None or membership.ended_on >= day
    )


def describe(events: Sequence[AuditEvent], *, today: dt.date | None = None) -> list[Access]:
    """Events (with their users loaded) as ``Access`` rows, in one query for memberships."""
    today = today or timezone.localdate()
    by_user: dict[int, list[Membership]] = defaultdict(list)
    user_ids = {e.user_id for e in events}
    if user_ids:
        for membership in Membership.objects.filter(user_id__in=user_ids).select_related(
            "organisation"
        ):
            by_user[membership.user_id].append(membership)
    rows = []
    for event in events:
        day = timezone.localdate(event.at)
        held = [m for m in by_user[event.user_id] if _held_on(m, day)]
        at_the_time = bool(held)
        if not held:
            held = [m for m in by_user[event.user_id] if _held_on(m, today)]
        rows.append(
            Access(
                at=event.at,
                # The name as it was on the day; before names were kept, today's.
                user_name=event.user_name or event.user.display_name,
                username=event.user.username,
                roles=_role_text(held),
                roles_at_the_time=at_the_time,
                action=event.action,
                what=_describe_action(event),
                detail=event.detail,
                address=event.address or "",
                session=event.session,
            )
        )
    return rows


class AccessLog(Sequence[Access]):
    """The accesses in a window, lazily: ``count()`` and slices each cost fixed queries.

    A Django ``Paginator`` pages it like a queryset.
    """

    def __init__(self, events: QuerySet[AuditEvent]) -> None:
        self._events = events
        self._count: int | None = None

    def count(self) -> int:  # type: ignore[override]  # Paginator calls count() with no value
        if self._count is None:
            self._count = self._events.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Access: ...

    @overload
    def __getitem__(self, index: slice) -> list[Access]: ...

    def __getitem__(self, index: int | slice) -> Access | list[Access]:
        if isinstance(index, slice):
            return describe(list(self._events[index]))
        return describe([self._events[index]])[0]

    def __iter__(self) -> Iterator[Access]:
        return iter(describe(list(self._events)))


def accesses_of(
    *,
    learner: Learner,
    fetched_by: User,
    since: dt.date | dt.datetime,
    until: dt.date | dt.datetime,
) -> AccessLog:
    """The audit events about ``learner`` from ``since`` to ``until`` inclusive, newest first.

    Dates cover whole days (local time); datetimes are exact instants. Only an investigator
    of the learner's LA may ask (``PermissionDenied`` otherwise). Events that do not name a
    learner (a search or list writes counts only) cannot be found here.
    """
    if not may_investigate_learner(learner=learner, user=fetched_by):
        raise PermissionDenied
    return _access_log(learner=learner, since=since, until=until)


def _access_log(
    *, learner: Learner, since: dt.date | dt.datetime, until: dt.date | dt.datetime
) -> AccessLog:
    start, end, end_inclusive = _window(since, until)
    events = AuditEvent.objects.filter(learner_id=learner.pk, at__gte=start)
    events = events.filter(at__lte=end) if end_inclusive else events.filter(at__lt=end)
    # The user's names only: no password hash or email comes along with the join.
    events = events.select_related("user").only(
        "at",
        "action",
        "detail",
        "user_name",
        "session",
        "address",
        "user__username",
        "user__first_name",
        "user__last_name",
    )
    return AccessLog(events.order_by("-at", "-id"))


def accesses_for_command_line(*, learner: Learner, since: dt.date, until: dt.date) -> AccessLog:
    """The same log for ``sendplan audit-accesses``, which has no signed-in user.

    Whoever can run management commands already holds the database credentials, so the
    check is the operating system's; the command writes no learner detail to its log.
    """
    return _access_log(learner=learner, since=since, until=until)


def access_table(accesses: Iterable[Access]) -> Table:
    """Rows for ``web.spreadsheets.to_csv`` (which escapes formula-like text)."""
    rows: list[list[Cell]] = [
        [
            timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M:%S"),
            a.user_name,
            a.username,
            a.roles,
            "at the time" if a.roles_at_the_time else ("now" if a.roles else ""),
            a.what,
            a.detail,
            a.address,
            a.session,
        ]
        for a in accesses
    ]
    return Table(name="Accesses", title="Who has accessed the record", header=CSV_HEADER, rows=rows)
