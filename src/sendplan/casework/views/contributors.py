"""The advice contributors' portal: a practitioner's own requests for advice, and the form
that writes their advice into the plan sections it informs.

Views parse, call a selector or service, and render. URLs carry numeric ids only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.models import User
from sendplan.casework import services_portal
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.forms.portal import AdviceForm
from sendplan.casework.models import AdviceRequest
from sendplan.casework.selectors_portal import (
    ADVICE_SECTIONS,
    SECTION_HINTS,
    advice_addressed_to,
    advice_request_for_user,
    advice_status,
)
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.access import professional, requires_access
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate

ANSWERED_SHOWN = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@requires_access(professional)
@require_GET
def advice_list(request: HttpRequest) -> HttpResponse:
    """Requests for advice addressed to me: outstanding (paged), then the latest answered."""
    user = _user(request)
    today = timezone.localdate()
    page = paginate(request, advice_addressed_to(fetched_by=user, outstanding=True))
    answered = list(advice_addressed_to(fetched_by=user, outstanding=False)[:ANSWERED_SHOWN])
    outstanding = [(a, advice_status(a, today=today)) for a in page.object_list]
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"advice requests page {page.number}, {page.paginator.count} outstanding",
    )
    return render(
        request,
        "casework/contributors/list.html",
        {
            "page_obj": page,
            "page_links": page_links(page),
            "outstanding": outstanding,
            "answered": [(a, advice_status(a, today=today)) for a in answered],
            "overdue": sum(1 for _, s in outstanding if s.late),
        },
    )


def _sections(advice: AdviceRequest) -> tuple[str, ...]:
    return ADVICE_SECTIONS.get(advice.kind, ADVICE_SECTIONS[AdviceRequest.Kind.OTHER])


def _page(
    request: HttpRequest,
    advice: AdviceRequest,
    can_submit: bool,
    form: AdviceForm,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "casework/contributors/advice.html",
        {
            "advice": advice,
            "learner": advice.case.learner,
            "can_submit": can_submit and advice.received_on is None,
            "status": advice_status(advice, today=today),
            "form": form,
            "hints": SECTION_HINTS,
            "given": list(advice.sections.all()) if advice.received_on else [],
            "errors": errors if errors is not None else error_summary(form),
        },
        status=status,
    )


@requires_access(professional)
@require_http_methods(["GET", "POST"])
def advice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: who it is about, when it is due, and the form to send the advice."""
    user = _user(request)
    advice, can_submit = advice_request_for_user(user, pk)
    sections = _sections(advice)
    if request.method == "GET":
        audit_record(
            user=user,
            action=AuditEvent.Action.VIEW_RECORD,
            learner=advice.case.learner,
            detail="advice request",
        )
        return _page(request, advice, can_submit, AdviceForm(sections=sections))
    if not can_submit:
        raise PermissionDenied
    form = AdviceForm(request.POST, sections=sections)
    if not form.is_valid():
        return _page(request, advice, can_submit, form)
    try:
        services_portal.advice_give(
            advice_request_id=advice.pk,
            submitted_by=user,
            sections=form.section_texts(),
            summary=form.cleaned_data["summary"],
        )
    except TransitionRefused as refused:
        errors = [{"href": f"#section_{sections[0]}", "text": str(refused)}]
        return _page(request, advice, can_submit, form, errors=errors, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, advice, can_submit, form)
    return redirect("casework:advice-sent", pk=advice.pk)


@requires_access(professional)
@require_GET
def advice_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation with the reference, once the advice has been sent."""
    advice, _ = advice_request_for_user(_user(request), pk)
    if advice.received_on is None:
        return redirect("casework:advice-detail", pk=advice.pk)
    return render(request, "casework/contributors/sent.html", {"advice": advice})
