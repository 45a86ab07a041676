"""The pathway pages: a young person's tracker from 14 to 25 (reached from their record and
their plan), adulthood progress at a review (from the review page), the caseworker's
pathway actions (from the work tray) and the partnership's 16–25 page (from home)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.access import local_area_for
from sendplan.accounts.guards import has_a_role, la_staff, requires_access, signed_in_user
from sendplan.casework.errors import TransitionRefused
from sendplan.core.errors import Http404, PermissionDenied, StaleEdit
from sendplan.core.locking import lock_of
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.pathway import selectors, services
from sendplan.pathway.figures import partnership_page, partnership_tables
from sendplan.pathway.forms import AdulthoodForm, DestinationForm, TransitionForm
from sendplan.pathway.models import OUTCOME_FIELDS, AdulthoodProgress, Destination, Transition
from sendplan.web.forms import error_summary
from sendplan.web.spreadsheets import to_csv


def _edit(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    initial: dict[str, Any],
    save: Callable[[forms.Form], object],
    lock_now: Callable[[], int],
    template: str,
    context: dict[str, Any],
    done: str,
    success: str,
) -> HttpResponse:
    """GET shows the form; POST saves through the service, re-showing what was typed with
    the service's refusal, or with the newer lock when someone else saved first."""
    form = form_class(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            data = request.POST.copy()
            data["expected_lock"] = str(lock_now())
            form = form_class(data)
            form.is_valid()
            form.add_error(None, stale.message(what="this record"))
            status = 409
        else:
            messages.success(request, success)
            return redirect(done)
    errors = error_summary(form) if request.method == "POST" else []
    return render(request, template, {**context, "form": form, "errors": errors}, status=status)


@requires_access(has_a_role)
@require_GET
def learner_pathway(request: HttpRequest, pk: int) -> HttpResponse:
    """One young person's pathway: destinations, adult care and health, adulthood progress."""
    page = selectors.learner_pathway(
        fetched_by=signed_in_user(request), learner_id=pk, today=timezone.localdate()
    )
    return render(request, "pathway/learner.html", {"page": page, "learner": page.learner})


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def destination_edit(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    if stage not in Destination.Stage.values:
        raise Http404("No such stage")
    user = signed_in_user(request)
    learner = selectors.editable_learner(fetched_by=user, learner_id=pk, purpose="destination")
    row = Destination.objects.filter(learner=learner, stage=stage).first()

    def save(form: forms.Form) -> object:
        data = form.cleaned_data
        return services.destination_record(
            learner_id=learner.pk,
            stage=stage,
            changed_by=user,
            expected_lock=data["expected_lock"],
            planned_kind=data["planned_kind"],
            planned_setting_id=data["planned_setting"],
            actual_kind=data["actual_kind"],
            actual_setting_id=data["actual_setting"],
            actual_from=data["actual_from"],
            note=data["note"],
        )

    initial: dict[str, Any] = {"expected_lock": 0}
    if row is not None:
        initial = {
            "planned_kind": row.planned_kind,
            "planned_setting": row.planned_setting_id,
            "actual_kind": row.actual_kind,
            "actual_setting": row.actual_setting_id,
            "actual_from": row.actual_from,
            "note": row.note,
            "expected_lock": lock_of(row),
        }
    return _edit(
        request,
        form_class=DestinationForm,
        initial=initial,
        save=save,
        lock_now=lambda: lock_of(
            Destination.objects.filter(learner=learner, stage=stage).first() or Destination()
        ),
        template="pathway/destination.html",
        context={
            "learner": learner,
            "heading": f"Destination {Destination.Stage(stage).label.lower()}",
        },
        done=reverse("pathway:learner", args=[learner.pk]),
        success=f"The destination {Destination.Stage(stage).label.lower()} has been saved",
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def transition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    learner = selectors.editable_learner(fetched_by=user, learner_id=pk, purpose="transition")
    row = Transition.objects.filter(learner=learner).first()

    def save(form: forms.Form) -> object:
        data = form.cleaned_data
        return services.transition_record(
            learner_id=learner.pk,
            changed_by=user,
            expected_lock=data["expected_lock"],
            likely_needs_adult_care=data["likely_needs_adult_care"],
            care_act_requested_on=data["care_act_requested_on"],
            care_act_completed_on=data["care_act_completed_on"],
            health_transition=data["health_transition"],
            adult_health_from=data["adult_health_from"],
            adult_health_lead=data["adult_health_lead"],
        )

    initial: dict[str, Any] = {
        "expected_lock": 0,
        "health_transition": Transition.Health.NOT_STARTED,
    }
    if row is not None:
        initial = {
            "likely_needs_adult_care": "yes" if row.likely_needs_adult_care else "no",
            "care_act_requested_on": row.care_act_requested_on,
            "care_act_completed_on": row.care_act_completed_on,
            "health_transition": row.health_transition,
            "adult_health_from": row.adult_health_from,
            "adult_health_lead": row.adult_health_lead,
            "expected_lock": lock_of(row),
        }
    return _edit(
        request,
        form_class=TransitionForm,
        initial=initial,
        save=save,
        lock_now=lambda: lock_of(
            Transition.objects.filter(learner=learner).first() or Transition()
        ),
        template="pathway/transition.html",
        context={"learner": learner, "heading": "Adult care and health"},
        done=reverse("pathway:learner", args=[learner.pk]),
        success="The move to adult services has been saved",
    )


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def review_adulthood(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Progress on the four adulthood outcomes at a review from Year 9."""
    user = signed_in_user(request)
    review, plan, can_edit = selectors.review_for_adulthood(
        fetched_by=user, plan_id=plan_id, review_id=review_id
    )
    row: AdulthoodProgress | None = getattr(review, "adulthood", None)
    context = {
        "learner": plan.learner,
        "plan": plan,
        "review": review,
        "can_edit": can_edit,
        "rows": selectors.progress_rows(row),
        "heading": "Preparing for adulthood at the review",
    }
    if not can_edit:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "pathway/review_view.html", context)

    def save(form: forms.Form) -> object:
        assert isinstance(form, AdulthoodForm)
        return services.adulthood_progress_record(
            review_id=review.pk,
            progress=form.progress(),
            changed_by=user,
            expected_lock=form.cleaned_data["expected_lock"],
        )

    initial: dict[str, Any] = {"expected_lock": lock_of(row) if row else 0}
    if row is not None:
        for level, note in OUTCOME_FIELDS.values():
            initial[level], initial[note] = getattr(row, level), getattr(row, note)
    return _edit(
        request,
        form_class=AdulthoodForm,
        initial=initial,
        save=save,
        lock_now=lambda: lock_of(
            AdulthoodProgress.objects.filter(review=review).first() or AdulthoodProgress()
        ),
        template="pathway/review.html",
        context=context,
        done=reverse("pathway:learner", args=[plan.learner_id]),
        success="Progress on preparing for adulthood has been saved",
    )


@requires_access(la_staff)
@require_GET
def actions(request: HttpRequest) -> HttpResponse:
    """The caseworker's pathway actions: Care Act assessments due and plans at risk of
    lapsing after 19."""
    user = signed_in_user(request)
    today = timezone.localdate()
    found = selectors.pathway_actions(fetched_by=user, today=today)
    audit_record(user=user, action=AuditEvent.Action.LIST, detail="pathway actions")
    return render(request, "pathway/actions.html", {"actions": found, "today": today})


@requires_access(la_staff)
@require_GET
def partnership(request: HttpRequest) -> HttpResponse:
    """The 16–25 page: pathways, local or out of area, outcomes and destinations, beside
    the area's published figures."""
    user = signed_in_user(request)
    today = timezone.localdate()
    figures = selectors.partnership_figures(fetched_by=user, today=today)
    return render(
        request,
        "pathway/partnership.html",
        partnership_page(figures, area=local_area_for(user)),
    )


@requires_access(la_staff)
@require_GET
def partnership_download(request: HttpRequest, table: str) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    figures = selectors.partnership_figures(fetched_by=user, today=today)
    found = partnership_tables(figures, area=local_area_for(user))
    chosen = next((t for t in found if t.name == table), None)
    if chosen is None:
        raise Http404("No such table")
    response = HttpResponse(to_csv(chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="pathway-16-25-{today.isoformat()}-{table}.csv"'
    )
    return response
