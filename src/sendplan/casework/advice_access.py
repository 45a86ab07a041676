"""Who an advice request is addressed to: the one rule the portal's lists, its pages and the
services that write advice all apply."""

from __future__ import annotations

from django.db.models import Q

from sendplan.accounts.access import active_memberships_filter
from sendplan.accounts.models import Membership, User
from sendplan.casework.models import AdviceRequest


def addressed_to(user: User) -> Q:
    """Requests naming this user, or naming nobody at an organisation they belong to now."""
    org_ids = Membership.objects.filter(active_memberships_filter(), user=user).values(
        "organisation_id"
    )
    return Q(practitioner=user) | Q(practitioner__isnull=True, organisation_id__in=org_ids)


def is_addressed_to(user: User, advice: AdviceRequest) -> bool:
    """Whether ``advice`` was asked of this user (one query)."""
    return AdviceRequest.objects.filter(addressed_to(user), pk=advice.pk).exists()
