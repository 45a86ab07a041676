"""The plan pages: reading a plan (its current version, any version, the history, the
differences between two versions, a printable page and the PDF of an issued version), and
editing a draft section by section and issuing it.

Every page goes through ``plan_for_user`` (not yours: 404) and writes an audit event with no
names or identifiers in it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.access import standing_for
from sendplan.accounts.guards import (
    has_a_role,
    la_staff,
    professional,
    requires_access,
    signed_in_user,
)
from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.forms import (
    AdviceForm,
    BudgetForm,
    ConsultationAnswerForm,
    LockedForm,
    NeedForm,
    OutcomeForm,
    PlacementForm,
    ProvisionForm,
    SectionAForm,
)
from sendplan.casework.plans.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    Plan,
    PlanVersion,
    Section,
)
from sendplan.casework.plans.pdf import plan_pdf
from sendplan.casework.plans.selectors import (
    PlanSections,
    SectionRows,
    advice_for_section,
    budget_text,
    compare_versions,
    consultation_draft_number,
    consultation_for_user,
    consultations_for_setting,
    current_version_number,
    draft_of,
    placement_text,
    plan_for_user,
    plan_sections,
    plan_version_detail,
    version_for_user,
    versions_for,
)
from sendplan.core.dates import govuk_date
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.core.numbers import whole_number
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate
from sendplan.web.panels import panels_for


def _version_page(
    request: HttpRequest, plan: Plan, can_edit: bool, number: int, *, current: bool
) -> HttpResponse:
    user = signed_in_user(request)
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    draft = draft_of(plan) if can_edit else None
    # Proposed amendments the family have been sent: shown to every reader, with their date.
    proposed = next(
        (
            v
            for v in versions_for(fetched_by=user, plan=plan)
            if v.status == PlanVersion.Status.DRAFT and v.purpose == PlanVersion.Purpose.AMENDMENT
        ),
        None,
    )
    proposed_on = proposed and (
        proposed.proposed_on or (proposed.review.amendment_proposed_on if proposed.review else None)
    )
    return render(
        request,
        "casework/plan/version.html",
        {
            "proposed": proposed if current and proposed_on else None,
            "comments_by": proposed_on and clock.due("amendment_representations", proposed_on),
            "plan": plan,
            "learner": plan.learner,
            "version": version,
            "sections": plan_sections(version),
            "placement": placement_text(version),
            "budget": budget_text(version),
            "can_edit": can_edit,
            "draft": draft,
            "is_current": current,
            "is_la_staff": standing_for(user).is_la_staff,
            # What was delivered of the plan in force (the delivery app's, ADR 0135).
            "panels": panels_for("casework:plan", user=user, plan=plan, today=timezone.localdate())
            if current
            else [],
        },
    )


@requires_access(has_a_role)
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as it stands: the latest issued version (or the draft before first issue)."""
    plan, can_edit = plan_for_user(signed_in_user(request), plan_id, purpose="plan")
    number = current_version_number(fetched_by=signed_in_user(request), plan=plan)
    return _version_page(request, plan, can_edit, number, current=True)


@requires_access(has_a_role)
@require_GET
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    user = signed_in_user(request)
    plan, can_edit = plan_for_user(user, plan_id, purpose=f"plan version {number}")
    return _version_page(request, plan, can_edit, number, current=False)


