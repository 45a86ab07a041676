"""The family's pages: where the case is, the next deadline in plain English, the draft plan
and how to comment, and section A ("about me") views, one question per page.

Written for an anxious parent, or a young person, who may have a disability: one thing per
page, short sentences, every term explained. The parent speaks for a child under compulsory
school age's end; after it the young person does, and the parent may still read (``can_act``
is false: 403 on forms).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import has_a_role, requires_access, signed_in_user
from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.family import services as family_services
from sendplan.casework.family.forms import FamilyCommentForm, FamilyViewsForm, PreferenceForm
from sendplan.casework.family.models import FamilyComment
from sendplan.casework.family.selectors import FamilyCase, family_case, family_cases, family_draft
from sendplan.core.errors import StaleEdit
from sendplan.learners.forms import add_service_errors
from sendplan.web.forms import error_summary

#: Section A question pages: (field, first-person heading, hint).
VIEW_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "views",
        "What is important to me, and what my family thinks",
        "For example, what helps and what makes things hard. Write as much or as little as "
        "you like.",
    ),
    (
        "interests",
        "What I like doing, and what people like about me",
        "For example, hobbies, favourite things, and what I am good at.",
    ),
    (
        "aspirations",
        "What I hope for, now and in the future",
        "For example, friends, learning, work, where I want to live.",
    ),
)


#: While the plan is being written, the family may say which school or college they want.
PREFERENCE_STAGES = (Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING)


@requires_access(has_a_role)
@require_GET
def family_home(request: HttpRequest) -> HttpResponse:
    """The children (or the young person's own case) this user is family for."""
    user = signed_in_user(request)
    children = family_cases(fetched_by=user)
    only = children[0] if len(children) == 1 else None
    if only is not None and only.case is not None:
        return redirect("casework:family-case", case_id=only.case.pk)
    return render(request, "casework/family/home.html", {"children": children})


@requires_access(has_a_role)
@require_GET
def family_case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    fc = family_case(user, case_id, purpose="family case")
    return render(
        request,
        "casework/family/case.html",
        {
            "fc": fc,
            "may_prefer": fc.can_act and fc.case.stage in PREFERENCE_STAGES,
            "preference": fc.case.family_preferences.select_related("setting").first(),
        },
    )


@requires_access(has_a_role)
@require_GET
def family_draft_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The draft plan, while it is out for comments."""
    user = signed_in_user(request)
    fc = family_case(user, case_id, purpose="family draft")
    if fc.draft is None:
        raise Http404("No draft out for comments")
    draft = fc.draft
    return render(
        request,
        "casework/family/draft.html",
        {
            "fc": fc,
            "draft": draft,
            "needs": list(draft.needs.all()),
            "outcomes": list(draft.outcomes.all()),
            "provision": list(draft.provision.all()),
        },
    )


def _acting(request: HttpRequest, case_id: int) -> FamilyCase:
    fc = family_case(signed_in_user(request), case_id, purpose="family form")
    if not fc.can_act:
        raise PermissionDenied
    return fc


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def family_comments(request: HttpRequest, case_id: int) -> HttpResponse:
    fc = _acting(request, case_id)
    if fc.draft is None:
        raise Http404("No draft out for comments")
    if request.method == "GET":
        form = FamilyCommentForm()
        return _comments_page(request, fc, form)
    form = FamilyCommentForm(request.POST)
    if not form.is_valid():
        return _comments_page(request, fc, form)
    try:
        family_services.family_comment_give(
            case_id=fc.case.pk,
            text=form.cleaned_data["text"],
            finished=form.cleaned_data["finished"] == "yes",
            changed_by=signed_in_user(request),
        )
    except TransitionRefused as refused:
        errors = [{"href": "#text", "text": str(refused)}]
        return _comments_page(request, fc, form, errors=errors, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return _comments_page(request, fc, form)
    return redirect("casework:family-comments-sent", case_id=fc.case.pk)


def _comments_page(
    request: HttpRequest,
    fc: FamilyCase,
    form: FamilyCommentForm,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/family/comments.html",
        {"fc": fc, "form": form, "errors": errors if errors is not None else error_summary(form)},
        status=status,
    )


@requires_access(has_a_role)
@require_GET
def family_comments_sent(request: HttpRequest, case_id: int) -> HttpResponse:
    fc = family_case(signed_in_user(request), case_id, purpose="family comments sent")
    comments = list(FamilyComment.objects.filter(case=fc.case).order_by("-given_on", "-id")[:1])
    if not comments:
        return redirect("casework:family-case", case_id=fc.case.pk)
    return render(request, "casework/family/comments_sent.html", {"fc": fc, "comment": comments[0]})


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def family_views(request: HttpRequest, case_id: int, step: int) -> HttpResponse:
    """One section A question. Saving stores it in the draft at once (save and come back)."""
    fc = _acting(request, case_id)
    draft = family_draft(fc)
    if draft is None or not 1 <= step <= len(VIEW_QUESTIONS):
        raise Http404("No plan being written")
    field, heading, hint = VIEW_QUESTIONS[step - 1]
    if request.method == "GET":
        form = FamilyViewsForm(
            initial={"text": getattr(draft, f"family_{field}"), "lock": draft.lock}
        )
        return _views_page(request, fc, form, step)
    form = FamilyViewsForm(request.POST)
    if not form.is_valid():
        return _views_page(request, fc, form, step)
    if "skip" not in request.POST:
        try:
            family_services.family_views_give(
                case_id=fc.case.pk,
                field=field,
                text=form.cleaned_data["text"],
                expected_lock=form.cleaned_data["lock"],
                changed_by=signed_in_user(request),
            )
        except StaleEdit as stale:
            # Keep what they typed; take the new lock so saving again is a deliberate choice.
            data = request.POST.copy()
            fresh = family_draft(
                family_case(
                    signed_in_user(request), case_id, purpose="family section A, saved since"
                )
            )
            data["lock"] = str(fresh.lock if fresh else 0)
            retry = FamilyViewsForm(data)
            retry.is_valid()
            errors = [
                {
                    "href": "#text",
                    "text": stale.message(
                        what="this part of the plan",
                        then="What you wrote is still below. Save again to replace their change",
                    ),
                }
            ]
            return _views_page(request, fc, retry, step, errors=errors, status=409)
        except TransitionRefused as refused:
            errors = [{"href": "#text", "text": str(refused)}]
            return _views_page(request, fc, form, step, errors=errors, status=409)
    if step < len(VIEW_QUESTIONS):
        return redirect("casework:family-views", case_id=fc.case.pk, step=step + 1)
    messages.success(request, "Your views have been saved in the draft plan")
    return redirect("casework:family-views-check", case_id=fc.case.pk)


def _views_page(
    request: HttpRequest,
    fc: FamilyCase,
    form: FamilyViewsForm,
    step: int,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    field, heading, hint = VIEW_QUESTIONS[step - 1]
    return render(
        request,
        "casework/family/views.html",
        {
            "fc": fc,
            "form": form,
            "step": step,
            "steps": len(VIEW_QUESTIONS),
            "heading": heading,
            "hint": hint,
            "errors": errors if errors is not None else error_summary(form),
        },
        status=status,
    )


@requires_access(has_a_role)
@require_GET
def family_views_check(request: HttpRequest, case_id: int) -> HttpResponse:
    """What the family has written for section A, each with a link to change it."""
    fc = _acting(request, case_id)
    draft = family_draft(fc)
    if draft is None:
        raise Http404("No plan being written")
    answers = [
        (step, heading, getattr(draft, f"family_{field}"))
        for step, (field, heading, _) in enumerate(VIEW_QUESTIONS, start=1)
    ]
    return render(request, "casework/family/views_check.html", {"fc": fc, "answers": answers})


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def family_preference(request: HttpRequest, case_id: int) -> HttpResponse:
    """Which school or college the family would like named in the plan (one question)."""
    fc = _acting(request, case_id)
    if fc.case.stage not in PREFERENCE_STAGES:
        raise Http404("The plan is not being written")
    latest = fc.case.family_preferences.first()
    initial = (
        {"setting": latest.setting_id, "setting_type": latest.setting_type, "reason": latest.reason}
        if latest is not None
        else {}
    )
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        setting = form.cleaned_data["setting"]
        try:
            family_services.family_preference_give(
                case_id=fc.case.pk,
                setting_id=setting.pk if setting else None,
                setting_type=form.cleaned_data["setting_type"],
                reason=form.cleaned_data["reason"],
                changed_by=signed_in_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Thank you. We have sent your choice to your caseworker")
            return redirect("casework:family-case", case_id=fc.case.pk)
    return render(
        request,
        "casework/family/preference.html",
        {
            "fc": fc,
            "form": form,
            "errors": error_summary(form, non_field_anchor="setting")
            if request.method == "POST"
            else [],
        },
    )
