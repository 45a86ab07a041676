"""Advice that arrived by post or email, recorded by the caseworker: the report uploaded
(through the documents services, with their checks), the day it was received, and any words
worth copying into the sections of the plan it informs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import ADVICE_SECTION_MAX, AdviceRequest
from sendplan.casework.advice.selectors import ADVICE_SECTIONS, SECTION_HINTS
from sendplan.casework.case.forms import date_field
from sendplan.casework.case.selectors import case_for_user
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import Section
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.learners.forms import add_service_errors
from sendplan.web.forms import error_summary


class AdviceReceivedForm(forms.Form):
    received_on = date_field(
        "When did the advice arrive?",
        hint="The date on the letter or email. For example, 27 3 2025",
    )
    upload = forms.FileField(
        error_messages={
            "required": "Select the advice report",
            "empty": "The selected file is empty",
            "invalid": "Select the advice report",
        },
    )
    summary = forms.CharField(
        label="Anything else (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
    )

    def __init__(self, *args: Any, sections: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for letter in sections:
            self.fields[f"section_{letter}"] = forms.CharField(
                label=f"Section {Section(letter).label} (optional)",
                help_text=SECTION_HINTS.get(letter, ""),
                required=False,
                widget=forms.Textarea,
                max_length=ADVICE_SECTION_MAX,
            )

    def section_texts(self) -> dict[str, str]:
        return {s: self.cleaned_data.get(f"section_{s}", "") for s in self.sections}


def _sections(advice: AdviceRequest) -> tuple[str, ...]:
    return tuple(str(s) for s in ADVICE_SECTIONS.get(advice.kind, ()))


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def advice_received(request: HttpRequest, pk: int) -> HttpResponse:
    """Record advice that arrived by post or email, for a request still waiting."""
    user = signed_in_user(request)
    advice = (
        AdviceRequest.objects.select_related("organisation", "practitioner").filter(pk=pk).first()
    )
    if advice is None:
        raise Http404("No request found")
    case, can_edit = case_for_user(user, advice.case_id, purpose="record advice received")
    if not can_edit:
        raise PermissionDenied
    if advice.received_on is not None:
        messages.success(request, "This advice has already been received")
        return redirect("casework:case", pk=case.pk)
    sections = _sections(advice)
    form = AdviceReceivedForm(request.POST or None, request.FILES or None, sections=sections)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            advice_services.advice_record_received(
                advice_request_id=advice.pk,
                received_on=form.cleaned_data["received_on"],
                changed_by=user,
                upload=form.cleaned_data["upload"],
                sections=form.section_texts(),
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
            status = 409
        else:
            messages.success(request, "The advice has been recorded and its report attached")
            return redirect("casework:case", pk=case.pk)
    return render(
        request,
        "casework/contributors/received.html",
        {
            "advice": advice,
            "case": case,
            "learner": case.learner,
            "form": form,
            "section_fields": [form[f"section_{s}"] for s in sections],
            "errors": error_summary(form, non_field_anchor="received_on_day")
            if request.method == "POST"
            else [],
        },
        status=status,
    )