@requires_access(has_a_role)
@require_GET
def version_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every version, newest first: who issued it and when, and a link to what changed."""
    user = signed_in_user(request)
    plan, can_edit = plan_for_user(user, plan_id, purpose="plan history")
    versions = list(versions_for(fetched_by=user, plan=plan))
    previous = {v.number: versions[i + 1].number for i, v in enumerate(versions[:-1])}
    return render(
        request,
        "casework/plan/history.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "versions": [(v, previous.get(v.number)) for v in versions],
            "can_edit": can_edit,
        },
    )


def _number(request: HttpRequest, name: str) -> int | None:
    return whole_number(request.GET.get(name))


@requires_access(has_a_role)
@require_GET
def version_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What changed between two versions (``?from=1&to=2``; numbers only in the query)."""
    user = signed_in_user(request)
    plan, can_edit = plan_for_user(user, plan_id, purpose="plan versions compared")
    numbers = [v.number for v in versions_for(fetched_by=user, plan=plan)]
    new_number = _number(request, "to") or (numbers[0] if numbers else None)
    older = [n for n in numbers if new_number is not None and n < new_number]
    old_number = _number(request, "from") or (older[0] if older else None)
    if new_number is None or old_number is None or old_number == new_number:
        raise Http404("Two different versions are needed to compare")
    old = version_for_user(fetched_by=user, plan=plan, number=old_number)
    new = version_for_user(fetched_by=user, plan=plan, number=new_number)
    changes = compare_versions(plan_sections(old), plan_sections(new))
    return render(
        request,
        "casework/plan/compare.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "old": old,
            "new": new,
            "changes": changes,
            "changed_count": sum(len(s.changes) for s in changes),
            "can_edit": can_edit,
        },
    )


@requires_access(has_a_role)
@require_GET
def version_print(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The version laid out for paper: no navigation, print styles from a class on <body>."""
    user = signed_in_user(request)
    plan, _ = plan_for_user(user, plan_id, purpose=f"plan version {number} printed", export=True)
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    return render(
        request,
        "casework/plan/print.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": version,
            "sections": plan_sections(version),
            "placement": placement_text(version),
            "budget": budget_text(version),
        },
    )


@requires_access(has_a_role)
@require_GET
def version_pdf(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The PDF of an issued version. Drafts have none: they are not the plan yet."""
    user = signed_in_user(request)
    plan, _ = plan_for_user(user, plan_id, purpose=f"plan version {number} PDF", export=True)
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    if version.status != PlanVersion.Status.ISSUED:
        raise Http404("Only an issued plan has a PDF")
    content = plan_pdf(plan_sections(version))
    response = HttpResponse(content, content_type="application/pdf")
    # A neutral file name: no learner name or identifier leaves in a header.
    filename = f"ehc-plan-{plan.pk}-version-{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


NEED_LETTERS = {str(s.value) for s in NEED_SECTIONS}


PROVISION_LETTERS = {str(s.value) for s in PROVISION_SECTIONS}


ROW_LETTERS = NEED_LETTERS | {"E"} | PROVISION_LETTERS


FIELD_FORMS: dict[str, type[LockedForm]] = {
    "A": SectionAForm,
    "I": PlacementForm,
    "J": BudgetForm,
    "K": AdviceForm,
}


def draft_for_editing(
    request: HttpRequest, plan_id: int, *, purpose: str
) -> tuple[Plan, PlanSections]:
    """The plan's draft with every section, for someone who may edit it (else 403 / 404)."""
    user = signed_in_user(request)
    plan, can_edit = plan_for_user(user, plan_id, purpose=purpose)
    if not can_edit:
        raise PermissionDenied
    draft = draft_of(plan)
    if draft is None:
        raise Http404("This plan has no draft")
    return plan, plan_sections(plan_version_detail(fetched_by=user, version_id=draft.pk))


def _short(text: str) -> str:
    return text if len(text) <= 90 else f"{text[:87]}..."


def _link_choices(sections: PlanSections, letter: str) -> list[tuple[int, str]]:
    if letter == "E":
        return [
            (r.need.pk, f"{r.ref}: {_short(r.need.text)}") for s in sections.needs for r in s.rows
        ]
    return [(r.outcome.pk, f"{r.ref}: {_short(r.outcome.text)}") for r in sections.outcomes.rows]


def _advice_choices(plan: Plan, sections: PlanSections) -> list[tuple[int, str]]:
    attached = {a.pk for a in sections.advice}
    received = AdviceRequest.objects.filter(
        case__learner_id=plan.learner_id, received_on__isnull=False
    ).select_related("organisation")
    return [
        (
            a.pk,
            f"{a.get_kind_display()} from {a.organisation.name}, received {govuk_date(a.received_on)}",
        )
        for a in received
        if a.pk not in attached
    ]


def _row_form_class(letter: str) -> type[LockedForm]:
    if letter in NEED_LETTERS:
        return NeedForm
    return OutcomeForm if letter == "E" else ProvisionForm


def _make_form(
    letter: str, plan: Plan, sections: PlanSections, data: Any = None, initial: Any = None
) -> forms.Form:
    cls = FIELD_FORMS.get(letter) or _row_form_class(letter)
    kwargs: dict[str, Any] = {"initial": initial}
    if cls in (OutcomeForm, ProvisionForm):
        kwargs["link_choices"] = _link_choices(sections, letter)
    if cls is AdviceForm:
        kwargs["link_choices"] = _advice_choices(plan, sections)
    return cls(data, **kwargs)


def stale_errors(stale: StaleEdit) -> list[dict[str, str]]:
    return [
        {
            "href": "#saved-now",
            "text": stale.message(what="this plan"),
        }
    ]


def _with_new_lock(request: HttpRequest, form: forms.Form, plan_id: int, letter: str) -> Any:
    """Re-read the draft and keep what was typed, with the lock of what is saved now."""
    plan, sections = draft_for_editing(
        request, plan_id, purpose=f"draft section {letter}, saved since"
    )
    data = request.POST.copy()
    data["lock"] = str(sections.version.lock)
    retry = _make_form(letter, plan, sections, data=data)
    retry.is_valid()
    return plan, sections, retry


def _section_rows(sections: PlanSections, letter: str) -> SectionRows | None:
    return sections.rows_of(letter) if letter in ROW_LETTERS else None


@requires_access(la_staff)
@require_GET
def draft_overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The draft's sections as a task list (GOV.UK "complete multiple tasks")."""
    plan, sections = draft_for_editing(request, plan_id, purpose="draft plan")
    version = sections.version
    tasks = [
        ("A", str(Section.A.label), bool(version.views or version.interests or version.aspirations))
    ]
    tasks += [(s.letter, s.label, bool(s.rows)) for s in sections.row_sections]
    tasks += [
        ("I", str(Section.I.label), bool(version.placement_setting_id or version.placement_type)),
        ("J", str(Section.J.label), version.personal_budget_amount is not None),
        ("K", str(Section.K.label), bool(sections.advice)),
    ]
    return render(
        request,
        "casework/plan/draft.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": version,
            "tasks": tasks,
            **_issue_offer(plan, version),
        },
    )


