"""Adding a suspension or exclusion, and a period of elective home education, to a
learner's record, and correcting or removing one (ADR 0145). The record page shows them
and links to each; who may add or correct which is ``learners.access``. Each view parses,
calls a selector or a service, and renders. A correction or removal names the lock it was
read at: over a colleague's newer change it is refused (409), showing who and when, with
what was typed kept and the new lock taken."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import has_a_role, requires_access, signed_in_user
from sendplan.core.errors import StaleEdit
from sendplan.learners.forms import (
    ExclusionChangeForm,
    ExclusionForm,
    HomeEducationChangeForm,
    HomeEducationForm,
    RemoveForm,
    add_service_errors,
)
from sendplan.learners.models import Exclusion, HomeEducation, Learner
from sendplan.learners.selectors import (
    RowRemoved,
    exclusion_for,
    exclusion_settings_for,
    home_education_for,
    home_education_learner_for,
)
from sendplan.learners.services import (
    exclusion_change,
    exclusion_record,
    exclusion_remove,
    home_education_change,
    home_education_record,
    home_education_remove,
)
from sendplan.web.forms import error_summary, first_error_anchor


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


def _page(
    request: HttpRequest,
    name: str,
    *,
    stale: StaleEdit | None = None,
    what: str = "",
    anchor: str = "",
    **context: Any,
) -> HttpResponse:
    form = context["form"]
    errors = error_summary(form)
    if stale is not None:
        then = "Check what is saved now, then save again if your changes are still needed"
        if isinstance(form, RemoveForm):
            then = "Check what is saved now, then remove it again if it is still wrong"
        errors.insert(0, {"href": f"#{anchor}", "text": stale.message(what=what, then=then)})
    return render(
        request,
        name,
        {**context, "errors": errors, "stale": stale},
        status=409 if stale is not None else 200,
    )


def _retry(form_class: Any, request: HttpRequest, lock: int, **kwargs: Any) -> Any:
    """What the user typed, with the lock saved now: saving again is a deliberate choice
    to replace the colleague's change."""
    data = request.POST.copy()
    data["lock"] = str(lock)
    retry = form_class(data, **kwargs)
    retry.is_valid()
    return retry


