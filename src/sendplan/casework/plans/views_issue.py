"""Before a draft is issued: confirming that a section advice covered needs no provision,
and issuing itself, GOV.UK check-answers style (a date, a check page with Change links and
anything that stops the issue, then confirm). The rule is the plans service's
(``advised_sections_empty``); these pages only show it and call it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.forms import IssueForm, NoProvisionForm
from sendplan.casework.plans.models import Plan, Section
from sendplan.casework.plans.selectors import (
    ROW_LETTERS,
    PlanSections,
    advice_for_section,
    draft_of,
    placement_text,
)
from sendplan.casework.plans.views import draft_for_editing, stale_errors
from sendplan.core.errors import Http404
from sendplan.learners.forms import add_service_errors
from sendplan.web.forms import error_summary


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def draft_no_provision(request: HttpRequest, plan_id: int, section: str) -> HttpResponse:
    """Confirm that a section advice covered needs no provision in this draft, and why."""
    if section not in ROW_LETTERS:
        raise Http404("This section has no rows")
    plan, sections = draft_for_editing(
        request, plan_id, purpose=f"draft section {section} no provision"
    )
    version = sections.version
    confirmed = next((c for c in version.no_provision.all() if c.section == section), None)
    initial = {"lock": version.lock, "reason": confirmed.reason if confirmed else ""}
    form = NoProvisionForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {
        "plan": plan,
        "learner": plan.learner,
        "version": version,
        "letter": section,
        "section_label": Section(section).label,
        "form": form,
        "advice": advice_for_section(
            fetched_by=signed_in_user(request), version=version, letter=section
        ),
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.plan_no_provision_confirm(
                version_id=version.pk,
                expected_lock=form.cleaned_data["lock"],
                changed_by=signed_in_user(request),
                section=section,
                reason=form.cleaned_data["reason"],
            )
        except StaleEdit as stale:
            data = request.POST.copy()
            data["lock"] = str(draft_of(plan).lock)  # type: ignore[union-attr]
            retry = NoProvisionForm(data)
            retry.is_valid()
            context |= {"form": retry, "errors": stale_errors(stale), "stale": stale}
            return render(request, "casework/plan/no_provision.html", context, status=409)
        except (TransitionRefused, ValidationError) as refused:
            if isinstance(refused, TransitionRefused):
                form.add_error(None, refused.message)
            else:
                add_service_errors(form, refused)
        else:
            messages.success(request, f"No provision is needed in section {section}: recorded")
            return redirect("casework:plan-draft-section", plan_id=plan.pk, section=section)
    context["errors"] = error_summary(form) if request.method == "POST" else []
    return render(request, "casework/plan/no_provision.html", context, status=status)


def _day(text: str | None) -> Any:
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def _issue_context(plan: Plan, sections: PlanSections, form: IssueForm) -> dict[str, Any]:
    version = sections.version
    return {
        "plan": plan,
        "learner": plan.learner,
        "version": version,
        "sections": sections,
        "placement": placement_text(version),
        "form": form,
        "errors": [],
    }


def _issue_check_page(
    request: HttpRequest,
    plan: Plan,
    sections: PlanSections,
    form: IssueForm,
    *,
    errors: list[dict[str, str]] | None = None,
    stale: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    """Check your answers: what will be issued, each part with a Change link, and anything
    that stops the issue (an advised section left empty, no placement) with where to fix it."""
    version = sections.version
    context = _issue_context(plan, sections, form)
    empty = plan_services.advised_sections_empty(version)
    no_placement = version.placement_setting_id is None and not version.placement_type.strip()
    context |= {
        "issued_on": form.cleaned_data["issued_on"],
        "lock": form.cleaned_data["lock"],
        "advised_empty": empty,
        "no_placement": no_placement,
        "may_issue": not empty and not no_placement,
        "no_provision": list(version.no_provision.all()),
        "no_provision_letters": [c.section for c in version.no_provision.all()],
        "errors": errors or [],
        "stale": stale,
    }
    return render(request, "casework/plan/issue_check.html", context, status=status)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def draft_issue_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Issue the draft as the plan, GOV.UK check-answers style: the date (``?on=`` fills it
    in again from a Change link), then a check of everything to be issued, then confirm.

    The date page already refuses a draft changed since it was opened, and a date the law
    does not allow yet, so the check page shows what will really be issued."""
    plan, sections = draft_for_editing(request, plan_id, purpose="issue the draft plan")
    version = sections.version
    if request.method == "GET":
        initial: dict[str, Any] = {"lock": version.lock}
        again = _day(request.GET.get("on"))
        if again is not None:
            initial["issued_on"] = again
        form = IssueForm(initial=initial)
        return render(request, "casework/plan/issue.html", _issue_context(plan, sections, form))
    form = IssueForm(request.POST)
    context = _issue_context(plan, sections, form)
    if not form.is_valid():
        context["errors"] = error_summary(form)
        return render(request, "casework/plan/issue.html", context)
    if form.cleaned_data["lock"] != version.lock:
        stale = StaleEdit.of(version)
        data = request.POST.copy()
        data["lock"] = str(version.lock)
        retry = IssueForm(data)
        retry.is_valid()
        context |= {"form": retry, "errors": stale_errors(stale), "stale": stale}
        return render(request, "casework/plan/issue.html", context, status=409)
    if request.POST.get("confirm") != "yes":
        problems = plan_services.issue_date_problems(version, form.cleaned_data["issued_on"])
        if problems:
            add_service_errors(form, ValidationError(problems))
            context["errors"] = error_summary(form)
            return render(request, "casework/plan/issue.html", context)
        return _issue_check_page(request, plan, sections, form)
    try:
        issued = plan_services.plan_issue(
            version_id=version.pk,
            expected_lock=form.cleaned_data["lock"],
            issued_on=form.cleaned_data["issued_on"],
            changed_by=signed_in_user(request),
        )
    except StaleEdit as stale:
        plan, sections = draft_for_editing(
            request, plan_id, purpose="issue the draft plan, saved since"
        )
        data = request.POST.copy()
        data["lock"] = str(sections.version.lock)
        retry = IssueForm(data)
        retry.is_valid()
        return _issue_check_page(
            request, plan, sections, retry, errors=stale_errors(stale), stale=stale, status=409
        )
    except (TransitionRefused, ValidationError) as refused:
        texts = [refused.message] if isinstance(refused, TransitionRefused) else refused.messages
        errors = [{"href": "#check-answers", "text": str(text)} for text in texts]
        return _issue_check_page(request, plan, sections, form, errors=errors)
    messages.success(request, f"Version {issued.number} of the plan has been issued")
    return redirect("casework:plan-version", plan_id=plan.pk, number=issued.number)
