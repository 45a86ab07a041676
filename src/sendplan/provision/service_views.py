"""Local services in the register (ADR 0147): the list, one service's page, and the forms
that add and change one. Parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import la_staff, professional, requires_access, signed_in_user
from sendplan.core.errors import StaleEdit
from sendplan.core.locking import lock_of
from sendplan.engine import NEEDS
from sendplan.learners.forms import add_service_errors
from sendplan.provision import services
from sendplan.provision.forms import LocalServiceForm, local_service_initial
from sendplan.provision.models import LocalService
from sendplan.provision.selectors import (
    can_edit_register,
    check_register_edit,
    local_service_for_user,
    local_service_list,
)
from sendplan.web.forms import error_summary


@requires_access(professional)
@require_GET
def local_services(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "provision/local_services.html",
        {"services": local_service_list(fetched_by=user), "can_edit": can_edit_register(user)},
    )


@requires_access(professional)
@require_GET
def local_service(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = local_service_for_user(user, pk)
    return render(
        request,
        "provision/local_service.html",
        {
            "service": found,
            "needs": [NEEDS[code] for code in found.need_codes],
            "can_edit": can_edit_register(user),
        },
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def local_service_add(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def local_service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, pk)


def _edit(request: HttpRequest, pk: int | None) -> HttpResponse:
    """GET shows the form; POST saves through the service, re-showing what was typed with
    the errors, or with the newer lock when someone else saved first."""
    user = signed_in_user(request)
    check_register_edit(user)
    row = local_service_for_user(user, pk) if pk is not None else None
    form = LocalServiceForm(request.POST or None, initial=local_service_initial(row))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.local_service_save(
                changed_by=user,
                expected_lock=form.cleaned_data["expected_lock"],
                pk=pk,
                **form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            data = request.POST.copy()
            # Only a change can be stale: an added service has nothing to be stale against.
            assert pk is not None
            data["expected_lock"] = str(lock_of(LocalService.objects.get(pk=pk)))
            form = LocalServiceForm(data)
            form.is_valid()
            form.add_error(None, stale.message(what="this service"))
            status = 409
        else:
            verb = "added to" if pk is None else "changed in"
            messages.success(request, f"{saved.name} has been {verb} the register")
            return redirect("provision:local-service", pk=saved.pk)
    context: dict[str, Any] = {
        "form": form,
        "service": row,
        "errors": error_summary(form) if request.method == "POST" else [],
        "heading": "Add a local service" if row is None else f"Change {row.name}",
        "cancel": reverse("provision:local-services")
        if row is None
        else reverse("provision:local-service", args=[row.pk]),
    }
    return render(request, "provision/local_service_form.html", context, status=status)