def _issue_offer(plan: Plan, version: PlanVersion) -> dict[str, Any]:
    """Whether issuing is offered today: a first plan only once the law allows it (the
    draft out for comments and their time run, or the comments in); an amendment proposed
    outside a review once its proposals went to the family and their 15 days ran (Reg 22);
    any other amendment always (its page says when the representations close)."""
    if version.purpose == PlanVersion.Purpose.AMENDMENT and version.review_id is None:
        if version.proposed_on is None:
            return {"may_issue": False, "to_send": True}
        close = clock.due("amendment_representations", version.proposed_on)
        return {
            "may_issue": timezone.localdate() >= close,
            "representations_close": close,
        }
    if version.purpose != PlanVersion.Purpose.FIRST or plan.case is None:
        return {"may_issue": True}
    opens = plan_services.final_issue_opens_on(plan.case)
    return {
        "may_issue": opens is not None and timezone.localdate() >= opens,
        "issue_opens_on": opens,
    }


def _section_page(
    request: HttpRequest,
    plan: Plan,
    sections: PlanSections,
    letter: str,
    form: forms.Form | None,
    *,
    errors: list[dict[str, str]] | None = None,
    stale: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/plan/section.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": sections.version,
            "sections": sections,
            "letter": letter,
            "section_label": Section(letter).label,
            "rows": _section_rows(sections, letter),
            "form": form,
            "errors": (errors or []) + (error_summary(form) if form is not None else []),
            "stale": stale,
            "placement": placement_text(sections.version),
            **_advice_context(request, sections, letter),
        },
        status=status,
    )


