"""One case: its deadlines, timeline and advice, the steps allowed at its stage, and a new
request recorded from the learner's record.

The steps themselves are rows of :data:`sendplan.casework.steps.STEPS`. The page only offers
lawful steps; the services still decide, and a refusal (:class:`TransitionRefused`) is shown
in the error summary in their words.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendplan.accounts.guards import la_staff, professional, requires_access, signed_in_user
from sendplan.casework import clock
from sendplan.casework.case import forms as case_forms
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case
from sendplan.casework.case.selectors import case_for_user, outside_the_service
from sendplan.casework.deadlines import deadlines_for
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.family.selectors import (
    family_comments_of,
    family_preference_of,
    preference_to_consult,
)
from sendplan.casework.steps import (
    CASE_PAGE_STEPS,
    RECORD_REQUEST,
    Step,
    case_timeline,
    offered_steps,
)
from sendplan.core.dates import govuk_date
from sendplan.core.errors import PermissionDenied
from sendplan.core.numbers import whole_number
from sendplan.documents.selectors import documents_for
from sendplan.documents.services import may_add_document
from sendplan.learners.selectors import learner_for_user
from sendplan.web.forms import error_summary


def _args(form: forms.Form) -> dict[str, Any]:
    extract = getattr(form, "service_arguments", None)
    return extract() if extract else dict(form.cleaned_data)


@requires_access(professional)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case, can_edit = case_for_user(user, pk, purpose="case page")
    today = timezone.localdate()
    deadlines = deadlines_for(case, today=today)
    advice = list(case.advice_requests.all())
    preference = family_preference_of(case)
    return render(
        request,
        "casework/case/case.html",
        {
            "case": case,
            "can_edit": can_edit,
            "today": today,
            "open_deadlines": [d for d in deadlines if d.is_open],
            "closed_deadlines": [d for d in deadlines if not d.is_open],
            "timeline": case_timeline(case),
            "advice_replied": [a for a in advice if a.received_on],
            "advice_waiting": [a for a in advice if not a.received_on],
            "advice_total": len(advice),
            "consultations": list(case.consultations.all()),
            "outside": outside_the_service(case, today=today),
            "documents": documents_for(user, case=case),
            "can_add_documents": may_add_document(user=user, learner=case.learner),
            "mediations": list(case.mediations.all()),
            "appeals": list(case.appeals.all()),
            "actions": [(s.title, s.url_for(case)) for s in offered_steps(case)]
            if can_edit
            else [],
            "family_comments": family_comments_of(case),
            "preference": preference,
            "consult_preferred": can_edit and preference_to_consult(case, preference),
        },
    )


def _initial(step: Step, item: Any) -> dict[str, Any]:
    if item is None:
        return {}
    names = step.form.base_fields
    return {n: getattr(item, n) for n in names if hasattr(item, n)} | {"expected_lock": item.lock}


def _item_for(step: Step, case: Case, item_pk: int | None) -> Any:
    if item_pk is None:
        return None
    if not step.item:
        raise Http404("No such step")
    related = case.mediations if step.item == "mediation" else case.appeals
    found = related.filter(pk=item_pk).first()
    if found is None:
        raise Http404("No such record on this case")
    return found


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def case_action(
    request: HttpRequest, pk: int, action: str, item_pk: int | None = None
) -> HttpResponse:
    step = CASE_PAGE_STEPS.get(action)
    if step is None:
        raise Http404("No such step")
    user = signed_in_user(request)
    case, can_edit = case_for_user(user, pk, purpose=f"case step: {step.slug}")
    if not can_edit:
        raise PermissionDenied
    item = _item_for(step, case, item_pk)
    if step.plan_page:
        # Taken on the plan's pages, where the answers are checked first: this route never
        # runs it, and a form posted here is not read.
        url = step.plan_page_url(case)
        if url is None:
            raise Http404("This case has no plan yet")
        return redirect(url)
    if request.method == "GET":
        form = step.make_form(case, initial=_initial(step, item))
        return _action_page(request, case, step, form, item)

    form = step.make_form(case, data=request.POST)
    status = 200
    if form.is_valid():
        data = _args(form)
        if item is not None:
            data[f"{step.item}_id"] = item.pk
            # A change posted without the lock it was read at is refused as stale (0 never is).
            data["expected_lock"] = data.get("expected_lock") or 0
        try:
            assert step.run is not None  # every other step on the case page has a service
            step.run(case, data, user)
        except ValidationError as error:
            case_forms.add_service_errors(form, error)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except StaleEdit as stale:
            status = 409
            form.add_error(None, _stale_message(step, stale))
            form = _refresh_lock(step, case, form, item)
        else:
            messages.success(request, step.done)
            return redirect("casework:case", pk=case.pk)
    return _action_page(request, case, step, form, item, status=status)


def _stale_message(step: Step, stale: StaleEdit) -> str:
    # Only a change to a related row (a mediation or appeal) carries a lock on this route.
    return stale.message(what=f"this {step.item}")


def _refresh_lock(step: Step, case: Case, form: forms.Form, item: Any) -> forms.Form:
    # Keep what was typed and take the new lock of the mediation or appeal being changed, so
    # saving again is a deliberate choice.
    data = form.data.copy()  # type: ignore[attr-defined]
    item.refresh_from_db()
    data["expected_lock"] = str(item.lock)
    errors = form.errors.copy()
    fresh = step.make_form(case, data=data)
    fresh.is_valid()
    for message in errors.get("__all__", []):
        fresh.add_error(None, message)
    return fresh


def _action_page(
    request: HttpRequest,
    case: Case,
    step: Step,
    form: forms.Form,
    item: Any,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/case/action.html",
        {
            "case": case,
            "step": step,
            "form": form,
            "item": item,
            "errors": error_summary(form, non_field_anchor="step-form"),
        },
        status=status,
    )


@requires_access(la_staff)
@require_POST
def case_new(request: HttpRequest) -> HttpResponse:
    """Record a request for a learner named in the POST body (never in the URL).

    The learner record's button posts the id alone, which shows the empty form; the form
    posts it back with the answers.
    """
    user = signed_in_user(request)
    learner_pk = whole_number(request.POST.get("learner"))
    if learner_pk is None:
        raise Http404("No learner found")
    learner, can_edit = learner_for_user(user, learner_pk, purpose="record a request")
    if not can_edit:
        raise PermissionDenied
    step = RECORD_REQUEST
    if "received_on_day" not in request.POST:
        form = step.form()
    else:
        form = step.form(request.POST)
        if form.is_valid():
            try:
                if "confirm" not in request.POST or "change" in request.POST:
                    case_services.request_check(
                        learner=learner, received_on=form.cleaned_data["received_on"]
                    )
                    if "change" not in request.POST:
                        return _request_check_page(request, learner, form)
                else:
                    case = case_services.request_record(
                        learner_id=learner.pk,
                        changed_by=user,
                        caseworker=user,
                        **form.cleaned_data,
                    )
                    messages.success(request, step.done)
                    return redirect("casework:case", pk=case.pk)
            except ValidationError as error:
                case_forms.add_service_errors(form, error)
            except TransitionRefused as refused:
                form.add_error(None, refused.message)
    return render(
        request,
        "casework/case/new.html",
        {
            "learner": learner,
            "form": form,
            "errors": error_summary(form, non_field_anchor="step-form"),
        },
    )


def _request_check_page(request: HttpRequest, learner: Any, form: forms.Form) -> HttpResponse:
    """Check the answers before recording: recording starts the legal clock."""
    data = form.cleaned_data
    received = data["received_on"]
    return render(
        request,
        "casework/case/new_check.html",
        {
            "learner": learner,
            "rows": [
                ("Received", govuk_date(received)),
                ("Who made the request", Case.Source(data["source"]).label),
                ("Who asked, in a few words", data["requested_by"]),
            ],
            "hidden": [
                (name, value)
                for name, value in request.POST.items()
                if name not in {"csrfmiddlewaretoken", "confirm", "change"}
            ],
            "decision_due": clock.due(clock.DECISION_TO_ASSESS, received),
        },
    )
