"""Assigning a request for advice: the organisation's triage role gives a request nobody
there answers yet to a colleague, who then sees it on their home page and writes it.

The requests waiting to be assigned are listed on the triage person's home page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import advice_triage, requires_access, signed_in_user
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.forms import AdviceAssignForm
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.advice.selectors import advice_request_to_assign, advice_status
from sendplan.casework.errors import TransitionRefused
from sendplan.learners.access import advice_assignees
from sendplan.learners.forms import add_service_errors
from sendplan.web.forms import error_summary


def _page(
    request: HttpRequest,
    advice: AdviceRequest,
    form: AdviceAssignForm,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/contributors/assign.html",
        {
            "advice": advice,
            "learner": advice.case.learner,
            "status": advice_status(advice, today=timezone.localdate()),
            "form": form,
            "errors": errors if errors is not None else error_summary(form),
        },
        status=status,
    )


@requires_access(advice_triage)
@require_http_methods(["GET", "POST"])
def advice_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the colleague who writes this advice. Only a request waiting for this user's
    organisation is found: anything else, one already assigned included, is 404."""
    user = signed_in_user(request)
    step = "assign" if request.method == "POST" else "form"
    advice = advice_request_to_assign(user, pk, purpose=f"advice triage: {step}")
    assignees = advice_assignees(advice.organisation_id)
    if request.method == "GET":
        return _page(request, advice, AdviceAssignForm(assignees=assignees))
    form = AdviceAssignForm(request.POST, assignees=assignees)
    if not form.is_valid():
        return _page(request, advice, form)
    try:
        assigned = advice_services.advice_assign(
            advice_request_id=advice.pk,
            assignee=form.cleaned_data["assignee"],
            assigned_by=user,
        )
    except TransitionRefused as refused:
        return _page(
            request, advice, form, errors=[{"href": "#assignee", "text": str(refused)}], status=409
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, advice, form)
    assert assigned.assigned_to is not None
    messages.success(
        request,
        f"{assigned.get_kind_display()} assigned to {assigned.assigned_to.display_name}. "
        "They have been emailed.",
    )
    return redirect("home")
