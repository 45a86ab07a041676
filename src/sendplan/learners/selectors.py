"""Reads of learners, always on behalf of a user (``fetched_by``).

Every list, page and export of learners goes through ``learners_visible_to``; the single
record goes through ``learner_for_user``. Both apply the access policy in
``sendplan.learners.access``. How much of a record a user sees (minimum necessary fields)
is the table in ``sendplan.learners.fields``, applied here by ``learner_record`` and
``learner_list``: templates only show what they are given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sendplan.accounts.access import Standing, standing_for
from sendplan.accounts.models import Role, User
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.core.models import open_on
from sendplan.learners.access import (
    ROLE_SCOPES,
    exclusion_settings_may_record,
    home_education_may_record,
    learner_can_edit,
    roles_relating,
    visible_learners,
)
from sendplan.learners.fields import (
    INVOLVEMENT_ROLES,
    FieldGroup,
    groups_for_every_role,
    groups_for_roles,
    roles_with,
)
from sendplan.learners.models import (
    Exclusion,
    HomeEducation,
    Involvement,
    Learner,
    Need,
    Placement,
)
from sendplan.learners.services import audit_read
from sendplan.provision.models import Setting


def learners_visible_to(*, fetched_by: User, today: dt.date | None = None) -> QuerySet[Learner]:
    """Every learner the user may see right now (not archived)."""
    on = today or timezone.localdate()
    return Learner.objects.filter(
        visible_learners(user=fetched_by, on=on), archived_at__isnull=True
    )


def _visible_learner(user: User, pk: int) -> Learner:
    learner = (
        learners_visible_to(fetched_by=user).select_related("responsible_la").filter(pk=pk).first()
    )
    if learner is None:
        raise Http404("No learner found")
    return learner


def learner_for_user(user: User, pk: int, *, purpose: str) -> tuple[Learner, bool]:
    """The learner with this id if the user may see it, and whether they may edit it; the
    read is audited, ``purpose`` naming the page or step (no names or identifiers).

    Not visible: 404, which says nothing about whether the learner exists.
    """
    learner = _visible_learner(user, pk)
    audit_read(user=user, learner=learner, what=purpose)
    return learner, learner_can_edit(learner=learner, user=user)


def learner_record_for_user(user: User, pk: int) -> tuple[dict[str, Any], bool, Learner]:
    """The record page's content for the viewer (:func:`learner_record`), whether they may
    edit it, and the learner; audited with the groups shown, so "who saw this NHS number"
    can be answered later."""
    learner = _visible_learner(user, pk)
    record = learner_record(learner=learner, viewer=user)
    shown = ", ".join(sorted(record["shown"]))
    audit_read(user=user, learner=learner, what=f"shown: {shown}")
    return record, learner_can_edit(learner=learner, user=user), learner


@dataclass(frozen=True)
class LearnerQuery:
    """What a user searched for. Kept server-side (session), never in a URL."""

    text: str = ""
    date_of_birth: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and self.date_of_birth is None


def list_field_groups(*, fetched_by: User) -> frozenset[FieldGroup]:
    """What a list row may show: the groups every role the user holds may see.

    A list does not work out, row by row, which role relates the user to each learner, so it
    shows only what all of them allow. Roles that bring no learner into a list (the triage
    of advice requests) do not narrow it.
    """
    return groups_for_every_role(
        role for role in standing_for(fetched_by).roles if role in ROLE_SCOPES
    )


def may_search_by_upn(*, fetched_by: User) -> bool:
    """Whether any of the user's roles may see UPNs (otherwise a UPN search is ignored)."""
    return bool(roles_with(FieldGroup.SCHOOL_IDS, standing_for(fetched_by).roles))


def _upn_reach(user: User, standing: Standing, today: dt.date) -> Q | None:
    """Learners whose UPN the user may see: through a role allowed UPNs, never another.

    Without this a UPN search would tell a health practitioner which UPN their patient has.
    """
    roles = roles_with(FieldGroup.SCHOOL_IDS, standing.roles)
    if not roles:
        return None
    kinds = [kind for kind, role in INVOLVEMENT_ROLES.items() if role in roles]
    return visible_learners(user=user, on=today, roles=roles, involvement_kinds=kinds)