def _advice_context(request: HttpRequest, sections: PlanSections, letter: str) -> dict[str, Any]:
    """The advice bearing on a row section, and whether the caseworker may (or did) confirm
    that no provision is needed there."""
    if letter not in ROW_LETTERS:
        return {}
    version = sections.version
    advice = advice_for_section(fetched_by=signed_in_user(request), version=version, letter=letter)
    confirmed = next((c for c in version.no_provision.all() if c.section == letter), None)
    if letter == "E":
        can_add = any(s.rows for s in sections.needs)
    else:
        can_add = letter in NEED_LETTERS or bool(sections.outcomes.rows)
    return {
        "can_add": can_add,
        "advice": advice,
        "no_provision": confirmed,
        "needs_confirming": letter in plan_services.advised_sections_empty(version),
    }


def _save_fields(letter: str, version: PlanVersion, form: forms.Form, user: User) -> None:
    data = dict(form.cleaned_data)
    common = {"version_id": version.pk, "expected_lock": data.pop("lock"), "changed_by": user}
    if letter == "K":
        plan_services.plan_advice_attach(**common, advice_request_ids=data["advice_request_ids"])
    elif letter == "I":
        plan_services.plan_version_update(**common, **form.changes())  # type: ignore[attr-defined]
    else:
        plan_services.plan_version_update(**common, **data)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def draft_section(request: HttpRequest, plan_id: int, section: str) -> HttpResponse:
    """A section of the draft: its rows with change and remove links, or its one form."""
    plan, sections = draft_for_editing(request, plan_id, purpose=f"draft section {section}")
    version = sections.version
    if section in ROW_LETTERS:
        if request.method == "POST":
            return HttpResponse(status=405, headers={"Allow": "GET"})
        return _section_page(request, plan, sections, section, None)
    if request.method == "GET":
        initial: dict[str, Any] = {"lock": version.lock}
        if section == "A":
            initial |= {"views": version.views, "interests": version.interests}
            initial |= {"aspirations": version.aspirations}
        elif section == "I":
            initial |= {"placement_setting": version.placement_setting_id}
            initial |= {"placement_type": version.placement_type}
        elif section == "J":
            initial |= {"personal_budget_amount": version.personal_budget_amount}
            initial |= {"personal_budget_arrangements": version.personal_budget_arrangements}
        return _section_page(
            request, plan, sections, section, _make_form(section, plan, sections, initial=initial)
        )
    form = _make_form(section, plan, sections, data=request.POST)
    if not form.is_valid():
        return _section_page(request, plan, sections, section, form)
    try:
        _save_fields(section, version, form, signed_in_user(request))
    except StaleEdit as stale:
        plan, sections, retry = _with_new_lock(request, form, plan_id, section)
        return _section_page(
            request,
            plan,
            sections,
            section,
            retry,
            errors=stale_errors(stale),
            stale=stale,
            status=409,
        )
    except TransitionRefused as refused:
        form.add_error(None, refused.message)
        return _section_page(request, plan, sections, section, form)
    except ValidationError as error:
        add_service_errors(form, error)
        return _section_page(request, plan, sections, section, form)
    messages.success(request, f"Section {section} has been saved")
    return redirect("casework:plan-draft", plan_id=plan.pk)


def _find_row(sections: PlanSections, letter: str, row_id: int) -> Any:
    for row in sections.rows_of(letter).rows:
        if row.obj.pk == row_id:
            return row.obj
    raise Http404("No such row in this section of the draft")


def _from_advice(letter: str, source: AdviceSection) -> dict[str, Any]:
    """A new row's words taken from advice, with the advice named as their source."""
    text_field = "what" if letter in PROVISION_LETTERS else "text"
    return {text_field: source.text, "source": source.pk}


