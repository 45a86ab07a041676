"""The caseworker's side of the front door: confirming the record an online request made
(with the duplicate check), and recording a request that arrived by post, phone or email for
a child not on record, with a check of the answers before it starts the legal clock."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sendplan.accounts.access import standing_for
from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.casework import clock
from sendplan.casework.case.forms import RequestForm, add_service_errors, radio_field, text_field
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.intake import services
from sendplan.casework.intake.forms import ChildFields, SameChildForm
from sendplan.casework.intake.matching import Described
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.casework.intake.selectors import (
    Candidate,
    duplicate_candidates,
    request_duplicates,
    request_for_user,
)
from sendplan.core.dates import govuk_date
from sendplan.core.errors import PermissionDenied
from sendplan.learners.access import may_confirm_requests
from sendplan.web.forms import error_summary


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def request_confirm_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The request as made, the duplicate check, and the choice: a new learner, or the same
    child as one on record."""
    user = signed_in_user(request)
    found = request_for_user(user, pk, purpose="confirm a request")
    learner = found.case.learner
    if not may_confirm_requests(user, council_id=learner.responsible_la_id):
        raise PermissionDenied
    candidates = request_duplicates(request=found, fetched_by=user)
    choices = (
        _same_as_choices(candidates, new="No, this is a new learner")
        if learner.provisional
        else [("new", "Take the case")]
    )
    form = SameChildForm(choices=choices)
    status = 200
    if request.method == "POST" and found.status == found.Status.TO_CONFIRM:
        form = SameChildForm(request.POST, choices=choices)
        if form.is_valid():
            choice = form.cleaned_data["same_as"]
            try:
                services.request_confirm(
                    request_id=found.pk,
                    changed_by=user,
                    same_as_id=None if choice == "new" else int(choice),
                )
            except TransitionRefused as refused:
                form.add_error(None, refused.message)
                status = 409
            else:
                messages.success(
                    request,
                    "Merged into the learner on record: the case is yours"
                    if choice != "new" and learner.provisional
                    else "Request confirmed: the case is yours",
                )
                return redirect("casework:case", pk=found.case_id)
        else:
            status = 400
    return render(
        request,
        "casework/intake/confirm.html",
        {
            "found": found,
            "learner": learner,
            "candidates": candidates,
            "form": form,
            "documents": list(found.case.documents.all()),
            "errors": error_summary(form, non_field_anchor="same_as"),
            "decision_due": clock.due(clock.DECISION_TO_ASSESS, found.case.received_on),
        },
        status=status,
    )


# A request that arrived by post, phone or email, for a child not on record.

CHANNELS = [
    (value, label)
    for value, label in AssessmentRequest.Channel.choices
    if value != AssessmentRequest.Channel.ONLINE
]


class RecordNewChildForm(ChildFields, RequestForm):
    """The child's details, then the request's: how and when it arrived, and who asked."""

    channel = radio_field("How did the request arrive?", CHANNELS, "Select how it arrived")
    needs = text_field(
        "What the request says, in brief (optional)",
        required=False,
        hint="The letter or email itself can be added to the case as a document",
    )
    field_order = [
        *ChildFields.base_fields,
        "channel",
        *RequestForm.base_fields,
        "needs",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = False
        self.fields["postcode"].label = "Home postcode (optional)"

    def child(self) -> services.Child:
        data = self.cleaned_data
        return services.Child(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
            school=data["school"],
            upn=data["upn"],
        )


def _rows(form: RecordNewChildForm) -> list[tuple[str, str]]:
    data = form.cleaned_data
    return [
        ("Name", f"{data['given_name']} {data['family_name']}"),
        ("Date of birth", govuk_date(data["date_of_birth"])),
        ("Home postcode", data["postcode"] or "Not given"),
        ("School, college or nursery", data["school"] or "Not given"),
        ("Unique pupil number", data["upn"] or "Not given"),
        ("Received", govuk_date(data["received_on"])),
        ("Arrived by", dict(CHANNELS)[data["channel"]]),
        ("Who made the request", dict(form.fields["source"].choices)[data["source"]]),  # type: ignore[attr-defined]
        ("Who asked, in a few words", data["requested_by"]),
        ("What the request says", data["needs"] or "Not given"),
    ]


def _same_as_choices(candidates: list[Candidate], *, new: str) -> list[tuple[str, str]]:
    return [("new", new)] + [(str(c.learner.pk), f"Yes, {c.learner.full_name}") for c in candidates]


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def request_record_page(request: HttpRequest) -> HttpResponse:
    """The form; then (valid) the check page with the duplicate check; then the record."""
    user = signed_in_user(request)
    if not any(may_confirm_requests(user, council_id=la) for la in standing_for(user).la_ids):
        raise PermissionDenied
    if request.method == "GET":
        form = RecordNewChildForm()
        return _record_form(request, form)
    form = RecordNewChildForm(request.POST)
    if not form.is_valid() or "change" in request.POST:
        return _record_form(request, form, status=200 if form.is_valid() else 400)
    child = form.child()
    candidates = duplicate_candidates(
        described=Described(
            child.given_name, child.family_name, child.date_of_birth, child.postcode, child.upn
        ),
        fetched_by=user,
    )
    choices = _same_as_choices(candidates, new="No, record a new learner")
    same_as = SameChildForm(choices=choices)
    status = 200
    if "confirm" in request.POST:
        same_as = SameChildForm(request.POST, choices=choices)
        if same_as.is_valid():
            chosen = same_as.cleaned_data["same_as"]
            try:
                recorded = services.request_record_received(
                    channel=form.cleaned_data["channel"],
                    received_on=form.cleaned_data["received_on"],
                    source=form.cleaned_data["source"],
                    requested_by=form.cleaned_data["requested_by"],
                    changed_by=user,
                    child=child if chosen == "new" else None,
                    learner_id=None if chosen == "new" else int(chosen),
                    needs=form.cleaned_data["needs"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                return _record_form(request, form, status=400)
            except TransitionRefused as refused:
                same_as.add_error(None, refused.message)
                status = 409
            else:
                messages.success(request, f"Request recorded: reference {recorded.reference}")
                return redirect("casework:case", pk=recorded.case_id)
        else:
            status = 400
    hidden = [
        (name, value)
        for name, value in request.POST.items()
        if name not in {"csrfmiddlewaretoken", "confirm", "same_as", "change"}
    ]
    return render(
        request,
        "casework/intake/record_check.html",
        {
            "rows": _rows(form),
            "hidden": hidden,
            "candidates": candidates,
            "form": same_as,
            "errors": error_summary(same_as, non_field_anchor="same_as"),
            "decision_due": clock.due(clock.DECISION_TO_ASSESS, form.cleaned_data["received_on"]),
        },
        status=status,
    )


def _record_form(request: HttpRequest, form: forms.Form, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "casework/intake/record.html",
        {"form": form, "errors": error_summary(form)},
        status=status,
    )
