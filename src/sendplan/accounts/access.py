"""Who a signed-in user is: their standing (the roles, LAs and settings of their memberships
open today), computed once per request, and the council whose figures their pages compare
with.

What that standing lets them see and do for a learner is the access policy in
``sendplan.learners.access``; which pages they may open at all, the view guards in
``sendplan.accounts.guards``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sendplan.accounts.models import Membership, Organisation, Role, User
from sendplan.core.models import open_on
from sendplan.core.published import Area

LA_ROLES = frozenset({Role.LA_CASEWORKER, Role.LA_MANAGER, Role.ADMIN})
FAMILY_ROLES = frozenset({Role.PARENT, Role.YOUNG_PERSON})


@dataclass(frozen=True)
class Standing:
    """What a signed-in user's active memberships add up to (computed once per request)."""

    roles: frozenset[str] = frozenset()
    la_ids: frozenset[int] = frozenset()
    setting_org_ids: frozenset[int] = frozenset()
    organisations: tuple[Organisation, ...] = field(default_factory=tuple)
    #: (role, organisation id) of each active membership: which organisation a role is held in.
    role_org_ids: frozenset[tuple[str, int]] = frozenset()

    @property
    def is_la_staff(self) -> bool:
        return bool(self.roles & LA_ROLES)

    @property
    def is_family(self) -> bool:
        return bool(self.roles) and self.roles <= FAMILY_ROLES

    @property
    def can_see_register(self) -> bool:
        # The register of places is for professionals; families see their own child's plan.
        return bool(self.roles - FAMILY_ROLES)

    @property
    def primary_role(self) -> str | None:
        order = list(Role.values)
        return min(self.roles, key=order.index) if self.roles else None


def active_memberships_filter(today: dt.date | None = None) -> Q:
    """Memberships open today (or on ``today``)."""
    return open_on(today or timezone.localdate())


def standing_for(user: User) -> Standing:
    """Return the user's standing, cached on the user object for the request."""
    cached: Standing | None = getattr(user, "_sendplan_standing", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        standing = Standing()
    else:
        memberships = list(
            Membership.objects.filter(active_memberships_filter(), user=user).select_related(
                "organisation"
            )
        )
        standing = Standing(
            roles=frozenset(m.role for m in memberships),
            la_ids=frozenset(
                m.organisation_id
                for m in memberships
                if m.role in LA_ROLES and m.organisation.kind == Organisation.Kind.LOCAL_AUTHORITY
            ),
            setting_org_ids=frozenset(
                m.organisation_id for m in memberships if m.role == Role.SETTING_STAFF
            ),
            organisations=tuple({m.organisation_id: m.organisation for m in memberships}.values()),
            role_org_ids=frozenset((m.role, m.organisation_id) for m in memberships),
        )
    user._sendplan_standing = standing  # type: ignore[attr-defined]
    return standing


def local_area_for(user: User) -> Area | None:
    """The council whose published figures the user's pages compare with, if known."""
    standing = standing_for(user)
    for organisation in standing.organisations:
        if (
            organisation.pk in standing.la_ids
            and organisation.kind == Organisation.Kind.LOCAL_AUTHORITY
            and organisation.code
        ):
            return Area(organisation.code, organisation.name)
    code = settings.SENDPLAN_LA_CODE
    if not code:
        return None
    named = Organisation.objects.filter(
        kind=Organisation.Kind.LOCAL_AUTHORITY, code=code
    ).values_list("name", flat=True)
    return Area(code, named.first() or code)