def _row_initial(letter: str, obj: Any, lock: int) -> dict[str, Any]:
    if letter in NEED_LETTERS:
        return {"lock": lock, "text": obj.text}
    if letter == "E":
        return {
            "lock": lock,
            "text": obj.text,
            "need_ids": [n.pk for n in obj.needs.all()],
            "preparing_for_adulthood": obj.preparing_for_adulthood,
        }
    return {
        "lock": lock,
        "what": obj.what,
        "how_much": obj.how_much,
        "how_often": obj.how_often,
        "delivered_by": obj.delivered_by,
        "outcome_ids": [o.pk for o in obj.outcomes.all()],
    }


def _save_row(letter: str, sections: PlanSections, form: forms.Form, user: User, row: Any) -> None:
    data = dict(form.cleaned_data)
    rows = sections.rows_of(letter).rows
    if row is not None:
        position = row.position
    else:
        position = max((r.obj.position for r in rows), default=-1) + 1
    common = {
        "version_id": sections.version.pk,
        "expected_lock": data.pop("lock"),
        "changed_by": user,
        "position": position,
    }
    row_id = row.pk if row is not None else None
    common["source_id"] = data.pop("source", None)
    if letter in NEED_LETTERS:
        plan_services.plan_need_save(**common, section=letter, text=data["text"], need_id=row_id)
    elif letter == "E":
        plan_services.plan_outcome_save(**common, outcome_id=row_id, **data)
    else:
        plan_services.plan_provision_save(**common, section=letter, provision_id=row_id, **data)


def _source_asked(request: HttpRequest, sections: PlanSections, letter: str) -> Any:
    """The advice section named by ``?from=`` (a number), if it is advice for this learner
    bearing on this section; else None (the form opens empty)."""
    pk = whole_number(request.GET.get("from"))
    if pk is None:
        return None
    for item in advice_for_section(
        fetched_by=signed_in_user(request), version=sections.version, letter=letter
    ):
        if item.text is not None and item.text.pk == pk:
            return item.text
    return None


def _row_page(
    request: HttpRequest,
    plan: Plan,
    sections: PlanSections,
    letter: str,
    form: forms.Form,
    row: Any,
    *,
    source: Any = None,
    errors: list[dict[str, str]] | None = None,
    stale: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/plan/row_form.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": sections.version,
            "sections": sections,
            "letter": letter,
            "section_label": Section(letter).label,
            "rows": sections.rows_of(letter),
            "row": row,
            "form": form,
            "kind": "need"
            if letter in NEED_LETTERS
            else ("outcome" if letter == "E" else "provision"),
            "errors": (errors or []) + error_summary(form),
            "stale": stale,
            "source": source,
        },
        status=status,
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def draft_row(
    request: HttpRequest, plan_id: int, section: str, row_id: int | None = None
) -> HttpResponse:
    """Add a row to a section (no ``row_id``) or change one."""
    if section not in ROW_LETTERS:
        raise Http404("This section has no rows")
    plan, sections = draft_for_editing(request, plan_id, purpose=f"draft section {section} row")
    row = _find_row(sections, section, row_id) if row_id is not None else None
    if request.method == "GET":
        initial = (
            _row_initial(section, row, sections.version.lock)
            if row is not None
            else {"lock": sections.version.lock}
        )
        source = _source_asked(request, sections, section) if row is None else None
        if source is not None:
            initial |= _from_advice(section, source)
        form = _make_form(section, plan, sections, initial=initial)
        return _row_page(request, plan, sections, section, form, row, source=source)
    form = _make_form(section, plan, sections, data=request.POST)
    if not form.is_valid():
        return _row_page(request, plan, sections, section, form, row)
    try:
        _save_row(section, sections, form, signed_in_user(request), row)
    except StaleEdit as stale:
        plan, sections, retry = _with_new_lock(request, form, plan_id, section)
        return _row_page(
            request,
            plan,
            sections,
            section,
            retry,
            row,
            errors=stale_errors(stale),
            stale=stale,
            status=409,
        )
    except TransitionRefused as refused:
        form.add_error(None, refused.message)
        return _row_page(request, plan, sections, section, form, row)
    except ValidationError as error:
        add_service_errors(form, error)
        return _row_page(request, plan, sections, section, form, row)
    messages.success(request, f"Section {section} has been saved")
    return redirect("casework:plan-draft-section", plan_id=plan.pk, section=section)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def draft_row_remove(request: HttpRequest, plan_id: int, section: str, row_id: int) -> HttpResponse:
    """Confirm, then remove one row from a section of the draft."""
    if section not in ROW_LETTERS:
        raise Http404("This section has no rows")
    plan, sections = draft_for_editing(
        request, plan_id, purpose=f"draft section {section} remove a row"
    )
    row = _find_row(sections, section, row_id)
    form = LockedForm(request.POST or None, initial={"lock": sections.version.lock})
    context = {
        "plan": plan,
        "learner": plan.learner,
        "version": sections.version,
        "letter": section,
        "section_label": Section(section).label,
        "row": row,
        "form": form,
    }
    if request.method == "GET" or not form.is_valid():
        context["errors"] = error_summary(form) if request.method == "POST" else []
        return render(request, "casework/plan/row_remove.html", context)
    key = (
        "need_id"
        if section in NEED_LETTERS
        else ("outcome_id" if section == "E" else "provision_id")
    )
    try:
        plan_services.plan_row_remove(
            version_id=sections.version.pk,
            expected_lock=form.cleaned_data["lock"],
            changed_by=signed_in_user(request),
            **{key: row.pk},
        )
    except StaleEdit as stale:
        context["errors"] = stale_errors(stale)
        context["stale"] = stale
        context["form"] = LockedForm(initial={"lock": draft_of(plan).lock})  # type: ignore[union-attr]
        return render(request, "casework/plan/row_remove.html", context, status=409)
    except TransitionRefused as refused:
        context["errors"] = [{"href": "#main-content", "text": refused.message}]
        return render(request, "casework/plan/row_remove.html", context)
    messages.success(request, f"The row has been removed from section {section}")
    return redirect("casework:plan-draft-section", plan_id=plan.pk, section=section)