def learner_list(*, fetched_by: User, query: LearnerQuery | None = None) -> QuerySet[Learner]:
    """Learners the user may see, matching the query, with what a list row shows.

    Text matches the start of a given or family name, the whole name, or a UPN exactly (only
    for learners whose UPN the user may see). Primary needs and current placements are loaded
    only if ``list_field_groups`` allows them. The row data come in a fixed number of queries,
    whatever the number of learners.
    """
    today = timezone.localdate()
    standing = standing_for(fetched_by)
    queryset = learners_visible_to(fetched_by=fetched_by, today=today)
    if query is not None:
        text = " ".join(query.text.split())
        if text:
            match = Q(family_name__istartswith=text) | Q(given_name__istartswith=text)
            upn_reach = _upn_reach(fetched_by, standing, today)
            if upn_reach is not None:
                match |= Q(upn=text.replace(" ", "").upper()) & upn_reach
            if " " in text:
                first, _, rest = text.partition(" ")
                match |= Q(given_name__istartswith=first, family_name__istartswith=rest)
            queryset = queryset.filter(match)
        if query.date_of_birth is not None:
            queryset = queryset.filter(date_of_birth=query.date_of_birth)
    shown = list_field_groups(fetched_by=fetched_by)
    prefetches: list[Prefetch[Any]] = []
    if FieldGroup.NEEDS in shown:
        prefetches.append(
            Prefetch("needs", queryset=Need.objects.filter(rank=1), to_attr="primary_needs")
        )
    if FieldGroup.PLACEMENTS in shown:
        prefetches.append(
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(open_on(today)).select_related("setting"),
                to_attr="current_placements",
            )
        )
    return queryset.prefetch_related(*prefetches).order_by("family_name", "given_name", "id")


@dataclass(frozen=True)
class LearnerIdentity:
    """The identity basics every role that sees the record sees, and nothing else."""

    pk: int
    full_name: str
    date_of_birth: dt.date
    sex: str
    responsible_la: str
    #: Made from a request sent online and not yet confirmed by a caseworker.
    provisional: bool = False


