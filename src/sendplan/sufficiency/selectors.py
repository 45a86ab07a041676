"""Reads for the sufficiency pages, scoped to the LA the user works for.

Sufficiency figures are the LA's own planning: only its staff see them (the views say so
with ``requires_access(la_staff)``), and each of them sees their own LA's rows only.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, User
from sendplan.sufficiency.models import Assumptions, ForecastRun, NewProvision, Scenario


def la_code_for(user: User) -> str:
    """The LA code of the user's LA membership; 404 when they have none with a code."""
    standing = standing_for(user)
    for organisation in standing.organisations:
        if (
            organisation.pk in standing.la_ids
            and organisation.kind == Organisation.Kind.LOCAL_AUTHORITY
            and organisation.code
        ):
            return organisation.code
    raise Http404("No local authority")


def assumptions_for(*, fetched_by: User) -> Assumptions:
    """The LA's assumptions; the defaults, unsaved, until someone saves them."""
    la_code = la_code_for(fetched_by)
    found = Assumptions.objects.filter(la_code=la_code).first()
    return found or Assumptions(la_code=la_code)


def assumption_history(*, fetched_by: User, limit: int = 50) -> list[object]:
    """Saved versions of the assumptions, newest first, with who saved them."""
    la_code = la_code_for(fetched_by)
    return list(
        Assumptions.history.filter(la_code=la_code)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def new_provision_list(*, fetched_by: User) -> list[NewProvision]:
    return list(NewProvision.objects.filter(la_code=la_code_for(fetched_by)))


def new_provision_history(*, fetched_by: User, limit: int = 50) -> list[object]:
    return list(
        NewProvision.history.filter(la_code=la_code_for(fetched_by))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def scenario_list(*, fetched_by: User) -> list[Scenario]:
    return list(Scenario.objects.filter(la_code=la_code_for(fetched_by)))


def scenario_for_user(user: User, pk: int) -> Scenario:
    """Another LA's scenario is not yours: 404."""
    return get_object_or_404(Scenario, pk=pk, la_code=la_code_for(user))


def latest_run(*, fetched_by: User) -> ForecastRun | None:
    """The newest run that finished with figures: the one the pages show."""
    return (
        ForecastRun.objects.filter(
            la_code=la_code_for(fetched_by), status=ForecastRun.Status.SUCCEEDED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def current_run(*, fetched_by: User) -> ForecastRun | None:
    """A run waiting or in progress, if any (shown as the status on every page)."""
    return (
        ForecastRun.objects.filter(
            la_code=la_code_for(fetched_by),
            status__in=[ForecastRun.Status.QUEUED, ForecastRun.Status.RUNNING],
        )
        .defer("outputs")
        .order_by("-created_at", "-pk")
        .first()
    )


def run_for_user(user: User, pk: int) -> ForecastRun:
    return get_object_or_404(ForecastRun, pk=pk, la_code=la_code_for(user))


def run_list(*, fetched_by: User, limit: int = 20) -> list[ForecastRun]:
    return list(
        ForecastRun.objects.filter(la_code=la_code_for(fetched_by))
        .defer("outputs", "inputs")
        .select_related("requested_by")[:limit]
    )
