"""The review pages of the setting that convenes it (the SENCO), and the caseworker's answer
to the changes the review report proposes (ADR 0134).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendplan.accounts.guards import la_staff, requires_access, setting_staff, signed_in_user
from sendplan.casework import clock
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import NEED_SECTIONS, PROVISION_SECTIONS, Section
from sendplan.casework.reviews import compliance
from sendplan.casework.reviews import setting_selectors as selectors
from sendplan.casework.reviews import setting_services as services
from sendplan.casework.reviews.forms import (
    AddForm,
    AdviceForm,
    ChangeForm,
    HeldForm,
    InviteForm,
    ReportForm,
    ViewsForm,
)
from sendplan.casework.reviews.models import Review, ReviewChange
from sendplan.casework.reviews.services import review_record_meeting
from sendplan.casework.reviews.views import _editable_plan, _open_review
from sendplan.core.errors import Http404, StaleEdit
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.forms import error_summary
from sendplan.web.paging import PER_PAGE, page_links, paginate


@requires_access(setting_staff)
@require_GET
def setting_reviews(request: HttpRequest) -> HttpResponse:
    """Every review due at the user's setting, most urgent first, with what is missing.

    One page of reviews, its count and the audit: the query count does not grow with the
    number of learners."""
    user = signed_in_user(request)
    today = timezone.localdate()
    page = paginate(request, selectors.setting_reviews(fetched_by=user, today=today))
    rows = selectors.setting_rows(page.object_list, today=today)
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"setting reviews page {page.number} of {page.paginator.num_pages}",
    )
    return render(
        request,
        "casework/review/setting/list.html",
        {"page_obj": page, "page_links": page_links(page), "rows": rows, "today": today},
    )


def _review(request: HttpRequest, plan_id: int, review_id: int, purpose: str) -> Review:
    return selectors.convened_review(
        fetched_by=signed_in_user(request), plan_id=plan_id, review_id=review_id, purpose=purpose
    )


@requires_access(setting_staff)
@require_GET
def review_convene(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """The review's steps as a task list, each with its state and due date."""
    review = _review(request, plan_id, review_id, "convene the review")
    today = timezone.localdate()
    missing = {m.step: m for m in selectors.review_missing(review, today=today)}
    held = review.report_due_on is not None
    sent = review.report_received_on is not None
    steps = (
        ("invitations", "Set the meeting and send invitations", "review-invite", held),
        ("advice", "Ask for advice", "review-advice", held),
        ("views", "Their views, in their own words", "review-views", sent),
        ("held", "Record the meeting", "review-held", held),
        ("changes", "Propose changes to the plan", "review-report", False),
        ("report", "Send the review report", "review-report-send", sent or not held),
    )
    tasks = []
    for step, name, url, locked in steps:
        gap = missing.get(step)
        if step == "changes":
            status = "done" if sent else ("todo" if held else "later")
        elif step == "report" and not held:
            status = "later"
        else:
            status = gap.status if gap is not None and gap.due is not None else "done"
        tasks.append(
            {
                "step": step,
                "name": name,
                "url": None if locked else f"casework:{url}",
                "status": status,
                "due": gap.due if gap is not None else None,
                "basis": gap.basis if gap is not None else "",
            }
        )
    return render(
        request,
        "casework/review/setting/convene.html",
        {
            "review": review,
            "plan": review.plan,
            "learner": review.plan.learner,
            "tasks": tasks,
            "invitations": review.invitations.select_related("involvement__organisation"),
            "proposals": review.changes.count(),
            "held": held,
        },
    )


