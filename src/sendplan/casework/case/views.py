"""One case: its deadlines, timeline and advice, the steps allowed at its stage, and a new
request recorded from the learner's record.

The steps themselves are rows of :data:`sendplan.casework.steps.STEPS`. The page only offers
lawful steps; the services still decide, and a refusal (:class:`TransitionRefused`) is shown
in the error summary in their words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendplan.accounts.models import User
from sendplan.casework.advice import forms as advice_forms
from sendplan.casework.advice import services as advice_services
from sendplan.casework.case import forms as case_forms
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.case.selectors import case_for_user, case_timeline
from sendplan.casework.deadlines import deadlines_for
from sendplan.casework.disputes import forms as dispute_forms
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.plans import forms as plan_forms
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.core.errors import PermissionDenied
from sendplan.learners.models import AuditEvent
from sendplan.learners.selectors import learner_for_user
from sendplan.learners.services import audit_record
from sendplan.learners.templatetags.learner_tags import govuk_time
from sendplan.web.access import la_staff, professional, requires_access, signed_in_user
from sendplan.web.forms import error_summary

S = Stage


APPEALABLE_STAGES = frozenset({S.NOT_ASSESSING, S.NOT_ISSUING, S.FINAL_ISSUED, S.CLOSED})


ANY_BUT_WITHDRAWN = frozenset(set(S.values) - {S.WITHDRAWN})


@dataclass(frozen=True)
class Action:
    """A step on a case: its page, its form and the service call that does it."""

    slug: str
    title: str
    button: str
    form: type[forms.Form]
    stages: frozenset[str]
    run: Callable[[Case, dict[str, Any], User], object]
    done: str
    rights: bool = False  # show the family's appeal and mediation rights
    item: str = ""  # a related row the step may update ("mediation", "appeal")


def _args(form: forms.Form) -> dict[str, Any]:
    extract = getattr(form, "service_arguments", None)
    return extract() if extract else dict(form.cleaned_data)


def _current_draft(case: Case) -> PlanVersion | None:
    try:
        plan = case.plan
    except Plan.DoesNotExist:
        return None
    return plan.versions.filter(status=PlanVersion.Status.DRAFT).first()


def _issue_final(case: Case, data: dict[str, Any], user: User) -> object:
    draft = _current_draft(case)
    if draft is None:
        raise TransitionRefused("There is no draft plan on this case.")
    return plan_services.plan_issue(
        version_id=draft.pk,
        expected_lock=data["expected_lock"],
        issued_on=data["issued_on"],
        changed_by=user,
    )


def _end(kind: Callable[..., object], day: str) -> Callable[[Case, dict[str, Any], User], object]:
    def run(case: Case, data: dict[str, Any], user: User) -> object:
        return kind(case_id=case.pk, reason=data["reason"], changed_by=user, **{day: data["on"]})

    return run


def _simple(service: Callable[..., object]) -> Callable[[Case, dict[str, Any], User], object]:
    def run(case: Case, data: dict[str, Any], user: User) -> object:
        return service(case_id=case.pk, changed_by=user, **data)

    return run


ACTIONS: dict[str, Action] = {
    a.slug: a
    for a in (
        Action(
            "decide-assessment",
            "Decide whether to assess",
            "Record the decision",
            case_forms.AssessmentDecisionForm,
            frozenset({S.REQUESTED}),
            _simple(case_services.assessment_decide),
            "The decision whether to assess has been recorded",
            rights=True,
        ),
        Action(
            "request-advice",
            "Request advice",
            "Record the request for advice",
            advice_forms.AdviceRequestForm,
            frozenset({S.ASSESSING, S.DRAFTING}),
            _simple(advice_services.advice_request),
            "The request for advice has been recorded",
        ),
        Action(
            "start-draft",
            "Decide to issue a plan and start the draft",
            "Start the draft plan",
            case_forms.ConfirmForm,
            frozenset({S.ASSESSING}),
            _simple(plan_services.plan_draft_start),
            "Drafting has started: write the plan's sections",
        ),
        Action(
            "not-to-issue",
            "Decide not to issue a plan",
            "Record the decision",
            case_forms.NotToIssueForm,
            frozenset({S.ASSESSING}),
            _simple(case_services.not_to_issue_decide),
            "The decision not to issue a plan has been recorded",
            rights=True,
        ),
        Action(
            "issue-draft",
            "Send the draft plan for comments",
            "Record that the draft was sent",
            plan_forms.DraftIssueForm,
            frozenset({S.DRAFTING}),
            _simple(plan_services.draft_issue),
            "The draft plan has been sent for comments",
        ),
        Action(
            "consult-setting",
            "Consult a setting",
            "Record the consultation",
            plan_forms.ConsultationForm,
            frozenset({S.CONSULTING}),
            _simple(plan_services.consultation_send),
            "The consultation has been recorded",
        ),
        Action(
            "setting-answer",
            "Record a setting's answer",
            "Record the answer",
            plan_forms.ConsultationResponseForm,
            frozenset({S.CONSULTING}),
            lambda case, data, user: plan_services.consultation_respond(changed_by=user, **data),
            "The setting's answer has been recorded",
        ),
        Action(
            "family-comments",
            "Record the family's comments on the draft",
            "Record the comments",
            plan_forms.FamilyCommentsForm,
            frozenset({S.CONSULTING}),
            _simple(plan_services.draft_comments_record),
            "The family's comments have been recorded",
        ),
        Action(
            "issue-final",
            "Issue the final plan",
            "Issue the final plan",
            plan_forms.FinalPlanForm,
            frozenset({S.CONSULTING}),
            _issue_final,
            "The final plan has been issued",
        ),
        Action(
            "exception",
            "Record a lawful exception to a time limit",
            "Record the exception",
            case_forms.ExceptionForm,
            ANY_BUT_WITHDRAWN,
            _simple(case_services.exception_record),
            "The exception has been recorded",
        ),
        Action(
            "withdraw",
            "Withdraw the request",
            "Withdraw the request",
            case_forms.EndForm,
            frozenset({S.REQUESTED, S.ASSESSING, S.DRAFTING, S.CONSULTING}),
            _end(case_services.case_withdraw, "withdrawn_on"),
            "The request has been withdrawn",
        ),
        Action(
            "close",
            "Close the case",
            "Close the case",
            case_forms.EndForm,
            frozenset({S.NOT_ASSESSING, S.NOT_ISSUING}),
            _end(case_services.case_close, "closed_on"),
            "The case has been closed",
        ),
        Action(
            "mediation",
            "Record mediation",
            "Save the mediation",
            dispute_forms.MediationForm,
            APPEALABLE_STAGES,
            _simple(dispute_services.mediation_record),
            "The mediation has been saved",
            item="mediation",
        ),
        Action(
            "tribunal",
            "Record an appeal to the Tribunal",
            "Save the appeal",
            dispute_forms.TribunalForm,
            APPEALABLE_STAGES,
            _simple(dispute_services.tribunal_record),
            "The appeal has been saved",
            item="appeal",
        ),
        Action(
            "tribunal-order",
            "Record a Tribunal order",
            "Save the order",
            dispute_forms.TribunalOrderForm,
            APPEALABLE_STAGES,
            _simple(dispute_services.tribunal_order_record),
            "The order has been saved",
        ),
        Action(
            "order-complied",
            "Record that an order was complied with",
            "Record it",
            dispute_forms.ComplianceForm,
            APPEALABLE_STAGES,
            _simple(dispute_services.tribunal_order_comply),
            "The order has been recorded as done",
        ),
    )
}


def offered_actions(case: Case) -> list[Action]:
    """The steps the case page offers at the case's stage."""
    offered = []
    for action in ACTIONS.values():
        if case.stage not in action.stages:
            continue
        if action.slug == "setting-answer" and not any(
            c.responded_on is None for c in case.consultations.all()
        ):
            continue
        if action.slug == "family-comments" and case.draft_comments_received_on:
            continue
        if action.slug == "tribunal-order" and not case.appeals.all():
            continue
        if action.slug == "order-complied" and not dispute_forms.compliance_choices(case):
            continue
        offered.append(action)
    return offered