def learner_record(
    *, learner: Learner, viewer: User, today: dt.date | None = None
) -> dict[str, Any]:
    """What the record page shows the viewer, for a learner already checked by learner_for_user.

    Only the groups the viewer's relating roles may see (``learners.fields``) are in the
    result; a withheld group's key is absent, so no template can show it. ``learner`` is a
    ``LearnerIdentity``, not the model, for the same reason. ``shown`` names the groups given.
    """
    today = today or timezone.localdate()
    placements = list(
        learner.placements.select_related("setting", "strand").order_by("-started_on")
    )
    involvements = list(
        learner.involvements.select_related("organisation", "user").order_by(
            "ended_on", "-started_on"
        )
    )
    roles = roles_relating(
        learner=learner,
        viewer=viewer,
        involvements=involvements,
        placements=placements,
        on=today,
    )
    groups = groups_for_roles(roles)
    record: dict[str, Any] = {
        # Related only as family (a parent, the young person): the page speaks to them in
        # their own words, without staff codes.
        "family_view": bool(roles) and set(roles) <= {Role.PARENT, Role.YOUNG_PERSON},
        "learner": LearnerIdentity(
            pk=learner.pk,
            full_name=learner.full_name,
            date_of_birth=learner.date_of_birth,
            sex=learner.get_sex_display(),
            responsible_la=learner.responsible_la.name,
            provisional=learner.provisional,
        ),
    }
    if FieldGroup.SCHOOL_IDS in groups:
        record["school_ids"] = {
            "upn": learner.upn,
            "uln": learner.uln,
            "upn_unknown": learner.get_upn_unknown_display() if learner.upn_unknown else "",
        }
    if FieldGroup.ETHNICITY in groups:
        record["ethnicity"] = learner.get_ethnicity_display() if learner.ethnicity else ""
    if FieldGroup.SOCIAL_CARE_STATUS in groups:
        record["social_care"] = learner.get_social_care_display()
    if FieldGroup.NHS_NUMBER in groups:
        record["nhs_number"] = learner.nhs_number_display
    if FieldGroup.HOME in groups:
        record["home"] = {"postcode": learner.postcode, "lsoa_code": learner.lsoa_code}
    if FieldGroup.NEEDS in groups:
        record["needs"] = list(learner.needs.order_by("rank"))
    if FieldGroup.PLACEMENTS in groups:
        record["current_placements"] = [p for p in placements if not _ended(p, today)]
        record["past_placements"] = [p for p in placements if _ended(p, today)]
    if FieldGroup.OWN_INVOLVEMENTS in groups:
        # Only the organisations of the roles that relate the viewer to this learner: a nurse
        # who is also a parent does not see her patient's family through her own family.
        own_orgs = {org for role, org in standing_for(viewer).role_org_ids if role in roles}
        involvements = [
            i
            for i in involvements
            if i.organisation_id in own_orgs
            or i.user_id == viewer.pk
            or i.kind == Involvement.Kind.CASEWORKER
        ]
    if groups & {FieldGroup.INVOLVEMENTS, FieldGroup.OWN_INVOLVEMENTS}:
        record["current_involvements"] = [i for i in involvements if not _ended(i, today)]
        record["past_involvements"] = [i for i in involvements if _ended(i, today)]
        record["involvements_own_only"] = FieldGroup.OWN_INVOLVEMENTS in groups
    if FieldGroup.EXCLUSIONS in groups:
        record["exclusions"] = list(learner.exclusions.select_related("setting"))
    if FieldGroup.HOME_EDUCATION in groups:
        record["home_education"] = list(learner.home_education_periods.all())
    if FieldGroup.CONSENT in groups:
        record["consents"] = list(learner.consents.select_related("organisation"))
        record["sharing_notices"] = list(learner.sharing_notices.order_by("purpose", "-told_on"))
    # The template asks "is this group shown?"; both involvement groups read as one section.
    shown = {str(g) for g in groups}
    if FieldGroup.OWN_INVOLVEMENTS in groups:
        shown.add(str(FieldGroup.INVOLVEMENTS))
    record["shown"] = frozenset(shown)
    return record


def _ended(row: Placement | Involvement, today: dt.date) -> bool:
    return row.ended_on is not None and row.ended_on < today


# Recording suspensions, exclusions and elective home education (ADR 0145).


def exclusion_settings_for(
    user: User, pk: int, *, purpose: str
) -> tuple[Learner, QuerySet[Setting]]:
    """The learner (read audited, as :func:`learner_for_user`) and the settings whose
    suspensions and exclusions of them the user may record, of those the learner has been
    placed at or the user works for (not every school in the register); refused if the
    user may record none."""
    learner, _ = learner_for_user(user, pk, purpose=purpose)
    allowed = exclusion_settings_may_record(learner=learner, user=user)
    if allowed is None:
        raise PermissionDenied
    return learner, _settings_offered(learner, user, allowed)


def _settings_offered(
    learner: Learner, user: User, allowed: Q, *, also: int | None = None
) -> QuerySet[Setting]:
    own = list(standing_for(user).setting_org_ids)
    known = Q(pk__in=learner.placements.values("setting_id")) | Q(organisation_id__in=own)
    if also is not None:
        known |= Q(pk=also)
    return Setting.objects.filter(allowed).filter(known).order_by("name", "pk")


def home_education_learner_for(user: User, pk: int, *, purpose: str) -> Learner:
    """The learner whose elective home education the user records (read audited); refused
    unless they may (:func:`~sendplan.learners.access.home_education_may_record`)."""
    learner, _ = learner_for_user(user, pk, purpose=purpose)
    if not home_education_may_record(learner=learner, user=user):
        raise PermissionDenied
    return learner


def may_record_exclusions(*, learner: Learner, user: User, can_edit: bool) -> bool:
    """Whether the record page offers the user "Add a suspension or exclusion" (``can_edit``:
    whether they may edit the record, which the page knows already)."""
    allowed = exclusion_settings_may_record(learner=learner, user=user, can_edit=can_edit)
    return allowed is not None


