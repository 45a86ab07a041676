"""The home page for each role: what each person comes for, one section per role held."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sendplan.accounts.access import FAMILY_ROLES, standing_for
from sendplan.accounts.guards import requires_access, signed_in
from sendplan.accounts.models import Role
from sendplan.home.selectors import home_summary


@requires_access(signed_in)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    standing = standing_for(request.user)  # type: ignore[arg-type]
    # One section per role held, in the order roles are listed, so a person with two
    # roles (a SENCO who is also a parent) sees both.
    roles = [role for role in Role.values if role in standing.roles]
    summary = home_summary(
        fetched_by=request.user,  # type: ignore[arg-type]
        family=bool(standing.roles & FAMILY_ROLES),
    )
    return render(
        request,
        "home/home.html",
        {"roles": roles, "role_labels": dict(Role.choices), "summary": summary},
    )