def _step(
    request: HttpRequest,
    review: Review,
    *,
    form: forms.Form,
    template: str,
    heading: str,
    save: Callable[[dict[str, Any]], object],
    success: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST calls the service and shows any refusal, re-showing what
    was typed (with the review's lock now when a colleague saved in between)."""
    context: dict[str, Any] = {
        "review": review,
        "plan": review.plan,
        "learner": review.plan.learner,
        "heading": heading,
        **(extra or {}),
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleEdit as stale:
            data = request.POST.copy()
            data["expected_lock"] = str(Review.objects.get(pk=review.pk).lock)
            form.data = data
            form.add_error(None, stale.message(what="this review"))
            status = 409
        else:
            messages.success(request, success)
            return redirect("casework:review-convene", plan_id=review.plan_id, review_id=review.pk)
    context["form"] = form
    context["errors"] = error_summary(form) if request.method == "POST" else []
    return render(request, template, context, status=status)


_FORM = "casework/review/setting/_form_page.html"


def _involvement_label(involvement: Any) -> str:
    who = involvement.user.display_name if involvement.user else involvement.reason
    return f"{involvement.get_kind_display()}: {who} ({involvement.organisation.name})"


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_invite(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Set the meeting and record who was invited, at least 2 weeks before it."""
    review = _review(request, plan_id, review_id, "review invitations")
    today = timezone.localdate()
    choices = [(i.pk, _involvement_label(i)) for i in selectors.invitees(review, today=today)]
    chosen = list(review.invitations.values_list("involvement_id", flat=True))
    initial = {
        "meeting_on": review.meeting_on,
        "sent_on": review.invitations_sent_on,
        "involvement_ids": chosen or [pk for pk, _ in choices],
        "expected_lock": review.lock,
    }
    form = InviteForm(request.POST or None, initial=initial, choices=choices)

    def save(data: dict[str, Any]) -> object:
        return services.review_invite(
            review_id=review.pk,
            meeting_on=data["meeting_on"],
            sent_on=data["sent_on"],
            involvement_ids=data["involvement_ids"],
            changed_by=signed_in_user(request),
            expected_lock=data["expected_lock"],
        )

    notice = clock.basis(clock.REVIEW_INVITATIONS)
    return _step(
        request,
        review,
        form=form,
        template=_FORM,
        heading="Set the meeting and send invitations",
        save=save,
        success="The meeting date and invitations have been recorded",
        extra={
            "intro": "Invitations must go out at least 2 weeks before the meeting "
            f"({notice.basis}). Invite the family or young person, and those involved.",
            "button": "Save the invitations",
        },
    )


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_advice(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Ask for advice, and record when it went to everyone invited."""
    review = _review(request, plan_id, review_id, "review advice")
    initial = {
        "requested_on": review.advice_requested_on,
        "advice_from": review.advice_from,
        "circulated_on": review.advice_circulated_on,
        "expected_lock": review.lock,
    }
    form = AdviceForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return services.review_advice_record(
            review_id=review.pk,
            requested_on=data["requested_on"],
            advice_from=data["advice_from"],
            circulated_on=data["circulated_on"],
            changed_by=signed_in_user(request),
            expected_lock=data["expected_lock"],
        )

    basis = clock.basis("review_advice_circulated")
    return _step(
        request,
        review,
        form=form,
        template=_FORM,
        heading="Ask for advice",
        save=save,
        success="The advice has been recorded",
        extra={
            "intro": "Advice and information must reach everyone invited at least 2 weeks "
            f"before the meeting ({basis.basis}).",
            "button": "Save",
        },
    )


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_views(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """The child's or young person's own views, in their own words."""
    review = _review(request, plan_id, review_id, "review views")
    initial = {
        "how": review.views_how,
        "words": review.views_words,
        "helped_by": review.views_helped_by,
        "gathered_on": review.views_gathered_on,
        "expected_lock": review.lock,
    }
    form = ViewsForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return services.review_views_record(
            review_id=review.pk,
            gathered_on=data["gathered_on"],
            how=data["how"],
            words=data["words"],
            helped_by=data["helped_by"],
            changed_by=signed_in_user(request),
            expected_lock=data["expected_lock"],
        )

    return _step(
        request,
        review,
        form=form,
        template=_FORM,
        heading="Their views, in their own words",
        save=save,
        success="Their views have been recorded",
        extra={
            "intro": "Gather their views in the way that suits them best: talking, symbols, "
            "drawing, their communication aid, or through people who know them well.",
            "button": "Save their views",
        },
    )


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_held(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Record that the meeting was held: the report is due 2 weeks after it."""
    review = _review(request, plan_id, review_id, "review meeting held")
    form = HeldForm(
        request.POST or None,
        initial={"meeting_on": review.meeting_on, "expected_lock": review.lock},
    )

    def save(data: dict[str, Any]) -> object:
        return review_record_meeting(
            review_id=review.pk,
            meeting_on=data["meeting_on"],
            changed_by=signed_in_user(request),
            expected_lock=data["expected_lock"],
        )

    report = clock.basis(clock.REVIEW_REPORT)
    return _step(
        request,
        review,
        form=form,
        template=_FORM,
        heading="Record the meeting",
        save=save,
        success="The meeting has been recorded",
        extra={
            "intro": "The review report, with any changes proposed to the plan, is due 2 "
            f"weeks after the meeting ({report.basis}).",
            "button": "Record the meeting",
        },
    )


@requires_access(setting_staff)
@require_GET
def review_report(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """The plan row by row, sections B to H, with the change the review proposes to each."""
    review = _review(request, plan_id, review_id, "review report")
    try:
        sections = selectors.plan_rows(review)
    except TransitionRefused as refused:
        raise Http404(refused.message) from refused
    return render(
        request,
        "casework/review/setting/report.html",
        {
            "review": review,
            "plan": review.plan,
            "learner": review.plan.learner,
            "sections": sections,
            "sent": review.report_received_on is not None,
        },
    )


def _section(section: str) -> str:
    if section not in services.CHANGE_SECTIONS:
        raise Http404("No such section")
    return section


def _change_save(request: HttpRequest, review: Review, section: str, row_id: int | None):  # type: ignore[no-untyped-def]
    def save(data: dict[str, Any]) -> object:
        action = data.get("action", ReviewChange.Action.ADD)
        user = signed_in_user(request)
        if action == "keep":
            existing = review.changes.filter(**{_ROW_FIELD[section]: row_id}).exclude(
                action=ReviewChange.Action.ADD
            )
            for change in existing:
                services.review_change_withdraw(change_id=change.pk, changed_by=user)
            return None
        return services.review_change_propose(
            review_id=review.pk,
            section=section,
            action=action,
            row_id=data.get("link", row_id),
            text=data.get("text", ""),
            what=data.get("what", ""),
            how_much=data.get("how_much", ""),
            how_often=data.get("how_often", ""),
            delivered_by=data.get("delivered_by", ""),
            reason=data.get("reason", ""),
            changed_by=user,
        )

    return save


_ROW_FIELD = {
    **{s.value: "need_id" for s in NEED_SECTIONS},
    Section.E.value: "outcome_id",
    **{s.value: "provision_id" for s in PROVISION_SECTIONS},
}


def _after_change(request: HttpRequest, review: Review, form: forms.Form, save: Any) -> Any:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The review report has been updated")
            return redirect("casework:review-report", plan_id=review.plan_id, review_id=review.pk)
    return None


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_change(
    request: HttpRequest, plan_id: int, review_id: int, section: str, row_id: int
) -> HttpResponse:
    """Propose to keep, change or remove one row of the plan."""
    review = _review(request, plan_id, review_id, "review report")
    section = _section(section)
    row = next(
        (
            r
            for s in selectors.plan_rows(review)
            for r in s.rows
            if s.section == section and r.row_id == row_id
        ),
        None,
    )
    if row is None:
        raise Http404("No such row")
    provision = section in {s.value for s in PROVISION_SECTIONS}
    initial: dict[str, Any] = {"action": "keep"}
    if row.change is not None:
        initial = {
            "action": row.change.action,
            "text": row.change.text,
            "what": row.change.what,
            "how_much": row.change.how_much,
            "how_often": row.change.how_often,
            "delivered_by": row.change.delivered_by,
            "reason": row.change.reason,
        }
    form = ChangeForm(request.POST or None, initial=initial, provision=provision)
    done = _after_change(request, review, form, _change_save(request, review, section, row_id))
    if done is not None:
        return done
    return render(
        request,
        "casework/review/setting/change.html",
        {
            "review": review,
            "plan": review.plan,
            "learner": review.plan.learner,
            "form": form,
            "row": row,
            "section_label": Section(section).label,
            "errors": error_summary(form) if request.method == "POST" else [],
        },
    )


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_change_add(
    request: HttpRequest, plan_id: int, review_id: int, section: str
) -> HttpResponse:
    """Propose a new row in one section of the plan."""
    review = _review(request, plan_id, review_id, "review report")
    section = _section(section)
    provision = section in {s.value for s in PROVISION_SECTIONS}
    links = selectors.link_choices(review, section)
    form = AddForm(request.POST or None, provision=provision, links=links)
    done = _after_change(request, review, form, _change_save(request, review, section, None))
    if done is not None:
        return done
    return render(
        request,
        "casework/review/setting/change.html",
        {
            "review": review,
            "plan": review.plan,
            "learner": review.plan.learner,
            "form": form,
            "row": None,
            "section_label": Section(section).label,
            "errors": error_summary(form) if request.method == "POST" else [],
        },
    )


@requires_access(setting_staff)
@require_POST
def review_change_withdraw(
    request: HttpRequest, plan_id: int, review_id: int, change_id: int
) -> HttpResponse:
    """Take back a proposed new row."""
    review = _review(request, plan_id, review_id, "review report")
    change = review.changes.filter(pk=change_id).first()
    if change is None:
        raise Http404("No such proposal")
    try:
        services.review_change_withdraw(change_id=change.pk, changed_by=signed_in_user(request))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "The proposal has been taken back")
    return redirect("casework:review-report", plan_id=review.plan_id, review_id=review.pk)


@requires_access(setting_staff)
@require_http_methods(["GET", "POST"])
def review_report_send(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """Send the report: the answers, then a check page with the proposed changes, then send."""
    review = _review(request, plan_id, review_id, "send the review report")
    initial = {
        "summary": review.report_summary,
        "recommendation": review.report_recommendation,
        "sent_on": timezone.localdate(),
        "expected_lock": review.lock,
    }
    form = ReportForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {
        "review": review,
        "plan": review.plan,
        "learner": review.plan.learner,
        "form": form,
        "basis": clock.basis(clock.REVIEW_REPORT),
        "errors": [],
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                services.review_report_send(
                    review_id=review.pk,
                    sent_on=data["sent_on"],
                    summary=data["summary"],
                    recommendation=data["recommendation"],
                    changed_by=signed_in_user(request),
                    expected_lock=data["expected_lock"],
                )
            except TransitionRefused as refused:
                form.add_error(None, refused.message)
            except ValidationError as error:
                add_service_errors(form, error)
            except StaleEdit as stale:
                data = request.POST.copy()
                data["expected_lock"] = str(Review.objects.get(pk=review.pk).lock)
                form.data = data
                form.add_error(None, stale.message(what="this review"))
                context["errors"] = error_summary(form)
                return render(
                    request, "casework/review/setting/report_send.html", context, status=409
                )
            else:
                messages.success(request, "The review report has been sent to the council")
                return redirect(
                    "casework:review-convene", plan_id=review.plan_id, review_id=review.pk
                )
        else:
            sections = selectors.plan_rows(review)
            return render(
                request,
                "casework/review/setting/report_check.html",
                {
                    **context,
                    "answers": data,
                    "recommendation": Review.Decision(data["recommendation"]).label,
                    "sections": sections,
                },
            )
    if request.method == "POST":
        context["errors"] = error_summary(form)
    return render(request, "casework/review/setting/report_send.html", context)


# The council's view: reviews overdue or at risk by setting, and the reported figures.


@requires_access(la_staff)
@require_GET
def reviews_compliance(request: HttpRequest) -> HttpResponse:
    """Every open review with a step overdue or due within two weeks, by setting, and the
    figures the council reports for the last 12 months."""
    user = signed_in_user(request)
    today = timezone.localdate()
    rows = compliance.reviews_at_risk(fetched_by=user, today=today)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"reviews at risk page {page.number} of {page.paginator.num_pages}",
    )
    return render(
        request,
        "casework/review/compliance.html",
        {
            "page_obj": page,
            "page_links": page_links(page),
            "figures": compliance.review_figures(fetched_by=user, today=today),
            "since": today - compliance.PERIOD,
            "today": today,
            "overdue": sum(1 for r in rows if r.worst.status == "overdue"),
        },
    )


# The caseworker's answer to the proposals.


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def review_proposals(request: HttpRequest, plan_id: int, review_id: int) -> HttpResponse:
    """The review report and its proposed changes: accept or reject each."""
    plan = _editable_plan(request, plan_id, purpose="review proposals")
    review = _open_review(plan, review_id)
    review.plan = plan
    if review.report_received_on is None:
        raise Http404("The review report has not been sent")
    changes = list(review.changes.select_related("need", "outcome", "provision"))
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        answers = {c.pk: request.POST.get(f"answer-{c.pk}", "") for c in changes}
        missing = [c for c in changes if answers[c.pk] not in ReviewChange.Answer.values]
        for change in changes:
            if answers[change.pk] in ReviewChange.Answer.values:
                change.answer = answers[change.pk]  # re-shown as chosen
        if missing:
            errors = [
                {"text": "Accept or reject each proposed change", "href": f"#answer-{c.pk}"}
                for c in missing[:1]
            ]
        else:
            services.review_changes_answer(
                review_id=review.pk,
                answers=answers,
                answered_on=timezone.localdate(),
                changed_by=signed_in_user(request),
            )
            messages.success(request, "Your answers to the proposed changes have been saved")
            return redirect("casework:review-decision", plan_id=plan.pk, review_id=review.pk)
    rows = [(c, selectors.current_words(c), selectors.change_words(c)) for c in changes]
    return render(
        request,
        "casework/review/proposals.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "review": review,
            "rows": rows,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
    )