@requires_access(professional)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case, can_edit = case_for_user(user, pk)
    today = timezone.localdate()
    deadlines = deadlines_for(case, today=today)
    audit_record(
        user=user, action=AuditEvent.Action.VIEW_RECORD, learner=case.learner, detail="case page"
    )
    advice = list(case.advice_requests.all())
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
            "mediations": list(case.mediations.all()),
            "appeals": list(case.appeals.all()),
            "actions": offered_actions(case) if can_edit else [],
        },
    )


def _form_for(action: Action, case: Case, data: Any = None, initial: Any = None) -> forms.Form:
    kwargs: dict[str, Any] = {"data": data, "initial": initial}
    if action.form in (
        plan_forms.ConsultationResponseForm,
        case_forms.ExceptionForm,
        dispute_forms.TribunalOrderForm,
        dispute_forms.ComplianceForm,
    ):
        kwargs["case"] = case
    return action.form(**kwargs)


def _initial(action: Action, case: Case, item: Any) -> dict[str, Any]:
    if item is not None:
        names = action.form.base_fields
        return {n: getattr(item, n) for n in names if hasattr(item, n)}
    if action.slug == "issue-final":
        draft = _current_draft(case)
        return {"expected_lock": draft.lock if draft else 0}
    return {}


def _item_for(action: Action, case: Case, item_pk: int | None) -> Any:
    if item_pk is None:
        return None
    if not action.item:
        raise Http404("No such step")
    related = case.mediations if action.item == "mediation" else case.appeals
    found = related.filter(pk=item_pk).first()
    if found is None:
        raise Http404("No such record on this case")
    return found


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def case_action(
    request: HttpRequest, pk: int, action: str, item_pk: int | None = None
) -> HttpResponse:
    step = ACTIONS.get(action)
    if step is None:
        raise Http404("No such step")
    user = signed_in_user(request)
    case, can_edit = case_for_user(user, pk)
    if not can_edit:
        raise PermissionDenied
    item = _item_for(step, case, item_pk)
    if request.method == "GET":
        form = _form_for(step, case, initial=_initial(step, case, item))
        return _action_page(request, case, step, form, item)

    form = _form_for(step, case, data=request.POST)
    status = 200
    if form.is_valid():
        data = _args(form)
        if item is not None:
            data[f"{step.item}_id"] = item.pk
        try:
            step.run(case, data, user)
        except ValidationError as error:
            case_forms.add_service_errors(form, error)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
        except StaleEdit as stale:
            status = 409
            form.add_error(
                None,
                f"The draft plan was changed by {stale.changed_by} at "
                f"{govuk_time(stale.changed_at)}. Check the draft, then issue it again",
            )
            form = _refresh_lock(step, case, form)
        else:
            messages.success(request, step.done)
            return redirect("casework:case", pk=case.pk)
    return _action_page(request, case, step, form, item, status=status)


