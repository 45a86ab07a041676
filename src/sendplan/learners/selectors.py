"""Reads of learners, always on behalf of a user (``fetched_by``).

Every list, page and export of learners goes through ``learners_visible_to``; the single
record goes through ``learner_for_user``. Both apply the scopes in
``sendplan.accounts.access``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sendplan.accounts.access import Scope, Standing, standing_for
from sendplan.accounts.models import Role, User
from sendplan.core.errors import Http404
from sendplan.learners.models import Involvement, Learner, Need, Placement


def _open(today: dt.date) -> Q:
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def learners_visible_to(*, fetched_by: User, today: dt.date | None = None) -> QuerySet[Learner]:
    """Every learner the user may see right now (not archived).

    Relationship scopes are ``pk IN (subquery)`` filters rather than correlated EXISTS: both
    databases evaluate them once, where OR-ed EXISTS made SQLite visit every learner.
    """
    today = today or timezone.localdate()
    standing = standing_for(fetched_by)
    scopes = {s for role in standing.roles if (s := _scope(role)) is not None}
    condition: Q = Q(pk__in=[])
    if Scope.ALL_IN_LA in scopes:
        condition |= Q(responsible_la_id__in=standing.la_ids)
    if Scope.SETTING in scopes and standing.setting_org_ids:
        placed = Placement.objects.filter(
            _open(today), setting__organisation_id__in=standing.setting_org_ids
        )
        involved = Involvement.objects.filter(
            _open(today),
            kind=Involvement.Kind.SETTING,
            organisation_id__in=standing.setting_org_ids,
        )
        condition |= (
            Q(pk__in=placed.values("learner_id"))
            | Q(pk__in=involved.values("learner_id"))
            | Q(pk__in=_consulting(standing).values("case__learner_id"))
        )
    if Scope.INVOLVED in scopes:
        personal = Involvement.objects.filter(_open(today), user=fetched_by)
        condition |= Q(pk__in=personal.values("learner_id"))
    return Learner.objects.filter(condition, archived_at__isnull=True)


def _consulting(standing: Standing) -> QuerySet[Any]:
    """Open cases whose draft plan is out to one of the user's settings for consultation."""
    # Imported here: casework builds on learners, not the other way round.
    from sendplan.casework.models import Consultation, Stage

    return Consultation.objects.filter(
        case__closed_on__isnull=True,
        case__stage__in=[Stage.DRAFTING, Stage.CONSULTING],
        setting__organisation_id__in=standing.setting_org_ids,
    )


def _scope(role: str) -> Scope | None:
    from sendplan.accounts.access import ROLE_SCOPES

    return ROLE_SCOPES.get(role)


def learner_can_edit(*, learner: Learner, user: User, today: dt.date | None = None) -> bool:
    """Only the learner's caseworker (open involvement) or an LA administrator may edit."""
    today = today or timezone.localdate()
    standing = standing_for(user)
    if Role.ADMIN in standing.roles and learner.responsible_la_id in standing.la_ids:
        return True
    return learner.involvements.filter(
        _open(today), kind=Involvement.Kind.CASEWORKER, user=user
    ).exists()


def learner_for_user(user: User, pk: int) -> tuple[Learner, bool]:
    """The learner with this id if the user may see it, and whether they may edit it.

    Not visible: 404, which says nothing about whether the learner exists.
    """
    learner = (
        learners_visible_to(fetched_by=user).select_related("responsible_la").filter(pk=pk).first()
    )
    if learner is None:
        raise Http404("No learner found")
    return learner, learner_can_edit(learner=learner, user=user)


@dataclass(frozen=True)
class LearnerQuery:
    """What a user searched for. Kept server-side (session), never in a URL."""

    text: str = ""
    date_of_birth: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and self.date_of_birth is None


def learner_list(*, fetched_by: User, query: LearnerQuery | None = None) -> QuerySet[Learner]:
    """Learners the user may see, matching the query, with what a list row shows.

    Text matches the start of a given or family name, the whole name, or a UPN exactly.
    The row data come in a fixed number of queries, whatever the number of learners.
    """
    queryset = learners_visible_to(fetched_by=fetched_by)
    if query is not None:
        text = " ".join(query.text.split())
        if text:
            upn_like = text.replace(" ", "").upper()
            match = (
                Q(upn=upn_like) | Q(family_name__istartswith=text) | Q(given_name__istartswith=text)
            )
            if " " in text:
                first, _, rest = text.partition(" ")
                match |= Q(given_name__istartswith=first, family_name__istartswith=rest)
            queryset = queryset.filter(match)
        if query.date_of_birth is not None:
            queryset = queryset.filter(date_of_birth=query.date_of_birth)
    today = timezone.localdate()
    return queryset.prefetch_related(
        Prefetch("needs", queryset=Need.objects.filter(rank=1), to_attr="primary_needs"),
        Prefetch(
            "placements",
            queryset=Placement.objects.filter(_open(today)).select_related("setting"),
            to_attr="current_placements",
        ),
    ).order_by("family_name", "given_name", "id")


def learner_record(*, learner: Learner) -> dict[str, object]:
    """Everything the record page shows, for a learner already checked by learner_for_user."""
    today = timezone.localdate()
    placements = list(
        learner.placements.select_related("setting", "strand").order_by("-started_on")
    )
    involvements = list(
        learner.involvements.select_related("organisation", "user").order_by(
            "ended_on", "-started_on"
        )
    )
    return {
        "needs": list(learner.needs.order_by("rank")),
        "current_placements": [p for p in placements if p.ended_on is None or p.ended_on >= today],
        "past_placements": [p for p in placements if p.ended_on is not None and p.ended_on < today],
        "current_involvements": [
            i for i in involvements if i.ended_on is None or i.ended_on >= today
        ],
        "past_involvements": [
            i for i in involvements if i.ended_on is not None and i.ended_on < today
        ],
        "consents": list(learner.consents.order_by("purpose", "-given_on")),
    }
