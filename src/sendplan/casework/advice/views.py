"""The advice pages for contributors (health, social care, educational psychologists, settings):
the requests addressed to them, and giving advice with a draft, a check of the answers and
send.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import professional, requires_access, signed_in_user
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.forms import AdviceForm
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.advice.selectors import (
    ADVICE_SECTIONS,
    SECTION_HINTS,
    advice_addressed_to,
    advice_request_for_user,
    advice_status,
)
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.plans.models import Section
from sendplan.documents.forms import AdviceReportForm
from sendplan.documents.models import Document
from sendplan.documents.selectors import documents_for
from sendplan.documents.services import document_add
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate

ANSWERED_SHOWN = 20


@requires_access(professional)
@require_GET
def advice_list(request: HttpRequest) -> HttpResponse:
    """Requests for advice addressed to me: outstanding (paged), then the latest answered."""
    user = signed_in_user(request)
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


def _detail_url(advice: AdviceRequest, *, check: bool = False) -> str:
    url = reverse("casework:advice-detail", args=[advice.pk])
    return f"{url}?action=check" if check else url


def _page(
    request: HttpRequest,
    advice: AdviceRequest,
    can_submit: bool,
    form: AdviceForm,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    report_form: AdviceReportForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    may_write = can_submit and advice.received_on is None
    return render(
        request,
        "casework/contributors/advice.html",
        {
            "advice": advice,
            "learner": advice.case.learner,
            "can_submit": may_write,
            # Drafts are shown only to those asked for the advice.
            "draft_saved": advice if may_write and advice.draft is not None else None,
            "status": advice_status(advice, today=today),
            "form": form,
            "hints": SECTION_HINTS,
            "given": list(advice.sections.all()) if advice.received_on else [],
            "documents": list(documents_for(signed_in_user(request)).filter(advice_request=advice)),
            "report_form": report_form or AdviceReportForm(),
            "errors": errors if errors is not None else error_summary(form),
        },
        status=status,
    )


def _check_page(
    request: HttpRequest,
    advice: AdviceRequest,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The check-your-answers page, read from the saved draft: sending posts no text."""
    draft = advice.draft or {}
    texts = draft.get("sections", {})
    rows = [(s, Section(s).label, str(texts.get(s, ""))) for s in _sections(advice)]
    return render(
        request,
        "casework/contributors/check.html",
        {
            "advice": advice,
            "learner": advice.case.learner,
            "rows": rows,
            "summary": str(draft.get("summary", "")),
            "checked": advice_services.advice_draft_fingerprint(advice.draft),
            "errors": errors or [],
        },
        status=status,
    )


