"""Who may see what: the one place the roles turn into scopes.

Scopes (Caldicott: minimum necessary, and only while a relationship lasts):

``ALL_IN_LA``
    LA caseworkers, managers and administrators see every learner their LA is
    responsible for.
``SETTING``
    Setting staff see learners placed at their setting now, or whose case involves
    their setting (a consultation on naming it, an open setting involvement).
``INVOLVED``
    Health practitioners, social workers, educational psychologists, parents and
    young people see learners with whom they personally have an open involvement.

Editing a learner's record needs an open caseworker involvement, or the LA
administrator role; everyone else who can see a record may only read it.
Selectors apply these rules to querysets; access helpers apply them to one object.
How much of a record each role then sees (minimum necessary fields) is the table in
``sendplan.learners.fields`` (ADR 0110).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sendplan.accounts.models import Membership, Organisation, Role, User
from sendplan.core.published import Area


class Scope(enum.Enum):
    ALL_IN_LA = "all_in_la"
    SETTING = "setting"
    INVOLVED = "involved"


ROLE_SCOPES: dict[str, Scope] = {
    Role.LA_CASEWORKER: Scope.ALL_IN_LA,
    Role.LA_MANAGER: Scope.ALL_IN_LA,
    Role.ADMIN: Scope.ALL_IN_LA,
    Role.SETTING_STAFF: Scope.SETTING,
    Role.HEALTH: Scope.INVOLVED,
    Role.SOCIAL_WORKER: Scope.INVOLVED,
    Role.EP: Scope.INVOLVED,
    Role.PARENT: Scope.INVOLVED,
    Role.YOUNG_PERSON: Scope.INVOLVED,
}

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
    today = today or timezone.localdate()
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


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
