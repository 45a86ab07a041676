"""The access policy: whether a user may see, change or act for a learner on a given day, and
who is told about a learner's case. Selectors, services, notifications, exports and the API
all ask here; nothing else decides it.

Access needs a relationship that is open on the day (``core.models.open_on``), and ends
when the relationship ends (Caldicott: minimum necessary, and only while it lasts):

``ALL_IN_LA``
    LA caseworkers, managers and administrators see every learner their LA is responsible
    for (their membership of the LA is open).
``SETTING``
    Setting staff see learners placed at their setting now, and learners with an open
    setting involvement at it: the SENCO's own, or a consultation on naming the setting in a
    draft plan, which the consultation opens and the end of the consultation closes.
``INVOLVED``
    Health practitioners, social workers, educational psychologists, parents and young
    people see learners with whom they personally have an open involvement.

Requests for advice are addressed to an organisation. Its members see only those they
answer: named in the request, or assigned to them by a colleague in the triage role, and
only while they work for the organisation asked. The triage role sees the requests nobody
there answers yet, to assign them (``advice_awaiting_triage``); nobody else in the
organisation sees them (ADR 0122).

An involvement is part of the statutory assessment or plan, or (``Involvement.Basis.CONSENT``)
shares the record beyond it: then it gives access only while the family's consent to share
with its organisation stands, from the day given until the day withdrawn (SEND Regulations
2014 reg 17; ADR 0123). Sharing inside the statutory process does not rest on consent.

Changing a learner's record needs an open caseworker involvement, or the LA administrator
role; the SEND manager may correct only the items of the statutory return on a learner their
LA is responsible for (ADR 0137); everyone else who may see a record may only read it. The family speaks for a child
until the end of compulsory school age; from the next day the young person does
(``rights_are_young_persons``). How much of a record each role sees is the table in
``learners.fields`` (ADR 0110).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sendplan.accounts.access import LA_ROLES, standing_for
from sendplan.accounts.models import Membership, Organisation, Role, User
from sendplan.core.models import is_open_on, open_on
from sendplan.engine import compulsory_school_age_ends
from sendplan.learners.fields import INVOLVEMENT_ROLES
from sendplan.learners.models import ConsentToShare, Involvement, Learner, Placement


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

#: The reason recorded on the setting involvement a consultation opens.
CONSULTED = "Consulted on naming the setting in a draft plan"


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# Seeing a learner.


def consents_standing(on: dt.date) -> QuerySet[ConsentToShare]:
    """Consents to share given on or before the day and not withdrawn by it."""
    return ConsentToShare.objects.filter(given_on__lte=on).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )


def involvements_giving_access(on: dt.date) -> Q:
    """Involvements that give access on the day, as a filter on Involvement: open, and
    either part of the statutory process or backed by a consent standing that day."""
    consent = consents_standing(on).filter(
        learner_id=OuterRef("learner_id"), organisation_id=OuterRef("organisation_id")
    )
    return open_on(on) & (Q(basis=Involvement.Basis.STATUTORY) | Q(Exists(consent)))


def consent_stands(*, learner_id: int, organisation_id: int, on: dt.date) -> bool:
    """Whether the family's consent to share with the organisation stands on the day."""
    return (
        consents_standing(on)
        .filter(learner_id=learner_id, organisation_id=organisation_id)
        .exists()
    )


def visible_learners(
    *,
    user: User,
    on: dt.date,
    roles: Collection[str] | None = None,
    involvement_kinds: Collection[str] | None = None,
) -> Q:
    """The learners the user's roles (or only ``roles`` of them) relate them to on ``on``, as
    one filter on Learner; archived learners are for the caller to leave out.

    ``involvement_kinds`` narrows personal involvements to those kinds (None: any kind).
    Relationship scopes are ``pk IN (subquery)`` filters rather than correlated EXISTS: both
    databases evaluate them once, where OR-ed EXISTS made SQLite visit every learner.
    """
    standing = standing_for(user)
    held = standing.roles if roles is None else roles
    scopes = {s for role in held if (s := ROLE_SCOPES.get(role)) is not None}
    condition: Q = Q(pk__in=[])
    if Scope.ALL_IN_LA in scopes:
        condition |= Q(responsible_la_id__in=standing.la_ids)
    if Scope.SETTING in scopes and standing.setting_org_ids:
        placed = Placement.objects.filter(
            open_on(on), setting__organisation_id__in=standing.setting_org_ids
        )
        involved = Involvement.objects.filter(
            involvements_giving_access(on),
            kind=Involvement.Kind.SETTING,
            organisation_id__in=standing.setting_org_ids,
        )
        condition |= Q(pk__in=placed.values("learner_id")) | Q(pk__in=involved.values("learner_id"))
    if Scope.INVOLVED in scopes:
        personal = Involvement.objects.filter(involvements_giving_access(on), user=user)
        if involvement_kinds is not None:
            personal = personal.filter(kind__in=list(involvement_kinds))
        condition |= Q(pk__in=personal.values("learner_id"))
    return condition


