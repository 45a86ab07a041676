"""Minimum necessary fields: which groups of a learner's record each role may see.

Caldicott principle 3 (minimum necessary) and ASVS 8.2.3 (field-level authorisation): a
relationship with a learner decides *whether* a user sees the record (``accounts.access``);
this table decides *how much* of it. ADR 0110 gives the reasons for each cell.

==================  ==========  =======  ======  ======  ==  ======
Group               LA staff    Setting  Health  Social  EP  Family
==================  ==========  =======  ======  ======  ==  ======
Identity basics     yes         yes      yes     yes     yes yes
School identifiers  yes         yes      no      no      no  yes
NHS number          yes         no       yes     no      no  yes
Home                yes         no       no      yes     no  yes
Needs               yes         yes      yes     yes     yes yes
Involvements        all         own      own     own     own all
Placements          yes         yes      yes     yes     yes yes
Consent             yes         no       no      no      no  yes
Ethnicity           yes         no       no      no      no  yes
Social care status  yes         no       no      yes     no  yes
Exclusions          yes         yes      no      no      no  yes
Home education      yes         no       no      no      no  yes
==================  ==========  =======  ======  ======  ==  ======

"LA staff" is the EHC coordinator, the SEND manager and the administrator; "Family" is the
parent or carer and the young person. "Own" involvements are those of the viewer's own
organisations (their own among them) plus the EHC coordinator, everyone's point of contact.

Groups come from the roles that actually relate the user to *this* learner (see
``learners.access.roles_relating``): a nurse who is also a parent sees her own child's
whole record, and only the health groups of a patient's.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sendplan.accounts.models import Role
from sendplan.learners.models import Involvement


class FieldGroup(enum.StrEnum):
    #: Name, date of birth, age, sex and the responsible LA: needed to know who this is.
    IDENTITY = "identity"
    #: UPN and ULN (and why neither is known): the education system's identifiers.
    SCHOOL_IDS = "school_ids"
    #: The NHS number: the health and care identifier.
    NHS_NUMBER = "nhs_number"
    #: Postcode and LSOA (and the coordinates derived from them): where the learner lives.
    HOME = "home"
    #: The ranked SEN2 needs.
    NEEDS = "needs"
    #: Every involvement, current and past.
    INVOLVEMENTS = "involvements"
    #: Only involvements of the viewer's own organisations, and the EHC coordinator.
    OWN_INVOLVEMENTS = "own_involvements"
    #: Current and past placements.
    PLACEMENTS = "placements"
    #: Consent to share outside the statutory process, and what the family were told of
    #: the sharing inside it (ADR 0123).
    CONSENT = "consent"
    #: Ethnicity (special category data): held for the SEN2 return and equality monitoring
    #: by the LA (ADR 0128), which no practitioner needs to work with the learner.
    ETHNICITY = "ethnicity"
    #: Children's social care status (child in need, protection plan, looked after, care
    #: leaver): for the SEN2 return and the area SEND inspection, and for social care's work.
    SOCIAL_CARE_STATUS = "social_care_status"
    #: Suspensions and permanent exclusions: the council arranges education after one and
    #: reviews the plan; a school admitting the learner gets the history anyway in the
    #: common transfer file (ADR 0145).
    EXCLUSIONS = "exclusions"
    #: Periods of elective home education: the council's to know and follow up (ADR 0145).
    HOME_EDUCATION = "home_education"


G = FieldGroup

_EVERYTHING = frozenset(FieldGroup) - {G.OWN_INVOLVEMENTS}
# What every professional outside the LA needs to work with the learner.
_PRACTITIONER = frozenset({G.IDENTITY, G.NEEDS, G.OWN_INVOLVEMENTS, G.PLACEMENTS})

ROLE_FIELD_GROUPS: dict[str, frozenset[FieldGroup]] = {
    # The LA holds the statutory duty and shares onwards: it needs the whole record.
    Role.LA_CASEWORKER: _EVERYTHING,
    Role.LA_MANAGER: _EVERYTHING,
    Role.ADMIN: _EVERYTHING,
    # Schools match the learner to their own records (and the school census) by UPN/ULN,
    # and record the suspensions and exclusions they make.
    Role.SETTING_STAFF: _PRACTITIONER | {G.SCHOOL_IDS, G.EXCLUSIONS},
    # Health identifies patients by NHS number; its own systems hold the address.
    Role.HEALTH: _PRACTITIONER | {G.NHS_NUMBER},
    # Social workers visit the home and judge it, so they see where it is; the social care
    # status is their own service's.
    Role.SOCIAL_WORKER: _PRACTITIONER | {G.HOME, G.SOCIAL_CARE_STATUS},
    # Psychological advice needs the needs and the setting the learner is observed in.
    Role.EP: _PRACTITIONER,
    # Triage relates its holder to no learner: they assign requests by name, date of birth
    # and due date on their own page, and see a record only through another role.
    Role.ADVICE_TRIAGE: frozenset({G.IDENTITY}),
    # The family's own record, in their own words: all of it but the education system's
    # identifiers, which are staff codes on a page (a subject access copy includes them).
    Role.PARENT: _EVERYTHING - {G.SCHOOL_IDS},
    Role.YOUNG_PERSON: _EVERYTHING - {G.SCHOOL_IDS},
}

#: The role a personal involvement of each kind stands for, to tell which of a user's roles
#: relates them to a learner (a parent who is also a nurse).
INVOLVEMENT_ROLES: dict[str, str] = {
    Involvement.Kind.CASEWORKER: Role.LA_CASEWORKER,
    Involvement.Kind.SETTING: Role.SETTING_STAFF,
    Involvement.Kind.HEALTH: Role.HEALTH,
    Involvement.Kind.SOCIAL_CARE: Role.SOCIAL_WORKER,
    Involvement.Kind.EP: Role.EP,
    Involvement.Kind.PARENT: Role.PARENT,
    Involvement.Kind.YOUNG_PERSON: Role.YOUNG_PERSON,
}


def _widened(groups: Iterable[FieldGroup]) -> set[FieldGroup]:
    # Seeing every involvement includes seeing one's own.
    wide = set(groups)
    if G.INVOLVEMENTS in wide:
        wide.add(G.OWN_INVOLVEMENTS)
    return wide


def _narrowed(groups: set[FieldGroup]) -> frozenset[FieldGroup]:
    if G.INVOLVEMENTS in groups:
        groups.discard(G.OWN_INVOLVEMENTS)
    return frozenset(groups)


def groups_for_roles(roles: Iterable[str]) -> frozenset[FieldGroup]:
    """Groups any of these roles may see (for the roles that relate a user to one learner).

    >>> G.NHS_NUMBER in groups_for_roles([Role.HEALTH, Role.EP])
    True
    >>> G.HOME in groups_for_roles([Role.HEALTH, Role.EP])
    False
    """
    groups: set[FieldGroup] = set()
    for role in roles:
        groups |= _widened(ROLE_FIELD_GROUPS.get(role, frozenset()))
    return _narrowed(groups)


def groups_for_every_role(roles: Iterable[str]) -> frozenset[FieldGroup]:
    """Groups every one of these roles may see: for lists, which do not check each learner.

    >>> sorted(str(g) for g in groups_for_every_role([Role.LA_MANAGER, Role.SETTING_STAFF]))
    ['exclusions', 'identity', 'needs', 'own_involvements', 'placements', 'school_ids']
    >>> groups_for_every_role([])
    frozenset()
    """
    held = [_widened(ROLE_FIELD_GROUPS.get(role, frozenset())) for role in roles]
    if not held:
        return frozenset()
    return _narrowed(set.intersection(*held))


def roles_with(group: FieldGroup, roles: Iterable[str]) -> frozenset[str]:
    """Those of ``roles`` that may see ``group``."""
    return frozenset(role for role in roles if group in ROLE_FIELD_GROUPS.get(role, frozenset()))
