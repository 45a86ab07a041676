"""The review pages: a plan's reviews with their clock, scheduling, the meeting, the decision,
ceasing the plan, and the caseworker's list of upcoming reviews and phase transfers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import has_a_role, la_staff, requires_access, signed_in_user
from sendplan.casework import clock
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import CeaseReason, Plan
from sendplan.casework.plans.selectors import plan_for_user
from sendplan.casework.reviews import selectors as review_selectors
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews.forms import CeaseForm, DecisionForm, MeetingForm, ScheduleForm
from sendplan.casework.reviews.models import Review
from sendplan.casework.reviews.selectors import review_page
from sendplan.core.errors import Http404, PermissionDenied, StaleEdit
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate


@requires_access(has_a_role)
@require_GET
def plan_reviews(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's review clock, its reviews past and open, transfers and adulthood."""
    user = signed_in_user(request)
    page = review_page(fetched_by=user, plan_id=plan_id)
    return render(
        request,
        "casework/review/plan.html",
        {
            "page": page,
            "plan": page.plan,
            "learner": page.plan.learner,
            "can_edit": page.can_edit,
        },
    )


def _editable_plan(request: HttpRequest, plan_id: int, *, purpose: str) -> Plan:
    plan, can_edit = plan_for_user(signed_in_user(request), plan_id, purpose=purpose)
    if not can_edit:
        raise PermissionDenied
    return plan


def _form_view(
    request: HttpRequest,
    plan: Plan,
    *,
    template: str,
    form_class: type[forms.Form],
    initial: dict[str, Any],
    save: Callable[[dict[str, Any]], object],
    success: str,
    extra: dict[str, Any] | None = None,
    lock_now: Callable[[], int] | None = None,
) -> HttpResponse:
    """GET shows the form; POST parses it, calls the service and shows any refusal.

    A form that changes a review carries the review's lock; ``lock_now`` reads it again
    when a stale save is refused, so what was typed is re-shown with the new lock."""
    form = form_class(request.POST or None, initial=initial)
    context: dict[str, Any] = {"plan": plan, "learner": plan.learner, "form": form, **(extra or {})}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            assert lock_now is not None  # only forms with a lock are refused as stale
            data = request.POST.copy()
            data["expected_lock"] = str(lock_now())
            form = form_class(data)
            form.is_valid()
            form.add_error(None, stale.message(what="this review"))
            context["form"], status = form, 409
        else:
            messages.success(request, success)
            return redirect("casework:plan-reviews", plan_id=plan.pk)
    context["errors"] = error_summary(form) if request.method == "POST" else []
    return render(request, template, context, status=status)


def _open_review_lock(plan: Plan) -> int:
    review = plan.reviews.filter(decided_on__isnull=True).first()
    return review.lock if review is not None else 0