def roles_relating(
    *,
    learner: Learner,
    viewer: User,
    involvements: Collection[Involvement],
    placements: Collection[Placement],
    on: dt.date,
) -> frozenset[str]:
    """Which of the viewer's roles give them this learner: :func:`visible_learners` for one
    learner whose ``involvements`` and ``placements`` (all of them) are already loaded."""
    standing = standing_for(viewer)
    roles: set[str] = set()
    consented = {
        i.organisation_id
        for i in involvements
        if i.basis == Involvement.Basis.CONSENT
        and consent_stands(learner_id=learner.pk, organisation_id=i.organisation_id, on=on)
    }
    involvements = [
        i
        for i in involvements
        if i.basis == Involvement.Basis.STATUTORY or i.organisation_id in consented
    ]
    if learner.responsible_la_id in standing.la_ids:
        roles |= standing.roles & LA_ROLES
    if Role.SETTING_STAFF in standing.roles and standing.setting_org_ids:
        at_setting = any(
            is_open_on(p, on) and p.setting.organisation_id in standing.setting_org_ids
            for p in placements
        ) or any(
            is_open_on(i, on)
            and i.kind == Involvement.Kind.SETTING
            and i.organisation_id in standing.setting_org_ids
            for i in involvements
        )
        if at_setting:
            roles.add(Role.SETTING_STAFF)
    for involvement in involvements:
        role = INVOLVEMENT_ROLES.get(involvement.kind)
        if (
            involvement.user_id == viewer.pk
            and is_open_on(involvement, on)
            and role in standing.roles
            and ROLE_SCOPES.get(role) is Scope.INVOLVED
        ):
            roles.add(role)
    return frozenset(roles)


# Changing a learner's record.


def learner_can_edit(*, learner: Learner, user: User, on: dt.date | None = None) -> bool:
    """Only the learner's caseworker (an open involvement) or an LA administrator may edit."""
    on = _today(on)
    standing = standing_for(user)
    if Role.ADMIN in standing.roles and learner.responsible_la_id in standing.la_ids:
        return True
    return learner.involvements.filter(
        open_on(on), kind=Involvement.Kind.CASEWORKER, user=user
    ).exists()


#: The details of a learner's record that may be changed on its details page; anything else
#: (the responsible LA, archiving, audit columns) has its own service or none.
DETAIL_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "upn",
        "uln",
        "nhs_number",
        "postcode",
        "lsoa_code",
        "ethnicity",
        "upn_unknown",
        "social_care",
    }
)
#: Of those, the items of the SEN2 return about the person, which the SEND manager answering
#: for the return may correct on any learner of their LA (ADR 0137).
RETURN_FIELDS = frozenset({"sex", "upn", "uln", "upn_unknown", "ethnicity", "social_care"})


def learner_fields_may_change(
    *, learner: Learner, user: User, on: dt.date | None = None
) -> frozenset[str]:
    """Which of :data:`DETAIL_FIELDS` the user may change on this learner (none: read only)."""
    if learner_can_edit(learner=learner, user=user, on=on):
        return DETAIL_FIELDS
    standing = standing_for(user)
    if Role.LA_MANAGER in standing.roles and learner.responsible_la_id in standing.la_ids:
        return RETURN_FIELDS
    return frozenset()


# Suspensions, exclusions and elective home education (ADR 0145). Who sees them is the
# field table (``learners.fields``); who records them is here.