# Consultations, answered by the setting consulted (section 39 of the Children and Families
# Act 2014: the setting has 15 days to say whether it can meet the needs).


@requires_access(professional)
@require_GET
def consultations_page(request: HttpRequest) -> HttpResponse:
    """Every consultation addressed to the user's settings: waiting ones first, soonest due."""
    user = signed_in_user(request)
    page = paginate(request, consultations_for_setting(fetched_by=user))
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"consultations page {page.number}, {page.paginator.count} in all",
    )
    return render(
        request,
        "casework/consultation/list.html",
        {"page_obj": page, "page_links": page_links(page), "today": timezone.localdate()},
    )


def _consultation_page(
    request: HttpRequest, consultation: Any, form: ConsultationAnswerForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "casework/consultation/answer.html",
        {
            "consultation": consultation,
            "learner": consultation.case.learner,
            "draft_number": consultation_draft_number(consultation),
            "form": form,
            "errors": error_summary(form),
            "today": timezone.localdate(),
        },
        status=status,
    )


@requires_access(professional)
@require_http_methods(["GET", "POST"])
def consultation_answer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One consultation: the learner, the draft to read, and the setting's answer."""
    user = signed_in_user(request)
    step = "answer" if request.method == "POST" else "read"
    consultation = consultation_for_user(fetched_by=user, pk=pk, purpose=f"consultation: {step}")
    if request.method == "GET":
        return _consultation_page(request, consultation, ConsultationAnswerForm())
    form = ConsultationAnswerForm(request.POST)
    if not form.is_valid():
        return _consultation_page(request, consultation, form)
    try:
        plan_services.consultation_answer(
            consultation_id=consultation.pk,
            response=form.cleaned_data["response"],
            reasons=form.cleaned_data["reasons"],
            answered_by=user,
        )
    except TransitionRefused as refused:
        form.add_error(None, str(refused))
        return _consultation_page(request, consultation, form, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return _consultation_page(request, consultation, form)
    messages.success(request, "Your answer has been sent to the council.")
    return redirect("casework:consultation", pk=consultation.pk)