def _open_review(plan: Plan, review_id: int) -> Review:
    review = plan.reviews.filter(pk=review_id, decided_on__isnull=True).first()
    if review is None:
        raise Http404("No open review found")
    return review


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def review_schedule_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Plan the meeting of the open review (invitations 2 weeks before; Regs 20(2), 21(2))."""
    plan = _editable_plan(request, plan_id, purpose="schedule a review")
    review = plan.reviews.filter(decided_on__isnull=True).first()
    initial: dict[str, Any] = {"expected_lock": 0}
    if review is not None:
        initial = {
            "meeting_on": review.meeting_on,
            "invitations_sent_on": review.invitations_sent_on,
            "transfer": review.transfer,
            "transfer_year": review.transfer_year,
            "transfer_date": review.transfer_date,
            "expected_lock": review.lock,
        }

    def save(data: dict[str, Any]) -> object:
        return review_services.review_schedule(
            plan_id=plan.pk,
            changed_by=signed_in_user(request),
            meeting_on=data["meeting_on"],
            invitations_sent_on=data["invitations_sent_on"],
            transfer=data["transfer"],
            transfer_year=data["transfer_year"],
            transfer_date=data["transfer_date"],
            expected_lock=data["expected_lock"],
        )

    return _form_view(
        request,
        plan,
        template="casework/review/schedule.html",
        form_class=ScheduleForm,
        initial=initial,
        save=save,
        success="The review meeting has been planned",
        extra={"review": review, "notice": clock.basis(clock.REVIEW_INVITATIONS)},
        lock_now=lambda: _open_review_lock(plan),
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def review_meeting_page(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Record that the meeting was held: the report is due in 2 weeks, the decision in 4."""
    plan = _editable_plan(request, plan_id, purpose="review meeting")
    review = _open_review(plan, review_id)

    def save(data: dict[str, Any]) -> object:
        return review_services.review_record_meeting(
            review_id=review.pk,
            meeting_on=data["meeting_on"],
            changed_by=signed_in_user(request),
            invitations_sent_on=data["invitations_sent_on"],
            report_received_on=data["report_received_on"],
            expected_lock=data["expected_lock"],
        )

    return _form_view(
        request,
        plan,
        template="casework/review/meeting.html",
        form_class=MeetingForm,
        initial={
            "meeting_on": review.meeting_on,
            "invitations_sent_on": review.invitations_sent_on,
            "report_received_on": review.report_received_on,
            "expected_lock": review.lock,
        },
        save=save,
        success="The review meeting has been recorded",
        extra={
            "review": review,
            "report": clock.basis(clock.REVIEW_REPORT),
            "decision": clock.basis(clock.REVIEW_DECISION),
        },
        lock_now=lambda: _open_review_lock(plan),
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def review_decision_page(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Record the decision after the review: maintain, amend (with proposals) or cease."""
    plan = _editable_plan(request, plan_id, purpose="review decision")
    review = _open_review(plan, review_id)

    def save(data: dict[str, Any]) -> object:
        return review_services.review_decide(
            review_id=review.pk,
            decision=data["decision"],
            decided_on=data["decided_on"],
            changed_by=signed_in_user(request),
            reasons=data["reasons"],
            amendment_proposed_on=data["amendment_proposed_on"],
        )

    return _form_view(
        request,
        plan,
        template="casework/review/decision.html",
        form_class=DecisionForm,
        initial={},
        save=save,
        success="The review decision has been recorded",
        extra={
            "review": review,
            "changes": list(review.changes.all()),
            "decision_basis": clock.basis(clock.REVIEW_DECISION),
            "amend_basis": clock.basis("amended_plan_ceiling"),
        },
    )


class _DryRun(Exception):
    """Raised to roll back a service run only to see whether it would be refused."""


def _refusal(run: Callable[[], object]) -> TransitionRefused | ValidationError | None:
    """What the service would say to these answers, with nothing written: it runs in a
    savepoint that is always rolled back (and its emails, queued on commit, go with it)."""
    try:
        with transaction.atomic():
            run()
            raise _DryRun
    except _DryRun:
        return None
    except (TransitionRefused, ValidationError) as refused:
        return refused


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def plan_cease_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Cease to maintain the plan, with its SEN2 cease reason (CFA s45; Regs 29–31), GOV.UK
    check-answers style: the answers, then a check page with Change links, then confirm.

    The answers wait in the session between the two (the details may name people, so never
    in a URL); the check page is shown only for answers the service would accept."""
    plan = _editable_plan(request, plan_id, purpose="cease the plan")
    key = f"cease-answers-{plan.pk}"
    extra = {
        "plan": plan,
        "learner": plan.learner,
        "maximum_age_end": clock.maximum_age_end(plan.learner.date_of_birth),
        "cease_basis": clock.basis(clock.CEASING_MAINTAINED),
        "errors": [],
    }
    kept = request.session.get(key)
    if request.method == "GET":
        form = CeaseForm(initial={"decided_on": plan.cease_decided_on})
        if kept and "change" in request.GET:
            form = CeaseForm(kept)
            form.is_valid()
        return render(request, "casework/review/cease.html", {**extra, "form": form})
    confirming = request.POST.get("confirm") == "yes"
    if confirming and not kept:
        return redirect("casework:plan-cease", plan_id=plan.pk)
    data = kept if confirming else request.POST
    form = CeaseForm(data)
    if not form.is_valid():
        return render(
            request,
            "casework/review/cease.html",
            {**extra, "form": form, "errors": error_summary(form)},
        )

    def cease() -> object:
        answers = form.cleaned_data
        return review_services.plan_cease(
            plan_id=plan.pk,
            ceased_on=answers["ceased_on"],
            reason=answers["reason"],
            changed_by=signed_in_user(request),
            detail=answers["detail"],
            decided_on=answers["decided_on"],
            appeal_concluded=answers["appeal_concluded"],
            outcomes_considered=answers["outcomes_considered"],
        )

    refused = _refusal(cease)
    if refused is not None:
        if isinstance(refused, TransitionRefused):
            form.add_error(None, refused.message)
        else:
            add_service_errors(form, refused)
        return render(
            request,
            "casework/review/cease.html",
            {**extra, "form": form, "errors": error_summary(form)},
        )
    if not confirming:
        request.session[key] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        answers = form.cleaned_data
        return render(
            request,
            "casework/review/cease_check.html",
            {**extra, "answers": answers, "reason": CeaseReason(answers["reason"]).label},
        )
    cease()
    del request.session[key]
    messages.success(request, "The plan has been ceased")
    return redirect("casework:plan-reviews", plan_id=plan.pk)


@requires_access(la_staff)
@require_GET
def upcoming_reviews(request: HttpRequest, show_all: bool = False) -> HttpResponse:
    """A caseworker's maintained plans, soonest review first, with transfers and adulthood.

    The "all" list widens "my plans" to every plan the user may see. The query count does
    not grow with the number of plans (one page of plans, their reviews, and the count).
    """
    user = signed_in_user(request)
    plans = review_selectors.upcoming_reviews(fetched_by=user, mine=not show_all)
    page = paginate(request, plans)
    rows = review_selectors.upcoming_rows(page.object_list, today=timezone.localdate())
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"reviews page {page.number} of {page.paginator.num_pages}",
    )
    return render(
        request,
        "casework/review/list.html",
        {"page_obj": page, "page_links": page_links(page), "rows": rows, "show_all": show_all},
    )