def exclusion_settings_may_record(
    *, learner: Learner, user: User, on: dt.date | None = None, can_edit: bool | None = None
) -> Q | None:
    """The settings whose suspensions and exclusions of this learner the user may record,
    as a filter on ``provision.Setting``, or None for none: any setting for the learner's
    caseworker or an LA administrator; their own setting for its staff (the SENCO), while
    the learner is at it. The SEND manager and the family read them. ``can_edit``: the
    answer of :func:`learner_can_edit` for today, if the caller has it already."""
    on = _today(on)
    if can_edit is None:
        can_edit = learner_can_edit(learner=learner, user=user, on=on)
    if can_edit:
        return Q()
    standing = standing_for(user)
    if Role.SETTING_STAFF not in standing.roles or not standing.setting_org_ids:
        return None
    at_setting = Learner.objects.filter(
        visible_learners(user=user, on=on, roles=[Role.SETTING_STAFF]), pk=learner.pk
    ).exists()
    if not at_setting:
        return None
    return Q(organisation_id__in=list(standing.setting_org_ids))


def home_education_may_record(*, learner: Learner, user: User, on: dt.date | None = None) -> bool:
    """Whether the user records the learner's elective home education: the caseworker or
    an LA administrator. The council is the one told, and the one that follows it up."""
    return learner_can_edit(learner=learner, user=user, on=on)


def convenes_reviews(user: User, *, on: dt.date | None = None) -> Q:
    """The learners whose annual review this user convenes on the day, as a filter on
    Learner: setting staff, for the learners at their setting (placed there, or with an
    open setting involvement). The head teacher or principal convenes the review
    (Regs 20(1), 21(1)); the SENCO does so for them."""
    return visible_learners(user=user, on=_today(on), roles=[Role.SETTING_STAFF])


def coordinating(user: User, *, on: dt.date | None = None) -> Q:
    """The learners this user is the caseworker for on the day, as a filter on Learner."""
    ids = Involvement.objects.filter(
        open_on(_today(on)), user=user, kind=Involvement.Kind.CASEWORKER
    ).values("learner_id")
    return Q(pk__in=ids)


# The family: who speaks for the learner, and who hears about the case.


def rights_are_young_persons(learner: Learner, *, on: dt.date | None = None) -> bool:
    """Whether the young person, not the parent, makes the decisions on the day: from the
    day after compulsory school age ends (CFA s83(2)). Capacity (CFA s80) is a judgement
    about a person that a caseworker records, not a date this can work out."""
    return is_young_person(learner.date_of_birth, on=on)


def _family_kind(learner: Learner, on: dt.date) -> str:
    if rights_are_young_persons(learner, on=on):
        return Involvement.Kind.YOUNG_PERSON
    return Involvement.Kind.PARENT


def family_learners(user: User, *, on: dt.date | None = None) -> QuerySet[Learner]:
    """The learners this user is a parent of, or is, with the involvement open on the day (a
    parent of a young person still reads their case)."""
    involved = Involvement.objects.filter(
        open_on(_today(on)),
        user=user,
        kind__in=[Involvement.Kind.PARENT, Involvement.Kind.YOUNG_PERSON],
    ).values("learner_id")
    return Learner.objects.filter(pk__in=involved, archived_at__isnull=True)


def family_may_act(user: User, learner: Learner, *, on: dt.date | None = None) -> bool:
    """Whether this user speaks for the family on the day: a parent until compulsory school
    age ends, the young person after it."""
    on = _today(on)
    return Involvement.objects.filter(
        open_on(on), learner=learner, user=user, kind=_family_kind(learner, on)
    ).exists()


def family_recipients(learner: Learner, *, on: dt.date | None = None) -> list[User]:
    """Who hears about a learner's case: whoever speaks for the family on the day, with an
    email address and an active account."""
    on = _today(on)
    family = Involvement.objects.filter(
        open_on(on), learner=learner, kind=_family_kind(learner, on)
    )
    return list(
        User.objects.filter(involvements__in=family, is_active=True).exclude(email="").distinct()
    )


# Working for an organisation.


