"""Adding a suspension or exclusion, and a period of elective home education, to a
learner's record (ADR 0145). The record page shows them; who may add which is
``learners.access``. Each view parses, calls a selector or a service, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import has_a_role, requires_access, signed_in_user
from sendplan.learners.forms import ExclusionForm, HomeEducationForm, add_service_errors
from sendplan.learners.selectors import exclusion_settings_for, home_education_learner_for
from sendplan.learners.services import exclusion_record, home_education_record
from sendplan.web.forms import error_summary


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def exclusion_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    learner, settings = exclusion_settings_for(user, pk, purpose="add a suspension or exclusion")
    form = ExclusionForm(request.POST or None, settings=settings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exclusion_record(
                learner=learner,
                kind=data["kind"],
                started_on=data["started_on"],
                school_days=data["school_days"],
                setting=data["setting"],
                reason=data["reason"],
                by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The suspension or exclusion has been added")
            return redirect(f"{_record(learner.pk)}#exclusions")
    return _page(
        request,
        "learners/exclusion_add.html",
        learner=learner,
        form=form,
        has_settings=settings.exists(),
    )


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def home_education_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    learner = home_education_learner_for(user, pk, purpose="add elective home education")
    form = HomeEducationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            home_education_record(
                learner=learner,
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                notified_on=data["notified_on"],
                by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The period of home education has been added")
            return redirect(f"{_record(learner.pk)}#home-education")
    return _page(request, "learners/home_education_add.html", learner=learner, form=form)


def _record(pk: int) -> str:
    return reverse("learners:record", args=[pk])


def _page(request: HttpRequest, name: str, **context: Any) -> HttpResponse:
    form = context["form"]
    return render(request, name, {**context, "errors": error_summary(form)})
