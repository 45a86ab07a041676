"""The home page for each role, and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from sendplan.accounts.access import FAMILY_ROLES, standing_for
from sendplan.accounts.models import Role
from sendplan.web.access import requires_access, signed_in
from sendplan.web.selectors import home_summary


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
        "web/home.html",
        {"roles": roles, "role_labels": dict(Role.choices), "summary": summary},
    )


# Error pages. They name no record and repeat nothing from the request, so a 404 for
# someone else's learner looks exactly like a 404 for a learner that does not exist.


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke may be in the context processors or the database.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