@requires_access(professional)
@require_http_methods(["GET", "POST"])
def advice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: who it is about, when it is due, and the form to write the advice.

    One URL for the whole journey, the step named by ``action``: POST "save" keeps a draft
    to come back to; POST "check" (the main button, "Continue") checks the advice, saves it
    as the draft and redirects to GET "?action=check", the check-your-answers page; POST
    "send" sends that draft. Only those asked for the advice see a draft or may do any step.
    """
    user = signed_in_user(request)
    asked = request.GET.get("action") if request.method == "GET" else request.POST.get("action")
    step = asked if asked in ("check", "save", "send") else "form"  # fixed words in the audit
    advice, can_submit = advice_request_for_user(user, pk, purpose=f"advice request: {step}")
    sections = _sections(advice)
    if request.method == "GET":
        if request.GET.get("action") == "check":
            return _show_check(request, advice, can_submit, sections)
        initial = AdviceForm.initial_from(advice.draft, lock=advice.lock) if can_submit else {}
        return _page(request, advice, can_submit, AdviceForm(initial=initial, sections=sections))
    if not can_submit:
        raise PermissionDenied
    action = request.POST.get("action", "check")
    if action == "send":
        return _send(request, advice, can_submit)
    if action not in ("save", "check"):
        return HttpResponseBadRequest("Unknown action")
    form = AdviceForm(request.POST, sections=sections, draft=action == "save")
    if not form.is_valid():
        return _page(request, advice, can_submit, form)
    try:
        advice_services.advice_draft_save(
            advice_request_id=advice.pk,
            changed_by=user,
            sections=form.section_texts(),
            summary=form.cleaned_data["summary"],
            expected_lock=form.cleaned_data["lock"],
        )
    except StaleEdit as stale:
        # Keep what they wrote, with the new lock: saving again replaces the colleague's draft.
        advice.refresh_from_db()
        data = request.POST.copy()
        data["lock"] = str(advice.lock)
        retry = AdviceForm(data, sections=sections, draft=action == "save")
        retry.is_valid()
        text = stale.message(what="this advice")
        errors = [{"href": f"#section_{sections[0]}", "text": text}]
        return _page(request, advice, can_submit, retry, errors=errors, status=409)
    except TransitionRefused as refused:
        return _refused(request, advice, can_submit, form, str(refused))
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, advice, can_submit, form)
    if action == "save":
        messages.success(request, "Your advice has been saved as a draft. It has not been sent")
        return redirect(_detail_url(advice))
    return redirect(_detail_url(advice, check=True))


def _show_check(
    request: HttpRequest, advice: AdviceRequest, can_submit: bool, sections: tuple[str, ...]
) -> HttpResponse:
    if not can_submit:
        raise PermissionDenied
    # Only a draft that would pass "Continue" is checked; otherwise back to the form.
    if advice.received_on is not None or advice.draft is None:
        return redirect(_detail_url(advice))
    data = AdviceForm.initial_from(advice.draft, lock=advice.lock)
    if not AdviceForm(data, sections=sections).is_valid():
        return redirect(_detail_url(advice))
    return _check_page(request, advice)


def _send(request: HttpRequest, advice: AdviceRequest, can_submit: bool) -> HttpResponse:
    try:
        advice_services.advice_draft_send(
            advice_request_id=advice.pk,
            changed_by=signed_in_user(request),
            checked=request.POST.get("checked", ""),
        )
    except (TransitionRefused, ValidationError) as refused:
        text = refused.message if isinstance(refused, TransitionRefused) else refused.messages[0]
        advice.refresh_from_db()
        if advice.received_on is None and advice.draft is not None:
            # Saved again since the check, or the case moved on: show what would be sent now.
            errors = [{"href": "#check-answers", "text": text}]
            return _check_page(request, advice, errors=errors, status=409)
        initial = AdviceForm.initial_from(advice.draft, lock=advice.lock)
        form = AdviceForm(initial=initial, sections=_sections(advice))
        return _refused(request, advice, can_submit, form, text)
    return redirect("casework:advice-sent", pk=advice.pk)


def _refused(
    request: HttpRequest, advice: AdviceRequest, can_submit: bool, form: AdviceForm, text: str
) -> HttpResponse:
    """The page again with why a step was refused, as the request stands now."""
    advice.refresh_from_db()
    anchor = "#advice-sent" if advice.received_on else f"#section_{_sections(advice)[0]}"
    errors = [{"href": anchor, "text": text}]
    return _page(request, advice, can_submit, form, errors=errors, status=409)


@requires_access(professional)
@require_http_methods(["POST"])
def advice_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a report to advice not sent yet, from the advice page: most advice exists as a
    report. The documents service checks the file and who may add it."""
    user = signed_in_user(request)
    advice, can_submit = advice_request_for_user(user, pk, purpose="advice request: attach")
    if not can_submit or advice.received_on is not None:
        raise PermissionDenied
    report = AdviceReportForm(request.POST, request.FILES)
    if report.is_valid():
        try:
            document = document_add(
                user=user,
                learner=advice.case.learner,
                upload=report.cleaned_data["upload"],
                kind=Document.Kind.ADVICE_REPORT,
                title=report.cleaned_data["title"],
                case=advice.case,
                advice_request=advice,
            )
        except ValidationError as error:
            add_service_errors(report, error)
        else:
            messages.success(request, f"{document.title} attached to your advice")
            return redirect(_detail_url(advice) + "#files")
    initial = AdviceForm.initial_from(advice.draft, lock=advice.lock)
    form = AdviceForm(initial=initial, sections=_sections(advice))
    return _page(
        request,
        advice,
        can_submit,
        form,
        errors=error_summary(report),
        status=400,
        report_form=report,
    )


@requires_access(professional)
@require_GET
def advice_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation with the reference, once the advice has been sent."""
    advice, _ = advice_request_for_user(signed_in_user(request), pk, purpose="advice sent")
    if advice.received_on is None:
        return redirect("casework:advice-detail", pk=advice.pk)
    return render(request, "casework/contributors/sent.html", {"advice": advice})