def _refresh_lock(step: Action, case: Case, form: forms.Form) -> forms.Form:
    # Keep what was typed and take the draft's new lock, so issuing again is deliberate.
    data = form.data.copy()  # type: ignore[attr-defined]
    draft = _current_draft(case)
    data["expected_lock"] = str(draft.lock if draft else 0)
    errors = form.errors.copy()
    fresh = _form_for(step, case, data=data)
    fresh.is_valid()
    for message in errors.get("__all__", []):
        fresh.add_error(None, message)
    return fresh


def _action_page(
    request: HttpRequest,
    case: Case,
    step: Action,
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
            "draft": _current_draft(case) if step.slug == "issue-final" else None,
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
    try:
        learner_pk = int(request.POST.get("learner", ""))
    except ValueError:
        raise Http404("No learner found") from None
    learner, can_edit = learner_for_user(user, learner_pk)
    if not can_edit:
        raise PermissionDenied
    if "received_on_day" not in request.POST:
        form = case_forms.RequestForm()
    else:
        form = case_forms.RequestForm(request.POST)
        if form.is_valid():
            try:
                case = case_services.request_record(
                    learner_id=learner.pk,
                    changed_by=user,
                    caseworker=user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                case_forms.add_service_errors(form, error)
            except TransitionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, "The request has been recorded")
                return redirect("casework:case", pk=case.pk)
    return render(
        request,
        "casework/case/new.html",
        {
            "learner": learner,
            "form": form,
            "errors": error_summary(form, non_field_anchor="step-form"),
        },
    )