def organisation_ids(
    user: User, *, on: dt.date | None = None, roles: Collection[str] | None = None
) -> QuerySet[Membership, Any]:
    """The organisations the user works for on the day (in one of ``roles``, if given), as a
    subquery of their ids."""
    memberships = Membership.objects.filter(open_on(_today(on)), user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("organisation_id")


def organisations_with_members(
    organisation_ids: QuerySet[Any, Any], *, roles: Collection[str], on: dt.date | None = None
) -> set[int]:
    """Which of the organisations (a subquery of ids) have an active user in one of
    ``roles`` on the day: who can answer for them in the service, in one query."""
    return set(
        Membership.objects.filter(
            open_on(_today(on)),
            organisation_id__in=organisation_ids,
            role__in=list(roles),
            user__is_active=True,
        ).values_list("organisation_id", flat=True)
    )


def answers_for_setting(
    user: User, setting_organisation_id: int | None, *, on: dt.date | None = None
) -> bool:
    """Whether the user may answer for a setting (a consultation on naming it in a plan):
    they are its staff on the day. A setting with no organisation in the service has none."""
    if setting_organisation_id is None:
        return False
    return Membership.objects.filter(
        open_on(_today(on)),
        user=user,
        organisation_id=setting_organisation_id,
        role=Role.SETTING_STAFF,
    ).exists()


def works_for(user: User, organisation_id: int, *, on: dt.date | None = None) -> bool:
    """Whether the user's membership of the organisation is open on the day."""
    return Membership.objects.filter(
        open_on(_today(on)), user=user, organisation_id=organisation_id
    ).exists()


def organisation_members(
    organisation_id: int, *, roles: Collection[str], on: dt.date | None = None
) -> QuerySet[User]:
    """The active users who hold one of ``roles`` at the organisation on the day."""
    members = Membership.objects.filter(
        open_on(_today(on)), organisation_id=organisation_id, role__in=list(roles)
    ).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True)


#: Roles whose holders record the provision their organisation delivers (ADR 0135).
DELIVERING_ROLES = frozenset({Role.SETTING_STAFF, Role.HEALTH, Role.SOCIAL_WORKER, Role.EP})


def records_delivery_for(user: User, *, on: dt.date | None = None) -> QuerySet[Membership, Any]:
    """The organisations whose provision the user records as delivered, as a subquery of
    ids: those they work for on the day in a role that delivers provision (a SENCO for
    their setting, a therapist for their trust). They record it only for learners they may
    also see (:func:`visible_learners`): the record of a learner who has left the setting,
    or a practitioner no longer involved, closes with the relationship."""
    return organisation_ids(user, on=on, roles=DELIVERING_ROLES)


def caseloads_open_to(user: User, *, on: dt.date | None = None) -> QuerySet[User]:
    """The EHC coordinators whose caseload the user may open: their own, if they coordinate,
    and every coordinator of a council the user is a SEND manager for, on the day."""
    day = _today(on)
    managed = Membership.objects.filter(open_on(day), user=user, role=Role.LA_MANAGER).values(
        "organisation_id"
    )
    coordinators = Membership.objects.filter(open_on(day), role=Role.LA_CASEWORKER).filter(
        Q(user=user) | Q(organisation_id__in=managed)
    )
    return User.objects.filter(pk__in=coordinators.values("user_id"), is_active=True)


# Asking for an EHC needs assessment (the front door).

#: Who may ask for an assessment from their own home page (CFA s36(1); CoP 9.8-9.9), and the
#: involvement the request opens for them on the learner: a parent for their own child, the
#: young person for themselves, and a school or college for a child at it or new to the
#: council (with the family's knowledge where possible).
REQUEST_ROLES: dict[str, str] = {
    Role.PARENT: Involvement.Kind.PARENT,
    Role.YOUNG_PERSON: Involvement.Kind.YOUNG_PERSON,
    Role.SETTING_STAFF: Involvement.Kind.SETTING,
}


def request_roles(user: User) -> list[str]:
    """The user's roles (held today) in which they may ask for an assessment, in the order
    :data:`REQUEST_ROLES` lists them."""
    held = standing_for(user).roles
    return [role for role in REQUEST_ROLES if role in held]


def is_young_person(date_of_birth: dt.date, *, on: dt.date | None = None) -> bool:
    """Whether someone born on the day is a young person on ``on``: over compulsory school
    age (CFA s83(2)), so the request is theirs to make, not their parent's."""
    return _today(on) > compulsory_school_age_ends(date_of_birth)


