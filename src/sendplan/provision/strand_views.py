"""A provision strand's page in the register, and the confirmation that makes a SEN unit or
resourced provision an inclusion base (ADR 0148). Parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import la_staff, professional, requires_access, signed_in_user
from sendplan.core.errors import StaleEdit
from sendplan.core.locking import lock_of
from sendplan.provision import services
from sendplan.provision.forms import ConvertStrandForm
from sendplan.provision.selectors import (
    can_edit_register,
    check_register_edit,
    strand_for_user,
    strand_history,
)


@requires_access(professional)
@require_GET
def strand(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = strand_for_user(user, pk)
    return render(
        request,
        "provision/strand.html",
        {
            "strand": found,
            "setting": found.setting,
            "can_convert": can_edit_register(user) and not services.not_convertible(found),
            "history": strand_history(fetched_by=user, strand_id=found.pk),
        },
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def strand_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST converts through the service. A refusal (another kind, or a
    colleague's newer change) re-shows the page saying why, with the strand as it now is."""
    user = signed_in_user(request)
    check_register_edit(user)
    found = strand_for_user(user, pk)
    form = ConvertStrandForm(request.POST or None, initial={"expected_lock": lock_of(found)})
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.convert_to_inclusion_base(
                converted_by=user,
                strand_id=found.pk,
                expected_lock=form.cleaned_data["expected_lock"],
            )
        except ValidationError as error:
            errors = [{"href": "#convert", "text": " ".join(error.messages)}]
        except StaleEdit as stale:
            errors = [
                {
                    "href": "#convert",
                    "text": stale.message(
                        what="these places",
                        then="Check them below, then convert them again if you still want to",
                    ),
                }
            ]
            status = 409
        else:
            messages.success(request, f"{found.setting.name}: the places are now an inclusion base")
            return redirect("provision:strand", pk=found.pk)
        # Refused: show the strand as it now is, with the lock to confirm against.
        found = strand_for_user(user, pk)
        form = ConvertStrandForm(initial={"expected_lock": lock_of(found)})
    elif request.method == "POST":
        errors = [{"href": "#convert", "text": "Open the page again, then confirm"}]
    return render(
        request,
        "provision/strand_convert.html",
        {
            "strand": found,
            "setting": found.setting,
            "form": form,
            "refusal": services.not_convertible(found),
            "errors": errors,
        },
        status=status,
    )
