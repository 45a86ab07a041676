"""Sending an amendment proposed outside a review to the family (Reg 22). The rule and the
notice are the amendments service's; this page only asks the date and calls it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.casework import clock
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.plans.amendments import amendment_proposals_send
from sendplan.casework.plans.forms import ProposalsSentForm
from sendplan.casework.plans.models import PlanVersion
from sendplan.casework.plans.selectors import (
    compare_versions,
    placement_text,
    plan_sections,
    plan_version_detail,
)
from sendplan.casework.plans.views import draft_for_editing
from sendplan.core.errors import Http404
from sendplan.learners.forms import add_service_errors
from sendplan.web.forms import error_summary


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def amendment_send(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What would change, then the day the proposals went to the family."""
    plan, sections = draft_for_editing(request, plan_id, purpose="send proposed amendments")
    version = sections.version
    if version.purpose != PlanVersion.Purpose.AMENDMENT or version.review_id is not None:
        raise Http404("This draft is not an amendment proposed outside a review")
    form = ProposalsSentForm(request.POST or None, initial={"lock": version.lock})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            amendment_proposals_send(
                version_id=version.pk,
                expected_lock=form.cleaned_data["lock"],
                proposed_on=form.cleaned_data["proposed_on"],
                changed_by=signed_in_user(request),
            )
        except StaleEdit as stale:
            status = 409
            data = request.POST.copy()
            data["lock"] = str(PlanVersion.objects.get(pk=version.pk).lock)
            form = ProposalsSentForm(data)
            form.is_valid()
            form.add_error(None, stale.message(what="this plan"))
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The proposed amendments have been sent to the family")
            return redirect("casework:plan-draft", plan_id=plan.pk)
        status = status if status == 409 else 400
    user = signed_in_user(request)
    based_on = version.based_on_id
    changes = (
        compare_versions(
            plan_sections(plan_version_detail(fetched_by=user, version_id=based_on)), sections
        )
        if based_on is not None
        else []
    )
    return render(
        request,
        "casework/plan/amendment_send.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": version,
            "form": form,
            "errors": error_summary(form),
            "changes": changes,
            "placement": placement_text(version),
            "comments_days": clock.basis("amendment_representations"),
        },
        status=status,
    )