def children_to_request_for(user: User, *, on: dt.date | None = None) -> QuerySet[Learner]:
    """The children a parent may ask for: their own (an open parent involvement), not yet
    young people, not archived."""
    on = _today(on)
    involved = Involvement.objects.filter(
        open_on(on), user=user, kind=Involvement.Kind.PARENT
    ).values("learner_id")
    return Learner.objects.filter(pk__in=involved, archived_at__isnull=True).filter(
        date_of_birth__gte=_born_after_school_age(on)
    )


def _born_after_school_age(on: dt.date) -> dt.date:
    # The earliest birthday still of compulsory school age on the day; the precise test is
    # ``is_young_person``, this bound only narrows the query (a year either side is safe).
    return on.replace(year=on.year - 18)


def own_record(user: User, *, on: dt.date | None = None) -> Learner | None:
    """The young person's own learner record, if the council has one linked to them."""
    involved = Involvement.objects.filter(
        open_on(_today(on)), user=user, kind=Involvement.Kind.YOUNG_PERSON
    ).values("learner_id")
    return Learner.objects.filter(pk__in=involved, archived_at__isnull=True).first()


def may_request_for(
    user: User, learner: Learner, *, as_role: str, on: dt.date | None = None
) -> bool:
    """Whether the user, in ``as_role``, may ask for an assessment of a learner the council
    knows: a parent for their own child under the end of compulsory school age; a young
    person for themselves after it; setting staff for a learner at their setting."""
    on = _today(on)
    if as_role not in request_roles(user):
        return False
    if as_role == Role.SETTING_STAFF:
        return Learner.objects.filter(
            visible_learners(user=user, on=on, roles=[Role.SETTING_STAFF]), pk=learner.pk
        ).exists()
    young = is_young_person(learner.date_of_birth, on=on)
    if young != (as_role == Role.YOUNG_PERSON):
        return False
    return Involvement.objects.filter(
        open_on(on), learner=learner, user=user, kind=REQUEST_ROLES[as_role]
    ).exists()


def may_request_for_new_child(
    user: User, *, as_role: str, date_of_birth: dt.date, on: dt.date | None = None
) -> bool:
    """Whether the user, in ``as_role``, may ask for a child the council does not know yet:
    a parent for a child not yet a young person; a young person for themselves; setting
    staff for any child (most requests come this way)."""
    if as_role not in request_roles(user):
        return False
    if as_role == Role.SETTING_STAFF:
        return True
    return is_young_person(date_of_birth, on=on) == (as_role == Role.YOUNG_PERSON)


def requesting_organisation(user: User, *, as_role: str, on: dt.date | None = None) -> int | None:
    """The organisation the user asks through in ``as_role`` (their family's, or their
    setting's), the first if several: the organisation of the involvement the request opens."""
    found = (
        Membership.objects.filter(open_on(_today(on)), user=user, role=as_role)
        .order_by("started_on", "pk")
        .values_list("organisation_id", flat=True)
        .first()
    )
    return found


def receiving_council() -> Organisation | None:
    """The council that receives requests made online: the one the service is set up for
    (``SENDPLAN_LA_CODE``), or the only council in the service."""
    councils = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY)
    code = settings.SENDPLAN_LA_CODE
    if code:
        return councils.filter(code=code).first()
    only = list(councils[:2])
    return only[0] if len(only) == 1 else None


def may_confirm_requests(user: User, *, council_id: int) -> bool:
    """Whether the user confirms requests received by the council: an EHC coordinator or
    an administrator of it (today)."""
    standing = standing_for(user)
    return council_id in standing.la_ids and bool(standing.roles & {Role.LA_CASEWORKER, Role.ADMIN})


# Requests for advice: who answers one, and who assigns it.

#: Roles that write advice for the organisation asked, and so may be assigned a request.
ADVISER_ROLES = frozenset({Role.HEALTH, Role.SOCIAL_WORKER, Role.EP, Role.SETTING_STAFF})


def _works_there(person: str, on: dt.date) -> Q:
    # Rows naming a person (``person`` is the column) who works for the organisation asked.
    return Q(
        Exists(
            Membership.objects.filter(
                open_on(on), user_id=OuterRef(person), organisation_id=OuterRef("organisation_id")
            )
        )
    )