def exclusion_for(
    user: User, pk: int, exclusion_id: int, *, purpose: str
) -> tuple[Learner, Exclusion, QuerySet[Setting]]:
    """A suspension or exclusion of the learner to correct or remove (the read audited, as
    :func:`learner_for_user`), and the settings the correction may name: those offered when
    adding, and the one it was recorded against. Refused unless the user records for that
    setting; not found if it is not this learner's (or was removed)."""
    learner, _ = learner_for_user(user, pk, purpose=purpose)
    allowed = exclusion_settings_may_record(learner=learner, user=user)
    if allowed is None:
        raise PermissionDenied
    exclusion = learner.exclusions.select_related("setting").filter(pk=exclusion_id).first()
    if exclusion is None:
        removal = _removal(Exclusion, learner=learner, row_id=exclusion_id)
        if removal is None:
            raise Http404("No such suspension or exclusion")
        if not Setting.objects.filter(allowed, pk=removal.setting_id).exists():
            raise PermissionDenied  # as it would have been before it was removed
        raise RowRemoved.of(removal, learner=learner, event="exclusion")
    if not Setting.objects.filter(allowed, pk=exclusion.setting_id).exists():
        raise PermissionDenied
    return learner, exclusion, _settings_offered(learner, user, allowed, also=exclusion.setting_id)


def exclusions_may_change(
    *, learner: Learner, user: User, exclusions: list[Exclusion], can_edit: bool
) -> frozenset[int]:
    """Which of the learner's suspensions and exclusions (as the record page shows them)
    the user may correct or remove: those of the settings they record for."""
    if not exclusions:
        return frozenset()
    allowed = exclusion_settings_may_record(learner=learner, user=user, can_edit=can_edit)
    if allowed is None:
        return frozenset()
    settings = {e.setting_id for e in exclusions}
    if can_edit:  # the caseworker or an LA administrator: every setting
        mine = settings
    else:
        mine = set(Setting.objects.filter(allowed, pk__in=settings).values_list("pk", flat=True))
    return frozenset(e.pk for e in exclusions if e.setting_id in mine)


def home_education_for(
    user: User, pk: int, period_id: int, *, purpose: str
) -> tuple[Learner, HomeEducation]:
    """A period of the learner's elective home education to correct or remove (the read
    audited); refused unless the user records them, not found if it is not this learner's."""
    learner = home_education_learner_for(user, pk, purpose=purpose)
    period = learner.home_education_periods.filter(pk=period_id).first()
    if period is None:
        removal = _removal(HomeEducation, learner=learner, row_id=period_id)
        if removal is None:
            raise Http404("No such period of home education")
        raise RowRemoved.of(removal, learner=learner, event="home_education")
    return learner, period


class RowRemoved(Exception):
    """A row of the learner's record that a user meant to change or remove has been
    removed already (by a colleague, or in another tab): who removed it and when, as its
    history says. Raised only after the same access checks as for the row itself, so only
    someone who could have changed the row learns this; anyone else gets the plain 404."""

    def __init__(
        self, *, learner: Learner, event: str, removed_by: str, removed_at: dt.datetime
    ) -> None:
        self.learner = learner
        self.event = event  # "exclusion" or "home_education", as the removal page's
        self.removed_by = removed_by  # empty when history has no user (an import, say)
        self.removed_at = removed_at
        super().__init__(f"{event} already removed")

    @classmethod
    def of(cls, removal: Any, *, learner: Learner, event: str) -> RowRemoved:
        who = removal.history_user
        return cls(
            learner=learner,
            event=event,
            removed_by=who.display_name if who is not None else "",
            removed_at=removal.history_date,
        )


def _removal(model: type[Exclusion] | type[HomeEducation], *, learner: Learner, row_id: int) -> Any:
    """The history record of the row's removal from this learner's record, if it was one of
    theirs and was removed; None otherwise."""
    return (
        model.history.filter(id=row_id, learner_id=learner.pk, history_type="-")  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )


def may_record_home_education(*, can_edit: bool) -> bool:
    """Whether the record page offers the user "Add a period of home education": whoever
    may edit the record (:func:`~sendplan.learners.access.home_education_may_record`)."""
    return can_edit