def _says_if_removed(
    *, removing: bool
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer a change (or with ``removing``, a removal) of a row a colleague has removed
    already with a page saying so, by whom and when, instead of a bare "Page not found".

    The status is 410 Gone, not 404: the row did exist and its removal is deliberate and
    final (there is no way back in the application), so the address will not work again;
    404 would suggest a wrong link. Only people who could have changed the row see it: the
    selector raises :class:`RowRemoved` after the same access checks as for the row, so an
    outsider still gets the plain 404 and learns nothing, not even that it existed.

    A colleague may remove the row after this request has read it and before the save
    locks it; the service then finds no row. The view is read once more, and its selector
    says who removed it, with the same checks."""

    def removed_page(request: HttpRequest, removed: RowRemoved) -> HttpResponse:
        context = {
            "learner": removed.learner,
            "event": removed.event,
            "removed_by": removed.removed_by,
            "removed_at": removed.removed_at,
            "removing": removing,
        }
        return render(request, "learners/event_removed.html", context, status=410)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                try:
                    return view(request, *args, **kwargs)
                except (Exclusion.DoesNotExist, HomeEducation.DoesNotExist):
                    return view(request, *args, **kwargs)
            except RowRemoved as removed:
                return removed_page(request, removed)

        return wrapped

    return decorate


# Correcting and removing a suspension or exclusion.


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
@_says_if_removed(removing=False)
def exclusion_edit(request: HttpRequest, pk: int, exclusion_id: int) -> HttpResponse:
    user = signed_in_user(request)
    purpose = "change a suspension or exclusion"
    learner, exclusion, settings = exclusion_for(user, pk, exclusion_id, purpose=purpose)
    if request.method == "GET":
        initial = ExclusionChangeForm.initial_for(exclusion)
        form = ExclusionChangeForm(initial=initial, settings=settings)
    else:
        form = ExclusionChangeForm(request.POST, settings=settings)
    context: dict[str, Any] = {"learner": learner, "exclusion": exclusion, "has_settings": True}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exclusion_change(
                exclusion_id=exclusion.pk,
                expected_lock=data["lock"],
                kind=data["kind"],
                started_on=data["started_on"],
                school_days=data["school_days"],
                setting=data["setting"],
                reason=data["reason"],
                by=user,
            )
        except StaleEdit as stale:
            # Read at the start of this request, so after the colleague's save.
            retry = _retry(ExclusionChangeForm, request, exclusion.lock, settings=settings)
            return _page(
                request,
                "learners/exclusion_add.html",
                form=retry,
                stale=stale,
                what="this suspension or exclusion",
                anchor=first_error_anchor(retry, "kind"),
                **context,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The suspension or exclusion has been changed")
            return redirect(f"{_record(learner.pk)}#exclusions")
    return _page(request, "learners/exclusion_add.html", form=form, **context)


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
@_says_if_removed(removing=True)
def exclusion_delete(request: HttpRequest, pk: int, exclusion_id: int) -> HttpResponse:
    user = signed_in_user(request)
    purpose = "remove a suspension or exclusion"
    learner, exclusion, _ = exclusion_for(user, pk, exclusion_id, purpose=purpose)
    return _remove_page(
        request,
        learner=learner,
        row=exclusion,
        event="exclusion",
        what="this suspension or exclusion",
        remove=lambda lock: exclusion_remove(
            exclusion_id=exclusion.pk, expected_lock=lock, by=user
        ),
        done="The suspension or exclusion has been removed",
        fragment="exclusions",
    )


def _remove_page(
    request: HttpRequest,
    *,
    learner: Learner,
    row: Exclusion | HomeEducation,
    event: str,
    what: str,
    remove: Callable[[int], object],
    done: str,
    fragment: str,
) -> HttpResponse:
    """Ask before removing a row of the record; remove it with the lock the page was read
    at, or show the page again when a colleague has changed the row since."""
    form = RemoveForm(request.POST or None, initial={"lock": row.lock})
    context: dict[str, Any] = {"learner": learner, "row": row, "event": event}
    if request.method == "POST" and form.is_valid():
        try:
            remove(form.cleaned_data["lock"])
        except StaleEdit as stale:
            return _page(
                request,
                "learners/event_remove.html",
                form=_retry(RemoveForm, request, row.lock),
                stale=stale,
                what=what,
                anchor="saved-now",
                **context,
            )
        messages.success(request, done)
        return redirect(f"{_record(learner.pk)}#{fragment}")
    return _page(request, "learners/event_remove.html", form=form, **context)


# Correcting and removing a period of elective home education.


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
@_says_if_removed(removing=False)
def home_education_edit(request: HttpRequest, pk: int, period_id: int) -> HttpResponse:
    user = signed_in_user(request)
    purpose = "change elective home education"
    learner, period = home_education_for(user, pk, period_id, purpose=purpose)
    if request.method == "GET":
        form = HomeEducationChangeForm(initial=HomeEducationChangeForm.initial_for(period))
    else:
        form = HomeEducationChangeForm(request.POST)
    context: dict[str, Any] = {"learner": learner, "period": period}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            home_education_change(
                period_id=period.pk,
                expected_lock=data["lock"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                notified_on=data["notified_on"],
                by=user,
            )
        except StaleEdit as stale:
            retry = _retry(HomeEducationChangeForm, request, period.lock)
            return _page(
                request,
                "learners/home_education_add.html",
                form=retry,
                stale=stale,
                what="this period of home education",
                anchor=first_error_anchor(retry, "started_on"),
                **context,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The period of home education has been changed")
            return redirect(f"{_record(learner.pk)}#home-education")
    return _page(request, "learners/home_education_add.html", form=form, **context)


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
@_says_if_removed(removing=True)
def home_education_delete(request: HttpRequest, pk: int, period_id: int) -> HttpResponse:
    user = signed_in_user(request)
    purpose = "remove elective home education"
    learner, period = home_education_for(user, pk, period_id, purpose=purpose)
    return _remove_page(
        request,
        learner=learner,
        row=period,
        event="home_education",
        what="this period of home education",
        remove=lambda lock: home_education_remove(period_id=period.pk, expected_lock=lock, by=user),
        done="The period of home education has been removed",
        fragment="home-education",
    )