def advice_answered_by(user: User, *, on: dt.date | None = None) -> Q:
    """Requests for advice this user answers on the day, as a filter on rows with
    ``organisation``, ``practitioner`` and ``assigned_to``: named in the request or assigned
    to them, while they work for the organisation asked. A leaver, or someone who has moved
    to another organisation, no longer sees a request they were named in or assigned."""
    return Q(organisation_id__in=organisation_ids(user, on=on)) & (
        Q(practitioner=user) | Q(assigned_to=user)
    )


def advice_documents_of(user: User, *, on: dt.date | None = None) -> Q:
    """Documents attached to requests for advice this user answers, as a filter on document
    rows: the practitioner sees the report they attached even for a learner they are not
    otherwise involved with (a child new to the council, say)."""
    return Q(advice_request__organisation_id__in=organisation_ids(user, on=on)) & (
        Q(advice_request__practitioner=user) | Q(advice_request__assigned_to=user)
    )


def advice_answered(*, on: dt.date | None = None) -> Q:
    """Requests somebody answers on the day: the named practitioner or the assignee still
    works for the organisation asked."""
    on = _today(on)
    return _works_there("practitioner_id", on) | _works_there("assigned_to_id", on)


def advice_awaiting_triage(user: User, *, on: dt.date | None = None) -> Q:
    """Requests waiting for this user to assign: asked of an organisation where they hold
    the triage role on the day, with nobody there answering them."""
    on = _today(on)
    desks = Membership.objects.filter(open_on(on), user=user, role=Role.ADVICE_TRIAGE)
    return Q(organisation_id__in=desks.values("organisation_id")) & ~advice_answered(on=on)


def triages_for(user: User, organisation_id: int, *, on: dt.date | None = None) -> bool:
    """Whether the user holds the triage role at the organisation on the day."""
    return Membership.objects.filter(
        open_on(_today(on)), user=user, organisation_id=organisation_id, role=Role.ADVICE_TRIAGE
    ).exists()


def advice_assignees(organisation_id: int, *, on: dt.date | None = None) -> QuerySet[User]:
    """Who a request asked of the organisation may be assigned to on the day: active users
    whose membership there in a role that writes advice is open that day."""
    return organisation_members(organisation_id, roles=ADVISER_ROLES, on=on)


def advice_recipients(
    *,
    organisation_id: int,
    practitioner_id: int | None,
    assigned_to_id: int | None,
    on: dt.date | None = None,
) -> QuerySet[User]:
    """Who is told about a request for advice: whoever answers it (the named practitioner,
    else the assignee) while they work for the organisation asked; failing both, the
    organisation's triage role, who assign it. Active accounts only."""
    on = _today(on)
    for person_id in (practitioner_id, assigned_to_id):
        if person_id is not None:
            person = User.objects.filter(pk=person_id, is_active=True)
            if Membership.objects.filter(
                open_on(on), user_id=person_id, organisation_id=organisation_id
            ).exists():
                return person
    return organisation_members(organisation_id, roles=[Role.ADVICE_TRIAGE], on=on)


__all__ = [
    "REQUEST_ROLES",
    "children_to_request_for",
    "is_young_person",
    "may_confirm_requests",
    "may_request_for",
    "may_request_for_new_child",
    "own_record",
    "receiving_council",
    "request_roles",
    "requesting_organisation",
    "ADVISER_ROLES",
    "CONSULTED",
    "answers_for_setting",
    "organisations_with_members",
    "caseloads_open_to",
    "ROLE_SCOPES",
    "Scope",
    "advice_answered",
    "advice_documents_of",
    "advice_answered_by",
    "advice_assignees",
    "advice_awaiting_triage",
    "advice_recipients",
    "consent_stands",
    "consents_standing",
    "coordinating",
    "family_learners",
    "family_may_act",
    "family_recipients",
    "involvements_giving_access",
    "learner_can_edit",
    "exclusion_settings_may_record",
    "home_education_may_record",
    "organisation_ids",
    "organisation_members",
    "rights_are_young_persons",
    "triages_for",
    "roles_relating",
    "visible_learners",
    "works_for",
]
